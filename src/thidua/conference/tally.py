"""Recounting a published online ballot from its file alone (no database): anyone can check the tally and
the SHA-256 of the anonymous ballots."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


@dataclass
class VerifyReport:
    ok: bool
    ballots: int = 0
    tally: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def canonical_ballots(rows: list[dict]) -> bytes:
    """The canonical form whose SHA-256 is published: ballots sorted by receipt, compact sorted-key JSON."""
    norm = sorted(({"receipt": r["receipt"], "abstain": bool(r["abstain"]),
                    "choices": sorted(int(c) for c in r["choices"])} for r in rows), key=lambda r: r["receipt"])
    return json.dumps(norm, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def verify_published(doc: dict) -> VerifyReport:
    problems: list[str] = []
    try:
        rows = doc["ballots"]
        candidates = [int(c["id"]) for c in doc["candidates"]]
        max_choices = int(doc["ballot"]["max_choices"])
    except (KeyError, TypeError, ValueError):
        return VerifyReport(ok=False, problems=["Tệp không đúng định dạng thidua-ballot/1."])
    digest = hashlib.sha256(canonical_ballots(rows)).hexdigest()
    if digest != doc.get("sha256"):
        problems.append(f"SHA-256 không khớp: tính được {digest}, tệp công bố {doc.get('sha256')}.")
    tally = {str(c): 0 for c in candidates}
    for r in rows:
        choices = [int(c) for c in r["choices"]]
        if len(set(choices)) != len(choices) or len(choices) > max_choices:
            problems.append(f"Phiếu {r['receipt']}: số lựa chọn không hợp lệ.")
        if r["abstain"] and choices:
            problems.append(f"Phiếu {r['receipt']}: phiếu trắng nhưng có lựa chọn.")
        for c in choices:
            if str(c) not in tally:
                problems.append(f"Phiếu {r['receipt']}: ứng viên {c} không có trên phiếu.")
                continue
            tally[str(c)] += 1
    if tally != {str(k): int(v) for k, v in doc.get("tally", {}).items()}:
        problems.append(f"Kết quả kiểm đếm lại {tally} khác kết quả công bố {doc.get('tally')}.")
    receipts = sorted(r["receipt"] for r in rows)
    if receipts != sorted(doc.get("receipts", [])):
        problems.append("Danh sách mã biên nhận không khớp với các phiếu.")
    if len(set(receipts)) != len(receipts):
        problems.append("Có mã biên nhận trùng nhau.")
    return VerifyReport(ok=not problems, ballots=len(rows), tally=tally, problems=problems)
