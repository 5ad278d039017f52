"""Reads of other apps' tables that the scoring engine needs inside its one set-based statement.

The awards app owns the award history (awards.models.AwardRecord) and its per-unit reader
(awards.selectors.award_history_for_unit, which follows mergers through
organisations.selectors.unit_lineage_ids). The engine cannot call a per-unit selector for every member
(STYLE.md rule 8: no per-row Python), so this module gives the same read as SQL over every member of the
selected cluster-years at once. Read-only: nothing here writes to the awards or organisations tables.
"""

from __future__ import annotations


def _tables() -> dict[str, str]:
    from thidua.awards.models import AwardRecord, AwardType
    from thidua.organisations.models import UnitSuccession

    return {"record": AwardRecord._meta.db_table, "type": AwardType._meta.db_table,
            "succession": UnitSuccession._meta.db_table}


def _date(vendor: str, year: str, month_day: str) -> str:
    """The date `year`-month-day as SQL (PostgreSQL: a DATE; SQLite stores dates as ISO text)."""
    if vendor == "postgresql":
        month, day = (int(x) for x in month_day.split("-"))
        return f"make_date(CAST({year} AS INTEGER), {month}, {day})"
    return f"(CAST({year} AS TEXT) || '-{month_day}')"


def award_ctes(vendor: str) -> str:
    """Two common table expressions for a WITH RECURSIVE list that already defines `cfg` (cy, year,
    aw_window, aw_follows), `mb` (cy, unit_id: the members) and `l` (cy, id, auto_award_code: the leaf
    criteria):

    * `lin` (cy, unit_id, holder_id): each member and, when the cluster-year's rule says that award history
      follows the unit (ScoringConfig.award_history_follows_unit), every unit merged or renamed into it by
      the end of the judged year, transitively — the lineage of organisations.selectors.unit_lineage_ids;
    * `aw` (cy, unit_id, criterion_id, n): for each criterion with an award code, the number of awards of
      that code received by the member or its lineage with a decision dated in the judged year or the
      years before it within the rule's window (ScoringConfig.award_window_years).
    """
    t = _tables()
    year_end = _date(vendor, "cfg.year", "12-31")
    window_start = _date(vendor, "cfg.year - cfg.aw_window + 1", "01-01")
    return f"""
lin (cy, unit_id, holder_id) AS (
    SELECT mb.cy, mb.unit_id, mb.unit_id FROM mb
    UNION
    SELECT lin.cy, lin.unit_id, us.predecessor_id
    FROM lin JOIN cfg ON cfg.cy = lin.cy
    JOIN {t["succession"]} us ON us.successor_id = lin.holder_id
    WHERE cfg.aw_follows AND us.effective_date <= {year_end}
),
aw AS (
    SELECT lin.cy, lin.unit_id, l.id AS criterion_id, COUNT(DISTINCT ar.id) AS n
    FROM lin JOIN cfg ON cfg.cy = lin.cy
    JOIN l ON l.cy = lin.cy AND l.auto_award_code <> ''
    JOIN {t["type"]} atp ON atp.code = l.auto_award_code
    JOIN {t["record"]} ar ON ar.award_type_id = atp.id AND ar.unit_id = lin.holder_id
    WHERE ar.decision_date >= {window_start} AND ar.decision_date <= {year_end}
    GROUP BY lin.cy, lin.unit_id, l.id
)"""
