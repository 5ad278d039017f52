"""Forms of the awards pages (validation of shape only; the rules live in services)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.awards.models import AwardType


def _award_choices():
    return [(a.code, a.name) for a in AwardType.objects.order_by("sort_order", "code")]


class EligibilityForm(forms.Form):
    award = forms.ChoiceField(label=_("Danh hiệu, hình thức"))
    year = forms.IntegerField(label=_("Năm thành tích"), min_value=1945, max_value=2200, initial=date.today().year - 1)
    person = forms.TypedChoiceField(label=_("Cá nhân"), coerce=int, required=False, empty_value=None)
    unit = forms.TypedChoiceField(label=_("Tập thể (đơn vị)"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, persons=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = _award_choices()
        self.fields["person"].choices = [("", "—")] + [(p.pk, p.full_name) for p in persons]
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.as_of_name or u.code) for u in units]

    def clean(self):
        d = super().clean()
        if bool(d.get("person")) == bool(d.get("unit")):
            raise forms.ValidationError(_("Chọn một cá nhân hoặc một tập thể."))
        return d


class NominationCreateForm(forms.Form):
    award = forms.ChoiceField(label=_("Danh hiệu, hình thức"))
    year = forms.IntegerField(label=_("Năm thành tích"), min_value=1945, max_value=2200, initial=date.today().year - 1)
    person = forms.TypedChoiceField(label=_("Cá nhân của đơn vị (để trống nếu đề nghị cho tập thể đơn vị)"), coerce=int,
                                    required=False, empty_value=None)
    achievement = forms.CharField(label=_("Tóm tắt thành tích"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=4000)

    def __init__(self, *args, persons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = _award_choices()
        self.fields["person"].choices = [("", "—")] + [(p.pk, p.full_name) for p in persons]


class UploadForm(forms.Form):
    requirement = forms.ChoiceField(label=_("Thành phần hồ sơ"))
    file = forms.FileField(label=_("Bản quét đã ký (PDF, PNG, JPEG; tối đa 10 MB)"))

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [(r["code"], r["title"]) for r in requirements]


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("Lý do / ý kiến"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    decision_number = forms.CharField(label=_("Số quyết định"), required=False, max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    signer = forms.CharField(label=_("Người ký"), required=False, max_length=150)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))


class AsOfForm(forms.Form):
    on = forms.DateField(label=_("Tính đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class AwardTypeForm(forms.Form):
    name = forms.CharField(label=_("Tên"), max_length=255)
    proposer = forms.CharField(label=_("Cấp trình đề nghị"), max_length=255, required=False)
    decider = forms.CharField(label=_("Cấp quyết định"), max_length=255, required=False)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=500)
    status = forms.ChoiceField(label=_("Mức xác nhận"))
    cash_multiple_collective = forms.DecimalField(label=_("Tiền thưởng tập thể (lần lương cơ sở)"), required=False,
                                                  min_value=0, max_value=1000, decimal_places=2)
    cash_multiple_individual = forms.DecimalField(label=_("Tiền thưởng cá nhân (lần lương cơ sở)"), required=False,
                                                  min_value=0, max_value=1000, decimal_places=2)
    cash_legal_basis = forms.CharField(label=_("Căn cứ mức tiền thưởng"), max_length=500, required=False)
    cash_status = forms.ChoiceField(label=_("Mức xác nhận tiền thưởng"))

    def __init__(self, *args, **kwargs):
        from thidua.awards.models import Status

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Status.choices
        self.fields["cash_status"].choices = Status.choices


class BlockerForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"))
    unit = forms.TypedChoiceField(label=_("Tập thể"), coerce=int, required=False, empty_value=None)
    person = forms.TypedChoiceField(label=_("Cá nhân"), coerce=int, required=False, empty_value=None)
    starts_on = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Đến ngày (để trống nếu chưa kết thúc)"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Văn bản, căn cứ"), max_length=255, required=False)

    def __init__(self, *args, units=(), persons=(), **kwargs):
        from thidua.awards.models import BlockerKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = BlockerKind.choices
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.as_of_name or u.code) for u in units]
        self.fields["person"].choices = [("", "—")] + [(p.pk, p.full_name) for p in persons]
