"""The cluster-year panel's data, fetched through the awards selectors (a fixed number of queries)."""

from django import template

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
