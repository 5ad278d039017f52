"""Households (hộ gia đình) as nominees: registry, nomination for the forms the catalogue allows, a verdict
that says which rules do not apply to a household, blockers, decision into the history."""

from datetime import date

import pytest

from thidua.awards import selectors, services
from thidua.awards.models import AwardRecord, BlockerKind, Household, NominationState
from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, InvalidInput, NotFound
from thidua.core.models import AuditEntry
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db
CERT = "bang-khen-thu-tuong"


def _unit(code):
    return Unit.objects.get(code=code)


def _household(unit="01", actor=SYSTEM):
    return services.household_create(actor=actor, head_name="Nguyễn Văn Hộ (minh họa)", address="Phường Ba Đình",
                                     unit_id=_unit(unit).pk)


def test_household_create_validates_scopes_and_audits(user_named):
    with pytest.raises(InvalidInput) as exc:
        services.household_create(actor=user_named("hanoi.canbo"), head_name=" ", address="", unit_id=_unit("01").pk)
    assert {d.field for d in exc.value.details} == {"head_name", "address"}
    assert "Cần nhập họ và tên chủ hộ." in [d.message for d in exc.value.details]
    with pytest.raises(Forbidden):
        _household(unit="79", actor=user_named("hanoi.canbo"))
    h = _household(actor=user_named("hanoi.canbo"))
    assert str(h) == "Hộ Nguyễn Văn Hộ (minh họa)"
    assert AuditEntry.objects.filter(action="awards.household.created", object_id=str(h.pk)).exists()


@pytest.mark.parametrize("username,sees,can_add", [
    ("hanoi.canbo", True, True), ("tw.canbo", True, True), ("hcm.canbo", False, True), ("tw.lanhdao", False, False)])
def test_households_page_matrix(client_as, username, sees, can_add):
    _household()
    c = client_as(username)
    body = c.get("/awards/households/").content.decode()
    assert ("Nguyễn Văn Hộ (minh họa)" in body) == sees
    assert ("Thêm hộ gia đình" in body) == can_add
    if not sees:
        assert "Chưa có hộ gia đình nào trong phạm vi bạn được xem." in body
    r = c.post("/awards/households/", {"head_name": "Trần Thị Hộ", "address": "Xã X", "unit": _unit("01").pk})
    allowed = username in ("hanoi.canbo", "tw.canbo")
    assert r.status_code == (302 if allowed else (422 if can_add else 404))
    assert Household.objects.filter(head_name="Trần Thị Hộ").exists() == allowed


def test_household_nomination_for_allowed_forms_only(user_named):
    h = _household()
    hanoi = user_named("hanoi.canbo")
    with pytest.raises(InvalidInput) as exc:
        services.nomination_create(actor=hanoi, award_code="co-thi-dua-chinh-phu", year=2025,
                                   proposing_unit_id=_unit("01").pk, nominee_household_id=h.pk)
    assert "không tặng cho đối tượng này" in exc.value.message
    with pytest.raises(InvalidInput):  # a household managed by another unit
        services.nomination_create(actor=user_named("hcm.canbo"), award_code=CERT, year=2025,
                                   proposing_unit_id=_unit("79").pk, nominee_household_id=h.pk)
    with pytest.raises(InvalidInput):  # two nominees at once
        services.nomination_create(actor=hanoi, award_code=CERT, year=2025, proposing_unit_id=_unit("01").pk,
                                   nominee_unit_id=_unit("01").pk, nominee_household_id=h.pk)
    n = services.nomination_create(actor=hanoi, award_code=CERT, year=2025, proposing_unit_id=_unit("01").pk,
                                   nominee_household_id=h.pk)
    assert n.nominee_kind == "household"
    assert selectors.nomination_get(user=user_named("hanoi.canbo"), pk=n.pk).pk == n.pk
    with pytest.raises(NotFound):  # outside the scope of another city
        selectors.nomination_get(user=user_named("hcm.canbo"), pk=n.pk)


