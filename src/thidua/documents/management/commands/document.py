"""thidua document KIND … : one command for every official document the apps can write to a file.

    thidua document covenant|plan --cluster CODE --year YYYY --format docx|pdf -o FILE [--issue]
    thidua document results-report --cluster CODE --year YYYY --format docx|pdf -o FILE [--issue] [--date D]

Each kind is the management command of the app that owns the document (its own arguments, help and checks);
this command only routes to it, so apps add kinds here without touching each other's commands. The documents
app comes before the others in INSTALLED_APPS, so this `document` command is the one `thidua` runs.
"""

from __future__ import annotations

import argparse
import importlib

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# kind -> (module of the owning app's command, whether that command takes the kind as its first argument)
KINDS: dict[str, tuple[str, bool]] = {
    "covenant": ("thidua.covenant.management.commands.document", True),
    "plan": ("thidua.covenant.management.commands.document", True),
    "results-report": ("thidua.conference.management.commands.conference_report", False),
}


class Command(BaseCommand):
    help = ("Xuất văn bản ra tệp .docx hoặc .pdf: covenant (giao ước), plan (kế hoạch), results-report (báo cáo "
            "kết quả bình xét gửi cơ quan tổ chức). Xem `thidua document KIND --help`.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("rest", nargs=argparse.REMAINDER, help="Các tham số của loại văn bản")

    def handle(self, *args, kind, rest, **options):
        module, takes_kind = KINDS[kind]
        try:
            target = importlib.import_module(module).Command(stdout=self.stdout._out, stderr=self.stderr._out)
        except ImportError as exc:  # an app removed from the installation
            raise CommandError(f"Không có ứng dụng lập văn bản loại {kind}.") from exc
        argv = [kind, *rest] if takes_kind else list(rest)
        if "-h" in argv or "--help" in argv:
            target.print_help("thidua", f"document {kind}")
            return
        call_command(target, *argv, verbosity=options.get("verbosity", 1))
