"""The versioned catalogue file (data/catalogue.yaml) and holidays (data/holidays.yaml), and loading them.

`sync_catalogue` is used by the data migration with historical models; it creates what is missing and
leaves entries the central board has edited since alone (edits go through services.award_type_update).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
FIELDS = ("name", "kind", "form", "level", "proposer", "decider", "legal_basis", "status", "cash_legal_basis",
          "cash_status")


@lru_cache(maxsize=1)
def load_catalogue_file() -> dict:
    with (DATA_DIR / "catalogue.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    codes = [a["code"] for a in data["awards"]]
    if len(codes) != len(set(codes)):
        raise ValueError("catalogue.yaml: mã danh hiệu bị trùng")
    for a in data["awards"]:
        for req in a.get("dossier") or []:
            if req not in data.get("requirements", {}):
                raise ValueError(f"catalogue.yaml: {a['code']} cần thành phần hồ sơ chưa khai báo {req!r}")
    return data


def load_holidays_file() -> dict:
    with (DATA_DIR / "holidays.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _dec(v):
    return None if v is None else Decimal(str(v))


def sync_catalogue(AwardType, BaseSalary, Holiday) -> int:  # noqa: N803 - model classes (historical in migrations)
    data = load_catalogue_file()
    created = 0
    for i, a in enumerate(data["awards"]):
        if AwardType.objects.filter(code=a["code"]).exists():
            continue
        AwardType.objects.create(
            code=a["code"], sort_order=i, recipient_kinds=list(a.get("recipient_kinds") or []),
            cash_multiple_collective=_dec(a.get("cash_multiple_collective")),
            cash_multiple_individual=_dec(a.get("cash_multiple_individual")),
            valid_from=a.get("valid_from"), valid_to=a.get("valid_to"), catalogue_version=str(data["version"]),
            **{f: a.get(f) or ("" if f not in ("status", "cash_status") else "UNCONFIRMED") for f in FIELDS})
        created += 1
    for s in data.get("base_salary") or []:
        BaseSalary.objects.get_or_create(valid_from=s["valid_from"], defaults={
            "amount_vnd": int(s["amount_vnd"]), "legal_basis": s["legal_basis"], "status": s["status"]})
    hol = load_holidays_file()
    for _year, days in (hol.get("days") or {}).items():
        for d in days:
            Holiday.objects.get_or_create(day=d if isinstance(d, date) else date.fromisoformat(str(d)),
                                          defaults={"name": "Nghỉ lễ, Tết", "legal_basis": hol.get("legal_basis", "")})
    return created
