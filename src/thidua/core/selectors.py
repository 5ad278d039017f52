"""Reads of the audit log. Callers pass an object they have already fetched through a scoped selector."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import QuerySet

from thidua.core.audit import object_ref
from thidua.core.models import AuditEntry


def audit_entries_for_object(*, obj: models.Model, extra: list[models.Model] | None = None) -> QuerySet[AuditEntry]:
    """History of an object (and optionally of closely owned objects), newest first."""
    from django.db.models import Q

    cond = Q()
    for o in [obj, *(extra or [])]:
        object_type, object_id = object_ref(o)
        cond |= Q(object_type=object_type, object_id=object_id)
    return AuditEntry.objects.filter(cond).select_related("actor").order_by("-id")


def paginate(qs, *, page: int | str | None, per_page: int) -> Page:
    """Bounded pages for every list (invalid page numbers fall back to the nearest valid page)."""
    paginator = Paginator(qs, per_page)
    return paginator.get_page(page)
