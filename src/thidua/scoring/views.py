"""Pages of scoring: the cluster-year dashboard (ranking, charts), member reports, scoring forms,
reconciliation, configuration, exports. Reads go through selectors, writes through services; domain errors
are shown as messages (NotFound/Forbidden become the 404/403 pages through the middleware)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.selectors import grants_for
from thidua.core.errors import DomainError, NotFound
from thidua.covenant.models import Method
from thidua.covenant.selectors import criteria_of
from thidua.documents.storage import open_stored
from thidua.organisations.selectors import cluster_year_get
from thidua.scoring import selectors, services
from thidua.scoring.documents import review_report_issue
from thidua.scoring.excel import scoring_sheet
from thidua.scoring.models import ReportKind, ResultsState, ScorerRole, TieBreak


def _cy(request, code, year):
    return cluster_year_get(user=request.user, code=code, year=year)


def _back(code, year, name="dashboard", **kw):
    return redirect(reverse(f"scoring:{name}", kwargs={"code": code, "year": year, **kw}))


def _error(request, exc: DomainError) -> None:
    details = "; ".join(str(d.message) for d in getattr(exc, "details", []) or [])
    messages.error(request, f"{exc.message} {details}".strip())


def _chart_data(cy, results, matrix, shares, trend) -> dict:
    leaves = [c for c in matrix["criteria"] if c.method != Method.GROUP] if matrix else []
    members = [{"id": r.unit_id, "code": r.unit.code, "name": r.unit.as_of_short_name or r.unit.as_of_name or r.unit.code}
               for r in results]
    return {
        "year": cy.year,
        "ranking": [{"code": r.unit.code, "name": m["name"], "rank": r.rank, "total": float(r.total),
                     "classification": r.classification or "", "tie": r.tie_unresolved}
                    for r, m in zip(results, members, strict=True)],
        "heat": {"criteria": [{"code": c.code, "max": float(c.max_points)} for c in leaves],
                 "members": members,
                 "values": [[matrix["values"].get((m["id"], c.pk), 0) for c in leaves] for m in members]} if matrix else None,
        "trend": trend,
        "indicators": [{"code": s["indicator"].code, "name": s["indicator"].name, "uom": s["indicator"].unit_of_measure,
                        "share": float(s["share"]) if s["share"] is not None else None,
                        "members": [{"code": m["code"], "name": m["name"],
                                     "value": float(m["value"]) if m["value"] is not None else None}
                                    for m in s["members"]]} for s in shares],
    }


@require_GET
@login_required
def dashboard(request, code, year):
    cy = _cy(request, code, year)
    config = selectors.config_of(cluster_year=cy)
    visible = selectors.results_visible(request.user, cy, config)
    results = selectors.results_for(user=request.user, cluster_year=cy) if visible else []
    matrix = selectors.criterion_matrix(user=request.user, cluster_year=cy) if visible and results else None
    shares = selectors.indicator_shares(cluster_year=cy)
    trend = selectors.trend_for(user=request.user, cluster_year=cy)
    return render(request, "scoring/dashboard.html", {
        "cy": cy, "config": config, "results": results, "visible": visible, "shares": shares,
        "manage": selectors.can_manage(request.user, cy),
        "chart_data": _chart_data(cy, results, matrix, shares, trend),
    })


@require_GET
@login_required
def ranking_csv(request, code, year):
    cy = _cy(request, code, year)
    results = selectors.results_for(user=request.user, cluster_year=cy)
    lines = ["rank,code,name,total,classification,tie_unresolved"]
    for r in results:
        name = (r.unit.as_of_name or "").replace('"', '""')
        lines.append(f'{r.rank},{r.unit.code},"{name}",{r.total},{r.classification or ""},{int(r.tie_unresolved)}')
    resp = HttpResponse("\ufeff" + "\n".join(lines), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="xep-hang-{code}-{year}.csv"'
    return resp


@require_GET
@login_required
def export_xlsx(request, code, year):
    cy = _cy(request, code, year)
    config = selectors.config_of(cluster_year=cy)
    results = selectors.results_for(user=request.user, cluster_year=cy)
    matrix = selectors.criterion_matrix(user=request.user, cluster_year=cy)
    scores = list(selectors.scores_for(user=request.user, cluster_year=cy).order_by("unit_id", "criterion_id"))
    unit_codes = {u.pk: u.code for u in selectors.members_of(cluster_year=cy)}
    data = scoring_sheet(cy=cy, results=results, criteria=criteria_of(criteria_set=config.criteria_set),
                         values=matrix["values"], scores=scores, unit_codes=unit_codes)
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="bang-tong-hop-diem-{code}-{year}.xlsx"'
    return resp


@require_POST
@login_required
def review_report(request, code, year):
    cy = _cy(request, code, year)
    try:
        doc = review_report_issue(actor=request.user, cluster_year=cy)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        _error(request, exc)
        return _back(code, year)
    messages.success(request, _("Đã lập báo cáo tổng kết."))
    return redirect(reverse("documents:download", args=[doc.uid, "docx"]))


@require_POST
@login_required
def results_action(request, code, year, action):
    cy = _cy(request, code, year)
    fns = {"compute": services.results_compute, "freeze": services.results_freeze, "publish": services.results_publish}
    try:
        if action == "reopen":
            services.results_reopen(actor=request.user, cluster_year=cy, reason=request.POST.get("reason", ""))
        elif action in fns:
            fns[action](actor=request.user, cluster_year=cy)
        else:
            raise NotFound()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        _error(request, exc)
    else:
        messages.success(request, _("Đã thực hiện."))
    return _back(code, year)


# --- Configuration and assignments -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def config(request, code, year):
    cy = _cy(request, code, year)
    if not selectors.can_manage(request.user, cy):
        raise NotFound()
    cfg = selectors.config_of(cluster_year=cy)
    if request.method == "POST":
        try:
            op = request.POST.get("op")
            if op == "save":
                tbs = [(request.POST.get(f"tie_break_{i}", ""), request.POST.get(f"tie_break_{i}_group", "").strip())
                       for i in (1, 2, 3)]
                services.config_save(actor=request.user, cluster_year=cy, rule=request.POST.get("rule", ""),
                                     comment_margin=request.POST.get("comment_margin"),
                                     bonus_cap=request.POST.get("bonus_cap"), penalty_cap=request.POST.get("penalty_cap"),
                                     tie_breaks=[t for t in tbs if t[0]], legal_basis=request.POST.get("legal_basis", ""),
                                     award_window_years=request.POST.get("award_window_years") or None,
                                     award_history_follows_unit=request.POST.get("award_history_follows_unit") == "on")
            elif op == "generate":
                services.assignments_generate(actor=request.user, cluster_year=cy,
                                              cross_per_member=int(request.POST.get("cross_per_member") or 2))
            elif op == "add":
                services.assignment_add(actor=request.user, cluster_year=cy, role=request.POST.get("role", ""),
                                        scorer_unit_id=int(request.POST.get("scorer_unit_id") or 0),
                                        unit_id=int(request.POST.get("unit_id") or 0))
            elif op == "remove":
                services.assignment_remove(actor=request.user, cluster_year=cy,
                                           assignment_id=int(request.POST.get("assignment_id") or 0))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _error(request, exc)
        except ValueError:
            messages.error(request, _("Dữ liệu không hợp lệ."))
        else:
            messages.success(request, _("Đã lưu."))
        return _back(code, year, "config")
    from thidua.scoring.models import ReconciliationRule

    return render(request, "scoring/config.html", {
        "cy": cy, "config": cfg, "rules": ReconciliationRule.choices, "tie_breaks": TieBreak.choices,
        "roles": ScorerRole.choices, "members": selectors.members_of(cluster_year=cy),
        "assignments": selectors.assignments_of(cluster_year=cy) if cfg else [],
    })


# --- Reports -----------------------------------------------------------------------------------------


@require_GET
@login_required
def reports(request, code, year):
    cy = _cy(request, code, year)
    g = grants_for(request.user)
    members = selectors.members_of(cluster_year=cy)
    return render(request, "scoring/reports.html", {
        "cy": cy, "reports": selectors.reports_for(user=request.user, cluster_year=cy).select_related("unit")
        .order_by("unit__code", "kind"),
        "my_units": [u for u in members if u.pk in g.officer_units], "kinds": ReportKind.choices,
        "manage": selectors.can_manage(request.user, cy),
    })


def vn_number_input(text: str) -> str:
    """A number typed the Vietnamese way as the services read it: "774.000" → "774000", "51,4" → "51.4",
    "1.234,5" → "1234.5"; "99.6" (not groups of three) stays a decimal point."""
    t = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if "," in t:
        return t.replace(".", "").replace(",", ".")
    head, *groups = t.lstrip("-").split(".")
    if groups and head.isdigit() and all(len(g) == 3 and g.isdigit() for g in groups):
        return t.replace(".", "")
    return t


def _indicator_rows(request, cy, manage: bool) -> list[dict]:
    """Per indicator: the members' rows and the national row, each saying whether the caller may edit it."""
    shares = selectors.indicator_shares(cluster_year=cy)
    own = {u.pk for u in selectors.members_of(cluster_year=cy)
           if request.user.has_perm("scoring.edit_member_data", u.pk)} if not manage else set()
    for s in shares:
        for m in s["members"]:
            m["editable"] = manage or m["unit_id"] in own
        s["national_editable"] = manage
    return shares


