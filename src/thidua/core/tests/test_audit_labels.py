"""Every audit action code the application writes has a label for the change-history panels and the audit log."""

import re
from pathlib import Path

import pytest

from thidua.core.audit_labels import LABELS, label

SRC = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r"""action\s*=\s*["']([a-z_]+(?:\.[a-z_]+){2,})["']""")
PREFIXED = re.compile(r"""action\s*=\s*f["']([a-z_]+(?:\.[a-z_]+)+)\.\{""")


def _sources():
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path, path.read_text(encoding="utf-8")


def test_every_literal_action_code_has_a_label():
    codes = {code for _path, text in _sources() for code in LITERAL.findall(text)}
    assert len(codes) > 80  # the scan finds the codes (it would pass vacuously otherwise)
    missing = sorted(codes - set(LABELS))
    assert not missing, f"Thiếu nhãn cho mã thao tác: {missing}"


def test_every_prefixed_action_code_has_a_label():
    from thidua.awards.workflow import TRANSITIONS
    from thidua.covenant import workflow as covenant_workflow

    prefixes = {prefix for _path, text in _sources() for prefix in PREFIXED.findall(text)}
    assert prefixes == {"covenant.cycle", "awards.nomination"}, prefixes
    cycle_actions = set(covenant_workflow.TRANSITIONS)
    expected = {f"covenant.cycle.{a}" for a in cycle_actions} | {f"awards.nomination.{a}" for a in TRANSITIONS}
    missing = sorted(expected - set(LABELS))
    assert not missing, f"Thiếu nhãn cho mã thao tác: {missing}"


def test_unknown_code_is_shown_as_is():
    assert label("scoring.results.published") == "Công bố kết quả chấm điểm"
    assert label("x.y.z") == "x.y.z"


@pytest.mark.django_db
def test_history_panel_shows_words_not_codes(client):
    from thidua.organisations.models import Cluster

    assert Cluster.objects.filter(code="TPTW").exists()
    client.force_login(_admin())
    response = client.get("/clusters/TPTW/")
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "organisations.cluster.created" not in html
    assert "Tạo cụm, khối thi đua" in html


def _admin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


@pytest.mark.django_db
def test_audit_log_shows_words_and_keeps_the_code(client):
    client.force_login(_admin())
    html = client.get("/audit/?action=organisations.cluster.created").content.decode()
    assert "Tạo cụm, khối thi đua" in html
    assert "<code class=\"small\">organisations.cluster.created</code>" in html  # auditors filter on the code
    assert "organisations.cluster " not in html  # the object is named, not "app.model id"
    assert "cụm, khối thi đua #" in html.lower() or "cụm thi đua #" in html.lower()
