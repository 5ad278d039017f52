"""Screens for what had services only: persons (create, edit; national ID shown only to those who need it),
duty ratings, collective figures, base salary, UNCONFIRMED rule settings. Permission matrix (allowed and
forbidden), Vietnamese validation messages, empty states, pagination, audit, query counts."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.awards import selectors, services
from thidua.awards.models import BaseSalary, CollectiveYearFacts, DutyRating, Person, RuleOverride
from thidua.awards.rulesets import ruleset_for_year
from thidua.core.actors import SYSTEM
from thidua.core.errors import Conflict, Forbidden, InvalidInput
from thidua.core.models import AuditEntry
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db
MINH_ID = "048090000001"


def _unit(code):
    return Unit.objects.get(code=code)


def _minh():
    return Person.objects.get(national_id=MINH_ID)


def _audited(action, obj):
    return AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).exists()


# --- Persons -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username,status", [
    (None, 302), ("hanoi.canbo", 200), ("hanoi.lanhdao", 200), ("tw.canbo", 200), ("ct.stc.canbo", 200),
    ("tw.lanhdao", 404), ("ct.hoidong", 404)])
def test_person_create_page_matrix(client_as, username, status):
    assert client_as(username).get("/awards/persons/new/").status_code == status


def test_person_create_page_validates_in_vietnamese_and_audits(client_as):
    c = client_as("hanoi.canbo")
    r = c.post("/awards/persons/new/", {"full_name": "Nguyễn Văn B", "unit": _unit("01").pk, "national_id": "12ab"})
    assert r.status_code == 422 and "Số định danh cá nhân gồm đúng 12 chữ số." in r.content.decode()
    # another city's unit is not offered: refused by the form, nothing saved
    r = c.post("/awards/persons/new/", {"full_name": "Nguyễn Văn B", "unit": _unit("79").pk})
    assert r.status_code == 422 and not Person.objects.filter(full_name="Nguyễn Văn B").exists()
    r = c.post("/awards/persons/new/", {"full_name": "Nguyễn Văn B", "unit": _unit("01").pk, "national_id": MINH_ID})
    assert r.status_code == 422 and "đã có trong danh sách" in r.content.decode()
    r = c.post("/awards/persons/new/", {"full_name": "Nguyễn Văn B", "unit": _unit("01").pk,
                                        "national_id": "001090000777", "birth_date": "1990-05-01"})
    p = Person.objects.get(national_id="001090000777")
    assert r.status_code == 302 and r["Location"] == f"/awards/persons/{p.pk}/"
    entry = AuditEntry.objects.get(action="awards.person.created", object_id=str(p.pk))
    assert "001090000777" not in str(entry.payload)


def test_person_birth_date_in_the_future_is_refused():
    with pytest.raises(InvalidInput) as exc:
        services.person_create(actor=SYSTEM, full_name="A", unit_id=_unit("01").pk, birth_date=date(2999, 1, 1))
    assert exc.value.details[0].field == "birth_date"


@pytest.mark.parametrize("username,status", [
    ("danang.canbo", 200), ("tw.canbo", 200), ("hanoi.canbo", 404), ("tw.lanhdao", 404), ("ct.hoidong", 404)])
def test_person_edit_page_matrix(client_as, username, status):
    assert client_as(username).get(f"/awards/persons/{_minh().pk}/edit/").status_code == status
    assert client_as(username).post(f"/awards/persons/{_minh().pk}/edit/", {
        "full_name": "Trần Văn Minh", "national_id": MINH_ID}).status_code == (302 if status == 200 else 404)


def test_person_edit_shows_the_full_number_to_the_editor_and_audits_without_it(client_as):
    p = _minh()
    c = client_as("danang.canbo")
    assert MINH_ID in c.get(f"/awards/persons/{p.pk}/edit/").content.decode()
    r = c.post(f"/awards/persons/{p.pk}/edit/", {"full_name": "", "national_id": MINH_ID})
    assert r.status_code == 422
    other = services.person_create(actor=SYSTEM, full_name="C", unit_id=_unit("48").pk, national_id="048090000999")
    r = c.post(f"/awards/persons/{p.pk}/edit/", {"full_name": "Trần Văn Minh", "national_id": other.national_id})
    assert r.status_code == 422 and "đã có trong danh sách" in r.content.decode()
    r = c.post(f"/awards/persons/{p.pk}/edit/", {"full_name": "Trần Văn Minh (sửa)", "national_id": "048090000002",
                                                 "position": "Chuyên viên"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert (p.full_name, p.national_id, p.position) == ("Trần Văn Minh (sửa)", "048090000002", "Chuyên viên")
    entry = AuditEntry.objects.filter(action="awards.person.updated", object_id=str(p.pk)).get()
    assert entry.payload["changed"] == ["full_name", "national_id", "position"]
    assert MINH_ID not in str(entry.payload) and "048090000002" not in str(entry.payload)


def test_person_update_service_permissions(user_named):
    with pytest.raises(Forbidden):
        services.person_update(actor=user_named("hanoi.canbo"), person_id=_minh().pk, full_name="X")
    with pytest.raises(InvalidInput):
        services.person_update(actor=user_named("danang.canbo"), person_id=_minh().pk, unit_id=1)


def test_person_list_masks_for_viewers_without_need():
    """The list decides once per page: full for the central board and the person's unit, masked otherwise."""
    p = _minh()
    from thidua.accounts.models import User

    viewer = User.objects.get(username="ct.hoidong")
    selectors.attach_shown_national_ids(user=viewer, persons=[p])
    assert p.shown_id == "•" * 9 + "001"


