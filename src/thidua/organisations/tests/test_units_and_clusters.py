"""Units over time, memberships by year, cluster-years, and the validation of their services."""

from datetime import date

import pytest

from thidua.core.actors import SYSTEM
from thidua.core.errors import Conflict, InvalidInput
from thidua.organisations import selectors, services
from thidua.organisations.models import ClusterYear, Unit

pytestmark = pytest.mark.django_db


def uid(code):
    return Unit.objects.get(code=code).pk


def test_as_of_names_follow_the_date(user_named):
    user = user_named("hanoi.canbo")
    before = selectors.unit_get(user=user, pk=uid("46"), on=date(2024, 6, 1))
    after = selectors.unit_get(user=user, pk=uid("46"), on=date(2025, 6, 1))
    assert before.as_of_name == "Tỉnh Thừa Thiên Huế" and before.as_of_kind == "Tỉnh"
    assert after.as_of_name == "Thành phố Huế" and after.as_of_kind == "Thành phố trực thuộc Trung ương"


def test_merged_units_are_listed_only_while_they_exist(user_named):
    user = user_named("hanoi.canbo")
    codes_2024 = set(selectors.units_as_of(user=user, on=date(2024, 12, 31)).values_list("code", flat=True))
    codes_2026 = set(selectors.units_as_of(user=user, on=date(2026, 1, 1)).values_list("code", flat=True))
    assert {"30", "49", "74", "77", "93", "94"} <= codes_2024
    assert not ({"30", "49", "74", "77", "93", "94"} & codes_2026)
    assert {"01", "31", "46", "48", "79", "92"} <= codes_2026


def test_lineage_follows_mergers():
    assert selectors.unit_lineage_ids(unit_id=uid("79")) == {uid("79"), uid("74"), uid("77")}
    assert selectors.unit_lineage_ids(unit_id=uid("92")) == {uid("92"), uid("93"), uid("94")}
    assert selectors.unit_lineage_ids(unit_id=uid("01")) == {uid("01")}


def test_members_by_year_five_then_six(user_named):
    user = user_named("tw.canbo")
    cluster = selectors.cluster_get(user=user, code="TPTW")
    y2021 = list(selectors.memberships_for(user=user, cluster=cluster, year=2021))
    y2025 = list(selectors.memberships_for(user=user, cluster=cluster, year=2025))
    assert len(y2021) == 5 and len(y2025) == 6
    assert {m.unit.as_of_name for m in y2025} >= {"Thành phố Huế", "Thành phố Hà Nội"}


def test_seed_heads_and_deputies(user_named):
    user = user_named("tw.canbo")
    expect = {2014: ("92", None), 2015: ("01", "79"), 2021: ("79", "48")}
    for year, (head, deputy) in expect.items():
        cy = selectors.cluster_year_get(user=user, code="TPTW", year=year)
        assert cy.head.code == head
        assert (cy.deputy.code if cy.deputy else None) == deputy


def test_head_must_be_a_member_that_year():
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2021)
    with pytest.raises(InvalidInput) as exc:
        services.cluster_year_set_leadership(actor=SYSTEM, cluster_year_id=cy.pk, head_id=uid("46"),
                                             head_selection="elected", deputy_id=None, deputy_selection="")
    assert exc.value.details[0].field == "head"
    assert "không phải là thành viên" in exc.value.details[0].message


def test_head_and_deputy_differ_and_selection_is_required():
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2021)
    with pytest.raises(InvalidInput) as exc:
        services.cluster_year_set_leadership(actor=SYSTEM, cluster_year_id=cy.pk, head_id=uid("79"),
                                             head_selection="", deputy_id=uid("79"), deputy_selection="elected")
    fields = {d.field for d in exc.value.details}
    assert {"deputy", "head_selection"} <= fields


def test_overlapping_membership_is_refused():
    with pytest.raises(Conflict):
        services.membership_add(actor=SYSTEM, cluster_code="TPTW", unit_id=uid("01"), start_year=2020)


def test_year_without_members_cannot_be_opened():
    with pytest.raises(InvalidInput):
        services.cluster_year_open(actor=SYSTEM, cluster_code="TPTW", year=2010)


def test_duplicate_year_is_a_conflict():
    with pytest.raises(Conflict):
        services.cluster_year_open(actor=SYSTEM, cluster_code="TPTW", year=2021)


def test_rename_closes_the_previous_version():
    v = services.unit_change_version(actor=SYSTEM, unit_id=uid("01"), effective_date=date(2030, 1, 1),
                                     name="Thủ đô Hà Nội", legal_basis="kiểm thử")
    versions = list(Unit.objects.get(code="01").versions.order_by("valid_from"))
    assert versions[-2].valid_to == date(2029, 12, 31) and versions[-1] == v


def test_succession_cycle_is_refused():
    with pytest.raises(InvalidInput):
        services.unit_record_succession(actor=SYSTEM, predecessor_id=uid("79"), successor_id=uid("74"),
                                        kind="merger", effective_date=date(2030, 1, 1))


def test_contact_update_validates_and_audits(user_named):
    from thidua.core.models import AuditEntry

    user = user_named("hanoi.canbo")
    with pytest.raises(InvalidInput) as exc:
        services.unit_update_contact(actor=user, unit_id=uid("01"), email="không-phải-email", website="ftp://x")
    assert {d.field for d in exc.value.details} == {"email", "website"}
    services.unit_update_contact(actor=user, unit_id=uid("01"), email="vanphong@hanoi.gov.vn")
    entry = AuditEntry.objects.filter(action="organisations.unit.contact_updated").first()
    assert entry.actor_id == user.pk and entry.actor_unit_id == uid("01")
    assert entry.payload["after"] == {"email": "vanphong@hanoi.gov.vn"}


def test_every_service_write_is_audited():
    from thidua.core.models import AuditEntry

    before = AuditEntry.objects.count()
    services.cluster_create(actor=SYSTEM, organiser_id=uid("HDTDKT-TW"), code="KHOI-X", name="Khối X")
    services.membership_add(actor=SYSTEM, cluster_code="KHOI-X", unit_id=uid("01"), start_year=2026)
    services.cluster_year_open(actor=SYSTEM, cluster_code="KHOI-X", year=2026, head_id=uid("01"), head_selection="appointed")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions == ["organisations.cluster.created", "organisations.membership.added", "organisations.cluster_year.opened"]
