"""thidua conference_report --cluster CODE --year YYYY [--format docx|pdf] -o FILE [--issue [--date YYYY-MM-DD]]

(also `thidua document results-report …`). Writes the cluster's report of the review results of a
cluster-year to the organiser (Báo cáo kết quả bình xét, suy tôn, DOMAIN.md §3 step 7). The latest registered
report is written as stored (same bytes, same SHA-256 as in the register); with --issue a new version is
registered first (it keeps the number of the report already registered, or takes the next one of the
cluster's register). When none was issued, a draft without number is rendered from the current data. Refused,
like on the page, while the conference's results are not all confirmed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from thidua.core.actors import SYSTEM
from thidua.core.errors import DomainError


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: {value!r} (cần dạng YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = "Xuất Báo cáo kết quả bình xét, suy tôn của một kỳ thi đua (gửi cơ quan tổ chức) ra tệp .docx hoặc .pdf."

    def add_arguments(self, parser):
        parser.add_argument("--cluster", required=True, help="Mã cụm, khối (ví dụ TPTW)")
        parser.add_argument("--year", required=True, type=int, help="Năm thi đua (năm được tổng kết)")
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--issue", action="store_true", help="Lập và đăng ký (cấp số) một phiên bản mới")
        parser.add_argument("--date", dest="on_date", metavar="YYYY-MM-DD", help="Ngày của báo cáo khi lập (YYYY-MM-DD; mặc định: hôm nay)")

    def handle(self, *args, cluster, year, format, output, issue, on_date=None, **options):
        from thidua.conference.documents import results_report_refusal, results_report_spec
        from thidua.conference.selectors import conference_for_year
        from thidua.documents.docx_render import render_docx
        from thidua.documents.models import IssuedDocument
        from thidua.documents.pdf import docx_to_pdf, pdf_available
        from thidua.documents.storage import open_stored

        on = _date(on_date) if on_date else None
        if format == "pdf" and not pdf_available():
            raise CommandError("Cần LibreOffice (soffice) để xuất PDF.")
        try:
            _cy, conf = conference_for_year(user=SYSTEM, code=cluster, year=year)
        except DomainError as exc:
            raise CommandError(f"Không có kỳ thi đua {cluster} năm {year}.") from exc
        if conf is None:
            raise CommandError(f"Kỳ thi đua {cluster} năm {year} chưa có hội nghị tổng kết.")
        try:
            if issue:
                from thidua.conference.documents import results_report_issue

                doc = results_report_issue(actor=SYSTEM, conference_id=conf.pk, on=on, with_pdf=format == "pdf")
                self.stderr.write(f"Đã lập và đăng ký {doc.symbol}.")
            else:
                doc = (IssuedDocument.objects.filter(object_type="conference.conference", object_id=str(conf.pk),
                                                     type_key="bao_cao", register_entry__isnull=False)
                       .order_by("-created_at", "-id").first())
            if doc is not None:
                data = open_stored(doc.docx_path).read_bytes()
                if format == "pdf":
                    data = open_stored(doc.pdf_path).read_bytes() if doc.pdf_path else docx_to_pdf(data)
                self.stderr.write(f"Văn bản đã đăng ký {doc.symbol} ({doc.uid}), SHA-256 (.docx) {doc.docx_sha256}")
            else:
                refusal = results_report_refusal(conf)
                if refusal:
                    raise CommandError(refusal)
                from django.utils import translation

                with translation.override("vi"):
                    data = render_docx(results_report_spec(conf, on=on or date.today()))
                self.stderr.write("Chưa có báo cáo đăng ký: xuất bản dự thảo (chưa có số) từ dữ liệu hiện tại.")
                if format == "pdf":
                    data = docx_to_pdf(data)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        Path(output).write_bytes(data)
        self.stdout.write(f"Đã ghi {output} ({len(data)} byte).")
