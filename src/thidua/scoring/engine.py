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
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

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


def _auto_value(vendor: str) -> str:
    least, _greatest = _fn(vendor)
    # The ratio actual/target (target/actual when lower is better); "* 1.0" avoids SQLite integer division
    # and stays NUMERIC on PostgreSQL.
    quant = (f"(CASE WHEN {_RATIO} IS NULL THEN 0 WHEN {_RATIO} >= 1 "
             f"THEN l.max_points + {least}(l.max_points * ({_RATIO} - 1), l.extra_points_cap) "
             f"ELSE l.max_points * {_RATIO} END)")
    return f"""(CASE l.method WHEN 'quantitative' THEN {quant}
        ELSE COALESCE(ent.occurrences, 0) * l.points_per_occurrence END)"""


# Points are summed as integer hundredths (exact, and a small aggregate state: the one expensive step is
# grouping every score row by member and criterion); the mean is taken after grouping.
_RULE_VALUE = """COALESCE(CASE cfg.rule WHEN 'median' THEN md.cross_median
    ELSE ag.total_centi * 1.0 / ag.n / 100 END, 0)"""


def _cte(cfg_filter: str, vendor: str) -> str:
    """Common table expressions down to `cell`: one row per (cluster-year, member, leaf criterion) that has a
    value — scored criteria from the aggregated scores, automatic ones from reports and targets, overrides
    replacing either. A missing cell is worth 0. Every join is on a small table or on equal keys, so that the
    database can hash them (the cost is dominated by the one aggregation of the score rows)."""
    # PostgreSQL would materialise CTEs used several times, without statistics (bad join estimates at
    # scale): inline the small ones so that every reference is planned on the real tables.
    nm = "NOT MATERIALIZED " if vendor == "postgresql" else ""
    mat = "MATERIALIZED " if vendor == "postgresql" else ""
    centi = "CAST(s.points * 100 AS INTEGER)" if vendor == "postgresql" else "CAST(ROUND(s.points * 100) AS INTEGER)"
    return f"""
cfg AS {nm}(
    SELECT c.cluster_year_id AS cy, c.criteria_set_id AS cs, c.rule, c.bonus_cap, c.penalty_cap,
           c.tie_break_1 AS tb1, c.tie_break_1_group AS tb1g, c.tie_break_2 AS tb2, c.tie_break_2_group AS tb2g,
           c.tie_break_3 AS tb3, c.tie_break_3_group AS tb3g
    FROM scoring_scoringconfig c WHERE {cfg_filter}
),
mb AS {nm}(
    SELECT DISTINCT cfg.cy, m.unit_id
    FROM cfg JOIN organisations_clusteryear y ON y.id = cfg.cy
    JOIN organisations_clustermembership m ON m.cluster_id = y.cluster_id
        AND m.start_year <= y.year AND (m.end_year IS NULL OR m.end_year >= y.year)
),
l AS {mat}(
    SELECT c.id, c.criteria_set_id, c.code, c.method, c.max_points, c.higher_is_better, c.extra_points_cap,
           c.points_per_occurrence, c.cap, p.code AS pcode, gp.code AS gpcode
    FROM covenant_criterion c
    LEFT JOIN covenant_criterion p ON p.id = c.parent_id
    LEFT JOIN covenant_criterion gp ON gp.id = p.parent_id
    WHERE c.method <> 'group' AND c.criteria_set_id IN (SELECT cs FROM cfg)
),
ov AS {nm}(
    SELECT o.cluster_year_id AS cy, o.unit_id, o.criterion_id, o.points
    FROM scoring_scoreoverride o WHERE o.cluster_year_id IN (SELECT cy FROM cfg)
),
ag AS (
    SELECT s.cluster_year_id AS cy, s.unit_id, s.criterion_id, SUM({centi}) AS total_centi, COUNT(*) AS n
    FROM scoring_score s JOIN cfg ON cfg.cy = s.cluster_year_id
    WHERE s.role = (CASE cfg.rule WHEN 'panel' THEN 'panel' WHEN 'central' THEN 'central' ELSE 'cross' END)
    GROUP BY s.cluster_year_id, s.unit_id, s.criterion_id
),
md AS (
    SELECT t.cy, t.unit_id, t.criterion_id, AVG(t.points) AS cross_median FROM (
        SELECT s.cluster_year_id AS cy, s.unit_id, s.criterion_id, s.points,
               ROW_NUMBER() OVER (PARTITION BY s.cluster_year_id, s.unit_id, s.criterion_id ORDER BY s.points) AS rn,
               COUNT(*) OVER (PARTITION BY s.cluster_year_id, s.unit_id, s.criterion_id) AS cnt
        FROM scoring_score s
        WHERE s.role = 'cross' AND s.cluster_year_id IN (SELECT cy FROM cfg WHERE rule = 'median')
    ) t WHERE t.rn IN ((t.cnt + 1) / 2, (t.cnt + 2) / 2)
    GROUP BY t.cy, t.unit_id, t.criterion_id
),
ent AS {nm}(
    SELECT r.cluster_year_id AS cy, r.unit_id, e.criterion_id, e.actual_value, e.occurrences
    FROM scoring_reportentry e JOIN scoring_memberreport r ON r.id = e.report_id
    WHERE r.kind = 'year_end' AND r.status = 'submitted' AND r.cluster_year_id IN (SELECT cy FROM cfg)
),
cell AS (
    SELECT ag.cy, ag.unit_id, l.id AS criterion_id, l.method, l.code, l.pcode, l.gpcode,
           {_clamped(_RULE_VALUE, vendor)} AS v
    FROM ag JOIN cfg ON cfg.cy = ag.cy
    JOIN l ON l.id = ag.criterion_id AND l.criteria_set_id = cfg.cs
    JOIN mb ON mb.cy = ag.cy AND mb.unit_id = ag.unit_id
    LEFT JOIN md ON md.cy = ag.cy AND md.unit_id = ag.unit_id AND md.criterion_id = ag.criterion_id
    LEFT JOIN ov ON ov.cy = ag.cy AND ov.unit_id = ag.unit_id AND ov.criterion_id = ag.criterion_id
    WHERE l.method IN ('graded', 'pass_fail') AND ov.cy IS NULL
    UNION ALL
    SELECT mb.cy, mb.unit_id, l.id, l.method, l.code, l.pcode, l.gpcode, {_clamped(_auto_value(vendor), vendor)}
    FROM mb JOIN cfg ON cfg.cy = mb.cy
    JOIN l ON l.criteria_set_id = cfg.cs AND l.method IN ('quantitative', 'bonus', 'penalty')
    LEFT JOIN ent ON ent.cy = mb.cy AND ent.unit_id = mb.unit_id AND ent.criterion_id = l.id
    LEFT JOIN covenant_membertarget tg ON tg.cluster_year_id = mb.cy AND tg.unit_id = mb.unit_id
        AND tg.criterion_id = l.id
    LEFT JOIN ov ON ov.cy = mb.cy AND ov.unit_id = mb.unit_id AND ov.criterion_id = l.id
    WHERE ov.cy IS NULL
    UNION ALL
    SELECT ov.cy, ov.unit_id, l.id, l.method, l.code, l.pcode, l.gpcode, {_clamped('ov.points', vendor)}
    FROM ov JOIN cfg ON cfg.cy = ov.cy
    JOIN l ON l.id = ov.criterion_id AND l.criteria_set_id = cfg.cs
    JOIN mb ON mb.cy = ov.cy AND mb.unit_id = ov.unit_id
)"""


