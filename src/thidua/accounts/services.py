"""Writes about accounts: users, role grants, API tokens. Each checks permission and writes an audit entry."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts.models import ROLE_SCOPES, ApiToken, Role, RoleGrant, ScopeKind, User
from thidua.accounts.selectors import api_token_get, forget_grants, grants_for
from thidua.core.audit import audit_record
from thidua.core.errors import Conflict, ErrorDetail, Forbidden, InvalidInput, NotFound, invalid
from thidua.organisations.models import Cluster, ClusterYear, Unit

TOKEN_PREFIX = "td_"


def _password_errors(password: str, user: User | None) -> list[ErrorDetail]:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        return [ErrorDetail(message=m, field="password") for m in exc.messages]
    return []


@transaction.atomic
def user_create(*, actor, username: str, password: str | None, full_name: str = "", email: str = "",
                unit_id: int | None = None, position: str = "", is_superuser: bool = False,
                check_password: bool = True) -> User:
    """Create an account. Only a system administrator creates accounts (actor None = the command line)."""
    if not (actor is not None and actor.is_authenticated and actor.is_superuser):
        raise Forbidden()
    username = (username or "").strip()
    errors = []
    if not username:
        errors.append(ErrorDetail(message=_("Cần nhập tên đăng nhập."), field="username"))
    elif User.objects.filter(username__iexact=username).exists():
        errors.append(ErrorDetail(message=_("Tên đăng nhập đã được dùng."), field="username"))
    if unit_id is not None and not Unit.objects.filter(pk=unit_id).exists():
        errors.append(ErrorDetail(message=_("Đơn vị không tồn tại."), field="unit"))
    candidate = User(username=username, full_name=full_name, email=email)
    if password and check_password:
        errors += _password_errors(password, candidate)
    if errors:
        raise InvalidInput(details=errors)
    user = User(username=username, full_name=full_name, email=email, unit_id=unit_id, position=position,
                is_superuser=is_superuser, is_staff=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(action="accounts.user.created", actor=actor, obj=user,
                 payload={"username": username, "unit": unit_id, "is_superuser": is_superuser})
    return user


def _scope_object(scope_kind: str, scope_id: int):
    model = {ScopeKind.ORGANISER: Unit, ScopeKind.UNIT: Unit, ScopeKind.CLUSTER: Cluster,
             ScopeKind.CLUSTER_YEAR: ClusterYear}.get(scope_kind)
    if model is None:
        raise invalid(_("Phạm vi không hợp lệ."), field="scope_kind")
    obj = model.objects.filter(pk=scope_id).first()
    if obj is None:
        raise NotFound()
    return obj


def can_grant(actor, role: str, scope_kind: str, obj) -> bool:
    """System administrators grant anything; an organiser admin grants inside the clusters they administer,
    except organiser-wide admin rights, which only a system administrator grants."""
    g = grants_for(actor)
    if g.is_superuser:
        return True
    if role == Role.ORGANISER_ADMIN and scope_kind == ScopeKind.ORGANISER:
        return False
    if scope_kind == ScopeKind.ORGANISER:
        return obj.pk in g.organiser_admin
    if scope_kind == ScopeKind.CLUSTER:
        return obj.organiser_id in g.organiser_admin or obj.pk in g.cluster_admin
    if scope_kind == ScopeKind.CLUSTER_YEAR:
        c = obj.cluster
        return c.organiser_id in g.organiser_admin or c.pk in g.cluster_admin
    if scope_kind == ScopeKind.UNIT:
        return Cluster.objects.filter(memberships__unit=obj).filter(
            organiser_id__in=g.organiser_admin).exists() or Cluster.objects.filter(
            memberships__unit=obj, pk__in=g.cluster_admin).exists()
    return False


@transaction.atomic
def role_grant(*, actor, user_id: int, role: str, scope_kind: str, scope_id: int, note: str = "") -> RoleGrant:
    if role not in Role.values:
        raise invalid(_("Vai trò không hợp lệ."), field="role")
    if scope_kind not in ROLE_SCOPES[role]:
        raise invalid(_("Vai trò này không cấp được trên phạm vi đã chọn."), field="scope_kind")
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    obj = _scope_object(scope_kind, scope_id)
    if not can_grant(actor, role, scope_kind, obj):
        raise Forbidden()
    if scope_kind == ScopeKind.UNIT and user.unit_id != obj.pk:
        # Unit roles act for the user's own unit only: an officer of Cần Thơ never works on Hà Nội's data.
        raise invalid(_("Chỉ cấp vai trò của đơn vị cho người thuộc chính đơn vị đó."), field="scope_id")
    fields = {"unit": None, "cluster": None, "cluster_year": None}
    fields[{"organiser": "unit", "unit": "unit", "cluster": "cluster", "cluster_year": "cluster_year"}[scope_kind]] = obj
    if RoleGrant.objects.filter(user=user, role=role, scope_kind=scope_kind, revoked_at__isnull=True,
                                **{k: v for k, v in fields.items()}).exists():
        raise Conflict(message=_("Tài khoản đã có vai trò này trên phạm vi này."))
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(user=user, role=role, scope_kind=scope_kind, granted_by=actor if getattr(actor, "pk", None) else None,
                                             note=note, **fields)
    except IntegrityError as exc:
        raise Conflict() from exc
    forget_grants(user)
    audit_record(action="accounts.role.granted", actor=actor, obj=grant,
                 payload={"user": user.username, "role": role, "scope_kind": scope_kind, "scope_id": scope_id})
    return grant


@transaction.atomic
def role_revoke(*, actor, grant_id: int, reason: str) -> RoleGrant:
    """Revoke a role; the reason is required and kept in the audit log."""
    reason = (reason or "").strip()
    if not reason:
        raise invalid(_("Cần ghi lý do thu hồi vai trò."), field="reason")
    if len(reason) > 500:
        raise invalid(_("Tối đa %(n)d ký tự.") % {"n": 500}, field="reason")
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins select_related adds.
    grant = RoleGrant.objects.select_for_update(of=("self",)).select_related("cluster_year__cluster", "cluster", "unit").filter(
        pk=grant_id, revoked_at__isnull=True).first()
    if grant is None:
        raise NotFound()
    obj = grant.unit or grant.cluster or grant.cluster_year
    if not can_grant(actor, grant.role, grant.scope_kind, obj):
        raise Forbidden()
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor if getattr(actor, "pk", None) else None
    grant.save(update_fields=["revoked_at", "revoked_by"])
    forget_grants(grant.user)
    audit_record(action="accounts.role.revoked", actor=actor, obj=grant,
                 payload={"user": grant.user_id, "role": grant.role, "scope_kind": grant.scope_kind,
                          "reason": reason})
    return grant


def _unit_label(unit_id: int | None) -> str:
    if unit_id is None:
        return _("không có đơn vị")
    from thidua.organisations.selectors import unit_display_names

    return unit_display_names([unit_id]).get(unit_id) or str(unit_id)


@transaction.atomic
def user_unit_changed(*, actor, user_id: int, old_unit_id: int | None) -> list[RoleGrant]:
    """After a user's unit has changed, revoke their grants on any unit other than their unit now.

    Unit roles act for the user's own unit only (docs/architecture.md): an officer who moves from Cần Thơ
    to TP HCM must not keep acting for Cần Thơ. Each revocation is audited with the reason.
    """
    if not (actor is not None and actor.is_authenticated and actor.is_superuser):
        raise Forbidden()
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    stale = list(RoleGrant.objects.select_for_update().filter(
        user=user, scope_kind=ScopeKind.UNIT, revoked_at__isnull=True).exclude(unit_id=user.unit_id))
    if not stale:
        return []
    reason = _("Đổi đơn vị công tác từ %(old)s sang %(new)s: vai trò trên đơn vị cũ bị thu hồi.") % {
        "old": _unit_label(old_unit_id), "new": _unit_label(user.unit_id)}
    now = timezone.now()
    for grant in stale:
        grant.revoked_at = now
        grant.revoked_by = actor if getattr(actor, "pk", None) else None
        grant.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(action="accounts.role.revoked", actor=actor, obj=grant,
                     payload={"user": user.pk, "role": grant.role, "scope_kind": grant.scope_kind,
                              "scope_id": grant.unit_id, "reason": reason})
    forget_grants(user)
    return stale


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor, name: str, days_valid: int = 365) -> tuple[ApiToken, str]:
    """Create a personal token for the caller; the secret is returned once and only its hash is kept.
    Every token expires (1–730 days): a token that never expires is a credential nobody remembers to revoke."""
    if not actor.is_authenticated:
        raise Forbidden()
    name = (name or "").strip()
    if not name:
        raise invalid(_("Cần đặt tên gợi nhớ cho khóa."), field="name")
    if not isinstance(days_valid, int) or isinstance(days_valid, bool) or not (1 <= days_valid <= 730):
        raise invalid(_("Thời hạn từ 1 đến 730 ngày."), field="days_valid")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name, prefix=secret[:10], key_hash=_hash_key(secret),
        expires_at=timezone.now() + timedelta(days=days_valid))
    audit_record(action="accounts.api_token.created", actor=actor, obj=token, payload={"name": name, "prefix": token.prefix})
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor, token_id: int) -> ApiToken:
    token = api_token_get(user=actor, pk=token_id)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(action="accounts.api_token.revoked", actor=actor, obj=token, payload={"prefix": token.prefix})
    return token


def api_token_authenticate(key: str) -> User | None:
    """Return the active user behind a token, or None. Not audited (every API call would be)."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash_key(key), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def login_locked_out(*, username: str, ip: str | None) -> None:
    """Record in the audit log that repeated failures locked a username (or an address) out."""
    user = User.objects.filter(username=username).first()
    audit_record(action="accounts.user.locked_out", actor=None, obj=user,
                 payload={"username": username[:150], "ip": ip})


@transaction.atomic
def login_unlock(*, actor, username: str) -> int:
    """A system administrator lifts a lockout at once (rather than waiting for the window to pass)."""
    from thidua.accounts.models import LoginFailure

    if not (actor is not None and actor.is_authenticated and actor.is_superuser):
        raise Forbidden()
    username = (username or "").strip()
    if not username:
        raise invalid(_("Cần nhập tên đăng nhập."), field="username")
    deleted, _rows = LoginFailure.objects.filter(username__iexact=username).delete()
    user = User.objects.filter(username__iexact=username).first()
    audit_record(action="accounts.user.unlocked", actor=actor, obj=user,
                 payload={"username": username, "failures_cleared": deleted})
    return deleted
