from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from thidua.documents.selectors import document_get
from thidua.documents.storage import open_stored

# Characters that Windows, macOS or a browser refuse or change in a file name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def download_name(symbol: str, issued_on, fmt: str) -> str:
    """The file name of a download: symbol "Số: 01/BC-CTĐ" issued on 24/11/2026 → "01_BC-CTĐ-20261124.docx" (no
    "Số:" label, no character that a file system refuses: the colon broke downloads on Windows)."""
    core = re.sub(r"^\s*Số\s*:?\s*", "", symbol or "", flags=re.IGNORECASE)
    core = _UNSAFE.sub("_", core).strip("._") or "van-ban"
    return f"{core}-{issued_on:%Y%m%d}.{fmt}"


@require_GET
@login_required
def download(request, uid, fmt: str):
    """Files are never served by the web server: every download passes the scope check here."""
    if fmt not in ("docx", "pdf"):
        raise Http404
    doc = document_get(user=request.user, uid=uid)
    rel = doc.docx_path if fmt == "docx" else doc.pdf_path
    if not rel:
        raise Http404
    path = open_stored(rel)
    if not path.is_file():
        raise Http404
    filename = download_name(doc.symbol or doc.type_key, doc.issued_on, fmt)
    content_type = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" if fmt == "docx" else "application/pdf"
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
