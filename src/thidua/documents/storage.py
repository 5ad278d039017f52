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


SCAN_TYPES = frozenset({".pdf", ".png", ".jpg"})
OFFICE_TYPES = frozenset({".docx", ".xlsx"})

_MAGIC = (
    (b"%PDF-", ("application/pdf", ".pdf")),
    (b"\x89PNG\r\n\x1a\n", ("image/png", ".png")),
    (b"\xff\xd8\xff", ("image/jpeg", ".jpg")),
)
_OOXML = {
    "word/document.xml": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/workbook.xml": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


def detect_file_type(data: bytes) -> tuple[str, str] | None:
    """(content type, suffix) read from the file's content (magic bytes; OOXML checked inside the zip), never
    from its name; None when it is none of the kinds uploads accept. Every upload path uses this one check."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        import io
        import zipfile

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for marker, kind in _OOXML.items():
                if marker in names:
                    return kind
    return None
