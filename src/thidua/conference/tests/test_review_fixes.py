"""Regression tests for the defects found by the reviewer of the running demo (one test or more per defect,
numbered as in the review)."""

from __future__ import annotations

import io
import json

import docx
import pytest
from django.core.management import CommandError, call_command

from thidua.conference import adapters, services
from thidua.conference.documents import conference_minutes_issue, results_pending, results_report_refusal
from thidua.conference.models import Ballot, BallotKind, BallotMethod, BallotState, Conference, PaperCount
from thidua.conference.rule_defaults import PM_CERTIFICATE
from thidua.conference.selectors import ballot_result
from thidua.conference.tests.helpers import make_conference, unit, user
from thidua.conference.tests.test_services import cand, cast_all, enter, fresh, online_ballot, paper_ballot
from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, InvalidInput, InvalidState
from thidua.core.models import AuditEntry
from thidua.documents.models import IssuedDocument
from thidua.documents.tests.samples import docx_text

pytestmark = pytest.mark.django_db

URL = "/api/v1"


def api(client, method, url, data=None):
    return getattr(client, method)(URL + url, data=json.dumps(data or {}), content_type="application/json")




# --- 1. Correcting and cancelling ---------------------------------------------------------------------


def test_1_conference_details_and_agenda_are_editable_until_closed(api_as):
    conf = make_conference()
    client = api_as("hcm.canbo")
    r = api(client, "patch", f"/conferences/{conf.pk}", {"place": "Cần Thơ", "held_on": "2022-03-25",
                                                         "chair": "Chủ trì mới", "quorum_numerator": 1,
                                                         "quorum_denominator": 2, "agenda": ["Một", "Hai"]})
    assert r.status_code == 200, r.content
    conf = Conference.objects.get(pk=conf.pk)
    assert (conf.place, conf.chair, str(conf.held_on), conf.quorum_numerator) == ("Cần Thơ", "Chủ trì mới",
                                                                                  "2022-03-25", 1)
    assert [a.title for a in conf.agenda.order_by("position")] == ["Một", "Hai"]
    assert api(api_as("hanoi.canbo"), "patch", f"/conferences/{conf.pk}", {"place": "X"}).status_code == 403
    services.conference_close(actor=SYSTEM, conference_id=conf.pk)
    r = api(client, "patch", f"/conferences/{conf.pk}", {"place": "Hà Nội"})
    assert r.status_code == 409 and "đã kết thúc" in r.json()["message"]
    with pytest.raises(InvalidState):
        services.agenda_set(actor=SYSTEM, conference_id=conf.pk, items=["X"])


def test_1_conference_edit_page(client_as):
    conf = make_conference()
    c = client_as("hcm.canbo")
    page = c.get("/conference/TPTW/2021/").content.decode()
    assert f"/conference/c/{conf.pk}/edit/" in page
    r = c.post(f"/conference/c/{conf.pk}/edit/", {"held_on": "2022-03-21", "place": "Đà Nẵng", "chair": "A",
                                                   "secretary": "B", "central_leader": "", "quorum_numerator": 2,
                                                   "quorum_denominator": 3, "agenda": "X\nY"})
    assert r.status_code == 302
    conf = Conference.objects.get(pk=conf.pk)
    assert conf.place == "Đà Nẵng" and [a.title for a in conf.agenda.order_by("position")] == ["X", "Y"]


def test_1_delegates_and_candidates_removed_before_the_ballot_opens(api_as):
    conf = make_conference()
    client = api_as("hcm.canbo")
    extra = services.delegate_add(actor=SYSTEM, conference_id=conf.pk, unit_id=unit("01").pk, full_name="Nhầm")
    assert api(client, "delete", f"/delegates/{extra.pk}").status_code == 204
    assert not conf.delegates.filter(pk=extra.pk).exists()
    assert AuditEntry.objects.filter(action="conference.delegate.removed", object_id=str(conf.pk)).exists()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD, award_code=PM_CERTIFICATE)
    c31 = cand(b, "31")
    assert api(client, "delete", f"/candidates/{c31.pk}").status_code == 204
    assert not b.candidates.filter(unit__code="31").exists()
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    r = api(client, "delete", f"/candidates/{cand(b, '01').pk}")
    assert r.status_code == 409
    # A delegate who voted, is on the committee, or was present for an opened ballot cannot be removed.
    voter = conf.test_delegates["01"]
    r = api(client, "delete", f"/delegates/{voter.pk}")
    assert r.status_code == 409, r.content


