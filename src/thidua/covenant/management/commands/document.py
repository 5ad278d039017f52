"""thidua document covenant|plan --cluster CODE --year YYYY --format docx|pdf -o FILE

Writes the covenant (Giao ước thi đua) or the plan (Kế hoạch) of a cluster-year. For the covenant, the
document registered for signing is written as stored (same bytes, same SHA-256 as the signatures);
when none was issued yet, the document is rendered from the current data without registering it
(use --issue to register a new version, which the members must then sign).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.core.actors import SYSTEM
from thidua.core.errors import DomainError


def _issued_plan(cycle):
    """The latest Kế hoạch issued for the year (numbered in the register), or None."""
    from thidua.core.audit import object_ref
    from thidua.documents.models import IssuedDocument

    if cycle is None:
        return None
    object_type, object_id = object_ref(cycle)
    return (IssuedDocument.objects.filter(type_key="ke_hoach", object_type=object_type, object_id=object_id)
            .order_by("-created_at", "-id").first())


class Command(BaseCommand):
    help = "Xuất Giao ước thi đua hoặc Kế hoạch của một kỳ thi đua ra tệp .docx hoặc .pdf."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["covenant", "plan"])
        parser.add_argument("--cluster", required=True, help="Mã cụm, khối (ví dụ TPTW)")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--issue", action="store_true", help="Lập và đăng ký một phiên bản mới (giao ước; kế hoạch được cấp số)")

    def handle(self, *args, kind, cluster, year, format, output, issue, **options):
        from thidua.covenant import services as svc
        from thidua.covenant.documents import covenant_spec, plan_spec
        from thidua.covenant.models import YearCycle
        from thidua.covenant.selectors import current_criteria_set
        from thidua.documents.docx_render import render_docx
        from thidua.documents.pdf import docx_to_pdf, pdf_available
        from thidua.documents.storage import open_stored
        from thidua.organisations.selectors import cluster_year_get

        try:
            cy = cluster_year_get(user=SYSTEM, code=cluster, year=year)
        except DomainError as exc:
            raise CommandError(f"Không có kỳ thi đua {cluster} năm {year}.") from exc
        if format == "pdf" and not pdf_available():
            raise CommandError("Cần LibreOffice (soffice) để xuất PDF.")
        try:
            if kind == "covenant":
                doc = (svc.covenant_document_issue(actor=SYSTEM, cluster_year_id=cy.pk, with_pdf=format == "pdf")
                       if issue else None)
                cs = current_criteria_set(cluster_year=cy)
                if doc is None and cs is not None:
                    doc = svc.current_covenant_document(cy, cs)
                if doc is not None:
                    docx = open_stored(doc.docx_path).read_bytes()
                    if format == "pdf":
                        data = open_stored(doc.pdf_path).read_bytes() if doc.pdf_path else docx_to_pdf(docx)
                    else:
                        data = docx
                    self.stderr.write(f"Văn bản đã đăng ký {doc.uid}, SHA-256 (.docx) {doc.docx_sha256}")
                else:
                    if cs is None:
                        raise CommandError("Kỳ thi đua chưa có bộ tiêu chí.")
                    data = render_docx(covenant_spec(cy=cy, cs=cs))
                    self.stderr.write("Chưa có văn bản đăng ký: xuất bản dự thảo từ dữ liệu hiện tại.")
                    if format == "pdf":
                        data = docx_to_pdf(data)
            else:
                cs = current_criteria_set(cluster_year=cy)
                if cs is None:
                    raise CommandError("Kỳ thi đua chưa có bộ tiêu chí.")
                if issue:
                    svc.plan_document_issue(actor=SYSTEM, cluster_year_id=cy.pk, with_pdf=format == "pdf")
                cycle = YearCycle.objects.filter(cluster_year=cy).first()
                doc = _issued_plan(cycle)
                if doc is not None:  # the numbered plan as issued ("Số: 01/KH-CTĐ")
                    docx = open_stored(doc.docx_path).read_bytes()
                    data = (open_stored(doc.pdf_path).read_bytes() if doc.pdf_path else docx_to_pdf(docx)) \
                        if format == "pdf" else docx
                    self.stderr.write(f"Văn bản đã đăng ký {doc.uid}, {doc.symbol}")
                else:
                    data = render_docx(plan_spec(cy=cy, cs=cs, cycle=cycle))
                    self.stderr.write("Chưa lập Kế hoạch: xuất bản dự thảo (số để trống), dùng --issue để cấp số.")
                    if format == "pdf":
                        data = docx_to_pdf(data)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {output}: {exc.strerror or exc}.") from exc
        self.stdout.write(f"Đã ghi {output} ({len(data)} byte).")
