"""Pages: what each role sees and may do, scope (404), no writes over GET, import report."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from thidua.core.actors import SYSTEM
from thidua.covenant import services as svc
from thidua.covenant.models import Criterion, Registration
from thidua.covenant.selectors import current_criteria_set
from thidua.organisations.models import ClusterYear, Unit

pytestmark = pytest.mark.django_db


def cy(year):
    return ClusterYear.objects.get(cluster__code="TPTW", year=year)


@pytest.fixture
def open2015():
    c = cy(2015)
    svc.criteria_set_copy_previous(actor=SYSTEM, cluster_year_id=c.pk)
    svc.cycle_transition(actor=SYSTEM, cluster_year_id=c.pk, action="open_registration")
    return c


def test_panel_on_cluster_year_page(client_as):
    html = client_as("hcm.canbo").get(reverse("cluster_year_detail", args=["TPTW", 2021])).content.decode()
    assert "Giao ước thi đua và chu trình năm" in html and "Đang thực hiện" in html
    assert "Mở tự đánh giá cuối năm" in html  # the secretariat of 2021 (head HCM) may move on
    html = client_as("tw.lanhdao").get(reverse("cluster_year_detail", args=["TPTW", 2021])).content.decode()
    assert "Đang thực hiện" in html and "Mở tự đánh giá cuối năm" not in html  # observer: read only
    # A year whose whole cycle the demo tells is closed; only the organiser may reopen it.
    html = client_as("hanoi.canbo").get(reverse("cluster_year_detail", args=["TPTW", 2020])).content.decode()
    assert "Đã kết thúc" in html and "Mở lại kỳ thi đua" not in html


def test_transition_through_the_page(client_as):
    from thidua.covenant.models import YearCycle

    url = reverse("covenant:transition", args=["TPTW", 2021])
    r = client_as("haiphong.canbo").post(url, {"action": "open_self_assessment"})
    assert r.status_code == 403
    client = client_as("hcm.canbo")
    client.post(url, {"action": "open_self_assessment"})
    assert YearCycle.objects.get(cluster_year=cy(2021)).state == "self_assessment"
    r = client.post(url, {"action": "back_to_implementation"})
    assert r.status_code == 302
    assert YearCycle.objects.get(cluster_year=cy(2021)).state == "self_assessment"  # no reason: refused
    client.post(url, {"action": "back_to_implementation", "reason": "Bổ sung số liệu quý IV."})
    assert YearCycle.objects.get(cluster_year=cy(2021)).state == "implementation"


def test_criteria_editor(client_as, open2015):
    url = reverse("covenant:criteria", args=["TPTW", 2015])
    client = client_as("hanoi.canbo")
    html = client.get(url).content.decode()
    assert "Thêm tiêu chí" in html and "A.1" in html
    r = client.post(url, {"op": "add", "add-code": "G", "add-title": "Điểm thưởng khác", "add-method": "bonus",
                          "add-points_per_occurrence": "1", "add-cap": "2", "add-scored_by": "scorers"})
    assert r.status_code == 302 and Criterion.objects.filter(code="G", criteria_set__cluster_year=open2015).exists()
    r = client.post(url, {"op": "add", "add-code": "Q", "add-title": "Định lượng", "add-method": "quantitative",
                          "add-max_points": "5", "add-scored_by": "scorers"})
    assert r.status_code == 200 and "đơn vị tính" in r.content.decode()
    assert client_as("haiphong.canbo").post(url, {"op": "copy"}).status_code == 403
    assert client_as("ct.stc.canbo").get(url).status_code == 404
    node = Criterion.objects.get(code="G", criteria_set__cluster_year=open2015)
    assert client.get(reverse("covenant:criterion_action", args=[node.pk])).status_code == 405
    r = client.post(reverse("covenant:criterion_edit", args=[node.pk]),
                    {"code": "G", "title": "Thưởng sáng kiến", "method": "bonus", "points_per_occurrence": "1",
                     "cap": "3", "scored_by": "scorers"})
    assert r.status_code == 302
    node.refresh_from_db()
    assert node.title == "Thưởng sáng kiến" and node.cap == 3
    client.post(reverse("covenant:criterion_action", args=[node.pk]), {"op": "delete"})
    assert not Criterion.objects.filter(pk=node.pk).exists()


def test_excel_export_and_bad_import_report(client_as, open2015):
    client = client_as("hanoi.canbo")
    r = client.get(reverse("covenant:criteria_export", args=["TPTW", 2015]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(r.content))
    wb["Tiêu chí"]["F3"] = "nhiều"
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "sai.xlsx"
    before = list(Criterion.objects.filter(criteria_set__cluster_year=open2015).values_list("code", "max_points"))
    r = client.post(reverse("covenant:criteria_import", args=["TPTW", 2015]), {"file": out})
    assert r.status_code == 422
    html = r.content.decode()
    assert "chưa có dữ liệu nào được lưu" in html and "<td>3</td>" in html and "F (Điểm tối đa)" in html
    assert list(Criterion.objects.filter(criteria_set__cluster_year=open2015).values_list("code", "max_points")) == before


def test_registration_pages_are_member_scoped(client_as, open2015):
    hp = Unit.objects.get(code="31").pk
    url = reverse("covenant:registration", args=["TPTW", 2015, hp])
    officer = client_as("haiphong.canbo")
    html = officer.get(url).content.decode()
    assert "Chỉ tiêu các tiêu chí định lượng" in html and "Lưu và gửi thư ký cụm" in html
    cs = current_criteria_set(cluster_year=open2015)
    data = {f"target_{c.pk}": "10" for c in Criterion.objects.filter(criteria_set=cs, method="quantitative")}
    data.update({"campaign_1": "Năm Doanh nghiệp 2015", "commitment_1": "Hoàn thành chỉ tiêu", "submit": "1"})
    assert officer.post(url, data).status_code == 302
    reg = Registration.objects.get(cluster_year=open2015, unit_id=hp)
    assert reg.status == "submitted"
    # Another member: not found, for reading and writing.
    other = client_as("danang.canbo")
    assert other.get(url).status_code == 404
    assert other.post(url, data).status_code == 404
    assert other.post(reverse("covenant:registration_review", args=[reg.pk]), {"op": "accept"}).status_code == 404
    # The secretariat reviews it.
    sec = client_as("hanoi.canbo")
    assert "Năm Doanh nghiệp 2015" in sec.get(url).content.decode()
    r = sec.post(reverse("covenant:registration_review", args=[reg.pk]), {"op": "return", "reason": "Thiếu cam kết"})
    assert r.status_code == 302
    reg.refresh_from_db()
    assert reg.status == "returned"
    assert "Thiếu cam kết" in officer.get(url).content.decode()


def test_signing_page_shows_hash_and_leader_signs(client_as, open2015):
    from thidua.covenant.access import member_unit_ids

    for unit_id in member_unit_ids(open2015):
        cs = current_criteria_set(cluster_year=open2015)
        svc.registration_save(actor=SYSTEM, cluster_year_id=open2015.pk, unit_id=unit_id,
                              targets={c.pk: "1" for c in cs.criteria.filter(method="quantitative")},
                              campaigns=[{"title": "x"}])
        svc.registration_submit(actor=SYSTEM, cluster_year_id=open2015.pk, unit_id=unit_id)
        svc.registration_accept(actor=SYSTEM, registration_id=Registration.objects.get(cluster_year=open2015, unit_id=unit_id).pk)
    url = reverse("covenant:signing", args=["TPTW", 2015])
    assert client_as("hanoi.canbo").post(url, {"op": "issue"}).status_code == 302
    doc = svc.current_covenant_document(open2015)
    leader = client_as("hanoi.lanhdao")
    html = leader.get(url).content.decode()
    assert doc.docx_sha256 in html and "Ký giao ước" in html
    r = leader.post(url, {"op": "sign", "unit": Unit.objects.get(code="01").pk, "document_sha256": doc.docx_sha256,
                          "confirm": "on"})
    assert r.status_code == 302
    assert "Phạm Quốc Hùng" in leader.get(url).content.decode()
    assert client_as("hanoi.canbo").get(reverse("documents:download", args=[doc.uid, "docx"])).status_code == 200


def test_signed_year_signing_page(client_as):
    html = client_as("tw.lanhdao").get(reverse("covenant:signing", args=["TPTW", 2021])).content.decode()
    assert "Hệ thống ghi nhận thay" in html and "Đỗ Văn Thành" in html
    assert "Lập lại văn bản giao ước" not in html
