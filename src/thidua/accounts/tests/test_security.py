"""The security baseline and the weaknesses DOMAIN.md §8 lists for existing systems, as negative tests."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from thidua.accounts.models import User
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db


def test_passwords_are_salted_argon2(user_named):
    from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher

    assert issubclass(type(get_hasher()), Argon2PasswordHasher)
    a = User.objects.create_user(username="a1", password="MậtKhẩu-Dài-1")
    b = User.objects.create_user(username="b1", password="MậtKhẩu-Dài-1")
    assert a.password.startswith("argon2$") and a.password != b.password


def _settings_in_subprocess(env: dict, expr: str) -> str:
    code = f"import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','thidua.settings'); from thidua import settings as s; print({expr})"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("THIDUA_", "SECRET_KEY", "PYTEST"))}
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True)


def test_production_settings_require_a_secret_and_harden_cookies():
    missing = _settings_in_subprocess({}, "s.SECRET_KEY")
    assert missing.returncode != 0 and "SECRET_KEY" in missing.stderr
    ok = _settings_in_subprocess({"SECRET_KEY": "k" * 50},
                                 "(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, s.PASSWORD_HASHERS[0])")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "(True, True, True, 'django.contrib.auth.hashers.Argon2PasswordHasher')"


def test_former_secrets_come_from_the_environment():
    got = _settings_in_subprocess({"SECRET_KEY": "k" * 50, "SECRET_KEY_FALLBACKS": "old-1, old-2"},
                                  "s.SECRET_KEY_FALLBACKS")
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == "['old-1', 'old-2']"


def test_the_sqlite_folder_is_created_for_a_new_installation(tmp_path):
    target = tmp_path / "new" / "var" / "thidua.sqlite3"
    got = _settings_in_subprocess({"SECRET_KEY": "k" * 50, "DATABASE_URL": f"sqlite:///{target}"},
                                  "s.DATABASES['default']['NAME']")
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == str(target) and target.parent.is_dir()


def test_no_secret_in_the_repository():
    root = settings.BASE_DIR.parent.parent
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.split()
    assert ".env" not in tracked and not any(p.endswith(".sqlite3") for p in tracked)


def test_security_headers_on_pages(client_as):
    response = client_as("hanoi.canbo").get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_pages_have_no_inline_scripts_or_cdn(client_as):
    import re

    html = client_as("hanoi.canbo").get("/clusters/TPTW/2021/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html.replace('type="application/json"', "")), "inline script"
    assert "http://" not in html.split("<body")[0] and "https://" not in html.split("<body")[0]


def test_login_throttling_locks_out_after_repeated_failures(db):
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = client.post("/accounts/login/", {"username": "hanoi.canbo", "password": "sai-mat-khau"})
        assert response.status_code == 200
    # Even the right password is refused while locked out, with a clear message.
    response = client.post("/accounts/login/", {"username": "hanoi.canbo", "password": "ThiDua@2026"})
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_successful_login_is_audited_and_lands_on_dashboard(db):
    from thidua.core.models import AuditEntry

    client = Client()
    response = client.post("/accounts/login/", {"username": "hanoi.canbo", "password": "ThiDua@2026"}, follow=True)
    assert response.status_code == 200 and "Cụm thi đua các thành phố trực thuộc Trung ương" in response.content.decode()
    assert AuditEntry.objects.filter(action="accounts.user.logged_in").exists()


def test_no_state_change_over_get(client_as):
    client = client_as("hanoi.canbo")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/accounts/tokens/").status_code == 405
    assert client.get(f"/units/{Unit.objects.get(code='01').pk}/contact/").status_code == 405
    assert "_auth_user_id" in client.session


def test_session_api_writes_need_csrf(user_named):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_named("hanoi.canbo"))
    url = f"/api/v1/units/{Unit.objects.get(code='01').pk}/contact"
    response = client.patch(url, data={"phone": "1"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    assert Unit.objects.get(code="01").phone != "1"


def test_page_forms_need_csrf(user_named):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_named("hanoi.canbo"))
    response = client.post(f"/units/{Unit.objects.get(code='01').pk}/contact/", {"phone": "2"})
    assert response.status_code == 403 and Unit.objects.get(code="01").phone != "2"


def test_mass_assignment_of_protected_fields_is_refused(api_as):
    """Code, validity dates and leadership cannot be slipped into a contact update."""
    unit = Unit.objects.get(code="01")
    response = api_as("hanoi.canbo").patch(
        f"/api/v1/units/{unit.pk}/contact",
        data={"phone": "3", "code": "99", "valid_to": "2020-01-01"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and {d["field"] for d in body["details"]} >= {"code", "valid_to"}
    unit.refresh_from_db()
    assert unit.code == "01" and unit.valid_to is None and unit.phone != "3"


def test_unit_roles_only_for_own_unit(user_named):
    from thidua.accounts.services import role_grant
    from thidua.core.actors import SYSTEM
    from thidua.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        role_grant(actor=SYSTEM, user_id=user_named("cantho.canbo").pk, role="unit_officer", scope_kind="unit",
                   scope_id=Unit.objects.get(code="01").pk)


def test_organiser_admin_cannot_grant_organiser_wide_rights(user_named):
    from thidua.accounts.services import role_grant
    from thidua.core.errors import Forbidden

    with pytest.raises(Forbidden):
        role_grant(actor=user_named("tw.canbo"), user_id=user_named("hanoi.canbo").pk, role="organiser_admin",
                   scope_kind="organiser", scope_id=Unit.objects.get(code="HDTDKT-TW").pk)


def test_unit_officer_cannot_grant_roles(user_named):
    from thidua.accounts.services import role_grant
    from thidua.core.errors import Forbidden

    with pytest.raises(Forbidden):
        role_grant(actor=user_named("hanoi.canbo"), user_id=user_named("hanoi.lanhdao").pk, role="unit_officer",
                   scope_kind="unit", scope_id=Unit.objects.get(code="01").pk)


def test_unknown_api_path_answers_in_the_api_error_shape():
    response = Client().get("/api/v1/khong-co")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
