"""Scoring follows the covenant's annual cycle (covenant.workflow.ACTIVITIES): each step is allowed in its
states and refused with a clear message in the others (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from thidua.core.actors import SYSTEM
from thidua.core.errors import InvalidState
from thidua.covenant.models import CycleState, YearCycle
from thidua.covenant.services import cycle_transition
from thidua.scoring import services
from thidua.scoring.models import ReconciliationRule, ReportKind, ScorerRole
from thidua.scoring.tests.factories import configure, make_cluster_year, make_criteria, set_cycle, unit

S = CycleState


@pytest.fixture
def world(db):
    cy = make_cluster_year(2023)
    crits = make_criteria(cy)
    configure(cy, rule=ReconciliationRule.MEAN)
    services.assignments_generate(actor=SYSTEM, cluster_year=cy, cross_per_member=2)
    return cy, crits


def _report(cy, code, kind=ReportKind.YEAR_END):
    return services.report_save(actor=SYSTEM, cluster_year=cy, unit_id=unit(code).pk, kind=kind, summary="x")


def _score(cy, crits, points=20):
    # 01 is scored by 31 (rotation by code).
    return services.score_set(actor=SYSTEM, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit("31").pk,
                              unit_id=unit("01").pk, criterion_id=crits["I.1"].pk, points=points, comment="ok")


def _refused(fn, *states_in_message):
    with pytest.raises(InvalidState) as exc:
        fn()
    for text in states_in_message:
        assert text in exc.value.message, exc.value.message
    return exc.value.message


def test_reports_follow_the_cycle(world):
    cy, _crits = world
    set_cycle(cy, S.IMPLEMENTATION)
    _report(cy, "01", ReportKind.MIDYEAR)  # sơ kết while implementing
    _refused(lambda: _report(cy, "01"), "Đang thực hiện", "Tự đánh giá")
    set_cycle(cy, S.SELF_ASSESSMENT)
    report = _report(cy, "01")
    services.report_submit(actor=SYSTEM, cluster_year=cy, report_id=report.pk)
    set_cycle(cy, S.SCORING)  # a returned report is corrected during scoring
    services.report_return(actor=SYSTEM, cluster_year=cy, report_id=report.pk, reason="Thiếu số liệu")
    _report(cy, "01")
    _refused(lambda: _report(cy, "31", ReportKind.MIDYEAR), "Chấm điểm")
    set_cycle(cy, S.REVIEW_CONFERENCE)
    _refused(lambda: _report(cy, "31"), "Hội nghị tổng kết")


def test_scores_and_results_only_while_scoring(world):
    cy, crits = world
    set_cycle(cy, S.SELF_ASSESSMENT)
    message = _refused(lambda: _score(cy, crits), "Tự đánh giá", "Chấm điểm")
    assert "chấm điểm" in message
    _refused(lambda: services.results_compute(actor=SYSTEM, cluster_year=cy))
    _refused(lambda: services.results_freeze(actor=SYSTEM, cluster_year=cy))
    _refused(lambda: services.override_set(actor=SYSTEM, cluster_year=cy, unit_id=unit("01").pk,
                                           criterion_id=crits["I.1"].pk, points=10, reason="x"))
    # The secretariat starts scoring through the cycle's own table; then every step is allowed.
    cycle_transition(actor=SYSTEM, cluster_year_id=cy.pk, action="start_scoring")
    _score(cy, crits)
    assert services.results_compute(actor=SYSTEM, cluster_year=cy) == 5
    services.results_freeze(actor=SYSTEM, cluster_year=cy)
    # Moved on to the conference while frozen: neither reopening nor publishing any more.
    set_cycle(cy, S.REVIEW_CONFERENCE)
    _refused(lambda: services.results_publish(actor=SYSTEM, cluster_year=cy), "Hội nghị tổng kết")
    _refused(lambda: services.results_reopen(actor=SYSTEM, cluster_year=cy, reason="x"), "Hội nghị tổng kết")
    set_cycle(cy, S.SCORING)
    services.results_publish(actor=SYSTEM, cluster_year=cy)
    # After publication only the audited correction, whatever the state.
    set_cycle(cy, S.REVIEW_CONFERENCE)
    services.result_correct(actor=SYSTEM, cluster_year=cy, unit_id=unit("01").pk, criterion_id=crits["I.1"].pk,
                            points=Decimal(25), reason="Đính chính theo hội nghị")


def test_a_year_without_a_cycle_allows_no_scoring_step(world):
    cy, crits = world
    YearCycle.objects.filter(cluster_year=cy).delete()
    _refused(lambda: _report(cy, "01"), "chưa bắt đầu")
    _refused(lambda: _score(cy, crits), "chưa bắt đầu")


def test_refusal_through_the_api(world, api_as):
    cy, crits = world
    set_cycle(cy, S.SELF_ASSESSMENT)
    r = api_as("haiphong.canbo").post(
        "/api/v1/scoring/TPTW/2023/scores",
        data={"role": "cross", "scorer_unit_id": unit("31").pk, "unit_id": unit("01").pk,
              "criterion_id": crits["I.1"].pk, "points": "20", "comment": "ok"}, content_type="application/json")
    assert r.status_code == 409
    assert "Tự đánh giá" in r.json()["message"]
