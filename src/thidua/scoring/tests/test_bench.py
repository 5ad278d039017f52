"""The benchmark command runs at tiny sizes and ends with one parseable JSON line (no timing assertion)."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from thidua.organisations.models import Unit
from thidua.scoring.models import MemberResult, Score


def test_bench_command_tiny(db):
    out = io.StringIO()
    call_command("bench", "scoring", "--clusters", "3", "--members", "4", "--criteria", "5", "--scorers", "2",
                 "--repeat", "1", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    figures = json.loads(lines[-1])
    assert figures["rows"] == 3 * 4 * 5 * 2
    assert figures["results"] == 12 and figures["ranked"] is True
    assert {"seconds", "floor_seconds", "ratio"} <= set(figures)
    # The synthetic data is removed afterwards.
    assert not Unit.objects.filter(code__startswith="BENCH-").exists()
    assert not Score.objects.filter(cluster_year__cluster__code__startswith="bench-").exists()
    assert not MemberResult.objects.filter(cluster_year__cluster__code__startswith="bench-").exists()


def test_bench_keep_gives_a_ranking_per_cluster_year(db):
    out = io.StringIO()
    call_command("bench", "scoring", "--clusters", "2", "--members", "3", "--criteria", "4", "--scorers", "2",
                 "--repeat", "1", "--keep", stdout=out)
    ranks = sorted(MemberResult.objects.filter(cluster_year__cluster__code__startswith="bench-")
                   .values_list("cluster_year_id", "rank"))
    assert [r for _, r in ranks] == [1, 2, 3, 1, 2, 3]
