from django import template

from thidua.core.audit_labels import label

register = template.Library()


@register.filter
def audit_label(code: str) -> str:
    """The words for an audit action code (thidua.core.audit_labels)."""
    return label(code)


@register.filter
def audit_object(entry) -> str:
    """'kỳ thi đua #5' for an entry about organisations.clusteryear 5: the model's name, not its label."""
    from django.apps import apps

    if not entry.object_type:
        return ""
    try:
        name = str(apps.get_model(entry.object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = entry.object_type
    return f"{name} #{entry.object_id}" if entry.object_id else name
