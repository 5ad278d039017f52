from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from thidua.accounts.models import ApiToken, RoleGrant, User
from thidua.accounts.services import role_revoke
from thidua.core.admin_base import ReadOnlyAdmin
from thidua.core.audit import audit_record
from thidua.core.errors import DomainError


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are managed here by system administrators; each save is audited (without the password)."""

    fieldsets = DjangoUserAdmin.fieldsets + ((_("Đơn vị"), {"fields": ("unit", "full_name", "position", "phone")}),)
    list_display = ("username", "full_name", "unit", "is_active", "is_superuser", "last_login")
    list_select_related = ("unit",)
    search_fields = ("username", "full_name", "email")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the audit log refers to accounts forever

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [f for f in form.changed_data if f not in ("password", "password1", "password2")]
        audit_record(action="accounts.user.changed" if change else "accounts.user.created", actor=request.user,
                     obj=obj, payload={"fields": changed, "password_changed": "password" in form.changed_data})


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "scope_kind", "unit", "cluster", "cluster_year", "granted_at", "revoked_at")
    list_filter = ("role", "scope_kind")
    list_select_related = ("user", "unit", "cluster", "cluster_year__cluster")
    search_fields = ("user__username", "user__full_name")
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser  # needed for the revoke action; fields stay read-only

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description=_("Thu hồi vai trò đã chọn"))
    def revoke(self, request, queryset):
        done = 0
        for grant in queryset.filter(revoked_at__isnull=True):
            try:
                role_revoke(actor=request.user, grant_id=grant.pk, reason="Thu hồi trong trang quản trị")
                done += 1
            except DomainError as exc:
                self.message_user(request, str(exc.message), messages.ERROR)
        self.message_user(request, _("Đã thu hồi %(n)d vai trò.") % {"n": done})


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "prefix", "created_at", "expires_at", "revoked_at")
    exclude = ("key_hash",)
