"""API of the registry under /api/v1/awards/: persons (masked national ID unless the caller may see it, the same
rule as the pages), households, duty ratings, collective figures. Scope (404), permission (403), Vietnamese
validation in the {"code", "message", "details"} shape, audit, stable query counts."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.awards import services
from thidua.awards.models import CollectiveYearFacts, DutyRating, Household, Person
from thidua.core.actors import SYSTEM
from thidua.core.models import AuditEntry
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db
THIS_YEAR = date.today().year  # ratings of a year that has not begun are refused
MINH_ID = "048090000001"
MASKED = "•" * 9 + "001"


def _unit(code):
    return Unit.objects.get(code=code)


def _minh():
    return Person.objects.get(national_id=MINH_ID)


@pytest.fixture
def thuky48(db):
    """The secretariat of unit 48: sees the unit's persons but keeps no registry (masked ID, no writes)."""
    from thidua.accounts.models import Role, RoleGrant, ScopeKind, User

    user = User.objects.create_user(username="h11.thuky48", password="x", unit=_unit("48"))
    RoleGrant.objects.create(user=user, role=Role.SECRETARIAT, scope_kind=ScopeKind.UNIT, unit=_unit("48"))
    return user.username


def _send(client, method, url, body):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


# --- Persons ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username,shown", [
    ("danang.canbo", MINH_ID), ("tw.canbo", MINH_ID), ("thuky48", MASKED), ("hanoi.canbo", None),
    ("tw.lanhdao", None)])
def test_person_get_masks_the_national_id_unless_the_caller_may_see_it(api_as, thuky48, username, shown):
    r = api_as(thuky48 if username == "thuky48" else username).get(f"/api/v1/awards/persons/{_minh().pk}")
    if shown is None:  # outside the caller's scope: not found, never confirmed
        assert r.status_code == 404 and r.json()["code"] == "not_found"
        return
    assert r.status_code == 200
    body = r.json()
    assert body["national_id"] == shown and body["national_id_masked"] == (shown == MASKED)
    assert body["full_name"] == _minh().full_name and body["unit_code"] == "48"


def test_person_list_paginated_masked_and_without_a_query_per_row(api_as, thuky48):
    c = api_as(thuky48)
    body = c.get("/api/v1/awards/persons").json()
    assert {"items", "count", "page", "pages"} <= set(body) and body["count"] >= 1
    assert MINH_ID not in json.dumps(body)
    minh = next(p for p in body["items"] if p["id"] == _minh().pk)
    assert minh["national_id"] == MASKED and minh["national_id_masked"] is True
    full = api_as("danang.canbo").get("/api/v1/awards/persons", {"unit_id": _unit("48").pk}).json()
    assert {p["unit_code"] for p in full["items"]} == {"48"}
    assert next(p for p in full["items"] if p["id"] == _minh().pk)["national_id"] == MINH_ID
    assert api_as("hanoi.canbo").get("/api/v1/awards/persons", {"unit_id": _unit("48").pk}).json()["count"] == 0
    with CaptureQueriesContext(connection) as few:
        c.get("/api/v1/awards/persons")
    for i in range(8):
        services.person_create(actor=SYSTEM, full_name=f"Người {i}", unit_id=_unit("48" if i % 2 else "01").pk,
                               national_id=f"0010900005{i:02d}")
    with CaptureQueriesContext(connection) as many:
        r = c.get("/api/v1/awards/persons")
    assert r.json()["count"] == body["count"] + 4  # the secretariat sees unit 48's only
    assert len(many) == len(few)


def test_person_list_second_page(api_as):
    for i in range(51):
        Person.objects.create(full_name=f"Zz {i:02d}", unit=_unit("01"))
    body = api_as("tw.canbo").get("/api/v1/awards/persons", {"page": 2}).json()
    assert body["page"] == 2 and body["pages"] >= 2 and body["items"]


@pytest.mark.parametrize("username,status", [
    ("hanoi.canbo", 201), ("hanoi.lanhdao", 201), ("tw.canbo", 201), ("hcm.canbo", 403), ("tw.lanhdao", 403)])
def test_person_create_matrix(api_as, username, status):
    r = _send(api_as(username), "post", "/api/v1/awards/persons",
              {"full_name": "Nguyễn Văn Api", "unit_id": _unit("01").pk, "national_id": "001090000555"})
    assert r.status_code == status
    assert Person.objects.filter(national_id="001090000555").exists() == (status == 201)
    if status == 201:
        assert r.json()["national_id"] == "001090000555"  # the creator may see it
        entry = AuditEntry.objects.get(action="awards.person.created", object_id=str(r.json()["id"]))
        assert "001090000555" not in str(entry.payload)
    else:
        assert r.json()["code"] == "forbidden"


