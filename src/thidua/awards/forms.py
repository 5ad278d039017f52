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
    household = forms.TypedChoiceField(label=_("Hộ gia đình"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, persons=(), units=(), households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = _award_choices()
        self.fields["person"].choices = [("", "—")] + [(p.pk, p.full_name) for p in persons]
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.as_of_name or u.code) for u in units]
        self.fields["household"].choices = [("", "—")] + [(h.pk, str(h)) for h in households]

    def clean(self):
        d = super().clean()
        if sum(bool(d.get(k)) for k in ("person", "unit", "household")) != 1:
            raise forms.ValidationError(_("Chọn một cá nhân, một tập thể hoặc một hộ gia đình."))
        return d


class NominationCreateForm(forms.Form):
    award = forms.ChoiceField(label=_("Danh hiệu, hình thức"))
    year = forms.IntegerField(label=_("Năm thành tích"), min_value=1945, max_value=2200, initial=date.today().year - 1)
    person = forms.TypedChoiceField(label=_("Cá nhân của đơn vị (để trống nếu đề nghị cho tập thể đơn vị)"), coerce=int,
                                    required=False, empty_value=None)
    household = forms.TypedChoiceField(label=_("Hộ gia đình do đơn vị quản lý"), coerce=int, required=False,
                                       empty_value=None)
    achievement = forms.CharField(label=_("Tóm tắt thành tích"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=4000)

    def __init__(self, *args, persons=(), households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = _award_choices()
        self.fields["person"].choices = [("", "—")] + [(p.pk, p.full_name) for p in persons]
        self.fields["household"].choices = [("", "—")] + [(h.pk, f"{h} – {h.address}") for h in households]

    def clean(self):
        d = super().clean()
        if d.get("person") and d.get("household"):
            raise forms.ValidationError(_("Chọn một cá nhân hoặc một hộ gia đình, không chọn cả hai."))
        return d


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
    household = forms.TypedChoiceField(label=_("Hộ gia đình"), coerce=int, required=False, empty_value=None)
    starts_on = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Đến ngày (để trống nếu chưa kết thúc)"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Văn bản, căn cứ"), max_length=255, required=False)

    def __init__(self, *args, units=(), persons=(), households=(), **kwargs):
        from thidua.awards.models import BlockerKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = BlockerKind.choices
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.as_of_name or u.code) for u in units]
        self.fields["person"].choices = [("", "—")] + [(p.pk, p.full_name) for p in persons]
        self.fields["household"].choices = [("", "—")] + [(h.pk, str(h)) for h in households]


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    unit = forms.TypedChoiceField(label=_("Đơn vị công tác"), coerce=int)
    national_id = forms.CharField(label=_("Số định danh cá nhân (12 chữ số)"), max_length=12, required=False)
    birth_date = forms.DateField(label=_("Ngày sinh"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)

    def __init__(self, *args, units=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # A person changes unit through the organisations' records, not by editing the registry entry.
            del self.fields["unit"]
        else:
            self.fields["unit"].choices = [(u.pk, u.as_of_name or u.code) for u in units]


class DutyRatingForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=1945, max_value=2200, initial=date.today().year - 1)
    rating = forms.TypedChoiceField(label=_("Xếp loại"), coerce=int)

    def __init__(self, *args, **kwargs):
        from thidua.awards.models import DutyRating

        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = DutyRating.Rating.choices


class CollectiveFactsForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=1945, max_value=2200, initial=date.today().year - 1)
    members = forms.IntegerField(label=_("Tổng số thành viên"), min_value=1)
    members_completed = forms.IntegerField(label=_("Số hoàn thành nhiệm vụ"), min_value=0)
    members_advanced = forms.IntegerField(label=_("Số đạt Lao động tiên tiến"), min_value=0)
    members_cstd_grassroots = forms.IntegerField(label=_("Số đạt Chiến sĩ thi đua cơ sở"), min_value=0)
    tasks_excellent = forms.BooleanField(label=_("Tập thể hoàn thành xuất sắc nhiệm vụ"), required=False)
    unity = forms.BooleanField(label=_("Nội bộ đoàn kết"), required=False, initial=True)


class BaseSalaryForm(forms.Form):
    valid_from = forms.DateField(label=_("Áp dụng từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    amount_vnd = forms.IntegerField(label=_("Mức lương cơ sở (đồng/tháng)"), min_value=1, max_value=10**12)
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=255)
    status = forms.ChoiceField(label=_("Mức xác nhận"))

    def __init__(self, *args, **kwargs):
        from thidua.awards.models import Status

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Status.choices


class RuleOverrideForm(forms.Form):
    params = forms.CharField(label=_("Tham số (JSON)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                             help_text=_("Ví dụ: {\"max_count\": 2}. Chỉ các tham số của quy tắc."))
    legal_basis = forms.CharField(label=_("Căn cứ của thiết lập"), max_length=255)
    reason = forms.CharField(label=_("Lý do thiết lập"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def clean_params(self):
        import json

        raw = self.cleaned_data["params"]
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(_("Tham số phải viết dạng JSON, ví dụ {\"max_count\": 2}.")) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Tham số phải là một bảng JSON (dạng {\"tên\": giá trị})."))
        return value


class RuleOverrideClearForm(forms.Form):
    reason = forms.CharField(label=_("Lý do trở về tham số của bộ quy tắc"), max_length=2000)


class HouseholdForm(forms.Form):
    head_name = forms.CharField(label=_("Họ và tên chủ hộ"), max_length=150)
    address = forms.CharField(label=_("Địa chỉ"), max_length=255)
    unit = forms.TypedChoiceField(label=_("Đơn vị quản lý"), coerce=int)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, units=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The managing unit is not changed by editing (as for a person's unit).
            del self.fields["unit"]
        else:
            self.fields["unit"].choices = [(u.pk, u.as_of_name or u.code) for u in units]


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60,
                                      widget=forms.TextInput(attrs={"placeholder": "231/QĐ-TTg"}))
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=forms.DateInput(attrs={"type": "date"}))
    signer = forms.CharField(label=_("Người ký"), max_length=150)
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)
    nominations = forms.TypedMultipleChoiceField(label=_("Hồ sơ được khen thưởng theo quyết định"), coerce=int,
                                                 widget=forms.CheckboxSelectMultiple,
                                                 error_messages={"required": _("Chọn ít nhất một hồ sơ.")})

    def __init__(self, *args, nominations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].choices = [
            (n.pk, f"#{n.pk} {n.award_type.name} – {n.nominee_name} ({n.year})") for n in nominations]
