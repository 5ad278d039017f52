"""`thidua bench <name> …`: performance measurements (never tests). Each capability provides its own in
`thidua.<app>.bench` with `add_arguments(parser)` and `run(options, stdout)`; the last line printed is one
JSON object with the figures and the ratio against the physical floor measured in the same run."""

import importlib

from django.core.management.base import BaseCommand, CommandError

BENCHES = {
    "scoring": "thidua.scoring.bench",
    "eligibility": "thidua.awards.bench",
}


class Command(BaseCommand):
    help = "Đo hiệu năng: `thidua bench scoring …`, `thidua bench eligibility …`."

    def add_arguments(self, parser):
        subs = parser.add_subparsers(dest="bench", required=True)
        for name, module in BENCHES.items():
            try:
                mod = importlib.import_module(module)
            except ImportError:
                continue
            sub = subs.add_parser(name, help=(mod.__doc__ or "").strip().splitlines()[0] if mod.__doc__ else name)
            mod.add_arguments(sub)

    def handle(self, *args, **options):
        name = options["bench"]
        try:
            mod = importlib.import_module(BENCHES[name])
        except (KeyError, ImportError) as exc:
            raise CommandError(f"Không có phép đo {name!r}.") from exc
        mod.run(options, self.stdout)