# --- Duty ratings ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("username,get_status,can_post", [
    ("danang.canbo", 200, True), ("tw.canbo", 200, True), ("hanoi.canbo", 404, False), ("tw.lanhdao", 404, False)])
def test_ratings_page_matrix(client_as, username, get_status, can_post):
    p = _minh()
    c = client_as(username)
    r = c.get(f"/awards/persons/{p.pk}/ratings/")
    assert r.status_code == get_status
    r = c.post(f"/awards/persons/{p.pk}/ratings/", {"year": 2025, "rating": 3})
    assert r.status_code == (302 if can_post else 404)
    assert DutyRating.objects.filter(person=p, year=2025, rating=3).exists() == can_post


def test_ratings_page_validation_empty_state_pagination_and_queries(client_as, settings):
    p = services.person_create(actor=SYSTEM, full_name="D", unit_id=_unit("48").pk)
    c = client_as("danang.canbo")
    assert "Chưa có xếp loại năm nào." in c.get(f"/awards/persons/{p.pk}/ratings/").content.decode()
    assert c.post(f"/awards/persons/{p.pk}/ratings/", {"year": 1800, "rating": 2}).status_code == 422
    assert c.post(f"/awards/persons/{p.pk}/ratings/", {"year": 2020, "rating": 9}).status_code == 422
    settings.PAGE_SIZE = 2
    for y in (2019, 2020):
        assert c.post(f"/awards/persons/{p.pk}/ratings/", {"year": y, "rating": 2}).status_code == 302
    with CaptureQueriesContext(connection) as few:
        c.get(f"/awards/persons/{p.pk}/ratings/")
    for y in range(2010, 2019):
        services.duty_rating_set(actor=SYSTEM, person_id=p.pk, year=y, rating=1)
    with CaptureQueriesContext(connection) as many:
        body = c.get(f"/awards/persons/{p.pk}/ratings/").content.decode()
    assert len(many) == len(few)
    assert "Trang 1/6" in body and "2020" in body and "2010" not in body
    assert AuditEntry.objects.filter(action="awards.duty_rating.set").count() >= 11


# --- Collective figures ----------------------------------------------------------------------------------


def _facts(**over):
    d = {"year": 2025, "members": 20, "members_completed": 20, "members_advanced": 14, "members_cstd_grassroots": 2,
         "tasks_excellent": "on", "unity": "on"}
    d.update(over)
    return d


@pytest.mark.parametrize("username,get_status,can_post", [
    ("danang.canbo", 200, True), ("tw.canbo", 200, True), ("hanoi.canbo", 404, False), ("tw.lanhdao", 404, False),
    ("ct.hoidong", 404, False)])