def test_1_a_ballot_not_opened_can_be_cancelled_with_a_reason_and_no_longer_blocks_the_report(api_as):
    conf = make_conference()
    mistake = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD,
                                     award_code=PM_CERTIFICATE)
    client = api_as("hcm.canbo")
    r = api(client, "post", f"/ballots/{mistake.pk}/cancel", {"reason": " "})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "reason"
    r = api(client, "post", f"/ballots/{mistake.pk}/cancel", {"reason": "Tạo nhầm"})
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    entry = AuditEntry.objects.get(action="conference.ballot.cancelled", object_id=str(mistake.pk))
    assert entry.payload["reason"] == "Tạo nhầm"
    assert results_pending(conf) == []
    assert "chưa được xác nhận đủ" not in (results_report_refusal(conf) or "")
    opened = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    services.ballot_open(actor=SYSTEM, ballot_id=opened.pk)
    with pytest.raises(InvalidState):
        services.ballot_cancel(actor=SYSTEM, ballot_id=opened.pk, reason="Muộn")
    with pytest.raises(InvalidState):
        services.ballot_open(actor=SYSTEM, ballot_id=mistake.pk)


def test_1_cancel_from_the_ballot_page(client_as):
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    c = client_as("hcm.canbo")
    page = c.get(f"/conference/ballot/{b.pk}/").content.decode()
    assert f"/conference/ballot/{b.pk}/do/cancel/" in page
    assert c.post(f"/conference/ballot/{b.pk}/do/cancel/", {"reason": "Tạo nhầm"}).status_code == 302
    assert fresh(b).state == BallotState.CANCELLED


# --- 2. Run-off: fixed candidates, round 1 recorded -----------------------------------------------------


def tied_award_ballot(monkeypatch, handed):
    monkeypatch.setattr(adapters, "nomination_create", lambda **kw: handed.append(kw) or True)
    conf, b = paper_ballot(max_choices=3)
    enter(conf, b, votes={cand(b, "01").pk: 5, cand(b, "79").pk: 3, cand(b, "92").pk: 3})
    services.paper_count_confirm(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[1].pk)
    return conf, b


def test_2_runoff_candidates_are_fixed(monkeypatch):
    conf, b = tied_award_ballot(monkeypatch, [])
    run = services.ballot_runoff_create(actor=SYSTEM, ballot_id=b.pk)
    with pytest.raises(InvalidState) as exc:
        services.candidate_add(actor=SYSTEM, ballot_id=run.pk, unit_id=unit("01").pk)
    assert "bỏ phiếu lại" in exc.value.message
    with pytest.raises(InvalidState):
        services.candidate_remove(actor=SYSTEM, candidate_id=cand(run, "79").pk)


def test_2_round_one_is_recorded_and_nominations_take_their_own_round(monkeypatch):
    handed = []
    conf, b = tied_award_ballot(monkeypatch, handed)
    run = services.ballot_runoff_create(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_open(actor=SYSTEM, ballot_id=run.pk)
    services.ballot_close(actor=SYSTEM, ballot_id=run.pk)
    services.paper_count_enter(actor=SYSTEM, ballot_id=run.pk, committee_member_id=conf.committee[0].pk, issued=5,
                               returned=5, unused=0, valid=5, invalid=0,
                               votes={cand(run, "79").pk: 4, cand(run, "92").pk: 1})
    services.paper_count_confirm(actor=SYSTEM, ballot_id=run.pk, committee_member_id=conf.committee[1].pk)
    services.ballot_confirm(actor=SYSTEM, ballot_id=run.pk, with_pdf=False)
    # The tied first round gets its own Biên bản kiểm phiếu, recording the unit it elected.
    rec = IssuedDocument.objects.filter(object_type="conference.ballot", object_id=str(b.pk)).first()
    assert rec is not None
    text = docx_text(rec.docx_path, cells=" | ")
    assert "Thành phố Hà Nội được suy tôn, đề nghị (5/5 phiếu)" in text
    assert "bỏ phiếu lại" in text
    by_unit = {h["unit_id"]: h["vote_summary"] for h in handed}
    assert by_unit[unit("01").pk]["votes"] == 5 and by_unit[unit("01").pk]["ballot"] == b.pk
    assert by_unit[unit("79").pk]["votes"] == 4 and by_unit[unit("79").pk]["ballot"] == run.pk


# --- 3. Tie at the top when nobody passes the threshold -------------------------------------------------


def test_3_two_two_tie_with_nobody_elected_offers_a_runoff():
    conf = make_conference(present=("01", "79", "92", "31"))
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD,
                               candidate_unit_ids=[unit("48").pk, unit("31").pk])
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    cast_all(b, {"01": ["48"], "79": ["48"], "92": ["31"], "31": ["31"]})
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_publish(actor=SYSTEM, ballot_id=b.pk)
    result = ballot_result(ballot=fresh(b))
    assert result["winners"] == [] and result["tie"]
    assert set(result["tied"]) == {cand(b, "48").pk, cand(b, "31").pk}
    run = services.ballot_runoff_create(actor=SYSTEM, ballot_id=b.pk)
    assert sorted(c.unit.code for c in run.candidates.all()) == ["31", "48"] and run.seats == 1


