"""Pages of scoring: the cluster-year dashboard (ranking, charts), member reports, scoring forms,
reconciliation, configuration, exports. Reads go through selectors, writes through services; domain errors
are shown as messages (NotFound/Forbidden become the 404/403 pages through the middleware)."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.accounts.selectors import grants_for
from thidua.core.errors import DomainError, InvalidState, NotFound
from thidua.covenant.models import Method
from thidua.covenant.selectors import criteria_of
from thidua.documents.storage import open_stored
from thidua.organisations.selectors import cluster_year_get
from thidua.scoring import selectors, services
from thidua.scoring.documents import review_report_issue
from thidua.scoring.excel import scoring_sheet
from thidua.scoring.models import ReportKind, ResultsState, ScorerRole, TieBreak
from thidua.scoring.rules import may_edit_member_data


def _cy(request, code, year):
    return cluster_year_get(user=request.user, code=code, year=year)


def _back(code, year, name="dashboard", **kw):
    return redirect(reverse(f"scoring:{name}", kwargs={"code": code, "year": year, **kw}))


def _error(request, exc: DomainError, row_labels: dict[int, str] | None = None,
           field_labels: dict[str, str] | None = None) -> None:
    """One message: the error, then each detail not already said, with the row ("A.4: …") or the field
    ("Điểm thống nhất: …") it is about. A single-field error whose message is its detail's is said once, with
    its field."""
    head = str(exc.message)
    said = {head}
    parts = []
    for d in getattr(exc, "details", []) or []:
        raw = str(d.message)
        text = raw
        label = (row_labels or {}).get(d.row) if d.row is not None else (field_labels or {}).get(d.field)
        if label:
            text = f"{label}: {text}"
        elif d.row is not None:
            text = _("Dòng %(r)d: %(m)s") % {"r": d.row, "m": text}
        if raw == head and text != raw:
            head = ""  # said below, with where
        if text not in said:
            said.add(text)
            parts.append(text)
    messages.error(request, " ".join([head, "; ".join(parts)]).strip())


def _error_fields(exc: DomainError) -> set[str]:
    """The fields a refusal is about (their inputs are marked aria-invalid when the form is shown again)."""
    return {d.field for d in getattr(exc, "details", []) or [] if d.field}


def _unit_name(u) -> str:
    """A member as people call it (short name as of the year's end, e.g. "Hà Nội"); the code only as a last
    resort. `u` comes from selectors.members_of (annotated)."""
    return getattr(u, "as_of_short_name", None) or getattr(u, "as_of_name", None) or u.code


def _name_assignments(cy, assignments) -> None:
    names = {u.pk: _unit_name(u) for u in selectors.members_of(cluster_year=cy)}
    for a in assignments:
        a.scorer_name = names.get(a.scorer_unit_id) or a.scorer_unit.code
        a.unit_name = names.get(a.unit_id) or a.unit.code


def _heat_max(c, values) -> float:
    """The 100 % of a heat-map column: the criterion's maximum, a bonus / penalty criterion's cap, or (no cap)
    the highest value given, so that 3 bonus points are not coloured as 0 %."""
    from thidua.scoring.templatetags.scoring_tags import criterion_ceiling

    ceiling = float(criterion_ceiling(c))
    if ceiling > 0:
        return ceiling
    return max([v for (_u, cid), v in values.items() if cid == c.pk] + [0.0])


def _chart_data(cy, results, matrix, shares, trend) -> dict:
    leaves = [c for c in matrix["criteria"] if c.method != Method.GROUP] if matrix else []
    members = [{"id": r.unit_id, "code": r.unit.code, "name": r.unit.as_of_short_name or r.unit.as_of_name or r.unit.code}
               for r in results]
    names = {u.code: _unit_name(u) for u in selectors.members_of(cluster_year=cy)}
    return {
        "year": cy.year,
        "ranking": [{"code": r.unit.code, "name": m["name"], "rank": r.rank, "total": float(r.total),
                     "classification": r.classification or "", "tie": r.tie_unresolved}
                    for r, m in zip(results, members, strict=True)],
        "heat": {"criteria": [{"code": c.code, "max": _heat_max(c, matrix["values"])} for c in leaves],
                 "members": members,
                 "values": [[matrix["values"].get((m["id"], c.pk), 0) for c in leaves] for m in members]} if matrix else None,
        "trend": [{**t, "name": names.get(t["unit"], t["unit"])} for t in trend],
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
        "manage": selectors.can_manage(request.user, cy), "today": timezone.localdate(),
        "chart_data": _chart_data(cy, results, matrix, shares, trend),
    })


@require_GET
@login_required
def ranking_csv(request, code, year):
    cy = _cy(request, code, year)
    results = selectors.results_for(user=request.user, cluster_year=cy)
    lines = [",".join([_("Hạng"), _("Mã đơn vị"), _("Tên đơn vị"), _("Tổng điểm"), _("Xếp loại"),
                       _("Bằng điểm chưa phân hạng được")])]
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
    unit_names = {u.pk: _unit_name(u) for u in selectors.members_of(cluster_year=cy)}
    data = scoring_sheet(cy=cy, results=results, criteria=criteria_of(criteria_set=config.criteria_set),
                         values=matrix["values"], scores=scores, unit_names=unit_names)
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="bang-tong-hop-diem-{code}-{year}.xlsx"'
    return resp


@require_POST
@login_required
def review_report(request, code, year):
    cy = _cy(request, code, year)
    try:
        raw = request.POST.get("on_date", "").strip()
        try:
            on_date = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise services.invalid(_("Ngày của báo cáo không hợp lệ."), field="on_date") from None
        doc = review_report_issue(actor=request.user, cluster_year=cy, on_date=on_date)
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
    done = {"compute": _("Đã tính lại điểm và xếp hạng."), "freeze": _("Đã khóa kết quả."),
            "publish": _("Đã công bố kết quả cho các thành viên."), "reopen": _("Đã mở lại kết quả để sửa điểm.")}
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
        messages.success(request, done[action])
    return _back(code, year)


# --- Configuration and assignments -------------------------------------------------------------------


def _config_labels(kept_slots: list[int]) -> dict[str, str]:
    """The configuration form's fields as the page labels them. The service numbers the tie-breaks it was
    given (the empty slots left out): `kept_slots` maps them back to the slot the user typed in."""
    labels = {"rule": _("Quy tắc thống nhất điểm"),
              "comment_margin": _("Chênh lệch tối đa so với điểm tự chấm không cần nhận xét"),
              "bonus_cap": _("Tổng điểm thưởng tối đa (0: không giới hạn)"),
              "penalty_cap": _("Tổng điểm trừ tối đa (0: không giới hạn)"),
              "award_window_years": _("Số năm tính khen thưởng tự động (1: chỉ năm đánh giá)"),
              "tie_breaks": _("Tiêu chí phân hạng khi bằng điểm"), "criteria_set": _("Bộ tiêu chí")}
    for n, slot in enumerate(kept_slots, start=1):
        labels[f"tie_break_{n}"] = _("Tiêu chí phân hạng khi bằng điểm %(i)d") % {"i": slot}
        labels[f"tie_break_{n}_group"] = _("Tiêu chí phân hạng khi bằng điểm %(i)d (mã nhóm)") % {"i": slot}
    return labels


def _config_slot_fields(fields: set[str], kept_slots: list[int]) -> set[str]:
    """The service's tie-break field names (numbered among the slots given) as the form's inputs."""
    out = set()
    for f in fields:
        for n, slot in enumerate(kept_slots, start=1):
            if f in (f"tie_break_{n}", f"tie_break_{n}_group"):
                f = f.replace(f"tie_break_{n}", f"tie_break_{slot}", 1)
                break
        out.add(f)
    return out


@require_http_methods(["GET", "POST"])
@login_required
def config(request, code, year):
    cy = _cy(request, code, year)
    if not selectors.can_manage(request.user, cy):
        raise NotFound()
    cfg = selectors.config_of(cluster_year=cy)
    posted, invalid_fields = None, set()  # a refused save: the values typed, shown again, and where it went wrong
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "save":
                slots = [(i, request.POST.get(f"tie_break_{i}", ""), request.POST.get(f"tie_break_{i}_group", "").strip())
                         for i in (1, 2, 3)]
                kept = [i for i, kind, _g in slots if kind]
                try:
                    services.config_save(actor=request.user, cluster_year=cy, rule=request.POST.get("rule", ""),
                                         comment_margin=_num(request.POST.get("comment_margin")),
                                         bonus_cap=_num(request.POST.get("bonus_cap")),
                                         penalty_cap=_num(request.POST.get("penalty_cap")),
                                         tie_breaks=[(kind, g) for _i, kind, g in slots if kind],
                                         legal_basis=request.POST.get("legal_basis", ""),
                                         award_window_years=request.POST.get("award_window_years") or None,
                                         award_history_follows_unit=request.POST.get("award_history_follows_unit") == "on")
                except DomainError as exc:
                    if exc.status in (403, 404):
                        raise
                    _error(request, exc, field_labels=_config_labels(kept))
                    posted, invalid_fields = request.POST, _config_slot_fields(_error_fields(exc), kept)
                    raise _Shown() from exc
                done = _("Đã lưu cấu hình chấm điểm.")
            elif op == "generate":
                n = services.assignments_generate(actor=request.user, cluster_year=cy,
                                                  cross_per_member=int(request.POST.get("cross_per_member") or 2))
                done = _("Đã tạo %(n)d phân công chấm.") % {"n": n}
            elif op == "add":
                services.assignment_add(actor=request.user, cluster_year=cy, role=request.POST.get("role", ""),
                                        scorer_unit_id=int(request.POST.get("scorer_unit_id") or 0),
                                        unit_id=int(request.POST.get("unit_id") or 0))
                done = _("Đã thêm phân công chấm.")
            elif op == "remove":
                services.assignment_remove(actor=request.user, cluster_year=cy,
                                           assignment_id=int(request.POST.get("assignment_id") or 0))
                done = _("Đã bỏ phân công chấm và các điểm đơn vị đó đã chấm.")
            else:
                raise NotFound()
        except _Shown:
            pass
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _error(request, exc)
        except ValueError:
            messages.error(request, _("Dữ liệu không hợp lệ."))
        else:
            messages.success(request, done)
        if posted is None:
            return _back(code, year, "config")
    from thidua.scoring.models import ReconciliationRule
    from thidua.scoring.templatetags.scoring_tags import vn_input

    counts = selectors.assignment_score_counts(cluster_year=cy) if cfg else {}
    assignments = list(selectors.assignments_of(cluster_year=cy).order_by("role", "scorer_unit__code", "unit__code")) if cfg else []
    members = selectors.members_of(cluster_year=cy)
    names = {u.pk: _unit_name(u) for u in members}
    for a in assignments:
        a.score_count = counts.get((a.role, a.scorer_unit_id, a.unit_id), 0)
        a.scorer_name = names.get(a.scorer_unit_id) or a.scorer_unit.code
        a.unit_name = names.get(a.unit_id) or a.unit.code
    if posted is not None:  # the form as typed
        form = {"rule": posted.get("rule", ""), "comment_margin": posted.get("comment_margin", ""),
                "bonus_cap": posted.get("bonus_cap", ""), "penalty_cap": posted.get("penalty_cap", ""),
                "award_window_years": posted.get("award_window_years", ""),
                "award_history_follows_unit": posted.get("award_history_follows_unit") == "on",
                "legal_basis": posted.get("legal_basis", "")}
        slots = [(posted.get(f"tie_break_{i}", ""), posted.get(f"tie_break_{i}_group", "")) for i in (1, 2, 3)]
    else:  # as saved; the saved tie-breaks pre-select their slots (a slot left as shown keeps its value)
        form = {"rule": cfg.rule if cfg else "",
                "comment_margin": vn_input(cfg.comment_margin) if cfg else "1",
                "bonus_cap": vn_input(cfg.bonus_cap) if cfg else "0",
                "penalty_cap": vn_input(cfg.penalty_cap) if cfg else "0",
                "award_window_years": str(cfg.award_window_years or 1) if cfg else "1",
                "award_history_follows_unit": cfg.award_history_follows_unit if cfg else True,
                "legal_basis": cfg.legal_basis if cfg else ""}
        slots = ((cfg.tie_breaks() if cfg else []) + [("", "")] * 3)[:3]
    labels = dict(TieBreak.choices)
    return render(request, "scoring/config.html", {
        "cy": cy, "config": cfg, "form": form, "invalid": invalid_fields,
        "rules": ReconciliationRule.choices, "tie_breaks": TieBreak.choices,
        "tie_break_slots": [{"i": i, "kind": k, "group": g, "invalid": f"tie_break_{i}" in invalid_fields,
                             "group_invalid": f"tie_break_{i}_group" in invalid_fields}
                            for i, (k, g) in enumerate(slots, start=1)],
        "tie_break_current": [f"{labels.get(k, k)} {g}".strip() for k, g in (cfg.tie_breaks() if cfg else [])],
        "roles": ScorerRole.choices, "members": members,
        "assignments": assignments, "scored_total": sum(counts.values()),
    }, status=422 if posted is not None else 200)


# --- Reports -----------------------------------------------------------------------------------------


@require_GET
@login_required
def reports(request, code, year):
    cy = _cy(request, code, year)
    g = grants_for(request.user)
    members = selectors.members_of(cluster_year=cy)
    names = {u.pk: _unit_name(u) for u in members}
    reports = list(selectors.reports_for(user=request.user, cluster_year=cy).select_related("unit")
                   .order_by("unit__code", "kind"))
    for r in reports:
        r.unit_name = names.get(r.unit_id) or r.unit.code
    return render(request, "scoring/reports.html", {
        "cy": cy, "reports": reports,
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


def _num(text: str | None) -> str | None:
    """A form's number field as the services read it (None stays None: the field was not sent)."""
    return None if text is None else vn_number_input(text)


def _indicator_rows(request, cy, manage: bool) -> list[dict]:
    """Per indicator: the members' rows and the national row, each saying whether the caller may edit it."""
    shares = selectors.indicator_shares(cluster_year=cy)
    own = {u.pk for u in selectors.members_of(cluster_year=cy)
           if may_edit_member_data(request.user, u.pk)} if not manage else set()
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
    # Only the unit's own officers write its report; whoever may not see an existing report (a draft is the
    # member's own business) gets a 404, never a blank form that would overwrite it.
    can_edit = may_edit_member_data(request.user, unit_id)
    if report is None and not can_edit:
        raise NotFound()
    config = selectors.config_of(cluster_year=cy)
    from thidua.covenant.selectors import current_criteria_set

    criteria = criteria_of(criteria_set=config.criteria_set if config else current_criteria_set(cluster_year=cy))
    posted = None  # the values typed, shown again when the save is refused
    if request.method == "POST":
        op = request.POST.get("op")
        if not can_edit and op != "return":
            raise NotFound()
        leaves = [c for c in criteria if c.method != Method.GROUP]
        try:
            if op == "return":
                if report is None:
                    raise NotFound()
                services.report_return(actor=request.user, cluster_year=cy, report_id=report.pk,
                                       reason=request.POST.get("reason", ""))
                done = _("Đã trả lại báo cáo để thành viên sửa.")
            elif op == "evidence":
                upload = request.FILES.get("file")
                if report is None or upload is None:
                    raise services.invalid(_("Hãy lưu báo cáo và chọn tệp."), field="file")
                services.evidence_add(actor=request.user, cluster_year=cy, report_id=report.pk,
                                      criterion_id=int(request.POST.get("criterion_id") or 0),
                                      filename=upload.name, data=upload.read(services_max_read()))
                done = _("Đã tải minh chứng lên.")
            elif op == "evidence_remove":
                if report is None:
                    raise NotFound()
                try:
                    evidence_id = int(request.POST.get("evidence_id") or 0)
                except ValueError:
                    raise NotFound() from None
                services.evidence_remove(actor=request.user, cluster_year=cy, report_id=report.pk,
                                         evidence_id=evidence_id)
                done = _("Đã xóa minh chứng.")
            elif op in ("save", "submit"):
                if not leaves:
                    raise InvalidState(message=_("Kỳ thi đua chưa có tiêu chí để báo cáo."))
                entries = [{"criterion_id": c.pk, "actual_value": _num(request.POST.get(f"actual_{c.pk}")),
                            "self_score": _num(request.POST.get(f"self_{c.pk}")),
                            "occurrences": request.POST.get(f"occ_{c.pk}"),
                            "narrative": request.POST.get(f"narrative_{c.pk}", "")}
                           for c in leaves]
                try:
                    report = services.report_save(actor=request.user, cluster_year=cy, unit_id=unit_id, kind=kind,
                                                  summary=request.POST.get("summary", ""), entries=entries)
                except DomainError as exc:
                    if exc.status in (403, 404):
                        raise
                    _error(request, exc, row_labels={i: c.code for i, c in enumerate(leaves, start=1)})
                    posted = request.POST
                    raise _Shown() from exc
                done = _("Đã lưu bản nháp báo cáo.")
                if op == "submit":
                    services.report_submit(actor=request.user, cluster_year=cy, report_id=report.pk)
                    done = _("Đã gửi báo cáo.")
            else:
                raise NotFound()
        except _Shown:
            pass
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _error(request, exc)
        else:
            messages.success(request, done)
        if posted is None:
            return _back(code, year, "report_edit", unit_id=unit_id, kind=kind)
    entries = {e.criterion_id: e for e in selectors.entries_of(report=report)} if report else {}
    rows = [{"c": c, "e": entries.get(c.pk),
             "raw": {"actual": posted.get(f"actual_{c.pk}", ""), "self": posted.get(f"self_{c.pk}", ""),
                     "occ": posted.get(f"occ_{c.pk}", ""), "narrative": posted.get(f"narrative_{c.pk}", "")}
             if posted is not None else None} for c in criteria]
    member = next((u for u in selectors.members_of(cluster_year=cy) if u.pk == unit_id), None)
    return render(request, "scoring/report_edit.html", {
        "cy": cy, "report": report, "rows": rows, "kind": kind, "unit_id": unit_id,
        "unit_name": (member.as_of_name or member.code) if member else "",
        "has_criteria": any(c.method != Method.GROUP for c in criteria),
        "summary": posted.get("summary", "") if posted is not None else (report.summary if report else ""),
        "can_edit": can_edit and (report is None or report.status != "submitted"),
        "manage": selectors.can_manage(request.user, cy),
    }, status=422 if posted is not None else 200)


class _Shown(Exception):
    """The refusal is already on the page being rendered again with the values typed."""


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
    assignments = list(selectors.my_assignments(user=request.user, cluster_year=cy).order_by("role", "unit__code"))
    _name_assignments(cy, assignments)
    return render(request, "scoring/scoring_home.html", {
        "cy": cy, "assignments": assignments,
        "config": selectors.config_of(cluster_year=cy)})


@require_http_methods(["GET", "POST"])
@login_required
def score_form(request, code, year, assignment_id):
    cy = _cy(request, code, year)
    a = selectors.my_assignments(user=request.user, cluster_year=cy).filter(pk=assignment_id).first()
    if a is None:
        raise NotFound()
    _name_assignments(cy, [a])
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
                                   unit_id=a.unit_id, criterion_id=c.pk, points=vn_number_input(raw),
                                   comment=request.POST.get(f"comment_{c.pk}", ""))
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                errors += 1
                messages.error(request, f"{c.code}: {exc.message}")
        if not errors:
            messages.success(request, _("Đã lưu điểm."))
            return _back(code, year, "score_form", assignment_id=a.pk)
        # The other rows were saved; the page comes back with everything as typed so nothing is retyped.
        posted = request.POST
    else:
        posted = None
    mine = {s.criterion_id: s for s in selectors.scores_for(user=request.user, cluster_year=cy).filter(
        role=a.role, scorer_unit_id=a.scorer_unit_id, unit_id=a.unit_id)}
    from thidua.scoring.models import ReportEntry

    self_scores = dict(ReportEntry.objects.filter(report__cluster_year=cy, report__unit_id=a.unit_id,
                                                  report__kind=ReportKind.YEAR_END, report__status="submitted")
                       .values_list("criterion_id", "self_score"))
    rows = [{"c": c, "s": mine.get(c.pk), "self": self_scores.get(c.pk),
             "raw": {"points": posted.get(f"points_{c.pk}", ""), "comment": posted.get(f"comment_{c.pk}", "")}
             if posted is not None else None} for c in manual]
    return render(request, "scoring/score_form.html", {"cy": cy, "a": a, "rows": rows, "config": config,
                                                       "open": config.state == ResultsState.OPEN},
                  status=422 if posted is not None else 200)


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
    posted, invalid_fields = None, set()  # a refused entry: the values typed, shown again, and where it went wrong
    if request.method == "POST":
        try:
            unit_id = int(request.POST.get("unit_id") or 0)
            criterion_id = int(request.POST.get("criterion_id") or 0)
        except ValueError:
            raise NotFound() from None
        try:
            corrected = services.final_score_set(actor=request.user, cluster_year=cy, unit_id=unit_id,
                                                 criterion_id=criterion_id, points=_num(request.POST.get("points")),
                                                 reason=request.POST.get("reason", ""))
            done = (_("Đã ghi nhận đính chính và tính lại kết quả đã công bố.") if corrected
                    else _("Đã thống nhất điểm."))
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _error(request, exc, field_labels={"unit_id": _("Đơn vị"), "criterion_id": _("Tiêu chí"),
                                               "points": _("Điểm thống nhất"), "reason": _("Lý do (bắt buộc)")})
            posted, invalid_fields = request.POST, _error_fields(exc)
        else:
            messages.success(request, done)
            return _back(code, year, "reconciliation")
    matrix = selectors.criterion_matrix(user=request.user, cluster_year=cy)
    members = selectors.members_of(cluster_year=cy)
    leaves = [c for c in matrix["criteria"] if c.method != Method.GROUP]
    scores: dict = {}
    names = {u.pk: _unit_name(u) for u in members}
    for s in selectors.scores_for(user=request.user, cluster_year=cy).select_related("scorer_unit"):
        s.scorer_name = names.get(s.scorer_unit_id) or s.scorer_unit.code
        scores.setdefault((s.unit_id, s.criterion_id), []).append(s)
    from thidua.scoring.models import ScoreOverride

    overrides = {(o.unit_id, o.criterion_id): o for o in ScoreOverride.objects.filter(cluster_year=cy)}
    table = [{"c": c, "cells": [{"unit": u, "v": matrix["values"].get((u.pk, c.pk)),
                                 "scores": scores.get((u.pk, c.pk), []), "ov": overrides.get((u.pk, c.pk))}
                                for u in members]} for c in leaves]
    return render(request, "scoring/reconciliation.html", {"cy": cy, "config": config, "members": members,
                                                           "table": table, "leaves": leaves,
                                                           "chart_json": json.dumps({}), "invalid": invalid_fields,
                                                           "form": {"unit_id": posted.get("unit_id", ""),
                                                                    "criterion_id": posted.get("criterion_id", ""),
                                                                    "points": posted.get("points", ""),
                                                                    "reason": posted.get("reason", "")}
                                                           if posted is not None else None},
                  status=422 if posted is not None else 200)
