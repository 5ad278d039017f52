"""The scoring engine: one set-based SQL statement recomputes every criterion score, total, classification
and rank of the selected cluster-years (STYLE.md rule 8: no per-row Python loops). The same SQL runs on
SQLite and PostgreSQL (only standard CASE, aggregates and window functions).

How a criterion's final score is obtained (documented rule, the same for every cluster):

* a manual override (ScoreOverride, with its reason) wins over everything, clamped like the method below;
* quantitative: r = actual / target (target / actual when lower is better); r ≥ 1 gives max_points plus
  max_points·(r − 1) extra points capped at extra_points_cap; r < 1 gives max_points·r (proportional);
  a missing target or actual gives 0; a target ≤ 0 (higher is better) or an actual ≤ 0 (lower is better)
  counts as met without extra points;
* bonus / penalty: occurrences × points_per_occurrence, capped at the criterion's cap (else its max_points
  when > 0); the cluster-year's bonus_cap / penalty_cap (when > 0) caps their sums;
* graded / pass_fail: the reconciliation rule of the cluster-year (panel, mean or median of cross scores,
  central board), clamped to [0, max_points]; pass_fail snaps to 0 or max_points (≥ half passes);
  no score under the rule gives 0;
* total = max(0, base + bonus − penalty), rounded to 2 decimals;
* classification: the band of the criteria set with min ≤ total ≤ max (highest band on a shared boundary,
  as covenant.selectors.classify);
* rank: total descending, then the configured tie-breaks (1–3) descending, then the unit code ascending as a
  last resort; when total and every configured tie-break are equal the row is flagged tie_unresolved
  (the conference must vote).

How the statement is planned on PostgreSQL (measured with `thidua bench scoring`, 2000 cluster-years,
4.8 M score rows; see recompute for the settings):

* the score rows are grouped by (cluster-year, member, criterion) in the order of the index
  score_cy_unit_crit, which covers the role and the points in integer hundredths (Score.points_centi, kept
  by the database): a streaming aggregate over the index alone, summing integers (hashing a million groups,
  sorting every score row, visiting the table or summing decimals are each slower);
* the scored cells (`cs`) and the automatic and overridden cells (`ca`) are summed per (cluster-year, member)
  apart (`s_cs`, `s_ca`) and the two sums joined to the members. Both cell lists are fenced (OFFSET '0') so
  that a cell's value is computed once, not once per sum that uses it; the criteria are read through their
  criteria_set index (the sets are a literal list);
* a large selection (_PARALLEL_FROM cluster-years or more) is split into one part per process (the parallel
  workers and the leader), each a complete UNION ALL branch with no CTE materialised: PostgreSQL hands whole
  branches to the workers (Parallel Append), each groups the score rows of its cluster-years, computes the
  cells and sums them per member, and only member rows reach the leader, which ranks them. CREATE TEMPORARY
  TABLE … AS carries it (PostgreSQL never runs the SELECT of an INSERT in parallel). The small, everyday
  recompute of one cluster-year keeps the single INSERT … SELECT.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from thidua.scoring.adapters import award_ctes
from thidua.scoring.models import MemberResult, ResultsState


def _fn(vendor: str) -> tuple[str, str]:
    # Scalar least/greatest evaluate their arguments once (a CASE would repeat the expression); SQLite's
    # multi-argument MIN/MAX are the same functions. Arguments are never NULL here.
    return ("LEAST", "GREATEST") if vendor == "postgresql" else ("MIN", "MAX")


_RATIO = """(CASE
    WHEN ent.actual_value IS NULL OR tg.target_value IS NULL THEN NULL
    WHEN l.higher_is_better THEN
        (CASE WHEN tg.target_value <= 0 THEN (CASE WHEN ent.actual_value >= tg.target_value THEN 1 ELSE 0 END)
              ELSE ent.actual_value * 1.0 / tg.target_value END)
    ELSE
        (CASE WHEN ent.actual_value <= 0 THEN 1
              WHEN tg.target_value <= 0 THEN 0
              ELSE tg.target_value * 1.0 / ent.actual_value END)
END)"""


def _clamped(raw: str, vendor: str) -> str:
    """A raw value (rule result, computed value or override) clamped by the criterion's method, rounded."""
    least, greatest = _fn(vendor)
    occ_cap = "(CASE WHEN l.cap > 0 THEN l.cap WHEN l.max_points > 0 THEN l.max_points ELSE 1000000 END)"
    return f"""ROUND(CASE l.method
        WHEN 'quantitative' THEN {least}({greatest}({raw}, 0), l.max_points + l.extra_points_cap)
        WHEN 'pass_fail' THEN (CASE WHEN ({raw}) * 2 >= l.max_points AND l.max_points > 0 THEN l.max_points ELSE 0 END)
        WHEN 'bonus' THEN {least}({greatest}({raw}, 0), {occ_cap})
        WHEN 'penalty' THEN {least}({greatest}({raw}, 0), {occ_cap})
        ELSE {least}({greatest}({raw}, 0), l.max_points) END, 2)"""


