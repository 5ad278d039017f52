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


@register.filter
def vn_input(value) -> str:
    """The value of a number input, written so that views.vn_number_input reads it back unchanged:
    4.5000 → "4,5", 150000 → "150.000", None → "" (an empty field, not a dash)."""
    if value is None or value == "":
        return ""
    return vn_number(value)


def criterion_ceiling(c) -> Decimal:
    """The most a criterion can give: its maximum, or the cap of a bonus / penalty criterion (whose maximum is
    0 by construction; 0 there means no cap)."""
    if c.method in ("bonus", "penalty"):
        return c.cap or Decimal(0)
    return c.max_points


@register.filter
def criterion_max(c) -> str:
    """The maximum shown next to a criterion: "30", or "tối đa 3 điểm thưởng" for bonus / penalty criteria."""
    from django.utils.translation import gettext as _

    if c.method == "bonus":
        return (_("tối đa %(n)s điểm thưởng") % {"n": vn_number(c.cap)}) if c.cap else _("điểm thưởng, không giới hạn")
    if c.method == "penalty":
        return (_("tối đa %(n)s điểm trừ") % {"n": vn_number(c.cap)}) if c.cap else _("điểm trừ, không giới hạn")
    return vn_number(c.max_points)
