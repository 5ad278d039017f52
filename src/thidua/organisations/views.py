"""Pages for the dashboard, units, clusters and cluster-years. Reads go through selectors, writes through services."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.core.errors import InvalidInput, InvalidState
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
        form = LeadershipForm(request.POST or None, members=members, cluster=cy.cluster, initial=initial)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                services.cluster_year_set_leadership(
                    actor=request.user, cluster_year_id=cy.pk, head_id=d["head"], head_selection=d["head_selection"],
                    deputy_id=d["deputy"], deputy_selection=d["deputy_selection"], reason=d["reason"])
            except InvalidInput as exc:
                apply_domain_errors(form, exc)
            except InvalidState as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("Đã ghi nhận khối trưởng, khối phó.") if cy.cluster.is_block
                                 else _("Đã ghi nhận cụm trưởng, cụm phó."))
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
    if form.is_bound:
        form.is_valid()  # an invalid field is reported on the form; the valid ones still filter
        on = form.cleaned_data.get("on") or on
        q, kind = form.cleaned_data.get("q", ""), form.cleaned_data.get("kind", "")
    qs = selectors.units_as_of(user=request.user, on=on, search=q, kind=kind)
    page = paginate(qs, page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "on": on, "querystring": query.urlencode()}
    template = "organisations/_unit_table.html" if request.headers.get("HX-Request") else "organisations/unit_list.html"
    return render(request, template, context)


_INCOMING = {  # how a succession reads on the successor's page ("received from", never "merged into")
    "merger": _lazy("tiếp nhận (hợp nhất, sáp nhập) từ"),
    "rename": _lazy("đổi tên từ"),
    "split": _lazy("chia tách từ"),
}
_OUTGOING = {
    "merger": _lazy("hợp nhất, sáp nhập vào"),
    "rename": _lazy("đổi tên thành"),
    "split": _lazy("chia tách thành"),
}


def _unit_detail_context(request, unit, on: date, contact_form=None, on_error: str = "") -> dict:
    incoming, outgoing = selectors.unit_successions(unit=unit)
    incoming, outgoing = list(incoming), list(outgoing)
    names = selectors.unit_display_names([s.predecessor_id for s in incoming] + [s.successor_id for s in outgoing])
    for s in incoming:
        s.other_id, s.label = s.predecessor_id, _INCOMING.get(s.kind, s.get_kind_display())
        s.other_name = names.get(s.predecessor_id, s.predecessor.code)
    for s in outgoing:
        s.other_id, s.label = s.successor_id, _OUTGOING.get(s.kind, s.get_kind_display())
        s.other_name = names.get(s.successor_id, s.successor.code)
    can_edit = request.user.has_perm("organisations.change_unit_contact", unit)
    if can_edit and contact_form is None:
        contact_form = UnitContactForm(initial={k: getattr(unit, k) for k in ("address", "phone", "email", "website")})
    history = paginate(audit_entries_for_object(obj=unit), page=request.GET.get("hpage"), per_page=20)
    return {
        "unit": unit, "on": on, "on_error": on_error, "versions": selectors.unit_versions(unit=unit),
        "incoming": incoming, "outgoing": outgoing, "memberships": selectors.unit_memberships(user=request.user, unit=unit),
        "can_edit": can_edit, "history": history, "contact_form": contact_form if can_edit else None,
        "contact_open": bool(contact_form is not None and contact_form.is_bound),
    }


@require_GET
@login_required
def unit_detail(request, pk: int):
    on_param = request.GET.get("on")
    on, on_error = date.today(), ""
    if on_param:
        try:
            on = date.fromisoformat(on_param)
        except ValueError:
            on_error = _("Ngày “%(value)s” không hợp lệ (định dạng YYYY-MM-DD): đang hiển thị theo ngày hôm nay.") % {
                "value": on_param[:20]}
    unit = selectors.unit_get(user=request.user, pk=pk, on=on)
    return render(request, "organisations/unit_detail.html", _unit_detail_context(request, unit, on, on_error=on_error))


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
    if not request.user.has_perm("organisations.change_unit_contact", unit):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    # Show the form again with what was typed and the errors next to their fields.
    return render(request, "organisations/unit_detail.html",
                  _unit_detail_context(request, unit, date.today(), contact_form=form))
