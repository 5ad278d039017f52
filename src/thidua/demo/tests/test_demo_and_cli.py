import os

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(capsys):
    from thidua.accounts.models import RoleGrant, User
    from thidua.core.audit import audit_verify
    from thidua.organisations.models import Cluster, ClusterMembership, ClusterYear, Unit

    def counts():
        return [m.objects.count() for m in (Unit, Cluster, ClusterMembership, ClusterYear, User, RoleGrant)]

    before = counts()
    call_command("demo")
    assert counts() == before
    out = capsys.readouterr().out
    assert "hanoi.canbo" in out and "ThiDua@2026" in out
    assert audit_verify().ok


def test_demo_has_a_second_cluster_of_another_organiser():
    from thidua.organisations.models import Cluster

    organisers = set(Cluster.objects.values_list("organiser__code", flat=True))
    assert {"HDTDKT-TW", "HDTDKT-92"} <= organisers


def test_createadmin_from_environment(monkeypatch, capsys):
    from thidua.accounts.models import User

    monkeypatch.setenv("THIDUA_TEST_PW", "Mật-khẩu-Quản-trị-2026")
    call_command("createadmin", "--username", "quantri", "--password-env", "THIDUA_TEST_PW")
    user = User.objects.get(username="quantri")
    assert user.is_superuser and user.check_password("Mật-khẩu-Quản-trị-2026")


def test_createadmin_refuses_weak_password(monkeypatch):
    from django.core.management import CommandError

    monkeypatch.setenv("THIDUA_TEST_PW", "123")
    with pytest.raises(CommandError, match="password|mật khẩu|ngắn|short"):
        call_command("createadmin", "--username", "yeu", "--password-env", "THIDUA_TEST_PW")


def test_thidua_console_script_loads_env_file(tmp_path, monkeypatch):
    from thidua.cli import load_env_file

    env = tmp_path / ".env"
    env.write_text("# bình luận\nTHIDUA_X_TEST='abc'\nSECRET_KEY=zzz\n", encoding="utf-8")
    monkeypatch.delenv("THIDUA_X_TEST", raising=False)
    monkeypatch.setenv("SECRET_KEY", "from-env")
    load_env_file(env)
    assert os.environ["THIDUA_X_TEST"] == "abc" and os.environ["SECRET_KEY"] == "from-env"
    monkeypatch.delenv("THIDUA_X_TEST")
