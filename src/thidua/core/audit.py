"""Writing and verifying the hash-chained audit log (STYLE.md rule 6)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from thidua.core.context import get_request_id
from thidua.core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64


def _normalise(payload: dict | None) -> dict:
    # What is hashed must be exactly what the database gives back: go through JSON once.
    return json.loads(json.dumps(payload or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def _canonical(
    *,
    created_at: datetime,
    action: str,
    actor_id: int | None,
    actor_unit_id: int | None,
    object_type: str,
    object_id: str,
    payload: dict,
    request_id: str,
    prev_hash: str,
) -> bytes:
    body = {
        "action": action,
        "actor": actor_id,
        "actor_unit": actor_unit_id,
        "at": created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "object_id": object_id,
        "object_type": object_type,
        "payload": payload,
        "prev": prev_hash,
        "request_id": request_id,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(
        _canonical(
            created_at=entry.created_at,
            action=entry.action,
            actor_id=entry.actor_id,
            actor_unit_id=entry.actor_unit_id,
            object_type=entry.object_type,
            object_id=entry.object_id,
            payload=entry.payload,
            request_id=entry.request_id,
            prev_hash=entry.prev_hash,
        )
    ).hexdigest()


def object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    payload: dict | None = None,
) -> AuditEntry:
    """Append one entry to the chain. Must be called inside the service's transaction."""
    object_type, object_id = object_ref(obj)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        # Microsecond precision survives both SQLite and PostgreSQL, so the hash can be recomputed.
        created_at = timezone.now().astimezone(UTC)
        entry = AuditEntry(
            created_at=created_at,
            action=action,
            actor_id=getattr(actor, "pk", None) if actor is not None and actor.is_authenticated else None,  # SYSTEM: None
            actor_unit_id=getattr(actor, "unit_id", None) if actor is not None else None,
            object_type=object_type,
            object_id=object_id,
            payload=_normalise(payload),
            request_id=get_request_id(),
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=1).update(last_id=entry.pk, last_hash=entry.hash, count=head.count + 1)
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def audit_verify(*, chunk_size: int = 5000) -> VerifyResult:
    """Walk the chain from the start; report the first entry whose hash or link does not hold."""
    prev = GENESIS_HASH
    checked = 0
    last_id = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=chunk_size):
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, entry.pk, "liên kết tới bản ghi trước không khớp (bản ghi bị xóa hoặc chèn)")
        if entry_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.pk, "nội dung bản ghi đã bị sửa")
        prev = entry.hash
        last_id = entry.pk
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.count != checked):
        return VerifyResult(
            False, checked, last_id or None, "cuối chuỗi không khớp với đầu chuỗi (bản ghi cuối bị xóa hoặc thêm ngoài hệ thống)"
        )
    if head is None and checked:
        return VerifyResult(False, checked, None, "thiếu đầu chuỗi")
    return VerifyResult(True, checked)
