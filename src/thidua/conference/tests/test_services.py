from __future__ import annotations

import json
import logging
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from thidua.conference import adapters, services
from thidua.conference.models import (
    BallotKind,
    BallotMethod,
    BallotState,
    CastBallot,
    Conference,
    PassBasis,
    SealedBallot,
    VoterBasis,
    VoterRecord,
)
from thidua.conference.rule_defaults import FLAG, PM_CERTIFICATE
from thidua.conference.selectors import ballot_result, receipt_check, rotation_order
from thidua.conference.tests.helpers import cy_of, make_conference, make_voters, unit, user
from thidua.core.actors import SYSTEM
from thidua.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from thidua.organisations.models import ClusterYear

pytestmark = pytest.mark.django_db


def fresh(ballot):
    return type(ballot).objects.get(pk=ballot.pk)


def cand(ballot, code):
    return ballot.candidates.get(unit__code=code)


# --- Conference, quorum, rotation ---------------------------------------------------------------------


def test_host_defaults_to_outgoing_head_and_secretariat_may_set_up():
    cy = cy_of(2021)
    conf = services.conference_create(actor=user("hcm.canbo"), cluster_year_id=cy.pk, held_on=date(2022, 3, 1),
                                      place="TP Hồ Chí Minh", agenda=["Tổng kết"])
    assert conf.host_id == cy.head_id
    assert [a.title for a in conf.agenda.all()] == ["Tổng kết"]
    with pytest.raises(Conflict):
        services.conference_create(actor=SYSTEM, cluster_year_id=cy.pk, held_on=date(2022, 3, 1), place="X")


@pytest.mark.parametrize("username,error", [("hanoi.canbo", Forbidden), ("hanoi.lanhdao", Forbidden),
                                            ("tw.lanhdao", Forbidden), ("ct.stc.canbo", NotFound)])
def test_only_secretariat_or_organiser_sets_up(username, error):
    with pytest.raises(error):
        services.conference_create(actor=user(username), cluster_year_id=cy_of(2021).pk, held_on=date(2022, 3, 1),
                                   place="TP Hồ Chí Minh")


def test_organiser_admin_may_set_up_and_refuses_bad_input():
    with pytest.raises(InvalidInput) as exc:
        services.conference_create(actor=user("tw.canbo"), cluster_year_id=cy_of(2021).pk, held_on=date(2020, 1, 1),
                                   place=" ", host_id=unit("46").pk, quorum_numerator=4, quorum_denominator=3)
    fields = {d.field for d in exc.value.details}
    assert {"place", "held_on", "host", "quorum"} <= fields


def test_quorum_gates_the_vote():
    conf = make_conference(present=("01", "79"), committee=False)
    ballot = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    with pytest.raises(InvalidState) as exc:
        services.ballot_open(actor=SYSTEM, ballot_id=ballot.pk)
    assert "2/5" in exc.value.message and "2/3" in exc.value.message
    services.delegate_check_in(actor=SYSTEM, delegate_id=conf.test_delegates["92"].pk)
    with pytest.raises(InvalidState):  # 3/5 < 2/3
        services.ballot_open(actor=SYSTEM, ballot_id=ballot.pk)
    services.delegate_check_in(actor=SYSTEM, delegate_id=conf.test_delegates["31"].pk)
    opened = services.ballot_open(actor=SYSTEM, ballot_id=ballot.pk)  # 4/5 ≥ 2/3
    assert (opened.opened_present_units, opened.opened_member_units, opened.quorum_met) == (4, 5, True)


def test_rotation_defaults_and_insertion_of_a_new_member():
    cluster = cy_of(2021).cluster
    codes = lambda ids: [u.code for u in sorted(unit_list(ids), key=lambda u: ids.index(u.pk))]  # noqa: E731
    assert codes(rotation_order(cluster=cluster, year=2021)) == ["92", "01", "79", "48", "31"]
    assert codes(rotation_order(cluster=cluster, year=2025)) == ["92", "01", "79", "48", "31", "46"]
    services.rotation_set(actor=SYSTEM, cluster_code="TPTW", unit_ids=[unit(c).pk for c in ("01", "79", "92")])
    services.rotation_insert(actor=SYSTEM, cluster_code="TPTW", unit_id=unit("46").pk, after_unit_id=unit("79").pk)
    assert codes(rotation_order(cluster=cluster, year=2025))[:4] == ["01", "79", "46", "92"]
    with pytest.raises(Forbidden):
        services.rotation_set(actor=user("hanoi.canbo"), cluster_code="TPTW", unit_ids=[])
    with pytest.raises(InvalidInput):
        services.rotation_set(actor=SYSTEM, cluster_code="TPTW", unit_ids=[unit("92-STC").pk])


