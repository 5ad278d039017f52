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


FORMAT_ERROR = "Tệp không đúng định dạng thidua-ballot/1"


class MalformedFile(ValueError):
    """The file is not a published ballot file (missing or mistyped fields)."""


def _int(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise MalformedFile(f"{where}: cần một số nguyên.")
    try:
        return int(value)
    except ValueError as exc:
        raise MalformedFile(f"{where}: cần một số nguyên.") from exc


def _parse(doc) -> tuple[list[dict], list[int], int]:
    """The ballots (normalised), the candidate ids and the maximum number of choices, or MalformedFile."""
    if not isinstance(doc, dict):
        raise MalformedFile("nội dung phải là một đối tượng JSON.")
    for key, kind in (("ballot", dict), ("candidates", list), ("ballots", list), ("tally", dict),
                      ("receipts", list)):
        if not isinstance(doc.get(key), kind):
            raise MalformedFile(f"thiếu hoặc sai kiểu trường “{key}”.")
    for key in ("voters", "abstentions"):
        if key not in doc:
            raise MalformedFile(f"thiếu trường “{key}”.")
        _int(doc[key], key)
    if not isinstance(doc.get("sha256"), str):
        raise MalformedFile("thiếu trường “sha256”.")
    max_choices = _int(doc["ballot"].get("max_choices"), "ballot.max_choices")
    candidates = []
    for i, c in enumerate(doc["candidates"], start=1):
        if not isinstance(c, dict):
            raise MalformedFile(f"ứng viên thứ {i} không hợp lệ.")
        candidates.append(_int(c.get("id"), f"ứng viên thứ {i}: id"))
    rows = []
    for i, r in enumerate(doc["ballots"], start=1):
        if not isinstance(r, dict) or not isinstance(r.get("receipt"), str) or not isinstance(r.get("abstain"), bool) \
                or not isinstance(r.get("choices"), list):
            raise MalformedFile(f"phiếu thứ {i} thiếu mã biên nhận, cờ phiếu trắng hoặc danh sách lựa chọn.")
        rows.append({"receipt": r["receipt"], "abstain": r["abstain"],
                     "choices": [_int(c, f"phiếu {r['receipt']}: lựa chọn") for c in r["choices"]]})
    for k, v in doc["tally"].items():
        _int(k, "tally: mã ứng viên")
        _int(v, f"tally[{k}]")
    if not all(isinstance(x, str) for x in doc["receipts"]):
        raise MalformedFile("danh sách mã biên nhận không hợp lệ.")
    return rows, candidates, max_choices


def verify_published(doc) -> VerifyReport:
    """Recount a published file from its ballots alone and compare every figure it states: the number of
    ballots with the number of voters in the register, the abstentions, each candidate's tally, the receipts
    and the SHA-256. Each mismatch is reported."""
    problems: list[str] = []
    try:
        rows, candidates, max_choices = _parse(doc)
    except MalformedFile as exc:
        return VerifyReport(ok=False, problems=[f"{FORMAT_ERROR}: {exc}"])
    digest = hashlib.sha256(canonical_ballots(rows)).hexdigest()
    if digest != doc["sha256"]:
        problems.append(f"SHA-256 không khớp: tính được {digest}, tệp công bố {doc['sha256']}.")
    voters = int(doc["voters"])
    if len(rows) != voters:
        problems.append(f"Số phiếu trong tệp ({len(rows)}) khác số cử tri đã bỏ phiếu theo danh sách ({voters}).")
    tally = {str(c): 0 for c in candidates}
    abstentions = 0
    for r in rows:
        choices = r["choices"]
        if len(set(choices)) != len(choices) or len(choices) > max_choices:
            problems.append(f"Phiếu {r['receipt']}: số lựa chọn không hợp lệ.")
        if r["abstain"]:
            abstentions += 1
            if choices:
                problems.append(f"Phiếu {r['receipt']}: phiếu trắng nhưng có lựa chọn.")
        elif not choices:
            problems.append(f"Phiếu {r['receipt']}: không chọn ai nhưng không phải phiếu trắng (phiếu trực tuyến "
                            f"không thể như vậy).")
        for c in choices:
            if str(c) not in tally:
                problems.append(f"Phiếu {r['receipt']}: ứng viên {c} không có trên phiếu.")
                continue
            tally[str(c)] += 1
    if abstentions != int(doc["abstentions"]):
        problems.append(f"Số phiếu trắng đếm lại ({abstentions}) khác số công bố ({doc['abstentions']}).")
    published = {str(int(k)): int(v) for k, v in doc["tally"].items()}
    for key in sorted(set(tally) | set(published), key=int):
        if tally.get(key) != published.get(key):
            problems.append(f"Ứng viên {key}: đếm lại {tally.get(key, 'không có')}, "
                            f"công bố {published.get(key, 'không có')}.")
    receipts = sorted(r["receipt"] for r in rows)
    if receipts != sorted(doc["receipts"]):
        problems.append("Danh sách mã biên nhận không khớp với các phiếu.")
    if len(set(receipts)) != len(receipts):
        problems.append("Có mã biên nhận trùng nhau.")
    return VerifyReport(ok=not problems, ballots=len(rows), tally=tally, problems=problems)
