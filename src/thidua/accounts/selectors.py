"""Reads about accounts: above all, what a user may act on (their grants), computed once per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

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
        if scope_kind == ScopeKind.UNIT and (unit_id is None or unit_id != user.unit_id):
            # Defence in depth: a unit role counts only on the user's own unit, whatever left it elsewhere.
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
    qs = RoleGrant.objects.filter(revoked_at__isnull=True).filter(
        ~Q(scope_kind=ScopeKind.UNIT) | Q(unit_id=F("user__unit_id"))  # unit roles count on the own unit only
    ).select_related("user", "unit", "cluster", "cluster_year__cluster")
    if of_user is not None:
        qs = qs.filter(user=of_user)
    g = grants_for(user)
    if g.is_superuser:
        return qs
    if of_user is not None and of_user.pk == user.pk:
        return qs
    # An organiser admin sees the grants inside the clusters they administer.
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


def may_manage_roles(user) -> bool:
    """Who may open the role management page: system administrators and organiser admins (accounts.services
    can_grant decides each grant and revocation)."""
    g = grants_for(user)
    return g.is_superuser or bool(g.organiser_admin or g.cluster_admin)


def grantable_scopes(*, user) -> dict[str, list[tuple[int, str]]]:
    """The scopes on which the caller may grant roles, by scope kind, with their names today (few queries)."""
    from datetime import date

    from thidua.organisations.models import Cluster, ClusterMembership, ClusterYear, Unit
    from thidua.organisations.selectors import member_in_year, unit_display_names

    g = grants_for(user)
    if not may_manage_roles(user):
        return {}
    clusters = Cluster.objects.all()
    if not g.is_superuser:
        clusters = clusters.filter(Q(organiser_id__in=g.organiser_admin) | Q(id__in=g.cluster_admin))
    cluster_rows = list(clusters.order_by("name").values_list("pk", "name"))
    cluster_ids = [pk for pk, _name in cluster_rows]
    years = list(ClusterYear.objects.filter(cluster_id__in=cluster_ids).select_related("cluster")
                 .order_by("cluster__name", "-year"))
    this_year = date.today().year
    if g.is_superuser:
        organiser_ids = set(Cluster.objects.values_list("organiser_id", flat=True))
        unit_ids = set(Unit.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=date.today()))
                       .values_list("pk", flat=True))
    else:
        organiser_ids = set(g.organiser_admin)
        unit_ids = set(ClusterMembership.objects.filter(member_in_year(this_year), cluster_id__in=cluster_ids)
                       .values_list("unit_id", flat=True))
    names = unit_display_names(organiser_ids | unit_ids)
    by_name = lambda ids: sorted(((i, names.get(i, str(i))) for i in ids), key=lambda row: row[1])  # noqa: E731
    return {
        ScopeKind.ORGANISER: by_name(organiser_ids),
        ScopeKind.CLUSTER: cluster_rows,
        ScopeKind.CLUSTER_YEAR: [(cy.pk, f"{cy.cluster.name} – {cy.year}") for cy in years],
        ScopeKind.UNIT: by_name(unit_ids),
    }


def grant_scope_label(grant: RoleGrant, names: dict[int, str]) -> str:
    if grant.cluster_year_id:
        return f"{grant.cluster_year.cluster.name} – {grant.cluster_year.year}"
    if grant.cluster_id:
        return grant.cluster.name
    return names.get(grant.unit_id, "")


def user_by_username(*, username: str) -> User | None:
    """An account by its login name (case-insensitive, as the login itself)."""
    return User.objects.filter(username__iexact=(username or "").strip()).first()
