"""Who the caller is in a cluster-year, for the covenant's checks (one helper for services, views and API)."""

from __future__ import annotations

from thidua.accounts.selectors import grants_for
from thidua.core.errors import NotFound
from thidua.covenant import workflow as wf
from thidua.organisations.models import ClusterMembership, ClusterYear
from thidua.organisations.selectors import cluster_years_for, is_secretariat, member_in_year


def visible_cluster_year(*, user, cluster_year_id: int) -> ClusterYear:
    """The cluster-year if the caller may see it, else NotFound (never confirm existence)."""
    cy = cluster_years_for(user=user).select_related("cluster__organiser").filter(pk=cluster_year_id).first()
    if cy is None:
        raise NotFound()
    return cy


def member_unit_ids(cy: ClusterYear) -> list[int]:
    """Units that are members of the cluster in that year (current members of the covenant)."""
    return list(
        ClusterMembership.objects.filter(member_in_year(cy.year), cluster_id=cy.cluster_id)
        .order_by("unit__code")
        .values_list("unit_id", flat=True)
    )


def roles_of(user, cy: ClusterYear, members: list[int] | None = None) -> set[str]:
    """The covenant roles of the caller in a cluster-year (see workflow.py)."""
    if user is None or not user.is_authenticated:
        return set()
    if getattr(user, "pk", 0) is None:  # the system actor
        return {wf.SYSTEM_ROLE}
    g = grants_for(user)
    roles: set[str] = set()
    if g.is_superuser or cy.cluster.organiser_id in g.organiser_admin or cy.cluster_id in g.cluster_admin:
        roles.add(wf.ORGANISER)
    if is_secretariat(user, cy):
        roles.add(wf.SECRETARIAT)
    members = member_unit_ids(cy) if members is None else members
    if g.officer_units & set(members):
        roles.add(wf.OFFICER)
    if g.leader_units & set(members):
        roles.add(wf.LEADER)
    if (cy.cluster.organiser_id in g.observer_organisers or cy.cluster_id in g.observer_clusters
            or cy.pk in g.observer_cluster_years):
        roles.add(wf.OBSERVER)
    return roles


def runs_year(roles: set[str]) -> bool:
    """Secretariat, organiser admin or the system actor: may edit the year's criteria and deadlines."""
    return bool(roles & (wf.RUNNERS | {wf.SYSTEM_ROLE}))


def works_for(user, unit_id: int) -> bool:
    """Officers and leaders of the unit itself (the system actor too)."""
    if getattr(user, "pk", 0) is None and user.is_authenticated:
        return True
    g = grants_for(user)
    return unit_id in (g.officer_units | g.leader_units)


def leads(user, unit_id: int) -> bool:
    if getattr(user, "pk", 0) is None and user.is_authenticated:
        return True
    return unit_id in grants_for(user).leader_units