def test_person_create_validation_in_vietnamese(api_as):
    c = api_as("hanoi.canbo")
    r = _send(c, "post", "/api/v1/awards/persons", {"full_name": "A", "unit_id": _unit("01").pk, "national_id": "12ab"})
    assert r.status_code == 422
    assert r.json() == {"code": "invalid", "message": "Số định danh cá nhân gồm đúng 12 chữ số.",
                        "details": [{"field": "national_id", "message": "Số định danh cá nhân gồm đúng 12 chữ số."}]}
    r = _send(c, "post", "/api/v1/awards/persons", {"full_name": "A", "unit_id": _unit("01").pk, "national_id": MINH_ID})
    assert r.status_code == 409 and r.json()["message"] == "Số định danh cá nhân này đã có trong danh sách."
    r = _send(c, "post", "/api/v1/awards/persons", {"full_name": "A", "unit_id": _unit("01").pk, "extra": 1})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "extra"


@pytest.mark.parametrize("username,status", [
    ("danang.canbo", 200), ("tw.canbo", 200), ("thuky48", 403), ("hanoi.canbo", 404), ("tw.lanhdao", 404)])
def test_person_update_matrix_and_audit(api_as, thuky48, username, status):
    p = _minh()
    r = _send(api_as(thuky48 if username == "thuky48" else username), "patch", f"/api/v1/awards/persons/{p.pk}", {"position": "Trưởng phòng"})
    assert r.status_code == status
    p.refresh_from_db()
    assert (p.position == "Trưởng phòng") == (status == 200)
    assert AuditEntry.objects.filter(action="awards.person.updated", object_id=str(p.pk)).exists() == (status == 200)
    if status == 200:
        body = r.json()
        assert body["position"] == "Trưởng phòng" and body["national_id"] == MINH_ID  # untouched fields kept


def test_person_update_validates(api_as):
    c = api_as("danang.canbo")
    r = _send(c, "patch", f"/api/v1/awards/persons/{_minh().pk}", {"full_name": " "})
    assert r.status_code == 422 and r.json()["details"] == [{"field": "full_name", "message": "Cần nhập họ và tên."}]
    r = _send(c, "patch", f"/api/v1/awards/persons/{_minh().pk}", {"unit_id": 1})
    assert r.status_code == 422
    assert _minh().full_name != " "


# --- Households ---------------------------------------------------------------------------------------------


def _household(unit="01"):
    return services.household_create(actor=SYSTEM, head_name="Phan Văn Hộ", address="Xã Y", unit_id=_unit(unit).pk)


@pytest.mark.parametrize("username,sees", [("hanoi.canbo", True), ("tw.canbo", True), ("hcm.canbo", False),
                                           ("tw.lanhdao", False)])
def test_household_list_and_get_scoped(api_as, username, sees):
    h = _household()
    c = api_as(username)
    body = c.get("/api/v1/awards/households").json()
    assert (h.pk in {x["id"] for x in body["items"]}) == sees
    r = c.get(f"/api/v1/awards/households/{h.pk}")
    assert r.status_code == (200 if sees else 404)
    if sees:
        assert r.json()["head_name"] == "Phan Văn Hộ" and r.json()["unit_code"] == "01"


@pytest.mark.parametrize("username,status", [("hanoi.canbo", 201), ("tw.canbo", 201), ("hcm.canbo", 403),
                                             ("tw.lanhdao", 403)])
def test_household_create_matrix(api_as, username, status):
    r = _send(api_as(username), "post", "/api/v1/awards/households",
              {"head_name": "Võ Thị Api", "address": "Xã Z", "unit_id": _unit("01").pk})
    assert r.status_code == status
    assert Household.objects.filter(head_name="Võ Thị Api").exists() == (status == 201)
    if status == 201:
        assert AuditEntry.objects.filter(action="awards.household.created", object_id=str(r.json()["id"])).exists()


def test_household_create_validation_in_vietnamese(api_as):
    r = _send(api_as("hanoi.canbo"), "post", "/api/v1/awards/households",
              {"head_name": " ", "address": " ", "unit_id": _unit("01").pk})
    assert r.status_code == 422
    assert {(d["field"], d["message"]) for d in r.json()["details"]} == {
        ("head_name", "Cần nhập họ và tên chủ hộ."), ("address", "Cần nhập địa chỉ của hộ.")}


@pytest.mark.parametrize("username,status", [("hanoi.canbo", 200), ("tw.canbo", 200), ("hcm.canbo", 404),
                                             ("tw.lanhdao", 404)])
