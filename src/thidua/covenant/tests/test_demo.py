"""The demo covenants: signed, frozen, with targets for every member; 2014 and 2020, whose whole cycle the seeds
tell, are closed (demo.loader.CLOSED_YEARS), later years are where they can be worked on."""

from __future__ import annotations

import pytest

from thidua.covenant import selectors
from thidua.covenant.models import CriteriaSetStatus, CycleState, Method, Signature
from thidua.organisations.models import ClusterYear

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year,members,state", [
    (2014, 5, CycleState.CLOSED), (2020, 5, CycleState.CLOSED),
    (2021, 5, CycleState.IMPLEMENTATION), (2025, 6, CycleState.COVENANT_SIGNED),
])
def test_demo_years_are_signed_and_frozen(year, members, state):
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=year)
    assert selectors.cycle_get(cluster_year=cy).state == state
    cs = selectors.current_criteria_set(cluster_year=cy)
    assert cs.status == CriteriaSetStatus.FROZEN
    assert Signature.objects.filter(criteria_set=cs).values("unit").distinct().count() == members
    quantitative = [c for c in selectors.criteria_of(criteria_set=cs) if c.method == Method.QUANTITATIVE]
    assert selectors.targets_of(cluster_year=cy).count() == members * len(quantitative)
    bands = selectors.bands_of(criteria_set=cs)
    assert [b.label for b in bands] == ["Xuất sắc", "Tốt", "Khá", "Trung bình"]
    assert selectors.classify(90, bands).label == "Xuất sắc"
    assert selectors.classify("89.99", bands).label == "Tốt"
    assert selectors.classify(0, bands).label == "Trung bình"
    assert selectors.classify(106, bands) is None


def test_demo_load_is_idempotent():
    from thidua.core.models import AuditEntry
    from thidua.covenant.demo import load

    before = AuditEntry.objects.count()
    load()
    assert AuditEntry.objects.count() == before