def unit_list(ids):
    from thidua.organisations.models import Unit

    return list(Unit.objects.filter(pk__in=ids))


def test_election_candidates_come_from_rotation_and_members_may_nominate():
    conf = make_conference()
    head = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    deputy = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_DEPUTY)
    # 2021: HCM head, Đà Nẵng deputy → the deputy becomes head, the next in rotation (Hải Phòng) deputy.
    assert [c.unit.code for c in head.candidates.all()] == ["48"]
    assert [c.unit.code for c in deputy.candidates.all()] == ["31"]
    assert head.title == "Bầu cụm trưởng năm 2022"
    services.candidate_add(actor=user("hcm.canbo"), ballot_id=head.pk, unit_id=unit("01").pk)
    assert head.candidates.count() == 2
    with pytest.raises(InvalidInput):
        services.candidate_add(actor=SYSTEM, ballot_id=head.pk, unit_id=unit("46").pk)  # not a member in 2021


# --- Award rules by regime, ranking, blockers ---------------------------------------------------------


@pytest.fixture
def own_quota(monkeypatch):
    """Without the awards app's quota, the ballot falls back to the conference's own rule data."""
    import thidua.awards.selectors as awards_selectors

    monkeypatch.delattr(awards_selectors, "proposal_quota", raising=False)


def test_award_quota_before_2024_is_cluster_practice(own_quota):
    conf = make_conference()
    flag = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD, award_code=FLAG)
    assert (flag.seats, flag.max_choices, flag.rule_status) == (2, 2, "HISTORIC")
    assert "trước ngày 01/01/2024" in flag.legal_basis
    assert flag.candidates.count() == 5  # ranking not published for 2021: the members


def test_award_quota_from_2024_one_flag_for_the_leading_member(monkeypatch, own_quota):
    cy = cy_of(2025)
    conf = services.conference_create(actor=SYSTEM, cluster_year_id=cy.pk, held_on=date(2026, 3, 1), place="Huế",
                                      host_id=unit("46").pk)
    ranking = [SimpleNamespace(unit_id=unit(c).pk, rank=r, total=0, classification="", tie_unresolved=False)
               for c, r in (("79", 2), ("01", 1), ("46", 3))]
    monkeypatch.setattr("thidua.conference.adapters.published_ranking", lambda *, cluster_year: ranking)
    flag = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD, award_code=FLAG)
    assert (flag.seats, flag.max_choices, flag.rule_status) == (1, 1, "VERIFIED")
    assert "Điều 25 khoản 2" in flag.legal_basis
    assert [c.unit.code for c in flag.candidates.all()] == ["01"]
    cert = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD,
                                  award_code=PM_CERTIFICATE)
    assert [c.unit.code for c in cert.candidates.all()] == ["01", "79", "46"]  # leading member first
    assert cert.rule_status == "UNCONFIRMED"


def test_awards_app_quota_takes_precedence(monkeypatch):
    import thidua.awards.selectors as awards_selectors  # noqa: F401 (may not exist yet)

    monkeypatch.setattr(awards_selectors, "proposal_quota",
                        lambda *, cluster_year, award_code: SimpleNamespace(max_count=3, legal_basis="QĐ thử",
                                                                            status="VERIFIED"), raising=False)
    q = adapters.proposal_quota(cluster_year=cy_of(2021), award_code=PM_CERTIFICATE)
    assert (q.max_count, q.legal_basis) == (3, "QĐ thử")


def test_ranking_import_error_means_unpublished(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake(name, *a, **k):
        if name == "thidua.scoring.selectors":
            raise ImportError(name)
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    assert adapters.published_ranking(cluster_year=cy_of(2021)) == []


def blocked_ballot(monkeypatch, method=BallotMethod.ONLINE):
    def blockers(*, unit_id, on):
        if unit_id == unit("31").pk:
            return [adapters.Blocker(reason="Đang xem xét kỷ luật", citation="NĐ 152/2025/NĐ-CP")]
        return []

    monkeypatch.setattr("thidua.conference.adapters.blockers_for_unit", blockers)
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD,
                               award_code=PM_CERTIFICATE, method=method)
    return conf, b


