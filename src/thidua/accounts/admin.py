from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from thidua.accounts.models import ApiToken, LoginFailure, RoleGrant, User
from thidua.accounts.services import login_unlock, role_revoke, user_unit_changed
from thidua.core.admin_base import ReadOnlyAdmin
from thidua.core.audit import audit_record
from thidua.core.errors import DomainError


class _VietnameseUsablePassword:
    """Django's admin user forms label the password switch in English where its catalogue lacks them."""

    def _translate_usable_password(self):
        field = self.fields.get("usable_password")
        if field is not None:
            field.label = _("Đăng nhập bằng mật khẩu")
            field.choices = [("true", _("Cho phép")), ("false", _("Không cho phép"))]
            field.help_text = _("Người dùng có đăng nhập được bằng mật khẩu hay không. Nếu không cho phép, tài khoản "
                                "chỉ dùng được qua cách xác thực khác (nếu có).")


class UserAddForm(_VietnameseUsablePassword, AdminUserCreationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._translate_usable_password()
        if "password2" in self.fields:
            self.fields["password2"].help_text = _("Nhập lại mật khẩu như trên để kiểm tra.")


class UserPasswordForm(_VietnameseUsablePassword, AdminPasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._translate_usable_password()
        if "password2" in self.fields:
            self.fields["password2"].help_text = _("Nhập lại mật khẩu như trên để kiểm tra.")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are managed here by system administrators; each save is audited (without the password)."""

    add_form = UserAddForm
    change_password_form = UserPasswordForm
    add_form_template = "accounts/admin_user_add_form.html"

    fieldsets = DjangoUserAdmin.fieldsets + ((_("Đơn vị"), {"fields": ("unit", "full_name", "position", "phone")}),)
    list_display = ("username", "full_name", "unit_name", "is_active", "is_superuser", "last_login")
    search_fields = ("username", "full_name", "email")

    def get_queryset(self, request):
        from thidua.organisations.selectors import unit_name_now

        return super().get_queryset(request).select_related("unit").annotate(unit_name=unit_name_now("unit_id"))

    @admin.display(description=_("đơn vị công tác"), ordering="unit_name")
    def unit_name(self, obj):
        return (obj.unit_name or obj.unit.code) if obj.unit_id else "—"

    def get_form(self, request, obj=None, **kwargs):
        """Units by name, only those that exist today (plus the one already chosen)."""
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("unit")
        if field is not None:
            from thidua.organisations.selectors import unit_choices_now

            field.queryset = unit_choices_now(keep_id=obj.unit_id if obj else None)
            field.label_from_instance = lambda u: f"{u.name_now} ({u.code})" if u.name_now else u.code
        return form

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the audit log refers to accounts forever

    def save_model(self, request, obj, form, change):
        old_unit_id = User.objects.filter(pk=obj.pk).values_list("unit_id", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        if change and old_unit_id != obj.unit_id:
            # Unit roles are for the user's own unit only: moving the user revokes those on the old unit.
            revoked = user_unit_changed(actor=request.user, user_id=obj.pk, old_unit_id=old_unit_id)
            if revoked:
                self.message_user(request, _("Đã thu hồi %(n)d vai trò trên đơn vị cũ của tài khoản.") % {"n": len(revoked)},
                                  messages.WARNING)
        changed = [f for f in form.changed_data if f not in ("password", "password1", "password2")]
        audit_record(action="accounts.user.changed" if change else "accounts.user.created", actor=request.user,
                     obj=obj, payload={"fields": changed, "password_changed": "password" in form.changed_data})


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "scope_kind", "unit_name", "cluster", "cluster_year", "granted_at", "revoked_at")
    list_filter = ("role", "scope_kind")
    list_select_related = ("user", "unit", "cluster", "cluster_year__cluster")

    def get_queryset(self, request):
        from thidua.organisations.selectors import unit_name_now

        return super().get_queryset(request).annotate(unit_name=unit_name_now("unit_id"))

    @admin.display(description=_("đơn vị / cơ quan tổ chức"), ordering="unit_name")
    def unit_name(self, obj):
        return (obj.unit_name or obj.unit.code) if obj.unit_id else "—"
    search_fields = ("user__username", "user__full_name")
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser  # needed for the revoke action; fields stay read-only

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description=_("Thu hồi vai trò đã chọn"))
    def revoke(self, request, queryset):
        """Asks for confirmation and a reason on an intermediate page before revoking (like delete_selected)."""
        from django.contrib.admin import helpers
        from django.template.response import TemplateResponse

        from thidua.accounts.forms import RoleRevokeForm

        grants = list(queryset.filter(revoked_at__isnull=True).select_related("user", "unit", "cluster",
                                                                              "cluster_year__cluster"))
        form = RoleRevokeForm(request.POST if request.POST.get("confirm") else None)
        if request.POST.get("confirm") and form.is_valid():
            done = 0
            for grant in grants:
                try:
                    role_revoke(actor=request.user, grant_id=grant.pk, reason=form.cleaned_data["reason"])
                    done += 1
                except DomainError as exc:
                    self.message_user(request, str(exc.message), messages.ERROR)
            self.message_user(request, _("Đã thu hồi %(n)d vai trò.") % {"n": done})
            return None
        from thidua.accounts.selectors import grant_scope_label
        from thidua.organisations.selectors import unit_display_names

        names = unit_display_names(g.unit_id for g in grants)
        for g in grants:
            g.scope_label = grant_scope_label(g, names)
        return TemplateResponse(request, "accounts/admin_revoke_confirm.html", {
            **self.admin_site.each_context(request), "title": _("Thu hồi vai trò"), "grants": grants, "form": form,
            "opts": self.model._meta, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "prefix", "created_at", "expires_at", "revoked_at")
    exclude = ("key_hash",)


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    """Failed logins kept for throttling; a system administrator can lift a lockout at once."""

    list_display = ("username_col", "ip_col", "created_col")
    search_fields = ("username", "ip_address")
    actions = ["unlock"]

    # The model's fields have no Vietnamese verbose names (adding them would need a migration): label here.
    @admin.display(description=_("tên đăng nhập"), ordering="username")
    def username_col(self, obj):
        return obj.username

    @admin.display(description=_("địa chỉ IP"), ordering="ip_address")
    def ip_col(self, obj):
        return obj.ip_address or "—"

    @admin.display(description=_("thời điểm"), ordering="-created_at")
    def created_col(self, obj):
        return obj.created_at

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser  # needed for the unlock action; fields stay read-only

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description=_("Mở khóa đăng nhập cho các tên đăng nhập đã chọn"))
    def unlock(self, request, queryset):
        names = sorted({u.lower() for u in queryset.values_list("username", flat=True)})
        for username in names:
            login_unlock(actor=request.user, username=username)
        self.message_user(request, _("Đã mở khóa đăng nhập cho: %(names)s.") % {"names": ", ".join(names)})
