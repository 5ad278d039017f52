"""Households in the award-history Excel import: found or registered by head and address within the unit,
validated row by row (row, column, reason), the whole file refused on any error; the downloadable template."""

import io
from datetime import date

import openpyxl
import pytest

from thidua.awards import services
from thidua.awards.models import AwardRecord, Household, Person
from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, InvalidInput
from thidua.core.models import AuditEntry
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db
CERT = "bang-khen-thu-tuong"


def _xlsx(rows, header=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header or services.IMPORT_COLUMNS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(kind="Hộ gia đình", unit="01", name="Lê Văn Hộ", nid=None, award=CERT, year=2021, number="7/QĐ-TTg",
         ddate="2022-03-01", address="Thôn Đông, xã Tây"):
    return [kind, unit, name, nid, award, year, "merit", number, ddate, "Thủ tướng", address]


def test_household_rows_register_new_and_existing_households_and_audit(user_named):
    existing = services.household_create(actor=SYSTEM, head_name="Trần Thị Có", address="Phố Huế",
                                         unit_id=Unit.objects.get(code="01").pk)
    rows = [_row(), _row(name="  trần thị   CÓ ", address="phố huế", year=2020),
            ["Tập thể", "48", None, None, "co-thi-dua-cap-bo-tinh", 2017, "merit", "12/QĐ-UBND", "2018-01-15",
             "Chủ tịch", None]]
    before = Household.objects.count()
    assert services.history_import_excel(actor=user_named("tw.canbo"), content=_xlsx(rows)) == {"rows": 3}
    assert Household.objects.count() == before + 1  # the second row is the household already registered
    new = Household.objects.get(head_name="Lê Văn Hộ")
    assert (new.address, new.unit.code) == ("Thôn Đông, xã Tây", "01")
    assert AwardRecord.objects.filter(household=new, year=2021, award_type__code=CERT).exists()
    rec = AwardRecord.objects.get(household=existing, year=2020)
    assert (rec.unit_id, rec.person_id, rec.source) == (None, None, "import")
    created = AuditEntry.objects.get(action="awards.household.created", object_id=str(new.pk))
    assert created.payload["source"] == "import" and created.payload["row"] == 2
    assert AuditEntry.objects.filter(action="awards.history.imported").latest("pk").payload["new_households"] == 1


def test_household_rows_invalid_reject_the_whole_file_with_row_column_reason():
    persons, households, records = Person.objects.count(), Household.objects.count(), AwardRecord.objects.count()
    rows = [
        _row(),  # good, but the file is refused as a whole
        _row(name="", address=""),  # 3: head and address missing
        _row(nid="001090000001"),  # 4: an ID number on a household
        _row(award="co-thi-dua-chinh-phu"),  # 5: not given to households
        _row(),  # 6: same household, award and year as row 2
        ["Tập thể", "01", None, None, "co-thi-dua-cap-bo-tinh", 2017, "merit", "12/QĐ-UBND", "2018-01-15", "",
         "Phố Huế"],  # 7: an address on a collective
        _row(kind="Gia đình"),  # 8: unknown kind
    ]
    with pytest.raises(InvalidInput) as exc:
        services.history_import_excel(actor=SYSTEM, content=_xlsx(rows))
    got = {(d.row, d.column): d.message for d in exc.value.details}
    assert got[(3, "Họ và tên")] == "Cần nhập họ và tên chủ hộ."
    assert got[(3, "Địa chỉ hộ gia đình")] == "Cần nhập địa chỉ của hộ."
    assert got[(4, "Số định danh")].startswith("Để trống với hộ gia đình")
    assert got[(5, "Mã danh hiệu")].endswith("không tặng cho đối tượng này.")
    assert got[(6, "Mã danh hiệu")].startswith("Trùng với một dòng phía trên")
    assert got[(7, "Địa chỉ hộ gia đình")] == "Chỉ ghi địa chỉ với hộ gia đình."
    assert got[(8, "Loại đối tượng")] == "Phải là 'Tập thể', 'Cá nhân' hoặc 'Hộ gia đình'."
    assert not any(row == 2 for row, _col in got)
    assert exc.value.message == f"Tệp có {len(exc.value.details)} lỗi; chưa lưu dòng nào."
    assert (Person.objects.count(), Household.objects.count(), AwardRecord.objects.count()) == (
        persons, households, records)


def test_household_already_awarded_refuses_the_file_and_keeps_no_new_household():
    h = services.household_create(actor=SYSTEM, head_name="Đỗ Văn Đã", address="Xóm 2",
                                  unit_id=Unit.objects.get(code="01").pk)
    services.history_import_excel(actor=SYSTEM, content=_xlsx([_row(name="Đỗ Văn Đã", address="Xóm 2")]))
    households = Household.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.history_import_excel(actor=SYSTEM, content=_xlsx([_row(name="Mới Tinh", address="Xóm 3"),
                                                                   _row(name="Đỗ Văn Đã", address="Xóm 2")]))
    assert [(d.row, d.column) for d in exc.value.details] == [(3, "Mã danh hiệu")]
    assert "một thành tích chỉ khen một lần" in exc.value.details[0].message
    assert Household.objects.count() == households  # the household of row 2 was rolled back with the rest
    assert AwardRecord.objects.filter(household=h).count() == 1


def test_two_registered_households_with_the_same_head_and_address_are_an_error():
    unit = Unit.objects.get(code="01").pk
    for _ in range(2):
        services.household_create(actor=SYSTEM, head_name="Song Sinh", address="Ngõ 1", unit_id=unit)
    with pytest.raises(InvalidInput) as exc:
        services.history_import_excel(actor=SYSTEM, content=_xlsx([_row(name="Song Sinh", address="Ngõ 1")]))
    assert [(d.row, d.column) for d in exc.value.details] == [(2, "Địa chỉ hộ gia đình")]


def test_files_without_the_household_column_are_still_accepted_but_a_wrong_header_is_not():
    old = services.IMPORT_COLUMNS[:10]
    row = ["Cá nhân", "48", "Phạm Văn Cũ", "048091000778", "chien-si-thi-dua-co-so", 2022, "merit", "45/QĐ-UBND",
           date(2023, 1, 10), "Giám đốc"]
    assert services.history_import_excel(actor=SYSTEM, content=_xlsx([row], header=old)) == {"rows": 1}
    with pytest.raises(InvalidInput) as exc:
        services.history_import_excel(actor=SYSTEM, content=_xlsx([row], header=[*old, "Địa chỉ"]))
    assert exc.value.details[0].message.startswith("Dòng tiêu đề phải là:")
    # a household row in an old file: its address column is missing, so the row says so
    with pytest.raises(InvalidInput) as exc:
        services.history_import_excel(actor=SYSTEM, content=_xlsx([_row()[:10]], header=old))
    assert [(d.row, d.column) for d in exc.value.details] == [(2, "Địa chỉ hộ gia đình")]


@pytest.mark.parametrize("username", ["hanoi.canbo", "tw.lanhdao", "ct.hoidong"])
def test_household_import_forbidden_outside_the_central_board(user_named, username):
    with pytest.raises(Forbidden):
        services.history_import_excel(actor=user_named(username), content=_xlsx([_row()]))
    assert not Household.objects.filter(head_name="Lê Văn Hộ").exists()


def test_import_page_reports_household_errors_and_imports(client_as):
    c = client_as("tw.canbo")
    upload = io.BytesIO(_xlsx([_row(address="")]))
    upload.name = "lich-su.xlsx"
    body = c.post("/awards/history/import/", {"file": upload}).content.decode()
    assert "Cần nhập địa chỉ của hộ." in body and "Địa chỉ hộ gia đình" in body
    upload = io.BytesIO(_xlsx([_row()]))
    upload.name = "lich-su.xlsx"
    assert c.post("/awards/history/import/", {"file": upload}).status_code == 302
    assert AwardRecord.objects.filter(household__head_name="Lê Văn Hộ").exists()


@pytest.mark.parametrize("username,status", [(None, 302), ("tw.canbo", 200), ("hanoi.canbo", 404),
                                             ("tw.lanhdao", 404)])
def test_template_download_matrix(client_as, username, status):
    r = client_as(username).get("/awards/history/import/template/")
    assert r.status_code == status


def test_template_has_the_columns_and_imports_as_is(client_as):
    r = client_as("tw.canbo").get("/awards/history/import/template/")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == services.IMPORT_COLUMNS
    assert {row[0] for row in rows[1:]} == {"Tập thể", "Cá nhân", "Hộ gia đình"}
    # the example rows are valid as they stand (units of the demo data)
    assert services.history_import_excel(actor=SYSTEM, content=r.content) == {"rows": 3}
    assert "mau-nhap-lich-su-khen-thuong.xlsx" in r["Content-Disposition"]
    assert "Tải tệp mẫu (.xlsx)" in client_as("tw.canbo").get("/awards/history/import/").content.decode()
