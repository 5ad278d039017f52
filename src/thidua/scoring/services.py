"""Writes of scoring: configuration, scorer assignments, member reports and evidence, scores, overrides,
computing, freezing, publishing and correcting results, indicators. Each function checks the caller's
permission and the state, runs in one transaction and records an audit entry (STYLE.md rule 2)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.core.audit import audit_record
from thidua.core.errors import ErrorDetail, Forbidden, InvalidInput, InvalidState, NotFound, invalid
from thidua.core.permissions import require_perm
from thidua.covenant.models import Criterion, Method
from thidua.covenant.selectors import current_criteria_set
from thidua.documents.storage import store_bytes
from thidua.organisations.models import ClusterYear
from thidua.scoring import engine
from thidua.scoring.evidence import sniff
from thidua.scoring.models import (
    Evidence,
    Indicator,
    IndicatorValue,
    MemberReport,
    ReconciliationRule,
    ReportEntry,
    ReportKind,
    ReportStatus,
    ResultsState,
    Score,
    ScoreOverride,
    ScorerAssignment,
    ScorerRole,
    ScoringConfig,
    TieBreak,
)
from thidua.scoring.rules import may_edit_member_data
from thidua.scoring.selectors import members_of

MANUAL_METHODS = (Method.GRADED, Method.PASS_FAIL)


def _dec(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise invalid(_("Giá trị phải là một số."), field=field) from None
    if not d.is_finite():
        raise invalid(_("Giá trị phải là một số."), field=field)
    return d


def _vn(value) -> str:
    """A number in a message, written the Vietnamese way ("3", "1,5", "150.000")."""
    from thidua.scoring.templatetags.scoring_tags import vn_number

    return vn_number(value)


def _config(cy: ClusterYear, *, lock: bool = False) -> ScoringConfig:
    qs = ScoringConfig.objects.filter(cluster_year=cy)
    if lock:
        qs = qs.select_for_update()
    config = qs.first()
    if config is None:
        raise InvalidState(message=_("Kỳ thi đua chưa được cấu hình chấm điểm."))
    return config


def _require_open(config: ScoringConfig) -> None:
    if config.state != ResultsState.OPEN:
        raise InvalidState(message=_("Kết quả đã khóa hoặc đã công bố: không thể sửa điểm (chỉ có thể đính chính)."))


def _criterion(config: ScoringConfig, criterion_id: int) -> Criterion:
    c = Criterion.objects.filter(pk=criterion_id, criteria_set_id=config.criteria_set_id).first()
    if c is None:
        raise invalid(_("Tiêu chí không thuộc bộ tiêu chí của kỳ."), field="criterion_id")
    return c


def _member_ids(cy: ClusterYear) -> set[int]:
    return {u.pk for u in members_of(cluster_year=cy)}


def _require_stage(cy: ClusterYear, activity: str) -> None:
    """The covenant's cycle decides which steps of scoring the year is at (covenant.workflow.ACTIVITIES)."""
    from thidua.covenant.services import cycle_require

    cycle_require(cluster_year=cy, activity=activity)


def _report_stage(kind: str) -> str:
    return "midyear_report" if kind == ReportKind.MIDYEAR else "year_end_report"


def _require_officer(actor, unit_id: int) -> None:
    if not may_edit_member_data(actor, unit_id):
        raise Forbidden()


def _require_member(cy: ClusterYear, unit_id: int, field: str = "unit_id") -> None:
    if unit_id not in _member_ids(cy):
        raise invalid(_("Đơn vị không phải thành viên của cụm trong năm này."), field=field)


# --- Configuration and scorers ------------------------------------------------------------------------