# --- 4. Entering and confirming a paper count: two different accounts -----------------------------------


def test_4_one_account_cannot_enter_and_confirm_a_paper_count():
    conf, b = paper_ballot()
    enter(conf, b, member=0, actor=user("hcm.canbo"))
    with pytest.raises(Forbidden) as exc:
        services.paper_count_confirm(actor=user("hcm.canbo"), ballot_id=b.pk,
                                     committee_member_id=conf.committee[1].pk)
    assert "tài khoản khác" in exc.value.message
    services.paper_count_confirm(actor=user("tw.canbo"), ballot_id=b.pk, committee_member_id=conf.committee[1].pk)
    count = PaperCount.objects.get(ballot=b)
    assert (count.entered_by_user, count.confirmed_by_user) == (user("hcm.canbo"), user("tw.canbo"))


# --- 5. A resubmitted vote is told "already voted", not "no permission" ---------------------------------


def test_5_resubmitting_a_vote_says_already_voted_and_a_closed_box_says_so(client_as):
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    cid = str(b.candidates.first().pk)
    voter = client_as("hanoi.lanhdao")
    assert voter.post(f"/conference/ballot/{b.pk}/", {"candidates": cid}).status_code == 200
    again = voter.post(f"/conference/ballot/{b.pk}/", {"candidates": cid}, follow=True)
    assert again.status_code == 200
    html = again.content.decode()
    assert "đã được ghi nhận trước đó" in html and "mã biên nhận" in html
    late = client_as("hcm.lanhdao")
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    r = late.post(f"/conference/ballot/{b.pk}/", {"candidates": cid}, follow=True)
    assert r.status_code == 200 and "đã khóa hòm phiếu" in r.content.decode()
    # Someone who is not a delegate still gets the refusal.
    assert client_as("tw.lanhdao").post(f"/conference/ballot/{b.pk}/", {"candidates": cid}).status_code == 403


# --- 6. The Flag nominee is not also proposed for the PM's Certificate -----------------------------------


def test_6_flag_winner_is_not_a_certificate_candidate(monkeypatch):
    monkeypatch.setattr(adapters, "nomination_create", lambda **kw: True)
    conf, flag = online_ballot(seats=1, max_choices=1)
    cast_all(flag, {"01": ["01"], "79": ["01"], "92": ["01"], "31": ["79"], "48": ["01"]})
    services.ballot_close(actor=SYSTEM, ballot_id=flag.pk)
    services.ballot_publish(actor=SYSTEM, ballot_id=flag.pk)
    services.ballot_confirm(actor=SYSTEM, ballot_id=flag.pk, issue_record=False)
    cert = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD,
                                  award_code=PM_CERTIFICATE)
    assert "01" not in {c.unit.code for c in cert.candidates.all()}
    with pytest.raises(InvalidInput) as exc:
        services.candidate_add(actor=SYSTEM, ballot_id=cert.pk, unit_id=unit("01").pk)
    assert "Điều 5" in str(exc.value.message) + " ".join(str(d.message) for d in exc.value.details)
    with pytest.raises(InvalidInput):
        services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD,
                               award_code=PM_CERTIFICATE, candidate_unit_ids=[unit("01").pk, unit("79").pk])