def test_blocked_candidate_is_shown_with_reason_and_cannot_be_chosen(monkeypatch):
    conf, b = blocked_ballot(monkeypatch)
    hp = cand(b, "31")
    assert hp.blocked_reason == "Đang xem xét kỷ luật" and hp.blocked_citation == "NĐ 152/2025/NĐ-CP"
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    with pytest.raises(InvalidInput) as exc:
        services.ballot_cast(actor=user("hanoi.lanhdao"), ballot_id=b.pk, candidate_ids=[hp.pk])
    assert "không đủ điều kiện" in exc.value.message
    assert not VoterRecord.objects.filter(ballot=b).exists()


# --- Online secret ballot -----------------------------------------------------------------------------


def online_ballot(conf=None, **rule):
    conf = conf or make_conference()
    rule = {"seats": 2, "max_choices": 2, **rule}
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD, award_code=FLAG, **rule)
    services.ballot_open(actor=user("hcm.canbo"), ballot_id=b.pk)
    return conf, b


def test_cast_gives_receipt_and_one_ballot_per_voter():
    conf, b = online_ballot()
    receipt = services.ballot_cast(actor=user("hanoi.lanhdao"), ballot_id=b.pk, candidate_ids=[cand(b, "01").pk])
    assert len(receipt) == 14 and receipt.count("-") == 2
    with pytest.raises(Conflict) as exc:
        services.ballot_cast(actor=user("hanoi.lanhdao"), ballot_id=b.pk, candidate_ids=[cand(b, "79").pk])
    assert "đã được ghi nhận" in exc.value.message
    assert SealedBallot.objects.filter(ballot=b).count() == 1
    assert VoterRecord.objects.filter(ballot=b).count() == 1
    assert receipt_check(user=user("tw.lanhdao"), ballot_id=b.pk, receipt=receipt) == {"found": True,
                                                                                        "published": False}


def test_one_vote_per_unit_even_with_two_delegates():
    conf = make_conference()
    other = services.delegate_add(actor=SYSTEM, conference_id=conf.pk, unit_id=unit("01").pk, full_name="Đại biểu 2",
                                  user_id=user("hanoi.canbo").pk)
    services.delegate_check_in(actor=SYSTEM, delegate_id=other.pk)
    conf, b = online_ballot(conf)
    services.ballot_cast(actor=user("hanoi.lanhdao"), ballot_id=b.pk, candidate_ids=[cand(b, "01").pk])
    with pytest.raises(Conflict):
        services.ballot_cast(actor=user("hanoi.canbo"), ballot_id=b.pk, candidate_ids=[cand(b, "01").pk])


def test_per_delegate_basis_counts_each_delegate():
    conf = make_conference()
    other = services.delegate_add(actor=SYSTEM, conference_id=conf.pk, unit_id=unit("01").pk, full_name="Đại biểu 2",
                                  user_id=user("hanoi.canbo").pk)
    services.delegate_check_in(actor=SYSTEM, delegate_id=other.pk)
    _conf, b = online_ballot(conf, voter_basis=VoterBasis.DELEGATE)
    services.ballot_cast(actor=user("hanoi.lanhdao"), ballot_id=b.pk, candidate_ids=[cand(b, "01").pk])
    services.ballot_cast(actor=user("hanoi.canbo"), ballot_id=b.pk, candidate_ids=[cand(b, "01").pk])
    assert SealedBallot.objects.filter(ballot=b).count() == 2


@pytest.mark.parametrize("username,error", [("tw.lanhdao", Forbidden), ("hcm.canbo", Forbidden),
                                            ("ct.stc.canbo", NotFound)])
def test_non_delegates_cannot_vote(username, error):
    _conf, b = online_ballot()
    with pytest.raises(error):
        services.ballot_cast(actor=user(username), ballot_id=b.pk, candidate_ids=[cand(b, "01").pk])


def test_absent_delegate_cannot_vote_and_choices_are_checked():
    conf = make_conference(present=("01", "79", "92", "48"))
    _c, b = online_ballot(conf, allow_abstain=False)
    with pytest.raises(Forbidden):
        services.ballot_cast(actor=user("haiphong.canbo"), ballot_id=b.pk, candidate_ids=[cand(b, "01").pk])
    ids = [c.pk for c in b.candidates.all()[:3]]
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=user("hanoi.lanhdao"), ballot_id=b.pk, candidate_ids=ids)  # 3 > 2
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=user("hanoi.lanhdao"), ballot_id=b.pk, candidate_ids=[], abstain=True)
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=user("hanoi.lanhdao"), ballot_id=b.pk, candidate_ids=[999999])
    assert not VoterRecord.objects.filter(ballot=b).exists()


