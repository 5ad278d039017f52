"""Regression tests of the reviewer's report on the covenant (one test or more per defect, numbered as in
the report). Each failed before its fix."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from thidua.core.actors import SYSTEM
from thidua.core.errors import InvalidInput, InvalidState
from thidua.covenant import excel, selectors
from thidua.covenant import services as svc
from thidua.covenant.models import ClassificationBand, CriteriaSet, Criterion, MemberTarget, NationalCampaign
from thidua.covenant.validation import Node, validate_criteria
from thidua.organisations.models import ClusterYear, Unit

pytestmark = pytest.mark.django_db


def _cy(year, code="TPTW"):
    return ClusterYear.objects.get(cluster__code=code, year=year)


def _unit(code):
    return Unit.objects.get(code=code).pk


def _json(client, method, url, body=None):
    fn = getattr(client, method)
    r = fn(url, data=json.dumps(body), content_type="application/json") if body is not None else fn(url)
    return r.status_code, (r.json() if r.content and r.status_code != 204 else None)


@pytest.fixture
def open2015():
    cy = _cy(2015)
    svc.criteria_set_copy_previous(actor=SYSTEM, cluster_year_id=cy.pk)
    svc.cycle_transition(actor=SYSTEM, cluster_year_id=cy.pk, action="open_registration")
    return cy


def _latest(cy):
    return CriteriaSet.objects.filter(cluster_year=cy).order_by("-version").first()


def _criterion(cy, code):
    return Criterion.objects.get(criteria_set=_latest(cy), code=code)


# --- 1. Numbers too large for their column ------------------------------------------------------------


@pytest.mark.parametrize("value", ["12000000000000000", "1e400", "NaN", "Infinity", "-inf", "0.000001"])
def test_1_target_that_does_not_fit_its_column_is_refused_naming_the_criterion(open2015, user_named, value):
    a2 = _criterion(open2015, "A.2")
    with pytest.raises(InvalidInput) as exc:
        svc.registration_save(actor=user_named("cantho.canbo"), cluster_year_id=open2015.pk, unit_id=_unit("92"),
                              targets={a2.pk: value})
    detail = exc.value.details[0]
    assert detail.field == f"target_{a2.pk}"
    assert "A.2" in detail.message or "không phải là số" in detail.message
    assert not MemberTarget.objects.filter(criterion=a2).exists()


def test_1_registration_page_shows_the_error_and_keeps_working(client_as, open2015):
    a2 = _criterion(open2015, "A.2")
    url = reverse("covenant:registration", args=["TPTW", 2015, _unit("92")])
    client = client_as("cantho.canbo")
    r = client.post(url, {f"target_{a2.pk}": "12000000000000000", "campaign_1": "Năm cải cách hành chính"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Chỉ tiêu A.2" in html and "vượt giới hạn" in html
    assert client.get(url).status_code == 200
    status, _body = _json(client, "get", f"/api/v1/covenant/years/TPTW/2015/registrations/{_unit('92')}")
    assert status == 200


def test_1_api_refuses_points_too_large_and_the_page_stays_up(api_as, client_as, open2015):
    a1 = _criterion(open2015, "A.1")
    api = api_as("hanoi.canbo")
    status, body = _json(api, "patch", f"/api/v1/covenant/criteria/{a1.pk}", {"max_points": "99999999"})
    assert status == 422, body
    assert "Điểm tối đa" in body["details"][0]["message"] and body["details"][0]["field"] == "max_points"
    status, body = _json(api, "patch", f"/api/v1/covenant/criteria/{a1.pk}", {"max_points": "10.005"})
    assert status == 422 and "2 chữ số sau dấu phẩy" in body["details"][0]["message"]
    a1.refresh_from_db()
    assert a1.max_points == Decimal(10)
    assert client_as("hanoi.canbo").get(reverse("covenant:criteria", args=["TPTW", 2015])).status_code == 200
    cs = _latest(open2015)
    with pytest.raises(InvalidInput):
        svc.bands_replace(actor=SYSTEM, criteria_set_id=cs.pk,
                          bands=[{"label": "X", "min_points": "0", "max_points": "1e400"}])
    with pytest.raises(InvalidInput):
        svc.criteria_set_update(actor=SYSTEM, criteria_set_id=cs.pk, total_points="12345678")


# --- 2. A damaged workbook is rejected, not a 500 ------------------------------------------------------


def _damaged_xlsx(cs) -> bytes:
    good = excel.export_xlsx(cs)
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # truncated XML: fails while the rows are read
            dst.writestr(item, data)
    return out.getvalue()


def test_2_damaged_workbook_is_rejected_on_the_page_and_the_api(client_as, api_as, open2015):
    cs = _latest(open2015)
    upload = io.BytesIO(_damaged_xlsx(cs))
    upload.name = "hong.xlsx"
    r = client_as("hanoi.canbo").post(reverse("covenant:criteria_import", args=["TPTW", 2015]), {"file": upload})
    assert r.status_code == 422
    assert "tệp bị hỏng" in r.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = api_as("hanoi.canbo").post(f"/api/v1/covenant/criteria-sets/{cs.pk}/import",
                                   {"file": SimpleUploadedFile("hong.xlsx", _damaged_xlsx(cs))})
    assert r.status_code == 422 and "tệp bị hỏng" in r.json()["details"][0]["message"]


# --- 3. A numbered amendment is edited in full ----------------------------------------------------------


def test_3_amendment_export_import_and_bands_act_on_the_draft(client_as):
    cy = _cy(2021)
    amendment = svc.amendment_create(actor=SYSTEM, cluster_year_id=cy.pk, reason="Bổ sung tiêu chí")
    client = client_as("hcm.canbo")
    r = client.get(reverse("covenant:criteria_export", args=["TPTW", 2021]))
    assert r.status_code == 200 and 'v2.xlsx"' in r["Content-Disposition"]
    r = client.get(reverse("covenant:criteria_export", args=["TPTW", 2021]) + "?version=1")
    assert 'v1.xlsx"' in r["Content-Disposition"]
    data = client.get(reverse("covenant:criteria_export", args=["TPTW", 2021])).content
    upload = io.BytesIO(data)
    upload.name = "v2.xlsx"
    r = client.post(reverse("covenant:criteria_import", args=["TPTW", 2021]), {"file": upload})
    assert r.status_code == 302, r.content.decode()[:2000]
    form = {"label_1": "Xuất sắc", "min_1": "95", "max_1": "105", "label_2": "Tốt", "min_2": "80", "max_2": "95",
            "label_3": "Khá", "min_3": "70", "max_3": "80", "label_4": "Trung bình", "min_4": "0", "max_4": "70"}
    r = client.post(reverse("covenant:bands", args=["TPTW", 2021]), form)
    assert r.status_code == 302
    assert ClassificationBand.objects.filter(criteria_set=amendment.criteria_set, min_points=95).exists()
    frozen = CriteriaSet.objects.get(cluster_year=cy, version=1)
    assert not ClassificationBand.objects.filter(criteria_set=frozen, min_points=95).exists()


# --- 4. An amendment adding a quantitative criterion needs every member's target -----------------------


def test_4_issuing_refuses_while_a_quantitative_criterion_lacks_targets():
    cy = _cy(2021)
    amendment = svc.amendment_create(actor=SYSTEM, cluster_year_id=cy.pk, reason="Thêm chỉ tiêu")
    cs = amendment.criteria_set
    a = Criterion.objects.get(criteria_set=cs, code="A")
    svc.criterion_update(actor=SYSTEM, criterion_id=Criterion.objects.get(criteria_set=cs, code="A.4").pk,
                         max_points=5)
    svc.criterion_add(actor=SYSTEM, criteria_set_id=cs.pk, parent_id=a.pk, code="A.5", title="Vốn đầu tư",
                      method="quantitative", max_points=5, unit_of_measure="tỷ đồng")
    assert svc.criteria_set_errors(cs) == []
    with pytest.raises(InvalidState) as exc:
        svc.covenant_document_issue(actor=SYSTEM, cluster_year_id=cy.pk, with_pdf=False)
    assert "A.5" in exc.value.message and "Hà Nội" in exc.value.message and "Cần Thơ" in exc.value.message


# --- 5. A group's children must add up to its points ---------------------------------------------------


def test_5_children_summing_below_their_group_are_an_error(api_as, open2015):
    nodes = [Node(code="A", title="Nhóm", method="group", max_points=Decimal(40)),
             Node(code="A.1", title="x", method="graded", max_points=Decimal(1), parent_code="A"),
             Node(code="A.2", title="y", method="graded", max_points=Decimal(30), parent_code="A"),
             Node(code="B", title="z", method="graded", max_points=Decimal(60))]
    messages = [e.message for e in validate_criteria(total_points=Decimal(100), nodes=nodes)]
    assert any("A:" in m and "nhỏ hơn điểm tối đa của nhóm" in m for m in messages)
    api = api_as("hanoi.canbo")
    a1 = _criterion(open2015, "A.1")
    assert _json(api, "patch", f"/api/v1/covenant/criteria/{a1.pk}", {"max_points": "1"})[0] == 200
    status, body = _json(api, "get", "/api/v1/covenant/years/TPTW/2015/criteria")
    assert status == 200 and any("nhỏ hơn điểm tối đa của nhóm" in e for e in body["errors"])


def test_5_demo_tables_are_valid():
    for cs in CriteriaSet.objects.all():
        assert svc.criteria_set_errors(cs) == [], cs


# --- 14. Excel round trip --------------------------------------------------------------------------------


def test_14_round_trip_keeps_national_campaign_and_refuses_three_decimals(client_as, open2015):
    cs = _latest(open2015)
    nc = NationalCampaign.objects.get(title__startswith="Cả nước chung sức")
    assert Criterion.objects.filter(criteria_set=cs, code="A.4", national_campaign=nc).exists()
    n = excel.import_xlsx(actor=SYSTEM, criteria_set_id=cs.pk, data=excel.export_xlsx(cs), filename="x.xlsx")
    assert n == Criterion.objects.filter(criteria_set=cs).count()
    assert Criterion.objects.get(criteria_set=cs, code="A.4").national_campaign_id == nc.pk
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(excel.export_xlsx(cs)))
    ws = wb["Tiêu chí"]
    rows = {ws.cell(row=i, column=1).value: i for i in range(2, ws.max_row + 1)}
    for code, value in (("A.1", 13.333), ("A.2", 13.333), ("A.3", 13.334)):
        ws.cell(row=rows[code], column=6).value = value
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(InvalidInput) as exc:
        excel.import_xlsx(actor=SYSTEM, criteria_set_id=cs.pk, data=out.getvalue(), filename="x.xlsx")
    bad = [d for d in exc.value.details if d.column == "F (Điểm tối đa)" and "chữ số sau dấu phẩy" in d.message]
    assert {d.row for d in bad} == {rows["A.1"], rows["A.2"], rows["A.3"]}
    assert Criterion.objects.get(criteria_set=cs, code="A.1").max_points == Decimal(10)


# --- 6–10, 21. The covenant and plan documents ----------------------------------------------------------


def _text(spec) -> str:
    from thidua.documents.spec import BulletList, Heading, Paragraph

    parts = []
    for b in spec.blocks:
        if isinstance(b, (Paragraph, Heading)):
            parts.append(b.text)
        elif isinstance(b, BulletList):
            parts.extend(b.items)
    return "\n".join(parts)


def _target_codes(spec) -> list[list[str]]:
    from thidua.documents.spec import Table

    return [[r[0] for r in b.rows] for b in spec.blocks if isinstance(b, Table) and b.columns[1] == "Chỉ tiêu đăng ký"]


@pytest.fixture
def block2025():
    cy = _cy(2025, "CT-KHOI-KT")
    svc.cycle_ensure(actor=SYSTEM, cluster_year_id=cy.pk)
    cs = svc.criteria_set_create(actor=SYSTEM, cluster_year_id=cy.pk, title="Bộ tiêu chí khối năm 2025")
    svc.criterion_add(actor=SYSTEM, criteria_set_id=cs.pk, code="A", title="Hoàn thành nhiệm vụ", method="graded",
                      max_points=100)
    return cy, cs


def test_6_block_documents_use_block_wording_place_recipient_and_agency_signatures(block2025):
    from thidua.covenant.documents import covenant_spec, plan_spec
    from thidua.covenant.models import YearCycle

    cy, cs = block2025
    spec = covenant_spec(cy=cy, cs=cs)
    text = _text(spec)
    assert spec.place == "Cần Thơ"
    assert "thành viên của Khối" in text and "Cụm" not in text
    assert spec.issuer_code == "KTĐ"
    assert spec.recipients[0] == "Hội đồng Thi đua – Khen thưởng thành phố Cần Thơ"
    assert "Các thành viên của Khối" in spec.recipients
    for sig in spec.signatures:
        assert sig.authority == "" and sig.title == "GIÁM ĐỐC" and sig.unit.startswith("SỞ ")
    plan = plan_spec(cy=cy, cs=cs, cycle=YearCycle.objects.get(cluster_year=cy))
    text = _text(plan)
    assert plan.place == "Cần Thơ" and "Khối trưởng ban hành" in text and "Cụm" not in text
    assert plan.number_line.endswith("/KH-KTĐ")
    assert all("CỤM" not in f"{s.authority} {s.title}" for s in plan.signatures)


def test_7_old_years_cite_the_law_in_force_on_the_document_date():
    from thidua.covenant.documents import covenant_spec, plan_spec
    from thidua.covenant.models import YearCycle

    for year in (2014, 2020):
        cy = _cy(year)
        text = _text(covenant_spec(cy=cy, cs=selectors.current_criteria_set(cluster_year=cy)))
        assert "06/2022/QH15" not in text and "Luật Thi đua, khen thưởng 2003" in text
    cy = _cy(2020)
    plan = plan_spec(cy=cy, cs=selectors.current_criteria_set(cluster_year=cy),
                     cycle=YearCycle.objects.get(cluster_year=cy))
    assert "06/2022/QH15" not in _text(plan)
    cy = _cy(2025)
    assert "Luật Thi đua, khen thưởng số 06/2022/QH15" in _text(
        covenant_spec(cy=cy, cs=selectors.current_criteria_set(cluster_year=cy)))


@pytest.mark.parametrize("year", [2014, 2025])
def test_8_member_targets_are_printed_in_tree_order(year):
    from thidua.covenant.documents import covenant_spec

    cy = _cy(year)
    tables = _target_codes(covenant_spec(cy=cy, cs=selectors.current_criteria_set(cluster_year=cy)))
    assert tables and all(codes == ["A.1", "A.2", "A.3", "B.2", "C.1"] for codes in tables)


def test_8_targets_selector_is_in_tree_order():
    cy = _cy(2025)
    codes = [t.criterion.code for t in selectors.targets_of(cluster_year=cy).filter(unit_id=_unit("01"))]
    assert codes == ["A.1", "A.2", "A.3", "B.2", "C.1"]


def test_9_copy_count_is_members_plus_the_organiser():
    from thidua.covenant.documents import covenant_spec

    cy = _cy(2014)
    text = _text(covenant_spec(cy=cy, cs=selectors.current_criteria_set(cluster_year=cy)))
    assert "lập thành 6 bản" in text
    cy = _cy(2025)
    assert "lập thành 7 bản" in _text(covenant_spec(cy=cy, cs=selectors.current_criteria_set(cluster_year=cy)))


def test_10_a_vice_chair_signs_on_behalf_of_the_chair():
    from thidua.covenant.documents import covenant_spec

    cy = _cy(2014)
    sigs = {s.unit: s for s in covenant_spec(cy=cy, cs=selectors.current_criteria_set(cluster_year=cy)).signatures}
    hanoi = sigs["THÀNH PHỐ HÀ NỘI"]
    assert hanoi.authority == "TM. ỦY BAN NHÂN DÂN" and hanoi.title == "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    assert hanoi.name == "Phạm Quốc Hùng"
    assert sigs["THÀNH PHỐ ĐÀ NẴNG"].title == "CHỦ TỊCH"  # no leader account: the chair's block


def test_21_plan_cli_is_numbered_and_errors_are_clear(tmp_path):
    import docx as python_docx
    from django.core.management import CommandError, call_command

    out = tmp_path / "kh.docx"
    call_command("document", "plan", "--cluster", "TPTW", "--year", "2021", "-o", str(out))
    texts = [p.text for p in python_docx.Document(str(out)).paragraphs]
    for table in python_docx.Document(str(out)).tables:
        for row in table.rows:
            texts += [c.text for c in row.cells]
    full = "\n".join(texts)
    assert "/KH-CTĐ" in full and "Số:" in full
    assert "Đỗ Văn Thành" in full and "ĐẠI DIỆN CỤM TRƯỞNG" not in full
    with pytest.raises(CommandError, match="Không ghi được tệp"):
        call_command("document", "plan", "--cluster", "TPTW", "--year", "2021", "-o", "/nonexistent/x.docx")


# --- 11. Bands leave no gap ------------------------------------------------------------------------------


def test_11_bands_with_a_gap_or_not_from_zero_are_refused(open2015, api_as):
    cs = _latest(open2015)
    with pytest.raises(InvalidInput) as exc:
        svc.bands_replace(actor=SYSTEM, criteria_set_id=cs.pk, bands=[
            {"label": "Xuất sắc", "min_points": 90, "max_points": 105}, {"label": "Tốt", "min_points": 85, "max_points": 90},
            {"label": "Khá", "min_points": 70, "max_points": 80}, {"label": "Trung bình", "min_points": 0, "max_points": 70}])
    assert any("khoảng trống" in d.message and "80" in d.message for d in exc.value.details)
    status, body = _json(api_as("hanoi.canbo"), "put", f"/api/v1/covenant/criteria-sets/{cs.pk}/bands",
                         {"bands": [{"label": "A", "min_points": 90, "max_points": 105},
                                    {"label": "B", "min_points": 50, "max_points": 60}]})
    assert status == 422
    messages = " | ".join(d["message"] for d in body["details"])
    assert "khoảng trống" in messages and "bắt đầu từ 0 điểm" in messages


# --- 13. Registration errors at their fields -------------------------------------------------------------


def test_13_missing_targets_are_reported_at_their_fields(client_as, open2015):
    url = reverse("covenant:registration", args=["TPTW", 2015, _unit("92")])
    client = client_as("cantho.canbo")
    r = client.post(url, {"campaign_1": "Cải cách hành chính", "submit": "1"})
    assert r.status_code == 200
    form = r.context["form"]
    a2 = _criterion(open2015, "A.2")
    assert "Thiếu chỉ tiêu của tiêu chí A.2." in form.errors[f"target_{a2.pk}"]
    assert not form.non_field_errors()


# --- 16. Deadlines in the order of the cycle -------------------------------------------------------------


def test_16_deadlines_out_of_order_are_refused():
    from datetime import date

    cy = _cy(2015)
    svc.cycle_ensure(actor=SYSTEM, cluster_year_id=cy.pk)
    with pytest.raises(InvalidInput) as exc:
        svc.cycle_set_deadlines(actor=SYSTEM, cluster_year_id=cy.pk, registration_deadline=date(2016, 12, 31),
                                conference_date=date(2015, 1, 2), dossier_deadline=date(2014, 1, 1))
    fields = {d.field for d in exc.value.details}
    assert "conference_date" in fields and "dossier_deadline" in fields
    svc.cycle_set_deadlines(actor=SYSTEM, cluster_year_id=cy.pk, registration_deadline=date(2015, 3, 31),
                            conference_date=date(2016, 3, 20), dossier_deadline=date(2016, 3, 31))


# --- 17, 18, 19, 20. Registrations list and signing page -----------------------------------------------


def test_17_members_do_not_see_a_false_status_for_others(client_as):
    html = client_as("danang.canbo").get(reverse("covenant:registrations", args=["TPTW", 2021])).content.decode()
    assert "Chưa gửi" not in html and "Không hiển thị" in html
    html = client_as("hcm.canbo").get(reverse("covenant:registrations", args=["TPTW", 2021])).content.decode()
    assert "Không hiển thị" not in html


def test_18_19_20_signing_page(client_as):
    from thidua.covenant.models import Signature

    url = reverse("covenant:signing", args=["TPTW", 2021])
    assert "Đính kèm" not in client_as("tw.lanhdao").get(url).content.decode()
    html = client_as("danang.canbo").get(url).content.decode()
    assert html.count("Đính kèm") == 1  # its own signature only
    assert "Đính kèm" in client_as("hcm.canbo").get(url).content.decode()
    # Older signatures name the unit, not its code.
    Signature.objects.filter(cluster_year=_cy(2021)).update(
        document_sha256="0" * 64)  # signatures now belong to no current version
    cy = _cy(2021)
    svc.amendment_create(actor=SYSTEM, cluster_year_id=cy.pk, reason="Sửa tiêu chí")
    html = client_as("hcm.canbo").get(url).content.decode()
    assert "Chữ ký trên các phiên bản trước" in html and "<li>Thành phố Hà Nội ·" in html


def test_20_reissue_asks_for_confirmation_and_marks_the_current_document(client_as):
    cy = _cy(2015)
    svc.criteria_set_copy_previous(actor=SYSTEM, cluster_year_id=cy.pk)
    svc.cycle_transition(actor=SYSTEM, cluster_year_id=cy.pk, action="open_registration")
    from thidua.covenant.access import member_unit_ids
    from thidua.covenant.models import Registration, RegistrationStatus

    for unit_id in member_unit_ids(cy):
        targets = {c.pk: "10" for c in Criterion.objects.filter(criteria_set=_latest(cy), method="quantitative")}
        svc.registration_save(actor=SYSTEM, cluster_year_id=cy.pk, unit_id=unit_id, targets=targets,
                              campaigns=[{"title": "Thi đua"}])
        svc.registration_submit(actor=SYSTEM, cluster_year_id=cy.pk, unit_id=unit_id)
        reg = Registration.objects.get(cluster_year=cy, unit_id=unit_id)
        svc.registration_accept(actor=SYSTEM, registration_id=reg.pk)
    assert Registration.objects.filter(cluster_year=cy, status=RegistrationStatus.ACCEPTED).count() == 5
    svc.covenant_document_issue(actor=SYSTEM, cluster_year_id=cy.pk, with_pdf=False)
    svc.covenant_document_issue(actor=SYSTEM, cluster_year_id=cy.pk, with_pdf=False)
    html = client_as("hanoi.canbo").get(reverse("covenant:signing", args=["TPTW", 2015])).content.decode()
    assert 'data-confirm="Lập lại văn bản giao ước?' in html
    assert html.count("Văn bản hiện hành") == 1 and "đã thay thế" in html