def test_6_a_certificate_ballot_prepared_before_the_flag_result_cannot_open_with_the_flag_winner(monkeypatch):
    monkeypatch.setattr(adapters, "nomination_create", lambda **kw: True)
    conf = make_conference()
    cert = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD,
                                  award_code=PM_CERTIFICATE)
    _c, flag = online_ballot(conf, seats=1, max_choices=1)
    cast_all(flag, {"01": ["01"], "79": ["01"], "92": ["01"], "31": ["79"], "48": ["01"]})
    services.ballot_close(actor=SYSTEM, ballot_id=flag.pk)
    services.ballot_publish(actor=SYSTEM, ballot_id=flag.pk)
    services.ballot_confirm(actor=SYSTEM, ballot_id=flag.pk, issue_record=False)
    with pytest.raises(InvalidState) as exc:
        services.ballot_open(actor=SYSTEM, ballot_id=cert.pk)
    assert "Thành phố Hà Nội" in exc.value.message and "Điều 5" in exc.value.message


# --- 7. tally verify recomputes every figure; malformed files are a clear error --------------------------


@pytest.fixture
def published(tmp_path):
    _conf, b = online_ballot()
    cast_all(b, {"01": ["01", "79"], "79": ["01"], "92": ["92"], "31": None})
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    b = services.ballot_publish(actor=SYSTEM, ballot_id=b.pk)
    return json.loads(b.published_json)


def _write_resealed(tmp_path, doc) -> str:
    """The file as a forger would make it: tally, receipts and SHA-256 recomputed from the altered ballots."""
    import hashlib

    from thidua.conference.tally import canonical_ballots

    tally = {k: 0 for k in doc["tally"]}
    for r in doc["ballots"]:
        for c in r["choices"]:
            tally[str(c)] += 1
    doc["tally"] = tally
    doc["receipts"] = sorted(r["receipt"] for r in doc["ballots"])
    doc["sha256"] = hashlib.sha256(canonical_ballots(doc["ballots"])).hexdigest()
    path = tmp_path / "f.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_7_verify_accepts_the_published_file(tmp_path, published):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(published), encoding="utf-8")
    out = io.StringIO()
    call_command("tally", "verify", str(path), stdout=out)
    assert "KHỚP" in out.getvalue()


@pytest.mark.parametrize("alteration", ["remove", "extra_empty", "abstentions"])
def test_7_verify_catches_removed_or_added_ballots_and_wrong_abstentions(tmp_path, published, alteration):
    doc = json.loads(json.dumps(published))
    if alteration == "remove":
        doc["ballots"].pop()
    elif alteration == "extra_empty":
        doc["ballots"].append({"receipt": "ZZZZ-ZZZZ-ZZZZ", "abstain": False, "choices": []})
    path = _write_resealed(tmp_path, doc)
    if alteration == "abstentions":
        doc = json.loads(open(path, encoding="utf-8").read())
        doc["abstentions"] = 3
        open(path, "w", encoding="utf-8").write(json.dumps(doc))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("tally", "verify", path, stderr=err, stdout=io.StringIO())


@pytest.mark.parametrize("content", [
    "[]", '{"ballots": [{"abstain": false, "choices": []}], "candidates": [], "ballot": {"max_choices": 1}}',
    '{"ballots": [], "candidates": [{"id": "x"}], "ballot": {"max_choices": 1}}',
    '{"ballots": [{"receipt": "A", "abstain": false, "choices": ["x"]}], "candidates": [{"id": 1}],'
    ' "ballot": {"max_choices": 1}, "tally": [], "voters": 1, "abstentions": 0, "receipts": ["A"], "sha256": ""}',
    '{"ballots": "x", "candidates": [], "ballot": []}'])
