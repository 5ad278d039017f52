"""Test data for scoring: a criteria set, targets and a configuration built directly with the ORM (test setup
only; production writes go through the services)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from thidua.core.actors import SYSTEM
from thidua.covenant.models import (
    ClassificationBand,
    CriteriaSet,
    CriteriaSetStatus,
    Criterion,
    CycleState,
    MemberTarget,
    YearCycle,
)
from thidua.covenant.workflow import default_deadlines
from thidua.organisations.models import ClusterYear, Unit
from thidua.scoring import services
from thidua.scoring.models import ReconciliationRule

D = Decimal


def make_cluster_year(year: int = 2023, cluster_code: str = "TPTW", head: str = "01") -> ClusterYear:
    from thidua.organisations.models import Cluster

    cy, _ = ClusterYear.objects.get_or_create(cluster=Cluster.objects.get(code=cluster_code), year=year,
                                             defaults={"head": Unit.objects.get(code=head)})
    set_cycle(cy, CycleState.SCORING)
    return cy


def set_cycle(cy: ClusterYear, state: str) -> None:
    """Put the year's covenant cycle in `state` (test setup; covenant.services.cycle_transition in real use).
    Scoring follows the cycle (covenant.workflow.ACTIVITIES): the tests' years are being scored."""
    YearCycle.objects.update_or_create(cluster_year=cy, defaults={"state": state, **default_deadlines(cy.year)})


def make_criteria(cy: ClusterYear) -> dict[str, Criterion]:
    """I (group, 60): I.1 graded 30, I.2 quantitative 20 (+5 extra), I.3 pass/fail 10;
    II (group, 40): II.1 graded 25, II.2 quantitative 15 lower-is-better (+3);
    III bonus 2/occurrence cap 5; IV penalty 1/occurrence cap 4."""
    version = (CriteriaSet.objects.filter(cluster_year=cy).count() or 0) + 1
    cs = CriteriaSet.objects.create(cluster_year=cy, version=version, title="Bộ tiêu chí thử",
                                    status=CriteriaSetStatus.FROZEN, frozen_at=timezone.now(), total_points=100)
    c = {}

    def add(code, method, max_points=0, parent=None, **kw):
        c[code] = Criterion.objects.create(criteria_set=cs, code=code, title=f"Tiêu chí {code}", method=method,
                                           max_points=max_points, parent=c.get(parent), order=len(c), **kw)

    add("I", "group", 60)
    add("I.1", "graded", 30, "I")
    add("I.2", "quantitative", 20, "I", extra_points_cap=5, unit_of_measure="%")
    add("I.3", "pass_fail", 10, "I")
    add("II", "group", 40)
    add("II.1", "graded", 25, "II")
    add("II.2", "quantitative", 15, "II", extra_points_cap=3, higher_is_better=False)
    add("III", "bonus", 0, None, points_per_occurrence=2, cap=5)
    add("IV", "penalty", 0, None, points_per_occurrence=1, cap=4)
    for label, lo, hi in (("Xuất sắc", 90, 200), ("Tốt", 70, 90), ("Khá", 50, 70)):
        ClassificationBand.objects.create(criteria_set=cs, label=label, min_points=lo, max_points=hi)
    c["_set"] = cs
    return c


def set_targets(cy, crits, targets: dict[tuple[str, str], Decimal]) -> None:
    for (unit_code, code), value in targets.items():
        MemberTarget.objects.create(cluster_year=cy, unit=Unit.objects.get(code=unit_code), criterion=crits[code],
                                    target_value=value)


def configure(cy, rule=ReconciliationRule.MEAN, **kw):
    return services.config_save(actor=SYSTEM, cluster_year=cy, rule=rule, **kw)


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)
