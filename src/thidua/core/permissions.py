"""Permission helpers shared by every app's services (the predicates themselves live in each app's rules.py)."""

from __future__ import annotations

from thidua.core.errors import Forbidden


def require_perm(actor, perm: str, obj=None, message: str | None = None) -> None:
    """Raise Forbidden unless `actor` holds `perm` on `obj` (django-rules object permission)."""
    if actor is None or not actor.is_authenticated or not actor.is_active or not actor.has_perm(perm, obj):
        raise Forbidden(message=message or "")
