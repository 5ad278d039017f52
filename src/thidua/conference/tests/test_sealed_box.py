"""Secrecy while the vote is open (issue 5): the database alone reveals nothing (see conference.ballot_box)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import override_settings

from thidua.conference import ballot_box, services
from thidua.conference.models import BallotKind, BallotState, CastBallot, CastChoice, SealedBallot, VoterBasis
from thidua.conference.rule_defaults import FLAG
from thidua.conference.selectors import ballot_result, receipt_check
from thidua.conference.tests.helpers import VOTERS, make_conference, make_voters, user
from thidua.core.actors import SYSTEM
from thidua.core.errors import InvalidState

pytestmark = pytest.mark.django_db


def open_ballot(conf=None, **rule):
    conf = conf or make_conference()
    rule = {"seats": 2, "max_choices": 2, **rule}
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD, award_code=FLAG, **rule)
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    return conf, type(b).objects.get(pk=b.pk)


def cid(b, code):
    return b.candidates.get(unit__code=code).pk


PLAN = {"01": ["01", "79"], "79": ["01"], "92": ["92"], "31": ["01", "92"], "48": None}


def cast_plan(b, plan=PLAN):
    receipts = {}
    for code, choice in plan.items():
        receipts[code] = services.ballot_cast(actor=user(VOTERS[code]), ballot_id=b.pk,
                                              candidate_ids=[cid(b, c) for c in choice or []], abstain=choice is None)
    return receipts


def raw_rows(table: str, ballot_id: int) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {table} WHERE ballot_id = %s", [ballot_id])  # noqa: S608 - fixed names
        return cur.fetchall()


def as_text(value) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("latin-1")
    return str(value)


def test_open_box_holds_no_plaintext_and_every_sealed_ballot_has_the_same_size():
    _conf, b = open_ballot()
    receipts = cast_plan(b)
    assert b.box_salt and len(b.box_salt) == 64
    assert not CastBallot.objects.filter(ballot=b).exists() and not CastChoice.objects.filter(cast__ballot=b).exists()
    rows = raw_rows("conference_sealedballot", b.pk)
    assert len(rows) == 5
    dump = "\n".join(as_text(v) for row in rows for v in row)
    for r in receipts.values():
        assert r not in dump and r.replace("-", "") not in dump
    assert '"r":' not in dump and '"c":' not in dump and "receipt" not in dump
    sizes = {len(bytes(s.sealed)) for s in SealedBallot.objects.filter(ballot=b)}
    # Two choices, one choice and an abstention all seal to one size: nonce + fixed plaintext + GCM tag.
    assert sizes == {ballot_box.NONCE_BYTES + ballot_box.padded_size(b.max_choices) + 16}
    # The tally is sealed in the database itself, not only by the selectors.
    with pytest.raises(InvalidState):
        ballot_result(ballot=b)


def test_receipt_checks_before_closing_by_keyed_hash_and_after_closing():
    _conf, b = open_ballot()
    receipts = cast_plan(b)
    tw = user("tw.lanhdao")
    assert receipt_check(user=tw, ballot_id=b.pk, receipt=receipts["92"].lower()) == {"found": True,
                                                                                      "published": False}
    assert receipt_check(user=tw, ballot_id=b.pk, receipt="AAAA-BBBB-CCCC") == {"found": False, "published": False}
    tags = set(SealedBallot.objects.filter(ballot=b).values_list("receipt_tag", flat=True))
    assert not tags & set(receipts.values())
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    assert receipt_check(user=tw, ballot_id=b.pk, receipt=receipts["92"])["found"]


def test_closing_opens_the_box_and_the_tally_is_right():
    _conf, b = open_ballot()
    receipts = cast_plan(b)
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    b = type(b).objects.get(pk=b.pk)
    assert b.state == BallotState.CLOSED and b.box_salt == ""  # the live database can no longer derive the key
    assert not SealedBallot.objects.filter(ballot=b).exists()
    assert sorted(CastBallot.objects.filter(ballot=b).values_list("receipt", flat=True)) == sorted(receipts.values())
    services.ballot_publish(actor=SYSTEM, ballot_id=b.pk)
    b = type(b).objects.get(pk=b.pk)
    doc = json.loads(b.published_json)
    assert doc["tally"] == {str(cid(b, "01")): 3, str(cid(b, "79")): 1, str(cid(b, "92")): 2,
                            str(cid(b, "31")): 0, str(cid(b, "48")): 0}
    assert doc["abstentions"] == 1 and doc["voters"] == 5
    by_receipt = {row["receipt"]: sorted(row["choices"]) for row in doc["ballots"]}
    for code, choice in PLAN.items():
        assert by_receipt[receipts[code]] == sorted(cid(b, c) for c in choice or [])
    assert ballot_result(ballot=b)["figures"]["blank"] == 1


def test_ballots_written_at_close_share_one_transaction_and_no_cast_order():
    conf = make_conference()
    extra = make_voters(conf, 12, prefix="sealvoter")
    _c, b = open_ballot(conf, voter_basis=VoterBasis.DELEGATE)
    order = [services.ballot_cast(actor=u, ballot_id=b.pk, candidate_ids=[cid(b, "01")]) for u in extra]
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    physical = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cur:
        cur.execute(f"SELECT receipt FROM conference_castballot WHERE ballot_id = %s ORDER BY {physical}", [b.pk])
        stored = [r[0] for r in cur.fetchall()]
    assert sorted(stored) == sorted(order)
    assert stored == list(CastBallot.objects.filter(ballot=b).order_by("sort_key").values_list("receipt", flat=True))


def test_server_key_rotation_during_the_vote_keeps_every_ballot():
    with override_settings(SECRET_KEY="khoa-cu-" + "x" * 40, SECRET_KEY_FALLBACKS=[]):
        _conf, b = open_ballot()
        first = cast_plan(b, {"01": ["01"], "79": ["79"]})
    with override_settings(SECRET_KEY="khoa-moi-" + "y" * 40, SECRET_KEY_FALLBACKS=["khoa-cu-" + "x" * 40]):
        second = cast_plan(b, {"92": ["01"]})
        assert receipt_check(user=user("tw.lanhdao"), ballot_id=b.pk, receipt=first["01"])["found"]
        services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    assert sorted(CastBallot.objects.filter(ballot=b).values_list("receipt", flat=True)) == sorted(
        [*first.values(), *second.values()])


def test_a_box_no_server_key_opens_refuses_to_close_and_stays_open():
    with override_settings(SECRET_KEY="khoa-cu-" + "x" * 40, SECRET_KEY_FALLBACKS=[]):
        _conf, b = open_ballot()
        receipts = cast_plan(b, {"01": ["01"]})
    with override_settings(SECRET_KEY="khoa-khac-" + "z" * 40, SECRET_KEY_FALLBACKS=[]):
        # Without the key the database cannot even tell whether a receipt is in the box.
        assert not receipt_check(user=user("tw.lanhdao"), ballot_id=b.pk, receipt=receipts["01"])["found"]
        with pytest.raises(InvalidState) as exc:
            services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
        assert "SECRET_KEY" in exc.value.message
    b = type(b).objects.get(pk=b.pk)
    assert b.state == BallotState.OPEN and SealedBallot.objects.filter(ballot=b).count() == 1
    assert not CastBallot.objects.filter(ballot=b).exists()


def test_a_sealed_ballot_opens_only_in_its_own_box():
    salt = ballot_box.new_salt()
    sealed, _tag = ballot_box.seal(ballot_id=7, salt=salt, max_choices=1, receipt="AAAA-BBBB-CCCC", abstain=False,
                                   choices=[42])
    assert ballot_box.unseal_all(ballot_id=7, salt=salt, sealed_rows=[sealed]) == [
        {"receipt": "AAAA-BBBB-CCCC", "abstain": False, "choices": [42]}]
    with pytest.raises(ballot_box.BoxKeyError):
        ballot_box.unseal_all(ballot_id=8, salt=salt, sealed_rows=[sealed])  # moved to another ballot
    with pytest.raises(ballot_box.BoxKeyError):
        ballot_box.unseal_all(ballot_id=7, salt=ballot_box.new_salt(), sealed_rows=[sealed])
    tampered = bytearray(sealed)
    tampered[-1] ^= 1
    with pytest.raises(ballot_box.BoxKeyError):
        ballot_box.unseal_all(ballot_id=7, salt=salt, sealed_rows=[bytes(tampered)])
    again, _ = ballot_box.seal(ballot_id=7, salt=salt, max_choices=1, receipt="AAAA-BBBB-CCCC", abstain=False,
                               choices=[42])
    assert again != sealed  # random nonce: equal ballots do not look equal