@transaction.atomic
def config_save(*, actor, cluster_year: ClusterYear, rule: str = ReconciliationRule.MEAN,
                comment_margin=Decimal(1), bonus_cap=Decimal(0), penalty_cap=Decimal(0),
                tie_breaks: list[tuple[str, str]] | None = None, legal_basis: str = "",
                award_window_years: int | None = None, award_history_follows_unit: bool | None = None
                ) -> ScoringConfig:
    """Create or change the scoring configuration of a cluster-year (the cluster's own agreement: no central
    text fixes reconciliation or tie-breaks, DOMAIN.md §4). Only while results are open."""
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    errors = []
    if rule not in ReconciliationRule.values:
        errors.append(ErrorDetail(message=_("Quy tắc thống nhất điểm không hợp lệ."), field="rule"))
    tie_breaks = list(tie_breaks if tie_breaks is not None else [(TieBreak.BONUS, ""), (TieBreak.FEWER_PENALTY, "")])
    if len(tie_breaks) > 3:
        errors.append(ErrorDetail(message=_("Tối đa 3 tiêu chí phân hạng khi bằng điểm."), field="tie_breaks"))
    cs = current_criteria_set(cluster_year=cluster_year)
    if cs is None:
        errors.append(ErrorDetail(message=_("Kỳ thi đua chưa có bộ tiêu chí."), field="criteria_set"))
    group_codes = set(Criterion.objects.filter(criteria_set=cs).values_list("code", flat=True)) if cs else set()
    for i, (kind, group) in enumerate(tie_breaks, start=1):
        if kind not in TieBreak.values or not kind:
            errors.append(ErrorDetail(message=_("Tiêu chí phân hạng không hợp lệ."), field=f"tie_break_{i}"))
        elif kind == TieBreak.GROUP and group not in group_codes:
            errors.append(ErrorDetail(message=_("Mã nhóm tiêu chí không có trong bộ tiêu chí."), field=f"tie_break_{i}_group"))
    values = {}
    for name, v in (("comment_margin", comment_margin), ("bonus_cap", bonus_cap), ("penalty_cap", penalty_cap)):
        try:
            d = _dec(v, name)
        except InvalidInput as exc:
            errors.extend(exc.details)
            continue
        if d is None or d < 0:
            errors.append(ErrorDetail(message=_("Giá trị không được âm."), field=name))
        values[name] = d
    if award_window_years is not None:
        try:
            award_window_years = int(award_window_years)
        except (TypeError, ValueError):
            award_window_years = 0
        if not 1 <= award_window_years <= 10:
            errors.append(ErrorDetail(message=_("Số năm tính khen thưởng tự động phải từ 1 đến 10."),
                                      field="award_window_years"))
        values["award_window_years"] = award_window_years
    if award_history_follows_unit is not None:
        values["award_history_follows_unit"] = bool(award_history_follows_unit)
    if errors:
        raise InvalidInput(details=errors)
    config = ScoringConfig.objects.select_for_update().filter(cluster_year=cluster_year).first()
    if config is not None:
        _require_open(config)
    else:
        config = ScoringConfig(cluster_year=cluster_year)
    padded = tie_breaks + [("", "")] * (3 - len(tie_breaks))
    fields = dict(criteria_set=cs, rule=rule, legal_basis=legal_basis.strip(), **values,
                  tie_break_1=padded[0][0], tie_break_1_group=padded[0][1] or "",
                  tie_break_2=padded[1][0], tie_break_2_group=padded[1][1] or "",
                  tie_break_3=padded[2][0], tie_break_3_group=padded[2][1] or "")
    for k, v in fields.items():
        setattr(config, k, v)
    config.save()
    audit_record(action="scoring.config.saved", actor=actor, obj=config,
                 payload={k: (v.pk if k == "criteria_set" else v) for k, v in fields.items()})
    return config


