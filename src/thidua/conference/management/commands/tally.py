"""`thidua tally verify FILE`: recount a published ballot file and check its SHA-256."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from thidua.conference.tally import FORMAT_ERROR, verify_published


class Command(BaseCommand):
    help = "Kiểm phiếu lại từ tệp kết quả đã công bố: tính lại kết quả và kiểm tra SHA-256 của các phiếu."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Kiểm tra một tệp kết quả đã công bố (JSON).")
        verify.add_argument("file", help="Đường dẫn tệp JSON tải về từ trang kết quả bỏ phiếu.")

    def handle(self, *args, **opts):
        try:
            with open(opts["file"], encoding="utf-8") as fh:
                doc = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Không đọc được tệp: {exc}") from exc
        report = verify_published(doc)
        if not report.ok and report.problems[0].startswith(FORMAT_ERROR):
            raise CommandError(report.problems[0])
        self.stdout.write(f"Số phiếu: {report.ballots}")
        for cand in doc["candidates"]:
            self.stdout.write(f"  {cand.get('label')}: {report.tally.get(str(cand.get('id')), 0)}")
        if not report.ok:
            for p in report.problems:
                self.stderr.write(p)
            raise CommandError(f"KHÔNG KHỚP: tệp công bố không thống nhất với các phiếu ({len(report.problems)} "
                               f"điểm sai lệch).")
        self.stdout.write(self.style.SUCCESS(f"KHỚP: kết quả và SHA-256 {doc['sha256']} được xác nhận."))
