from django import template

from thidua.documents.selectors import documents_for

register = template.Library()


@register.simple_tag(takes_context=True)
def cluster_year_documents(context, cluster_year, limit: int = 50):
    """The documents of a cluster-year the viewer may download, newest first, with their unit's name (two queries)."""
    from thidua.organisations.selectors import unit_display_names

    user = context["request"].user
    docs = list(documents_for(user=user).filter(cluster_year=cluster_year)[:limit])
    names = unit_display_names({d.unit_id for d in docs})  # the unit's name, not its code (one query)
    for d in docs:
        d.unit_name = names.get(d.unit_id, "")
    return docs
