"""Criteria tree services: create, copy, edit only while draft, validation, bands, amendments, Excel."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from thidua.core.actors import SYSTEM
from thidua.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from thidua.covenant import excel
from thidua.covenant import services as svc
from thidua.covenant.models import ClassificationBand, CriteriaSet, CriteriaSetStatus, Criterion
from thidua.covenant.selectors import criteria_of, current_criteria_set
from thidua.organisations.models import ClusterYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def cy2015():
    return ClusterYear.objects.get(cluster__code="TPTW", year=2015)


@pytest.fixture
def draft(cy2015, user_named):
    return svc.criteria_set_create(actor=user_named("hanoi.canbo"), cluster_year_id=cy2015.pk,
                                   title="Bộ tiêu chí năm 2015", total_points=100)


def _messages(exc) -> str:
    return " | ".join(d.message for d in exc.value.details)


def test_secretariat_builds_a_valid_table(draft, user_named):
    me = user_named("hanoi.canbo")
    g = svc.criterion_add(actor=me, criteria_set_id=draft.pk, code="A", title="Kinh tế", method="group", max_points=60)
    svc.criterion_add(actor=me, criteria_set_id=draft.pk, parent_id=g.pk, code="A.1", title="GRDP",
                      method="quantitative", max_points=30, unit_of_measure="%")
    svc.criterion_add(actor=me, criteria_set_id=draft.pk, parent_id=g.pk, code="A.2", title="Thu ngân sách",
                      method="graded", max_points=30, step="0.5")
    svc.criterion_add(actor=me, criteria_set_id=draft.pk, code="B", title="Thi đua", method="pass_fail", max_points=40)
    svc.criterion_add(actor=me, criteria_set_id=draft.pk, code="T", title="Cờ Chính phủ", method="bonus",
                      points_per_occurrence=3, cap=3, auto_award_code="co-thi-dua-chinh-phu")
    assert svc.criteria_set_errors(draft) == []
    assert [c.code for c in criteria_of(criteria_set=draft)] == ["A", "A.1", "A.2", "B", "T"]
    assert [c.depth for c in criteria_of(criteria_set=draft)] == [0, 1, 1, 0, 0]
    svc.criterion_move(actor=me, criterion_id=Criterion.objects.get(criteria_set=draft, code="A.2").pk, direction="up")
    assert [c.code for c in criteria_of(criteria_set=draft)][:3] == ["A", "A.2", "A.1"]
    svc.bands_replace(actor=me, criteria_set_id=draft.pk, bands=[
        {"label": "Xuất sắc", "min_points": 90, "max_points": 103}, {"label": "Khá", "min_points": 0, "max_points": 90}])
    # Over the ceiling total + bonus (103).
    with pytest.raises(InvalidInput):
        svc.bands_replace(actor=me, criteria_set_id=draft.pk, bands=[{"label": "X", "min_points": 0, "max_points": 104}])


def test_validation_errors_are_vietnamese_and_specific(draft):
    svc.criterion_add(actor=SYSTEM, criteria_set_id=draft.pk, code="A", title="Nhóm", method="group", max_points=50)
    a = Criterion.objects.get(criteria_set=draft, code="A")
    svc.criterion_add(actor=SYSTEM, criteria_set_id=draft.pk, parent_id=a.pk, code="A.1", title="x",
                      method="graded", max_points=40)
    svc.criterion_add(actor=SYSTEM, criteria_set_id=draft.pk, parent_id=a.pk, code="A.2", title="y",
                      method="graded", max_points=20)
    messages = " | ".join(e.message for e in svc.criteria_set_errors(draft))
    assert "vượt điểm tối đa của nhóm" in messages  # 60 > 50
    assert "khác tổng điểm chuẩn" in messages  # 50 ≠ 100
    with pytest.raises(InvalidInput) as exc:
        svc.criterion_add(actor=SYSTEM, criteria_set_id=draft.pk, code="Q", title="q", method="quantitative",
                          max_points=10)
    assert "đơn vị tính" in _messages(exc)
    with pytest.raises(InvalidInput) as exc:
        svc.criterion_add(actor=SYSTEM, criteria_set_id=draft.pk, code="A.1", title="dup", method="graded", max_points=1)
    assert "bị trùng" in _messages(exc)
    with pytest.raises(InvalidInput) as exc:
        svc.criterion_add(actor=SYSTEM, criteria_set_id=draft.pk, code="P", title="p", method="penalty",
                          points_per_occurrence=2, cap=1)
    assert "Mức trần" in _messages(exc)
    with pytest.raises(InvalidInput):
        svc.criterion_add(actor=SYSTEM, criteria_set_id=draft.pk, code="G", title="g", method="graded",
                          max_points=10, step=3)  # 10 is not a multiple of 3
    with pytest.raises(InvalidInput):
        svc.criterion_add(actor=SYSTEM, criteria_set_id=draft.pk, parent_id=Criterion.objects.get(code="A.1",
                          criteria_set=draft).pk, code="Z", title="z", method="graded", max_points=1)


@pytest.mark.parametrize("username,error", [
    ("hanoi.canbo", None), ("tw.canbo", None), ("haiphong.canbo", Forbidden), ("hcm.lanhdao", Forbidden),
    ("tw.lanhdao", Forbidden), ("ct.stc.canbo", NotFound),
])
def test_who_may_edit_criteria(draft, username, error, user_named):
    call = lambda: svc.criterion_add(actor=user_named(username), criteria_set_id=draft.pk, code="X",  # noqa: E731
                                     title="x", method="graded", max_points=5)
    if error is None:
        assert call().code == "X"
    else:
        with pytest.raises(error):
            call()
        assert not Criterion.objects.filter(criteria_set=draft, code="X").exists()


def test_frozen_table_cannot_be_edited_only_amended(user_named):
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2021)
    cs = current_criteria_set(cluster_year=cy)
    assert cs.status == CriteriaSetStatus.FROZEN
    node = Criterion.objects.filter(criteria_set=cs).first()
    with pytest.raises(InvalidState):
        svc.criterion_update(actor=SYSTEM, criterion_id=node.pk, title="đổi")
    with pytest.raises(InvalidState):
        svc.criterion_delete(actor=SYSTEM, criterion_id=node.pk)
    with pytest.raises(InvalidInput):
        svc.amendment_create(actor=user_named("hcm.canbo"), cluster_year_id=cy.pk, reason="")
    amendment = svc.amendment_create(actor=user_named("hcm.canbo"), cluster_year_id=cy.pk, reason="Bổ sung tiêu chí")
    new = amendment.criteria_set
    assert amendment.number == 1 and new.version == 2 and new.status == CriteriaSetStatus.DRAFT
    assert new.criteria.count() == cs.criteria.count() and new.bands.count() == cs.bands.count()
    # The signed version stays in force until every member signs the amendment.
    assert current_criteria_set(cluster_year=cy) == cs
    edited = svc.criterion_update(actor=SYSTEM, criterion_id=new.criteria.get(code="A.3").pk, title="Xuất khẩu hàng hóa")
    assert edited.title == "Xuất khẩu hàng hóa"
    with pytest.raises(Conflict):
        svc.amendment_create(actor=SYSTEM, cluster_year_id=cy.pk, reason="Thêm nữa")


def test_copy_from_previous_year(cy2015, user_named):
    cs = svc.criteria_set_copy_previous(actor=user_named("hanoi.canbo"), cluster_year_id=cy2015.pk)
    source = current_criteria_set(cluster_year=ClusterYear.objects.get(cluster__code="TPTW", year=2014))
    assert cs.copied_from == source and cs.status == CriteriaSetStatus.DRAFT
    assert [c.code for c in criteria_of(criteria_set=cs)] == [c.code for c in criteria_of(criteria_set=source)]
    assert "2015" in cs.title
    assert svc.criteria_set_errors(cs) == []
    with pytest.raises(Conflict):
        svc.criteria_set_copy_previous(actor=SYSTEM, cluster_year_id=cy2015.pk)


def test_band_overlap_is_rejected(draft):
    with pytest.raises(InvalidInput) as exc:
        svc.bands_replace(actor=SYSTEM, criteria_set_id=draft.pk, bands=[
            {"label": "Tốt", "min_points": 80, "max_points": 95}, {"label": "Khá", "min_points": 70, "max_points": 85}])
    assert "chồng lên nhau" in _messages(exc)


# --- Excel ---------------------------------------------------------------------------------------------


def _demo_xlsx() -> bytes:
    cs = current_criteria_set(cluster_year=ClusterYear.objects.get(cluster__code="TPTW", year=2021))
    return excel.export_xlsx(cs)


def test_export_then_import_round_trips(draft):
    data = _demo_xlsx()
    wb = load_workbook(io.BytesIO(data))
    assert [c.value for c in wb[excel.SHEET][1]] == excel.HEADERS
    count = excel.import_xlsx(actor=SYSTEM, criteria_set_id=draft.pk, data=data, filename="demo.xlsx")
    assert count == wb[excel.SHEET].max_row - 1
    assert svc.criteria_set_errors(draft) == []
    assert ClassificationBand.objects.filter(criteria_set=draft).count() == 4
    e1 = Criterion.objects.get(criteria_set=draft, code="E.1")
    assert e1.auto_award_code == "co-thi-dua-chinh-phu" and e1.cap == Decimal(3) and e1.parent.code == "E"


def _broken_file() -> bytes:
    wb = load_workbook(io.BytesIO(_demo_xlsx()))
    ws = wb[excel.SHEET]
    codes = [c.value for c in ws["A"]]
    ws.cell(row=codes.index("A.2") + 1, column=6, value="mười")  # max points not a number
    ws.cell(row=codes.index("A.3") + 1, column=1, value="A.1")  # duplicate code
    ws.cell(row=codes.index("B.2") + 1, column=8).value = None  # quantitative without unit
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), codes


def test_invalid_file_is_rejected_whole_with_row_column_reason(draft):
    svc.criterion_add(actor=SYSTEM, criteria_set_id=draft.pk, code="KEEP", title="giữ nguyên", method="graded",
                      max_points=100)
    data, codes = _broken_file()
    with pytest.raises(InvalidInput) as exc:
        excel.import_xlsx(actor=SYSTEM, criteria_set_id=draft.pk, data=data)
    details = exc.value.details
    assert any(d.row == codes.index("A.2") + 1 and d.column.startswith("F") and "không phải là số" in d.message
               for d in details)
    assert any(d.row == codes.index("A.3") + 1 and d.column.startswith("A") for d in details)
    # Nothing was saved: the previous table is untouched.
    assert list(Criterion.objects.filter(criteria_set=draft).values_list("code", flat=True)) == ["KEEP"]


def test_rule_errors_in_a_file_name_row_and_column(draft):
    wb = load_workbook(io.BytesIO(_demo_xlsx()))
    ws = wb[excel.SHEET]
    codes = [c.value for c in ws["A"]]
    ws.cell(row=codes.index("B.2") + 1, column=8).value = None
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(InvalidInput) as exc:
        excel.import_xlsx(actor=SYSTEM, criteria_set_id=draft.pk, data=out.getvalue())
    assert [(d.row, d.column) for d in exc.value.details] == [(codes.index("B.2") + 1, "H (Đơn vị tính)")]
    assert not Criterion.objects.filter(criteria_set=draft).exists()


def test_not_an_excel_file(draft):
    with pytest.raises(InvalidInput) as exc:
        excel.import_xlsx(actor=SYSTEM, criteria_set_id=draft.pk, data=b"%PDF-1.4 not excel")
    assert ".xlsx" in exc.value.details[0].message


def test_import_into_frozen_table_is_refused():
    cs = CriteriaSet.objects.filter(status=CriteriaSetStatus.FROZEN).first()
    with pytest.raises(InvalidState):
        excel.import_xlsx(actor=SYSTEM, criteria_set_id=cs.pk, data=_demo_xlsx())