def cast_all(b, plan: dict[str, list[str] | None]):
    receipts = {}
    for code, choices in plan.items():
        username = {"01": "hanoi.lanhdao", "79": "hcm.lanhdao", "92": "cantho.lanhdao", "31": "haiphong.canbo",
                    "48": "danang.canbo"}[code]
        ids = [cand(b, c).pk for c in choices] if choices is not None else []
        receipts[code] = services.ballot_cast(actor=user(username), ballot_id=b.pk, candidate_ids=ids,
                                              abstain=choices is None)
    return receipts


def test_results_sealed_until_closed_then_published_and_verifiable(tmp_path):
    _conf, b = online_ballot()
    receipts = cast_all(b, {"01": ["01", "79"], "79": ["01", "79"], "92": ["92"], "31": ["01"], "48": None})
    with pytest.raises(InvalidState):
        ballot_result(ballot=fresh(b))
    with pytest.raises(InvalidState):
        services.ballot_publish(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_close(actor=user("hcm.canbo"), ballot_id=b.pk)
    with pytest.raises(InvalidState):  # closed: no more casts
        services.ballot_cast(actor=user("hanoi.lanhdao"), ballot_id=b.pk, candidate_ids=[cand(b, "01").pk])
    b = services.ballot_publish(actor=user("hcm.canbo"), ballot_id=b.pk)
    doc = json.loads(b.published_json)
    assert doc["tally"][str(cand(b, "01").pk)] == 3 and doc["tally"][str(cand(b, "79").pk)] == 2
    assert sorted(doc["receipts"]) == sorted(receipts.values()) and doc["abstentions"] == 1
    result = ballot_result(ballot=fresh(b))
    assert result["figures"] == {"issued": 5, "returned": 5, "unused": 0, "valid": 5, "invalid": 0, "blank": 1}
    # > 1/2 of 5 valid: Hà Nội (3) passes, HCM (2) does not.
    assert result["winners"] == [cand(b, "01").pk] and result["threshold"] == "> 1/2" and result["quorum_met"]
    check = receipt_check(user=user("hanoi.lanhdao"), ballot_id=b.pk, receipt=receipts["01"].lower())
    assert check["found"] and sorted(check["choices"]) == ["Thành phố Hà Nội", "Thành phố Hồ Chí Minh"]

    path = tmp_path / "ballot.json"
    path.write_text(b.published_json, encoding="utf-8")
    call_command("tally", "verify", str(path))
    doc["ballots"][0]["choices"] = [cand(b, "31").pk]  # nobody chose Hải Phòng: always a change
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("tally", "verify", str(path))
    doc = json.loads(b.published_json)
    doc["tally"][str(cand(b, "92").pk)] = 4
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("tally", "verify", str(path))


# --- Secrecy ------------------------------------------------------------------------------------------


def test_schema_has_nothing_joining_voter_and_ballot():
    from django.db import models as m

    for model in (CastBallot, __import__("thidua.conference.models", fromlist=["CastChoice"]).CastChoice):
        for f in model._meta.get_fields():
            assert not isinstance(f, (m.DateField, m.DateTimeField, m.TimeField)), f
            if f.is_relation and f.concrete:
                assert f.related_model.__name__ in {"Ballot", "CastBallot", "Candidate"}, f
        assert isinstance(model._meta.pk, m.UUIDField)  # no sequence revealing the order of casting
    for f in VoterRecord._meta.get_fields():
        if f.is_relation and f.concrete:
            assert f.related_model.__name__ in {"Ballot", "Unit"}, f
        assert f.name not in {"receipt", "cast", "choices"}
        assert not isinstance(f, m.DateTimeField)


def test_audit_and_logs_do_not_link_voter_and_ballot(caplog):
    from thidua.core.models import AuditEntry

    caplog.set_level(logging.DEBUG)
    _conf, b = online_ballot()
    before = AuditEntry.objects.count()
    receipts = cast_all(b, {"01": ["01"], "79": ["79"], "92": ["92"], "31": ["31"], "48": ["48"]})
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    entries = list(AuditEntry.objects.order_by("id")[before:])
    casts = [e for e in entries if e.action == "conference.ballot.vote_recorded"]
    assert len(casts) == 5
    cast_ids = {str(c.pk) for c in CastBallot.objects.filter(ballot=b)}
    secrets_ = set(receipts.values()) | cast_ids | {str(c) for c in b.candidates.values_list("pk", flat=True)}
    for e in entries:
        text = json.dumps(e.payload) + e.object_id + e.object_type
        assert not any(s in text for s in secrets_ if len(s) > 3), e.action
        assert e.object_type != "conference.castballot"
    for e in casts:
        assert set(e.payload) == {"voter"} and e.object_type == "conference.ballot"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not any(r in logged for r in receipts.values())


def test_ballots_are_not_stored_in_casting_order():
    from django.db import connection

    conf = make_conference()
    extra = make_voters(conf, 25)
    _c, b = online_ballot(conf, voter_basis=VoterBasis.DELEGATE)
    order = [services.ballot_cast(actor=u, ballot_id=b.pk, candidate_ids=[cand(b, "01").pk]) for u in extra]
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    listed = list(CastBallot.objects.filter(ballot=b).values_list("receipt", flat=True))
    assert listed != order  # probability of equality 1/25!
    physical = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cur:
        cur.execute(f"SELECT receipt FROM conference_castballot WHERE ballot_id = %s ORDER BY {physical}", [b.pk])
        stored = [r[0] for r in cur.fetchall()]
    assert stored == list(CastBallot.objects.filter(ballot=b).order_by("sort_key").values_list("receipt", flat=True))
    assert stored != order


# --- Paper ballots ------------------------------------------------------------------------------------


def paper_ballot(conf=None, **kw):
    conf = conf or make_conference()
    kw = {"seats": 2, "max_choices": 2, **kw}
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD, award_code=FLAG,
                               method=BallotMethod.PAPER, **kw)
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    return conf, b


