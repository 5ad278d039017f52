"""Individual merit chains: worked examples, and the batch (SQL) path equals the single-nominee path."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thidua.awards import eligibility as elig
from thidua.awards import selectors
from thidua.awards.models import AwardRecord, AwardType, Basis, BlockerKind, BlockerRecord, DutyRating, Person
from thidua.awards.rulesets import ruleset_for_year
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db

CSTD, BKP, BKTT = "chien-si-thi-dua-co-so", "bang-khen-cap-bo-tinh", "bang-khen-thu-tuong"


def _person(name="Người thử"):
    return Person.objects.create(full_name=name, unit=Unit.objects.get(code="92"))


def _award(person, code, year, basis=Basis.MERIT):
    AwardRecord.objects.create(person=person, award_type=AwardType.objects.get(code=code), year=year, basis=basis,
                               decision_number=f"{year}/QĐ-UBND", decision_date=date(year + 1, 1, 10),
                               source="decision")


def _good(person, years, rating=2):
    for y in years:
        DutyRating.objects.create(person=person, year=y, rating=rating)


def test_pm_certificate_chain_eligible_with_citation():
    p = _person()
    _award(p, BKP, 2018)
    _good(p, range(2019, 2025))
    for y in (2020, 2022, 2024):
        _award(p, CSTD, y)
    v = selectors.eligibility_check(award_code=BKTT, year=2024, person_id=p.pk)
    assert v.eligible and v.ruleset_code == "law2022-nd98"
    assert any("Điều 73 khoản 1 điểm b" in r.citation for r in v.reasons)


def test_pm_certificate_chain_says_what_is_missing():
    p = _person()
    _award(p, BKP, 2020)
    _good(p, range(2021, 2025))
    for y in (2022, 2023):
        _award(p, CSTD, y)
    v = selectors.eligibility_check(award_code=BKTT, year=2024, person_id=p.pk)
    assert not v.eligible
    assert "cần thêm 1 năm liên tục hoàn thành tốt nhiệm vụ trở lên" in v.missing
    assert "cần thêm 1 lần Chiến sĩ thi đua cơ sở" in v.missing


def test_thematic_awards_do_not_count_toward_chains():
    p = _person()
    _award(p, BKP, 2018, basis=Basis.THEMATIC)
    _good(p, range(2019, 2026))
    for y in (2020, 2022, 2024):
        _award(p, CSTD, y)
    v = selectors.eligibility_check(award_code=BKTT, year=2025, person_id=p.pk)
    assert not v.eligible and any("cần được tặng" in m for m in v.missing)
    assert any("152/2025" in r.citation and "công trạng" in r.message for r in v.reasons)


def test_discipline_restarts_the_count():
    p = _person()
    _award(p, CSTD, 2023)
    _award(p, CSTD, 2024)
    _award(p, CSTD, 2025)
    assert selectors.eligibility_check(award_code=BKP, year=2025, person_id=p.pk).eligible
    BlockerRecord.objects.create(person=p, kind=BlockerKind.DISCIPLINE, starts_on=date(2024, 3, 1),
                                 ends_on=date(2024, 9, 1))
    v = selectors.eligibility_check(award_code=BKP, year=2025, person_id=p.pk, on=date(2026, 2, 1))
    assert not v.eligible and "cần thêm 1 năm liên tục đạt Chiến sĩ thi đua cơ sở" in v.missing
    assert any("sau năm 2024" in r.message for r in v.reasons)


def test_one_achievement_once():
    p = _person()
    _award(p, CSTD, 2024)
    _award(p, CSTD, 2025)
    _award(p, BKP, 2025)
    v = selectors.eligibility_check(award_code=BKP, year=2025, person_id=p.pk)
    assert not v.eligible
    assert any("Điều 5 khoản 2" in r.citation for r in v.reasons if not r.ok)


def test_old_regime_needs_two_titles_unconfirmed():
    p = _person()
    _award(p, BKP, 2010)
    _good(p, range(2011, 2016))
    _award(p, CSTD, 2012)
    _award(p, CSTD, 2014)
    v = selectors.eligibility_check(award_code=BKTT, year=2015, person_id=p.pk)
    assert v.eligible and v.ruleset_code == "law2003"
    assert all(r.status == "UNCONFIRMED" for r in v.reasons if r.rule == "pm_certificate_individual")


# --- batch == single -----------------------------------------------------------------------------------

year_flags = st.fixed_dictionaries({
    "rating": st.sampled_from([None, 0, 1, 2, 3, 2, 3]),
    "cstd": st.booleans(), "bkp": st.sampled_from([False, False, False, True]),
    "bktt": st.sampled_from([False, False, False, False, True]),
    "thematic": st.booleans(),
})
history = st.fixed_dictionaries({
    "years": st.lists(year_flags, min_size=0, max_size=14),
    "start": st.integers(min_value=2008, max_value=2016),
    "disc": st.one_of(st.none(), st.tuples(st.integers(0, 13), st.one_of(st.none(), st.integers(0, 3)))),
})


def _build(person, h):
    ids = dict(AwardType.objects.values_list("code", "pk"))
    for i, f in enumerate(h["years"]):
        y = h["start"] + i
        if f["rating"] is not None:
            DutyRating.objects.create(person=person, year=y, rating=f["rating"])
        basis = Basis.THEMATIC if f["thematic"] else Basis.MERIT
        for code, on in ((CSTD, f["cstd"]), (BKP, f["bkp"]), (BKTT, f["bktt"])):
            if on:
                AwardRecord.objects.create(person=person, award_type_id=ids[code], year=y, basis=basis,
                                           decision_number="1/QĐ-X", decision_date=date(y + 1, 1, 1), source="import")
    if h["disc"] is not None:
        start = date(h["start"] + h["disc"][0], 5, 1)
        end = None if h["disc"][1] is None else date(start.year + h["disc"][1], 6, 30)
        BlockerRecord.objects.create(person=person, kind=BlockerKind.DISCIPLINE, starts_on=start, ends_on=end)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(histories=st.lists(history, min_size=1, max_size=4), judge=st.integers(min_value=2014, max_value=2030))
def test_batch_equals_single(histories, judge):
    from django.db import transaction

    sid = transaction.savepoint()
    try:
        unit = Unit.objects.get(code="92")
        people = []
        for i, h in enumerate(histories):
            p = Person.objects.create(full_name=f"P{i}", unit=unit)
            _build(p, h)
            people.append(p.pk)
        rs = ruleset_for_year(judge)
        batch = elig.chains_batch(rs, year=judge, person_ids=people)
        for pid in people:
            single = elig.chains_single(rs, person_id=pid, year=judge)
            if pid not in batch:  # no rows at all for this person up to the year: nothing can be eligible
                assert not any(r.eligible for r in single.values())
                assert all(r.streak == 0 for r in single.values())
                continue
            assert batch[pid] == single, (pid, judge)
        # The same statement split into person ranges (UNION ALL of one branch per range) gives the same rows.
        mid = sorted(people)[len(people) // 2]
        assert _rows(rs, judge, people) == _rows(rs, judge, people, slices=[(min(people), mid), (mid, max(people) + 1)])
    finally:
        transaction.savepoint_rollback(sid)


def _rows(rs, year, people, slices=None):
    from django.db import connection

    facts, disc = elig.orm_facts_sql(rs, year=year, person_ids=people)
    with connection.cursor() as cur:
        cur.execute(elig.chain_batch_sql(rs, facts_sql=facts, disc_sql=disc, year=year, slices=slices))
        return sorted(cur.fetchall())


def test_batch_slices_judge_only_their_ranges():
    a, b, c = _person("A"), _person("B"), _person("C")
    for p in (a, b, c):
        _award(p, BKP, 2020)
        _good(p, range(2021, 2025))
    rs = ruleset_for_year(2024)
    people = [a.pk, b.pk, c.pk]
    whole = _rows(rs, 2024, people)
    assert [r[0] for r in whole] == sorted(people)
    assert _rows(rs, 2024, people, slices=[(a.pk, b.pk), (c.pk, c.pk + 1)]) == [r for r in whole if r[0] != b.pk]
    with pytest.raises(ValueError):
        elig.chain_batch_sql(rs, facts_sql="SELECT 1", disc_sql="SELECT 1", year=2024, slices=[])
