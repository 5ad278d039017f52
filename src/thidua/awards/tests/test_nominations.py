"""Nominations: creation (conference contract, unit), dossier checklist, uploads, submission refusals,
the workflow table as (role, state, action) → allowed, public comment on working days, decisions."""

from datetime import date

import pytest
from django.db import transaction

from thidua.awards import selectors, services
from thidua.awards.calendar import add_working_days
from thidua.awards.demo import scan_pdf
from thidua.awards.models import AwardRecord, BlockerKind, Nomination, NominationState, Person
from thidua.awards.workflow import TRANSITIONS
from thidua.core.actors import SYSTEM
from thidua.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from thidua.core.models import AuditEntry
from thidua.organisations.models import ClusterYear, Unit

pytestmark = pytest.mark.django_db
FLAG = "co-thi-dua-chinh-phu"


def _unit(code):
    return Unit.objects.get(code=code)


def _cy(year, code="TPTW"):
    return ClusterYear.objects.get(cluster__code=code, year=year)


def _complete(n):
    for item in selectors.checklist(n):
        if item.required and not item.done:
            services.nomination_upload_document(actor=SYSTEM, nomination_id=n.pk, requirement=item.code,
                                                filename="x.pdf", content=scan_pdf())


def _flag_2025(unit="01", actor=SYSTEM, leading=True):
    return services.nomination_create_from_conference(
        actor=actor, cluster_year_id=_cy(2025).pk, unit_id=_unit(unit).pk, award_code=FLAG,
        vote_summary={"leading": leading, "phiếu đồng ý": 5}, minutes_document_id=None)


def test_conference_contract_quota_and_idempotence():
    n = _flag_2025()
    assert n.state == NominationState.DRAFT and n.source == "conference" and n.proposing_unit.code == "01"
    assert _flag_2025().pk == n.pk  # same result confirmed twice: one nomination
    with pytest.raises(Conflict) as exc:
        _flag_2025("79")
    assert "Điều 25 khoản 2" in exc.value.message
    assert AuditEntry.objects.filter(action="awards.nomination.created_from_conference", object_id=str(n.pk)).exists()


def test_conference_contract_permissions(user_named):
    with pytest.raises(Forbidden):
        _flag_2025(actor=user_named("hcm.canbo"))  # not the 2025 secretariat nor the organiser
    assert _flag_2025(actor=user_named("tw.canbo")).pk


def test_old_regime_allowed_two_flags_per_cluster():
    cy = _cy(2020)
    taken = Nomination.objects.filter(cluster_year=cy, award_type__code=FLAG).count()
    assert taken == 2  # the demo: Hà Nội and TP HCM
    with pytest.raises(Conflict):
        services.nomination_create_from_conference(actor=SYSTEM, cluster_year_id=cy.pk, unit_id=_unit("48").pk,
                                                   award_code=FLAG, vote_summary={}, minutes_document_id=None)


def test_submission_refused_while_checklist_incomplete():
    n = _flag_2025()
    with pytest.raises(InvalidInput) as exc:
        services.nomination_submit(actor=SYSTEM, nomination_id=n.pk)
    fields = {d.field for d in exc.value.details}
    assert {"to_trinh", "bao_cao_thanh_tich", "bien_ban_hoi_dong", "bien_ban_binh_xet_cum"} <= fields
    _complete(n)
    assert services.nomination_submit(actor=SYSTEM, nomination_id=n.pk).state == NominationState.SUBMITTED


def test_submission_refused_for_a_blocked_nominee_with_citation():
    n = _flag_2025()
    _complete(n)
    services.blocker_record(actor=SYSTEM, kind=BlockerKind.AUDIT, unit_id=_unit("01").pk, starts_on=date(2026, 1, 5),
                            reference="Kiểm toán (thử)")
    with pytest.raises(InvalidInput) as exc:
        services.nomination_submit(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 2, 1))
    assert any("152/2025" in d.message and "kiểm toán" in d.message.lower() for d in exc.value.details)
    assert services.nomination_submit(actor=SYSTEM, nomination_id=n.pk, on=date(2025, 12, 1)).state == "submitted"


def test_not_leading_member_is_refused():
    n = _flag_2025(leading=False)
    _complete(n)
    with pytest.raises(InvalidInput) as exc:
        services.nomination_submit(actor=SYSTEM, nomination_id=n.pk)
    assert any("dẫn đầu" in d.message for d in exc.value.details)


def test_conference_winner_counts_as_leading_member():
    n = services.nomination_create_from_conference(
        actor=SYSTEM, cluster_year_id=_cy(2025).pk, unit_id=_unit("79").pk, award_code=FLAG,
        vote_summary={"ballot": 1, "title": "Suy tôn Cờ thi đua", "votes": 5, "basis_count": 6, "threshold": 4},
        minutes_document_id=None)
    _complete(n)
    assert services.nomination_submit(actor=SYSTEM, nomination_id=n.pk).state == "submitted"
    n.refresh_from_db()
    assert any("dẫn đầu" in r["message"] and r["ok"] for r in n.eligibility["reasons"])