def test_7_malformed_files_are_a_clear_error(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("tally", "verify", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert "không đúng định dạng" in str(exc.value)


# --- 8. A closed conference cannot be changed ------------------------------------------------------------


def test_8_closed_conference_refuses_delegates_and_committee(api_as):
    conf = make_conference()
    services.conference_close(actor=SYSTEM, conference_id=conf.pk)
    client = api_as("hcm.canbo")
    r = api(client, "post", f"/conferences/{conf.pk}/delegates", {"unit_id": unit("01").pk, "full_name": "Muộn"})
    assert r.status_code == 409 and "đã kết thúc" in r.json()["message"]
    ids = [d.pk for d in conf.committee]
    r = api(client, "post", f"/conferences/{conf.pk}/counting-committee", {"delegate_ids": ids})
    assert r.status_code == 409
    with pytest.raises(InvalidState):
        services.delegate_remove(actor=SYSTEM, delegate_id=conf.test_delegates["01"].pk)


# --- 9. Official documents are in Vietnamese whatever the session's language -----------------------------


def test_9_minutes_and_records_are_vietnamese_from_an_english_session():
    from django.utils import translation

    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD,
                               method=BallotMethod.PAPER)
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    (c,) = b.candidates.all()
    services.paper_count_enter(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[0].pk, issued=5,
                               returned=5, unused=0, valid=5, invalid=0, blank=1, votes={c.pk: 4})
    services.paper_count_confirm(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[1].pk)
    with translation.override("en"):
        outcome = services.ballot_confirm(actor=SYSTEM, ballot_id=b.pk, with_pdf=False)
        doc = conference_minutes_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    text = docx_text(doc.docx_path, cells=" | ") + docx_text(outcome.minutes_document.docx_path, cells=" | ")
    assert "valid ballots" not in text.lower() and "số phiếu hợp lệ" in text
    assert Ballot.objects.get(pk=b.pk).outcome.summary["basis_label"] == "Trên số phiếu hợp lệ"


# --- 10. Document content -------------------------------------------------------------------------------


def test_10_quorum_basis_follows_the_date_and_no_software_wording():
    from thidua.conference import rule_defaults

    old = Conference.objects.get(cluster_year__cluster__code="TPTW", cluster_year__year=2014)  # held 24/03/2015
    assert "08/2017" not in old.quorum_legal_basis
    assert "08/2017/TT-BNV" in rule_defaults.quorum_basis(on=__import__("datetime").date(2022, 3, 20))
    for text in (rule_defaults.THRESHOLD_BASIS, rule_defaults.quorum_basis(on=old.held_on),
                 *(r.legal_basis for r in rule_defaults.QUOTA_RULES)):
        assert "cấu hình" not in text


def test_10_online_record_without_committee_and_copies_wording():
    conf = make_conference(committee=False)
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    cast_all(b, {"01": ["48"], "79": ["48"], "92": ["48"]})
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_publish(actor=SYSTEM, ballot_id=b.pk)
    outcome = services.ballot_confirm(actor=SYSTEM, ballot_id=b.pk, with_pdf=False)
    text = docx_text(outcome.minutes_document.docx_path, cells=" | ")
    assert "(chưa ghi)" not in text and "lập thành bản" not in text
    assert "CHỦ TRÌ HỘI NGHỊ" in text and "Chủ trì (thử nghiệm)" in text


def test_10_report_without_a_head_names_the_host(monkeypatch):
    from datetime import date

    from thidua.conference.documents import results_report_spec
    from thidua.documents.docx_render import render_docx
    from thidua.organisations.models import ClusterYear

    conf = Conference.objects.get(cluster_year__cluster__code="TPTW", cluster_year__year=2020)
    ClusterYear.objects.filter(pk=conf.cluster_year_id).update(head=None)
    conf = Conference.objects.get(pk=conf.pk)
    d = docx.Document(io.BytesIO(render_docx(results_report_spec(conf, on=date(2021, 4, 20)))))
    text = "\n".join(p.text for p in d.paragraphs) + "\n".join(
        c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "Cụm trưởng, Cụm trưởng" not in text
    assert "Thành phố Hà Nội, đơn vị đăng cai hội nghị" in text


# --- 11, 12, 13, 14. Pages ------------------------------------------------------------------------------


def test_11_to_14_ballot_page_words_confirmations_and_tie_rule_field(client_as):
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD, award_code=PM_CERTIFICATE)
    c = client_as("hcm.canbo")
    page = c.get(f"/conference/ballot/{b.pk}/").content.decode()
    assert ">UNCONFIRMED<" not in page and ">HISTORIC<" not in page and "Số lượng được đề nghị:" in page
    assert 'name="tie_rule"' in page and "data-confirm=" in page
    r = c.post(f"/conference/ballot/{b.pk}/do/rule/", {"voter_basis": "unit", "pass_basis": "valid",
                                                       "threshold_numerator": 1, "threshold_denominator": 2,
                                                       "threshold_strict": "on", "seats": 2, "max_choices": 2,
                                                       "allow_abstain": "on", "tie_rule": "none", "legal_basis": "x"})
    assert r.status_code == 302 and fresh(b).tie_rule == "none"
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    page = c.get(f"/conference/ballot/{b.pk}/").content.decode()
    assert 'data-confirm="Khóa hòm phiếu?' in page
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_publish(actor=SYSTEM, ballot_id=b.pk)
    page = c.get(f"/conference/ballot/{b.pk}/").content.decode()
    assert 'class="hash"' in page and "Trên số phiếu hợp lệ" not in page
