"""Registry of persons (masked national ID), award history across mergers as of a date, Excel import."""

import io
from datetime import date

import openpyxl
import pytest

from thidua.awards import selectors, services
from thidua.awards.models import AwardRecord, Person, RuleOverride
from thidua.awards.rulesets import ruleset_for_year
from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db


def _unit(code):
    return Unit.objects.get(code=code)


def test_history_follows_the_merger_as_of_a_date(user_named):
    user = user_named("haiphong.canbo")
    hp = _unit("31")
    before = selectors.award_history_for_unit(user=user, unit_id=hp.pk, as_of=date(2025, 6, 30))
    after = selectors.award_history_for_unit(user=user, unit_id=hp.pk, as_of=date(2025, 7, 1))
    inherited = [r for r in after if r.inherited]
    assert not any(r.inherited for r in before)
    assert [(r.unit.code, r.year, r.recipient_name) for r in inherited] == [("30", 2019, "Tỉnh Hải Dương")]
    own = [r for r in after if not r.inherited]
    assert [(r.award_type.code, r.year) for r in own] == [("bang-khen-thu-tuong", 2020)]
    # Before the decision date, the 2020 certificate was not yet in the history.
    assert selectors.award_history_for_unit(user=user, unit_id=hp.pk, as_of=date(2021, 1, 1)) == []


def test_history_requires_login_and_an_existing_unit(user_named):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        selectors.award_history_for_unit(user=AnonymousUser(), unit_id=_unit("31").pk)
    with pytest.raises(NotFound):
        selectors.award_history_for_unit(user=user_named("hcm.canbo"), unit_id=999999)


def test_national_id_masked_unless_needed(user_named):
    p = Person.objects.get(national_id="048090000001")
    assert selectors.national_id_for(user=user_named("danang.canbo"), person=p) == "048090000001"
    assert selectors.national_id_for(user=user_named("tw.canbo"), person=p) == "048090000001"
    assert p.masked_national_id == "•" * 9 + "001"
    with pytest.raises(NotFound):  # another city's officer does not even see the person
        selectors.person_get(user=user_named("hanoi.canbo"), pk=p.pk)


def test_person_create_validates_and_scopes(user_named):
    with pytest.raises(InvalidInput):
        services.person_create(actor=user_named("hanoi.canbo"), full_name="A", unit_id=_unit("01").pk, national_id="12ab")
    with pytest.raises(Forbidden):
        services.person_create(actor=user_named("hanoi.canbo"), full_name="A", unit_id=_unit("79").pk)
    p = services.person_create(actor=user_named("hanoi.canbo"), full_name="Nguyễn A", unit_id=_unit("01").pk,
                               national_id="001099000123")
    assert p.unit.code == "01"


def _xlsx(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(services.IMPORT_COLUMNS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD_ROWS = [
    ["Tập thể", "48", None, None, "co-thi-dua-cap-bo-tinh", 2018, "merit", "12/QĐ-UBND", "2019-01-15", "Chủ tịch"],
    ["Cá nhân", "48", "Phạm Văn Nhập", "048091000777", "chien-si-thi-dua-co-so", 2023, "Thành tích thường xuyên (công trạng)",
     "45/QĐ-UBND", date(2024, 1, 10), "Giám đốc"],
]


def test_import_valid_file(user_named):
    result = services.history_import_excel(actor=user_named("tw.canbo"), content=_xlsx(GOOD_ROWS))
    assert result == {"rows": 2}
    assert AwardRecord.objects.filter(person__national_id="048091000777", year=2023).exists()


def test_import_invalid_file_rejected_whole_with_row_and_column():
    before = AwardRecord.objects.count()
    bad = GOOD_ROWS + [["Cá nhân", "99999", "", "12", "khong-co", "năm", "x", "abc", "hôm qua", ""]]
    with pytest.raises(InvalidInput) as exc:
        services.history_import_excel(actor=SYSTEM, content=_xlsx(bad))
    where = {(d.row, d.column) for d in exc.value.details}
    assert {(4, "Mã đơn vị"), (4, "Mã danh hiệu"), (4, "Năm"), (4, "Số quyết định"), (4, "Ngày quyết định"),
            (4, "Số định danh"), (4, "Họ và tên"), (4, "Loại khen thưởng")} <= where
    assert AwardRecord.objects.count() == before
    with pytest.raises(InvalidInput):
        services.history_import_excel(actor=SYSTEM, content=b"not a spreadsheet")


def test_import_forbidden_for_members(user_named):
    with pytest.raises(Forbidden):
        services.history_import_excel(actor=user_named("hanoi.canbo"), content=_xlsx(GOOD_ROWS))


def test_only_unconfirmed_rules_can_be_configured(user_named):
    tw = user_named("tw.canbo")
    with pytest.raises(InvalidState):
        services.rule_override_set(actor=tw, ruleset_code="law2022-nd152", rule_code="cluster_flag_quota",
                                   params={"max_count": 3}, legal_basis="x")
    with pytest.raises(Forbidden):
        services.rule_override_set(actor=user_named("hanoi.canbo"), ruleset_code="law2022-nd152",
                                   rule_code="cluster_pm_certificate_quota", params={"max_count": 3}, legal_basis="x")
    services.rule_override_set(actor=tw, ruleset_code="law2022-nd152", rule_code="cluster_pm_certificate_quota",
                               params={"max_count": 3}, legal_basis="Văn bản hướng dẫn của Ban (thử)",
                               reason="Thống nhất tại hội nghị (thử)")
    assert RuleOverride.objects.count() == 1
    rule = ruleset_for_year(2025).rule("cluster_pm_certificate_quota")
    assert rule.get("max_count") == 3 and rule.overridden and rule.status == "UNCONFIRMED"


def test_catalogue_edit_by_central_board_only(user_named):
    with pytest.raises(Forbidden):
        services.award_type_update(actor=user_named("hanoi.canbo"), code="giay-khen", cash_multiple_individual=0.5)
    at = services.award_type_update(actor=user_named("tw.canbo"), code="giay-khen", cash_multiple_individual="0.35",
                                    cash_status="VERIFIED")
    assert str(at.cash_multiple_individual) == "0.35"
    with pytest.raises(InvalidInput):
        services.award_type_update(actor=user_named("tw.canbo"), code="giay-khen", code_new="x")


def test_collective_excellent_rule_reasons():
    from thidua.awards.models import CollectiveYearFacts

    unit = _unit("92-SCT")
    v = selectors.eligibility_check(award_code="tap-the-lao-dong-xuat-sac", year=2025, unit_id=unit.pk)
    assert not v.eligible and "cần nhập số liệu bình xét của tập thể" in v.missing
    CollectiveYearFacts.objects.create(unit=unit, year=2025, members=20, members_completed=20, members_advanced=13,
                                       members_cstd_grassroots=1, tasks_excellent=True, unity=True)
    v = selectors.eligibility_check(award_code="tap-the-lao-dong-xuat-sac", year=2025, unit_id=unit.pk)
    assert not v.eligible and "cần thêm 1 người đạt Lao động tiên tiến" in v.missing
    CollectiveYearFacts.objects.filter(unit=unit).update(members_advanced=14)
    assert selectors.eligibility_check(award_code="tap-the-lao-dong-xuat-sac", year=2025, unit_id=unit.pk).eligible