@transaction.atomic
def assignments_generate(*, actor, cluster_year: ClusterYear, cross_per_member: int = 2,
                         with_panel: bool = True) -> int:
    """Generate the cross-scoring rotation: members by code, member i is scored by the next k members
    (nobody scores itself); plus the head's panel scoring every member. Replaces earlier assignments."""
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    config = _config(cluster_year, lock=True)
    _require_open(config)
    members = [u.pk for u in members_of(cluster_year=cluster_year)]
    n = len(members)
    if cross_per_member < 0 or (n and cross_per_member > n - 1):
        raise invalid(_("Số đơn vị chấm chéo mỗi thành viên phải từ 0 đến %(n)d.") % {"n": max(n - 1, 0)},
                      field="cross_per_member")
    scored = set(Score.objects.filter(cluster_year=cluster_year, role__in=[ScorerRole.CROSS, ScorerRole.PANEL])
                 .values_list("role", "scorer_unit_id", "unit_id").distinct())
    ScorerAssignment.objects.filter(cluster_year=cluster_year, role__in=[ScorerRole.CROSS, ScorerRole.PANEL]).delete()
    rows = [ScorerAssignment(cluster_year=cluster_year, role=ScorerRole.CROSS, scorer_unit_id=members[(i + k) % n],
                             unit_id=members[i]) for i in range(n) for k in range(1, cross_per_member + 1)]
    if with_panel and cluster_year.head_id:
        rows += [ScorerAssignment(cluster_year=cluster_year, role=ScorerRole.PANEL, scorer_unit_id=cluster_year.head_id,
                                  unit_id=m) for m in members]
    ScorerAssignment.objects.bulk_create(rows)
    dropped = scored - {(r.role, r.scorer_unit_id, r.unit_id) for r in rows}
    removed = _scores_of_assignments_delete(cluster_year, dropped)
    audit_record(action="scoring.assignments.generated", actor=actor, obj=cluster_year,
                 payload={"cross_per_member": cross_per_member, "panel": with_panel, "rows": len(rows),
                          "removed_scores": removed})
    return len(rows)


def _assignment_scores(cy: ClusterYear, pairs) -> QuerySet[Score]:
    q = Q(pk__in=[])
    for role, scorer_unit_id, unit_id in pairs:
        q |= Q(role=role, scorer_unit_id=scorer_unit_id, unit_id=unit_id)
    return Score.objects.filter(cluster_year=cy).filter(q)


def _scores_of_assignments_delete(cy: ClusterYear, pairs) -> list[dict]:
    """A scorer no longer assigned to a member: the scores it gave that member stop counting (the engine reads
    every score of the year). Returns them for the audit entry, so that nothing is lost without a trace."""
    if not pairs:
        return []
    qs = _assignment_scores(cy, pairs)
    removed = [{"role": r, "scorer_unit": su, "unit": u, "criterion": code, "points": str(p), "comment": cm}
               for r, su, u, code, p, cm in qs.order_by("unit_id", "scorer_unit_id", "criterion__code").values_list(
                   "role", "scorer_unit_id", "unit_id", "criterion__code", "points", "comment")]
    qs.delete()
    return removed



@transaction.atomic
def assignment_add(*, actor, cluster_year: ClusterYear, role: str, scorer_unit_id: int, unit_id: int) -> ScorerAssignment:
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    _require_open(_config(cluster_year))
    if role not in ScorerRole.values:
        raise invalid(_("Vai trò chấm không hợp lệ."), field="role")
    _require_member(cluster_year, unit_id)
    if role == ScorerRole.CROSS:
        _require_member(cluster_year, scorer_unit_id, "scorer_unit_id")
        if scorer_unit_id == unit_id:
            raise invalid(_("Một đơn vị không thể tự chấm chéo chính mình."), field="scorer_unit_id")
    a, _created = ScorerAssignment.objects.get_or_create(cluster_year=cluster_year, role=role,
                                                         scorer_unit_id=scorer_unit_id, unit_id=unit_id)
    audit_record(action="scoring.assignment.added", actor=actor, obj=cluster_year,
                 payload={"role": role, "scorer_unit": scorer_unit_id, "unit": unit_id})
    return a


@transaction.atomic
def assignment_remove(*, actor, cluster_year: ClusterYear, assignment_id: int) -> None:
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    _require_open(_config(cluster_year))
    a = ScorerAssignment.objects.filter(pk=assignment_id, cluster_year=cluster_year).first()
    if a is None:
        raise NotFound()
    payload = {"role": a.role, "scorer_unit": a.scorer_unit_id, "unit": a.unit_id}
    payload["removed_scores"] = _scores_of_assignments_delete(cluster_year, [(a.role, a.scorer_unit_id, a.unit_id)])
    a.delete()
    audit_record(action="scoring.assignment.removed", actor=actor, obj=cluster_year, payload=payload)