def _auto_value(vendor: str, ratio: str, occurrences: str) -> str:
    """The computed value of a quantitative / bonus / penalty cell from its ratio (computed once, see `aq`)."""
    least, _greatest = _fn(vendor)
    quant = (f"(CASE WHEN {ratio} IS NULL THEN 0 WHEN {ratio} >= 1 "
             f"THEN l.max_points + {least}(l.max_points * ({ratio} - 1), l.extra_points_cap) "
             f"ELSE l.max_points * {ratio} END)")
    return f"""(CASE l.method WHEN 'quantitative' THEN {quant}
        ELSE COALESCE({occurrences}, 0) * l.points_per_occurrence END)"""


# Every score is carried as integer hundredths ("centi") from the aggregation of the score rows to the
# ranking: exact on both vendors, and cheap (the one expensive step is grouping every score row by member and
# criterion). A rule's raw value is rounded half up to hundredths in integers — (2·a + n) div (2·n) — before
# clamping, which equals clamping then ROUND(…, 2) (rounding is monotone and the bounds are hundredths);
# pass/fail compares the unrounded value exactly (2·sum ≥ max·n).
_ROLE_OF_RULE = {"panel": "panel", "central": "central", "mean": "cross", "median": "cross"}


def _centi(expr: str) -> str:
    """A value with at most 2 decimals (or already ROUNDed to 2) as integer hundredths, on both vendors."""
    return f"CAST(ROUND(({expr}) * 100) AS INTEGER)"


# A score's points in hundredths: kept by the database (Score.points_centi), covered by score_cy_unit_crit.
_SCORE_CENTI = "s.points_centi"


def _ag(rules: frozenset[str], vendor: str, ids: str) -> str:
    """Score rows grouped by (cluster-year, member, criterion), one pass over the score rows of the selected
    cluster-years: sum and count per role the configured rules need (and, for the median on PostgreSQL, the
    two middle values: percentile_disc of both orders, whose sum is twice the median)."""
    roles = sorted({_ROLE_OF_RULE[r] for r in rules}) or ["cross"]
    centi = _SCORE_CENTI
    cols = []
    for role in roles:
        if len(roles) == 1:
            total = f"SUM({centi})"
        elif vendor == "postgresql":
            total = f"SUM({centi}) FILTER (WHERE s.role = '{role}')"
        else:
            total = f"SUM(CASE WHEN s.role = '{role}' THEN {centi} END)"
        # An integer sum (BIGINT on PostgreSQL) brought back to INTEGER once per group.
        cols.append(f"CAST({total} AS INTEGER) AS tc_{role}")
        # INTEGER (PostgreSQL's COUNT is BIGINT, whose SUM would be NUMERIC further on).
        cols.append(f"CAST(COUNT(*) AS INTEGER) AS n_{role}" if len(roles) == 1
                    else f"CAST(COUNT(CASE WHEN s.role = '{role}' THEN 1 END) AS INTEGER) AS n_{role}")
    if "median" in rules and vendor == "postgresql":
        flt = " FILTER (WHERE s.role = 'cross')" if len(roles) > 1 else ""
        cols.append(f"(percentile_disc(0.5) WITHIN GROUP (ORDER BY {centi}){flt} "
                    f"+ percentile_disc(0.5) WITHIN GROUP (ORDER BY {centi} DESC){flt}) AS m2")
    role_filter = (f"s.role = '{roles[0]}'" if len(roles) == 1
                   else f"s.role IN ({', '.join(repr(r) for r in roles)})")
    return f"""SELECT s.cluster_year_id AS cy, s.unit_id, s.criterion_id, {', '.join(cols)}
    FROM scoring_score s
    WHERE s.cluster_year_id IN ({ids}) AND {role_filter}
    GROUP BY s.cluster_year_id, s.unit_id, s.criterion_id"""


def _md_sqlite(ids: str) -> str:
    """SQLite has no ordered-set aggregates: the middle row(s) of the cross scores by window functions;
    m2 = twice the median in hundredths (the middle rows are 1 or 2)."""
    centi = _SCORE_CENTI
    return f"""SELECT t.cy, t.unit_id, t.criterion_id, SUM(t.c) * 2 / COUNT(*) AS m2 FROM (
        SELECT s.cluster_year_id AS cy, s.unit_id, s.criterion_id, {centi} AS c,
               ROW_NUMBER() OVER (PARTITION BY s.cluster_year_id, s.unit_id, s.criterion_id ORDER BY {centi}) AS rn,
               COUNT(*) OVER (PARTITION BY s.cluster_year_id, s.unit_id, s.criterion_id) AS cnt
        FROM scoring_score s
        WHERE s.role = 'cross' AND s.cluster_year_id IN ({ids})
            AND s.cluster_year_id IN (SELECT cy FROM cfg WHERE rule = 'median')
    ) t WHERE t.rn IN ((t.cnt + 1) / 2, (t.cnt + 2) / 2)
    GROUP BY t.cy, t.unit_id, t.criterion_id"""


