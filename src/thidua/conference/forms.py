from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.conference.models import BallotKind, BallotMethod, PassBasis, TieRule, VoterBasis
from thidua.conference.rule_defaults import AWARD_LABELS


class ConferenceForm(forms.Form):
    held_on = forms.DateField(label=_("Ngày họp"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Địa điểm"), max_length=255)
    host = forms.TypedChoiceField(label=_("Đơn vị đăng cai"), coerce=int, required=False, empty_value=None,
                                  help_text=_("Mặc định: cụm trưởng của năm."))
    chair = forms.CharField(label=_("Chủ trì"), max_length=255, required=False)
    secretary = forms.CharField(label=_("Thư ký hội nghị"), max_length=255, required=False)
    central_leader = forms.CharField(label=_("Lãnh đạo Trung ương dự"), max_length=255, required=False)
    quorum_numerator = forms.IntegerField(label=_("Số thành viên tối thiểu – tử số"), initial=2, min_value=0)
    quorum_denominator = forms.IntegerField(label=_("Số thành viên tối thiểu – mẫu số"), initial=3, min_value=1)
    agenda = forms.CharField(label=_("Chương trình (mỗi dòng một nội dung)"), widget=forms.Textarea(attrs={"rows": 4}),
                             required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].choices = [("", _("— Cụm trưởng —"))] + [(m.unit.pk, m.unit.as_of_name or m.unit.code)
                                                                    for m in members]


class DelegateForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=255)
    position = forms.CharField(label=_("Chức vụ"), max_length=255, required=False)
    username = forms.CharField(label=_("Tài khoản (để bỏ phiếu trực tuyến)"), max_length=150, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(m.unit.pk, m.unit.as_of_name or m.unit.code) for m in members]


class BallotForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại phiếu"), choices=BallotKind.choices)
    award_code = forms.ChoiceField(label=_("Hình thức khen thưởng (nếu suy tôn)"), required=False,
                                   choices=[("", "—")] + list(AWARD_LABELS.items()))
    method = forms.ChoiceField(label=_("Hình thức bỏ phiếu"), choices=BallotMethod.choices)
    motion_text = forms.CharField(label=_("Nội dung biểu quyết (nếu biểu quyết)"), max_length=500, required=False)
    voter_basis = forms.ChoiceField(label=_("Cử tri"), choices=VoterBasis.choices)
    pass_basis = forms.ChoiceField(label=_("Cơ sở tính tỷ lệ"), choices=PassBasis.choices, initial=PassBasis.VALID)


class VoteForm(forms.Form):
    def __init__(self, *args, ballot, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(c.pk, c.label) for c in ballot.candidates.all() if not c.is_blocked]
        widget = forms.RadioSelect if ballot.max_choices == 1 else forms.CheckboxSelectMultiple
        self.fields["candidates"] = forms.TypedMultipleChoiceField(
            label=_("Chọn tối đa %(n)d") % {"n": ballot.max_choices}, choices=choices, coerce=int, required=False,
            widget=widget)
        if ballot.max_choices == 1:
            self.fields["candidates"] = forms.TypedChoiceField(
                label=_("Chọn một"), choices=choices, coerce=int, required=False, widget=widget, empty_value=None)
        if ballot.allow_abstain:
            self.fields["abstain"] = forms.BooleanField(label=_("Bỏ phiếu trắng (không chọn ai)"), required=False)

    def chosen(self) -> list[int]:
        value = self.cleaned_data.get("candidates")
        if value is None or value == "":
            return []
        return list(value) if isinstance(value, list) else [value]


class PaperCountForm(forms.Form):
    committee_member = forms.TypedChoiceField(label=_("Thành viên Ban kiểm phiếu nhập"), coerce=int)
    issued = forms.IntegerField(label=_("Số phiếu phát ra"), min_value=0)
    returned = forms.IntegerField(label=_("Số phiếu thu vào"), min_value=0)
    unused = forms.IntegerField(label=_("Số phiếu không sử dụng"), min_value=0, initial=0)
    valid = forms.IntegerField(label=_("Số phiếu hợp lệ"), min_value=0)
    invalid = forms.IntegerField(label=_("Số phiếu không hợp lệ"), min_value=0, initial=0)
    blank = forms.IntegerField(label=_("Số phiếu trắng"), min_value=0, initial=0)

    def __init__(self, *args, ballot, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee_member"].choices = [(d.pk, d.full_name) for d in committee]
        self.candidate_fields = []
        for c in ballot.candidates.all():
            name = f"votes_{c.pk}"
            self.fields[name] = forms.IntegerField(label=_("Số phiếu: %(c)s") % {"c": c.label}, min_value=0,
                                                   initial=0, disabled=c.is_blocked)
            self.candidate_fields.append((c.pk, name))

    def votes(self) -> dict[int, int]:
        return {pk: self.cleaned_data.get(name) or 0 for pk, name in self.candidate_fields}


class ConfirmCountForm(forms.Form):
    committee_member = forms.TypedChoiceField(label=_("Thành viên thứ hai xác nhận"), coerce=int)

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee_member"].choices = [(d.pk, d.full_name) for d in committee]


class CandidateForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Đơn vị được đề cử"), coerce=int)
    nominated_by = forms.CharField(label=_("Người, đơn vị đề cử"), max_length=120, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(m.unit.pk, m.unit.as_of_name or m.unit.code) for m in members]


class RuleForm(forms.Form):
    voter_basis = forms.ChoiceField(label=_("Cử tri"), choices=VoterBasis.choices)
    pass_basis = forms.ChoiceField(label=_("Cơ sở tính tỷ lệ"), choices=PassBasis.choices)
    threshold_numerator = forms.IntegerField(label=_("Ngưỡng – tử số"), min_value=0)
    threshold_denominator = forms.IntegerField(label=_("Ngưỡng – mẫu số"), min_value=1)
    threshold_strict = forms.BooleanField(label=_("Phải vượt ngưỡng (>) thay vì đạt (≥)"), required=False)
    seats = forms.IntegerField(label=_("Số được chọn"), min_value=1)
    max_choices = forms.IntegerField(label=_("Số lựa chọn tối đa trên một phiếu"), min_value=1)
    allow_abstain = forms.BooleanField(label=_("Cho phép phiếu trắng"), required=False)
    # Optional so that a form posted without it (an older page) keeps the ballot's tie rule.
    tie_rule = forms.ChoiceField(label=_("Khi bằng phiếu"), choices=TieRule.choices, required=False)
    legal_basis = forms.CharField(label=_("Căn cứ"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
