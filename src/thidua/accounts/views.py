from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts import selectors, services
from thidua.accounts.forms import LoginForm, TokenForm
from thidua.core.audit import audit_record
from thidua.core.errors import InvalidInput
from thidua.core.forms import apply_domain_errors


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action="accounts.user.logged_in", actor=form.get_user(), obj=form.get_user())
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action="accounts.user.password_changed", actor=self.request.user, obj=self.request.user)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response

    def get_success_url(self):
        from django.urls import reverse

        return reverse("accounts:profile")


@login_required
def profile(request):
    grants = list(selectors.role_grants_for(user=request.user, of_user=request.user))
    tokens = list(selectors.api_tokens_for(user=request.user))
    new_secret = request.session.pop("thidua_new_token", None)
    return render(request, "accounts/profile.html", {
        "grants": grants, "tokens": tokens, "token_form": TokenForm(), "new_secret": new_secret,
    })


@require_POST
@login_required
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, secret = services.api_token_create(actor=request.user, name=form.cleaned_data["name"],
                                                       days_valid=form.cleaned_data["days_valid"])
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        else:
            request.session["thidua_new_token"] = secret
            messages.success(request, _("Đã tạo khóa truy cập. Hãy sao chép ngay: khóa chỉ hiện một lần."))
            return redirect("accounts:profile")
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("accounts:profile")


@require_POST
@login_required
def token_revoke(request, token_id: int):
    services.api_token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, _("Đã thu hồi khóa truy cập."))
    return redirect("accounts:profile")
