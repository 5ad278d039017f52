"""The eligibility engine: never a bare yes/no, always reasons with citations and what is missing.

Two paths judge the individual merit chains:
- the single-nominee path (`chain_single`) walks one person's years in Python, as a reader of the law would;
- the batch path (`chain_batch_sql`) judges every person at once in one set-based SQL statement
  (year bitmasks aggregated per person, no per-row loops), used by `thidua bench eligibility` and by lists.
A property-based test proves they agree on random histories.

Chain semantics (documented in rulesets/README.md), judging year Y with lookback H:
- a year counts only if it is after the end year of the last discipline period (NĐ 152/2025);
- only awards of the counted bases (merit) count toward chains (NĐ 152/2025: ad-hoc, thematic do not);
- individual_chain (Bằng khen Thủ tướng, Law Đ73 k1 b): the latest prior award (Bằng khen cấp bộ/tỉnh) is
  newer than the latest award of the same chain (one achievement rewarded once, Law Đ5 k2); then the run of
  consecutive years ending at Y with duties "good or better", containing no prior/consumed award year,
  is ≥ streak_years and contains ≥ title_count years with the title (Chiến sĩ thi đua cơ sở);
- consecutive_title (Bằng khen cấp bộ/tỉnh, Law Đ74 k1): the run of consecutive years ending at Y with the
  title and without an award of the chain is ≥ years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from thidua.awards.rulesets import Rule, RuleSet


@dataclass(frozen=True)
class Reason:
    ok: bool
    message: str
    citation: str
    status: str
    rule: str


@dataclass
class Verdict:
    award_code: str
    award_name: str
    year: int
    ruleset_code: str
    ruleset_title: str
    eligible: bool
    reasons: list[Reason] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    applicable: bool = True

    def as_dict(self) -> dict:
        d = asdict(self)
        d["reasons"] = [asdict(r) for r in self.reasons]
        return d


# --- Individual chains: shared shapes ------------------------------------------------------------------


@dataclass(frozen=True)
class YearFlags:
    good: bool = False
    awards: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ChainResult:
    rule: str
    eligible: bool
    streak: int
    titles: int
    last_prior: int | None
    last_consumed: int | None


def chain_award_codes(rule: Rule) -> list[str]:
    codes = []
    for c in [rule.get("title"), *(rule.get("prior_awards") or []), *(rule.get("consumed_by") or [])]:
        if c and c not in codes:
            codes.append(c)
    return codes


def chain_rules(rs: RuleSet) -> list[Rule]:
    return [r for r in rs.rules if r.kind in ("individual_chain", "consecutive_title")]


def chain_single(rule: Rule, *, years: dict[int, YearFlags], disc_until: int | None, year: int,
                 lookback: int) -> ChainResult:
    """One person, one rule, walking the years from Y backwards."""
    title = rule.get("title")
    prior = set(rule.get("prior_awards") or [])
    consumed = set(rule.get("consumed_by") or [])
    lo = year - lookback
    floor = disc_until if disc_until is not None else -1

    def flags(y):
        return years.get(y, YearFlags())

    last_prior = max((y for y, f in years.items() if y <= year and f.awards & prior), default=None)
    last_consumed = max((y for y, f in years.items() if y <= year and f.awards & consumed), default=None)
    streak = titles = 0
    y = year
    while y > lo and y > floor:
        f = flags(y)
        if rule.kind == "individual_chain":
            if not f.good or f.awards & (prior | consumed):
                break
        else:
            if title not in f.awards or f.awards & consumed:
                break
        streak += 1
        titles += 1 if title in f.awards else 0
        y -= 1
    if rule.kind == "individual_chain":
        has_prior = last_prior is not None and (last_consumed is None or last_consumed < last_prior)
        eligible = has_prior and streak >= int(rule.get("streak_years")) and titles >= int(rule.get("title_count"))
    else:
        eligible = streak >= int(rule.get("years"))
    return ChainResult(rule=rule.code, eligible=eligible, streak=streak, titles=titles, last_prior=last_prior,
                       last_consumed=last_consumed)


# --- Batch path (SQL) ----------------------------------------------------------------------------------


def _popcount(expr: str, bits: int, vendor: str) -> str:
    if vendor == "postgresql":
        return f"bit_count(CAST(({expr}) AS bit(64)))"
    return "(" + " + ".join(f"((({expr}) >> {i}) & 1)" for i in range(bits)) + ")"


def chain_batch_sql(rs: RuleSet, *, facts_sql: str, disc_sql: str, year: int, vendor: str | None = None,
                    slices: Sequence[tuple[int, int]] | None = None) -> str:
    """One SELECT giving, per person_id, for each chain rule i: e{i} (0/1), s{i} (streak), t{i} (titles),
    p{i} (last prior year), c{i} (last consumed year).

    `facts_sql` yields (person_id, year, good, a_<k> …) with ONE row per person and year, where a_<k> is 1
    when the person holds award k (index in `batch_award_codes(rs)`) that year; `disc_sql` yields
    (person_id, until_year). All integers; the year bitmask bit (Y - year) is set for the years counted.

    `slices` (optional): half-open person_id ranges [lo, hi) covering the people to judge. The statement is
    then a UNION ALL of one complete evaluation per range, so PostgreSQL can hand whole ranges to parallel
    workers (Parallel Append): each person's years are grouped by one process (no partial aggregation merged
    by the leader), and the join with the discipline periods and the verdict expressions run in the workers
    too. People outside every range are not judged.
    """
    vendor = vendor or connection.vendor
    if slices is None:
        return _chain_batch_branch(rs, facts_sql=facts_sql, disc_sql=disc_sql, year=year, vendor=vendor)
    if not slices:
        raise ValueError("slices: at least one person_id range")
    return " UNION ALL ".join(
        _chain_batch_branch(rs, facts_sql=facts_sql, disc_sql=disc_sql, year=year, vendor=vendor, lo_hi=(int(a), int(b)))
        for a, b in slices)


def _chain_batch_branch(rs: RuleSet, *, facts_sql: str, disc_sql: str, year: int, vendor: str,
                        lo_hi: tuple[int, int] | None = None) -> str:
    codes = batch_award_codes(rs)
    col = {c: f"f.a_{i}" for i, c in enumerate(codes)}
    lookback = min(rs.lookback_years, 62)
    lo = year - lookback
    # PostgreSQL: BIT_OR keeps bigint (SUM would give numeric); SQLite has no BIT_OR, and with one row per
    # person and year a SUM of distinct bits is the same number.
    agg = "BIT_OR" if vendor == "postgresql" else "SUM"
    aggregates: dict[str, str] = {}  # expression -> alias (MAX of years)
    masks: dict[str, str] = {}  # row condition -> mask name: rules sharing a condition share a mask

    def aggregate(expr: str) -> str:
        return aggregates.setdefault(expr, f"x{len(aggregates)}")

    def mask(cond: str) -> str:
        return masks.setdefault(cond, f"m{len(masks)}")

    # Discipline is applied after grouping (one join per person, not per row): the years counted are
    # those after the end year of the last discipline period, i.e. bits below (Y - until_year).
    keep = (f"(CASE WHEN d.until_year IS NULL OR {year} - d.until_year > 62 THEN CAST(-1 AS BIGINT) "
            f"WHEN d.until_year >= {year} THEN CAST(0 AS BIGINT) "
            f"ELSE (CAST(1 AS BIGINT) << ({year} - d.until_year)) - 1 END)")
    plan = []
    for rule in chain_rules(rs):
        title = col[rule.get("title")]
        prior = [col[c] for c in rule.get("prior_awards") or []]
        consumed = [col[c] for c in rule.get("consumed_by") or []]
        any_prior = " + ".join(prior) or "0"
        any_consumed = " + ".join(consumed) or "0"
        if rule.kind == "individual_chain":
            ok = f"f.good = 1 AND ({any_prior}) = 0 AND ({any_consumed}) = 0"
        else:
            ok = f"{title} = 1 AND ({any_consumed}) = 0"
        plan.append((rule, mask(ok), mask(f"{title} = 1"),
                     aggregate(f"MAX(CASE WHEN ({any_prior}) > 0 THEN f.year END)") if prior else None,
                     aggregate(f"MAX(CASE WHEN ({any_consumed}) > 0 THEN f.year END)") if consumed else None))
    # Several year masks are packed side by side into one bigint per aggregate, so each row feeds as few
    # aggregates as possible (lookback bits per mask, 63 bits per bigint).
    per_pack = max(1, 63 // lookback)
    names = list(masks.items())
    packs, where = [], {}
    for start in range(0, len(names), per_pack):
        terms = []
        for slot, (cond, name) in enumerate(names[start:start + per_pack]):
            terms.append(f"CASE WHEN f.year > {lo} AND {cond} THEN (CAST(1 AS BIGINT) << ({year} - f.year + "
                         f"{slot * lookback})) ELSE 0 END")
            where[name] = (len(packs), slot)
        packs.append(f"{agg}({' + '.join(terms)})")
    full = f"((CAST(1 AS BIGINT) << {lookback}) - 1)"

    def mask_ref(name: str) -> str:
        pack, slot = where[name]
        return f"((g.k{pack} >> {slot * lookback}) & {full})"

    # Three levels above the grouping, each computing every value once (PostgreSQL has no common
    # subexpression elimination, and a fence keeps the planner from inlining a level into every column of
    # the next that reads it):
    # - runs: per rule the run of consecutive counted years ending at Y (the lowest bits of the ok mask up
    #   to its first zero), cut at the discipline (keep is a mask of low bits, so run(ok & keep) = run(ok) & keep,
    #   and keep is computed once per rule), and the title mask;
    # - counts: one popcount each for the streak and the titles;
    # - verdicts: from the counts.
    # Counts and verdicts are SMALLINT (at most 62): narrower verdict rows to send and write.
    runs, counts, verdicts = [], [], []
    one, zero = "CAST(1 AS SMALLINT)", "CAST(0 AS SMALLINT)"
    for i, (rule, ok_m, tm_m, p_a, c_a) in enumerate(plan):
        okm = mask_ref(ok_m)
        runs += [f"(((({okm} + 1) & ~{okm}) - 1) & {keep}) AS r{i}", f"{mask_ref(tm_m)} AS tm{i}",
                 f"{f'g.{p_a}' if p_a else 'NULL'} AS p{i}", f"{f'g.{c_a}' if c_a else 'NULL'} AS c{i}"]
        counts += [f"CAST({_popcount(f'h.r{i}', lookback, vendor)} AS SMALLINT) AS s{i}",
                   f"CAST({_popcount(f'h.r{i} & h.tm{i}', lookback, vendor)} AS SMALLINT) AS t{i}",
                   f"h.p{i} AS p{i}", f"h.c{i} AS c{i}"]
        if rule.kind == "individual_chain":
            cond = (f"z.p{i} IS NOT NULL AND (z.c{i} IS NULL OR z.c{i} < z.p{i}) AND z.s{i} >= "
                    f"{int(rule.get('streak_years'))} AND z.t{i} >= {int(rule.get('title_count'))}")
        else:
            cond = f"z.s{i} >= {int(rule.get('years'))}"
        verdicts += [f"CASE WHEN {cond} THEN {one} ELSE {zero} END AS e{i}", f"z.s{i} AS s{i}", f"z.t{i} AS t{i}",
                     f"z.p{i} AS p{i}", f"z.c{i} AS c{i}"]
    inner = ", ".join([f"{expr} AS k{j}" for j, expr in enumerate(packs)]
                      + [f"{expr} AS {alias}" for expr, alias in aggregates.items()])
    # The fence: OFFSET with an untyped literal, which PostgreSQL folds to a constant 0 at parse time, so the
    # subquery still counts as parallel-safe (a plain OFFSET 0 is still an int-to-bigint cast when the planner
    # decides that, so it treats the subquery as having a LIMIT and keeps it out of Parallel Append).
    # SQLite needs a LIMIT.
    fence = " OFFSET '0'" if vendor == "postgresql" else " LIMIT -1 OFFSET 0"
    rng_f = rng_d = ""
    if lo_hi is not None:
        rng_f = f" AND f.person_id >= {lo_hi[0]} AND f.person_id < {lo_hi[1]}"
        rng_d = f" WHERE d0.person_id >= {lo_hi[0]} AND d0.person_id < {lo_hi[1]}"
    return (
        f"SELECT z.person_id, {', '.join(verdicts)} FROM ("
        f"SELECT h.person_id AS person_id, {', '.join(counts)} FROM ("
        f"SELECT g.person_id AS person_id, {', '.join(runs)} FROM ("
        f"SELECT f.person_id AS person_id, {inner} FROM ({facts_sql}) f WHERE f.year <= {year}{rng_f} "
        f"GROUP BY f.person_id"
        f") g LEFT JOIN (SELECT d0.person_id AS person_id, d0.until_year AS until_year FROM ({disc_sql}) d0{rng_d}) d "
        f"ON d.person_id = g.person_id{fence}) h{fence}) z"
    )


def batch_award_codes(rs: RuleSet) -> list[str]:
    codes: list[str] = []
    for r in chain_rules(rs):
        for c in chain_award_codes(r):
            if c not in codes:
                codes.append(c)
    return codes


def orm_facts_sql(rs: RuleSet, *, year: int, person_ids: list[int] | None = None) -> tuple[str, str]:
    """facts_sql and disc_sql over the awards tables (duty ratings, award records, discipline records)."""
    from thidua.awards.models import AwardType

    codes = batch_award_codes(rs)
    ids = dict(AwardType.objects.filter(code__in=codes).values_list("code", "pk"))
    bases = ", ".join(f"'{b}'" for b in _counted_bases(rs))
    who = f" AND person_id IN ({', '.join(str(int(p)) for p in person_ids)})" if person_ids is not None else ""
    zeros = ", ".join(f"0 AS a_{i}" for i in range(len(codes)))
    flags = ", ".join(f"CASE WHEN award_type_id = {ids.get(c, -1)} THEN 1 ELSE 0 END AS a_{i}" for i, c in enumerate(codes))
    maxes = ", ".join(f"MAX(a_{i}) AS a_{i}" for i in range(len(codes)))
    facts = (
        f"SELECT person_id, year, MAX(good) AS good, {maxes} FROM ("
        f"SELECT person_id, year, CASE WHEN rating >= 2 THEN 1 ELSE 0 END AS good, {zeros} "
        f"FROM awards_dutyrating WHERE year <= {year}{who} "
        f"UNION ALL SELECT person_id, year, 0 AS good, {flags} FROM awards_awardrecord "
        f"WHERE person_id IS NOT NULL AND year <= {year} AND basis IN ({bases}){who}"
        f") u GROUP BY person_id, year"
    )
    year_of_end = ("CAST(EXTRACT(YEAR FROM ends_on) AS INTEGER)" if connection.vendor == "postgresql"
                   else "CAST(strftime('%Y', ends_on) AS INTEGER)")
    disc = (
        f"SELECT person_id, MAX(CASE WHEN ends_on IS NULL THEN {year} ELSE {year_of_end} END) AS until_year "
        f"FROM awards_blockerrecord WHERE kind = 'discipline' AND person_id IS NOT NULL "
        f"AND starts_on <= '{date(year, 12, 31).isoformat()}'{who} GROUP BY person_id"
    )
    return facts, disc


def _counted_bases(rs: RuleSet) -> list[str]:
    rules = rs.by_kind("chain_basis")
    return list(rules[0].get("counted_bases")) if rules else ["merit"]


def chains_batch(rs: RuleSet, *, year: int, person_ids: list[int] | None = None) -> dict[int, dict[str, ChainResult]]:
    """Every person (or the given ones) judged at once from the database."""
    facts, disc = orm_facts_sql(rs, year=year, person_ids=person_ids)
    sql = chain_batch_sql(rs, facts_sql=facts, disc_sql=disc, year=year)
    rules = chain_rules(rs)
    out: dict[int, dict[str, ChainResult]] = {}
    with connection.cursor() as cur:
        cur.execute(sql)
        for row in cur.fetchall():
            pid, rest = row[0], row[1:]
            res = {}
            for i, rule in enumerate(rules):
                e, s, t, p, c = rest[5 * i: 5 * i + 5]
                res[rule.code] = ChainResult(rule=rule.code, eligible=bool(e), streak=int(s), titles=int(t),
                                             last_prior=p, last_consumed=c)
            out[pid] = res
    return out


def person_years(rs: RuleSet, *, person_id: int, year: int) -> tuple[dict[int, YearFlags], int | None]:
    """One person's years from the database, for the single-nominee path."""
    from thidua.awards.models import AwardRecord, BlockerKind, BlockerRecord, DutyRating

    codes = set(batch_award_codes(rs))
    good = {y: r >= 2 for y, r in DutyRating.objects.filter(person_id=person_id, year__lte=year)
            .values_list("year", "rating")}
    awards: dict[int, set[str]] = {}
    for y, code in (AwardRecord.objects.filter(person_id=person_id, year__lte=year, basis__in=_counted_bases(rs),
                                               award_type__code__in=codes)
                    .values_list("year", "award_type__code")):
        awards.setdefault(y, set()).add(code)
    years = {y: YearFlags(good=good.get(y, False), awards=frozenset(awards.get(y, ()))) for y in set(good) | set(awards)}
    disc_until = None
    for ends_on in BlockerRecord.objects.filter(
            person_id=person_id, kind=BlockerKind.DISCIPLINE, starts_on__lte=date(year, 12, 31)).values_list(
            "ends_on", flat=True):
        until = year if ends_on is None else ends_on.year
        disc_until = until if disc_until is None else max(disc_until, until)
    return years, disc_until


