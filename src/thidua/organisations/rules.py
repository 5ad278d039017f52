"""Permission predicates for units and clusters (django-rules), over the caller's role grants."""

from __future__ import annotations

import rules

from thidua.accounts.selectors import grants_for


@rules.predicate
def is_system_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


@rules.predicate
def works_for_unit(user, unit) -> bool:
    """Officers and leaders of the unit itself (never of another member)."""
    if unit is None:
        return False
    return unit.pk in (grants_for(user).officer_units | grants_for(user).leader_units)


@rules.predicate
def administers_organiser(user, organiser) -> bool:
    return organiser is not None and organiser.pk in grants_for(user).organiser_admin


@rules.predicate
def administers_cluster(user, cluster) -> bool:
    if cluster is None:
        return False
    g = grants_for(user)
    return cluster.organiser_id in g.organiser_admin or cluster.pk in g.cluster_admin


@rules.predicate
def administers_cluster_of_year(user, cluster_year) -> bool:
    return cluster_year is not None and administers_cluster(user, cluster_year.cluster)


@rules.predicate
def can_see_cluster(user, cluster) -> bool:
    from thidua.organisations.selectors import clusters_for

    return cluster is not None and clusters_for(user=user).filter(pk=cluster.pk).exists()


@rules.predicate
def can_see_cluster_year(user, cluster_year) -> bool:
    from thidua.organisations.selectors import cluster_years_for

    return cluster_year is not None and cluster_years_for(user=user).filter(pk=cluster_year.pk).exists()


rules.add_perm("organisations.view_cluster", is_system_admin | can_see_cluster)
rules.add_perm("organisations.view_clusteryear", is_system_admin | can_see_cluster_year)
rules.add_perm("organisations.change_unit_contact", is_system_admin | works_for_unit)
rules.add_perm("organisations.manage_unit_registry", is_system_admin)
rules.add_perm("organisations.add_cluster", is_system_admin | administers_organiser)
rules.add_perm("organisations.manage_cluster", is_system_admin | administers_cluster)
rules.add_perm("organisations.manage_clusteryear", is_system_admin | administers_cluster_of_year)
