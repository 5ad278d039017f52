"""Permission predicates for the conference (django-rules). The object is a ClusterYear, except for the
rotation order, which belongs to the cluster.

The secretariat of the year (thư ký cụm: the head unit's secretariat) runs the conference; the
organiser may also run it. Voting is not a permission but an eligibility (a checked-in delegate),
decided in the services.

The rotation order for head and deputy (thứ tự luân phiên) is edited by the organiser's administrators
and by the secretariat of the cluster's head in office (the head of the latest cluster-year that has one);
every member views it.
"""

from __future__ import annotations

import rules

from thidua.organisations.rules import (
    administers_cluster,
    administers_cluster_of_year,
    can_see_cluster,
    can_see_cluster_year,
    is_system_admin,
)


@rules.predicate
def is_year_secretariat(user, cluster_year) -> bool:
    from thidua.organisations.selectors import is_secretariat

    return cluster_year is not None and is_secretariat(user, cluster_year)


rules.add_perm("conference.view_conference", is_system_admin | can_see_cluster_year)
rules.add_perm("conference.manage_conference", is_system_admin | is_year_secretariat | administers_cluster_of_year)


@rules.predicate
def is_secretariat_in_office(user, cluster) -> bool:
    from thidua.organisations.models import ClusterYear
    from thidua.organisations.selectors import is_secretariat

    if cluster is None:
        return False
    cy = ClusterYear.objects.filter(cluster=cluster, head__isnull=False).order_by("-year").first()
    return cy is not None and is_secretariat(user, cy)


rules.add_perm("conference.view_rotation", is_system_admin | can_see_cluster)
rules.add_perm("conference.manage_rotation", is_system_admin | administers_cluster | is_secretariat_in_office)
