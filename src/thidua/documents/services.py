"""Issuing official documents: render, store, register, audit."""

from __future__ import annotations

from django.db import models, transaction

from thidua.core.audit import audit_record, object_ref
from thidua.documents.docx_render import render_docx
from thidua.documents.formats import type_code
from thidua.documents.models import Audience, IssuedDocument
from thidua.documents.pdf import docx_to_pdf, pdf_available
from thidua.documents.spec import OfficialDocument
from thidua.documents.storage import store_bytes


@transaction.atomic
def document_issue(*, actor, spec: OfficialDocument, obj: models.Model | None = None, cluster_year=None,
                   unit=None, audience: str = Audience.CLUSTER, with_pdf: bool = True) -> IssuedDocument:
    """Render `spec` to .docx (and PDF when LibreOffice is available), store both and register them.

    The caller (a domain service) has already checked that `actor` may issue this document.
    """
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
        pdf_path=pdf_path, pdf_sha256=pdf_hash, issued_by=actor if getattr(actor, "pk", None) else None)
    audit_record(action="documents.document.issued", actor=actor, obj=doc,
                 payload={"type": spec.type_key, "object": f"{object_type}:{object_id}", "docx_sha256": docx_hash,
                          "pdf_sha256": pdf_hash})
    return doc