def _scored_value(rules: frozenset[str], vendor: str) -> tuple[str, str]:
    """(value in hundredths, condition that a score exists under the rule) of a graded / pass-fail cell."""
    roles = sorted({_ROLE_OF_RULE[r] for r in rules}) or ["cross"]
    least, greatest = _fn(vendor)
    if len(roles) == 1:
        tc, n = f"ag.tc_{roles[0]}", f"ag.n_{roles[0]}"
    else:
        tc = "(CASE ls.role " + " ".join(f"WHEN '{r}' THEN ag.tc_{r}" for r in roles) + " END)"
        n = "(CASE ls.role " + " ".join(f"WHEN '{r}' THEN ag.n_{r}" for r in roles) + " END)"
    m2 = "ag.m2" if vendor == "postgresql" else "md.m2"
    if "median" in rules:
        rounded = f"(CASE WHEN ls.rule = 'median' THEN ({m2} + 1) / 2 ELSE (2 * {tc} + {n}) / (2 * {n}) END)"
        passed = f"(CASE WHEN ls.rule = 'median' THEN {m2} - ls.mpc ELSE 2 * {tc} - ls.mpc * {n} END) >= 0"
    else:
        rounded = f"((2 * {tc} + {n}) / (2 * {n}))"
        passed = f"2 * {tc} >= ls.mpc * {n}"
    value = f"""(CASE WHEN ls.pf = 1 THEN (CASE WHEN {passed} AND ls.mpc > 0 THEN ls.mpc ELSE 0 END)
        ELSE {least}({greatest}({rounded}, 0), ls.mpc) END)"""
    return value, ("1 = 1" if len(roles) == 1 else f"{n} > 0")


