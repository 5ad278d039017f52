"""Template filters of scoring: numbers the Vietnamese way (dot between thousands, comma before decimals)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from thidua.documents.formats import format_decimal

register = template.Library()


@register.filter
def vn_number(value, places=None) -> str:
    """774000 → "774.000", 51.4 → "51,4", None → "—". Without `places`, the value's own decimals (at most 4,
    trailing zeros dropped)."""
    if value is None or value == "":
        return "—"
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if places is None:
        exponent = d.normalize().as_tuple().exponent
        places = min(max(0, -exponent), 4) if isinstance(exponent, int) else 0
    return format_decimal(d, int(places))
