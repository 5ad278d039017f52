"""Unit roles act for the user's own unit only, also after the user moves to another unit (defect 1)."""

import pytest
from django.test import Client

from thidua.accounts.models import RoleGrant, User
from thidua.accounts.selectors import grants_for
from thidua.core.models import AuditEntry
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db


def _admin_change_data(client, user):
    """The admin change form's current values, as the browser would post them back."""
    response = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        bound = form[name]
        widget_value = bound.value()
        if name in ("groups", "user_permissions"):
            data[name] = [getattr(v, "pk", v) for v in (value or [])]
        elif isinstance(widget_value, bool):
            if widget_value:
                data[name] = "on"
        elif name in ("last_login", "date_joined"):
            if value:
                data[f"{name}_0"] = value.strftime("%Y-%m-%d")
                data[f"{name}_1"] = value.strftime("%H:%M:%S")
        elif widget_value is not None:
            data[name] = getattr(widget_value, "pk", widget_value)
    return data


def test_moving_a_user_in_the_admin_revokes_grants_on_the_old_unit(user_named):
    admin = Client()
    admin.force_login(user_named("admin"))
    leader = user_named("cantho.lanhdao")
    old_unit = leader.unit
    hcm = Unit.objects.get(code="79")
    assert old_unit.pk in grants_for(leader).leader_units
    data = _admin_change_data(admin, leader)
    data["unit"] = hcm.pk
    response = admin.post(f"/admin/accounts/user/{leader.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    leader = User.objects.get(pk=leader.pk)
    assert leader.unit_id == hcm.pk
    assert not RoleGrant.objects.filter(user=leader, scope_kind="unit", unit=old_unit, revoked_at__isnull=True).exists()
    revoked = RoleGrant.objects.get(user=leader, scope_kind="unit", unit=old_unit, role="unit_leader")
    entry = AuditEntry.objects.filter(action="accounts.role.revoked", object_id=str(revoked.pk)).get()
    assert "Cần Thơ" in entry.payload["reason"] and "Hồ Chí Minh" in entry.payload["reason"]
    g = grants_for(leader)
    assert g.leader_units == frozenset() and g.member_units == frozenset()


def test_moving_a_user_keeps_grants_that_are_not_on_a_unit(user_named):
    admin = Client()
    admin.force_login(user_named("admin"))
    tw = user_named("tw.canbo")  # organiser admin of HDTDKT-TW although their unit is BTDKT-TW
    data = _admin_change_data(admin, tw)
    data["unit"] = Unit.objects.get(code="01").pk
    response = admin.post(f"/admin/accounts/user/{tw.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert RoleGrant.objects.filter(user=tw, role="organiser_admin", revoked_at__isnull=True).exists()


def test_grants_on_another_unit_than_the_users_are_ignored(user_named, api_as):
    """Defence in depth: a grant left on a former unit (whatever wrote the unit) gives nothing."""
    officer = user_named("haiphong.canbo")
    haiphong = officer.unit
    User.objects.filter(pk=officer.pk).update(unit=Unit.objects.get(code="48"))
    officer = User.objects.get(pk=officer.pk)
    g = grants_for(officer)
    assert haiphong.pk not in g.officer_units | g.secretariat_units | g.leader_units
    me = api_as("haiphong.canbo").get("/api/v1/me").json()
    assert me["roles"] == []
    client = api_as("haiphong.canbo")
    assert client.patch(f"/api/v1/units/{haiphong.pk}/contact", {"phone": "0225"},
                        content_type="application/json").status_code == 403
