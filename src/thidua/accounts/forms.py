from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản đã bị khóa."),
        "locked_out": _("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút hoặc liên hệ quản trị."),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "thidua_locked_out", False):
                raise forms.ValidationError(self.error_messages["locked_out"], code="locked_out") from None
            raise


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên gợi nhớ"), max_length=100)
    days_valid = forms.IntegerField(label=_("Số ngày hiệu lực"), min_value=1, max_value=730, initial=365)


class RoleGrantForm(forms.Form):
    """Grant a role: the scopes offered are those the caller may grant on (accounts.selectors.grantable_scopes)."""

    username = forms.CharField(label=_("Tên đăng nhập của người được cấp"), max_length=150)
    role = forms.ChoiceField(label=_("Vai trò"))
    scope = forms.ChoiceField(label=_("Phạm vi"))
    note = forms.CharField(label=_("Ghi chú, căn cứ"), required=False, max_length=255)

    def __init__(self, *args, scopes=None, **kwargs):
        from thidua.accounts.models import Role, ScopeKind

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—")] + list(Role.choices)
        groups = [(ScopeKind(kind).label, [(f"{kind}:{pk}", label) for pk, label in rows])
                  for kind, rows in (scopes or {}).items() if rows]
        self.fields["scope"].choices = [("", "—")] + groups

    def clean_scope(self):
        kind, _sep, pk = self.cleaned_data["scope"].partition(":")
        if not pk.isdigit():
            raise forms.ValidationError(_("Phạm vi không hợp lệ."))
        return kind, int(pk)


class RoleRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=500,
                             error_messages={"required": _("Cần ghi lý do thu hồi vai trò.")})
