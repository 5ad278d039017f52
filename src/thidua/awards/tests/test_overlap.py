"""One achievement rewarded once (Law Đ5 k2) across two different awards: the same nominee and achievement year
proposed for two commendations is flagged, with the citation, and submission is refused when the rule set says
so (an UNCONFIRMED rule: the central board may switch it to flag only)."""

import pytest

from thidua.awards import selectors, services
from thidua.awards.demo import scan_pdf
from thidua.awards.models import Nomination, NominationState
from thidua.core.actors import SYSTEM
from thidua.core.errors import InvalidInput
from thidua.core.models import AuditEntry
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db
CERT_PM, CERT_PROV = "bang-khen-thu-tuong", "bang-khen-cap-bo-tinh"


def _person(unit="01"):
    return services.person_create(actor=SYSTEM, full_name="Lê Văn Thử (minh họa)", unit_id=Unit.objects.get(code=unit).pk)


def _propose(person, award, year=2025):
    return services.nomination_create(actor=SYSTEM, award_code=award, year=year, proposing_unit_id=person.unit_id,
                                      nominee_person_id=person.pk)


def _complete(n):
    for item in selectors.checklist(n):
        if item.required and not item.done:
            services.nomination_upload_document(actor=SYSTEM, nomination_id=n.pk, requirement=item.code,
                                                filename="x.pdf", content=scan_pdf())


def _submit_problems(n):
    with pytest.raises(InvalidInput) as exc:
        services.nomination_submit(actor=SYSTEM, nomination_id=n.pk)
    return [d.message for d in exc.value.details]


def test_two_commendations_for_the_same_achievement_are_flagged_with_the_citation():
    p = _person()
    first = _propose(p, CERT_PROV)
    assert not first.overlap_flag
    second = _propose(p, CERT_PM)
    first.refresh_from_db()
    assert second.overlap_flag and first.overlap_flag and not second.duplicate_flag
    entry = AuditEntry.objects.get(action="awards.nomination.overlap_flagged", object_id=str(second.pk))
    assert entry.payload["others"] == [first.pk] and "Điều 5 khoản 2" in entry.payload["legal_basis"]
    v = selectors.eligibility_check(award_code=CERT_PM, year=2025, person_id=p.pk, exclude_nomination_id=second.pk)
    bad = [r for r in v.reasons if r.rule == "one_achievement_two_awards"]
    assert len(bad) == 1 and not bad[0].ok and "Điều 5 khoản 2" in bad[0].citation and bad[0].status == "UNCONFIRMED"
    assert f"hồ sơ số {first.pk}" in bad[0].message
    assert "chọn một hình thức cho thành tích năm 2025" in v.missing


def test_submission_refused_while_the_rule_says_refuse_and_allowed_when_set_to_flag(user_named):
    p = _person()
    first = _propose(p, CERT_PROV)
    second = _propose(p, CERT_PM)
    _complete(second)
    problems = _submit_problems(second)
    assert any("Cùng thành tích năm 2025 đang được đề nghị" in m and "Điều 5 khoản 2" in m for m in problems)
    services.rule_override_set(actor=user_named("tw.canbo"), ruleset_code="law2022-nd152",
                               rule_code="one_achievement_two_awards", params={"action": "flag"},
                               legal_basis="Hướng dẫn của Ban (thử)", reason="Chỉ cảnh báo trong năm đầu")
    problems = _submit_problems(second)  # the person's chain is still incomplete, but not this reason
    assert not any("Cùng thành tích" in m for m in problems)
    v = selectors.eligibility_check(award_code=CERT_PM, year=2025, person_id=p.pk, exclude_nomination_id=second.pk)
    flagged = [r for r in v.reasons if r.rule == "one_achievement_two_awards"]
    assert flagged[0].ok and flagged[0].citation == "Hướng dẫn của Ban (thử)"
    # withdrawing the other proposal lifts the overlap
    services.nomination_withdraw(actor=SYSTEM, nomination_id=first.pk, reason="Chọn Bằng khen Thủ tướng")
    v = selectors.eligibility_check(award_code=CERT_PM, year=2025, person_id=p.pk, exclude_nomination_id=second.pk)
    assert not [r for r in v.reasons if r.rule == "one_achievement_two_awards"]


def test_a_title_and_a_commendation_or_another_year_do_not_overlap():
    p = _person()
    _propose(p, "chien-si-thi-dua-co-so")
    n = _propose(p, CERT_PROV)
    assert not n.overlap_flag
    other_year = _propose(p, CERT_PM, year=2024)
    assert not other_year.overlap_flag
    same_award = _propose(p, CERT_PROV)
    assert same_award.duplicate_flag and not same_award.overlap_flag


def test_collectives_overlap_too_and_pages_show_it(client_as):
    unit = Unit.objects.get(code="79")
    a = services.nomination_create(actor=SYSTEM, award_code=CERT_PROV, year=2025, proposing_unit_id=unit.pk,
                                   nominee_unit_id=unit.pk)
    b = services.nomination_create(actor=SYSTEM, award_code=CERT_PM, year=2025, proposing_unit_id=unit.pk,
                                   nominee_unit_id=unit.pk)
    assert Nomination.objects.filter(pk__in=[a.pk, b.pk], overlap_flag=True).count() == 2
    c = client_as("hcm.canbo")
    assert "cùng thành tích, hình thức khác" in c.get("/awards/", {"state": NominationState.DRAFT}).content.decode()
    body = c.get(f"/awards/nominations/{b.pk}/").content.decode()
    assert "Cùng thành tích đang được đề nghị hình thức khác" in body and f"/awards/nominations/{a.pk}/" in body
    assert "Điều 5 khoản 2" in body


def test_the_old_regime_reads_its_own_law():
    p = _person()
    _propose(p, CERT_PROV, year=2014)
    n = _propose(p, CERT_PM, year=2014)
    v = selectors.eligibility_check(award_code=CERT_PM, year=2014, person_id=p.pk, exclude_nomination_id=n.pk)
    r = next(r for r in v.reasons if r.rule == "one_achievement_two_awards")
    assert v.ruleset_code == "law2003" and "Luật TĐKT 2003 Điều 6" in r.citation


def test_a_year_no_rule_set_covers_does_not_crash(client_as):
    p = _person()
    n = _propose(p, CERT_PROV, year=2000)
    assert not n.overlap_flag
    v = selectors.eligibility_check(award_code=CERT_PROV, year=2000, person_id=p.pk)
    assert not v.eligible and "Chưa có bộ quy tắc nào áp dụng cho năm 2000." in v.reasons[0].message
    assert client_as("hanoi.canbo").get(f"/awards/nominations/{n.pk}/").status_code == 200
