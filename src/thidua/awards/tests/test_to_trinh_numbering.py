"""The Tờ trình of a nomination issued with a register number (documents.services allocator): in the
proposing unit's register, symbol TTr-UBND, one sequence per calendar year; drafts stay unnumbered; a
re-issue keeps its number and date. Permission matrix on service, page and API; audit."""

from datetime import date

import pytest

from thidua.awards import services
from thidua.awards.models import NominationState
from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, InvalidState
from thidua.core.models import AuditEntry
from thidua.documents.models import NumberSequence, RegisteredNumber
from thidua.documents.tests.samples import docx_text
from thidua.organisations.models import ClusterYear, Unit

pytestmark = pytest.mark.django_db
FLAG = "co-thi-dua-chinh-phu"
CERT = "bang-khen-thu-tuong"


def _unit(code):
    return Unit.objects.get(code=code)


def _flag_2025(unit="01"):
    return services.nomination_create_from_conference(
        actor=SYSTEM, cluster_year_id=ClusterYear.objects.get(cluster__code="TPTW", year=2025).pk,
        unit_id=_unit(unit).pk, award_code=FLAG, vote_summary={"leading": True}, minutes_document_id=None)


def _text(issued) -> str:
    return docx_text(issued.docx_path)


def _last(unit_code, year):
    seq = NumberSequence.objects.filter(scope=f"unit:{_unit(unit_code).pk}", symbol="TTr-UBND", year=year).first()
    return seq.last_number if seq else 0


def test_issued_to_trinh_has_the_next_number_of_the_unit_register_printed_in_the_docx():
    n = _flag_2025()
    base = _last("01", 2026)
    made = services.nomination_issue_to_trinh(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 3, 2))
    doc = made.issued_document
    assert made.requirement == "to_trinh" and not made.signed
    assert doc.number == base + 1 and doc.symbol == f"Số: {base + 1:02d}/TTr-UBND"
    assert doc.symbol in _text(doc) and "TỜ TRÌNH" in _text(doc)
    entry = doc.register_entry
    assert (entry.scope, entry.symbol, entry.year, entry.document_key) == (
        f"unit:{_unit('01').pk}", "TTr-UBND", 2026, f"awards.nomination:{n.pk}/to-trinh")
    # the checklist still needs the signed scan
    from thidua.awards import selectors

    assert not next(i for i in selectors.checklist(n) if i.code == "to_trinh").done
    audit = AuditEntry.objects.get(action="awards.nomination.to_trinh_issued", object_id=str(n.pk))
    assert audit.payload["number"] == doc.symbol and audit.payload["reissue"] is False
    assert AuditEntry.objects.filter(action="documents.number.allocated", object_id=str(entry.pk)).exists()


def test_drafts_stay_unnumbered():
    n = _flag_2025()
    base = _last("01", 2026)
    drafts = services.nomination_generate_drafts(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 3, 2))
    tt = next(d for d in drafts if d.requirement == "to_trinh").issued_document
    assert tt.number is None and tt.register_entry_id is None
    assert "Số:      /TTr-UBND" in _text(tt)
    assert _last("01", 2026) == base