def test_facts_page_matrix(client_as, username, get_status, can_post):
    unit = _unit("48")
    c = client_as(username)
    assert c.get(f"/awards/units/{unit.pk}/facts/").status_code == get_status
    assert c.post(f"/awards/units/{unit.pk}/facts/", _facts()).status_code == (302 if can_post else 404)
    assert CollectiveYearFacts.objects.filter(unit=unit, year=2025).exists() == can_post


def test_facts_page_validation_and_verdict(client_as):
    unit = _unit("48")
    c = client_as("danang.canbo")
    assert "Chưa có số liệu năm nào." in c.get(f"/awards/units/{unit.pk}/facts/").content.decode()
    r = c.post(f"/awards/units/{unit.pk}/facts/", _facts(members_completed=21))
    assert r.status_code == 422 and "không được vượt tổng số thành viên" in r.content.decode()
    r = c.post(f"/awards/units/{unit.pk}/facts/", _facts(members_advanced=15, members_completed=14))
    assert r.status_code == 422 and "Lao động tiên tiến không được vượt số hoàn thành nhiệm vụ" in r.content.decode()
    r = c.post(f"/awards/units/{unit.pk}/facts/", _facts(members_cstd_grassroots=15))
    assert r.status_code == 422 and "Chiến sĩ thi đua cơ sở không được vượt" in r.content.decode()
    assert c.post(f"/awards/units/{unit.pk}/facts/", _facts(members_advanced=13)).status_code == 302
    v = selectors.eligibility_check(award_code="tap-the-lao-dong-xuat-sac", year=2025, unit_id=unit.pk)
    assert not v.eligible and any("Lao động tiên tiến" in m for m in v.missing)
    # correcting the year's figures replaces them, and the audit keeps before and after
    assert c.post(f"/awards/units/{unit.pk}/facts/", _facts()).status_code == 302
    assert selectors.eligibility_check(award_code="tap-the-lao-dong-xuat-sac", year=2025, unit_id=unit.pk).eligible
    facts = CollectiveYearFacts.objects.get(unit=unit, year=2025)
    entries = list(AuditEntry.objects.filter(action="awards.collective_facts.set", object_id=str(facts.pk)).order_by("id"))
    assert entries[0].payload["before"] is None and entries[-1].payload["before"]["members_advanced"] == 13
    body = c.get(f"/awards/units/{unit.pk}/facts/").content.decode()
    assert re.search(r"14 \(70[.,]0%\)", body) and re.search(r"20 \(100[.,]0%\)", body)


# --- Base salary -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("username,can_post", [("tw.canbo", True), ("hcm.canbo", False), ("tw.lanhdao", False),
                                               ("ct.hoidong", False)])
def test_base_salary_page_matrix(client_as, username, can_post):
    c = client_as(username)
    r = c.get("/awards/base-salary/")
    assert r.status_code == 200 and "2340000" in r.content.decode()
    assert ("Thêm mức lương cơ sở mới" in r.content.decode()) == can_post
    r = c.post("/awards/base-salary/", {"valid_from": "2026-07-01", "amount_vnd": 2530000,
                                        "legal_basis": "Nghị định (thử)", "status": "UNCONFIRMED"})
    assert r.status_code == (302 if can_post else 404)
    assert BaseSalary.objects.filter(valid_from=date(2026, 7, 1)).exists() == can_post


def test_base_salary_validation_and_use(client_as):
    c = client_as("tw.canbo")
    r = c.post("/awards/base-salary/", {"valid_from": "2024-07-01", "amount_vnd": 1, "legal_basis": "x",
                                        "status": "VERIFIED"})
    assert r.status_code == 422 and "Đã có mức lương cơ sở áp dụng từ ngày này." in r.content.decode()
    assert c.post("/awards/base-salary/", {"valid_from": "2026-07-01", "amount_vnd": 0, "legal_basis": "x",
                                           "status": "VERIFIED"}).status_code == 422
    assert c.post("/awards/base-salary/", {"valid_from": "2026-07-01", "amount_vnd": 2530000, "legal_basis": "",
                                           "status": "VERIFIED"}).status_code == 422
    assert c.post("/awards/base-salary/", {"valid_from": "2026-07-01", "amount_vnd": 2530000,
                                           "legal_basis": "Nghị định (thử)", "status": "VERIFIED"}).status_code == 302
    bs = BaseSalary.objects.get(valid_from=date(2026, 7, 1))
    assert _audited("awards.base_salary.set", bs)
    flag = selectors.award_type_get(code="co-thi-dua-chinh-phu")
    assert selectors.cash_for(award=flag, recipient_kind="collective", on=date(2026, 7, 1)).amount_vnd == 12 * 2530000