def test_upload_checks_type_size_and_requirement():
    n = _flag_2025()
    for content, field in ((b"MZ\x90\x00 not a pdf", "file"), (b"", "file"), (b"%PDF-" + b"0" * (10 * 1024 * 1024), "file")):
        with pytest.raises(InvalidInput) as exc:
            services.nomination_upload_document(actor=SYSTEM, nomination_id=n.pk, requirement="to_trinh",
                                                filename="a.pdf", content=content)
        assert exc.value.details[0].field == field
    with pytest.raises(InvalidInput):
        services.nomination_upload_document(actor=SYSTEM, nomination_id=n.pk, requirement="khong-co",
                                            filename="a.pdf", content=scan_pdf())
    doc = services.nomination_upload_document(actor=SYSTEM, nomination_id=n.pk, requirement="to_trinh",
                                              filename="../../etc/passwd.pdf", content=b"\x89PNG\r\n\x1a\nabc")
    assert doc.content_type == "image/png" and doc.file_path.startswith("awards/") and ".." not in doc.file_path


def test_drafts_generated_with_the_document_engine():
    n = _flag_2025()
    docs = services.nomination_generate_drafts(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 3, 2))
    assert {d.requirement for d in docs} == {"to_trinh", "bao_cao_thanh_tich"}
    import docx

    from thidua.documents.storage import open_stored

    text = "\n".join(p.text for p in docx.Document(open_stored(docs[0].issued_document.docx_path)).paragraphs)
    assert "Cờ thi đua của Chính phủ" in text and "Thành phố Hà Nội" in text
    assert not any(i.done for i in selectors.checklist(n) if i.code == "to_trinh")  # a draft is not the signed scan


def test_duplicates_are_flagged():
    person = Person.objects.create(full_name="Trùng Lặp", unit=_unit("92"))
    a = services.nomination_create(actor=SYSTEM, award_code="bang-khen-thu-tuong", year=2025,
                                   proposing_unit_id=_unit("92").pk, nominee_person_id=person.pk)
    assert not a.duplicate_flag
    b = services.nomination_create(actor=SYSTEM, award_code="bang-khen-thu-tuong", year=2025,
                                   proposing_unit_id=_unit("92").pk, nominee_person_id=person.pk)
    a.refresh_from_db()
    assert a.duplicate_flag and b.duplicate_flag


def test_unit_proposes_only_its_own(user_named):
    hanoi = user_named("hanoi.canbo")
    with pytest.raises(Forbidden):
        services.nomination_create(actor=hanoi, award_code="giay-khen", year=2025, proposing_unit_id=_unit("79").pk,
                                   nominee_unit_id=_unit("79").pk)
    with pytest.raises(InvalidInput):
        services.nomination_create(actor=hanoi, award_code="giay-khen", year=2025, proposing_unit_id=_unit("01").pk,
                                   nominee_unit_id=_unit("79").pk)
    n = services.nomination_create(actor=hanoi, award_code="giay-khen", year=2025, proposing_unit_id=_unit("01").pk,
                                   nominee_unit_id=_unit("01").pk)
    assert n.source == "unit"


def test_public_comment_ten_working_days_with_holidays():
    # 2026-04-20 (Monday) + 10 working days, skipping 27/4 (Giỗ Tổ), 30/4 and 1/5: ends 06/05/2026.
    assert add_working_days(date(2026, 4, 20), 10) == date(2026, 5, 6)
    assert add_working_days(date(2026, 6, 1), 10) == date(2026, 6, 12)


def test_full_workflow_to_history_with_public_comment():
    n = _flag_2025()
    _complete(n)
    # Sent before the comment and the decision below (a decision dated before the dossier was sent is refused).
    services.nomination_submit(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 4, 1))
    services.nomination_receive(actor=SYSTEM, nomination_id=n.pk)
    services.nomination_appraise(actor=SYSTEM, nomination_id=n.pk, note="Đạt")
    with pytest.raises(InvalidState):
        services.nomination_submit_pm(actor=SYSTEM, nomination_id=n.pk)  # comment required first (NĐ 152/2025)
    n = services.nomination_open_comment(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 4, 20))
    # Counted from the day after the posting (Bộ luật Dân sự Đ147): 21/4 … 07/5 (27/4, 30/4, 1/5 are holidays).
    assert n.comment_until == date(2026, 5, 7)
    with pytest.raises(InvalidState):
        services.nomination_submit_pm(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 5, 7))
    services.nomination_submit_pm(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 5, 8))
    with pytest.raises(InvalidInput):
        services.nomination_decide(actor=SYSTEM, nomination_id=n.pk, decision_number="abc", decision_date=date(2026, 6, 1),
                                   signer="")
    n = services.nomination_decide(actor=SYSTEM, nomination_id=n.pk, decision_number="231/QĐ-TTg",
                                   decision_date=date(2026, 6, 1), signer="Thủ tướng Chính phủ")
    rec = AwardRecord.objects.get(nomination=n)
    assert rec.unit.code == "01" and rec.year == 2025 and rec.decision_number == "231/QĐ-TTg"
    n = services.nomination_mark_awarded(actor=SYSTEM, nomination_id=n.pk, awarded_on=date(2026, 6, 20))
    assert n.state == NominationState.AWARDED
    actions = set(AuditEntry.objects.filter(object_id=str(n.pk), object_type="awards.nomination")
                  .values_list("action", flat=True))
    assert {f"awards.nomination.{a}" for a in ("submit", "receive", "appraise", "open_comment", "submit_pm", "decide",
                                                "award")} <= actions


