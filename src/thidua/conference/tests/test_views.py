from __future__ import annotations

import re

import pytest

from thidua.conference import services
from thidua.conference.models import BallotKind, CastBallot
from thidua.conference.selectors import receipt_check
from thidua.conference.tests.helpers import make_conference, user
from thidua.core.actors import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username,status,can_manage", [
    ("hcm.canbo", 200, True), ("tw.canbo", 200, True), ("hanoi.canbo", 200, False), ("hanoi.lanhdao", 200, False),
    ("tw.lanhdao", 200, False), ("ct.stc.canbo", 404, False)])
def test_conference_page_matrix(client_as, username, status, can_manage):
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    c = client_as(username)
    r = c.get("/conference/TPTW/2021/")
    assert r.status_code == status
    if status == 200:
        # The invitation form (the words "Mời đại biểu" also name the action in the change history).
        assert (f"/conference/c/{conf.pk}/delegate/" in r.content.decode()) is can_manage
    r = c.post(f"/conference/ballot/{b.pk}/do/open/")
    assert r.status_code == (302 if can_manage else (404 if status == 404 else 403))
    b.refresh_from_db()
    assert (b.state == "open") is can_manage


def test_secretariat_creates_conference_through_the_page(client_as):
    c = client_as("hcm.canbo")
    r = c.get("/conference/TPTW/2021/")
    assert "Tạo hội nghị" in r.content.decode()
    r = c.post("/conference/TPTW/2021/", {"held_on": "2022-03-10", "place": "TP Hồ Chí Minh", "host": "",
                                          "quorum_numerator": 2, "quorum_denominator": 3, "agenda": "A\nB"})
    assert r.status_code == 302
    assert client_as("hanoi.canbo").post("/conference/TPTW/2021/", {"place": "x"}).status_code == 403


def test_delegate_votes_on_a_phone_page_gets_receipt_and_checks_it_later(client_as):
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    cand = b.candidates.first()
    voter = client_as("hanoi.lanhdao")
    page = voter.get(f"/conference/ballot/{b.pk}/").content.decode()
    assert "Bỏ phiếu kín" in page and 'name="viewport"' in page and "conference.css" in page
    r = voter.post(f"/conference/ballot/{b.pk}/", {"candidates": str(cand.pk)})
    html = r.content.decode()
    receipt = re.search(r'<p class="receipt">([A-Z0-9-]+)</p>', html).group(1)
    assert not CastBallot.objects.filter(ballot=b).exists()  # sealed while open
    assert receipt_check(user=user("hanoi.lanhdao"), ballot_id=b.pk, receipt=receipt)["found"]
    before_close = voter.post(f"/conference/ballot/{b.pk}/", {"receipt": receipt}).content.decode()
    assert "Mã biên nhận có trong hòm phiếu" in before_close
    again = voter.get(f"/conference/ballot/{b.pk}/").content.decode()
    assert "đã bỏ phiếu" in again and receipt not in again  # shown once only
    # A second submission is told the vote was already taken (not "no permission"), and casts nothing.
    r = voter.post(f"/conference/ballot/{b.pk}/", {"candidates": str(cand.pk)}, follow=True)
    assert r.status_code == 200 and "đã được ghi nhận trước đó" in r.content.decode()
    sec = client_as("hcm.canbo")
    sec.post(f"/conference/ballot/{b.pk}/do/close/")
    sec.post(f"/conference/ballot/{b.pk}/do/publish/")
    checked = voter.post(f"/conference/ballot/{b.pk}/", {"receipt": receipt}).content.decode()
    assert "Mã biên nhận có trong hòm phiếu" in checked and "Thành phố Đà Nẵng" in checked
    assert voter.get(f"/conference/ballot/{b.pk}/published.json").status_code == 200


def test_paper_count_page_refuses_inconsistent_numbers_with_the_reason(client_as):
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD, method="paper")
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    cand = b.candidates.first()
    sec = client_as("hcm.canbo")
    r = sec.post(f"/conference/ballot/{b.pk}/do/paper/", {
        "committee_member": conf.committee[0].pk, "issued": 5, "returned": 4, "unused": 0, "valid": 4,
        "invalid": 0, "blank": 0, f"votes_{cand.pk}": 4}, follow=True)
    assert "phải bằng số phiếu thu vào (4) cộng số phiếu không sử dụng (0)" in r.content.decode()


def test_cluster_year_page_shows_the_panel(client_as):
    html = client_as("hanoi.canbo").get("/clusters/TPTW/2020/").content.decode()
    assert "Hội nghị tổng kết và bỏ phiếu" in html and "/conference/TPTW/2020/" in html
    html = client_as("tw.lanhdao").get("/conference/TPTW/2020/").content.decode()
    assert "Suy tôn, đề nghị tặng Cờ thi đua của Chính phủ năm 2020" in html


def test_conference_page_has_a_fixed_number_of_queries(client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from thidua.conference.tests.helpers import make_voters

    conf = make_conference()
    services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    c = client_as("hcm.canbo")
    c.get("/conference/TPTW/2021/")
    with CaptureQueriesContext(connection) as small:
        assert c.get("/conference/TPTW/2021/").status_code == 200
    make_voters(conf, 12, prefix="qc")
    for kind in (BallotKind.ELECT_DEPUTY, BallotKind.ELECT_HEAD):
        services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=kind)
    services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.AWARD,
                           award_code="bang-khen-thu-tuong")
    with CaptureQueriesContext(connection) as large:
        assert c.get("/conference/TPTW/2021/").status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_secretariat_adds_a_nominee_and_changes_the_rule_in_draft(client_as):
    from thidua.conference.tests.helpers import unit

    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    sec = client_as("hcm.canbo")
    assert "Đề cử thêm ứng viên" in sec.get(f"/conference/ballot/{b.pk}/").content.decode()
    sec.post(f"/conference/ballot/{b.pk}/do/candidate/", {"unit": unit("92").pk, "nominated_by": "Hà Nội"})
    assert b.candidates.filter(unit__code="92", nominated_by="Hà Nội").exists()
    r = sec.post(f"/conference/ballot/{b.pk}/do/rule/", {
        "voter_basis": "unit", "pass_basis": "present", "threshold_numerator": 2, "threshold_denominator": 3,
        "seats": 1, "max_choices": 1, "allow_abstain": "on", "legal_basis": "Quy chế cụm 2022"}, follow=True)
    b.refresh_from_db()
    assert (b.pass_basis, b.threshold_numerator, b.threshold_strict, b.legal_basis) == ("present", 2, False,
                                                                                      "Quy chế cụm 2022")
    r = sec.post(f"/conference/ballot/{b.pk}/do/rule/", {
        "voter_basis": "unit", "pass_basis": "present", "threshold_numerator": 1, "threshold_denominator": 2,
        "seats": 2, "max_choices": 1}, follow=True)
    assert "không được ít hơn số được chọn" in r.content.decode()
    assert client_as("hanoi.canbo").post(f"/conference/ballot/{b.pk}/do/rule/", {}).status_code == 403


@pytest.mark.parametrize("action", ["delegate", "checkin", "committee", "ballot", "minutes", "close"])
def test_conference_actions_are_forbidden_to_members(client_as, action):
    conf = make_conference()
    assert client_as("hanoi.lanhdao").post(f"/conference/c/{conf.pk}/{action}/", {}).status_code == 403
    assert client_as("ct.stc.canbo").post(f"/conference/c/{conf.pk}/{action}/", {}).status_code == 404