def _cte(ids: str, vendor: str, rules: frozenset[str], *, overrides: bool = True, group_tie_break: bool = True,
         awards: bool = True, detail: bool = False, inline: bool = False, sets: str,
         scored: bool = True, automatic: bool = True) -> str:
    """Common table expressions down to `cell`: one row per (cluster-year, member, leaf criterion) that has a
    value (vc, in hundredths) — scored criteria from the aggregated scores, automatic ones from reports and
    targets, overrides replacing either. A missing cell is worth 0. Every join is on a small table or on equal
    keys, so that the database can hash them (the cost is dominated by the one aggregation of the score rows).

    ids: the selected cluster-years, as a literal list of integers. overrides=False leaves out the override
    joins (the caller checked that there are none); group_tie_break=False leaves out the criteria tree
    (no selected cluster-year breaks ties on a group); awards=False leaves out the award history (no
    selected criterion has an award code; otherwise the list needs WITH RECURSIVE, see _with). detail: cells of members only, with the criterion's
    method and code (criterion_values), and `cell` (every cell); otherwise only the weights that the sums need
    (scored cells of non-members are dropped by the results, which start from the members), in `cs` (scored)
    and `ca` (automatic and overridden), summed apart by _results_sql. inline: no CTE is materialised (every
    one is planned as a subquery on the real tables), so that the list can sit in a branch that a parallel
    worker runs (PostgreSQL runs CTE scans in the leader only); only for awards=False. sets: the criteria sets
    of those cluster-years as a literal list (read through the criteria_set index rather than the whole
    criteria table). scored=False leaves out the scored cells (`cs` and what only it reads), automatic=False the
    automatic ones (`ca`, …): an unread CTE would still be planned."""
    # PostgreSQL would materialise CTEs used several times, without statistics (bad join estimates at
    # scale): inline the small ones so that every reference is planned on the real tables.
    nm = "NOT MATERIALIZED " if vendor == "postgresql" else ""
    mat = "MATERIALIZED " if vendor == "postgresql" and not inline else nm
    # `cs` and `ca` are each read by several sums: a fence (OFFSET '0') keeps PostgreSQL from inlining the value
    # expression into every sum (it would be computed four or six times per cell). Written '0': an integer 0
    # is cast to bigint by an expression that PostgreSQL 15 sees as a non-constant OFFSET, which keeps the
    # subquery out of parallel workers; the quoted literal is read as a bigint constant.
    fence = " OFFSET '0'" if vendor == "postgresql" and not detail else ""
    # Inline, the criteria lists are fenced too: joined to the parent groups on their own (thousands of rows),
    # not after the join with every aggregated score group.
    crit_fence = " OFFSET '0'" if vendor == "postgresql" and inline else ""
    in_sets = f"IN ({sets})"
    set_filter = f" AND c.criteria_set_id {in_sets}"
    value, has_score = _scored_value(rules, vendor)
    if group_tie_break:
        # The parent and grandparent codes (a group tie-break counts the leaves under the named group). Only
        # groups can be parents (covenant.validation), so only the few group rows are hashed.
        tree = f"""LEFT JOIN (SELECT t.id, t.code, t.parent_id FROM covenant_criterion t
                   WHERE t.method = 'group' AND t.criteria_set_id {in_sets}) p ON p.id = c.parent_id
    LEFT JOIN (SELECT t.id, t.code FROM covenant_criterion t
               WHERE t.method = 'group' AND t.criteria_set_id {in_sets}) gp ON gp.id = p.parent_id"""
        weights = ", ".join(
            f"(CASE WHEN cfg.tb{i} = 'group' AND cfg.tb{i}g <> '' AND cfg.tb{i}g IN (c.code, p.code, gp.code) "
            f"THEN (CASE WHEN c.method = 'penalty' THEN -1 ELSE 1 END) ELSE 0 END) AS w{i}" for i in (1, 2, 3))
    else:
        tree, weights = "", "0 AS w1, 0 AS w2, 0 AS w3"
    median_sqlite = "median" in rules and vendor != "postgresql"
    md = f"md AS (\n    {_md_sqlite(ids)}\n)" if median_sqlite else ""
    md_join = ("LEFT JOIN md ON md.cy = ag.cy AND md.unit_id = ag.unit_id AND md.criterion_id = ag.criterion_id"
               if median_sqlite else "")

    def no_override(cy: str, unit: str, crit: str) -> tuple[str, str]:
        if not overrides:
            return "", "1 = 1"
        return (f"LEFT JOIN ov ON ov.cy = {cy} AND ov.unit_id = {unit} AND ov.criterion_id = {crit}",
                "ov.cy IS NULL")

    ov_join_s, ov_where_s = no_override("ag.cy", "ag.unit_id", "ag.criterion_id")
    ov_join_a, ov_where_a = no_override("mb.cy", "mb.unit_id", "l.id")
    if detail:
        scored_cols = "cc.method, cc.code, 1 AS wb, 0 AS wo, 0 AS wp, ls.w1, ls.w2, ls.w3"
        scored_join = ("JOIN mb ON mb.cy = ag.cy AND mb.unit_id = ag.unit_id "
                       "JOIN covenant_criterion cc ON cc.id = ls.id")
        cols = "l.method, l.code, l.wb, l.wo, l.wp, l.w1, l.w2, l.w3"
    else:
        scored_cols = "1 AS wb, 0 AS wo, 0 AS wp, ls.w1, ls.w2, ls.w3"
        scored_join = ""
        cols = "l.wb, l.wo, l.wp, l.w1, l.w2, l.w3"
    if awards:
        # A bonus criterion with an award code counts the awards received (scoring.adapters), not the
        # occurrences the member reported.
        occurrences = "(CASE WHEN l.auto_award_code <> '' THEN COALESCE(aw.n, 0) ELSE ent.occurrences END)"
        aw_join = "LEFT JOIN aw ON aw.cy = mb.cy AND aw.unit_id = mb.unit_id AND aw.criterion_id = l.id"
    else:
        occurrences, aw_join = "ent.occurrences", ""
    # `l`: the leaves computed from reports and targets (and every leaf when overrides exist); `ls`: the
    # scored leaves, narrow (their rows meet every aggregated score group).
    l_methods = "c.method <> 'group'" if overrides else "c.method IN ('quantitative', 'bonus', 'penalty')"
    override_cell = f"""
    UNION ALL
    SELECT ov.cy, ov.unit_id, l.id, {cols}, {_centi(_clamped('ov.points', vendor))}
    FROM ov JOIN l ON l.cy = ov.cy AND l.id = ov.criterion_id
    JOIN mb ON mb.cy = ov.cy AND mb.unit_id = ov.unit_id""" if overrides else ""
    parts = {"cfg": f"""cfg AS {nm}(
    SELECT c.cluster_year_id AS cy, c.criteria_set_id AS cs, c.rule, y.year,
           c.award_window_years AS aw_window, c.award_history_follows_unit AS aw_follows,
           {_centi('c.bonus_cap')} AS bcap, {_centi('c.penalty_cap')} AS pcap,
           c.tie_break_1 AS tb1, c.tie_break_1_group AS tb1g, c.tie_break_2 AS tb2, c.tie_break_2_group AS tb2g,
           c.tie_break_3 AS tb3, c.tie_break_3_group AS tb3g
    FROM scoring_scoringconfig c JOIN organisations_clusteryear y ON y.id = c.cluster_year_id
    WHERE c.cluster_year_id IN ({ids})
)""",
        "mb": f"""mb AS {nm}(
    SELECT DISTINCT cfg.cy, m.unit_id
    FROM cfg JOIN organisations_clusteryear y ON y.id = cfg.cy
    JOIN organisations_clustermembership m ON m.cluster_id = y.cluster_id
        AND m.start_year <= y.year AND (m.end_year IS NULL OR m.end_year >= y.year)
)""",
        "l": f"""l AS {mat}(
    SELECT cfg.cy, cfg.rule, (CASE cfg.rule WHEN 'panel' THEN 'panel' WHEN 'central' THEN 'central' ELSE 'cross' END)
               AS role,
           c.id, c.code, c.method, c.max_points, c.higher_is_better, c.extra_points_cap, c.points_per_occurrence,
           c.cap, c.auto_award_code, {_centi('c.max_points')} AS mpc, (CASE WHEN c.method = 'pass_fail' THEN 1 ELSE 0 END) AS pf,
           (CASE WHEN c.method IN ('bonus', 'penalty') THEN 0 ELSE 1 END) AS wb,
           (CASE WHEN c.method = 'bonus' THEN 1 ELSE 0 END) AS wo,
           (CASE WHEN c.method = 'penalty' THEN 1 ELSE 0 END) AS wp, {weights}
    FROM cfg JOIN covenant_criterion c ON c.criteria_set_id = cfg.cs{set_filter}
    {tree}
    WHERE {l_methods}{crit_fence}
)""",
        "aw": award_ctes(vendor).strip() if awards else "",
        "ls": f"""ls AS {mat}(
    SELECT cfg.cy, c.id, cfg.rule,
           (CASE cfg.rule WHEN 'panel' THEN 'panel' WHEN 'central' THEN 'central' ELSE 'cross' END) AS role,
           {_centi('c.max_points')} AS mpc, (CASE WHEN c.method = 'pass_fail' THEN 1 ELSE 0 END) AS pf, {weights}
    FROM cfg JOIN covenant_criterion c ON c.criteria_set_id = cfg.cs{set_filter}
    {tree}
    WHERE c.method IN ('graded', 'pass_fail'){crit_fence}
)""",
        "ov": f"""ov AS {nm}(
    SELECT o.cluster_year_id AS cy, o.unit_id, o.criterion_id, o.points
    FROM scoring_scoreoverride o WHERE o.cluster_year_id IN ({ids})
)""",
        "ag": f"""ag AS {nm}(
    {_ag(rules, vendor, ids)}
)""",
        "md": md,
        "ent": f"""ent AS {nm}(
    SELECT r.cluster_year_id AS cy, r.unit_id, e.criterion_id, e.actual_value, e.occurrences
    FROM scoring_reportentry e JOIN scoring_memberreport r ON r.id = e.report_id
    WHERE r.kind = 'year_end' AND r.status = 'submitted' AND r.cluster_year_id IN ({ids})
)""",
        "aq": f"""aq AS {mat}(
    SELECT mb.cy, mb.unit_id, l.id, l.code, l.method, l.max_points, l.extra_points_cap, l.points_per_occurrence,
           l.cap, l.wb, l.wo, l.wp, l.w1, l.w2, l.w3, {occurrences} AS occurrences, {_RATIO} AS r
    FROM mb JOIN l ON l.cy = mb.cy AND l.method IN ('quantitative', 'bonus', 'penalty')
    LEFT JOIN ent ON ent.cy = mb.cy AND ent.unit_id = mb.unit_id AND ent.criterion_id = l.id
    LEFT JOIN (SELECT t.cluster_year_id, t.unit_id, t.criterion_id, t.target_value FROM covenant_membertarget t
               WHERE t.cluster_year_id IN ({ids})) tg
        ON tg.cluster_year_id = mb.cy AND tg.unit_id = mb.unit_id AND tg.criterion_id = l.id
    {aw_join}
    {ov_join_a}
    WHERE {ov_where_a}
)""",
        "cs": f"""cs AS (
    SELECT ag.cy, ag.unit_id, ls.id AS criterion_id, {scored_cols}, {value} AS vc
    FROM ag JOIN ls ON ls.cy = ag.cy AND ls.id = ag.criterion_id
    {scored_join}
    {md_join}
    {ov_join_s}
    WHERE {ov_where_s} AND {has_score}{fence}
)""",
        "ca": f"""ca AS (
    SELECT l.cy, l.unit_id, l.id AS criterion_id, {cols}, {_centi(_clamped(_auto_value(vendor, "l.r", "l.occurrences"), vendor))} AS vc
    FROM aq l{override_cell}{fence}
)""",
        "cell": "cell AS (\n    SELECT * FROM cs\n    UNION ALL\n    SELECT * FROM ca\n)" if detail else "",
    }
    if not scored:
        for name in ("ls", "ag", "md", "cs", "cell"):
            parts[name] = ""
    if not automatic:
        for name in ("l", "aw", "ent", "aq", "ca", "cell"):
            parts[name] = ""
    if not scored and not automatic:
        parts["ov"] = ""
    return ",\n".join(p for p in parts.values() if p)


