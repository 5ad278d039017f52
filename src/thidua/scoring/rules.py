"""Permission predicates of scoring (django-rules), over the caller's role grants and the cluster-year."""

from __future__ import annotations

import rules

from thidua.accounts.selectors import grants_for
from thidua.organisations.rules import administers_cluster_of_year, is_system_admin


@rules.predicate
def is_secretariat_of(user, cluster_year) -> bool:
    """The head's secretariat of that year (secretariat grant on the head unit, or on the cluster-year)."""
    if cluster_year is None:
        return False
    g = grants_for(user)
    return cluster_year.head_id in g.secretariat_units or cluster_year.pk in g.secretariat_cluster_years


@rules.predicate
def officer_of_unit(user, unit_id) -> bool:
    """Officers of the unit itself (leaders read, officers enter data)."""
    return unit_id is not None and unit_id in grants_for(user).officer_units


def may_edit_member_data(user, unit_id) -> bool:
    """A member's own data (reports, evidence, cross scores it gives) is entered by that unit's officers only.
    Checked here and not through user.has_perm: Django lets an active superuser through every has_perm, and
    system administrators are read-only for domain data (docs/architecture.md, "Scopes and roles"). The
    system actor (command line, data loaders) acts on the operator's authority."""
    from thidua.core.actors import SystemActor

    if isinstance(user, SystemActor):
        return True
    return bool(user is not None and user.is_authenticated and user.is_active and officer_of_unit(user, unit_id))


manages_scoring = is_system_admin | is_secretariat_of | administers_cluster_of_year

rules.add_perm("scoring.manage_scoring", manages_scoring)
rules.add_perm("scoring.edit_member_data", officer_of_unit)
rules.add_perm("scoring.score_as_organiser", is_system_admin | administers_cluster_of_year)