# --- UNCONFIRMED rule settings ---------------------------------------------------------------------------

PM_QUOTA = "/awards/rules/law2022-nd152/cluster_pm_certificate_quota/"


@pytest.mark.parametrize("username,can_edit", [("tw.canbo", True), ("hcm.canbo", False), ("tw.lanhdao", False),
                                               ("ct.hoidong", False)])
def test_rules_pages_matrix(client_as, username, can_edit):
    c = client_as(username)
    body = c.get("/awards/rules/").content.decode()
    assert "cluster_pm_certificate_quota" in body and "one_achievement_two_awards" in body
    assert "cluster_flag_quota<" not in body  # VERIFIED rules are not listed
    assert (PM_QUOTA in body) == can_edit
    assert c.get(PM_QUOTA).status_code == (200 if can_edit else 404)
    r = c.post(PM_QUOTA, {"params": '{"max_count": 2}', "legal_basis": "Công văn (thử)", "reason": "Thống nhất"})
    assert r.status_code == (302 if can_edit else 404)
    assert RuleOverride.objects.filter(rule_code="cluster_pm_certificate_quota").exists() == can_edit


def test_rule_override_page_validation_reason_and_audit(client_as):
    c = client_as("tw.canbo")
    assert c.get("/awards/rules/law2022-nd152/cluster_flag_quota/").status_code == 404  # VERIFIED
    assert c.get("/awards/rules/nope/cluster_flag_quota/").status_code == 404
    cases = [
        ({"params": "max_count: 2", "legal_basis": "x", "reason": "y"}, "Tham số phải viết dạng JSON"),
        ({"params": "[2]", "legal_basis": "x", "reason": "y"}, "Tham số phải là một bảng JSON"),
        ({"params": '{"max_count": "hai"}', "legal_basis": "x", "reason": "y"}, "phải là số nguyên từ 0 đến 1000"),
        ({"params": '{"quota": 2}', "legal_basis": "x", "reason": "y"}, "Tham số không thuộc quy tắc: quota."),
        ({"params": '{"max_count": 2}', "legal_basis": "x", "reason": ""}, "This field is required"),
    ]
    for data, message in cases[:4]:
        r = c.post(PM_QUOTA, data)
        assert r.status_code == 422 and message in r.content.decode(), message
    assert c.post(PM_QUOTA, cases[4][0]).status_code == 422
    with pytest.raises(InvalidInput) as exc:
        services.rule_override_set(actor=SYSTEM, ruleset_code="law2022-nd152", rule_code="cluster_pm_certificate_quota",
                                   params={"max_count": 2}, legal_basis="x", reason=" ")
    assert exc.value.details[0].field == "reason" and exc.value.details[0].message == "Cần ghi lý do thiết lập."
    with pytest.raises(InvalidInput):  # award codes must be in the catalogue
        services.rule_override_set(actor=SYSTEM, ruleset_code="law2022-nd152", rule_code="public_comment",
                                   params={"awards": ["khong-co"]}, legal_basis="x", reason="y")
    with pytest.raises(InvalidInput):
        services.rule_override_set(actor=SYSTEM, ruleset_code="law2022-nd152", rule_code="one_achievement_two_awards",
                                   params={"action": "warn"}, legal_basis="x", reason="y")
    assert RuleOverride.objects.count() == 0
    r = c.post(PM_QUOTA, {"params": '{"max_count": 2}', "legal_basis": "Công văn của Ban (thử)",
                          "reason": "Thống nhất tại hội nghị"})
    assert r.status_code == 302
    o = RuleOverride.objects.get(rule_code="cluster_pm_certificate_quota")
    assert o.reason == "Thống nhất tại hội nghị"
    assert ruleset_for_year(2025).rule("cluster_pm_certificate_quota").get("max_count") == 2
    entry = AuditEntry.objects.get(action="awards.rule_override.set", object_id=str(o.pk))
    assert entry.payload["reason"] == "Thống nhất tại hội nghị" and entry.payload["file_params"] == {"max_count": None}
    body = c.get("/awards/rules/").content.decode()
    assert "Thống nhất tại hội nghị" in body
    # back to the file's parameter, with a reason, audited
    assert c.post(PM_QUOTA, {"clear": "1", "reason": ""}).status_code == 422
    assert c.post(PM_QUOTA, {"clear": "1", "reason": "Đã có văn bản"}).status_code == 302
    assert not RuleOverride.objects.exists()
    assert ruleset_for_year(2025).rule("cluster_pm_certificate_quota").get("max_count") is None
    assert AuditEntry.objects.filter(action="awards.rule_override.cleared").exists()