def _group_sum(n: int) -> str:
    signed = "(CASE WHEN c.method = 'penalty' THEN -c.v ELSE c.v END)"
    return (f"SUM(CASE WHEN cfg.tb{n} = 'group' AND cfg.tb{n}g <> '' AND cfg.tb{n}g IN (c.code, c.pcode, c.gpcode) "
            f"THEN {signed} ELSE 0 END) AS g{n}")


def _tb(n: int) -> str:
    return f"""(CASE cfg.tb{n} WHEN 'group' THEN t.g{n} WHEN 'bonus' THEN t.bonus WHEN 'fewer_penalty' THEN -t.penalty
        WHEN 'base' THEN t.base ELSE NULL END)"""


def _results_sql(cfg_filter: str, vendor: str) -> str:
    least, greatest = _fn(vendor)
    bonus = f"(CASE WHEN cfg.bonus_cap > 0 THEN {least}(t0.bonus_raw, cfg.bonus_cap) ELSE t0.bonus_raw END)"
    penalty = f"(CASE WHEN cfg.penalty_cap > 0 THEN {least}(t0.penalty_raw, cfg.penalty_cap) ELSE t0.penalty_raw END)"
    return f"""
WITH {_cte(cfg_filter, vendor)},
sums AS (
    SELECT c.cy, c.unit_id,
           SUM(CASE WHEN c.method IN ('bonus', 'penalty') THEN 0 ELSE c.v END) AS base,
           SUM(CASE WHEN c.method = 'bonus' THEN c.v ELSE 0 END) AS bonus_raw,
           SUM(CASE WHEN c.method = 'penalty' THEN c.v ELSE 0 END) AS penalty_raw,
           {_group_sum(1)}, {_group_sum(2)}, {_group_sum(3)}
    FROM cell c JOIN cfg ON cfg.cy = c.cy
    GROUP BY c.cy, c.unit_id
),
t0 AS (
    SELECT mb.cy, mb.unit_id, COALESCE(s.base, 0) AS base, COALESCE(s.bonus_raw, 0) AS bonus_raw,
           COALESCE(s.penalty_raw, 0) AS penalty_raw, COALESCE(s.g1, 0) AS g1, COALESCE(s.g2, 0) AS g2,
           COALESCE(s.g3, 0) AS g3
    FROM mb LEFT JOIN sums s ON s.cy = mb.cy AND s.unit_id = mb.unit_id
),
t AS (
    SELECT t0.cy, t0.unit_id, t0.base, t0.g1, t0.g2, t0.g3, {bonus} AS bonus, {penalty} AS penalty
    FROM t0 JOIN cfg ON cfg.cy = t0.cy
),
k AS (
    SELECT t.cy, t.unit_id, u.code AS unit_code, cfg.cs, t.base, t.bonus, t.penalty,
           ROUND({greatest}(t.base + t.bonus - t.penalty, 0), 2) AS total,
           ROUND({_tb(1)}, 2) AS tb1, ROUND({_tb(2)}, 2) AS tb2, ROUND({_tb(3)}, 2) AS tb3
    FROM t JOIN cfg ON cfg.cy = t.cy JOIN organisations_unit u ON u.id = t.unit_id
)
SELECT k.cy, k.unit_id, ROUND(k.base, 2), ROUND(k.bonus, 2), ROUND(k.penalty, 2), k.total, k.tb1, k.tb2, k.tb3,
       (SELECT b.label FROM covenant_classificationband b
         WHERE b.criteria_set_id = k.cs AND b.min_points <= k.total AND k.total <= b.max_points
         ORDER BY b.min_points DESC LIMIT 1),
       ROW_NUMBER() OVER (PARTITION BY k.cy ORDER BY k.total DESC, k.tb1 DESC, k.tb2 DESC, k.tb3 DESC, k.unit_code),
       (COUNT(*) OVER (PARTITION BY k.cy, k.total, k.tb1, k.tb2, k.tb3) > 1)
FROM k"""


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