# --- Member reports -----------------------------------------------------------------------------------


@transaction.atomic
def report_save(*, actor, cluster_year: ClusterYear, unit_id: int, kind: str, summary: str = "",
                entries: list[dict] | None = None) -> MemberReport:
    """A member's officers write (or rewrite) their report while it is a draft or was returned."""
    _require_officer(actor, unit_id)
    if kind not in ReportKind.values:
        raise invalid(_("Loại báo cáo không hợp lệ."), field="kind")
    _require_member(cluster_year, unit_id)
    _require_stage(cluster_year, _report_stage(kind))
    cs = current_criteria_set(cluster_year=cluster_year)
    if cs is None:
        raise InvalidState(message=_("Kỳ thi đua chưa có bộ tiêu chí."))
    report, _created = MemberReport.objects.select_for_update().get_or_create(
        cluster_year=cluster_year, unit_id=unit_id, kind=kind)
    if report.status == ReportStatus.SUBMITTED:
        raise InvalidState(message=_("Báo cáo đã gửi: không thể sửa (thư ký cụm có thể trả lại để sửa)."))
    criteria = {c.pk: c for c in Criterion.objects.filter(criteria_set=cs)}
    errors: list[ErrorDetail] = []
    rows = []
    for i, e in enumerate(entries or [], start=1):
        c = criteria.get(int(e.get("criterion_id") or 0))
        if c is None or c.method == Method.GROUP:
            errors.append(ErrorDetail(message=_("Tiêu chí không hợp lệ."), row=i, column="criterion_id"))
            continue
        try:
            actual = _dec(e.get("actual_value"), "actual_value")
            self_score = _dec(e.get("self_score"), "self_score")
        except InvalidInput as exc:
            errors.extend(ErrorDetail(message=d.message, row=i, column=d.field) for d in exc.details)
            continue
        occ = e.get("occurrences")
        if occ in ("", None):
            occ = None
        else:
            try:
                occ = int(occ)
                if occ < 0:
                    raise ValueError
            except (TypeError, ValueError):
                errors.append(ErrorDetail(message=_("Số lần phải là số nguyên không âm."), row=i, column="occurrences"))
                continue
        if self_score is not None and c.method in MANUAL_METHODS and not (0 <= self_score <= c.max_points):
            errors.append(ErrorDetail(message=_("Điểm tự chấm phải từ 0 đến %(m)s.") % {"m": _vn(c.max_points)}, row=i,
                                      column="self_score"))
            continue
        rows.append((c, actual, self_score, occ, (e.get("narrative") or "").strip()))
    if errors:
        raise InvalidInput(details=errors)
    report.summary = summary.strip()
    if report.status == ReportStatus.RETURNED:
        report.status = ReportStatus.DRAFT
    report.save()
    for c, actual, self_score, occ, narrative in rows:
        ReportEntry.objects.update_or_create(report=report, criterion=c, defaults=dict(
            actual_value=actual, self_score=self_score, occurrences=occ, narrative=narrative))
    audit_record(action="scoring.report.saved", actor=actor, obj=report,
                 payload={"kind": kind, "entries": len(rows)})
    return report


def _report(cluster_year, report_id) -> MemberReport:
    report = MemberReport.objects.select_for_update().filter(pk=report_id, cluster_year=cluster_year).first()
    if report is None:
        raise NotFound()
    return report


@transaction.atomic
def report_submit(*, actor, cluster_year: ClusterYear, report_id: int) -> MemberReport:
    """Submitting locks the report. Criteria requiring evidence must have at least one file."""
    report = _report(cluster_year, report_id)
    _require_officer(actor, report.unit_id)
    _require_stage(cluster_year, _report_stage(report.kind))
    if report.status == ReportStatus.SUBMITTED:
        raise InvalidState(message=_("Báo cáo đã được gửi."))
    missing = list(report.entries.filter(criterion__evidence_required=True, evidence__isnull=True)
                   .values_list("criterion__code", flat=True))
    if missing:
        raise InvalidInput(details=[ErrorDetail(message=_("Tiêu chí %(c)s bắt buộc có minh chứng.") % {"c": code},
                                                field="evidence") for code in missing])
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = actor if getattr(actor, "pk", None) else None
    report.save()
    audit_record(action="scoring.report.submitted", actor=actor, obj=report, payload={"kind": report.kind})
    return report


