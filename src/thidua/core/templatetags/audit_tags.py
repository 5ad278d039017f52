from django import template

from thidua.core.audit_labels import label

register = template.Library()


@register.filter
def audit_label(code: str) -> str:
    """The words for an audit action code (thidua.core.audit_labels)."""
    return label(code)
