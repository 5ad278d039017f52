"""The register number allocator: one sequence per (issuer scope, symbol, year), numbers given inside the
issuing transaction, held unique by the database, kept by a re-issue of the same logical document."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from thidua.core.actors import SYSTEM
from thidua.core.models import AuditEntry
from thidua.documents.models import IssuedDocument, NumberSequence, RegisteredNumber
from thidua.documents.services import (
    Numbering,
    cluster_scope,
    document_issue,
    document_key_of,
    number_allocate,
    register_symbol,
    unit_scope,
)
from thidua.documents.spec import OfficialDocument, Paragraph
from thidua.documents.tests.samples import docx_text
from thidua.organisations.models import ClusterYear

pytestmark = pytest.mark.django_db


def alloc(key: str, *, scope="test:numbering", symbol="BC-CTĐ", year=2021) -> RegisteredNumber:
    return number_allocate(actor=SYSTEM, scope=scope, symbol=symbol, year=year, document_key=key)


def test_numbers_are_consecutive_per_register_and_registers_are_independent():
    assert [alloc(f"doc:{i}").number for i in range(1, 4)] == [1, 2, 3]
    # Another symbol, another year, another issuer: each starts at 1.
    assert alloc("doc:1", symbol="BB-CTĐ").number == 1
    assert alloc("doc:1", year=2022).number == 1
    assert alloc("doc:1", scope="test:other").number == 1
    assert alloc("doc:4").number == 4
    seq = NumberSequence.objects.get(scope="test:numbering", symbol="BC-CTĐ", year=2021)
    assert seq.last_number == 4


def test_the_same_logical_document_keeps_its_number():
    first = alloc("conference.conference:7")
    alloc("conference.conference:8")
    again = alloc("conference.conference:7")
    assert again.pk == first.pk and again.number == 1
    assert NumberSequence.objects.get(scope="test:numbering", symbol="BC-CTĐ", year=2021).last_number == 2
    # Only a new number is audited (once per logical document).
    entries = AuditEntry.objects.filter(action="documents.number.allocated", payload__scope="test:numbering")
    assert entries.count() == 2


def test_a_rolled_back_issue_gives_its_number_back():
    alloc("doc:1")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert alloc("doc:2").number == 2
        raise RuntimeError("the issue failed after the number was taken")
    assert alloc("doc:3").number == 2


def test_the_database_refuses_a_number_given_twice_or_a_second_number_for_one_document():
    entry = alloc("doc:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisteredNumber.objects.create(scope=entry.scope, symbol=entry.symbol, year=entry.year, number=1,
                                        document_key="doc:other")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisteredNumber.objects.create(scope=entry.scope, symbol=entry.symbol, year=entry.year, number=2,
                                        document_key="doc:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisteredNumber.objects.create(scope=entry.scope, symbol=entry.symbol, year=entry.year, number=0,
                                        document_key="doc:zero")
    with pytest.raises(IntegrityError), transaction.atomic():
        NumberSequence.objects.create(scope=entry.scope, symbol=entry.symbol, year=entry.year)


def test_bad_register_is_refused():
    with pytest.raises(ValueError):
        alloc("")
    with pytest.raises(ValueError):
        alloc("doc:1", scope="")


def test_helpers():
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2020)
    assert cluster_scope(cy.cluster_id) == f"cluster:{cy.cluster_id}"
    assert unit_scope(5) == "unit:5"
    assert document_key_of(cy) == f"organisations.clusteryear:{cy.pk}"
    assert document_key_of(cy, "ket-qua") == f"organisations.clusteryear:{cy.pk}/ket-qua"
    assert register_symbol("bao_cao", "CTĐ") == "BC-CTĐ"
    assert register_symbol("to_trinh", "") == "TTr"


def _spec(d=date(2021, 4, 9)):
    return OfficialDocument(issuer_parent="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG",
                            issuer="CỤM THI ĐUA CÁC THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG", type_key="thong_bao",
                            number=None, issuer_code="CTĐ", place="Hà Nội", date=d, title="THÔNG BÁO",
                            blocks=[Paragraph("Nội dung.")], show_number=False)


def _docx_text(doc: IssuedDocument) -> str:
    return docx_text(doc.docx_path)


def test_document_issue_numbers_prints_and_links_the_register_entry():
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2020)
    numbering = Numbering(scope=cluster_scope(cy.cluster_id), document_key=document_key_of(cy, "thong-bao"))
    existing = NumberSequence.objects.filter(scope=numbering.scope, symbol="TB-CTĐ", year=2021).first()
    base = existing.last_number if existing else 0
    doc = document_issue(actor=SYSTEM, spec=_spec(), obj=cy, cluster_year=cy, with_pdf=False, numbering=numbering)
    assert doc.number == base + 1 and doc.symbol == f"Số: {base + 1:02d}/TB-CTĐ"
    assert doc.symbol in _docx_text(doc)
    assert doc.register_entry.document_key == numbering.document_key and doc.register_entry.year == 2021
    # A corrected re-issue: a new version in the register, same number.
    again = document_issue(actor=SYSTEM, spec=_spec(), obj=cy, cluster_year=cy, with_pdf=False, numbering=numbering)
    assert again.pk != doc.pk and again.number == doc.number and again.register_entry_id == doc.register_entry_id
    assert list(doc.register_entry.versions.order_by("id")) == [doc, again]
    # The year of the document's date picks the register.
    later = document_issue(actor=SYSTEM, spec=_spec(date(2022, 1, 5)), obj=cy, cluster_year=cy, with_pdf=False,
                           numbering=numbering)
    assert later.register_entry.year == 2022 and later.register_entry_id != doc.register_entry_id
    entry = AuditEntry.objects.filter(action="documents.document.issued").order_by("-id").first()
    assert entry.payload["number"] == later.symbol


def _old_numbered(cy, obj_id: str, number: int, d=date(2030, 5, 1)) -> IssuedDocument:
    """A document numbered before the register existed (as the conference did until then)."""
    return IssuedDocument.objects.create(type_key="bien_ban", title="BIÊN BẢN", number=number,
                                         symbol=f"Số: {number:02d}/BB-CTĐ", issued_on=d, cluster_year=cy,
                                         object_type="conference.ballot", object_id=obj_id, docx_path="x.docx",
                                         docx_sha256="0" * 64)


def test_migration_backfills_numbers_given_before_the_register():
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("thidua.documents.migrations.0002_number_register").backfill
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2020)
    a, a2, b = _old_numbered(cy, "901", 1), _old_numbered(cy, "901", 1), _old_numbered(cy, "902", 2)
    backfill(apps, None)
    for d in (a, a2, b):
        d.refresh_from_db()
    assert a.register_entry_id == a2.register_entry_id and a.register_entry.number == 1
    assert (b.register_entry.number, b.register_entry.symbol, b.register_entry.year) == (2, "BB-CTĐ", 2030)
    assert b.register_entry.scope == cluster_scope(cy.cluster_id)
    assert b.register_entry.document_key == "conference.ballot:902"
    # The next allocation continues after the highest number found.
    assert number_allocate(actor=SYSTEM, scope=cluster_scope(cy.cluster_id), symbol="BB-CTĐ", year=2030,
                           document_key="conference.ballot:903").number == 3
    # Two documents that were given the same number are reported, not silently renumbered.
    _old_numbered(cy, "904", 3)
    with pytest.raises(RuntimeError, match="đã cấp cho hai văn bản"):
        backfill(apps, None)
