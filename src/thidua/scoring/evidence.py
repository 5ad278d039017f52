"""Evidence file checks by content (magic bytes), never by the name alone: PDF, PNG, JPEG, Word and Excel
(OOXML, checked inside the zip), with a size limit from settings (SCORING_EVIDENCE_MAX_BYTES, default 10 MB)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from thidua.core.errors import invalid
from thidua.documents.storage import detect_file_type

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

def max_bytes() -> int:
    return int(getattr(settings, "SCORING_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(data: bytes, filename: str = "") -> tuple[str, str]:
    """(content type, suffix) of an accepted file, else InvalidInput with a Vietnamese reason."""
    if not data:
        raise invalid(_("Tệp rỗng."), field="file")
    if len(data) > max_bytes():
        raise invalid(_("Tệp vượt quá dung lượng cho phép (%(mb)d MB).") % {"mb": max_bytes() // (1024 * 1024)},
                      field="file")
    kind = detect_file_type(data)
    if kind is not None:
        return kind
    raise invalid(_("Chỉ nhận tệp PDF, ảnh (PNG, JPEG), Word (.docx) hoặc Excel (.xlsx); nội dung tệp không đúng "
                    "định dạng cho phép."), field="file")