def test_return_needs_a_reason_and_allows_resubmission():
    n = _flag_2025()
    _complete(n)
    services.nomination_submit(actor=SYSTEM, nomination_id=n.pk)
    with pytest.raises(InvalidInput):
        services.nomination_return(actor=SYSTEM, nomination_id=n.pk, reason="  ")
    n = services.nomination_return(actor=SYSTEM, nomination_id=n.pk, reason="Thiếu số liệu thu ngân sách")
    assert n.state == "returned" and n.returned_reason
    assert services.nomination_submit(actor=SYSTEM, nomination_id=n.pk).state == "submitted"


# --- The state machine as a table ----------------------------------------------------------------------

ROLES = {"hanoi.canbo": "proposer", "hanoi.lanhdao": "proposer", "tw.canbo": "central", "hcm.canbo": None,
         "tw.lanhdao": None, "ct.hoidong": None}
KWARGS = {"withdraw": {"reason": "Rút"}, "return": {"reason": "Bổ sung"},
          "decide": {"decision_number": "231/QĐ-TTg", "decision_date": date(2026, 6, 1), "signer": "Thủ tướng"},
          "open_comment": {"on": date(2026, 4, 20)}, "submit_pm": {"on": date(2026, 6, 1)}}


def _expected(role_kind, state, action):
    t = TRANSITIONS[action]
    if role_kind != t.who:
        return "forbidden"
    if state not in t.sources:
        return "state"
    if action == "submit_pm" and state == NominationState.APPRAISED:
        return "state"  # the Flag needs the public comment window first under NĐ 152/2025
    return "ok"


def test_workflow_matrix(user_named):
    n = _flag_2025()
    _complete(n)
    mismatches = []
    for username, role_kind in ROLES.items():
        user = user_named(username)
        for state in NominationState.values:
            for action, service in services.SERVICE_FOR_ACTION.items():
                sid = transaction.savepoint()
                Nomination.objects.filter(pk=n.pk).update(state=state, comment_from=date(2026, 4, 20),
                                                          comment_until=date(2026, 5, 6))
                try:
                    service(actor=user, nomination_id=n.pk, **KWARGS.get(action, {}))
                    got = "ok"
                except (Forbidden, NotFound):
                    got = "forbidden"
                except InvalidState:
                    got = "state"
                finally:
                    transaction.savepoint_rollback(sid)
                want = _expected(role_kind, state, action)
                if got != want:
                    mismatches.append((username, state, action, got, want))
    assert mismatches == []


def test_demo_2020_results_reach_the_history():
    cy = _cy(2020)
    noms = Nomination.objects.filter(cluster_year=cy).select_related("award_type", "nominee_unit")
    got = {(n.nominee_unit.code, n.award_type.code, n.state) for n in noms}
    assert got == {("01", FLAG, "awarded"), ("79", FLAG, "awarded"), ("92", "bang-khen-thu-tuong", "awarded"),
                   ("31", "bang-khen-thu-tuong", "awarded")}
    assert all(n.eligibility["ruleset_code"] == "law2003" for n in noms)
    assert all("minh họa" in n.decision_note for n in noms)
    assert AwardRecord.objects.filter(nomination__cluster_year=cy).count() == 4


def test_demo_2014_judged_by_the_old_regime():
    noms = Nomination.objects.filter(cluster_year=_cy(2014))
    assert noms.count() == 4
    v = selectors.eligibility_check(award_code=FLAG, year=2014, unit_id=_unit("92").pk, cluster_year=_cy(2014),
                                    exclude_nomination_id=noms.first().pk)
    assert v.ruleset_code == "law2003"


def test_demo_nominee_under_inspection_is_refused():
    minh = Person.objects.get(national_id="048090000001")
    n = Nomination.objects.get(nominee_person=minh)
    assert n.state == NominationState.DRAFT
    with pytest.raises(InvalidInput) as exc:
        services.nomination_submit(actor=SYSTEM, nomination_id=n.pk, on=date(2025, 11, 3))
    assert any("thanh tra" in d.message and "152/2025" in d.message for d in exc.value.details)
    v = selectors.eligibility_check(award_code="bang-khen-thu-tuong", year=2024, person_id=minh.pk, on=date(2025, 9, 1))
    assert v.eligible  # the chain itself is met: only the inspection blocks
