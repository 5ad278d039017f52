"""The covenant's part of the cluster-year page (state, timeline, links, the actions the caller may take)."""

from __future__ import annotations

from django import template

from thidua.accounts.selectors import grants_for
from thidua.covenant import selectors
from thidua.covenant import workflow as wf
from thidua.covenant.access import member_unit_ids, roles_of, runs_year

register = template.Library()


@register.inclusion_tag("covenant/_panel_body.html", takes_context=True)
def covenant_panel(context, cy):
    user = context["request"].user
    members = member_unit_ids(cy)
    roles = roles_of(user, cy, members)
    cycle = selectors.cycle_get(cluster_year=cy)
    cs = selectors.current_criteria_set(cluster_year=cy)
    g = grants_for(user)
    my_units = [u for u in members if u in (g.officer_units | g.leader_units)]
    return {
        "cy": cy, "cycle": cycle, "cs": cs, "roles": roles, "runs": runs_year(roles),
        "actions": wf.available_actions(cycle.state, roles) if cycle else [],
        "timeline": selectors.timeline(cluster_year=cy, cycle=cycle),
        "my_units": my_units, "csrf_token": context.get("csrf_token"), "request": context["request"],
    }
