"""One decision (number, date, signer) applied to several nominations at "submitted to the PM": all decided and
registered into the history in one transaction, or none, with one reason per nomination."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.awards import selectors, services
from thidua.awards.models import AwardDecision, AwardRecord, Nomination, NominationState
from thidua.core.actors import SYSTEM
from thidua.core.errors import Conflict, Forbidden, InvalidInput, InvalidState
from thidua.core.models import AuditEntry
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db
CERT = "bang-khen-thu-tuong"
D = date(2026, 3, 2)


def _pending(*codes, year=2025, state=NominationState.SUBMITTED_PM):
    out = []
    for code in codes:
        unit = Unit.objects.get(code=code)
        n = services.nomination_create(actor=SYSTEM, award_code=CERT, year=year, proposing_unit_id=unit.pk,
                                       nominee_unit_id=unit.pk)
        Nomination.objects.filter(pk=n.pk).update(state=state)  # the workflow up to here is tested elsewhere
        out.append(n.pk)
    return out


def _apply(actor, ids, number="231/QĐ-TTg", signer="Phó Thủ tướng (thử)", on=D):
    return services.decision_apply(actor=actor, nomination_ids=ids, decision_number=number, decision_date=on,
                                   signer=signer, note="Danh sách kèm theo")


def test_one_decision_decides_every_nomination_and_registers_each_award(user_named):
    ids = _pending("01", "79", "48")
    d = _apply(user_named("tw.canbo"), ids)
    assert AwardDecision.objects.filter(decision_date=D).count() == 1 and d.number == "231/QĐ-TTg"
    rows = Nomination.objects.filter(pk__in=ids)
    assert {(n.state, n.decision_id, n.decision_number, n.decision_signer) for n in rows} == {
        (NominationState.DECIDED, d.pk, "231/QĐ-TTg", "Phó Thủ tướng (thử)")}
    recs = AwardRecord.objects.filter(nomination_id__in=ids)
    assert sorted(r.unit.code for r in recs) == ["01", "48", "79"]
    assert {(r.decision_number, r.decision_date, r.source) for r in recs} == {("231/QĐ-TTg", D, "nomination")}
    assert AuditEntry.objects.filter(action="awards.nomination.decide", object_id__in=[str(i) for i in ids]).count() == 3
    assert AuditEntry.objects.filter(action="awards.decision.applied", object_id=str(d.pk)).get().payload == {
        "nominations": ids}
    history = selectors.award_history_for_unit(user=user_named("hcm.canbo"), unit_id=Unit.objects.get(code="79").pk)
    assert any(r.decision_number == "231/QĐ-TTg" and r.year == 2025 for r in history)


def test_refused_whole_when_one_nomination_is_not_at_the_right_step(user_named):
    ready = _pending("01", "79")
    late = _pending("48", state=NominationState.APPRAISED)
    with pytest.raises(InvalidState) as exc:
        _apply(user_named("tw.canbo"), [*ready, *late])
    assert "không hồ sơ nào được cập nhật" in exc.value.message
    assert len(exc.value.details) == 1
    assert f"Hồ sơ số {late[0]}" in exc.value.details[0].message and "Đã thẩm định" in exc.value.details[0].message
    assert not AwardDecision.objects.filter(decision_date=D).exists() and not AwardRecord.objects.filter(nomination_id__in=ready).exists()
    assert set(Nomination.objects.filter(pk__in=ready).values_list("state", flat=True)) == {NominationState.SUBMITTED_PM}


def test_refused_whole_when_an_award_is_already_in_the_history(user_named):
    ids = _pending("01", "79")
    services.award_record_register(actor=SYSTEM, award_code=CERT, year=2025, decision_number="9/QĐ-TTg",
                                   decision_date=date(2026, 1, 5), unit_id=Unit.objects.get(code="79").pk)
    with pytest.raises(Conflict) as exc:
        _apply(user_named("tw.canbo"), ids)
    assert f"Hồ sơ số {ids[1]}" in exc.value.details[0].message and "Điều 5 khoản 2" in exc.value.details[0].message
    assert not AwardDecision.objects.filter(decision_date=D).exists()
    assert Nomination.objects.get(pk=ids[0]).state == NominationState.SUBMITTED_PM
    assert not AwardRecord.objects.filter(nomination_id=ids[0]).exists()


def test_validation_messages(user_named):
    tw = user_named("tw.canbo")
    ids = _pending("01")
    with pytest.raises(InvalidInput) as exc:
        services.decision_apply(actor=tw, nomination_ids=[], decision_number="231 QĐ", decision_date=date(2999, 1, 1),
                                signer=" ")
    assert {d.field for d in exc.value.details} == {"decision_number", "decision_date", "signer", "nominations"}
    assert "Số quyết định có dạng 231/QĐ-TTg." in [d.message for d in exc.value.details]
    with pytest.raises(InvalidState) as exc:  # unknown or out-of-scope nomination
        _apply(tw, [*ids, 99999999])
    assert "Không tìm thấy hồ sơ số 99999999." in [d.message for d in exc.value.details]


@pytest.mark.parametrize("username", ["hanoi.canbo", "hanoi.lanhdao", "tw.lanhdao", "ct.hoidong"])
def test_only_the_central_board_records_decisions(user_named, username):
    ids = _pending("01")
    with pytest.raises(Forbidden):
        _apply(user_named(username), ids)
    assert Nomination.objects.get(pk=ids[0]).state == NominationState.SUBMITTED_PM


def test_the_same_decision_is_recorded_once(user_named):
    tw = user_named("tw.canbo")
    first = _apply(tw, _pending("01"))
    again = _apply(tw, _pending("79"))
    assert first.pk == again.pk and first.nominations.count() == 2
    with pytest.raises(Conflict):
        _apply(tw, _pending("48"), signer="Thủ tướng (khác)")


def test_single_decide_also_records_the_decision(user_named):
    ids = _pending("01")
    n = services.nomination_decide(actor=user_named("tw.canbo"), nomination_id=ids[0], decision_number="5/QĐ-TTg",
                                   decision_date=D, signer="Thủ tướng (thử)")
    assert n.decision.number == "5/QĐ-TTg" and n.decision.nominations.count() == 1


@pytest.mark.parametrize("username,status", [(None, 302), ("tw.canbo", 200), ("hcm.canbo", 404), ("tw.lanhdao", 404),
                                             ("ct.hoidong", 404)])
def test_decisions_page_matrix(client_as, username, status):
    ids = _pending("01")
    c = client_as(username)
    assert c.get("/awards/decisions/").status_code == status
    r = c.post("/awards/decisions/", {"decision_number": "231/QĐ-TTg", "decision_date": "2026-03-02",
                                      "signer": "Phó Thủ tướng", "nominations": ids})
    assert r.status_code == (302 if status == 200 else status)
    assert (Nomination.objects.get(pk=ids[0]).state == NominationState.DECIDED) == (status == 200)


def test_decisions_page_empty_state_errors_and_queries(client_as):
    c = client_as("tw.canbo")
    assert "Không có hồ sơ nào đang chờ quyết định" in c.get("/awards/decisions/").content.decode()
    ready = _pending("01", "79")
    with CaptureQueriesContext(connection) as few:
        body = c.get("/awards/decisions/").content.decode()
    assert f'value="{ready[0]}"' in body and f'value="{ready[1]}"' in body
    more = _pending("48", "31", "92")
    with CaptureQueriesContext(connection) as many:
        c.get("/awards/decisions/")
    assert len(many) == len(few)
    Nomination.objects.filter(pk=more[0]).update(state=NominationState.RECEIVED)
    r = c.post("/awards/decisions/", {"decision_number": "231/QĐ-TTg", "decision_date": "2026-03-02",
                                      "signer": "Phó Thủ tướng", "nominations": [ready[0], more[0]]})
    body = r.content.decode()
    assert r.status_code == 422 and f"Hồ sơ số {more[0]}" in body and "không hồ sơ nào được cập nhật" in body
    r = c.post("/awards/decisions/", {"decision_number": "231", "decision_date": "2026-03-02", "signer": "x",
                                      "nominations": [ready[0]]})
    assert r.status_code == 422 and "Số quyết định có dạng 231/QĐ-TTg." in r.content.decode()
    r = c.post("/awards/decisions/", {"decision_number": "231/QĐ-TTg", "decision_date": "2026-03-02", "signer": "x"})
    assert r.status_code == 422 and "Chọn ít nhất một hồ sơ." in r.content.decode()
    assert not AwardDecision.objects.filter(decision_date=D).exists()


def test_decisions_api(api_as):
    ids = _pending("01", "79")
    body = {"decision_number": "231/QĐ-TTg", "decision_date": "2026-03-02", "signer": "Phó Thủ tướng",
            "nomination_ids": ids}
    r = api_as("hanoi.canbo").post("/api/v1/awards/decisions", json.dumps(body), content_type="application/json")
    assert r.status_code == 403
    late = _pending("48", state=NominationState.RECEIVED)
    r = api_as("tw.canbo").post("/api/v1/awards/decisions", json.dumps({**body, "nomination_ids": [*ids, *late]}),
                                content_type="application/json")
    assert r.status_code == 409 and len(r.json()["details"]) == 1
    r = api_as("tw.canbo").post("/api/v1/awards/decisions", json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and r.json()["nomination_ids"] == sorted(ids) and r.json()["number"] == "231/QĐ-TTg"
    r = api_as("tw.canbo").get(f"/api/v1/awards/nominations/{ids[0]}")
    assert r.json()["state"] == "decided" and r.json()["decision_id"] == r.json()["decision_id"] is not None
