"""Files live under MEDIA_ROOT (outside the package and the static root) under generated names only."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings


def store_bytes(data: bytes, *, folder: str, suffix: str) -> tuple[str, str]:
    """Write bytes under a generated name; return (relative path, sha256)."""
    if not suffix.startswith(".") or "/" in suffix or ".." in folder:
        raise ValueError("invalid suffix or folder")
    rel = Path(folder) / f"{uuid.uuid4().hex}{suffix}"
    target = Path(settings.MEDIA_ROOT) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return str(rel), hashlib.sha256(data).hexdigest()


def open_stored(rel: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / rel).resolve()
    if root not in path.parents:
        raise ValueError("path outside storage")
    return path
