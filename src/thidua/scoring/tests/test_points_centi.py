"""Score.points_centi: the points in integer hundredths, written by the database on every insert and update
(the engine sums it from the covering index). Exact for every value a score can hold, on both databases."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

from thidua.scoring.models import Score
from thidua.scoring.tests.factories import make_cluster_year, make_criteria, unit


def test_points_centi_follows_the_points(db):
    cy = make_cluster_year(2023)
    crit = make_criteria(cy)["I.1"]
    # Values whose binary floating-point product by 100 falls just below the integer (1.15 · 100 = 114.999…).
    values = ["1.15", "0.29", "-2.35", "0.01", "99999.99", "-0.57", "12.5", "0"]
    pairs = list(product(["01", "31", "48", "79", "92"], repeat=2))
    scores = [Score.objects.create(cluster_year=cy, role="cross", scorer_unit=unit(s), unit=unit(m), criterion=crit,
                                   points=Decimal(v)) for (s, m), v in zip(pairs, values, strict=False)]
    got = dict(Score.objects.filter(pk__in=[s.pk for s in scores]).values_list("points", "points_centi"))
    assert got == {Decimal(v): int(Decimal(v) * 100) for v in values}
    # An update through the ORM (as the services do) rewrites it; bulk updates too.
    score = scores[0]
    score.points = Decimal("7.07")
    score.save()
    score.refresh_from_db()
    assert score.points_centi == 707
    Score.objects.filter(pk=score.pk).update(points=Decimal("3.33"))
    assert Score.objects.get(pk=score.pk).points_centi == 333
