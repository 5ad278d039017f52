from django import template

from thidua.documents.selectors import documents_for

register = template.Library()


@register.simple_tag(takes_context=True)
def cluster_year_documents(context, cluster_year, limit: int = 50):
    """The documents of a cluster-year the viewer may download, newest first (one query)."""
    user = context["request"].user
    return list(documents_for(user=user).filter(cluster_year=cluster_year).select_related("unit")[:limit])