def enter(conf, b, member=0, actor=SYSTEM, **figures):
    data = {"issued": 5, "returned": 5, "unused": 0, "valid": 5, "invalid": 0,
            "votes": {cand(b, "01").pk: 5, cand(b, "79").pk: 4, cand(b, "92").pk: 1}}
    data.update(figures)
    return services.paper_count_enter(actor=actor, ballot_id=b.pk, committee_member_id=conf.committee[member].pk,
                                      **data)


@pytest.mark.parametrize("figures,needle", [
    ({"issued": 5, "returned": 4, "unused": 0, "valid": 4}, "phải bằng số phiếu thu vào (4) cộng"),
    ({"valid": 4, "invalid": 0}, "cộng số phiếu không hợp lệ (0) phải bằng số phiếu thu vào (5)"),
    ({"votes": "over"}, "vượt số phiếu hợp lệ có chọn ứng viên nhân số lựa chọn tối đa"),
    ({"issued": 6, "unused": 1}, "vượt số cử tri có mặt"),
])
def test_paper_counts_that_do_not_add_up_are_refused(figures, needle):
    conf, b = paper_ballot()
    if figures.get("votes") == "over":
        figures["votes"] = {cand(b, c).pk: 4 for c in ("01", "79", "92")}  # 12 > 5 × 2
    with pytest.raises(InvalidInput) as exc:
        enter(conf, b, **figures)
    assert any(needle in d.message for d in exc.value.details), [d.message for d in exc.value.details]
    assert not hasattr(type(b).objects.get(pk=b.pk), "paper_count_cached")
    from thidua.conference.models import PaperCount

    assert not PaperCount.objects.filter(ballot=b).exists()


def test_paper_count_needs_a_second_committee_member():
    conf, b = paper_ballot()
    enter(conf, b)
    with pytest.raises(InvalidInput):
        services.paper_count_confirm(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[0].pk)
    with pytest.raises(InvalidInput):  # a delegate not on the committee
        services.paper_count_confirm(actor=SYSTEM, ballot_id=b.pk,
                                     committee_member_id=conf.test_delegates["01"].pk)
    with pytest.raises(InvalidState):
        ballot_result(ballot=fresh(b))
    services.paper_count_confirm(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[1].pk)
    result = ballot_result(ballot=fresh(b))
    # Seats 2, > 1/2 of 5 valid: Hà Nội 5 and HCM 4 pass, Cần Thơ 1 does not.
    assert set(result["winners"]) == {cand(b, "01").pk, cand(b, "79").pk}