@transaction.atomic
def report_return(*, actor, cluster_year: ClusterYear, report_id: int, reason: str) -> MemberReport:
    """The secretariat returns a submitted report with a reason; the member may then edit and resubmit."""
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    report = _report(cluster_year, report_id)
    _require_stage(cluster_year, _report_stage(report.kind))
    if report.status != ReportStatus.SUBMITTED:
        raise InvalidState(message=_("Chỉ trả lại được báo cáo đã gửi."))
    if not (reason or "").strip():
        raise invalid(_("Cần nêu lý do trả lại."), field="reason")
    config = ScoringConfig.objects.filter(cluster_year=cluster_year).first()
    if config is not None and report.kind == ReportKind.YEAR_END:
        _require_open(config)
    report.status = ReportStatus.RETURNED
    report.returned_reason = reason.strip()
    report.returned_at = timezone.now()
    report.save()
    audit_record(action="scoring.report.returned", actor=actor, obj=report, payload={"reason": report.returned_reason})
    return report


@transaction.atomic
def evidence_add(*, actor, cluster_year: ClusterYear, report_id: int, criterion_id: int, filename: str,
                 data: bytes) -> Evidence:
    """Attach an evidence file; type and size are checked on the content (evidence.sniff), the file is stored
    under a generated name outside the web root."""
    report = _report(cluster_year, report_id)
    _require_officer(actor, report.unit_id)
    _require_stage(cluster_year, _report_stage(report.kind))
    if report.status == ReportStatus.SUBMITTED:
        raise InvalidState(message=_("Báo cáo đã gửi: không thể thêm minh chứng."))
    c = Criterion.objects.filter(pk=criterion_id, criteria_set__cluster_year=cluster_year).first()
    if c is None:
        raise invalid(_("Tiêu chí không hợp lệ."), field="criterion_id")
    content_type, suffix = sniff(data, filename)
    entry, _created = ReportEntry.objects.get_or_create(report=report, criterion=c)
    rel, digest = store_bytes(data, folder=f"scoring/evidence/{cluster_year.pk}", suffix=suffix)
    ev = Evidence.objects.create(entry=entry, original_name=(filename or "")[-255:], content_type=content_type,
                                 size=len(data), path=rel, sha256=digest,
                                 uploaded_by=actor if getattr(actor, "pk", None) else None)
    audit_record(action="scoring.evidence.added", actor=actor, obj=report,
                 payload={"evidence": ev.pk, "criterion": c.code, "sha256": digest, "size": len(data)})
    return ev


@transaction.atomic
def evidence_remove(*, actor, cluster_year: ClusterYear, report_id: int, evidence_id: int) -> None:
    """Remove a wrongly uploaded evidence file while the report is still a draft (or returned). The row goes;
    the stored bytes stay where they are (the audit entry keeps the name and hash, so the file can be traced)."""
    report = _report(cluster_year, report_id)
    _require_officer(actor, report.unit_id)
    _require_stage(cluster_year, _report_stage(report.kind))
    if report.status == ReportStatus.SUBMITTED:
        raise InvalidState(message=_("Báo cáo đã gửi: không thể xóa minh chứng."))
    ev = Evidence.objects.select_related("entry__criterion").filter(pk=evidence_id, entry__report=report).first()
    if ev is None:
        raise NotFound()
    payload = {"evidence": ev.pk, "criterion": ev.entry.criterion.code, "name": ev.original_name,
               "sha256": ev.sha256, "size": ev.size, "path": ev.path}
    ev.delete()
    audit_record(action="scoring.evidence.removed", actor=actor, obj=report, payload=payload)


# --- Scores -------------------------------------------------------------------------------------------


