from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.conference import services
from thidua.conference.models import BallotKind
from thidua.conference.tests.helpers import cy_of, make_conference
from thidua.core.actors import SYSTEM

pytestmark = pytest.mark.django_db

URL = "/api/v1"


def post(client, url, data=None):
    return client.post(URL + url, data=json.dumps(data or {}), content_type="application/json")


# (role, user) for the 2021 year of the cities' cluster (head HCM).
MATRIX = [
    ("secretariat", "hcm.canbo", 201, 200),
    ("organiser admin", "tw.canbo", 201, 200),
    ("member officer", "hanoi.canbo", 403, 200),
    ("member leader", "hanoi.lanhdao", 403, 200),
    ("observer", "tw.lanhdao", 403, 200),
    ("other cluster", "ct.stc.canbo", 404, 404),
]


@pytest.mark.parametrize("role,username,create_status,view_status", MATRIX)
def test_permission_matrix_conference(api_as, role, username, create_status, view_status):
    client = api_as(username)
    r = post(client, "/conferences", {"cluster_year_id": cy_of(2021).pk, "held_on": "2022-03-01", "place": "TP HCM"})
    assert r.status_code == create_status, (role, r.content)
    conf = make_conference() if create_status != 201 else None
    conf_id = conf.pk if conf else r.json()["id"]
    assert client.get(f"{URL}/conferences/{conf_id}").status_code == view_status
    assert client.get(f"{URL}/conferences/{conf_id}/ballots").status_code == view_status


@pytest.mark.parametrize("role,username,manage_status", [
    ("secretariat", "hcm.canbo", 200), ("organiser admin", "tw.canbo", 200), ("member officer", "hanoi.canbo", 403),
    ("member leader", "hanoi.lanhdao", 403), ("observer", "tw.lanhdao", 403), ("other cluster", "ct.stc.canbo", 404)])
def test_permission_matrix_ballot_management(api_as, role, username, manage_status):
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    client = api_as(username)
    d = conf.test_delegates["01"]
    assert post(client, f"/delegates/{d.pk}/check-in", {"present": False}).status_code == manage_status
    assert post(client, f"/ballots/{b.pk}/open").status_code == manage_status
    if manage_status == 200:  # attendance is frozen while a ballot is open
        r = post(client, f"/delegates/{d.pk}/check-in", {"present": True})
        assert r.status_code == 409 and "số có mặt đã được chốt" in r.json()["message"]


@pytest.mark.parametrize("role,username,status", [
    ("member leader (delegate)", "hanoi.lanhdao", 201), ("secretariat, not a delegate", "hcm.canbo", 403),
    ("observer", "tw.lanhdao", 403), ("other cluster", "ct.stc.canbo", 404)])
def test_permission_matrix_vote(api_as, role, username, status):
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    cand = b.candidates.first()
    r = post(api_as(username), f"/ballots/{b.pk}/cast", {"candidate_ids": [cand.pk]})
    assert r.status_code == status, r.content
    if status == 201:
        assert len(r.json()["receipt"]) == 14


def test_full_online_flow_over_the_api(api_as):
    conf = make_conference()
    sec = api_as("hcm.canbo")
    r = post(sec, f"/conferences/{conf.pk}/ballots", {"kind": "elect_head"})
    assert r.status_code == 201
    ballot = r.json()
    assert ballot["threshold"] == "> 1/2" and ballot["candidates"][0]["label"] == "Thành phố Đà Nẵng"
    bid, cid = ballot["id"], ballot["candidates"][0]["id"]
    assert post(sec, f"/ballots/{bid}/open").json()["state"] == "open"
    voter = api_as("hanoi.lanhdao")
    receipt = post(voter, f"/ballots/{bid}/cast", {"candidate_ids": [cid]}).json()["receipt"]
    again = post(voter, f"/ballots/{bid}/cast", {"candidate_ids": [cid]})
    assert again.status_code == 409 and "mỗi cử tri chỉ bỏ một phiếu" in again.json()["message"]
    assert sec.get(f"{URL}/ballots/{bid}/result").status_code == 409  # sealed
    assert post(voter, f"/ballots/{bid}/close").status_code == 403
    post(sec, f"/ballots/{bid}/close")
    post(sec, f"/ballots/{bid}/publish")
    res = voter.get(f"{URL}/ballots/{bid}/result").json()
    assert res["winners"] == [cid] and res["figures"]["returned"] == 1
    assert voter.get(f"{URL}/ballots/{bid}/receipt", {"code": receipt}).status_code == 405  # never in a URL
    check = post(voter, f"/ballots/{bid}/receipt", {"code": receipt}).json()
    assert check == {"found": True, "published": True, "abstain": False, "choices": ["Thành phố Đà Nẵng"]}
    pub = voter.get(f"{URL}/ballots/{bid}/published")
    assert pub.status_code == 200 and json.loads(pub.content)["sha256"]
    voters = voter.get(f"{URL}/ballots/{bid}/voters").json()
    assert voters == [{"voter_key": f"unit:{conf.test_delegates['01'].unit_id}",
                       "unit_id": conf.test_delegates["01"].unit_id, "voted_on": voters[0]["voted_on"]}]
    r = post(sec, f"/ballots/{bid}/confirm")
    assert r.status_code == 200 and r.json()["state"] == "confirmed"


