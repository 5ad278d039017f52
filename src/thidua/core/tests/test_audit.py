import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from thidua.core.actors import SYSTEM
from thidua.core.audit import audit_record, audit_verify
from thidua.core.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


def _raw(sql: str, params=()):
    """Tamper with the table the way a database administrator could: around the ORM and the triggers."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks may block the ALTER
            cur.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
            cur.execute(sql, params)
            cur.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
        else:
            cur.execute("DROP TRIGGER IF EXISTS core_auditentry_no_update")
            cur.execute("DROP TRIGGER IF EXISTS core_auditentry_no_delete")
            cur.execute(sql, params)


def _three_entries():
    return [audit_record(action="test.thing.done", actor=SYSTEM, payload={"n": i, "tên": "Cần Thơ"}) for i in range(3)]


def test_chain_verifies_after_demo_and_new_entries():
    _three_entries()
    result = audit_verify()
    assert result.ok, result
    assert result.checked == AuditEntry.objects.count()


def test_each_entry_links_to_the_previous_hash():
    a, b, c = _three_entries()
    assert b.prev_hash == a.hash and c.prev_hash == b.hash


def test_orm_refuses_update_and_delete():
    entry = _three_entries()[0]
    entry.action = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_database_trigger_refuses_raw_update():
    entry = _three_entries()[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_auditentry SET action = %s WHERE id = %s", ["x", entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])


def test_edited_payload_is_detected():
    a, b, c = _three_entries()
    _raw("UPDATE core_auditentry SET payload = %s WHERE id = %s", ['{"n": 99}', b.pk])
    result = audit_verify()
    assert not result.ok and result.broken_id == b.pk
    assert "sửa" in result.reason


def test_deleted_middle_entry_is_detected():
    a, b, c = _three_entries()
    _raw("DELETE FROM core_auditentry WHERE id = %s", [b.pk])
    result = audit_verify()
    assert not result.ok and result.broken_id == c.pk


def test_deleted_last_entry_is_detected():
    a, b, c = _three_entries()
    _raw("DELETE FROM core_auditentry WHERE id = %s", [c.pk])
    result = audit_verify()
    assert not result.ok


def test_audit_verify_command_reports_ok_and_tampering(capsys):
    a, b, c = _three_entries()
    call_command("audit", "verify")
    assert "OK" in capsys.readouterr().out
    _raw("UPDATE core_auditentry SET action = %s WHERE id = %s", ["forged.action", a.pk])
    with pytest.raises(CommandError, match=f"#{a.pk}"):
        call_command("audit", "verify")