def _check_scorer(actor, cy: ClusterYear, role: str, scorer_unit_id: int, unit_id: int) -> None:
    if role == ScorerRole.PANEL:
        require_perm(actor, "scoring.manage_scoring", cy)
    elif role == ScorerRole.CENTRAL:
        require_perm(actor, "scoring.score_as_organiser", cy)
    elif role == ScorerRole.CROSS:
        _require_officer(actor, scorer_unit_id)
    else:
        raise invalid(_("Vai trò chấm không hợp lệ."), field="role")
    if role != ScorerRole.CENTRAL and not ScorerAssignment.objects.filter(
            cluster_year=cy, role=role, scorer_unit_id=scorer_unit_id, unit_id=unit_id).exists():
        # Not assigned: as if the member did not exist for this scorer.
        raise NotFound()


@transaction.atomic
def score_set(*, actor, cluster_year: ClusterYear, role: str, scorer_unit_id: int, unit_id: int,
              criterion_id: int, points, comment: str = "") -> Score:
    """Enter one score. A comment is required when it differs from the member's self-score by more than the
    cluster-year's comment margin."""
    config = _config(cluster_year)
    _check_scorer(actor, cluster_year, role, scorer_unit_id, unit_id)
    _require_open(config)
    _require_stage(cluster_year, "scoring")
    c = _criterion(config, criterion_id)
    if c.method not in MANUAL_METHODS:
        raise invalid(_("Tiêu chí này được tính tự động, không chấm tay."), field="criterion_id")
    p = _dec(points, "points")
    if p is None or p < 0 or p > c.max_points:
        raise invalid(_("Điểm phải từ 0 đến %(m)s.") % {"m": _vn(c.max_points)}, field="points")
    if c.step and (p / c.step) != (p / c.step).to_integral_value():
        raise invalid(_("Điểm phải là bội số của %(s)s.") % {"s": _vn(c.step)}, field="points")
    # Only a submitted report's self-score counts: a draft is the member's own business (and must not leak to
    # the scorer through this message).
    self_score = ReportEntry.objects.filter(report__cluster_year=cluster_year, report__unit_id=unit_id,
                                            report__kind=ReportKind.YEAR_END, report__status=ReportStatus.SUBMITTED,
                                            criterion=c).values_list(
        "self_score", flat=True).first()
    comment = (comment or "").strip()
    if self_score is not None and abs(p - self_score) > config.comment_margin and not comment:
        raise invalid(_("Điểm chênh lệch với điểm tự chấm (%(s)s) quá %(m)s điểm: cần ghi nhận xét.")
                      % {"s": _vn(self_score), "m": _vn(config.comment_margin)}, field="comment")
    score, _created = Score.objects.update_or_create(
        cluster_year=cluster_year, role=role, scorer_unit_id=scorer_unit_id, unit_id=unit_id, criterion=c,
        defaults=dict(points=p, comment=comment, entered_by=actor if getattr(actor, "pk", None) else None))
    audit_record(action="scoring.score.set", actor=actor, obj=score,
                 payload={"role": role, "scorer_unit": scorer_unit_id, "unit": unit_id, "criterion": c.code,
                          "points": p, "comment": comment})
    return score


@transaction.atomic
def override_set(*, actor, cluster_year: ClusterYear, unit_id: int, criterion_id: int, points,
                 reason: str) -> ScoreOverride:
    """Reconciliation by hand: the secretariat fixes a criterion's final score, with a reason."""
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    config = _config(cluster_year)
    _require_open(config)
    _require_stage(cluster_year, "scoring")
    return _override(actor, cluster_year, config, unit_id, criterion_id, points, reason, correction=False)


