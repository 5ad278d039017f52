"""Who may download an issued document: those who can see its cluster-year (shared documents), the unit's own
people (unit documents), the organiser's admins (organiser documents)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from thidua.accounts.selectors import grants_for
from thidua.core.errors import NotFound
from thidua.documents.models import Audience, IssuedDocument
from thidua.organisations.selectors import cluster_years_for


def documents_for(*, user) -> QuerySet[IssuedDocument]:
    g = grants_for(user)
    qs = IssuedDocument.objects.select_related("cluster_year__cluster")
    if g.is_superuser:
        return qs
    visible_years = cluster_years_for(user=user).values("id")
    return qs.filter(
        Q(audience=Audience.CLUSTER, cluster_year_id__in=visible_years)
        | Q(audience=Audience.UNIT, unit_id__in=g.member_units)
        | Q(audience=Audience.ORGANISER, cluster_year__cluster__organiser_id__in=g.organiser_admin)
        | Q(audience=Audience.ORGANISER, cluster_year__cluster_id__in=g.cluster_admin)
    )


def document_get(*, user, uid) -> IssuedDocument:
    doc = documents_for(user=user).filter(uid=uid).first()
    if doc is None:
        raise NotFound()
    return doc


def documents_for_object(*, user, obj) -> QuerySet[IssuedDocument]:
    from thidua.core.audit import object_ref

    object_type, object_id = object_ref(obj)
    return documents_for(user=user).filter(object_type=object_type, object_id=object_id)
