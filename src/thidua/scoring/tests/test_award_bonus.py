"""Automatic bonus from the awards history (Criterion.auto_award_code): counted by the engine, set-based, from
awards.AwardRecord (read through scoring.adapters), within the rule's window, following mergers when the
rule says so (ScoringConfig.award_history_follows_unit). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest

from thidua.awards.models import AwardRecord, AwardType
from thidua.core.actors import SYSTEM
from thidua.covenant.models import Criterion
from thidua.organisations.models import Unit, UnitSuccession
from thidua.scoring import engine, services
from thidua.scoring.models import MemberResult, ReportKind
from thidua.scoring.tests.factories import configure, make_cluster_year, make_criteria, unit

D = Decimal
CODE = "co-thi-dua-chinh-phu"


@pytest.fixture
def world(db):
    cy = make_cluster_year(2023)
    crits = make_criteria(cy)
    # III: bonus, 2 points per occurrence, cap 5 — here counted from the awards history.
    Criterion.objects.filter(pk=crits["III"].pk).update(auto_award_code=CODE)
    configure(cy)
    award, _ = AwardType.objects.get_or_create(code=CODE, defaults=dict(
        name="Cờ thi đua của Chính phủ", kind="title", form="cờ thi đua", level="government",
        legal_basis="Luật TĐKT 2022"))
    # The demo world's history has such flags; each test states its own (rolled back afterwards).
    AwardRecord.objects.filter(award_type=award).delete()
    return cy, crits, award


def _award(award, unit_id, decided: date):
    return AwardRecord.objects.create(award_type=award, unit_id=unit_id, year=decided.year - 1,
                                      decision_number=f"{unit_id}/{decided.isoformat()}", decision_date=decided,
                                      source="decision")


def _bonus(cy) -> dict[str, Decimal]:
    services.results_compute(actor=SYSTEM, cluster_year=cy)
    return {code: b for code, b in MemberResult.objects.filter(cluster_year=cy).values_list("unit__code",
                                                                                            "bonus_points")}


def test_award_in_judged_year_gives_bonus_and_reported_occurrences_do_not(world):
    cy, crits, award = world
    _award(award, unit("01").pk, date(2023, 5, 10))
    # 31 claims the award in its report, but has none recorded: the history decides.
    r = services.report_save(actor=SYSTEM, cluster_year=cy, unit_id=unit("31").pk, kind=ReportKind.YEAR_END,
                             entries=[{"criterion_id": crits["III"].pk, "occurrences": 2}])
    services.report_submit(actor=SYSTEM, cluster_year=cy, report_id=r.pk)
    bonus = _bonus(cy)
    assert bonus["01"] == D("2.00")
    assert bonus["31"] == D("0.00")
    assert {bonus[c] for c in ("48", "79", "92")} == {D("0.00")}
    values = {(u, c): v for u, c, _m, _code, v in engine.criterion_values(cluster_year_id=cy.pk)}
    assert D(str(values[(unit("01").pk, crits["III"].pk)])) == D("2")


def test_no_award_no_bonus_and_the_window_decides(world):
    cy, _crits, award = world
    _award(award, unit("48").pk, date(2021, 12, 1))  # two years before the judged year
    _award(award, unit("79").pk, date(2024, 1, 15))  # after the judged year
    assert _bonus(cy) == {c: D("0.00") for c in ("01", "31", "48", "79", "92")}
    configure(cy, award_window_years=3)
    bonus = _bonus(cy)
    assert bonus["48"] == D("2.00") and bonus["79"] == D("0.00")
    # Two awards in the window count twice (2 × 2 points, under the cap of 5).
    _award(award, unit("48").pk, date(2023, 3, 1))
    assert _bonus(cy)["48"] == D("4.00")


def test_award_of_a_merged_unit_counts_for_its_successor_when_the_rule_says_so(world):
    cy, _crits, award = world
    old = Unit.objects.create(code="TEST-OLD")  # merged during the judged year
    later = Unit.objects.create(code="TEST-LATER")  # merged after it
    _award(award, old.pk, date(2023, 2, 1))
    _award(award, later.pk, date(2023, 2, 1))
    UnitSuccession.objects.create(predecessor=old, successor=unit("92"), kind="merger",
                                  effective_date=date(2023, 7, 1))
    UnitSuccession.objects.create(predecessor=later, successor=unit("31"), kind="merger",
                                  effective_date=date(2024, 7, 1))
    bonus = _bonus(cy)
    assert bonus["92"] == D("2.00")  # merged during the judged year: its history follows the unit
    assert bonus["31"] == D("0.00")  # merged after the judged year
    configure(cy, award_history_follows_unit=False)
    assert _bonus(cy)["92"] == D("0.00")


def test_award_rule_validation(world):
    cy, _crits, _award_type = world
    from thidua.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        configure(cy, award_window_years=0)
    assert exc.value.details[0].field == "award_window_years"


def test_award_rule_on_the_configuration_page(world, client_as):
    cy, _crits, _award_type = world
    from thidua.scoring.models import ScoringConfig

    url = f"/scoring/TPTW/{cy.year}/config/"
    data = {"op": "save", "rule": "mean", "comment_margin": "1", "bonus_cap": "0", "penalty_cap": "0",
            "tie_break_1": "bonus", "award_window_years": "3"}
    assert client_as("hanoi.canbo").post(url, data).status_code == 302
    config = ScoringConfig.objects.get(cluster_year=cy)
    assert config.award_window_years == 3 and config.award_history_follows_unit is False  # box not ticked
    client_as("hanoi.canbo").post(url, {**data, "award_history_follows_unit": "on", "award_window_years": "11"})
    config.refresh_from_db()
    assert config.award_window_years == 3  # refused whole: 11 is out of range
    assert client_as("hcm.canbo").post(url, data).status_code == 404  # a member's officer does not configure


def test_award_bonus_is_the_same_on_the_parallel_path(world):
    """With an award-code criterion the parallel path (engine._PARALLEL_FROM, PostgreSQL) computes the automatic
    cells in the leader (the award history is a recursive CTE, which workers cannot read) and the scored cells
    in the branches: the results are those of the plain path."""
    cy, _crits, award = world
    _award(award, unit("01").pk, date(2023, 5, 10))
    _award(award, unit("48").pk, date(2023, 1, 2))
    def results():
        return list(MemberResult.objects.filter(cluster_year=cy).order_by("unit_id").values_list(
            "unit_id", "base_points", "bonus_points", "penalty_points", "total", "rank", "tie_unresolved"))

    bonus = _bonus(cy)
    plain = results()
    with mock.patch.object(engine, "_PARALLEL_FROM", 1):
        assert _bonus(cy) == bonus
        assert results() == plain
    assert bonus["01"] == D("2.00") and bonus["48"] == D("2.00")
