"""Reads about accounts: above all, what a user may act on (their grants), computed once per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from thidua.accounts.models import ApiToken, Role, RoleGrant, ScopeKind, User
from thidua.core.errors import NotFound


@dataclass(frozen=True)
class Grants:
    """The ids a user's active role grants reach, by role and scope. Empty for anonymous users."""

    is_superuser: bool = False
    organiser_admin: frozenset[int] = field(default_factory=frozenset)  # organiser unit ids
    cluster_admin: frozenset[int] = field(default_factory=frozenset)  # cluster ids
    observer_organisers: frozenset[int] = field(default_factory=frozenset)
    observer_clusters: frozenset[int] = field(default_factory=frozenset)
    observer_cluster_years: frozenset[int] = field(default_factory=frozenset)
    officer_units: frozenset[int] = field(default_factory=frozenset)
    leader_units: frozenset[int] = field(default_factory=frozenset)
    secretariat_units: frozenset[int] = field(default_factory=frozenset)  # secretary whenever the unit is head
    secretariat_cluster_years: frozenset[int] = field(default_factory=frozenset)

    @property
    def member_units(self) -> frozenset[int]:
        """Units whose member data this user works on."""
        return self.officer_units | self.leader_units | self.secretariat_units

    @property
    def admin_or_observer_organisers(self) -> frozenset[int]:
        return self.organiser_admin | self.observer_organisers

    @property
    def admin_or_observer_clusters(self) -> frozenset[int]:
        return self.cluster_admin | self.observer_clusters

    @property
    def is_empty(self) -> bool:
        return not self.is_superuser and not any(
            getattr(self, name) for name in self.__dataclass_fields__ if name != "is_superuser"
        )


_BUCKETS = {
    (Role.ORGANISER_ADMIN, ScopeKind.ORGANISER): ("organiser_admin", "unit_id"),
    (Role.ORGANISER_ADMIN, ScopeKind.CLUSTER): ("cluster_admin", "cluster_id"),
    (Role.OBSERVER, ScopeKind.ORGANISER): ("observer_organisers", "unit_id"),
    (Role.OBSERVER, ScopeKind.CLUSTER): ("observer_clusters", "cluster_id"),
    (Role.OBSERVER, ScopeKind.CLUSTER_YEAR): ("observer_cluster_years", "cluster_year_id"),
    (Role.UNIT_OFFICER, ScopeKind.UNIT): ("officer_units", "unit_id"),
    (Role.UNIT_LEADER, ScopeKind.UNIT): ("leader_units", "unit_id"),
    (Role.SECRETARIAT, ScopeKind.UNIT): ("secretariat_units", "unit_id"),
    (Role.SECRETARIAT, ScopeKind.CLUSTER_YEAR): ("secretariat_cluster_years", "cluster_year_id"),
}


def grants_for(user) -> Grants:
    """One query per user object; the result is cached on the user for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Grants()
    if user.pk is None:
        # The system actor (command line): everything, nothing from the grant table.
        return Grants(is_superuser=bool(user.is_superuser))
    cached = getattr(user, "_thidua_grants", None)
    if cached is not None:
        return cached
    buckets: dict[str, set[int]] = {name: set() for name, _ in _BUCKETS.values()}
    rows = RoleGrant.objects.filter(user_id=user.pk, revoked_at__isnull=True).values_list(
        "role", "scope_kind", "unit_id", "cluster_id", "cluster_year_id"
    )
    for role, scope_kind, unit_id, cluster_id, cluster_year_id in rows:
        target = _BUCKETS.get((role, scope_kind))
        if target is None:
            continue
        name, column = target
        value = {"unit_id": unit_id, "cluster_id": cluster_id, "cluster_year_id": cluster_year_id}[column]
        if value is not None:
            buckets[name].add(value)
    grants = Grants(is_superuser=user.is_superuser, **{k: frozenset(v) for k, v in buckets.items()})
    user._thidua_grants = grants
    return grants


def forget_grants(user) -> None:
    if hasattr(user, "_thidua_grants"):
        del user._thidua_grants


def role_grants_for(*, user, of_user: User | None = None) -> QuerySet[RoleGrant]:
    """Active grants a caller may see: their own, or everyone's for a superuser / organiser admin scope."""
    qs = RoleGrant.objects.filter(revoked_at__isnull=True).select_related(
        "user", "unit", "cluster", "cluster_year__cluster"
    )
    if of_user is not None:
        qs = qs.filter(user=of_user)
    g = grants_for(user)
    if g.is_superuser:
        return qs
    if of_user is not None and of_user.pk == user.pk:
        return qs
    # An organiser admin sees the grants inside the clusters they administer.
    from django.db.models import Q

    from thidua.organisations.models import Cluster

    admin_clusters = Cluster.objects.filter(
        Q(organiser_id__in=g.organiser_admin) | Q(id__in=g.cluster_admin)
    ).values("id")
    return qs.filter(
        Q(unit_id__in=g.organiser_admin)
        | Q(cluster_id__in=admin_clusters)
        | Q(cluster_year__cluster_id__in=admin_clusters)
        | Q(unit__memberships__cluster_id__in=admin_clusters)
    ).distinct()


def api_tokens_for(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def api_token_get(*, user, pk: int) -> ApiToken:
    token = api_tokens_for(user=user).filter(pk=pk).first()
    if token is None:
        raise NotFound()
    return token
