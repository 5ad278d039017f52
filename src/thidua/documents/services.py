"""Issuing official documents: number, render, store, register, audit.

Numbering (Số của văn bản, NĐ 30/2020/NĐ-CP Điều 15): a document's number is its order among the documents
its issuer registers in a calendar year; the decree lets each issuer number per type of document or for all
types together (recalled, not re-read: which one an issuer uses is data, the ``symbol`` of the register).
Here a register is (issuer scope, symbol, year), e.g. ("cluster:3", "BB-CTĐ", 2015): the Biên bản of one
cluster in 2015. ``number_allocate`` gives the next number inside the caller's transaction; the database
holds the two rules (a number is given once per register, a logical document has one number per register),
so a bug or a race can fail an issue but never produce two documents with the same number.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import connection, models, transaction

from thidua.core.audit import audit_record, object_ref
from thidua.documents.docx_render import render_docx
from thidua.documents.formats import type_code
from thidua.documents.models import Audience, IssuedDocument, NumberSequence, RegisteredNumber
from thidua.documents.pdf import docx_to_pdf, pdf_available
from thidua.documents.spec import OfficialDocument
from thidua.documents.storage import store_bytes


def cluster_scope(cluster_id: int) -> str:
    """The register of documents a cluster or block issues in its own name (Cụm thi đua, "CTĐ")."""
    return f"cluster:{cluster_id}"


def unit_scope(unit_id: int) -> str:
    """The register of documents a unit issues in its own name (e.g. a city's UBND)."""
    return f"unit:{unit_id}"


def document_key_of(obj: models.Model, suffix: str = "") -> str:
    """The logical document for numbering: the object it is about, plus a suffix when one object has several
    documents of the same type ("conference.conference:3", "conference.conference:3/ket-qua")."""
    object_type, object_id = object_ref(obj)
    return f"{object_type}:{object_id}" + (f"/{suffix}" if suffix else "")


def register_symbol(type_key: str, issuer_code: str) -> str:
    """The symbol a register numbers: "BB-CTĐ" (type code, issuer code)."""
    code = type_code(type_key)
    return f"{code}-{issuer_code}" if issuer_code else code


@dataclass(frozen=True)
class Numbering:
    """How `document_issue` numbers a document: in the register of ``scope`` for the symbol of the
    document and the year of its date, as the logical document ``document_key``."""

    scope: str
    document_key: str


def number_allocate(*, actor, scope: str, symbol: str, year: int, document_key: str) -> RegisteredNumber:
    """The number of `document_key` in the register (scope, symbol, year): the one it already has (a re-issue
    keeps its number), else the next one. Must run inside the caller's transaction, which holds the register's
    lock until it commits: numbers are consecutive, and a rolled-back issue gives its number back."""
    if not connection.in_atomic_block:
        raise RuntimeError("number_allocate must run inside the issuing transaction.")
    if not (scope and symbol and document_key) or year < 1:
        raise ValueError("Sổ đăng ký, ký hiệu, năm và văn bản là bắt buộc khi cấp số.")
    # The register's row exists before it is locked (a concurrent creator waits on the unique index, then
    # does nothing); its lock serialises the allocations of one register only.
    NumberSequence.objects.bulk_create([NumberSequence(scope=scope, symbol=symbol, year=year)], ignore_conflicts=True)
    seq = NumberSequence.objects.select_for_update().get(scope=scope, symbol=symbol, year=year)
    entry = RegisteredNumber.objects.filter(scope=scope, symbol=symbol, year=year, document_key=document_key).first()
    if entry is not None:
        return entry
    number = seq.last_number + 1
    NumberSequence.objects.filter(pk=seq.pk).update(last_number=number)
    entry = RegisteredNumber.objects.create(scope=scope, symbol=symbol, year=year, number=number,
                                            document_key=document_key)
    audit_record(action="documents.number.allocated", actor=actor, obj=entry,
                 payload={"scope": scope, "symbol": symbol, "year": year, "number": number, "document": document_key})
    return entry


@transaction.atomic
def document_issue(*, actor, spec: OfficialDocument, obj: models.Model | None = None, cluster_year=None,
                   unit=None, audience: str = Audience.CLUSTER, with_pdf: bool = True,
                   numbering: Numbering | None = None) -> IssuedDocument:
    """Render `spec` to .docx (and PDF when LibreOffice is available), store both and register them.

    With `numbering`, the document is given its register number first (``number_allocate``) and printed with
    it ("Số: 05/BC-CTĐ"); `spec.number` is then ignored.

    The caller (a domain service) has already checked that `actor` may issue this document.
    """
    entry = None
    if numbering is not None:
        entry = number_allocate(actor=actor, scope=numbering.scope,
                                symbol=register_symbol(spec.type_key, spec.issuer_code), year=spec.date.year,
                                document_key=numbering.document_key)
        spec = replace(spec, number=entry.number, show_number=True)
    docx = render_docx(spec)
    docx_path, docx_hash = store_bytes(docx, folder="documents", suffix=".docx")
    pdf_path = pdf_hash = ""
    if with_pdf and pdf_available():
        pdf_path, pdf_hash = store_bytes(docx_to_pdf(docx), folder="documents", suffix=".pdf")
    object_type, object_id = object_ref(obj)
    doc = IssuedDocument.objects.create(
        type_key=spec.type_key, title=f"{spec.title} {spec.subtitle or ''}".strip(), number=spec.number,
        symbol=spec.number_line if spec.number else f"{type_code(spec.type_key)}-{spec.issuer_code}",
        issued_on=spec.date, cluster_year=cluster_year, unit=unit, audience=audience,
        object_type=object_type, object_id=object_id, docx_path=docx_path, docx_sha256=docx_hash,
        pdf_path=pdf_path, pdf_sha256=pdf_hash, issued_by=actor if getattr(actor, "pk", None) else None,
        register_entry=entry)
    audit_record(action="documents.document.issued", actor=actor, obj=doc,
                 payload={"type": spec.type_key, "object": f"{object_type}:{object_id}", "docx_sha256": docx_hash,
                          "pdf_sha256": pdf_hash, "number": spec.number_line if spec.number else ""})
    return doc
