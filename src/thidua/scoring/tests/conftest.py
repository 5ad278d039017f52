from __future__ import annotations

from decimal import Decimal

import pytest

from thidua.core.actors import SYSTEM
from thidua.scoring import services
from thidua.scoring.models import ReportKind, ScorerRole
from thidua.scoring.tests.factories import configure, make_cluster_year, make_criteria, set_targets, unit

MEMBERS = ["01", "31", "48", "79", "92"]


@pytest.fixture
def scored(db):
    """TPTW 2023 (head Hà Nội): criteria, rotation of 2 cross scorers, a few reports and scores, results
    computed but NOT published."""
    cy = make_cluster_year(2023)
    crits = make_criteria(cy)
    set_targets(cy, crits, {(m, "I.2"): Decimal(100) for m in MEMBERS})
    configure(cy)
    services.assignments_generate(actor=SYSTEM, cluster_year=cy, cross_per_member=2)
    for code, actual in (("01", 120), ("79", 90)):
        r = services.report_save(actor=SYSTEM, cluster_year=cy, unit_id=unit(code).pk, kind=ReportKind.YEAR_END,
                                 entries=[{"criterion_id": crits["I.2"].pk, "actual_value": actual},
                                          {"criterion_id": crits["I.1"].pk, "self_score": 25}])
        services.report_submit(actor=SYSTEM, cluster_year=cy, report_id=r.pk)
    # 79 is scored by 92 and 01; 01 by 31 and 48.
    for scorer, member, pts in (("92", "79", 20), ("01", "79", 22), ("31", "01", 28), ("48", "01", 27)):
        services.score_set(actor=SYSTEM, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit(scorer).pk,
                           unit_id=unit(member).pk, criterion_id=crits["I.1"].pk, points=pts, comment="ok")
    services.results_compute(actor=SYSTEM, cluster_year=cy)
    return cy, crits