def test_household_update_matrix_and_audit(api_as, username, status):
    h = _household()
    r = _send(api_as(username), "patch", f"/api/v1/awards/households/{h.pk}", {"address": "Xã Y mới"})
    assert r.status_code == status
    h.refresh_from_db()
    assert (h.address == "Xã Y mới") == (status == 200)
    if status == 200:
        assert r.json()["address"] == "Xã Y mới" and r.json()["head_name"] == "Phan Văn Hộ"
        entry = AuditEntry.objects.get(action="awards.household.updated", object_id=str(h.pk))
        assert entry.payload["before"] == {"address": "Xã Y"}
    r = _send(api_as("hanoi.canbo"), "patch", f"/api/v1/awards/households/{h.pk}", {"head_name": ""})
    assert r.status_code == 422 and r.json()["details"][0]["message"] == "Cần nhập họ và tên chủ hộ."


# --- Duty ratings and collective figures --------------------------------------------------------------------


@pytest.mark.parametrize("username,get_status,put_status", [
    ("danang.canbo", 200, 200), ("tw.canbo", 200, 200), ("thuky48", 200, 403), ("hanoi.canbo", 404, 404),
    ("tw.lanhdao", 404, 404)])
def test_ratings_matrix(api_as, thuky48, username, get_status, put_status):
    p = _minh()
    c = api_as(thuky48 if username == "thuky48" else username)
    r = c.get(f"/api/v1/awards/persons/{p.pk}/ratings")
    assert r.status_code == get_status
    r = _send(c, "put", f"/api/v1/awards/persons/{p.pk}/ratings/{THIS_YEAR}", {"rating": 3})
    assert r.status_code == put_status
    assert DutyRating.objects.filter(person=p, year=THIS_YEAR).exists() == (put_status == 200)
    if put_status == 200:
        assert r.json() == {"year": THIS_YEAR, "rating": 3, "label": "Hoàn thành xuất sắc nhiệm vụ"}
        listed = c.get(f"/api/v1/awards/persons/{p.pk}/ratings").json()["items"]
        assert listed[0]["year"] == THIS_YEAR  # most recent first
        assert AuditEntry.objects.filter(action="awards.duty_rating.set").exists()


def test_ratings_validation(api_as):
    c = api_as("danang.canbo")
    r = _send(c, "put", f"/api/v1/awards/persons/{_minh().pk}/ratings/1900", {"rating": 2})
    assert r.status_code == 422 and r.json()["details"][0]["message"] == f"Năm phải từ 1945 đến năm hiện tại ({THIS_YEAR})."
    r = _send(c, "put", f"/api/v1/awards/persons/{_minh().pk}/ratings/2024", {"rating": 7})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "rating"


FACTS = {"members": 20, "members_completed": 20, "members_advanced": 15, "members_cstd_grassroots": 2,
         "tasks_excellent": True, "unity": True}


@pytest.mark.parametrize("username,get_status,put_status", [
    ("danang.canbo", 200, 200), ("tw.canbo", 200, 200), ("thuky48", 200, 403), ("hanoi.canbo", 404, 404),
    ("tw.lanhdao", 404, 404)])
def test_facts_matrix(api_as, thuky48, username, get_status, put_status):
    unit = _unit("48")
    c = api_as(thuky48 if username == "thuky48" else username)
    assert c.get(f"/api/v1/awards/units/{unit.pk}/facts").status_code == get_status
    r = _send(c, "put", f"/api/v1/awards/units/{unit.pk}/facts/2024", FACTS)
    assert r.status_code == put_status
    assert CollectiveYearFacts.objects.filter(unit=unit, year=2024).exists() == (put_status == 200)
    if put_status == 200:
        assert r.json() == {"year": 2024, **FACTS}
        assert c.get(f"/api/v1/awards/units/{unit.pk}/facts").json()["items"][0]["year"] == 2024
        assert AuditEntry.objects.filter(action="awards.collective_facts.set").exists()


def test_facts_validation_in_vietnamese(api_as):
    unit = _unit("48")
    r = _send(api_as("danang.canbo"), "put", f"/api/v1/awards/units/{unit.pk}/facts/2024",
              {**FACTS, "members_completed": 25})
    assert r.status_code == 422
    assert r.json()["details"] == [{"field": "members_completed",
                                    "message": "Số hoàn thành nhiệm vụ không được vượt tổng số thành viên."}]
    assert not CollectiveYearFacts.objects.filter(unit=unit, year=2024).exists()


def test_registry_api_requires_authentication(api_as):
    r = api_as(None).get("/api/v1/awards/persons")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"


def test_registry_endpoints_are_documented(client_as):
    paths = client_as("tw.canbo").get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/awards/persons", "/api/v1/awards/persons/{person_id}", "/api/v1/awards/households",
            "/api/v1/awards/households/{household_id}", "/api/v1/awards/persons/{person_id}/ratings",
            "/api/v1/awards/persons/{person_id}/ratings/{year}", "/api/v1/awards/units/{unit_id}/facts",
            "/api/v1/awards/units/{unit_id}/facts/{year}"} <= set(paths)