def test_paper_count_errors_are_422_with_details(api_as):
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD, method="paper")
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    cand = b.candidates.first()
    r = post(api_as("hcm.canbo"), f"/ballots/{b.pk}/paper-count",
             {"committee_member_id": conf.committee[0].pk, "issued": 5, "returned": 3, "unused": 0, "valid": 3,
              "invalid": 0, "votes": {str(cand.pk): 3}})
    assert r.status_code == 422
    assert any(d.get("field") == "issued" for d in r.json()["details"])


def test_unknown_fields_are_refused(api_as):
    conf = make_conference()
    r = post(api_as("hcm.canbo"), f"/conferences/{conf.pk}/ballots", {"kind": "elect_head", "state": "confirmed"})
    assert r.status_code == 422


def test_conference_list_has_a_fixed_number_of_queries(api_as):
    client = api_as("tw.canbo")
    client.get(f"{URL}/conferences")
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{URL}/conferences").status_code == 200
    make_conference()
    from datetime import date

    services.conference_create(actor=SYSTEM, cluster_year_id=cy_of(2025).pk, held_on=date(2026, 3, 1), place="Huế",
                               host_id=cy_of(2021).head_id)
    with CaptureQueriesContext(connection) as large:
        r = client.get(f"{URL}/conferences")
    assert r.json()["count"] == 4
    assert len(large) == len(small)


def test_rotation_candidates_and_rule_over_the_api(api_as):
    from thidua.conference.tests.helpers import unit

    admin = api_as("tw.canbo")
    r = admin.get(f"{URL}/clusters/TPTW/rotation", {"year": 2025})
    assert [u["code"] for u in r.json()] == ["92", "01", "79", "48", "31", "46"]
    order = [unit(c).pk for c in ("01", "79", "46", "48", "31", "92")]
    r = admin.put(f"{URL}/clusters/TPTW/rotation", data=json.dumps({"unit_ids": order}),
                  content_type="application/json")
    assert r.status_code == 200 and r.json() == order
    # The secretariat of the head in office (HCM, 2021) may edit too; a former head's may not.
    assert api_as("hcm.canbo").put(f"{URL}/clusters/TPTW/rotation", data=json.dumps({"unit_ids": order}),
                                   content_type="application/json").status_code == 200
    assert api_as("hanoi.canbo").put(f"{URL}/clusters/TPTW/rotation", data=json.dumps({"unit_ids": order}),
                                     content_type="application/json").status_code == 403
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    sec = api_as("hcm.canbo")
    assert post(sec, f"/ballots/{b.pk}/candidates", {"unit_id": unit("92").pk}).status_code == 201
    r = sec.patch(f"{URL}/ballots/{b.pk}/rule", data=json.dumps({"threshold_numerator": 2, "threshold_denominator": 3,
                                                                 "threshold_strict": False}),
                  content_type="application/json")
    assert r.status_code == 200 and r.json()["threshold"] == "≥ 2/3"
    r = sec.patch(f"{URL}/ballots/{b.pk}/rule", data=json.dumps({"threshold_numerator": 4, "threshold_denominator": 3}),
                  content_type="application/json")
    assert r.status_code == 422
