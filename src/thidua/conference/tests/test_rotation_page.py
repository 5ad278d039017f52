"""The rotation order page (issue 5): view for every member, reorder and insert for the organiser's
administrators and the secretariat of the head in office, audited, with its history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.conference import services
from thidua.conference.selectors import rotation_order
from thidua.conference.tests.helpers import cy_of, unit, user
from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, InvalidInput
from thidua.core.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/conference/rotation/TPTW/"


def codes(year: int) -> list[str]:
    from thidua.organisations.models import Unit

    ids = rotation_order(cluster=cy_of(2021).cluster, year=year)
    by_id = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "code"))
    return [by_id[i] for i in ids]


@pytest.mark.parametrize("username,view,edit", [
    ("tw.canbo", 200, True),         # organiser administrator
    ("hcm.canbo", 200, True),        # secretariat of the head in office (HCM, 2021)
    ("hanoi.canbo", 200, False),     # secretariat of a former head
    ("hanoi.lanhdao", 200, False),   # member leader
    ("tw.lanhdao", 200, False),      # observer
    ("ct.stc.canbo", 404, False),    # another organiser's block
])
def test_permission_matrix(client_as, username, view, edit):
    c = client_as(username)
    r = c.get(URL, {"year": 2021})
    assert r.status_code == view
    before = codes(2021)
    r = c.post(URL, {"year": 2021, "action": "move", "unit": unit("01").pk, "direction": "up"})
    if edit:
        assert r.status_code == 302
        assert codes(2021) == ["01", "92", "79", "48", "31"] and before == ["92", "01", "79", "48", "31"]
    else:
        assert r.status_code in (403, 404) and r.status_code == (404 if view == 404 else 403)
        assert codes(2021) == before
    if view == 200:
        page = c.get(URL, {"year": 2021}).content.decode()
        assert "Thành phố Cần Thơ" in page
        assert ('name="direction"' in page) is edit
    assert client_as(None).get(URL).status_code == 302  # sign-in required


def without_hue():
    """The demo's stored order already lists Huế (joined 2025); take it out to insert it again."""
    services.rotation_set(actor=SYSTEM, cluster_code="TPTW", unit_ids=[unit(c).pk for c in ("92", "01", "79", "48", "31")])


def test_inserting_hue_in_2025_is_audited_and_shown_in_the_history(client_as):
    without_hue()
    c = client_as("tw.canbo")
    page = c.get(URL, {"year": 2025}).content.decode()
    assert "Chưa có trong thứ tự" in page and 'name="after"' in page
    audits = AuditEntry.objects.filter(action="conference.rotation.set").count()
    r = c.post(URL, {"year": 2025, "action": "insert", "unit": unit("46").pk, "after": unit("79").pk})
    assert r.status_code == 302 and r["Location"].endswith("?year=2025")
    assert codes(2025) == ["92", "01", "79", "46", "48", "31"]
    entry = AuditEntry.objects.filter(action="conference.rotation.set").order_by("-id").first()
    assert AuditEntry.objects.filter(action="conference.rotation.set").count() == audits + 1
    assert entry.actor.username == "tw.canbo" and entry.payload["after"][3] == unit("46").pk
    page = c.get(URL, {"year": 2025}).content.decode()
    assert "Chưa có trong thứ tự" not in page
    # The history shows the new order by unit name as of the year shown, not by raw unit code.
    from thidua.conference.selectors import unit_names

    hcm, hue, dn = unit_names([unit(c).pk for c in ("79", "46", "48")], 2025)
    assert f"{hcm} → {hue} → {dn}" in page and "79 → 46 → 48" not in page
    # Inserting twice is refused with the reason, nothing changes.
    r = c.post(URL, {"year": 2025, "action": "insert", "unit": unit("46").pk, "after": ""}, follow=True)
    assert "Đơn vị đã có trong thứ tự luân phiên." in r.content.decode()
    assert codes(2025) == ["92", "01", "79", "46", "48", "31"]


def test_reordering_a_year_keeps_the_slots_of_units_not_members_that_year():
    without_hue()
    services.rotation_insert(actor=SYSTEM, cluster_code="TPTW", unit_id=unit("46").pk, after_unit_id=unit("01").pk)
    assert codes(2025) == ["92", "01", "46", "79", "48", "31"]
    # 2021: Huế is not a member; reversing the five members leaves Huế in its third slot.
    services.rotation_reorder(actor=user("hcm.canbo"), cluster_code="TPTW", year=2021,
                              unit_ids=[unit(c).pk for c in ("31", "48", "79", "01", "92")])
    assert codes(2021) == ["31", "48", "79", "01", "92"]
    assert codes(2025) == ["31", "48", "46", "79", "01", "92"]
    with pytest.raises(InvalidInput):  # not exactly the year's members
        services.rotation_reorder(actor=SYSTEM, cluster_code="TPTW", year=2021,
                                  unit_ids=[unit(c).pk for c in ("31", "48", "79", "01")])
    with pytest.raises(Forbidden):
        services.rotation_reorder(actor=user("hanoi.canbo"), cluster_code="TPTW", year=2021,
                                  unit_ids=[unit(c).pk for c in ("92", "01", "79", "48", "31")])
    with pytest.raises(Forbidden):
        services.rotation_insert(actor=user("hanoi.lanhdao"), cluster_code="TPTW", unit_id=unit("46").pk,
                                 after_unit_id=None)


def test_page_queries_do_not_grow_with_the_history(client_as):
    c = client_as("tw.canbo")
    c.post(URL, {"year": 2021, "action": "move", "unit": unit("01").pk, "direction": "up"})
    with CaptureQueriesContext(connection) as one:
        assert c.get(URL, {"year": 2021}).status_code == 200
    for _i in range(6):
        c.post(URL, {"year": 2021, "action": "move", "unit": unit("48").pk, "direction": "down"})
    with CaptureQueriesContext(connection) as many:
        assert c.get(URL, {"year": 2021}).status_code == 200
    assert len(many) == len(one)