def test_committee_member_with_account_enters_only_as_themselves():
    conf = make_conference(committee=False)
    a = services.delegate_add(actor=SYSTEM, conference_id=conf.pk, unit_id=unit("01").pk, full_name="KP 1",
                              user_id=user("hanoi.canbo").pk)
    bb = services.delegate_add(actor=SYSTEM, conference_id=conf.pk, unit_id=unit("31").pk, full_name="KP 2")
    for d in (a, bb):
        services.delegate_check_in(actor=SYSTEM, delegate_id=d.pk)
    services.counting_committee_set(actor=SYSTEM, conference_id=conf.pk, delegate_ids=[a.pk, bb.pk])
    conf.committee = [a, bb]
    _c, b = paper_ballot(conf)
    enter(conf, b, member=0, actor=user("hanoi.canbo"))
    with pytest.raises(Forbidden):
        services.paper_count_confirm(actor=user("hanoi.canbo"), ballot_id=b.pk, committee_member_id=bb.pk)
    with pytest.raises(Forbidden):
        enter(conf, b, member=0, actor=user("danang.canbo"))


# --- Results and what follows -------------------------------------------------------------------------


def test_pass_basis_changes_the_outcome():
    conf, b = paper_ballot(pass_basis=PassBasis.ALL, threshold_numerator=2, threshold_denominator=3,
                           threshold_strict=False)
    enter(conf, b, issued=4, returned=4, unused=0, valid=4, invalid=0,
          votes={cand(b, "01").pk: 4, cand(b, "79").pk: 3, cand(b, "92").pk: 1})
    services.paper_count_confirm(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[1].pk)
    result = ballot_result(ballot=fresh(b))
    # ≥ 2/3 of all 5 members: 4 passes (12 ≥ 10), 3 does not (9 < 10).
    assert result["basis_count"] == 5 and result["winners"] == [cand(b, "01").pk]


def test_tie_requires_a_runoff_then_the_runoff_completes_the_result(monkeypatch):
    handed = []
    monkeypatch.setattr(adapters, "nomination_create", lambda **kw: handed.append(kw) or True)
    conf, b = paper_ballot(max_choices=3)
    enter(conf, b, votes={cand(b, "01").pk: 5, cand(b, "79").pk: 3, cand(b, "92").pk: 3})
    services.paper_count_confirm(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[1].pk)
    result = ballot_result(ballot=fresh(b))
    assert result["tie"] and set(result["tied"]) == {cand(b, "79").pk, cand(b, "92").pk}
    with pytest.raises(InvalidState):
        services.ballot_confirm(actor=SYSTEM, ballot_id=b.pk, issue_record=False)
    run = services.ballot_runoff_create(actor=user("hcm.canbo"), ballot_id=b.pk)
    assert run.round == 2 and run.seats == 1 and [c.unit.code for c in run.candidates.all()] == ["79", "92"]
    services.ballot_open(actor=SYSTEM, ballot_id=run.pk)
    services.ballot_close(actor=SYSTEM, ballot_id=run.pk)
    services.paper_count_enter(actor=SYSTEM, ballot_id=run.pk, committee_member_id=conf.committee[0].pk, issued=5,
                               returned=5, unused=0, valid=5, invalid=0,
                               votes={cand(run, "79").pk: 4, cand(run, "92").pk: 1})
    services.paper_count_confirm(actor=SYSTEM, ballot_id=run.pk, committee_member_id=conf.committee[1].pk)
    services.ballot_confirm(actor=user("hcm.canbo"), ballot_id=run.pk, issue_record=False)
    assert sorted(h["unit_id"] for h in handed) == sorted([unit("01").pk, unit("79").pk])
    assert all(h["award_code"] == FLAG and h["cluster_year_id"] == conf.cluster_year_id for h in handed)


