"""Đo hiệu năng tính điểm: tạo dữ liệu tổng hợp và tính lại mọi tổng điểm, xếp loại, xếp hạng.

`thidua bench scoring --clusters N --members M --criteria C --scorers S` builds N synthetic cluster-years
(one cluster each) of M members, C manually scored criteria (plus C/10 quantitative, one bonus, one
penalty, four groups) and S cross scorers per member (N·M·C·S score rows), in the configured database,
with set-based INSERT … SELECT statements (no per-row Python). It then times `engine.recompute` over those
cluster-years against the floor: one aggregate query (sum of points per cluster-year and member) over the
same score rows, in the same run — the fastest of the formulations in _floors. The last line printed is one
JSON object.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

PREFIX = "BENCH"
YEAR = 2099


_FILLED_TABLES = ("scoring_score", "covenant_criterion", "covenant_membertarget", "covenant_classificationband",
                  "covenant_criteriaset", "scoring_reportentry", "scoring_memberreport", "scoring_scorerassignment",
                  "scoring_scoringconfig", "scoring_memberresult", "organisations_unit", "organisations_cluster",
                  "organisations_clustermembership", "organisations_clusteryear")


def add_arguments(parser) -> None:
    parser.add_argument("--clusters", type=int, default=20, help="Số kỳ thi đua (mỗi cụm một năm).")
    parser.add_argument("--members", type=int, default=10, help="Số thành viên mỗi cụm.")
    parser.add_argument("--criteria", type=int, default=60, help="Số tiêu chí chấm tay.")
    parser.add_argument("--scorers", type=int, default=4, help="Số đơn vị chấm chéo mỗi thành viên.")
    parser.add_argument("--rule", default="mean", choices=["mean", "median", "panel"], help="Quy tắc thống nhất điểm.")
    parser.add_argument("--repeat", type=int, default=3, help="Số lần đo (lấy lần nhanh nhất).")
    parser.add_argument("--keep", action="store_true", help="Giữ dữ liệu tổng hợp sau khi đo.")


def _bench_cy_ids() -> list[int]:
    from thidua.organisations.models import ClusterYear

    return list(ClusterYear.objects.filter(cluster__code__startswith=PREFIX.lower() + "-").values_list("pk", flat=True))


def cleanup() -> None:
    """Remove earlier synthetic data: only rows of BENCH clusters and units, by raw deletes in dependency order
    (no ORM cascade collection of millions of rows)."""
    from thidua.covenant.models import ClassificationBand, CriteriaSet, Criterion, MemberTarget
    from thidua.organisations.models import Cluster, ClusterMembership, ClusterYear, Unit
    from thidua.scoring.models import (
        MemberReport,
        MemberResult,
        ReportEntry,
        Score,
        ScoreOverride,
        ScorerAssignment,
        ScoringConfig,
    )

    ids = _bench_cy_ids()
    db = connection.alias
    with transaction.atomic():
        for model in (Score, MemberResult, ScoreOverride, ScorerAssignment, ScoringConfig, MemberTarget):
            model.objects.filter(cluster_year_id__in=ids)._raw_delete(db)
        ReportEntry.objects.filter(report__cluster_year_id__in=ids)._raw_delete(db)
        MemberReport.objects.filter(cluster_year_id__in=ids)._raw_delete(db)
        ClassificationBand.objects.filter(criteria_set__cluster_year_id__in=ids)._raw_delete(db)
        Criterion.objects.filter(criteria_set__cluster_year_id__in=ids).update(parent=None)
        Criterion.objects.filter(criteria_set__cluster_year_id__in=ids)._raw_delete(db)
        CriteriaSet.objects.filter(cluster_year_id__in=ids)._raw_delete(db)
        ClusterYear.objects.filter(pk__in=ids)._raw_delete(db)
        clusters = Cluster.objects.filter(code__startswith=PREFIX.lower() + "-")
        ClusterMembership.objects.filter(cluster__in=clusters)._raw_delete(db)
        clusters._raw_delete(db)
        Unit.objects.filter(code__startswith=PREFIX + "-")._raw_delete(db)


def build(*, clusters: int, members: int, criteria: int, scorers: int, rule: str) -> dict:
    """Create the synthetic world. Bulk writes only; returns counts."""
    from thidua.covenant.models import ClassificationBand, CriteriaSet, CriteriaSetStatus, Criterion
    from thidua.organisations.models import Cluster, ClusterMembership, ClusterYear, Unit
    from thidua.scoring.models import ScorerAssignment, ScoringConfig

    if scorers > members - 1:
        raise ValueError("scorers must be at most members - 1")
    batch = 5000
    now = timezone.now()
    with transaction.atomic():
        organiser = Unit.objects.create(code=f"{PREFIX}-ORG")
        Unit.objects.bulk_create([Unit(code=f"{PREFIX}-{i}-{j}") for i in range(clusters) for j in range(members)],
                                 batch_size=batch)
        unit_ids = dict(Unit.objects.filter(code__startswith=f"{PREFIX}-").values_list("code", "pk"))
        Cluster.objects.bulk_create([Cluster(code=f"{PREFIX.lower()}-{i}", name=f"Cụm tổng hợp {i}",
                                             organiser=organiser) for i in range(clusters)], batch_size=batch)
        cluster_ids = dict(Cluster.objects.filter(code__startswith=f"{PREFIX.lower()}-").values_list("code", "pk"))
        cl = [cluster_ids[f"{PREFIX.lower()}-{i}"] for i in range(clusters)]
        ClusterMembership.objects.bulk_create(
            [ClusterMembership(cluster_id=cl[i], unit_id=unit_ids[f"{PREFIX}-{i}-{j}"], start_year=YEAR)
             for i in range(clusters) for j in range(members)], batch_size=batch)
        ClusterYear.objects.bulk_create([ClusterYear(cluster_id=cl[i], year=YEAR,
                                                     head_id=unit_ids[f"{PREFIX}-{i}-0"]) for i in range(clusters)],
                                        batch_size=batch)
        cy_of = dict(ClusterYear.objects.filter(cluster_id__in=cl).values_list("cluster_id", "pk"))
        cys = [cy_of[c] for c in cl]
        CriteriaSet.objects.bulk_create([CriteriaSet(cluster_year_id=cy, title="Bộ tiêu chí tổng hợp",
                                                     status=CriteriaSetStatus.FROZEN, frozen_at=now) for cy in cys],
                                        batch_size=batch)
        set_of = dict(CriteriaSet.objects.filter(cluster_year_id__in=cys).values_list("cluster_year_id", "pk"))
        sets = [set_of[cy] for cy in cys]
        Criterion.objects.bulk_create([Criterion(criteria_set_id=s, code=f"G{g}", title=f"Nhóm {g}", method="group",
                                                 order=g) for s in sets for g in range(4)], batch_size=batch)
        groups = {(s, code): pk for s, code, pk in
                  Criterion.objects.filter(criteria_set_id__in=sets, method="group").values_list(
                      "criteria_set_id", "code", "pk")}
        quant = max(1, criteria // 10)
        leaves = []
        for s in sets:
            for k in range(criteria):
                leaves.append(Criterion(criteria_set_id=s, parent_id=groups[(s, f"G{k % 4}")], code=f"M{k}",
                                        title=f"Tiêu chí {k}", order=10 + k, max_points=Decimal(2),
                                        method="pass_fail" if k % 10 == 9 else "graded"))
            for k in range(quant):
                leaves.append(Criterion(criteria_set_id=s, parent_id=groups[(s, f"G{k % 4}")], code=f"Q{k}",
                                        title=f"Chỉ tiêu {k}", order=100 + k, method="quantitative",
                                        max_points=Decimal(3), extra_points_cap=Decimal(1),
                                        higher_is_better=k % 2 == 0))
            leaves.append(Criterion(criteria_set_id=s, code="B", title="Điểm thưởng", order=200, method="bonus",
                                    points_per_occurrence=Decimal(1), cap=Decimal(3)))
            leaves.append(Criterion(criteria_set_id=s, code="P", title="Điểm trừ", order=201, method="penalty",
                                    points_per_occurrence=Decimal(1), cap=Decimal(3)))
        Criterion.objects.bulk_create(leaves, batch_size=batch)
        ClassificationBand.objects.bulk_create(
            [ClassificationBand(criteria_set_id=s, label=label, min_points=lo, max_points=hi)
             for s in sets for label, lo, hi in (("Xuất sắc", 110, 1000), ("Tốt", 90, 110), ("Khá", 0, 90))],
            batch_size=batch)
        ScoringConfig.objects.bulk_create(
            [ScoringConfig(cluster_year_id=cy, criteria_set_id=set_of[cy], rule=rule, tie_break_1="group",
                           tie_break_1_group="G0", tie_break_2="bonus", tie_break_3="fewer_penalty")
             for cy in cys], batch_size=batch)
        ScorerAssignment.objects.bulk_create(
            [ScorerAssignment(cluster_year_id=cys[i], role="cross",
                              scorer_unit_id=unit_ids[f"{PREFIX}-{i}-{(j + k) % members}"],
                              unit_id=unit_ids[f"{PREFIX}-{i}-{j}"])
             for i in range(clusters) for j in range(members) for k in range(1, scorers + 1)], batch_size=batch)
        _insert_set_based(cys, now)
    return {"cluster_years": clusters, "members": clusters * members}


def _insert_set_based(cys: list[int], now) -> None:
    """Scores, targets, reports and entries by INSERT … SELECT: the database generates the rows."""
    ph = ", ".join(["%s"] * len(cys))
    sel = f"SELECT cluster_year_id FROM scoring_scoringconfig WHERE cluster_year_id IN ({ph})"
    with connection.cursor() as cur:
        # Points in [0.5, 2] on a 0.5 step, spread by scorer, member and criterion. Inserted in key order
        # (the indexes grow at their right edge; a real year's scores also sit together on disk).
        cur.execute(f"""
            INSERT INTO scoring_score (cluster_year_id, role, scorer_unit_id, unit_id, criterion_id, points, comment,
                                       entered_at)
            SELECT a.cluster_year_id, 'cross', a.scorer_unit_id, a.unit_id, c.id,
                   (1 + ((a.unit_id * 13 + c.id * 7 + a.scorer_unit_id * 3) %% 4)) * 0.5, '', %s
            FROM scoring_scorerassignment a
            JOIN scoring_scoringconfig cfg ON cfg.cluster_year_id = a.cluster_year_id
            JOIN covenant_criterion c ON c.criteria_set_id = cfg.criteria_set_id AND c.method IN ('graded', 'pass_fail')
            WHERE a.cluster_year_id IN ({sel})
            ORDER BY a.cluster_year_id, a.unit_id, c.id, a.scorer_unit_id""", [now, *cys])
        members = f"""
            FROM scoring_scoringconfig cfg
            JOIN organisations_clusteryear y ON y.id = cfg.cluster_year_id
            JOIN organisations_clustermembership m ON m.cluster_id = y.cluster_id
            WHERE cfg.cluster_year_id IN ({sel})"""
        cur.execute(f"""
            INSERT INTO covenant_membertarget (cluster_year_id, unit_id, criterion_id, target_value, note, updated_at)
            SELECT cfg.cluster_year_id, m.unit_id, c.id, 100, '', %s {members.replace('WHERE', '''
            JOIN covenant_criterion c ON c.criteria_set_id = cfg.criteria_set_id AND c.method = 'quantitative'
            WHERE''')}""", [now, *cys])
        cur.execute(f"""
            INSERT INTO scoring_memberreport (cluster_year_id, unit_id, kind, status, summary, returned_reason,
                                              updated_at, submitted_at)
            SELECT cfg.cluster_year_id, m.unit_id, 'year_end', 'submitted', '', '', %s, %s {members}""",
                    [now, now, *cys])
        cur.execute(f"""
            INSERT INTO scoring_reportentry (report_id, criterion_id, actual_value, narrative, occurrences)
            SELECT r.id, c.id,
                   CASE WHEN c.method = 'quantitative' THEN 60 + ((r.unit_id * 11 + c.id) %% 81) END, '',
                   CASE WHEN c.method IN ('bonus', 'penalty') THEN (r.unit_id + c.id) %% 5 END
            FROM scoring_memberreport r
            JOIN scoring_scoringconfig cfg ON cfg.cluster_year_id = r.cluster_year_id
            JOIN covenant_criterion c ON c.criteria_set_id = cfg.criteria_set_id
                AND c.method IN ('quantitative', 'bonus', 'penalty')
            WHERE r.cluster_year_id IN ({sel})""", cys)


# The floor: one aggregate over the same score rows (sum per cluster-year and member), written the ways a
# database can answer it, each timed in the same run; the fastest is the floor. As planned from the stored
# decimal points; from the integer hundredths (Score.points_centi, which the covering index score_cy_unit_crit
# holds: an index-only scan); and, on PostgreSQL, the same with parallel workers. The planner's own choice
# among these varies with the statistics (a serial merge join one day, a parallel aggregate the next), so a
# single formulation would make the ratio depend on that choice rather than on the engine.
_PARALLEL_FLOOR = ("parallel_setup_cost", "parallel_tuple_cost", "min_parallel_index_scan_size")


def _floors(vendor: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    sub = "SELECT c.cluster_year_id FROM scoring_scoringconfig c WHERE c.cluster_year_id IN ({ph})"
    floors = {
        "points": (f"SELECT s.cluster_year_id, s.unit_id, SUM(s.points) FROM scoring_score s "
                   f"WHERE s.cluster_year_id IN ({sub}) GROUP BY s.cluster_year_id, s.unit_id", ()),
        "points_centi": ("SELECT s.cluster_year_id, s.unit_id, SUM(s.points_centi) FROM scoring_score s "
                         "WHERE s.cluster_year_id IN ({ph}) GROUP BY s.cluster_year_id, s.unit_id", ()),
    }
    if vendor == "postgresql":
        floors["points_centi_parallel"] = (floors["points_centi"][0], _PARALLEL_FLOOR)
    return floors


def floor_query(cys: list[int], name: str = "points") -> int:
    """One formulation of the floor (see _floors); returns the number of (cluster-year, member) sums."""
    sql, parallel = _floors(connection.vendor)[name]
    with connection.cursor() as cur:
        for setting in parallel:
            cur.execute(f"SET {setting} = 0")
        try:
            cur.execute(sql.format(ph=", ".join(["%s"] * len(cys))), cys)
            return len(cur.fetchall())
        finally:
            for setting in parallel:
                cur.execute(f"RESET {setting}")


def run(options, stdout) -> dict:
    from thidua.scoring import engine
    from thidua.scoring.models import MemberResult, Score

    n, m, c, s = options["clusters"], options["members"], options["criteria"], options["scorers"]
    t0 = time.perf_counter()
    cleanup()
    build(clusters=n, members=m, criteria=c, scorers=s, rule=options.get("rule") or "mean")
    if connection.vendor == "postgresql":
        # What autovacuum would do to freshly loaded tables (statistics, visibility map, hint bits), now rather
        # than in the middle of the measurement.
        with connection.cursor() as cur:
            for table in _FILLED_TABLES:
                # VACUUM cannot run inside a transaction (the test suite runs the bench inside one).
                cur.execute(f"ANALYZE {table}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {table}")
    build_seconds = time.perf_counter() - t0
    cys = _bench_cy_ids()
    rows = Score.objects.filter(cluster_year_id__in=cys).count()
    stdout.write(f"Dữ liệu: {n} kỳ × {m} thành viên × {c} tiêu chí × {s} người chấm = {rows} dòng điểm "
                 f"(tạo trong {build_seconds:.1f} s, {connection.vendor}).")
    repeat = max(1, int(options.get("repeat") or 1))
    times, written = [], 0
    floors: dict[str, list[float]] = {name: [] for name in _floors(connection.vendor)}
    for _ in range(repeat):
        for name, measured in floors.items():
            t = time.perf_counter()
            floor_query(cys, name)
            measured.append(time.perf_counter() - t)
        t = time.perf_counter()
        written = engine.recompute(cluster_year_ids=cys)
        times.append(time.perf_counter() - t)
    best = {name: min(measured) for name, measured in floors.items()}
    floor_name = min(best, key=best.get)
    seconds, floor_seconds = min(times), best[floor_name]
    results = MemberResult.objects.filter(cluster_year_id__in=cys).count()
    ranked_ok = MemberResult.objects.filter(cluster_year_id__in=cys, rank=1).count() == n
    stdout.write(f"Tính lại: {written} kết quả (tổng, xếp loại, xếp hạng) trong {seconds:.3f} s; "
                 f"truy vấn tổng hợp sàn nhanh nhất ({floor_name}): {floor_seconds:.3f} s; "
                 f"tỷ lệ {seconds / floor_seconds:.2f}.")
    figures = {
        "bench": "scoring", "vendor": connection.vendor, "clusters": n, "members": m, "criteria": c, "scorers": s,
        "rule": options.get("rule") or "mean", "rows": rows, "results": results, "ranked": ranked_ok,
        "seconds": round(seconds, 4), "floor_seconds": round(floor_seconds, 4), "floor": floor_name,
        "floors": {name: round(x, 4) for name, x in best.items()},
        "ratio": round(seconds / floor_seconds, 3) if floor_seconds else None,
        "all_seconds": [round(x, 4) for x in times], "build_seconds": round(build_seconds, 2),
    }
    if not options.get("keep"):
        cleanup()
    stdout.write(json.dumps(figures))
    return figures
