"""Eligibility at national scale: every individual chain rule for every person, in one set-based statement.

`thidua bench eligibility --people 1000000 --years 10` (PostgreSQL only) builds a synthetic award history
in UNLOGGED scratch tables with binary COPY (one row per person and year: duty rating "good or better" and
the awards the chains read), indexed in person order (covering index: each person's years are read
together and grouped without hashing), then runs the same SQL as the batch path of the engine
(awards.eligibility.chain_batch_sql) over it, split into person ranges that the parallel workers evaluate
whole (`slices`), materialising one verdict row per person. The floor is one
sequential aggregate over the same rows in the same run. The last line printed is one JSON object.
"""

from __future__ import annotations

import json
import random
import struct
import time

from django.db import connection, transaction

from thidua.awards.eligibility import batch_award_codes, chain_batch_sql, chain_rules
from thidua.awards.rulesets import ruleset_for_year

FACTS = "awards_bench_facts"
DISC = "awards_bench_disc"
RESULT = "awards_bench_result"


def add_arguments(parser) -> None:
    parser.add_argument("--people", type=int, default=1_000_000, help="Số cá nhân (mặc định 1.000.000).")
    parser.add_argument("--years", type=int, default=10, help="Số năm lịch sử mỗi người (mặc định 10).")
    parser.add_argument("--judge-year", type=int, default=2025, help="Năm xét (bộ quy tắc theo năm này).")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="Giữ lại các bảng tạm sau khi đo.")


def _copy_header() -> bytes:
    return b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)


def _blocks(rng: random.Random, *, years: int, judge: int, n_codes: int, pool: int) -> list[bytes]:
    """A pool of encoded yearly histories (without the person id); people draw from it at random."""
    ncols = 3 + n_codes
    # Probabilities: good-or-better duty rating, then per award column (title, prior, consumed…).
    p_award = [0.30, 0.08, 0.02, 0.02, 0.02][:n_codes] + [0.02] * max(0, n_codes - 5)
    tail_fmt = ">ih" + "ih" * (ncols - 2)
    blocks = []
    for _ in range(pool):
        rows = []
        for y in range(judge - years + 1, judge + 1):
            if rng.random() < 0.03:
                continue  # a year with no record at all (breaks a run, as in real data)
            good = 1 if rng.random() < 0.85 else 0
            vals = [2, y, 2, good]
            for p in p_award:
                vals += [2, 1 if rng.random() < p else 0]
            rows.append(struct.pack(tail_fmt, *vals))
        blocks.append(rows)
    return [(ncols, rows) for rows in blocks]