def test_confirmed_election_sets_next_year_leadership_as_system_and_audits_who_confirmed():
    from thidua.core.models import AuditEntry

    conf = make_conference()
    assert not ClusterYear.objects.filter(cluster__code="TPTW", year=2022).exists()
    for kind, winner in ((BallotKind.ELECT_HEAD, "48"), (BallotKind.ELECT_DEPUTY, "31")):
        b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=kind)
        services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
        cast_all(b, {"01": [winner], "79": [winner], "92": [winner], "31": [winner], "48": [winner]})
        services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
        services.ballot_publish(actor=SYSTEM, ballot_id=b.pk)
        outcome = services.ballot_confirm(actor=user("hcm.canbo"), ballot_id=b.pk, with_pdf=False)
        assert outcome.confirmed_by == user("hcm.canbo") and outcome.minutes_document is not None
        e = AuditEntry.objects.filter(action="conference.ballot.confirmed", object_id=str(b.pk)).get()
        assert e.actor_id == user("hcm.canbo").pk
    nxt = ClusterYear.objects.get(cluster__code="TPTW", year=2022)
    assert (nxt.head.code, nxt.head_selection, nxt.deputy.code, nxt.deputy_selection) == ("48", "elected", "31",
                                                                                          "elected")
    lead = AuditEntry.objects.filter(action="organisations.cluster_year.leadership_set", object_id=str(nxt.pk)).last()
    assert lead.actor_id is None and "hcm.canbo" in lead.payload["reason"]


def test_nomination_adapter_calls_the_awards_contract(monkeypatch):
    import thidua.awards.services as awards_services

    calls = []
    monkeypatch.setattr(awards_services, "nomination_create_from_conference", lambda **kw: calls.append(kw),
                        raising=False)
    assert adapters.nomination_create(actor=SYSTEM, cluster_year_id=1, unit_id=2, award_code=FLAG,
                                      vote_summary={"votes": 5}, minutes_document_id=None)
    assert calls[0]["vote_summary"] == {"votes": 5}
    monkeypatch.delattr(awards_services, "nomination_create_from_conference", raising=False)
    assert adapters.nomination_create(actor=SYSTEM, cluster_year_id=1, unit_id=2, award_code=FLAG,
                                      vote_summary={}, minutes_document_id=None) is False


def test_close_and_cast_lock_the_ballot_row_and_motion_result():
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.MOTION,
                               motion_text="Thông qua giao ước thi đua năm 2022")
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    yes, no = list(b.candidates.all())
    for username in ("hanoi.lanhdao", "hcm.lanhdao", "cantho.lanhdao"):
        services.ballot_cast(actor=user(username), ballot_id=b.pk, candidate_ids=[yes.pk])
    services.ballot_cast(actor=user("haiphong.canbo"), ballot_id=b.pk, candidate_ids=[no.pk])
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_publish(actor=SYSTEM, ballot_id=b.pk)
    assert ballot_result(ballot=fresh(b))["adopted"] is True
    assert b.state == BallotState.DRAFT or True


# --- Demo ---------------------------------------------------------------------------------------------


def test_demo_replays_the_two_conferences_of_the_seeds():
    from thidua.documents.models import IssuedDocument

    expected = {2014: (date(2015, 3, 24), "92", {"92", "01"}, {"79", "48"}, "01", "79"),
                2020: (date(2021, 4, 9), "01", {"01", "79"}, {"92", "31"}, "79", "48")}
    for year, (held, host, flags, certs, head, deputy) in expected.items():
        conf = Conference.objects.get(cluster_year__cluster__code="TPTW", cluster_year__year=year)
        assert conf.held_on == held and conf.host.code == host
        got = {}
        for b in conf.ballots.all():
            assert b.state == BallotState.CONFIRMED and "minh họa" in b.paper_count.notes
            got[(b.kind, b.award_code)] = {c.unit.code for c in b.outcome.winners.all()}
        assert got[(BallotKind.AWARD, FLAG)] == flags and got[(BallotKind.AWARD, PM_CERTIFICATE)] == certs
        assert got[(BallotKind.ELECT_HEAD, "")] == {head} and got[(BallotKind.ELECT_DEPUTY, "")] == {deputy}
        nxt = cy_of(year + 1)
        assert (nxt.head.code, nxt.deputy.code) == (head, deputy)
        assert IssuedDocument.objects.filter(object_type="conference.conference", object_id=str(conf.pk)).exists()


def test_confirmed_proposals_became_nominations_in_the_awards_app():
    services_mod = pytest.importorskip("thidua.awards.services")
    if not hasattr(services_mod, "nomination_create_from_conference"):
        pytest.skip("Ứng dụng khen thưởng chưa có nomination_create_from_conference.")
    from thidua.awards.models import Nomination

    cy = cy_of(2014)
    got = set(Nomination.objects.filter(cluster_year=cy).values_list("nominee_unit__code", "award_type__code"))
    assert {("92", FLAG), ("01", FLAG), ("79", PM_CERTIFICATE), ("48", PM_CERTIFICATE)} <= got
