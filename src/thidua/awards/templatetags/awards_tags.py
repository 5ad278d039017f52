"""The cluster-year panel's data, fetched through the awards selectors (a fixed number of queries)."""

from django import template
from django.utils.translation import gettext_lazy as _

from thidua.awards import selectors
from thidua.awards.models import AwardType
from thidua.awards.rulesets import ruleset_for_year

register = template.Library()

PANEL_AWARDS = ("co-thi-dua-chinh-phu", "bang-khen-thu-tuong")


@register.simple_tag
def cluster_year_awards(cy, user):
    names = dict(AwardType.objects.filter(code__in=PANEL_AWARDS).values_list("code", "name"))
    nominations = list(selectors.nominations_for(user=user).filter(cluster_year=cy).order_by("award_type__sort_order",
                                                                                              "pk"))
    selectors.nominations_page_rows(nominations)
    return {
        "ruleset": ruleset_for_year(cy.year),
        "quotas": [{"name": names.get(c, c), "quota": selectors.proposal_quota(cluster_year=cy, award_code=c)}
                   for c in PANEL_AWARDS],
        "nominations": nominations,
    }


STATUS_LABELS = {
    "VERIFIED": _("đã xác nhận"),
    "HISTORIC": _("quy định cũ"),
    "UNCONFIRMED": _("chưa xác nhận"),
}


@register.filter
def status_label(value):
    """A rule's status (VERIFIED / HISTORIC / UNCONFIRMED) as users read it."""
    return STATUS_LABELS.get(str(value), value)


@register.filter
def vnd(value):
    """An amount in đồng with Vietnamese digit grouping: 28080000 → 28.080.000."""
    if value in (None, ""):
        return ""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return value
    return f"{n:,}".replace(",", ".")


@register.filter
def recipient_labels(kinds):
    """Recipient kinds (collective, individual, household) in words."""
    from thidua.awards.models import RecipientKind

    labels = dict(RecipientKind.choices)
    return ", ".join(str(labels.get(k, k)) for k in (kinds or []))
