"""Registration (member scope, secretariat review) and signing (exact document version, freeze, seal)."""

from __future__ import annotations

import pytest

from thidua.core.actors import SYSTEM
from thidua.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from thidua.covenant import selectors
from thidua.covenant import services as svc
from thidua.covenant.models import (
    CriteriaSetStatus,
    CycleState,
    Method,
    Registration,
    RegistrationStatus,
    Signature,
    YearCycle,
)
from thidua.organisations.models import ClusterYear, Unit

pytestmark = pytest.mark.django_db


def unit(code):
    return Unit.objects.get(code=code).pk


@pytest.fixture
def open2015(user_named):
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2015)
    sec = user_named("hanoi.canbo")
    cs = svc.criteria_set_copy_previous(actor=sec, cluster_year_id=cy.pk)
    svc.cycle_transition(actor=sec, cluster_year_id=cy.pk, action="open_registration")
    cy.cs = cs
    return cy


def _targets(cy):
    cs = selectors.current_criteria_set(cluster_year=cy)
    return {c.pk: "12,5" for c in selectors.criteria_of(criteria_set=cs) if c.method == Method.QUANTITATIVE}


def _register(cy, actor, code):
    svc.registration_save(actor=actor, cluster_year_id=cy.pk, unit_id=unit(code), targets=_targets(cy),
                          campaigns=[{"title": "Năm Doanh nghiệp 2015"}], commitments=[{"text": "Cam kết"}])
    return svc.registration_submit(actor=actor, cluster_year_id=cy.pk, unit_id=unit(code))


def test_registration_cannot_start_before_registration_opens(user_named):
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2015)
    svc.cycle_ensure(actor=SYSTEM, cluster_year_id=cy.pk)
    with pytest.raises(InvalidState):
        svc.registration_save(actor=user_named("haiphong.canbo"), cluster_year_id=cy.pk, unit_id=unit("31"),
                              campaigns=[{"title": "x"}])


def test_member_registers_secretariat_returns_then_accepts(open2015, user_named):
    officer, sec = user_named("haiphong.canbo"), user_named("hanoi.canbo")
    with pytest.raises(InvalidInput) as exc:
        svc.registration_submit(actor=officer, cluster_year_id=open2015.pk, unit_id=unit("31"))
    assert "Chưa đăng ký chỉ tiêu" in exc.value.message
    with pytest.raises(InvalidInput):
        svc.registration_save(actor=officer, cluster_year_id=open2015.pk, unit_id=unit("31"),
                              targets={next(iter(_targets(open2015))): "abc"})
    reg = _register(open2015, officer, "31")
    assert reg.status == RegistrationStatus.SUBMITTED
    assert {str(t.target_value) for t in selectors.targets_of(cluster_year=open2015).filter(unit_id=unit("31"))} == {"12.5000"}
    with pytest.raises(InvalidState):
        svc.registration_save(actor=officer, cluster_year_id=open2015.pk, unit_id=unit("31"), campaigns=[{"title": "y"}])
    with pytest.raises(InvalidInput):
        svc.registration_return(actor=sec, registration_id=reg.pk, reason=" ")
    with pytest.raises(Forbidden):
        svc.registration_accept(actor=officer, registration_id=reg.pk)
    reg = svc.registration_return(actor=sec, registration_id=reg.pk, reason="Bổ sung chỉ tiêu xuất khẩu")
    assert reg.status == RegistrationStatus.RETURNED and reg.return_reason == "Bổ sung chỉ tiêu xuất khẩu"
    _register(open2015, officer, "31")
    reg = svc.registration_accept(actor=sec, registration_id=reg.pk)
    assert reg.status == RegistrationStatus.ACCEPTED
    from thidua.core.models import AuditEntry

    actions = list(AuditEntry.objects.filter(object_type="covenant.registration", object_id=str(reg.pk))
                   .values_list("action", flat=True))
    assert actions.count("covenant.registration.submitted") == 2 and "covenant.registration.returned" in actions