def test_reissue_keeps_number_and_date_and_the_next_nomination_takes_the_next_number(user_named):
    n = _flag_2025()
    first = services.nomination_issue_to_trinh(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 3, 2)).issued_document
    # returned and corrected, re-issued the next year: the same document, same number and date
    again = services.nomination_issue_to_trinh(actor=SYSTEM, nomination_id=n.pk, on=date(2027, 1, 5)).issued_document
    assert again.pk != first.pk
    assert (again.number, again.issued_on, again.register_entry_id) == (first.number, date(2026, 3, 2),
                                                                          first.register_entry_id)
    assert first.symbol in _text(again) and "ngày 02 tháng 3 năm 2026" in _text(again)
    assert AuditEntry.objects.filter(action="awards.nomination.to_trinh_issued", object_id=str(n.pk)).latest(
        "pk").payload["reissue"] is True
    other = services.nomination_create(actor=user_named("hanoi.canbo"), award_code=CERT, year=2025,
                                       proposing_unit_id=_unit("01").pk, nominee_unit_id=_unit("01").pk)
    nxt = services.nomination_issue_to_trinh(actor=SYSTEM, nomination_id=other.pk, on=date(2026, 3, 3)).issued_document
    assert nxt.number == first.number + 1
    # another unit has its own register
    own = services.nomination_create(actor=user_named("hcm.canbo"), award_code=CERT, year=2025,
                                     proposing_unit_id=_unit("79").pk, nominee_unit_id=_unit("79").pk)
    base79 = _last("79", 2026)
    d79 = services.nomination_issue_to_trinh(actor=SYSTEM, nomination_id=own.pk, on=date(2026, 3, 3)).issued_document
    assert d79.number == base79 + 1 and d79.register_entry.scope == f"unit:{_unit('79').pk}"
    assert RegisteredNumber.objects.filter(document_key=f"awards.nomination:{n.pk}/to-trinh").count() == 1


def test_issue_refused_outside_draft_or_returned_and_for_non_proposers(user_named):
    n = _flag_2025()
    for username in ("tw.canbo", "hcm.canbo"):
        with pytest.raises(Forbidden):
            services.nomination_issue_to_trinh(actor=user_named(username), nomination_id=n.pk)
    services.nomination_issue_to_trinh(actor=user_named("hanoi.lanhdao"), nomination_id=n.pk)
    n.state = NominationState.SUBMITTED
    n.save(update_fields=["state"])
    with pytest.raises(InvalidState) as exc:
        services.nomination_issue_to_trinh(actor=user_named("hanoi.canbo"), nomination_id=n.pk)
    assert exc.value.message == "Chỉ ban hành Tờ trình khi hồ sơ đang soạn hoặc bị trả lại."


@pytest.mark.parametrize("username,status,issued", [
    ("hanoi.canbo", 302, True), ("hanoi.lanhdao", 302, True), ("tw.canbo", 403, False), ("hcm.canbo", 403, False),
    ("ct.hoidong", 404, False), (None, 302, False)])
def test_issue_page_matrix(client_as, username, status, issued):
    n = _flag_2025()
    c = client_as(username)
    r = c.post(f"/awards/nominations/{n.pk}/to-trinh/")
    assert r.status_code == status
    assert RegisteredNumber.objects.filter(document_key=f"awards.nomination:{n.pk}/to-trinh").exists() == issued
    if issued:
        body = c.get(r["Location"]).content.decode()
        symbol = RegisteredNumber.objects.get(document_key=f"awards.nomination:{n.pk}/to-trinh")
        assert f"Đã ban hành Số: {symbol.number:02d}/TTr-UBND" in body
    if username in ("hanoi.canbo", "tw.canbo", "hcm.canbo"):
        detail = client_as(username).get(f"/awards/nominations/{n.pk}/").content.decode()
        assert ("Ban hành Tờ trình (cấp số)" in detail) == (username == "hanoi.canbo")


@pytest.mark.parametrize("username,status", [("hanoi.canbo", 201), ("tw.canbo", 403), ("hcm.canbo", 403),
                                             ("ct.hoidong", 404)])
def test_issue_api_matrix(api_as, username, status):
    n = _flag_2025()
    r = api_as(username).post(f"/api/v1/awards/nominations/{n.pk}/to-trinh")
    assert r.status_code == status
    if status == 201:
        body = r.json()
        assert body["requirement"] == "to_trinh" and body["symbol"] == f"Số: {body['number']:02d}/TTr-UBND"
        again = api_as(username).post(f"/api/v1/awards/nominations/{n.pk}/to-trinh").json()
        assert again["number"] == body["number"] and again["id"] != body["id"]
    else:
        assert set(r.json()) >= {"code", "message"}
