"""Accounts, roles granted on a scope, personal API tokens, and login throttling records."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account belongs to one unit (the officer's People's Committee, department, board…)."""

    unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("đơn vị công tác"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("chức vụ"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    ORGANISER_ADMIN = "organiser_admin", _("Cán bộ Ban Thi đua – Khen thưởng (cơ quan tổ chức)")
    SECRETARIAT = "secretariat", _("Thư ký cụm (đơn vị cụm trưởng)")
    UNIT_OFFICER = "unit_officer", _("Cán bộ thi đua của đơn vị")
    UNIT_LEADER = "unit_leader", _("Lãnh đạo đơn vị")
    OBSERVER = "observer", _("Người theo dõi (chỉ xem)")


class ScopeKind(models.TextChoices):
    ORGANISER = "organiser", _("Cơ quan tổ chức")
    CLUSTER = "cluster", _("Cụm, khối thi đua")
    CLUSTER_YEAR = "cluster_year", _("Kỳ thi đua")
    UNIT = "unit", _("Đơn vị")


# Which scopes each role may be granted on. A secretariat grant on a unit means "this person serves
# as the cluster secretary in every year in which their unit is the cluster head".
ROLE_SCOPES: dict[str, set[str]] = {
    Role.ORGANISER_ADMIN: {ScopeKind.ORGANISER, ScopeKind.CLUSTER},
    Role.SECRETARIAT: {ScopeKind.UNIT, ScopeKind.CLUSTER_YEAR},
    Role.UNIT_OFFICER: {ScopeKind.UNIT},
    Role.UNIT_LEADER: {ScopeKind.UNIT},
    Role.OBSERVER: {ScopeKind.ORGANISER, ScopeKind.CLUSTER, ScopeKind.CLUSTER_YEAR},
}


class RoleGrant(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    scope_kind = models.CharField(_("phạm vi"), max_length=20, choices=ScopeKind.choices)
    unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("đơn vị / cơ quan tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cluster = models.ForeignKey(
        "organisations.Cluster", verbose_name=_("cụm, khối"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cluster_year = models.ForeignKey(
        "organisations.ClusterYear",
        verbose_name=_("kỳ thi đua"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cấp"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("ngày cấp"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người thu hồi"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        ordering = ["user_id", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope_kind__in=["organiser", "unit"], unit__isnull=False, cluster__isnull=True, cluster_year__isnull=True)
                    | Q(scope_kind="cluster", unit__isnull=True, cluster__isnull=False, cluster_year__isnull=True)
                    | Q(scope_kind="cluster_year", unit__isnull=True, cluster__isnull=True, cluster_year__isnull=False)
                ),
                name="rolegrant_scope_consistent",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "scope_kind", "unit", "cluster", "cluster_year"],
                condition=Q(revoked_at__isnull=True),
                name="rolegrant_unique_active",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the secret is shown once at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên gợi nhớ"), max_length=100)
    prefix = models.CharField(_("tiền tố"), max_length=12, db_index=True)
    key_hash = models.CharField(_("băm khóa"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("lần dùng cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa truy cập API")
        verbose_name_plural = _("khóa truy cập API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class LoginFailure(models.Model):
    """A failed login, kept for throttling (usernames that do not exist are recorded too)."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("lần đăng nhập sai")
        verbose_name_plural = _("lần đăng nhập sai")

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip_address} {self.created_at:%Y-%m-%d %H:%M}"
