"""Editing a household (hộ gia đình): the unit that manages it and the central board, like a person's record;
Vietnamese validation, audit with before and after, edit links only for those allowed, stable query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.awards import services
from thidua.awards.models import Household
from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, InvalidInput, NotFound
from thidua.core.models import AuditEntry
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db


def _household(unit="01", name="Nguyễn Văn Sửa"):
    return services.household_create(actor=SYSTEM, head_name=name, address="Phường Ba Đình",
                                     unit_id=Unit.objects.get(code=unit).pk)


@pytest.mark.parametrize("username,status", [
    (None, 302), ("hanoi.canbo", 200), ("hanoi.lanhdao", 200), ("tw.canbo", 200),
    ("hcm.canbo", 404), ("tw.lanhdao", 404), ("ct.hoidong", 404)])
def test_household_edit_page_matrix(client_as, username, status):
    h = _household()
    c = client_as(username)
    assert c.get(f"/awards/households/{h.pk}/edit/").status_code == status
    r = c.post(f"/awards/households/{h.pk}/edit/", {"head_name": "Nguyễn Văn Đã Sửa", "address": "Phường Ba Đình"})
    assert r.status_code == {200: 302, 404: 404, 302: 302}[status]
    h.refresh_from_db()
    assert (h.head_name == "Nguyễn Văn Đã Sửa") == (status == 200)
    if username is None:
        assert r["Location"].startswith("/accounts/login/")


def test_household_edit_page_validates_in_vietnamese_and_audits(client_as):
    h = _household()
    c = client_as("hanoi.canbo")
    body = c.get(f"/awards/households/{h.pk}/edit/").content.decode()
    assert "Nguyễn Văn Sửa" in body and "Phường Ba Đình" in body and 'name="unit"' not in body
    r = c.post(f"/awards/households/{h.pk}/edit/", {"head_name": "  ", "address": ""})
    assert r.status_code == 422
    assert r.content.decode().count("Trường này là bắt buộc.") == 2
    r = c.post(f"/awards/households/{h.pk}/edit/", {"head_name": "Nguyễn Văn Sửa", "address": "x" * 256})
    assert r.status_code == 422
    assert not AuditEntry.objects.filter(action="awards.household.updated", object_id=str(h.pk)).exists()
    r = c.post(f"/awards/households/{h.pk}/edit/", {"head_name": "Nguyễn  Văn   Sửa", "address": "Số 5, Phường Ba Đình",
                                                     "note": "Chuyển nhà"})
    assert r.status_code == 302 and r["Location"] == "/awards/households/"
    h.refresh_from_db()
    assert (h.head_name, h.address, h.note) == ("Nguyễn Văn Sửa", "Số 5, Phường Ba Đình", "Chuyển nhà")
    entry = AuditEntry.objects.get(action="awards.household.updated", object_id=str(h.pk))
    assert entry.payload["changed"] == ["address", "note"]
    assert entry.payload["before"] == {"address": "Phường Ba Đình", "note": ""}
    assert "Số 5, Phường Ba Đình" in c.get(f"/awards/households/{h.pk}/edit/").content.decode()  # history shown


def test_household_update_service_rules(user_named):
    h = _household()
    with pytest.raises(Forbidden):
        services.household_update(actor=user_named("hcm.canbo"), household_id=h.pk, head_name="X")
    with pytest.raises(NotFound):
        services.household_update(actor=user_named("hanoi.canbo"), household_id=999999, head_name="X")
    with pytest.raises(InvalidInput) as exc:
        services.household_update(actor=user_named("hanoi.canbo"), household_id=h.pk, unit_id=1)
    assert exc.value.details[0].field == "unit_id"
    with pytest.raises(InvalidInput) as exc:
        services.household_update(actor=user_named("hanoi.canbo"), household_id=h.pk, head_name="", address=" ")
    assert {(d.field, d.message) for d in exc.value.details} == {
        ("head_name", "Cần nhập họ và tên chủ hộ."), ("address", "Cần nhập địa chỉ của hộ.")}
    # unchanged values: nothing saved, nothing audited
    services.household_update(actor=user_named("tw.canbo"), household_id=h.pk, head_name="Nguyễn Văn Sửa")
    assert not AuditEntry.objects.filter(action="awards.household.updated", object_id=str(h.pk)).exists()
    services.household_update(actor=user_named("tw.canbo"), household_id=h.pk, head_name="Nguyễn Văn Mới")
    assert Household.objects.get(pk=h.pk).head_name == "Nguyễn Văn Mới"


def test_households_list_offers_edit_links_only_to_those_allowed(client_as, settings):
    h = _household()
    link = f"/awards/households/{h.pk}/edit/"
    assert link in client_as("hanoi.canbo").get("/awards/households/").content.decode()
    assert link in client_as("tw.canbo").get("/awards/households/").content.decode()
    assert link not in client_as("tw.lanhdao").get("/awards/households/").content.decode()
    c = client_as("tw.canbo")
    with CaptureQueriesContext(connection) as few:
        c.get("/awards/households/")
    for i in range(6):
        _household(unit="79" if i % 2 else "01", name=f"Hộ số {i}")
    with CaptureQueriesContext(connection) as many:
        c.get("/awards/households/")
    assert len(many) == len(few)


def test_a_unit_secretariat_sees_the_household_but_may_not_edit_it(client_as, api_as):
    """Visible through the unit's secretariat role (scope), but only officers, leaders and the central board
    keep the registry: the page is not found, the API answers 403, nothing changes."""
    from thidua.accounts.models import Role, RoleGrant, ScopeKind, User

    hanoi = Unit.objects.get(code="01")
    user = User.objects.create_user(username="h11.thuky01", password="x", unit=hanoi)
    RoleGrant.objects.create(user=user, role=Role.SECRETARIAT, scope_kind=ScopeKind.UNIT, unit=hanoi)
    h = _household()
    body = client_as("h11.thuky01").get("/awards/households/").content.decode()
    assert "Nguyễn Văn Sửa" in body and f"/awards/households/{h.pk}/edit/" not in body
    assert client_as("h11.thuky01").get(f"/awards/households/{h.pk}/edit/").status_code == 404
    r = api_as("h11.thuky01").patch(f"/api/v1/awards/households/{h.pk}", data='{"head_name": "X"}',
                                    content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    h.refresh_from_db()
    assert h.head_name == "Nguyễn Văn Sửa"
