"""The engine's arithmetic on a small, hand-computed example (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from thidua.core.actors import SYSTEM
from thidua.core.errors import InvalidState
from thidua.scoring import engine, services
from thidua.scoring.models import MemberResult, ReconciliationRule, ReportKind, ScorerRole
from thidua.scoring.selectors import published_ranking
from thidua.scoring.tests.factories import configure, make_cluster_year, make_criteria, set_targets, unit

D = Decimal
MEMBERS = ["01", "31", "48", "79", "92"]


def _report(cy, code, crits, **entries):
    rows = [dict(criterion_id=crits[k].pk, **v) for k, v in entries.items()]
    r = services.report_save(actor=SYSTEM, cluster_year=cy, unit_id=unit(code).pk, kind=ReportKind.YEAR_END,
                             entries=rows)
    services.report_submit(actor=SYSTEM, cluster_year=cy, report_id=r.pk)


def _cross(cy, crits, scorer, member, code, points, comment="ok"):
    services.score_set(actor=SYSTEM, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit(scorer).pk,
                       unit_id=unit(member).pk, criterion_id=crits[code].pk, points=points, comment=comment)


@pytest.fixture
def world(db):
    cy = make_cluster_year(2023)
    crits = make_criteria(cy)
    set_targets(cy, crits, {(m, "I.2"): D(100) for m in MEMBERS} | {(m, "II.2"): D(10) for m in MEMBERS})
    configure(cy, rule=ReconciliationRule.MEAN)
    services.assignments_generate(actor=SYSTEM, cluster_year=cy, cross_per_member=2)
    return cy, crits


def _rows(cy):
    return {r.unit.code: r for r in MemberResult.objects.filter(cluster_year=cy).select_related("unit")}


def test_hand_computed_totals_and_ranking(world):
    cy, crits = world
    # 01 scored by 31, 48 (rotation by code: next two members).
    _report(cy, "01", crits, **{"I.2": {"actual_value": "130"}, "II.2": {"actual_value": "8"},
                                 "III": {"occurrences": 4}, "IV": {"occurrences": 1}})
    _cross(cy, crits, "31", "01", "I.1", 28)
    _cross(cy, crits, "48", "01", "I.1", 26)
    _cross(cy, crits, "31", "01", "I.3", 10)
    _cross(cy, crits, "48", "01", "I.3", 0)
    _cross(cy, crits, "31", "01", "II.1", 20)
    _cross(cy, crits, "48", "01", "II.1", 21)
    _report(cy, "31", crits, **{"I.2": {"actual_value": "50"}, "II.2": {"actual_value": "20"}})
    services.results_compute(actor=SYSTEM, cluster_year=cy)
    r = _rows(cy)
    one = r["01"]
    # I.1 mean 27; I.2 130% → 20 + min(20*0.3, 5) = 25; I.3 mean 5 ≥ 10/2 → 10; II.1 20.5;
    # II.2 lower better 10/8 = 1.25 → 15 + min(3.75, 3) = 18; bonus 4*2 = 8 capped 5; penalty 1.
    assert one.base_points == D("100.50")
    assert one.bonus_points == D("5.00") and one.penalty_points == D("1.00")
    assert one.total == D("104.50")
    assert one.classification == "Xuất sắc"
    three = r["31"]
    # I.2 50% → 10; II.2 10/20 → 7.5; nothing else scored.
    assert three.total == D("17.50") and three.classification is None
    assert one.rank == 1 and three.rank == 2
    # Members with nothing are tied at 0: ranked by unit code, flagged for a conference vote.
    zeros = sorted((r[c] for c in ("48", "79", "92")), key=lambda x: x.rank)
    assert [z.unit.code for z in zeros] == ["48", "79", "92"]
    assert all(z.tie_unresolved for z in zeros) and not one.tie_unresolved


def test_override_wins_and_is_clamped(world):
    cy, crits = world
    _cross(cy, crits, "31", "01", "I.1", 10)
    services.override_set(actor=SYSTEM, cluster_year=cy, unit_id=unit("01").pk, criterion_id=crits["I.1"].pk,
                          points=29, reason="Tổ chấm thống nhất sau kiểm tra chéo")
    services.results_compute(actor=SYSTEM, cluster_year=cy)
    assert _rows(cy)["01"].total == D("29.00")


def test_median_and_panel_rules(world):
    cy, crits = world
    services.assignment_add(actor=SYSTEM, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit("79").pk,
                            unit_id=unit("01").pk)
    for scorer, pts in (("31", 10), ("48", 12), ("79", 30)):
        _cross(cy, crits, scorer, "01", "I.1", pts)
    services.score_set(actor=SYSTEM, cluster_year=cy, role=ScorerRole.PANEL, scorer_unit_id=cy.head_id,
                       unit_id=unit("01").pk, criterion_id=crits["I.1"].pk, points=15)
    services.results_compute(actor=SYSTEM, cluster_year=cy)
    assert _rows(cy)["01"].total == D("17.33")  # mean of 10, 12, 30
    configure(cy, rule=ReconciliationRule.MEDIAN)
    services.results_compute(actor=SYSTEM, cluster_year=cy)
    assert _rows(cy)["01"].total == D("12.00")
    configure(cy, rule=ReconciliationRule.PANEL)
    services.results_compute(actor=SYSTEM, cluster_year=cy)
    assert _rows(cy)["01"].total == D("15.00")


def test_group_tie_break_then_bonus(world):
    cy, crits = world
    configure(cy, tie_breaks=[("group", "II"), ("bonus", "")])
    # 31 and 48 both total 20: 31 has 20 in group II, 48 has 20 in group I → 31 first.
    _cross(cy, crits, "48", "31", "II.1", 20)
    _cross(cy, crits, "79", "48", "I.1", 20)
    services.results_compute(actor=SYSTEM, cluster_year=cy)
    r = _rows(cy)
    assert r["31"].rank < r["48"].rank
    assert not r["31"].tie_unresolved and not r["48"].tie_unresolved
    assert r["31"].tie_break_1 == D("20.00") and r["48"].tie_break_1 == D("0.00")


def test_publish_contract_and_frozen_results(world):
    cy, crits = world
    _cross(cy, crits, "31", "01", "I.1", 20)
    assert published_ranking(cluster_year=cy) == []
    services.results_freeze(actor=SYSTEM, cluster_year=cy)
    assert published_ranking(cluster_year=cy) == []
    with pytest.raises(InvalidState):
        _cross(cy, crits, "31", "01", "I.1", 25)
    services.results_publish(actor=SYSTEM, cluster_year=cy)
    ranking = published_ranking(cluster_year=cy)
    assert [row.rank for row in ranking] == [1, 2, 3, 4, 5]
    assert ranking[0].unit_id == unit("01").pk and ranking[0].total == D("20.00")
    # Recomputing everything leaves published years alone.
    engine.recompute()
    assert published_ranking(cluster_year=cy) == ranking
    services.result_correct(actor=SYSTEM, cluster_year=cy, unit_id=unit("92").pk, criterion_id=crits["I.1"].pk,
                            points=25, reason="Đính chính: bỏ sót minh chứng")
    ranking = published_ranking(cluster_year=cy)
    assert ranking[0].unit_id == unit("92").pk and ranking[0].total == D("25.00")
