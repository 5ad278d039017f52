"""The `thidua` command: Django's management commands with the project's settings and a local .env file.

    thidua demo | serve | createadmin | audit verify | migrate | …
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines (the local secret written by `make demo`); real environment variables win."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


def main(argv: list[str] | None = None) -> None:
    load_env_file(Path(os.environ.get("THIDUA_ENV_FILE", Path.cwd() / ".env")))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["thidua", *argv])
    args[0] = "thidua"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