def test_rule_override_clear_permissions(user_named):
    services.rule_override_set(actor=SYSTEM, ruleset_code="law2022-nd152", rule_code="cluster_pm_certificate_quota",
                               params={"max_count": 2}, legal_basis="x", reason="y")
    with pytest.raises(Forbidden):
        services.rule_override_clear(actor=user_named("hcm.canbo"), ruleset_code="law2022-nd152",
                                     rule_code="cluster_pm_certificate_quota", reason="z")


def test_rules_page_empty_state_when_no_unconfirmed_rule(client_as, monkeypatch):
    monkeypatch.setattr(selectors, "unconfirmed_rules", lambda: [])
    assert "Không có quy tắc chưa xác nhận nào." in client_as("hcm.canbo").get("/awards/rules/").content.decode()


def test_conflicting_national_id_on_update_is_a_conflict(user_named):
    other = services.person_create(actor=SYSTEM, full_name="E", unit_id=_unit("48").pk, national_id="048090000888")
    with pytest.raises(Conflict):
        services.person_update(actor=user_named("danang.canbo"), person_id=other.pk, national_id=MINH_ID)


def test_lists_are_paginated_and_their_queries_do_not_grow(client_as, settings):
    settings.PAGE_SIZE = 1
    c = client_as("tw.canbo")
    assert "Trang 1/3" in c.get("/awards/base-salary/").content.decode()  # three levels in the catalogue data
    assert "Trang 2/3" in c.get("/awards/base-salary/", {"page": 2}).content.decode()
    for name in ("Hộ A", "Hộ B"):
        services.household_create(actor=SYSTEM, head_name=name, address="Xã X", unit_id=_unit("01").pk)
    assert "Trang 1/2" in c.get("/awards/households/").content.decode()
    assert "Trang 1/" in c.get("/awards/rules/").content.decode()
    unit = _unit("48")
    services.collective_facts_set(actor=SYSTEM, unit_id=unit.pk, year=2020, members=10, members_completed=10,
                                  members_advanced=8, members_cstd_grassroots=1, tasks_excellent=True)
    settings.PAGE_SIZE = 25
    with CaptureQueriesContext(connection) as few:
        c.get(f"/awards/units/{unit.pk}/facts/")
    for y in range(2010, 2020):
        services.collective_facts_set(actor=SYSTEM, unit_id=unit.pk, year=y, members=10, members_completed=10,
                                      members_advanced=8, members_cstd_grassroots=1, tasks_excellent=True)
    with CaptureQueriesContext(connection) as many:
        c.get(f"/awards/units/{unit.pk}/facts/")
    assert len(many) == len(few)


def test_person_list_offers_creation_to_registry_keepers_only(client_as):
    assert "/awards/persons/new/" in client_as("hanoi.canbo").get("/awards/persons/").content.decode()
    assert "/awards/persons/new/" not in client_as("tw.lanhdao").get("/awards/persons/").content.decode()
    body = client_as("danang.canbo").get(f"/awards/persons/{_minh().pk}/").content.decode()
    assert f"/awards/persons/{_minh().pk}/edit/" in body and f"/awards/persons/{_minh().pk}/ratings/" in body


def test_what_a_rule_is_about_is_not_a_setting():
    with pytest.raises(InvalidInput) as exc:
        services.rule_override_set(actor=SYSTEM, ruleset_code="law2022-nd152", rule_code="cluster_pm_certificate_quota",
                                   params={"award": "giay-khen"}, legal_basis="x", reason="y")
    assert exc.value.details[0].message == "Tham số không thuộc quy tắc: award."