def test_member_a_never_reads_or_changes_member_b(open2015, user_named):
    _register(open2015, user_named("haiphong.canbo"), "31")
    reg = Registration.objects.get(cluster_year=open2015, unit_id=unit("31"))
    danang = user_named("danang.canbo")
    with pytest.raises(NotFound):
        svc.registration_save(actor=danang, cluster_year_id=open2015.pk, unit_id=unit("31"), campaigns=[{"title": "x"}])
    with pytest.raises(NotFound):
        svc.registration_submit(actor=danang, cluster_year_id=open2015.pk, unit_id=unit("31"))
    with pytest.raises(NotFound):
        svc.registration_accept(actor=danang, registration_id=reg.pk)
    with pytest.raises(NotFound):
        selectors.registration_get(user=danang, cluster_year=open2015, unit_id=unit("31"))
    assert list(selectors.registrations_for(user=danang, cluster_year=open2015)) == []
    # A draft is not even visible to the secretariat; the submitted one is.
    svc.registration_save(actor=danang, cluster_year_id=open2015.pk, unit_id=unit("48"), campaigns=[{"title": "Đà Nẵng"}])
    seen = {r.unit_id for r in selectors.registrations_for(user=user_named("hanoi.canbo"), cluster_year=open2015)}
    assert unit("31") in seen and unit("48") not in seen
    assert selectors.registration_get(user=danang, cluster_year=open2015, unit_id=unit("48")).campaigns.get().title == "Đà Nẵng"


def _all_accepted(cy):
    from thidua.covenant.access import member_unit_ids

    for unit_id in member_unit_ids(cy):
        code = Unit.objects.get(pk=unit_id).code
        _register(cy, SYSTEM, code)
        svc.registration_accept(actor=SYSTEM, registration_id=Registration.objects.get(cluster_year=cy, unit_id=unit_id).pk)


def test_signing_records_exact_version_and_freezes_when_all_signed(open2015, user_named):
    with pytest.raises(InvalidState):  # registrations not accepted yet
        svc.covenant_document_issue(actor=user_named("hanoi.canbo"), cluster_year_id=open2015.pk, with_pdf=False)
    _all_accepted(open2015)
    with pytest.raises(Forbidden):
        svc.covenant_document_issue(actor=user_named("haiphong.canbo"), cluster_year_id=open2015.pk, with_pdf=False)
    doc = svc.covenant_document_issue(actor=user_named("hanoi.canbo"), cluster_year_id=open2015.pk, with_pdf=False)
    leader = user_named("hanoi.lanhdao")
    with pytest.raises(Forbidden):  # an officer of the unit is not its leader
        svc.signature_confirm(actor=user_named("hanoi.canbo"), cluster_year_id=open2015.pk, unit_id=unit("01"),
                              document_sha256=doc.docx_sha256)
    with pytest.raises(NotFound):  # another member's leader
        svc.signature_confirm(actor=user_named("hcm.lanhdao"), cluster_year_id=open2015.pk, unit_id=unit("01"),
                              document_sha256=doc.docx_sha256)
    with pytest.raises(Conflict):
        svc.signature_confirm(actor=leader, cluster_year_id=open2015.pk, unit_id=unit("01"), document_sha256="0" * 64)
    sig = svc.signature_confirm(actor=leader, cluster_year_id=open2015.pk, unit_id=unit("01"),
                                document_sha256=doc.docx_sha256, scan=b"%PDF-1.4 scan", scan_name="giao-uoc.pdf")
    assert sig.signed_by == leader and sig.document_sha256 == doc.docx_sha256 and not sig.signed_by_system
    assert len(sig.scan_sha256) == 64 and sig.scan_path.startswith("covenant-scans/")
    with pytest.raises(Conflict):
        svc.signature_confirm(actor=leader, cluster_year_id=open2015.pk, unit_id=unit("01"),
                              document_sha256=doc.docx_sha256)
    with pytest.raises(InvalidState):  # signed already: cannot go back to draft
        svc.cycle_transition(actor=SYSTEM, cluster_year_id=open2015.pk, action="back_to_draft", reason="x")
    # Regenerating the document after a change: the signature on the older version no longer counts.
    from datetime import date

    svc.cycle_set_deadlines(actor=SYSTEM, cluster_year_id=open2015.pk, conference_date=date(2016, 3, 24))
    new = svc.covenant_document_issue(actor=SYSTEM, cluster_year_id=open2015.pk, with_pdf=False)
    assert new.docx_sha256 != doc.docx_sha256
    assert unit("01") in svc.unsigned_members(open2015)
    with pytest.raises(Conflict):
        svc.signature_confirm(actor=leader, cluster_year_id=open2015.pk, unit_id=unit("01"),
                              document_sha256=doc.docx_sha256)
    for unit_id in svc.unsigned_members(open2015):
        svc.signature_confirm(actor=SYSTEM, cluster_year_id=open2015.pk, unit_id=unit_id,
                              document_sha256=new.docx_sha256)
    cs = open2015.cs
    cs.refresh_from_db()
    assert cs.status == CriteriaSetStatus.FROZEN and cs.frozen_at is not None
    assert YearCycle.objects.get(cluster_year=open2015).state == CycleState.COVENANT_SIGNED
    assert Signature.objects.filter(document=new, signed_by_system=True).count() == 5


