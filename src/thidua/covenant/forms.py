"""Forms of the covenant pages: they only parse input; services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.covenant import workflow as wf
from thidua.covenant.models import Method, NationalCampaign, ScoredBy


class CriteriaSetForm(forms.Form):
    title = forms.CharField(label=_("Tên bộ tiêu chí"), max_length=255)
    total_points = forms.DecimalField(label=_("Tổng điểm chuẩn"), max_digits=7, decimal_places=2, initial=100)
    legal_basis = forms.CharField(label=_("Căn cứ"), max_length=255, required=False)


class CriterionForm(forms.Form):
    parent = forms.TypedChoiceField(label=_("Thuộc nhóm"), coerce=int, required=False, empty_value=None)
    code = forms.CharField(label=_("Mã"), max_length=20, help_text=_("Ví dụ: A, A.1, A.1.2"))
    title = forms.CharField(label=_("Nội dung tiêu chí"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.ChoiceField(label=_("Cách chấm"), choices=Method.choices)
    max_points = forms.DecimalField(label=_("Điểm tối đa"), max_digits=7, decimal_places=2, required=False,
                                    help_text=_("Để 0 với điểm thưởng, điểm trừ (nằm ngoài tổng điểm)."))
    step = forms.DecimalField(label=_("Bước điểm"), max_digits=5, decimal_places=2, required=False,
                              help_text=_("Chỉ cho cách chấm từ 0 đến tối đa, ví dụ 0,5."))
    unit_of_measure = forms.CharField(label=_("Đơn vị tính"), max_length=50, required=False,
                                      help_text=_("Bắt buộc với tiêu chí định lượng, ví dụ %, tỷ đồng."))
    higher_is_better = forms.BooleanField(label=_("Càng cao càng tốt"), required=False, initial=True)
    extra_points_cap = forms.DecimalField(label=_("Điểm cộng tối đa khi vượt chỉ tiêu"), max_digits=7, decimal_places=2,
                                          required=False)
    points_per_occurrence = forms.DecimalField(label=_("Điểm mỗi lần (thưởng/trừ)"), max_digits=7, decimal_places=2,
                                               required=False)
    cap = forms.DecimalField(label=_("Mức trần (thưởng/trừ)"), max_digits=7, decimal_places=2, required=False)
    auto_award_code = forms.CharField(label=_("Tự động cộng khi được tặng (mã)"), max_length=60, required=False)
    evidence_required = forms.BooleanField(label=_("Bắt buộc minh chứng"), required=False)
    scored_by = forms.ChoiceField(label=_("Ai chấm"), choices=ScoredBy.choices, initial=ScoredBy.SCORERS)
    national_campaign = forms.ModelChoiceField(label=_("Phong trào toàn quốc liên quan"), required=False,
                                               queryset=NationalCampaign.objects.order_by("title"))
    guidance = forms.CharField(label=_("Hướng dẫn chấm"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, groups=(), with_parent=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_parent:
            self.fields["parent"].choices = [("", _("(cấp 1)"))] + [(g.pk, f"{g.code}. {g.title}") for g in groups]
        else:
            del self.fields["parent"]

    def service_fields(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("parent", None)
        nc = d.pop("national_campaign", None)
        d["national_campaign_id"] = nc.pk if nc else None
        for key in ("max_points", "extra_points_cap", "points_per_occurrence", "cap"):
            if d.get(key) is None:
                d[key] = 0
        return d


class BandsForm(forms.Form):
    """Up to six bands; empty rows are ignored."""

    ROWS = 6

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, self.ROWS + 1):
            self.fields[f"label_{i}"] = forms.CharField(label=_("Xếp loại %(i)d") % {"i": i}, max_length=80, required=False)
            self.fields[f"min_{i}"] = forms.DecimalField(label=_("từ điểm"), required=False, max_digits=7, decimal_places=2)
            self.fields[f"max_{i}"] = forms.DecimalField(label=_("đến điểm"), required=False, max_digits=7, decimal_places=2)

    def bands(self) -> list[dict]:
        out = []
        for i in range(1, self.ROWS + 1):
            label = self.cleaned_data.get(f"label_{i}")
            lo, hi = self.cleaned_data.get(f"min_{i}"), self.cleaned_data.get(f"max_{i}")
            if label or lo is not None or hi is not None:
                out.append({"label": label or "", "min_points": lo, "max_points": hi})
        return out

    def rows(self):
        return [(self[f"label_{i}"], self[f"min_{i}"], self[f"max_{i}"]) for i in range(1, self.ROWS + 1)]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DeadlinesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for d in wf.DEADLINES:
            self.fields[d.field] = forms.DateField(label=d.label, required=False, help_text=d.basis,
                                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class RegistrationForm(forms.Form):
    """Targets for each quantitative criterion, up to three campaigns and five commitments."""

    CAMPAIGNS = 3
    COMMITMENTS = 5

    def __init__(self, *args, criteria=(), campaigns_nat=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"target_{c.pk}"] = forms.CharField(
                label=f"{c.code}. {c.title}", required=False,
                help_text=_("Đơn vị tính: %(u)s") % {"u": c.unit_of_measure} if c.unit_of_measure else "")
        choices = [("", "—")] + [(n.pk, n.title) for n in campaigns_nat]
        for i in range(1, self.CAMPAIGNS + 1):
            self.fields[f"campaign_{i}"] = forms.CharField(label=_("Phong trào thi đua của đơn vị %(i)d") % {"i": i},
                                                           max_length=255, required=False)
            self.fields[f"campaign_nc_{i}"] = forms.TypedChoiceField(label=_("gắn với phong trào toàn quốc"),
                                                                     choices=choices, required=False, coerce=int,
                                                                     empty_value=None)
        for i in range(1, self.COMMITMENTS + 1):
            self.fields[f"commitment_{i}"] = forms.CharField(label=_("Cam kết %(i)d") % {"i": i}, required=False,
                                                             widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"commitment_nc_{i}"] = forms.TypedChoiceField(label=_("gắn với phong trào toàn quốc"),
                                                                       choices=choices, required=False, coerce=int,
                                                                       empty_value=None)

    def target_fields(self):
        return [self[f"target_{c.pk}"] for c in self.criteria]

    def campaign_rows(self):
        return [(self[f"campaign_{i}"], self[f"campaign_nc_{i}"]) for i in range(1, self.CAMPAIGNS + 1)]

    def commitment_rows(self):
        return [(self[f"commitment_{i}"], self[f"commitment_nc_{i}"]) for i in range(1, self.COMMITMENTS + 1)]

    def payload(self) -> dict:
        d = self.cleaned_data
        return {
            "targets": {c.pk: d.get(f"target_{c.pk}") for c in self.criteria},
            "campaigns": [{"title": d[f"campaign_{i}"], "national_campaign_id": d.get(f"campaign_nc_{i}")}
                          for i in range(1, self.CAMPAIGNS + 1) if (d.get(f"campaign_{i}") or "").strip()],
            "commitments": [{"text": d[f"commitment_{i}"], "national_campaign_id": d.get(f"commitment_nc_{i}")}
                            for i in range(1, self.COMMITMENTS + 1) if (d.get(f"commitment_{i}") or "").strip()],
        }


class SignForm(forms.Form):
    document_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(label=_("Tôi xác nhận đã đọc và đồng ý ký văn bản giao ước có mã SHA-256 nêu trên "
                                         "thay mặt đơn vị."))
    scan = forms.FileField(label=_("Bản chụp bản giấy đã ký (PDF, PNG, JPEG; không bắt buộc)"), required=False)


class ScanForm(forms.Form):
    scan = forms.FileField(label=_("Bản chụp bản giấy đã ký (PDF, PNG, JPEG)"))