def chains_single(rs: RuleSet, *, person_id: int, year: int) -> dict[str, ChainResult]:
    years, disc_until = person_years(rs, person_id=person_id, year=year)
    return {r.code: chain_single(r, years=years, disc_until=disc_until, year=year, lookback=min(rs.lookback_years, 62))
            for r in chain_rules(rs)}


def explain_chain(rule: Rule, result: ChainResult, *, award_names: dict[str, str], disc_until: int | None,
                  year: int) -> tuple[list[Reason], list[str]]:
    """Reasons and what is missing, in Vietnamese, for one chain result."""
    reasons, missing = [], []
    title = award_names.get(rule.get("title"), rule.get("title"))
    cite, status = rule.legal_basis, rule.status
    if disc_until is not None:
        reasons.append(Reason(True, _("Thành tích chỉ được tính từ sau năm %(y)d (hết thời hạn kỷ luật).") % {"y": disc_until},
                              cite, status, rule.code))
    if rule.kind == "individual_chain":
        prior_names = ", ".join(award_names.get(c, c) for c in rule.get("prior_awards") or [])
        need_years, need_titles = int(rule.get("streak_years")), int(rule.get("title_count"))
        has_prior = result.last_prior is not None and (result.last_consumed is None or result.last_consumed < result.last_prior)
        if has_prior:
            reasons.append(Reason(True, _("Đã được tặng %(p)s năm %(y)d.") % {"p": prior_names, "y": result.last_prior},
                                  cite, status, rule.code))
        else:
            reasons.append(Reason(False, _("Chưa có %(p)s (sau lần khen gần nhất cùng hình thức).") % {"p": prior_names},
                                  cite, status, rule.code))
            missing.append(_("cần được tặng %(p)s trước") % {"p": prior_names})
        ok_years = result.streak >= need_years
        reasons.append(Reason(ok_years, _("%(n)d năm liên tục hoàn thành tốt nhiệm vụ trở lên tính đến năm %(y)d "
                                          "(cần %(k)d năm).") % {"n": result.streak, "y": year, "k": need_years},
                              cite, status, rule.code))
        if not ok_years:
            missing.append(_("cần thêm %(n)d năm liên tục hoàn thành tốt nhiệm vụ trở lên") % {"n": need_years - result.streak})
        ok_titles = result.titles >= need_titles
        reasons.append(Reason(ok_titles, _("%(n)d lần %(t)s trong thời gian đó (cần %(k)d).")
                              % {"n": result.titles, "t": title, "k": need_titles}, cite, status, rule.code))
        if not ok_titles:
            missing.append(_("cần thêm %(n)d lần %(t)s") % {"n": need_titles - result.titles, "t": title})
    else:
        need = int(rule.get("years"))
        ok = result.streak >= need
        reasons.append(Reason(ok, _("%(n)d năm liên tục đạt %(t)s tính đến năm %(y)d (cần %(k)d năm).")
                              % {"n": result.streak, "t": title, "y": year, "k": need}, cite, status, rule.code))
        if not ok:
            missing.append(_("cần thêm %(n)d năm liên tục đạt %(t)s") % {"n": need - result.streak, "t": title})
    return reasons, missing