@transaction.atomic
def recompute(*, cluster_year_ids: list[int] | None = None, include_published: bool = False) -> int:
    """Recompute MemberResult for the given cluster-years (None: every configured one). Frozen and published
    years are left alone unless include_published (the audited correction path). Returns rows written.
    Internal: callers go through scoring.services (which check permissions and audit)."""
    where, params = _filter(cluster_year_ids, include_published=include_published)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # At national scale the per-criterion aggregation is large: let it hash in memory. Every join of
            # this statement is an equi-join against a small table or an aggregate, which the planner
            # misestimates through the CTEs (it then sorts millions of rows for merge joins or loops):
            # hash joins are the right plan, for this transaction only.
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL enable_mergejoin = off")
            cur.execute("SET LOCAL enable_nestloop = off")
        cur.execute(
            f"DELETE FROM scoring_memberresult WHERE cluster_year_id IN "
            f"(SELECT c.cluster_year_id FROM scoring_scoringconfig c WHERE {where})", params)
        cur.execute(f"INSERT INTO scoring_memberresult ({_RESULT_COLUMNS}) {_results_sql(where, connection.vendor)}", params)
        written = cur.rowcount
        cur.execute(f"UPDATE scoring_scoringconfig SET computed_at = %s WHERE id IN "
                    f"(SELECT c.id FROM scoring_scoringconfig c WHERE {where})", [timezone.now(), *params])
    return written


def criterion_values(*, cluster_year_id: int) -> list[tuple[int, int, str, str, float]]:
    """Final score per (member, leaf criterion) of one cluster-year as computed by the engine, whatever the
    results state: rows (unit_id, criterion_id, method, code, value)."""
    where = "c.cluster_year_id = %s"
    sql = f"WITH {_cte(where, connection.vendor)} SELECT c.unit_id, c.criterion_id, c.method, c.code, c.v FROM cell c"
    with connection.cursor() as cur:
        cur.execute(sql, [cluster_year_id])
        return list(cur.fetchall())


def results_of(cluster_year_id: int):
    return MemberResult.objects.filter(cluster_year_id=cluster_year_id).order_by("rank")
