"""Loading the versioned rule sets (rulesets/*.yaml) and picking the one in force for a date or a year.

A rule set is one legal regime. Each rule carries its legal basis and status (VERIFIED / HISTORIC /
UNCONFIRMED); the parameters of UNCONFIRMED rules may be overridden by the central board (RuleOverride),
nothing else may. See rulesets/README.md for how to add a regime when the law changes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

RULESET_DIR = Path(__file__).resolve().parent / "rulesets"
STATUSES = ("VERIFIED", "HISTORIC", "UNCONFIRMED")
RULE_KINDS = ("cluster_quota", "blockers", "one_achievement_once", "chain_basis", "individual_chain",
              "consecutive_title", "collective_labour", "public_comment", "achievement_overlap", "info")


class RuleSetError(ValueError):
    """A rule-set file is malformed (raised at load, so a bad file never reaches a judgement)."""


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str
    legal_basis: str
    status: str
    params: dict = field(default_factory=dict)
    overridden: bool = False

    def get(self, key, default=None):
        return self.params.get(key, default)


@dataclass(frozen=True)
class RuleSet:
    code: str
    title: str
    effective_from: date
    effective_to: date | None
    parameters: dict
    rules: tuple[Rule, ...]

    def covers(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def by_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]

    def rule(self, code: str) -> Rule | None:
        return next((r for r in self.rules if r.code == code), None)

    def for_award(self, kind: str, award_code: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind and r.get("award") == award_code]

    @property
    def central_organisers(self) -> tuple[str, ...]:
        return tuple(self.parameters.get("central_organiser_units") or ())

    def title_on(self, on: date) -> str:
        """The texts in force on a date, as a document dated then cites them (`parameters.titles`, each from a
        date; the rule set's title when none is given or the date is before the first)."""
        best = None
        for t in self.parameters.get("titles") or ():
            start = t.get("from")
            start = start if isinstance(start, date) else date.fromisoformat(str(start))
            if start <= on and (best is None or start >= best[0]):
                best = (start, t.get("title") or self.title)
        return best[1] if best else self.title

    @property
    def lookback_years(self) -> int:
        return int(self.parameters.get("lookback_years") or 20)


def _as_date(value, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise RuleSetError(f"{where}: ngày không hợp lệ {value!r}") from exc


def parse_ruleset(data: dict, where: str = "ruleset") -> RuleSet:
    if not isinstance(data, dict):
        raise RuleSetError(f"{where}: nội dung phải là một bảng YAML")
    for key in ("code", "title", "effective_from", "rules"):
        if key not in data:
            raise RuleSetError(f"{where}: thiếu khóa {key!r}")
    rules = []
    seen = set()
    for i, raw in enumerate(data["rules"] or []):
        here = f"{where} rules[{i}]"
        for key in ("code", "kind", "legal_basis", "status"):
            if not raw.get(key):
                raise RuleSetError(f"{here}: thiếu khóa {key!r}")
        if raw["status"] not in STATUSES:
            raise RuleSetError(f"{here}: trạng thái {raw['status']!r} không thuộc {STATUSES}")
        if raw["kind"] not in RULE_KINDS:
            raise RuleSetError(f"{here}: loại quy tắc {raw['kind']!r} không được hỗ trợ")
        if raw["code"] in seen:
            raise RuleSetError(f"{here}: mã quy tắc {raw['code']!r} bị trùng")
        seen.add(raw["code"])
        params = {k: v for k, v in raw.items() if k not in ("code", "kind", "legal_basis", "status")}
        rules.append(Rule(code=raw["code"], kind=raw["kind"], legal_basis=raw["legal_basis"], status=raw["status"],
                          params=params))
    start = _as_date(data["effective_from"], where)
    end = _as_date(data.get("effective_to"), where)
    if end is not None and end < start:
        raise RuleSetError(f"{where}: ngày kết thúc trước ngày bắt đầu")
    return RuleSet(code=data["code"], title=data["title"], effective_from=start, effective_to=end,
                   parameters=dict(data.get("parameters") or {}), rules=tuple(rules))


@lru_cache(maxsize=1)
def load_rulesets() -> tuple[RuleSet, ...]:
    """Every rule set in the folder, oldest first; periods must not overlap."""
    sets = []
    for path in sorted(RULESET_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            sets.append(parse_ruleset(yaml.safe_load(fh), where=path.name))
    sets.sort(key=lambda s: s.effective_from)
    for a, b in zip(sets, sets[1:], strict=False):
        if a.effective_to is None or a.effective_to >= b.effective_from:
            raise RuleSetError(f"Hiệu lực của {a.code} và {b.code} chồng lên nhau")
    return tuple(sets)


def _apply_overrides(rs: RuleSet) -> RuleSet:
    from thidua.awards.models import RuleOverride

    overrides = {o.rule_code: o for o in RuleOverride.objects.filter(ruleset_code=rs.code)}
    if not overrides:
        return rs
    rules = []
    for r in rs.rules:
        o = overrides.get(r.code)
        if o is not None and r.status == "UNCONFIRMED":
            params = copy.deepcopy(r.params)
            params.update(o.params)
            r = Rule(code=r.code, kind=r.kind, legal_basis=o.legal_basis or r.legal_basis, status=r.status,
                     params=params, overridden=True)
        rules.append(r)
    return RuleSet(code=rs.code, title=rs.title, effective_from=rs.effective_from, effective_to=rs.effective_to,
                   parameters=rs.parameters, rules=tuple(rules))


def ruleset_on(on: date, *, with_overrides: bool = True) -> RuleSet:
    """The rule set in force on a date (raises LookupError when none covers it)."""
    for rs in load_rulesets():
        if rs.covers(on):
            return _apply_overrides(rs) if with_overrides else rs
    raise LookupError(f"Không có bộ quy tắc nào có hiệu lực vào ngày {on:%d/%m/%Y}")


def ruleset_for_year(year: int, *, with_overrides: bool = True) -> RuleSet:
    """A year is judged by the rules in force at its end (the review of year N happens early in N+1,
    but the achievements are those of year N, under the regime of year N)."""
    return ruleset_on(date(year, 12, 31), with_overrides=with_overrides)


def ruleset_get(code: str, *, with_overrides: bool = True) -> RuleSet:
    for rs in load_rulesets():
        if rs.code == code:
            return _apply_overrides(rs) if with_overrides else rs
    raise LookupError(code)
