"""Rule sets, quota and blocker contracts, cash, catalogue loading."""

from datetime import date
from decimal import Decimal

import pytest
import yaml

from thidua.awards import selectors
from thidua.awards.models import AwardType, BaseSalary, BlockerKind
from thidua.awards.rulesets import RuleSetError, load_rulesets, parse_ruleset, ruleset_for_year, ruleset_on
from thidua.awards.services import blocker_record
from thidua.core.actors import SYSTEM
from thidua.organisations.models import ClusterYear, Unit

pytestmark = pytest.mark.django_db


def test_rulesets_are_picked_by_date():
    assert ruleset_for_year(2014).code == "law2003"
    assert ruleset_for_year(2020).code == "law2003"
    assert ruleset_for_year(2023).code == "law2003"
    assert ruleset_for_year(2024).code == "law2022-nd98"
    assert ruleset_on(date(2025, 6, 30)).code == "law2022-nd98"
    assert ruleset_on(date(2025, 7, 1)).code == "law2022-nd152"
    assert ruleset_for_year(2025).code == "law2022-nd152"
    with pytest.raises(LookupError):
        ruleset_on(date(1990, 1, 1))


def test_every_rule_has_basis_and_status():
    for rs in load_rulesets():
        for r in rs.rules:
            assert r.legal_basis and r.status in ("VERIFIED", "HISTORIC", "UNCONFIRMED"), (rs.code, r.code)


def test_malformed_ruleset_is_refused():
    good = {"code": "x", "title": "x", "effective_from": "2030-01-01", "rules": [
        {"code": "a", "kind": "info", "legal_basis": "b", "status": "VERIFIED"}]}
    assert parse_ruleset(good).code == "x"
    for broken in ({**good, "rules": [{"code": "a", "kind": "info", "legal_basis": "b", "status": "MAYBE"}]},
                   {**good, "rules": [{"code": "a", "kind": "nope", "legal_basis": "b", "status": "VERIFIED"}]},
                   {**good, "rules": [{"code": "a", "kind": "info", "status": "VERIFIED"}]},
                   {k: v for k, v in good.items() if k != "effective_from"},
                   {**good, "effective_to": "2029-01-01"}):
        with pytest.raises(RuleSetError):
            parse_ruleset(yaml.safe_load(yaml.safe_dump(broken)))


def _cy(year, code="TPTW"):
    return ClusterYear.objects.select_related("cluster__organiser").get(cluster__code=code, year=year)


def test_quota_central_cluster_by_regime():
    q = selectors.proposal_quota(cluster_year=_cy(2025), award_code="co-thi-dua-chinh-phu")
    assert (q.max_count, q.status) == (1, "VERIFIED") and "Điều 25 khoản 2" in q.legal_basis
    old = selectors.proposal_quota(cluster_year=_cy(2020), award_code="co-thi-dua-chinh-phu")
    assert old.max_count == 2 and old.status == "VERIFIED" and "Thực tiễn" in old.legal_basis
    cert = selectors.proposal_quota(cluster_year=_cy(2020), award_code="bang-khen-thu-tuong")
    assert cert.max_count == 2
    unconfirmed = selectors.proposal_quota(cluster_year=_cy(2025), award_code="bang-khen-thu-tuong")
    assert unconfirmed.max_count is None and unconfirmed.status == "UNCONFIRMED"


def test_quota_other_organiser_is_not_central():
    q = selectors.proposal_quota(cluster_year=_cy(2025, "CT-KHOI-KT"), award_code="co-thi-dua-chinh-phu")
    assert q.max_count is None and "khoản 1" in q.legal_basis


def test_blockers_for_unit_are_dated():
    unit = Unit.objects.get(code="92-SXD")
    b = blocker_record(actor=SYSTEM, kind=BlockerKind.INSPECTION, unit_id=unit.pk, starts_on=date(2025, 9, 1),
                       ends_on=date(2025, 12, 31), reference="Quyết định thanh tra (minh họa)")
    assert selectors.blockers_for_unit(unit_id=unit.pk, on=date(2025, 8, 31)) == []
    found = selectors.blockers_for_unit(unit_id=unit.pk, on=date(2025, 10, 1))
    assert [x.record_id for x in found] == [b.pk]
    assert "152/2025" in found[0].citation
    assert selectors.blockers_for_unit(unit_id=unit.pk, on=date(2026, 1, 1)) == []


def test_catalogue_loaded_with_required_codes():
    codes = set(AwardType.objects.values_list("code", flat=True))
    assert {"co-thi-dua-chinh-phu", "bang-khen-thu-tuong", "tap-the-lao-dong-xuat-sac", "tap-the-lao-dong-tien-tien",
            "chien-si-thi-dua-toan-quoc", "chien-si-thi-dua-cap-bo-tinh", "chien-si-thi-dua-co-so",
            "lao-dong-tien-tien", "bang-khen-cap-bo-tinh", "co-thi-dua-cap-bo-tinh", "giay-khen",
            "huan-chuong-lao-dong"} <= codes


def test_cash_for_a_date():
    flag = AwardType.objects.get(code="co-thi-dua-chinh-phu")
    cash = selectors.cash_for(award=flag, recipient_kind="collective", on=date(2025, 3, 1))
    assert cash.amount_vnd == 12 * 2_340_000 and cash.multiple == Decimal("12.00") and cash.status == "VERIFIED"
    assert "73/2024" in cash.legal_basis
    before = selectors.cash_for(award=flag, recipient_kind="collective", on=date(2024, 6, 30))
    assert before.amount_vnd == 12 * 1_800_000 and before.status == "UNCONFIRMED"
    assert BaseSalary.objects.filter(amount_vnd=2_340_000, valid_from=date(2024, 7, 1), status="VERIFIED").exists()
