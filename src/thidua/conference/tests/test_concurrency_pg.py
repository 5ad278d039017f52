"""Reliability of the online ballot under concurrency (issue 5): real commits, one connection per thread.

SQLite serialises every writer on the whole database file, so these races only mean something on
PostgreSQL; they are skipped elsewhere.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from thidua.conference import services
from thidua.conference.models import BallotKind, CastBallot, CastChoice, SealedBallot, VoterBasis, VoterRecord
from thidua.conference.selectors import ballot_result
from thidua.conference.tests.helpers import make_conference, make_voters
from thidua.core.actors import SYSTEM
from thidua.core.errors import Conflict, InvalidState

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="Các phép thử đồng thời cần PostgreSQL (SQLite khóa cả tệp khi ghi)."),
]

N_VOTERS = 200


def _open_ballot(conf):
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD,
                               award_code="co-thi-dua-chinh-phu", voter_basis=VoterBasis.DELEGATE, seats=2,
                               max_choices=2)
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    return b


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            connections.close_all()  # each thread used its own connection
    return run


def test_200_concurrent_casts_one_ballot_per_voter_and_nothing_lost(transactional_demo):
    conf = make_conference(committee=False)
    voters = make_voters(conf, N_VOTERS, prefix="pgvoter")
    b = _open_ballot(conf)
    cands = list(b.candidates.order_by("position").values_list("pk", flat=True))
    plan = {u.pk: [cands[i % len(cands)]] if i % 7 else [cands[0], cands[1]] for i, u in enumerate(voters)}
    # Every voter submits once, and one voter in four twice at the same moment (double click, two devices).
    jobs = [(u, plan[u.pk]) for u in voters] + [(u, plan[u.pk]) for u in voters[::4]]
    barrier = threading.Barrier(50)

    @_in_thread
    def cast(job):
        user, choice = job
        try:
            barrier.wait(timeout=30)
        except threading.BrokenBarrierError:
            pass  # only the simultaneous start is lost: the cast below still runs and is counted
        try:
            return ("ok", user.pk, services.ballot_cast(actor=user, ballot_id=b.pk, candidate_ids=choice))
        except Conflict as exc:
            return ("dup", user.pk, exc.message)

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(cast, jobs))
    ok = [r for r in results if r[0] == "ok"]
    dup = [r for r in results if r[0] == "dup"]
    assert len(ok) == N_VOTERS and len({r[1] for r in ok}) == N_VOTERS
    assert len(dup) == len(voters[::4]) and all("mỗi cử tri chỉ bỏ một phiếu" in r[2] for r in dup)
    # While open the box holds only sealed ballots, one per voter.
    assert SealedBallot.objects.filter(ballot=b).count() == N_VOTERS and not CastBallot.objects.filter(ballot=b)
    assert VoterRecord.objects.filter(ballot=b).count() == N_VOTERS
    # Each register row still shares its transaction id with one sealed row (that is what the database
    # reveals), but the sealed rows hold no receipt and no choice in clear.
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM conference_voterrecord v JOIN conference_sealedballot s "
                    "ON s.xmin = v.xmin WHERE v.ballot_id = %s AND s.ballot_id = %s", [b.pk, b.pk])
        assert cur.fetchone()[0] == N_VOTERS
        cur.execute("SELECT receipt_tag, encode(sealed, 'escape') FROM conference_sealedballot WHERE ballot_id = %s",
                    [b.pk])
        dump = "\n".join(f"{t}\n{c}" for t, c in cur.fetchall())
    assert not any(r[2] in dump for r in ok) and '"c":' not in dump

    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    assert sorted(CastBallot.objects.filter(ballot=b).values_list("receipt", flat=True)) == sorted(r[2] for r in ok)
    assert not SealedBallot.objects.filter(ballot=b).exists()
    # PostgreSQL stamps each row with the id of the transaction that wrote it (xmin): the register row and the
    # ballot of one cast share it until closing rewrites the ballots, after which nothing matches.
    with connection.cursor() as cur:
        cur.execute("SELECT DISTINCT xmin::text FROM conference_voterrecord WHERE ballot_id = %s", [b.pk])
        register_tx = {r[0] for r in cur.fetchall()}
        cur.execute("SELECT DISTINCT xmin::text FROM conference_castballot WHERE ballot_id = %s", [b.pk])
        ballot_tx = {r[0] for r in cur.fetchall()}
    assert len(register_tx) == N_VOTERS and len(ballot_tx) == 1 and not register_tx & ballot_tx
    services.ballot_publish(actor=SYSTEM, ballot_id=b.pk)
    b.refresh_from_db()
    expected = {c: 0 for c in cands}
    for choice in plan.values():
        for c in choice:
            expected[c] += 1
    result = ballot_result(ballot=b)
    assert {c["id"]: c["votes"] for c in result["candidates"]} == expected
    assert CastChoice.objects.filter(cast__ballot=b).count() == sum(expected.values())


def test_close_and_cast_cannot_both_succeed(transactional_demo):
    conf = make_conference(committee=False)
    voters = make_voters(conf, 60, prefix="pgclose")
    b = _open_ballot(conf)
    cand = b.candidates.order_by("position").values_list("pk", flat=True).first()
    start = threading.Barrier(31)

    @_in_thread
    def cast(user):
        start.wait(timeout=30)
        try:
            return ("ok", services.ballot_cast(actor=user, ballot_id=b.pk, candidate_ids=[cand]))
        except InvalidState:
            return ("closed", None)

    @_in_thread
    def close():
        start.wait(timeout=30)
        services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
        return ("closer", None)

    with ThreadPoolExecutor(max_workers=31) as pool:
        futures = [pool.submit(cast, u) for u in voters[:30]] + [pool.submit(close)]
        results = [f.result() for f in futures]
    accepted = [r[1] for r in results if r[0] == "ok"]
    # Whatever the interleaving: every accepted cast is counted, nothing landed after the close.
    assert sorted(CastBallot.objects.filter(ballot=b).values_list("receipt", flat=True)) == sorted(accepted)
    assert VoterRecord.objects.filter(ballot=b).count() == len(accepted)
    with pytest.raises(InvalidState):
        services.ballot_cast(actor=voters[40], ballot_id=b.pk, candidate_ids=[cand])
    from thidua.core.models import AuditEntry

    closed = AuditEntry.objects.filter(action="conference.ballot.closed", object_id=str(b.pk)).get()
    assert closed.payload["ballots_cast"] == len(accepted)
