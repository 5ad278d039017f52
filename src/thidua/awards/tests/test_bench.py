"""`thidua bench eligibility` runs end to end at a small size (PostgreSQL) and prints one JSON line last."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark needs PostgreSQL (COPY, BIT_OR)")
def test_bench_small():
    out = io.StringIO()
    call_command("bench", "eligibility", "--people", "300", "--years", "6", stdout=out)
    last = json.loads(out.getvalue().strip().splitlines()[-1])
    assert last["people"] == 300 and last["judged_people"] == 300 and 0 < last["rows"] <= 1800
    for key in ("seconds", "floor_seconds", "ratio", "rows"):
        assert key in last
    assert set(last["eligible"]) == {"pm_certificate_individual", "ministry_certificate_individual"}


def test_bench_refuses_sqlite():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL run")
    with pytest.raises(SystemExit):
        call_command("bench", "eligibility", "--people", "10", stdout=io.StringIO())