def _build(cur, *, people: int, years: int, judge: int, codes: list[str], seed: int) -> int:
    rng = random.Random(seed)
    cols = ", ".join(f"a_{i} smallint NOT NULL" for i in range(len(codes)))
    cur.execute(f"DROP TABLE IF EXISTS {FACTS}, {DISC}, {RESULT}")
    cur.execute(f"CREATE UNLOGGED TABLE {FACTS} (person_id integer NOT NULL, year smallint NOT NULL, "
                f"good smallint NOT NULL, {cols})")
    cur.execute(f"CREATE UNLOGGED TABLE {DISC} (person_id integer NOT NULL, until_year integer NOT NULL)")
    pool = _blocks(rng, years=years, judge=judge, n_codes=len(codes), pool=min(65536, max(people, 1)))
    ncols = pool[0][0]
    head = struct.pack(">h", ncols) + struct.pack(">i", 4)
    rows = 0
    with cur.copy(f"COPY {FACTS} FROM STDIN WITH (FORMAT binary)") as copy:
        copy.write(_copy_header())
        buf, size = [], 0
        getrandbits, npool = rng.getrandbits, len(pool)
        bits = max(1, (npool - 1).bit_length())
        pack = struct.Struct(">i").pack
        for pid in range(1, people + 1):
            idx = getrandbits(bits) % npool
            block = pool[idx][1]
            prefix = head + pack(pid)
            chunk = b"".join(prefix + r for r in block)
            buf.append(chunk)
            size += len(chunk)
            rows += len(block)
            if size > 8_000_000:
                copy.write(b"".join(buf))
                buf, size = [], 0
        buf.append(b"\xff\xff")
        copy.write(b"".join(buf))
    with cur.copy(f"COPY {DISC} FROM STDIN WITH (FORMAT binary)") as copy:
        copy.write(_copy_header())
        out = []
        for pid in rng.sample(range(1, people + 1), k=max(1, people // 100)):
            out.append(struct.pack(">hiiii", 2, 4, pid, 4, judge - rng.randrange(0, years)))
        out.append(b"\xff\xff")
        copy.write(b"".join(out))
    # The rows arrived in person order (the table is clustered by person). A covering index in that order lets
    # the evaluation read each person's years together (index-only scan, GroupAggregate) instead of hashing
    # ten million rows into a million groups. VACUUM sets the visibility map the index-only scan needs; inside
    # a transaction (the test run) it cannot run, and the scan then checks the heap instead.
    cols = ", ".join(["year", "good", *(f"a_{i}" for i in range(len(codes)))])
    cur.execute(f"CREATE INDEX {FACTS}_person ON {FACTS} (person_id) INCLUDE ({cols})")
    if connection.in_atomic_block:
        cur.execute(f"ANALYZE {FACTS}")
    else:
        cur.execute(f"VACUUM ANALYZE {FACTS}")
    cur.execute(f"ANALYZE {DISC}")
    return rows


def _slices(cur) -> list[tuple[int, int]]:
    """Equal person_id ranges [lo, hi) covering the facts, three per parallel worker of this session.

    Each range is one complete branch of the evaluation (chain_batch_sql(slices=…)): a worker groups every year of
    its people itself, so nothing is merged in the leader. Three per worker rather than one, so a worker slowed
    down by the machine leaves its last ranges to the other; not many more, as every branch is compiled (JIT)
    on its own.
    """
    cur.execute(f"SELECT min(person_id), max(person_id) FROM {FACTS}")
    lo, hi = cur.fetchone()
    if lo is None:
        return [(0, 1)]
    cur.execute("SHOW max_parallel_workers_per_gather")
    n = max(1, 3 * int(cur.fetchone()[0]))
    hi += 1
    bounds = [lo + (hi - lo) * k // n for k in range(n + 1)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


def run(options, stdout) -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Phép đo này chạy trên PostgreSQL (DATABASE_URL=postgres://…).")
    people, years, judge = int(options["people"]), int(options["years"]), int(options["judge_year"])
    if people < 1 or not 1 <= years <= 60:
        raise SystemExit("--people ≥ 1 và 1 ≤ --years ≤ 60.")
    rs = ruleset_for_year(judge, with_overrides=False)
    codes = batch_award_codes(rs)
    t0 = time.perf_counter()
    with connection.cursor() as c:
        cur = c.cursor if hasattr(c, "cursor") else c
        cur.execute("SET work_mem = '512MB'")
        rows = _build(cur, people=people, years=years, judge=judge, codes=codes, seed=int(options["seed"]))
        build_s = time.perf_counter() - t0
        stdout.write(f"Đã tạo {rows:,} dòng cho {people:,} người trong {build_s:.1f} s (COPY nhị phân).")
        facts_sql = f"SELECT person_id, year, good, {', '.join(f'a_{i}' for i in range(len(codes)))} FROM {FACTS}"
        sql = chain_batch_sql(rs, facts_sql=facts_sql, disc_sql=f"SELECT person_id, until_year FROM {DISC}",
                              year=judge, vendor="postgresql", slices=_slices(cur))
        # Floor: one sequential aggregate over the same rows (same session settings, warm cache).
        cur.execute(f"SELECT count(*), sum(good), sum(a_0) FROM {FACTS}")
        cur.fetchall()
        t = time.perf_counter()
        cur.execute(f"SELECT count(*), sum(good), sum(a_0) FROM {FACTS}")
        cur.fetchall()
        floor_s = time.perf_counter() - t
        t = time.perf_counter()
        with transaction.atomic():
            # For this statement only (the floor keeps the session's settings):
            # - the statement is one UNION ALL branch per person range (see _slices); the workers take whole branches
            #   (Parallel Append) and evaluate them completely: grouping, discipline join, verdicts. Nothing is merged
            #   in the leader, which only gathers the verdict rows and writes the result table — already a full-time
            #   job for it, so it does not take branches itself (with 2 cores, a leader evaluating branches too
            #   delays the writing and the whole statement);
            # - the planner does not know the rows lie in person order and prefers hashing each branch's groups;
            #   without hash aggregation each branch reads the covering index over its range in person order and
            #   groups without hashing;
            # - LLVM inlining and optimisation of the long expressions cost about half a second of compile time, more
            #   than they save on a statement of a few seconds (JIT itself stays on).
            cur.execute("SET LOCAL parallel_leader_participation = off")
            cur.execute("SET LOCAL enable_hashagg = off")
            cur.execute("SET LOCAL jit_inline_above_cost = -1")
            cur.execute("SET LOCAL jit_optimize_above_cost = -1")
            cur.execute(f"CREATE UNLOGGED TABLE {RESULT} AS {sql}")
        eval_s = time.perf_counter() - t
        # For reading the ratio: the least any per-person evaluation must do (group the rows by person).
        t = time.perf_counter()
        cur.execute(f"CREATE UNLOGGED TABLE {RESULT}_g AS SELECT person_id, count(*) AS n FROM {FACTS} GROUP BY person_id")
        group_floor_s = time.perf_counter() - t
        cur.execute(f"DROP TABLE {RESULT}_g")
        rules = chain_rules(rs)
        cur.execute(f"SELECT count(*), {', '.join(f'sum(e{i})' for i in range(len(rules)))} FROM {RESULT}")
        judged, *eligible = cur.fetchone()
        if not options.get("keep"):
            cur.execute(f"DROP TABLE IF EXISTS {FACTS}, {DISC}, {RESULT}")
    total = time.perf_counter() - t0
    for rule, n in zip(rules, eligible, strict=True):
        stdout.write(f"{rule.code} ({rule.legal_basis}): {int(n or 0):,} người đủ điều kiện")
    stdout.write(json.dumps({
        "bench": "eligibility", "ruleset": rs.code, "judge_year": judge, "people": people, "years": years,
        "rows": rows, "judged_people": judged, "rules": [r.code for r in rules],
        "eligible": {r.code: int(n or 0) for r, n in zip(rules, eligible, strict=True)},
        "seconds": round(eval_s, 3), "floor_seconds": round(floor_s, 3),
        "ratio": round(eval_s / floor_s, 2) if floor_s else None,
        "group_floor_seconds": round(group_floor_s, 3),
        "ratio_to_group_floor": round(eval_s / group_floor_s, 2) if group_floor_s else None,
        "build_seconds": round(build_s, 3), "total_seconds": round(total, 3),
    }, ensure_ascii=False))
