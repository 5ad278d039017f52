"""Pages and API: who sees what (permission matrix), query counts that do not grow with the rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.awards import services
from thidua.awards.demo import scan_pdf
from thidua.awards.models import Nomination, Person
from thidua.core.actors import SYSTEM
from thidua.organisations.models import ClusterYear, Unit

pytestmark = pytest.mark.django_db
FLAG = "co-thi-dua-chinh-phu"


def _hanoi_flag_2020():
    return Nomination.objects.get(cluster_year__cluster__code="TPTW", cluster_year__year=2020,
                                  nominee_unit__code="01", award_type__code=FLAG)


@pytest.mark.parametrize("username,status", [(None, 302), ("hcm.canbo", 200), ("tw.canbo", 200)])
def test_catalogue_and_eligibility_pages(client_as, username, status):
    c = client_as(username)
    assert c.get("/awards/catalogue/").status_code == status
    assert c.get("/awards/eligibility/").status_code == status


def test_catalogue_shows_cash_and_statuses(client_as):
    body = client_as("hcm.canbo").get("/awards/catalogue/").content.decode()
    assert "Cờ thi đua của Chính phủ" in body and "28.080.000 đ" in body and "[chưa xác nhận]" in body
    assert "[UNCONFIRMED]" not in body
    assert "law2003" in body and "law2022-nd152" in body


def test_eligibility_page_gives_reasons_and_citations(client_as):
    minh = Person.objects.get(national_id="048090000001")
    body = client_as("danang.canbo").get("/awards/eligibility/", {"award": "bang-khen-thu-tuong", "year": 2024,
                                                                  "person": minh.pk}).content.decode()
    assert "Điều 73 khoản 1 điểm b" in body and "thanh tra" in body
    # a person of another city is not even offered, and cannot be checked by id
    assert client_as("hanoi.canbo").get("/awards/eligibility/", {"award": "bang-khen-thu-tuong", "year": 2024,
                                                                 "person": minh.pk}).status_code == 200
    assert "Điều 73" not in client_as("hanoi.canbo").get("/awards/eligibility/", {
        "award": "bang-khen-thu-tuong", "year": 2024, "person": minh.pk}).content.decode()


@pytest.mark.parametrize("username,status", [
    ("hanoi.canbo", 200), ("hanoi.lanhdao", 200), ("tw.canbo", 200), ("tw.lanhdao", 200), ("hcm.canbo", 200),
    ("ct.hoidong", 404), ("ct.stc.canbo", 404)])
def test_nomination_detail_visibility(client_as, username, status):
    assert client_as(username).get(f"/awards/nominations/{_hanoi_flag_2020().pk}/").status_code == status


def _draft_for_hanoi():
    return services.nomination_create_from_conference(
        actor=SYSTEM, cluster_year_id=ClusterYear.objects.get(cluster__code="TPTW", year=2025).pk,
        unit_id=Unit.objects.get(code="01").pk, award_code=FLAG, vote_summary={"leading": True},
        minutes_document_id=None)


@pytest.mark.parametrize("username,allowed", [("hanoi.canbo", True), ("hcm.canbo", False), ("tw.canbo", False),
                                              ("ct.hoidong", False)])
def test_upload_and_submit_buttons_only_for_the_proposer(client_as, username, allowed):
    n = _draft_for_hanoi()
    c = client_as(username)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post(f"/awards/nominations/{n.pk}/upload/", {"requirement": "to_trinh",
                                                       "file": SimpleUploadedFile("tt.pdf", scan_pdf())})
    assert (r.status_code == 302) if allowed else r.status_code in (403, 404)
    r = c.post(f"/awards/nominations/{n.pk}/submit/")
    if allowed:
        n.refresh_from_db()
        assert r.status_code == 302 and n.state == "draft"  # refused: checklist incomplete, messages shown
    else:
        assert r.status_code in (403, 404)


def test_central_board_receives_through_the_page(client_as):
    n = _draft_for_hanoi()
    for code in ("to_trinh", "bao_cao_thanh_tich", "bien_ban_hoi_dong", "bien_ban_binh_xet_cum"):
        services.nomination_upload_document(actor=SYSTEM, nomination_id=n.pk, requirement=code, filename="a.pdf",
                                            content=scan_pdf())
    services.nomination_submit(actor=SYSTEM, nomination_id=n.pk)
    assert client_as("hanoi.canbo").post(f"/awards/nominations/{n.pk}/receive/").status_code == 403
    assert client_as("tw.canbo").post(f"/awards/nominations/{n.pk}/receive/").status_code == 302
    n.refresh_from_db()
    assert n.state == "received"
    assert client_as("tw.canbo").get(f"/awards/nominations/{n.pk}/delete/").status_code == 405  # no GET writes


def test_signed_file_download_scoped(client_as):
    n = _hanoi_flag_2020()
    doc = n.documents.exclude(file_path="").first()
    r = client_as("hanoi.canbo").get(f"/awards/nominations/{n.pk}/files/{doc.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert client_as("ct.hoidong").get(f"/awards/nominations/{n.pk}/files/{doc.pk}/").status_code == 404


def test_unit_history_page_as_of(client_as):
    hp = Unit.objects.get(code="31")
    before = client_as("haiphong.canbo").get(f"/awards/units/{hp.pk}/history/", {"on": "2025-06-30"}).content.decode()
    after = client_as("haiphong.canbo").get(f"/awards/units/{hp.pk}/history/", {"on": "2025-07-01"}).content.decode()
    assert "Tỉnh Hải Dương" not in before and "kế thừa từ Tỉnh Hải Dương" in after
    assert "232/QĐ-TTg" in after


def test_person_pages_mask_national_id(client_as):
    minh = Person.objects.get(national_id="048090000001")
    assert "048090000001" in client_as("danang.canbo").get(f"/awards/persons/{minh.pk}/").content.decode()
    assert client_as("hanoi.canbo").get(f"/awards/persons/{minh.pk}/").status_code == 404
    admin_list = client_as("tw.lanhdao").get("/awards/persons/").content.decode()
    assert "048090000001" not in admin_list


def test_import_page_only_for_central_board(client_as):
    assert client_as("hanoi.canbo").get("/awards/history/import/").status_code == 404
    assert client_as("tw.canbo").get("/awards/history/import/").status_code == 200


def test_cluster_year_panel(client_as):
    body = client_as("hanoi.canbo").get("/clusters/TPTW/2020/").content.decode()
    assert "law2003" in body and "231/QĐ-TTg" in body
    body = client_as("hanoi.canbo").get("/clusters/TPTW/2025/").content.decode()
    assert "Điều 25 khoản 2" in body


# --- query counts ------------------------------------------------------------------------------------------

def _add_nominations(n):
    unit = Unit.objects.get(code="01")
    for i in range(n):
        p = Person.objects.create(full_name=f"Người {i}", unit=unit)
        services.nomination_create(actor=SYSTEM, award_code="giay-khen", year=2025, proposing_unit_id=unit.pk,
                                   nominee_person_id=p.pk)


def _count(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_nomination_list_queries_do_not_grow(client_as):
    c = client_as("tw.canbo")
    c.get("/awards/")
    _add_nominations(2)
    small = _count(lambda: c.get("/awards/"))
    _add_nominations(12)
    large = _count(lambda: c.get("/awards/"))
    assert small == large


def test_api_nomination_list_queries_do_not_grow(api_as):
    c = api_as("tw.canbo")
    c.get("/api/v1/awards/nominations")
    _add_nominations(2)
    small = _count(lambda: c.get("/api/v1/awards/nominations"))
    _add_nominations(12)
    large = _count(lambda: c.get("/api/v1/awards/nominations"))
    assert small == large


def test_person_list_queries_do_not_grow(client_as):
    c = client_as("tw.canbo")
    _add_nominations(2)
    small = _count(lambda: c.get("/awards/persons/"))
    _add_nominations(12)
    large = _count(lambda: c.get("/awards/persons/"))
    assert small == large


# --- API -----------------------------------------------------------------------------------------------------

def test_api_catalogue_and_eligibility(api_as):
    c = api_as("danang.canbo")
    codes = {a["code"] for a in c.get("/api/v1/awards/catalogue").json()}
    assert {FLAG, "bang-khen-thu-tuong"} <= codes
    minh = Person.objects.get(national_id="048090000001")
    v = c.get("/api/v1/awards/eligibility", {"award": "bang-khen-thu-tuong", "year": 2024, "person_id": minh.pk}).json()
    assert v["ruleset_code"] == "law2022-nd98" and any("Điều 73" in r["citation"] for r in v["reasons"])
    assert api_as("hanoi.canbo").get("/api/v1/awards/eligibility", {"award": "bang-khen-thu-tuong", "year": 2024,
                                                                   "person_id": minh.pk}).status_code == 404
    assert c.get("/api/v1/awards/eligibility", {"award": FLAG, "year": 2024}).status_code == 422


def test_api_actions_and_history(api_as):
    n = _draft_for_hanoi()
    r = api_as("hanoi.canbo").post(f"/api/v1/awards/nominations/{n.pk}/actions/submit", {}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "invalid" and r.json()["details"]
    r = api_as("tw.canbo").post(f"/api/v1/awards/nominations/{n.pk}/actions/receive", {}, content_type="application/json")
    assert r.status_code == 409
    r = api_as("hcm.canbo").post(f"/api/v1/awards/nominations/{n.pk}/actions/withdraw", {"reason": "x"},
                                 content_type="application/json")
    assert r.status_code == 403
    r = api_as("hanoi.canbo").post(f"/api/v1/awards/nominations/{n.pk}/actions/withdraw",
                                   {"reason": "x", "state": "awarded"}, content_type="application/json")
    assert r.status_code == 422  # unknown fields refused
    hist = api_as("hcm.canbo").get(f"/api/v1/awards/units/{Unit.objects.get(code='31').pk}/history",
                                   {"on": date(2025, 7, 2).isoformat()}).json()
    assert {h["award_code"] for h in hist} == {FLAG, "bang-khen-thu-tuong"} and any(h["inherited"] for h in hist)


@pytest.mark.parametrize("username,status", [("tw.canbo", 200), ("hanoi.canbo", 404), ("ct.hoidong", 404)])
def test_catalogue_edit_and_blockers_pages_for_central_board_only(client_as, username, status):
    c = client_as(username)
    assert c.get("/awards/catalogue/giay-khen/edit/").status_code == status
    assert c.get("/awards/blockers/").status_code == status


def test_catalogue_edit_is_audited(client_as):
    from thidua.awards.models import AwardType
    from thidua.core.models import AuditEntry

    at = AwardType.objects.get(code="giay-khen")
    data = {"name": at.name, "proposer": at.proposer, "decider": at.decider, "legal_basis": at.legal_basis,
            "status": at.status, "cash_multiple_collective": "0.7", "cash_multiple_individual": "0.3",
            "cash_legal_basis": at.cash_legal_basis, "cash_status": "VERIFIED"}
    assert client_as("hanoi.canbo").post("/awards/catalogue/giay-khen/edit/", data).status_code == 404
    assert client_as("tw.canbo").post("/awards/catalogue/giay-khen/edit/", data).status_code == 302
    at.refresh_from_db()
    assert str(at.cash_multiple_collective) == "0.70" and at.cash_status == "VERIFIED"
    assert AuditEntry.objects.filter(action="awards.award_type.updated", object_id=str(at.pk)).exists()


def test_blocker_recorded_through_the_page(client_as):
    unit = Unit.objects.get(code="92-SCT")
    r = client_as("tw.canbo").post("/awards/blockers/", {"kind": "complaint", "unit": unit.pk, "starts_on": "2026-01-05",
                                                         "reference": "Đơn thư (thử)"})
    assert r.status_code == 302
    from thidua.awards.selectors import blockers_for_unit

    assert blockers_for_unit(unit_id=unit.pk, on=date(2026, 2, 1))[0].kind == "complaint"
    r = client_as("tw.canbo").post("/awards/blockers/", {"kind": "complaint", "starts_on": "2026-01-05"})
    assert r.status_code == 200 and "Chọn một tập thể hoặc một cá nhân" in r.content.decode()