@require_http_methods(["GET", "POST"])
@login_required
def indicators(request, code, year):
    """Socio-economic indicators of the members and the national totals (DOMAIN.md §3 step 3): everyone who
    sees the cluster-year reads them; the secretariat and the organiser enter any value, a member's officers
    their own unit's (scoring.services.indicator_value_set checks and audits). With htmx a save answers with
    the indicator's card only."""
    cy = _cy(request, code, year)
    manage = selectors.can_manage(request.user, cy)
    error, saved_indicator = None, None
    if request.method == "POST":
        raw_unit = request.POST.get("unit_id", "")
        try:
            indicator_id = int(request.POST.get("indicator_id") or 0)
            unit_id = int(raw_unit) if raw_unit else None
        except ValueError:
            raise NotFound() from None
        saved_indicator = indicator_id
        try:
            services.indicator_value_set(actor=request.user, cluster_year=cy, indicator_id=indicator_id,
                                         unit_id=unit_id, value=vn_number_input(request.POST.get("value", "")),
                                         source=request.POST.get("source", ""))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            details = "; ".join(str(d.message) for d in getattr(exc, "details", []) or [])
            error = {"unit_id": unit_id, "message": f"{exc.message} {details}".strip()}
            if not request.headers.get("HX-Request"):
                messages.error(request, error["message"])
                return _back(code, year, "indicators")
        else:
            if not request.headers.get("HX-Request"):
                messages.success(request, _("Đã lưu số liệu."))
                return _back(code, year, "indicators")
    shares = _indicator_rows(request, cy, manage)
    context = {"cy": cy, "shares": shares, "manage": manage, "error": error}
    if request.method == "POST":  # htmx: the card of the indicator just saved
        card = next((s for s in shares if s["indicator"].pk == saved_indicator), None)
        if card is None:
            raise NotFound()
        return render(request, "scoring/_indicator_card.html", {**context, "s": card})
    return render(request, "scoring/indicators.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def report_edit(request, code, year, unit_id, kind):
    cy = _cy(request, code, year)
    if kind not in ReportKind.values:
        raise NotFound()
    report = selectors.reports_for(user=request.user, cluster_year=cy).filter(unit_id=unit_id, kind=kind).first()
    can_edit = request.user.has_perm("scoring.edit_member_data", unit_id)
    if report is None and not can_edit:
        raise NotFound()
    config = selectors.config_of(cluster_year=cy)
    from thidua.covenant.selectors import current_criteria_set

    criteria = criteria_of(criteria_set=config.criteria_set if config else current_criteria_set(cluster_year=cy))
    if request.method == "POST":
        if not can_edit and request.POST.get("op") != "return":
            raise NotFound()
        try:
            op = request.POST.get("op")
            if op == "return":
                if report is None:
                    raise NotFound()
                services.report_return(actor=request.user, cluster_year=cy, report_id=report.pk,
                                       reason=request.POST.get("reason", ""))
            elif op == "evidence":
                upload = request.FILES.get("file")
                if report is None or upload is None:
                    raise services.invalid(_("Hãy lưu báo cáo và chọn tệp."), field="file")
                services.evidence_add(actor=request.user, cluster_year=cy, report_id=report.pk,
                                      criterion_id=int(request.POST.get("criterion_id") or 0),
                                      filename=upload.name, data=upload.read(services_max_read()))
            else:
                entries = [{"criterion_id": c.pk, "actual_value": request.POST.get(f"actual_{c.pk}"),
                            "self_score": request.POST.get(f"self_{c.pk}"),
                            "occurrences": request.POST.get(f"occ_{c.pk}"),
                            "narrative": request.POST.get(f"narrative_{c.pk}", "")}
                           for c in criteria if c.method != Method.GROUP]
                report = services.report_save(actor=request.user, cluster_year=cy, unit_id=unit_id, kind=kind,
                                              summary=request.POST.get("summary", ""), entries=entries)
                if op == "submit":
                    services.report_submit(actor=request.user, cluster_year=cy, report_id=report.pk)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _error(request, exc)
        else:
            messages.success(request, _("Đã lưu."))
        return _back(code, year, "report_edit", unit_id=unit_id, kind=kind)
    entries = {e.criterion_id: e for e in selectors.entries_of(report=report)} if report else {}
    rows = [{"c": c, "e": entries.get(c.pk)} for c in criteria]
    return render(request, "scoring/report_edit.html", {
        "cy": cy, "report": report, "rows": rows, "kind": kind, "unit_id": unit_id,
        "can_edit": can_edit and (report is None or report.status != "submitted"),
        "manage": selectors.can_manage(request.user, cy),
    })


def services_max_read() -> int:
    from thidua.scoring.evidence import max_bytes

    return max_bytes() + 1  # one byte more than allowed, so that an oversize file is detected and refused


@require_GET
@login_required
def evidence_download(request, pk):
    ev = selectors.evidence_get(user=request.user, pk=pk)
    resp = FileResponse(open_stored(ev.path).open("rb"), content_type=ev.content_type, as_attachment=True,
                        filename=ev.original_name)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


# --- Scoring -----------------------------------------------------------------------------------------


@require_GET
@login_required
def scoring_home(request, code, year):
    cy = _cy(request, code, year)
    return render(request, "scoring/scoring_home.html", {
        "cy": cy, "assignments": selectors.my_assignments(user=request.user, cluster_year=cy),
        "config": selectors.config_of(cluster_year=cy)})


@require_http_methods(["GET", "POST"])
@login_required
def score_form(request, code, year, assignment_id):
    cy = _cy(request, code, year)
    a = selectors.my_assignments(user=request.user, cluster_year=cy).filter(pk=assignment_id).first()
    if a is None:
        raise NotFound()
    config = selectors.config_of(cluster_year=cy)
    manual = [c for c in criteria_of(criteria_set=config.criteria_set)
              if c.method in (Method.GRADED, Method.PASS_FAIL)]
    if request.method == "POST":
        errors = 0
        for c in manual:
            raw = request.POST.get(f"points_{c.pk}", "").strip()
            if raw == "":
                continue
            try:
                services.score_set(actor=request.user, cluster_year=cy, role=a.role, scorer_unit_id=a.scorer_unit_id,
                                   unit_id=a.unit_id, criterion_id=c.pk, points=raw,
                                   comment=request.POST.get(f"comment_{c.pk}", ""))
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                errors += 1
                messages.error(request, f"{c.code}: {exc.message}")
        if not errors:
            messages.success(request, _("Đã lưu điểm."))
        return _back(code, year, "score_form", assignment_id=a.pk)
    mine = {s.criterion_id: s for s in selectors.scores_for(user=request.user, cluster_year=cy).filter(
        role=a.role, scorer_unit_id=a.scorer_unit_id, unit_id=a.unit_id)}
    from thidua.scoring.models import ReportEntry

    self_scores = dict(ReportEntry.objects.filter(report__cluster_year=cy, report__unit_id=a.unit_id,
                                                  report__kind=ReportKind.YEAR_END, report__status="submitted")
                       .values_list("criterion_id", "self_score"))
    rows = [{"c": c, "s": mine.get(c.pk), "self": self_scores.get(c.pk)} for c in manual]
    return render(request, "scoring/score_form.html", {"cy": cy, "a": a, "rows": rows, "config": config,
                                                       "open": config.state == ResultsState.OPEN})


@require_http_methods(["GET", "POST"])
@login_required
def reconciliation(request, code, year):
    cy = _cy(request, code, year)
    if not selectors.can_manage(request.user, cy):
        raise NotFound()
    config = selectors.config_of(cluster_year=cy)
    if config is None:
        messages.error(request, _("Kỳ thi đua chưa được cấu hình chấm điểm."))
        return _back(code, year, "config")
    if request.method == "POST":
        kw = dict(actor=request.user, cluster_year=cy, unit_id=int(request.POST.get("unit_id") or 0),
                  criterion_id=int(request.POST.get("criterion_id") or 0), points=request.POST.get("points"),
                  reason=request.POST.get("reason", ""))
        try:
            if config.state == ResultsState.PUBLISHED:
                services.result_correct(**kw)
            else:
                services.override_set(**kw)
                services.results_compute(actor=request.user, cluster_year=cy)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _error(request, exc)
        else:
            messages.success(request, _("Đã thống nhất điểm."))
        return _back(code, year, "reconciliation")
    matrix = selectors.criterion_matrix(user=request.user, cluster_year=cy)
    members = selectors.members_of(cluster_year=cy)
    leaves = [c for c in matrix["criteria"] if c.method != Method.GROUP]
    scores: dict = {}
    for s in selectors.scores_for(user=request.user, cluster_year=cy).select_related("scorer_unit"):
        scores.setdefault((s.unit_id, s.criterion_id), []).append(s)
    from thidua.scoring.models import ScoreOverride

    overrides = {(o.unit_id, o.criterion_id): o for o in ScoreOverride.objects.filter(cluster_year=cy)}
    table = [{"c": c, "cells": [{"unit": u, "v": matrix["values"].get((u.pk, c.pk)),
                                 "scores": scores.get((u.pk, c.pk), []), "ov": overrides.get((u.pk, c.pk))}
                                for u in members]} for c in leaves]
    return render(request, "scoring/reconciliation.html", {"cy": cy, "config": config, "members": members,
                                                           "table": table, "leaves": leaves,
                                                           "chart_json": json.dumps({})})
