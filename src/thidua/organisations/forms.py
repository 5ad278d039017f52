from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.organisations.models import Selection


class UnitFilterForm(forms.Form):
    on = forms.DateField(label=_("Tên theo ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                         error_messages={"invalid": _("Ngày không hợp lệ (định dạng YYYY-MM-DD): đang hiển thị tên theo "
                                                      "ngày hôm nay.")})
    q = forms.CharField(label=_("Tìm theo mã hoặc tên"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Loại đơn vị"), required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tất cả"))] + [(k.code, k.name) for k in kinds]


class UnitContactForm(forms.Form):
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=40, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    # A text input, not type=url: the browser would refuse "hanoi.gov.vn", which the server accepts as https://.
    website = forms.URLField(label=_("Trang thông tin"), required=False, assume_scheme="https",
                             widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}))


class LeadershipForm(forms.Form):
    head = forms.TypedChoiceField(label=_("Cụm trưởng"), required=False, coerce=int, empty_value=None)
    head_selection = forms.ChoiceField(label=_("Cách chọn cụm trưởng"), required=False,
                                       choices=[("", "—")] + list(Selection.choices))
    deputy = forms.TypedChoiceField(label=_("Cụm phó"), required=False, coerce=int, empty_value=None)
    deputy_selection = forms.ChoiceField(label=_("Cách chọn cụm phó"), required=False,
                                         choices=[("", "—")] + list(Selection.choices))
    reason = forms.CharField(label=_("Lý do / căn cứ"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members=(), cluster=None, **kwargs):
        super().__init__(*args, **kwargs)
        if cluster is not None and cluster.is_block:
            self.fields["head"].label = _("Khối trưởng")
            self.fields["head_selection"].label = _("Cách chọn khối trưởng")
            self.fields["deputy"].label = _("Khối phó")
            self.fields["deputy_selection"].label = _("Cách chọn khối phó")
        choices = [("", "—")] + [(m.unit.pk, m.unit.as_of_name or m.unit.code) for m in members]
        self.fields["head"].choices = choices
        self.fields["deputy"].choices = choices