def _tb(n: int) -> str:
    return f"""(CASE cfg.tb{n} WHEN 'group' THEN t.g{n} WHEN 'bonus' THEN t.bonus WHEN 'fewer_penalty' THEN -t.penalty
        WHEN 'base' THEN t.base ELSE NULL END)"""


def _dec(centi: str) -> str:
    return f"ROUND({centi} / 100.0, 2)"


_SUMS = {
    # Per (cluster-year, member) sums of the cells in hundredths: the scored cells count in the base and the
    # group tie-breaks; the automatic and overridden cells carry their own weights (base, bonus, penalty).
    "cs": "SUM(c.vc) AS base, 0 AS bonus_raw, 0 AS penalty_raw, SUM(c.vc * c.w1) AS g1, SUM(c.vc * c.w2) AS g2, "
          "SUM(c.vc * c.w3) AS g3",
    "ca": "SUM(c.vc * c.wb) AS base, SUM(c.vc * c.wo) AS bonus_raw, SUM(c.vc * c.wp) AS penalty_raw, "
          "SUM(c.vc * c.w1) AS g1, SUM(c.vc * c.w2) AS g2, SUM(c.vc * c.w3) AS g3",
}
_SUM_COLUMNS = ("base", "bonus_raw", "penalty_raw", "g1", "g2", "g3")