def _override(actor, cy, config, unit_id, criterion_id, points, reason, *, correction: bool) -> ScoreOverride:
    c = _criterion(config, criterion_id)
    if c.method == Method.GROUP:
        raise invalid(_("Không chấm trực tiếp nhóm tiêu chí."), field="criterion_id")
    _require_member(cy, unit_id)
    p = _dec(points, "points")
    upper = c.max_points + (c.extra_points_cap if c.method == Method.QUANTITATIVE else 0)
    if c.method in (Method.BONUS, Method.PENALTY) and c.cap > 0:
        upper = c.cap
    if p is None or p < 0 or p > upper:
        raise invalid(_("Điểm phải từ 0 đến %(m)s.") % {"m": _vn(upper)}, field="points")
    if not (reason or "").strip():
        raise invalid(_("Cần nêu lý do khi thống nhất điểm thủ công."), field="reason")
    ov, _created = ScoreOverride.objects.update_or_create(
        cluster_year=cy, unit_id=unit_id, criterion=c,
        defaults=dict(points=p, reason=reason.strip(), is_correction=correction,
                      decided_by=actor if getattr(actor, "pk", None) else None))
    audit_record(action="scoring.override.corrected" if correction else "scoring.override.set", actor=actor, obj=ov,
                 payload={"unit": unit_id, "criterion": c.code, "points": p, "reason": ov.reason})
    return ov


@transaction.atomic
def override_remove(*, actor, cluster_year: ClusterYear, unit_id: int, criterion_id: int) -> None:
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    _require_open(_config(cluster_year))
    _require_stage(cluster_year, "scoring")
    deleted, _d = ScoreOverride.objects.filter(cluster_year=cluster_year, unit_id=unit_id,
                                               criterion_id=criterion_id).delete()
    if not deleted:
        raise NotFound()
    audit_record(action="scoring.override.removed", actor=actor, obj=cluster_year,
                 payload={"unit": unit_id, "criterion": criterion_id})


# --- Results ------------------------------------------------------------------------------------------


@transaction.atomic
def results_compute(*, actor, cluster_year: ClusterYear) -> int:
    """Recompute totals, classification and ranking of an open cluster-year (idempotent)."""
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    _require_open(_config(cluster_year, lock=True))
    _require_stage(cluster_year, "scoring")
    n = engine.recompute(cluster_year_ids=[cluster_year.pk])
    audit_record(action="scoring.results.computed", actor=actor, obj=cluster_year, payload={"rows": n})
    return n


@transaction.atomic
def results_freeze(*, actor, cluster_year: ClusterYear) -> ScoringConfig:
    """Recompute once more and freeze: no score may change afterwards."""
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    config = _config(cluster_year, lock=True)
    _require_open(config)
    _require_stage(cluster_year, "scoring")
    n = engine.recompute(cluster_year_ids=[cluster_year.pk])
    if n == 0:
        raise InvalidState(message=_("Chưa có thành viên nào để xếp hạng."))
    config.state = ResultsState.FROZEN
    config.frozen_at = timezone.now()
    config.save(update_fields=["state", "frozen_at"])
    audit_record(action="scoring.results.frozen", actor=actor, obj=config, payload={"rows": n})
    return config


@transaction.atomic
def results_reopen(*, actor, cluster_year: ClusterYear, reason: str) -> ScoringConfig:
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    config = _config(cluster_year, lock=True)
    if config.state != ResultsState.FROZEN:
        raise InvalidState(message=_("Chỉ mở lại được kết quả đã khóa mà chưa công bố."))
    _require_stage(cluster_year, "scoring")
    if not (reason or "").strip():
        raise invalid(_("Cần nêu lý do mở lại."), field="reason")
    config.state = ResultsState.OPEN
    config.save(update_fields=["state"])
    audit_record(action="scoring.results.reopened", actor=actor, obj=config, payload={"reason": reason.strip()})
    return config


@transaction.atomic
def results_publish(*, actor, cluster_year: ClusterYear) -> ScoringConfig:
    """Publish frozen results to the members (before the review conference)."""
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    config = _config(cluster_year, lock=True)
    if config.state != ResultsState.FROZEN:
        raise InvalidState(message=_("Cần khóa kết quả trước khi công bố."))
    _require_stage(cluster_year, "scoring")
    config.state = ResultsState.PUBLISHED
    config.published_at = timezone.now()
    config.save(update_fields=["state", "published_at"])
    audit_record(action="scoring.results.published", actor=actor, obj=config, payload={})
    return config


