"""Evidence file checks by content (magic bytes), never by the name alone: PDF, PNG, JPEG, Word and Excel
(OOXML, checked inside the zip), with a size limit from settings (SCORING_EVIDENCE_MAX_BYTES, default 10 MB)."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from thidua.core.errors import invalid

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_OOXML = {
    "word/document.xml": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/workbook.xml": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def max_bytes() -> int:
    return int(getattr(settings, "SCORING_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(data: bytes, filename: str = "") -> tuple[str, str]:
    """(content type, suffix) of an accepted file, else InvalidInput with a Vietnamese reason."""
    if not data:
        raise invalid(_("Tệp rỗng."), field="file")
    if len(data) > max_bytes():
        raise invalid(_("Tệp vượt quá dung lượng cho phép (%(mb)d MB).") % {"mb": max_bytes() // (1024 * 1024)},
                      field="file")
    if data.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            names = set()
        for marker, (suffix, ctype) in _OOXML.items():
            if marker in names and "[Content_Types].xml" in names:
                return ctype, suffix
    raise invalid(_("Chỉ nhận tệp PDF, ảnh (PNG, JPEG), Word (.docx) hoặc Excel (.xlsx); nội dung tệp không đúng "
                    "định dạng cho phép."), field="file")