def test_household_verdict_says_which_rules_do_not_apply():
    h = _household()
    v = selectors.eligibility_check(award_code=CERT, year=2025, household_id=h.pk)
    messages = [r.message for r in v.reasons]
    assert any("pm_certificate_individual chỉ áp dụng cho cá nhân; không xét với hộ gia đình" in m for m in messages)
    # no confirmed criterion: appraised on the dossier, never shown as eligible
    assert not v.eligible and not v.applicable
    v = selectors.eligibility_check(award_code="co-thi-dua-chinh-phu", year=2025, household_id=h.pk)
    assert not v.eligible and v.reasons[0].rule == "recipient_kind"
    # and the other way round: a person judged for a collective title
    minh = selectors.Person.objects.get(national_id="048090000001")
    v = selectors.eligibility_check(award_code="tap-the-lao-dong-xuat-sac", year=2025, person_id=minh.pk)
    assert any("excellent_collective chỉ áp dụng cho tập thể; không xét với cá nhân" in r.message for r in v.reasons)


def test_household_blocker_refuses_with_citation():
    h = _household()
    services.blocker_record(actor=SYSTEM, kind=BlockerKind.COMPLAINT, household_id=h.pk, starts_on=date(2026, 1, 1),
                            reference="Đơn số 1 (minh họa)")
    v = selectors.eligibility_check(award_code=CERT, year=2025, household_id=h.pk, on=date(2026, 2, 1))
    bad = [r for r in v.reasons if not r.ok]
    assert not v.eligible and "Đơn số 1" in bad[0].message and "152/2025" in bad[0].citation


def test_household_award_goes_into_its_history(user_named):
    h = _household()
    n = services.nomination_create(actor=SYSTEM, award_code=CERT, year=2025, proposing_unit_id=_unit("01").pk,
                                   nominee_household_id=h.pk)
    from thidua.awards.models import Nomination

    Nomination.objects.filter(pk=n.pk).update(state=NominationState.SUBMITTED_PM)
    services.decision_apply(actor=user_named("tw.canbo"), nomination_ids=[n.pk], decision_number="300/QĐ-TTg",
                            decision_date=date(2026, 3, 2), signer="Phó Thủ tướng (thử)")
    rec = AwardRecord.objects.get(nomination=n)
    assert (rec.household_id, rec.unit_id, rec.person_id) == (h.pk, None, None)


def test_household_in_pages(client_as):
    h = _household()
    c = client_as("hanoi.canbo")
    r = c.post("/awards/", {"award": CERT, "year": 2025, "household": h.pk, "achievement": ""})
    assert r.status_code == 302
    body = c.get(r["Location"]).content.decode()
    assert "Hộ Nguyễn Văn Hộ (minh họa)" in body and "chỉ áp dụng cho cá nhân" in body
    assert "Hộ Nguyễn Văn Hộ (minh họa)" in c.get("/awards/").content.decode()
    r = c.post("/awards/", {"award": CERT, "year": 2025, "household": h.pk, "person": "", "achievement": "x"})
    assert r.status_code == 302  # a second proposal: flagged as a duplicate, not refused at creation
    body = c.get("/awards/eligibility/", {"award": CERT, "year": 2025, "household": h.pk}).content.decode()
    assert "không xét với hộ gia đình" in body
    assert client_as("hcm.canbo").get("/awards/eligibility/", {"award": CERT, "year": 2025,
                                                               "household": h.pk}).status_code == 200


def test_household_eligibility_api(api_as):
    h = _household()
    r = api_as("hanoi.canbo").get("/api/v1/awards/eligibility", {"award": CERT, "year": 2025, "household_id": h.pk})
    assert r.status_code == 200 and r.json()["eligible"] is False and r.json()["applicable"] is False
    assert api_as("hcm.canbo").get("/api/v1/awards/eligibility", {"award": CERT, "year": 2025,
                                                                  "household_id": h.pk}).status_code == 404
