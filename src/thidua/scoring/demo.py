"""Demo data of scoring: the cities' cluster (TPTW) scored for 2014 and 2020 so that the published rankings
agree with the seeds (DOMAIN.md §2): 2014 Cần Thơ, Hà Nội (Government Flag proposals), then TP HCM, Đà Nẵng
(PM's Certificates), then Hải Phòng; 2020 Hà Nội, TP HCM, then Cần Thơ, Hải Phòng, then Đà Nẵng. Plus the
2020 socio-economic indicators (cluster revenue 774,000 bn VND = 51.4% of national; exports 99.6 bn USD =
35.4%). Individual scores and the split of the totals among the cities are ILLUSTRATIVE: the seeds give
only the cluster totals, shares and proposals.

Runs after covenant's demo (frozen criteria sets and targets for 2014 and 2020); everything goes through
the services with actor=SYSTEM and is idempotent (a year already published is left alone).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from thidua.core.actors import SYSTEM
from thidua.covenant.models import CycleState, Method
from thidua.covenant.selectors import criteria_of, current_criteria_set, cycle_get, targets_of
from thidua.covenant.services import cycle_transition
from thidua.organisations.models import ClusterYear, Unit
from thidua.scoring import services
from thidua.scoring.models import (
    Evidence,
    IndicatorValue,
    MemberReport,
    ReportKind,
    ReportStatus,
    ResultsState,
    ScorerAssignment,
    ScorerRole,
    ScoringConfig,
)
from thidua.scoring.selectors import published_ranking

CLUSTER = "TPTW"
# Relative performance per member (share of each criterion's maximum): chosen to reproduce the seeds' order.
PERFORMANCE = {
    2014: {"92": Decimal("0.96"), "01": Decimal("0.93"), "79": Decimal("0.89"), "48": Decimal("0.86"),
           "31": Decimal("0.82")},
    2020: {"01": Decimal("0.96"), "79": Decimal("0.93"), "92": Decimal("0.89"), "31": Decimal("0.86"),
           "48": Decimal("0.82")},
}
EXPECTED_ORDER = {2014: ["92", "01", "79", "48", "31"], 2020: ["01", "79", "92", "31", "48"]}

INDICATORS = [
    ("thu-ngan-sach", "Thu ngân sách nhà nước trên địa bàn", "tỷ đồng", True, 1),
    ("xuat-khau", "Kim ngạch xuất khẩu", "tỷ USD", True, 2),
    ("tang-truong-grdp", "Tốc độ tăng trưởng GRDP", "%", False, 3),
]
ILLUSTRATIVE = "Số liệu minh họa: hạt giống chỉ cho tổng của cụm và tỷ trọng; phân chia giữa các thành phố là giả định."
SEED_SOURCE = "Hội nghị tổng kết cụm ngày 09/04/2021 (tổng của cụm và tỷ trọng so với cả nước)."
INDICATOR_VALUES_2020 = {
    # 774,000 bn VND = 51.4% of national → national ≈ 1,505,837 bn VND.
    "thu-ngan-sach": ({"79": 380000, "01": 280000, "31": 85000, "48": 17000, "92": 12000}, Decimal("1505837")),
    # 99.6 bn USD = 35.4% of national → national ≈ 281.4 bn USD.
    "xuat-khau": ({"79": Decimal("47.0"), "31": Decimal("31.0"), "01": Decimal("15.8"), "48": Decimal("3.2"),
                   "92": Decimal("2.6")}, Decimal("281.4")),
    "tang-truong-grdp": ({"01": Decimal("3.98"), "79": Decimal("1.39"), "31": Decimal("11.22"),
                          "48": Decimal("-7.6"), "92": Decimal("1.02")}, None),
}

_DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _points(max_points: Decimal, share: Decimal, step: Decimal | None) -> Decimal:
    step = step or Decimal("0.25")
    return ((max_points * share) / step).to_integral_value(rounding=ROUND_FLOOR) * step


def score_year(cy: ClusterYear, performance: dict[str, Decimal]) -> bool:
    """Score a cluster-year whose criteria set exists: reports with self-scores, a cross-scoring rotation of
    two scorers, results frozen and published. Returns False when there is nothing to build on."""
    config = ScoringConfig.objects.filter(cluster_year=cy).first()
    if config is not None and config.state == ResultsState.PUBLISHED:
        return True
    cs = current_criteria_set(cluster_year=cy)
    if cs is None:
        return False
    if config is None:
        config = services.config_save(actor=SYSTEM, cluster_year=cy, rule="mean", comment_margin=Decimal(1),
                                      bonus_cap=Decimal(0), penalty_cap=Decimal(0),
                                      tie_breaks=[("bonus", ""), ("fewer_penalty", "")],
                                      legal_basis="Thống nhất tại hội nghị ký giao ước của cụm (dữ liệu minh họa)")
    if not ScorerAssignment.objects.filter(cluster_year=cy).exists():
        services.assignments_generate(actor=SYSTEM, cluster_year=cy, cross_per_member=2)
    criteria = [c for c in criteria_of(criteria_set=cs) if c.method != Method.GROUP]
    targets = {(t.unit_id, t.criterion_id): t.target_value for t in targets_of(cluster_year=cy)}
    units = {u.code: u for u in Unit.objects.filter(code__in=performance)}
    for code, share in performance.items():
        unit = units[code]
        report = MemberReport.objects.filter(cluster_year=cy, unit=unit, kind=ReportKind.YEAR_END).first()
        if report is not None and report.status == ReportStatus.SUBMITTED:
            continue
        entries = []
        for c in criteria:
            e = {"criterion_id": c.pk, "narrative": f"Kết quả thực hiện tiêu chí {c.code} (minh họa)."}
            if c.method == Method.QUANTITATIVE:
                target = targets.get((unit.pk, c.pk))
                if target is not None:
                    factor = share + Decimal("0.08")
                    e["actual_value"] = (target * factor if c.higher_is_better else target / factor).quantize(
                        Decimal("0.01"))
            elif c.method in (Method.BONUS, Method.PENALTY):
                e["occurrences"] = 0
            else:
                e["self_score"] = _points(c.max_points, min(share + Decimal("0.02"), Decimal(1)), c.step)
            entries.append(e)
        report = services.report_save(actor=SYSTEM, cluster_year=cy, unit_id=unit.pk, kind=ReportKind.YEAR_END,
                                      summary=f"Báo cáo tổng kết phong trào thi đua năm {cy.year} (minh họa).",
                                      entries=entries)
        for c in criteria:
            if c.evidence_required and not Evidence.objects.filter(entry__report=report, entry__criterion=c).exists():
                services.evidence_add(actor=SYSTEM, cluster_year=cy, report_id=report.pk, criterion_id=c.pk,
                                      filename=f"minh-chung-{c.code}.pdf", data=_DEMO_PDF)
        services.report_submit(actor=SYSTEM, cluster_year=cy, report_id=report.pk)
    # Scoring follows the covenant's cycle (covenant.workflow.ACTIVITIES): the secretariat starts it.
    cycle = cycle_get(cluster_year=cy)
    restore = cycle is not None and cycle.state == CycleState.SELF_ASSESSMENT
    if restore:
        cycle_transition(actor=SYSTEM, cluster_year_id=cy.pk, action="start_scoring")
    codes = {u.pk: code for code, u in units.items()}
    manual = [c for c in criteria if c.method in services.MANUAL_METHODS]
    for a in ScorerAssignment.objects.filter(cluster_year=cy, role=ScorerRole.CROSS):
        share = performance.get(codes.get(a.unit_id))
        if share is None:
            continue
        for c in manual:
            pts = _points(c.max_points, share, c.step)
            if c.method == Method.PASS_FAIL:
                pts = c.max_points
            services.score_set(actor=SYSTEM, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=a.scorer_unit_id,
                               unit_id=a.unit_id, criterion_id=c.pk, points=pts,
                               comment="Chấm theo báo cáo và minh chứng của đơn vị (minh họa).")
    config.refresh_from_db()
    if config.state == ResultsState.OPEN:
        services.results_freeze(actor=SYSTEM, cluster_year=cy)
    services.results_publish(actor=SYSTEM, cluster_year=cy)
    if restore:
        # Leave the cycle where the covenant's demo put it (the results stay published); the demo loader
        # then closes the years whose whole cycle the seeds tell (demo.loader.CLOSED_YEARS).
        cycle_transition(actor=SYSTEM, cluster_year_id=cy.pk, action="back_to_self_assessment",
                         reason="Dữ liệu minh họa: trả về tự đánh giá để thử lại quy trình chấm điểm.")
    return True


def _indicators() -> None:
    defs = {code: services.indicator_ensure(actor=SYSTEM, code=code, name=name, unit_of_measure=uom,
                                            additive=additive, order=order)
            for code, name, uom, additive, order in INDICATORS}
    cy = ClusterYear.objects.filter(cluster__code=CLUSTER, year=2020).first()
    if cy is None:
        return
    units = dict(Unit.objects.filter(code__in=PERFORMANCE[2020]).values_list("code", "pk"))
    for code, (per_member, national) in INDICATOR_VALUES_2020.items():
        ind = defs[code]
        for unit_code, value in per_member.items():
            if not IndicatorValue.objects.filter(indicator=ind, year=2020, unit_id=units[unit_code]).exists():
                services.indicator_value_set(actor=SYSTEM, cluster_year=cy, indicator_id=ind.pk,
                                             unit_id=units[unit_code], value=value, source=ILLUSTRATIVE)
        if national is not None and not IndicatorValue.objects.filter(indicator=ind, year=2020,
                                                                      unit__isnull=True).exists():
            services.indicator_value_set(actor=SYSTEM, cluster_year=cy, indicator_id=ind.pk, unit_id=None,
                                         value=national, source=SEED_SOURCE)


def load() -> dict[int, bool]:
    """Idempotent. Returns {year: scored} (False when covenant's criteria set for that year is missing)."""
    done = {}
    for year, performance in PERFORMANCE.items():
        cy = ClusterYear.objects.filter(cluster__code=CLUSTER, year=year).first()
        done[year] = bool(cy) and score_year(cy, performance)
        if done[year]:
            order = [r.unit_id for r in published_ranking(cluster_year=cy)]
            expected = list(Unit.objects.filter(code__in=EXPECTED_ORDER[year]).values_list("code", "pk"))
            by_code = dict(expected)
            if order != [by_code[c] for c in EXPECTED_ORDER[year]]:
                raise RuntimeError(f"Demo ranking {year} does not agree with the seeds")
    _indicators()
    return done