@transaction.atomic
def final_score_set(*, actor, cluster_year: ClusterYear, unit_id: int, criterion_id: int, points,
                    reason: str) -> bool:
    """A final score fixed by hand on the reconciliation page: before publication an override and the results
    recomputed, after it the audited correction (which recomputes): all of it or nothing. True for a correction."""
    kw = dict(actor=actor, cluster_year=cluster_year, unit_id=unit_id, criterion_id=criterion_id, points=points,
              reason=reason)
    if _config(cluster_year).state == ResultsState.PUBLISHED:
        result_correct(**kw)
        return True
    override_set(**kw)
    results_compute(actor=actor, cluster_year=cluster_year)
    return False


@transaction.atomic
def result_correct(*, actor, cluster_year: ClusterYear, unit_id: int, criterion_id: int, points,
                   reason: str) -> ScoreOverride:
    """After publication only an audited correction: a final score fixed with a reason, results recomputed,
    the totals before and after recorded."""
    require_perm(actor, "scoring.manage_scoring", cluster_year)
    config = _config(cluster_year, lock=True)
    if config.state != ResultsState.PUBLISHED:
        raise InvalidState(message=_("Đính chính chỉ áp dụng cho kết quả đã công bố."))
    from thidua.scoring.models import MemberResult

    before = {u: str(t) for u, t in MemberResult.objects.filter(cluster_year=cluster_year).values_list("unit_id", "total")}
    ov = _override(actor, cluster_year, config, unit_id, criterion_id, points, reason, correction=True)
    engine.recompute(cluster_year_ids=[cluster_year.pk], include_published=True)
    after = {u: str(t) for u, t in MemberResult.objects.filter(cluster_year=cluster_year).values_list("unit_id", "total")}
    audit_record(action="scoring.results.corrected", actor=actor, obj=config,
                 payload={"unit": unit_id, "criterion": criterion_id, "reason": reason.strip(),
                          "before": before, "after": after})
    return ov


# --- Indicators ---------------------------------------------------------------------------------------


@transaction.atomic
def indicator_ensure(*, actor, code: str, name: str, unit_of_measure: str, additive: bool = True, order: int = 0,
                     cluster=None) -> Indicator:
    """Define an indicator (common, or one a cluster adds). Common ones: system administrators only."""
    if cluster is None:
        require_perm(actor, "organisations.manage_unit_registry")
    else:
        require_perm(actor, "organisations.manage_cluster", cluster)
    if not code or not name.strip() or not unit_of_measure.strip():
        raise invalid(_("Cần mã, tên và đơn vị tính."), field="name")
    ind, created = Indicator.objects.get_or_create(cluster=cluster, code=code, defaults=dict(
        name=name.strip(), unit_of_measure=unit_of_measure.strip(), additive=additive, order=order))
    if created:
        audit_record(action="scoring.indicator.created", actor=actor, obj=ind, payload={"code": code})
    return ind


@transaction.atomic
def indicator_value_set(*, actor, cluster_year: ClusterYear, indicator_id: int, unit_id: int | None, value,
                        source: str = "") -> IndicatorValue:
    """A member's officers enter their own values; the secretariat enters any member's and the national total."""
    if unit_id is None:
        require_perm(actor, "scoring.manage_scoring", cluster_year)
    else:
        _require_member(cluster_year, unit_id)
        if not (may_edit_member_data(actor, unit_id) or actor.has_perm("scoring.manage_scoring", cluster_year)):
            require_perm(actor, "scoring.manage_scoring", cluster_year)
    ind = Indicator.objects.filter(pk=indicator_id).first()
    if ind is None or (ind.cluster_id and ind.cluster_id != cluster_year.cluster_id):
        raise invalid(_("Chỉ tiêu không hợp lệ."), field="indicator_id")
    v = _dec(value, "value")
    if v is None:
        raise invalid(_("Cần nhập giá trị."), field="value")
    iv, _created = IndicatorValue.objects.update_or_create(indicator=ind, year=cluster_year.year, unit_id=unit_id,
                                                           defaults=dict(value=v, source=source.strip()))
    audit_record(action="scoring.indicator.value_set", actor=actor, obj=iv,
                 payload={"indicator": ind.code, "year": cluster_year.year, "unit": unit_id, "value": v})
    return iv
