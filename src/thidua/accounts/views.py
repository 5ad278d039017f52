from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from thidua.accounts import selectors, services
from thidua.accounts.forms import LoginForm, RoleGrantForm, RoleRevokeForm, TokenForm
from thidua.core.audit import audit_record
from thidua.core.errors import Conflict, InvalidInput, NotFound
from thidua.core.forms import apply_domain_errors
from thidua.core.selectors import paginate


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
    from thidua.organisations.selectors import unit_display_names

    names = unit_display_names([request.user.unit_id, *(g.unit_id for g in grants)])
    for g in grants:
        g.scope_label = selectors.grant_scope_label(g, names)
    return render(request, "accounts/profile.html", {
        "grants": grants, "tokens": tokens, "token_form": TokenForm(), "new_secret": new_secret,
        "unit_name": names.get(request.user.unit_id), "may_manage_roles": selectors.may_manage_roles(request.user),
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


@require_http_methods(["GET", "POST"])
@login_required
def roles(request):
    """Grant and revoke roles: system administrators everywhere, organiser admins inside their clusters
    (accounts.services.can_grant decides; every change is audited)."""
    if not selectors.may_manage_roles(request.user):
        raise PermissionDenied
    form = RoleGrantForm(request.POST or None, scopes=selectors.grantable_scopes(user=request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        target = selectors.user_by_username(username=d["username"])
        scope_kind, scope_id = d["scope"]
        if target is None:
            form.add_error("username", _("Không có tài khoản với tên đăng nhập này."))
        else:
            try:
                services.role_grant(actor=request.user, user_id=target.pk, role=d["role"], scope_kind=scope_kind,
                                    scope_id=scope_id, note=d["note"])
            except InvalidInput as exc:
                apply_domain_errors(form, exc)
            except (Conflict, NotFound) as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Đã cấp vai trò cho %(user)s.") % {"user": target.display_name})
                return redirect("accounts:roles")
    page = paginate(selectors.role_grants_for(user=request.user).order_by("user__username", "role", "pk"),
                    page=request.GET.get("page"), per_page=50)
    from thidua.organisations.selectors import unit_display_names

    names = unit_display_names(g.unit_id for g in page.object_list)
    for g in page.object_list:
        g.scope_label = selectors.grant_scope_label(g, names)
    return render(request, "accounts/roles.html", {"form": form, "page": page, "revoke_form": RoleRevokeForm()})


@require_POST
@login_required
def role_revoke(request, grant_id: int):
    if not selectors.may_manage_roles(request.user):
        raise PermissionDenied
    if not selectors.role_grants_for(user=request.user).filter(pk=grant_id).exists():
        raise NotFound()
    form = RoleRevokeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("accounts:roles")
    try:
        services.role_revoke(actor=request.user, grant_id=grant_id, reason=form.cleaned_data["reason"])
    except InvalidInput as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Đã thu hồi vai trò."))
    return redirect("accounts:roles")