def test_stale_document_cannot_be_signed(open2015, user_named):
    _all_accepted(open2015)
    doc = svc.covenant_document_issue(actor=SYSTEM, cluster_year_id=open2015.pk, with_pdf=False)
    reg = Registration.objects.get(cluster_year=open2015, unit_id=unit("31"))
    svc.registration_return(actor=SYSTEM, registration_id=reg.pk, reason="Sửa chỉ tiêu")
    with pytest.raises(InvalidState) as exc:
        svc.signature_confirm(actor=user_named("hanoi.lanhdao"), cluster_year_id=open2015.pk, unit_id=unit("01"),
                              document_sha256=doc.docx_sha256)
    assert "lập lại" in exc.value.message


def test_amendment_is_resigned_and_supersedes():
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2025)
    old = selectors.current_criteria_set(cluster_year=cy)
    amendment = svc.amendment_create(actor=SYSTEM, cluster_year_id=cy.pk, reason="Điều chỉnh điểm")
    doc = svc.covenant_document_issue(actor=SYSTEM, cluster_year_id=cy.pk, with_pdf=False)
    assert selectors.current_criteria_set(cluster_year=cy) == old
    for unit_id in svc.unsigned_members(cy, amendment.criteria_set):
        svc.signature_confirm(actor=SYSTEM, cluster_year_id=cy.pk, unit_id=unit_id, document_sha256=doc.docx_sha256)
    old.refresh_from_db()
    assert old.status == CriteriaSetStatus.SUPERSEDED
    assert selectors.current_criteria_set(cluster_year=cy) == amendment.criteria_set
    assert selectors.targets_of(cluster_year=cy).count() == 6 * 5
    assert YearCycle.objects.get(cluster_year=cy).state == CycleState.COVENANT_SIGNED


def test_bad_scan_is_rejected(open2015):
    _all_accepted(open2015)
    doc = svc.covenant_document_issue(actor=SYSTEM, cluster_year_id=open2015.pk, with_pdf=False)
    with pytest.raises(InvalidInput):
        svc.signature_confirm(actor=SYSTEM, cluster_year_id=open2015.pk, unit_id=unit("01"),
                              document_sha256=doc.docx_sha256, scan=b"<html>not a scan</html>")
    assert not Signature.objects.filter(document=doc).exists()


def test_plan_document_is_issued_by_the_secretariat_only(user_named):
    import io

    import docx

    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2021)
    with pytest.raises(Forbidden):
        svc.plan_document_issue(actor=user_named("danang.canbo"), cluster_year_id=cy.pk, with_pdf=False)
    with pytest.raises(NotFound):
        svc.plan_document_issue(actor=user_named("ct.stc.canbo"), cluster_year_id=cy.pk, with_pdf=False)
    doc = svc.plan_document_issue(actor=user_named("hcm.canbo"), cluster_year_id=cy.pk, with_pdf=False)
    from thidua.documents.storage import open_stored

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(open_stored(doc.docx_path).read_bytes())).paragraphs)
    assert doc.type_key == "ke_hoach" and "KẾ HOẠCH" in text and "TỔ CHỨC THỰC HIỆN" in text
    # Numbered in the cluster's KH-CTĐ register; a re-issue (e.g. after a deadline changes) keeps its number.
    assert doc.symbol.endswith("/KH-CTĐ") and doc.register_entry.number >= 1
    d = docx.Document(io.BytesIO(open_stored(doc.docx_path).read_bytes()))
    header = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert doc.symbol in header
    again = svc.plan_document_issue(actor=user_named("hcm.canbo"), cluster_year_id=cy.pk, with_pdf=False)
    assert again.pk != doc.pk and again.symbol == doc.symbol


def test_scan_download_is_scoped(client_as, user_named):
    from django.urls import reverse

    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2021)
    sig = Signature.objects.filter(cluster_year=cy, unit_id=unit("48")).first()
    with pytest.raises(NotFound):  # another organiser's officer
        svc.signature_attach_scan(actor=user_named("ct.stc.canbo"), signature_id=sig.pk, scan=b"%PDF-1.4 x")
    with pytest.raises(NotFound):  # another member cannot attach to Đà Nẵng's signature
        svc.signature_attach_scan(actor=user_named("haiphong.canbo"), signature_id=sig.pk, scan=b"%PDF-1.4 x")
    svc.signature_attach_scan(actor=user_named("danang.canbo"), signature_id=sig.pk, scan=b"%PDF-1.4 scan", scan_name="gu.pdf")
    url = reverse("covenant:signature_scan", args=[sig.pk])
    r = client_as("tw.lanhdao").get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 scan"
    assert client_as("ct.stc.canbo").get(url).status_code == 404