def _sums(cells: tuple[str, ...]) -> str:
    """CTEs s_<cells> (cy, unit_id, base, bonus_raw, penalty_raw, g1, g2, g3): the cells of each list summed
    per member, apart (the two lists have different columns and plans)."""
    return ",\n".join(f"s_{c} AS (\n    SELECT c.cy, c.unit_id, {_SUMS[c]}\n    FROM {c} c GROUP BY c.cy, c.unit_id\n)"
                       for c in cells)


def _member_sums(sums: tuple[str, ...]) -> str:
    """SELECT of every member (mb) with the sums of the given CTEs added up (a missing sum is 0)."""
    joins = " ".join(f"LEFT JOIN {n} x{i} ON x{i}.cy = mb.cy AND x{i}.unit_id = mb.unit_id" for i, n in enumerate(sums))
    cols = ", ".join(" + ".join(f"COALESCE(x{i}.{col}, 0)" for i in range(len(sums))) + f" AS {col}"
                     for col in _SUM_COLUMNS)
    return f"SELECT mb.cy, mb.unit_id, {cols} FROM mb {joins}"


def _branch(sel: _Selection, vendor: str, ids: str, sets: str, *, auto: bool) -> str:
    """One self-contained SELECT of the member sums of some cluster-years (no CTE materialised, no award
    history: a parallel worker can run it whole). auto=False leaves the automatic cells to the caller."""
    cells = ("cs", "ca") if auto else ("cs",)
    args = {**sel.sql_args(), "awards": False}
    cte = _cte(ids, vendor, sel.rules, inline=True, sets=sets, automatic=auto, **args)
    return (f"SELECT * FROM (WITH {cte},\n{_sums(cells)}\n"
            f"{_member_sums(tuple(f's_{c}' for c in cells))}) b")


def _results_sql(sel: _Selection, vendor: str, slices: list[tuple[str, str]] | None = None) -> str:
    """The results of the selection. slices (PostgreSQL, parallel path): the selected cluster-years split into
    lists; the member sums of each list are one UNION ALL branch, which PostgreSQL hands whole to a parallel
    worker (Parallel Append): each worker groups the score rows of its cluster-years, joins the criteria and
    sums per member itself, and only the member rows reach the leader. The automatic cells are in the branches
    too unless an award-code criterion needs the award history (a recursive CTE, run in the leader only)."""
    least, greatest = _fn(vendor)
    bonus = f"(CASE WHEN cfg.bcap > 0 THEN {least}(t0.bonus_raw, cfg.bcap) ELSE t0.bonus_raw END)"
    penalty = f"(CASE WHEN cfg.pcap > 0 THEN {least}(t0.penalty_raw, cfg.pcap) ELSE t0.penalty_raw END)"
    if slices is None:
        cte = _cte(sel.ids, vendor, sel.rules, sets=sel.sets, **sel.sql_args())
        sums = f"""{_sums(("cs", "ca"))},
t0 AS (
    {_member_sums(("s_cs", "s_ca"))}
)"""
    else:
        auto_in_branches = not sel.awards
        cte = _cte(sel.ids, vendor, sel.rules, sets=sel.sets, scored=False, automatic=not auto_in_branches,
                   **sel.sql_args())
        branches = "\nUNION ALL\n".join(_branch(sel, vendor, ids, sets, auto=auto_in_branches)
                                     for ids, sets in slices)
        sums = f"""sb AS (
{branches}
){"" if auto_in_branches else "," + chr(10) + _sums(("ca",))},
t0 AS (
    {_member_sums(("sb",) if auto_in_branches else ("sb", "s_ca"))}
)"""
    return f"""
{sel.with_} {cte},
{sums},
t AS (
    SELECT t0.cy, t0.unit_id, t0.base, t0.g1, t0.g2, t0.g3, {bonus} AS bonus, {penalty} AS penalty
    FROM t0 JOIN cfg ON cfg.cy = t0.cy
),
k AS (
    SELECT t.cy, t.unit_id, u.code AS unit_code, cfg.cs, t.base, t.bonus, t.penalty,
           {greatest}(t.base + t.bonus - t.penalty, 0) AS total, {_tb(1)} AS tb1, {_tb(2)} AS tb2, {_tb(3)} AS tb3
    FROM t JOIN cfg ON cfg.cy = t.cy JOIN organisations_unit u ON u.id = t.unit_id
)
SELECT k.cy AS cluster_year_id, k.unit_id, {_dec('k.base')} AS base_points, {_dec('k.bonus')} AS bonus_points,
       {_dec('k.penalty')} AS penalty_points, {_dec('k.total')} AS total, {_dec('k.tb1')} AS tie_break_1,
       {_dec('k.tb2')} AS tie_break_2, {_dec('k.tb3')} AS tie_break_3,
       (SELECT b.label FROM covenant_classificationband b
         WHERE b.criteria_set_id = k.cs AND b.min_points * 100 <= k.total AND k.total <= b.max_points * 100
         ORDER BY b.min_points DESC LIMIT 1) AS classification,
       ROW_NUMBER() OVER (PARTITION BY k.cy ORDER BY k.total DESC, k.tb1 DESC, k.tb2 DESC, k.tb3 DESC, k.unit_code)
           AS rank,
       (COUNT(*) OVER (PARTITION BY k.cy, k.total, k.tb1, k.tb2, k.tb3) > 1) AS tie_unresolved
FROM k"""


