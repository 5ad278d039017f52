"""Pages for the dashboard, units, clusters and cluster-years. Reads go through selectors, writes through services."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.core.errors import InvalidInput
from thidua.core.forms import apply_domain_errors
from thidua.core.selectors import audit_entries_for_object, paginate
from thidua.organisations import selectors, services
from thidua.organisations.forms import LeadershipForm, UnitContactForm, UnitFilterForm


@require_GET
@login_required
def dashboard(request):
    """The clusters and years the officer can act on, with their role in each."""
    page = paginate(selectors.clusters_for(user=request.user).order_by("name"), page=request.GET.get("page"), per_page=10)
    cys = selectors.dashboard_cluster_years(user=request.user, clusters=list(page.object_list), limit_per_cluster=6)
    groups: dict[int, dict] = {}
    for cy in cys:
        groups.setdefault(cy.cluster_id, {"cluster": cy.cluster, "years": []})["years"].append(cy)
    return render(request, "organisations/dashboard.html", {
        "groups": list(groups.values()), "this_year": date.today().year, "page": page,
    })


@require_GET
@login_required
def cluster_list(request):
    qs = selectors.clusters_for(user=request.user).select_related("organiser").order_by("name")
    page = paginate(qs, page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    selectors.attach_organiser_names(page.object_list)
    return render(request, "organisations/cluster_list.html", {"page": page})


@require_GET
@login_required
def cluster_detail(request, code: str):
    cluster = selectors.cluster_get(user=request.user, code=code)
    memberships = list(selectors.memberships_for(user=request.user, cluster=cluster))
    years = list(selectors.dashboard_cluster_years_of(user=request.user, cluster=cluster)[:200])
    for cy in years:
        cy.my_roles = selectors.roles_in_cluster_year(request.user, cy)
    history = paginate(audit_entries_for_object(obj=cluster), page=request.GET.get("hpage"), per_page=20)
    return render(request, "organisations/cluster_detail.html", {
        "cluster": cluster, "memberships": memberships, "years": years, "history": history,
        "can_manage": request.user.has_perm("organisations.manage_cluster", cluster),
    })


@require_http_methods(["GET", "POST"])
@login_required
def cluster_year_detail(request, code: str, year: int):
    cy = selectors.cluster_year_get(user=request.user, code=code, year=year)
    members = list(selectors.memberships_for(user=request.user, cluster=cy.cluster, year=cy.year))
    can_manage = request.user.has_perm("organisations.manage_clusteryear", cy)
    form = None
    if can_manage:
        initial = {"head": cy.head_id, "head_selection": cy.head_selection, "deputy": cy.deputy_id,
                   "deputy_selection": cy.deputy_selection}
        form = LeadershipForm(request.POST or None, members=members, initial=initial)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                services.cluster_year_set_leadership(
                    actor=request.user, cluster_year_id=cy.pk, head_id=d["head"], head_selection=d["head_selection"],
                    deputy_id=d["deputy"], deputy_selection=d["deputy_selection"], reason=d["reason"])
            except InvalidInput as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi nhận cụm trưởng, cụm phó."))
                return redirect("cluster_year_detail", code=code, year=year)
    elif request.method == "POST":
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    history = paginate(audit_entries_for_object(obj=cy), page=request.GET.get("hpage"), per_page=20)
    return render(request, "organisations/cluster_year_detail.html", {
        "cy": cy, "members": members, "roles": selectors.roles_in_cluster_year(request.user, cy),
        "form": form, "history": history, "panels": _cluster_year_panels(),
    })


# Later capabilities show their part of the year on the cluster-year page through a template of their own,
# `<app>/_cluster_year_panel.html`, rendered with the same context (cy, members, roles).
PANEL_APPS = ("covenant", "scoring", "conference", "awards", "documents")


def _cluster_year_panels() -> list[str]:
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    found = []
    for app in PANEL_APPS:
        name = f"{app}/_cluster_year_panel.html"
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return found


@require_GET
@login_required
def unit_list(request):
    form = UnitFilterForm(request.GET or None, kinds=selectors.unit_kinds())
    on, q, kind = date.today(), "", ""
    if form.is_valid():
        on = form.cleaned_data["on"] or on
        q, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    qs = selectors.units_as_of(user=request.user, on=on, search=q, kind=kind)
    page = paginate(qs, page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "on": on, "querystring": query.urlencode()}
    template = "organisations/_unit_table.html" if request.headers.get("HX-Request") else "organisations/unit_list.html"
    return render(request, template, context)


@require_GET
@login_required
def unit_detail(request, pk: int):
    on_param = request.GET.get("on")
    try:
        on = date.fromisoformat(on_param) if on_param else date.today()
    except ValueError:
        on = date.today()
    unit = selectors.unit_get(user=request.user, pk=pk, on=on)
    incoming, outgoing = selectors.unit_successions(unit=unit)
    can_edit = request.user.has_perm("organisations.change_unit_contact", unit)
    history = paginate(audit_entries_for_object(obj=unit), page=request.GET.get("hpage"), per_page=20)
    return render(request, "organisations/unit_detail.html", {
        "unit": unit, "on": on, "versions": selectors.unit_versions(unit=unit),
        "incoming": incoming, "outgoing": outgoing, "memberships": selectors.unit_memberships(user=request.user, unit=unit),
        "can_edit": can_edit, "history": history,
        "contact_form": UnitContactForm(initial={k: getattr(unit, k) for k in ("address", "phone", "email", "website")}) if can_edit else None,
    })


@require_POST
@login_required
def unit_contact_update(request, pk: int):
    unit = selectors.unit_get(user=request.user, pk=pk)
    form = UnitContactForm(request.POST)
    if form.is_valid():
        try:
            services.unit_update_contact(actor=request.user, unit_id=unit.pk, **form.cleaned_data)
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật thông tin liên hệ."))
            return redirect("unit_detail", pk=pk)
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect("unit_detail", pk=pk)
