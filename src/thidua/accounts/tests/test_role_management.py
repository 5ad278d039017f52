"""The role management page: who may grant and revoke what (defects 4 and 11)."""

import pytest

from thidua.accounts.models import RoleGrant, User
from thidua.core.models import AuditEntry
from thidua.organisations.models import Cluster, Unit

pytestmark = pytest.mark.django_db

MANAGERS = {"admin", "tw.canbo", "ct.hoidong"}
OTHERS = ["hanoi.canbo", "tw.lanhdao", "ct.stc.canbo"]


@pytest.fixture
def newcomer(db):
    return User.objects.create_user(username="nv.moi", password="x" * 14, unit=Unit.objects.get(code="92"))


@pytest.mark.parametrize("username", sorted(MANAGERS) + OTHERS)
def test_who_may_open_the_role_page(client_as, username):
    response = client_as(username).get("/accounts/roles/")
    assert response.status_code == (200 if username in MANAGERS else 403)


def _scope(kind, code):
    if kind in ("unit", "organiser"):
        return f"{kind}:{Unit.objects.get(code=code).pk}"
    return f"{kind}:{Cluster.objects.get(code=code).pk}"


GRANTS = [
    # (role, scope kind, scope code) -> users who may grant it
    ("observer", "cluster", "TPTW", {"admin", "tw.canbo"}),
    ("unit_officer", "unit", "92", {"admin", "tw.canbo"}),
    ("secretariat", "unit", "92", {"admin", "tw.canbo"}),
    ("organiser_admin", "organiser", "HDTDKT-TW", {"admin"}),
    ("observer", "cluster", "CT-KHOI-KT", {"admin", "ct.hoidong"}),
]


@pytest.mark.parametrize(("role", "kind", "code", "allowed"), GRANTS)
@pytest.mark.parametrize("username", sorted(MANAGERS) + OTHERS)
def test_grant_matrix(client_as, newcomer, username, role, kind, code, allowed):
    response = client_as(username).post("/accounts/roles/", {"username": "nv.moi", "role": role,
                                                             "scope": _scope(kind, code), "note": "QĐ 12"})
    granted = RoleGrant.objects.filter(user=newcomer, role=role, scope_kind=kind, revoked_at__isnull=True).exists()
    if username in allowed:
        assert response.status_code == 302 and granted
        grant = RoleGrant.objects.get(user=newcomer, role=role, scope_kind=kind)
        assert grant.granted_by.username == username
        assert AuditEntry.objects.filter(action="accounts.role.granted", object_id=str(grant.pk)).exists()
    else:
        assert response.status_code in (200, 403) and not granted


def test_unit_role_on_another_unit_is_refused_with_a_message(client_as, newcomer):
    response = client_as("tw.canbo").post("/accounts/roles/", {"username": "nv.moi", "role": "unit_officer",
                                                               "scope": _scope("unit", "01")})
    assert response.status_code == 200
    assert "chính đơn vị" in response.content.decode()
    assert not RoleGrant.objects.filter(user=newcomer).exists()


def _hanoi_officer_grant():
    return RoleGrant.objects.get(user__username="hanoi.canbo", role="unit_officer", revoked_at__isnull=True)


@pytest.mark.parametrize(("username", "expected"), [("admin", 302), ("tw.canbo", 302), ("ct.hoidong", 404),
                                                    ("hanoi.canbo", 403), ("tw.lanhdao", 403)])
def test_revoke_matrix(client_as, username, expected):
    grant = _hanoi_officer_grant()
    response = client_as(username).post(f"/accounts/roles/{grant.pk}/revoke/", {"reason": "Chuyển công tác"})
    assert response.status_code == expected
    grant.refresh_from_db()
    assert (grant.revoked_at is not None) == (expected == 302)
    if expected == 302:
        entry = AuditEntry.objects.get(action="accounts.role.revoked", object_id=str(grant.pk))
        assert entry.payload["reason"] == "Chuyển công tác"


def test_revocation_needs_a_reason_and_asks_for_confirmation(client_as):
    grant = _hanoi_officer_grant()
    client = client_as("tw.canbo")
    page = client.get("/accounts/roles/").content.decode()
    assert f'action="/accounts/roles/{grant.pk}/revoke/"' in page
    form = page.split(f'action="/accounts/roles/{grant.pk}/revoke/"')[1].split(">")[0]
    assert "data-confirm=" in form
    client.post(f"/accounts/roles/{grant.pk}/revoke/", {"reason": "  "})
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_service_refuses_revocation_without_reason(user_named):
    from thidua.accounts.services import role_revoke
    from thidua.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        role_revoke(actor=user_named("admin"), grant_id=_hanoi_officer_grant().pk, reason="")


def test_admin_revoke_action_asks_for_a_reason(client_as):
    grant = _hanoi_officer_grant()
    client = client_as("admin")
    url = "/admin/accounts/rolegrant/"
    first = client.post(url, {"action": "revoke", "_selected_action": [grant.pk]})
    assert first.status_code == 200
    assert 'name="reason"' in first.content.decode()
    grant.refresh_from_db()
    assert grant.revoked_at is None
    client.post(url, {"action": "revoke", "_selected_action": [grant.pk], "confirm": "yes", "reason": ""})
    grant.refresh_from_db()
    assert grant.revoked_at is None
    client.post(url, {"action": "revoke", "_selected_action": [grant.pk], "confirm": "yes", "reason": "Nghỉ hưu"})
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    entry = AuditEntry.objects.get(action="accounts.role.revoked", object_id=str(grant.pk))
    assert entry.payload["reason"] == "Nghỉ hưu"