# From this many selected cluster-years, recompute takes the parallel path (below, starting workers, planning
# the branches and the temporary table cost more than they save). Measured on the national benchmark data
# (10 members, 68 leaf criteria, 4 scorers): 20 cluster-years plain 0.12 s / parallel 0.17 s; 60: 0.25 / 0.26;
# 80: 0.32 / 0.28; 200: 0.71 / 0.55.
_PARALLEL_FROM = 70

_RESULT_COLUMNS = ("cluster_year_id, unit_id, base_points, bonus_points, penalty_points, total, tie_break_1, "
                   "tie_break_2, tie_break_3, classification, rank, tie_unresolved")


def _filter(cluster_year_ids: list[int] | None, *, include_published: bool) -> tuple[str, list]:
    parts, params = [], []
    if cluster_year_ids is not None:
        if not cluster_year_ids:
            return "1 = 0", []
        parts.append(f"c.cluster_year_id IN ({', '.join(['%s'] * len(cluster_year_ids))})")
        params.extend(cluster_year_ids)
    if not include_published:
        parts.append("c.state = %s")
        params.append(ResultsState.OPEN)
    return (" AND ".join(parts) or "1 = 1"), params


@dataclass(frozen=True)
class _Selection:
    """The selected cluster-years (a literal list of integers for the statement), their criteria sets, and what
    the statement needs to compute for them: their reconciliation rules (only the roles they use are
    aggregated), whether any override exists, whether any breaks ties on a criteria group (only then the
    criteria tree is joined), whether any criterion counts awards."""

    pairs: tuple[tuple[int, int], ...]  # (cluster-year, criteria set), by cluster-year
    rules: frozenset[str]
    overrides: bool
    group_tie_break: bool
    awards: bool

    @property
    def ids(self) -> str:
        return _literal(cy for cy, _ in self.pairs)

    @property
    def sets(self) -> str:
        return _literal(cs for _, cs in self.pairs)

    def sql_args(self) -> dict:
        return {"overrides": self.overrides, "group_tie_break": self.group_tie_break, "awards": self.awards}

    @property
    def with_(self) -> str:
        return "WITH RECURSIVE" if self.awards else "WITH"

    def slices(self, n: int) -> list[tuple[str, str]]:
        """The cluster-years in at most n consecutive parts of equal size: (ids, criteria sets) literals."""
        k = len(self.pairs)
        parts = [self.pairs[k * i // n:k * (i + 1) // n] for i in range(n)]
        return [(_literal(cy for cy, _ in part), _literal(cs for _, cs in part)) for part in parts if part]


def _literal(values) -> str:
    return ", ".join(str(int(v)) for v in sorted(set(values))) or "NULL"


def _selection(cur, where: str, params: list) -> _Selection:
    cur.execute(f"SELECT c.cluster_year_id, c.criteria_set_id, c.rule, c.tie_break_1, c.tie_break_2, c.tie_break_3 "
                f"FROM scoring_scoringconfig c WHERE {where} ORDER BY c.cluster_year_id", params)
    rows = cur.fetchall()
    pairs = tuple((int(row[0]), int(row[1])) for row in rows)
    ids = _literal(cy for cy, _ in pairs)
    cur.execute(f"SELECT 1 FROM scoring_scoreoverride o WHERE o.cluster_year_id IN ({ids}) LIMIT 1")
    overrides = cur.fetchone() is not None
    cur.execute(f"SELECT 1 FROM scoring_scoringconfig c JOIN covenant_criterion k ON k.criteria_set_id = c.criteria_set_id "
                f"WHERE c.cluster_year_id IN ({ids}) AND k.auto_award_code <> '' LIMIT 1")
    return _Selection(pairs=pairs, rules=frozenset(row[2] for row in rows), overrides=overrides,
                      group_tie_break=any("group" in row[3:] for row in rows), awards=cur.fetchone() is not None)


@transaction.atomic
def recompute(*, cluster_year_ids: list[int] | None = None, include_published: bool = False) -> int:
    """Recompute MemberResult for the given cluster-years (None: every configured one). Frozen and published
    years are left alone unless include_published (the audited correction path). Returns rows written.
    Internal: callers go through scoring.services (which check permissions and audit)."""
    where, params = _filter(cluster_year_ids, include_published=include_published)
    with connection.cursor() as cur:
        sel = _selection(cur, where, params)
        if not sel.rules:
            return 0
        parallel = connection.vendor == "postgresql" and len(sel.pairs) >= _PARALLEL_FROM
        if connection.vendor == "postgresql":
            # At national scale the per-criterion aggregation is large: let it hash in memory. Every join of
            # this statement is an equi-join against a small table or an aggregate, which the planner
            # misestimates through the CTEs (it then sorts millions of rows for merge joins or loops):
            # hash joins are the right plan, for this transaction only. Compiling the statement's many
            # expressions (JIT) costs more than it saves.
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL enable_mergejoin = off")
            cur.execute("SET LOCAL enable_nestloop = off")
            cur.execute("SET LOCAL jit = off")
            # Group the score rows in the order of the index score_cy_unit_crit (a streaming aggregate: no
            # hash table of a million groups, no sort of every score row). The planner prices the index scan
            # and the sort from statistics that vary from one ANALYZE to the next; the later sorts and
            # groupings of this statement (thousands of rows per year) have no other plan anyway.
            cur.execute("SET LOCAL enable_hashagg = off")
            if parallel:
                # A large selection: one UNION ALL branch per part of the cluster-years, which the workers
                # take whole (Parallel Append; see _results_sql). The small tables inside a branch are read
                # whole by the process that runs it (a Gather inside a branch would keep the branches out of
                # the workers). Sorts stay allowed: the ranking sorts the member rows once, and without sorts
                # the planner would rather loop over the cluster-years to get them in order.
                cur.execute("SHOW max_parallel_workers_per_gather")
                workers = int(cur.fetchone()[0])
                cur.execute("SET LOCAL min_parallel_table_scan_size = '1GB'")
            else:
                cur.execute("SET LOCAL enable_sort = off")
        cur.execute(f"DELETE FROM scoring_memberresult WHERE cluster_year_id IN ({sel.ids})")
        if parallel:
            # PostgreSQL never runs the SELECT of an INSERT … SELECT in parallel; CREATE TABLE … AS can. The
            # results go through a temporary table, dropped at once: recompute may run several times in one
            # transaction. (An error rolls its creation back with the rest.)
            # One part per process (the workers and the leader): each part is planned on its own, and more
            # parts cost more planning than they save in balance (measured: 3 parts 3.5 s, 6 parts 4.1 s).
            sql = _results_sql(sel, "postgresql", sel.slices(workers + 1))
            cur.execute(f"CREATE TEMPORARY TABLE scoring_recompute ON COMMIT DROP AS {sql}")
            cur.execute(f"INSERT INTO scoring_memberresult ({_RESULT_COLUMNS}) "
                        f"SELECT {_RESULT_COLUMNS} FROM scoring_recompute")
            written = cur.rowcount
            cur.execute("DROP TABLE scoring_recompute")
        else:
            cur.execute(f"INSERT INTO scoring_memberresult ({_RESULT_COLUMNS}) {_results_sql(sel, connection.vendor)}")
            written = cur.rowcount
        cur.execute(f"UPDATE scoring_scoringconfig SET computed_at = %s WHERE cluster_year_id IN ({sel.ids})",
                    [timezone.now()])
    return written


def criterion_values(*, cluster_year_id: int) -> list[tuple[int, int, str, str, float]]:
    """Final score per (member, leaf criterion) of one cluster-year as computed by the engine, whatever the
    results state: rows (unit_id, criterion_id, method, code, value)."""
    with connection.cursor() as cur:
        sel = _selection(cur, "c.cluster_year_id = %s", [cluster_year_id])
        if not sel.rules:
            return []
        cur.execute(f"{sel.with_} {_cte(sel.ids, connection.vendor, sel.rules, detail=True, sets=sel.sets, **sel.sql_args())} "
                    f"SELECT c.unit_id, c.criterion_id, c.method, c.code, {_dec('c.vc')} FROM cell c")
        return list(cur.fetchall())


def results_of(cluster_year_id: int):
    return MemberResult.objects.filter(cluster_year_id=cluster_year_id).order_by("rank")
