"""Lockout: consistent usernames, an unlock for administrators, lockouts in the audit log (defect 10)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from thidua.accounts.models import LoginFailure
from thidua.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "ThiDua@2026"


def _fail(client, username, times):
    for _ in range(times):
        client.post("/accounts/login/", {"username": username, "password": "sai-mat-khau"})


def test_login_ignores_the_case_of_the_username(db):
    client = Client()
    client.post("/accounts/login/", {"username": "HCM.CanBo", "password": PASSWORD})
    assert "_auth_user_id" in client.session


def test_failures_in_another_case_count_for_the_same_account(db):
    client = Client()
    _fail(client, "HCM.CanBo", settings.LOGIN_MAX_FAILURES)
    response = client.post("/accounts/login/", {"username": "hcm.canbo", "password": PASSWORD})
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()


def test_lockout_is_audited_without_the_password(db):
    _fail(Client(), "hanoi.canbo", settings.LOGIN_MAX_FAILURES)
    entries = list(AuditEntry.objects.filter(action="accounts.user.locked_out"))
    assert len(entries) == 1
    assert entries[0].payload["username"] == "hanoi.canbo"
    assert "sai-mat-khau" not in str(entries[0].payload)


def test_unlock_command_lifts_the_lockout(db):
    client = Client()
    _fail(client, "hanoi.canbo", settings.LOGIN_MAX_FAILURES)
    call_command("unlock", "Hanoi.Canbo")
    assert not LoginFailure.objects.filter(username__iexact="hanoi.canbo").exists()
    assert AuditEntry.objects.filter(action="accounts.user.unlocked").exists()
    client.post("/accounts/login/", {"username": "hanoi.canbo", "password": PASSWORD})
    assert "_auth_user_id" in client.session


def test_admin_unlock_action(client_as):
    _fail(Client(), "hanoi.canbo", settings.LOGIN_MAX_FAILURES)
    admin = client_as("admin")
    assert admin.get("/admin/accounts/loginfailure/").status_code == 200
    ids = list(LoginFailure.objects.filter(username="hanoi.canbo").values_list("pk", flat=True))
    admin.post("/admin/accounts/loginfailure/", {"action": "unlock", "_selected_action": ids[:1]})
    assert not LoginFailure.objects.filter(username="hanoi.canbo").exists()
    assert client_as("hanoi.canbo").get("/admin/accounts/loginfailure/").status_code == 302


def test_grant_command_prints_each_message_once(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as exc:
        call_command("grant", "hcm.canbo", "unit_officer", "--unit", "01")
    text = str(exc.value)
    assert text.count("Chỉ cấp vai trò của đơn vị") == 1 and ";" not in text
