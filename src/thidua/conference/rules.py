"""Permission predicates for the conference (django-rules). The object is a ClusterYear.

The secretariat of the year (thư ký cụm: the head unit's secretariat) runs the conference; the
organiser may also run it. Voting is not a permission but an eligibility (a checked-in delegate),
decided in the services.
"""

from __future__ import annotations

import rules

from thidua.organisations.rules import administers_cluster_of_year, can_see_cluster_year, is_system_admin


@rules.predicate
def is_year_secretariat(user, cluster_year) -> bool:
    from thidua.organisations.selectors import is_secretariat

    return cluster_year is not None and is_secretariat(user, cluster_year)


rules.add_perm("conference.view_conference", is_system_admin | can_see_cluster_year)
rules.add_perm("conference.manage_conference", is_system_admin | is_year_secretariat | administers_cluster_of_year)
