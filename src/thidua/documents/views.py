from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from thidua.documents.selectors import document_get
from thidua.documents.storage import open_stored


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
    filename = f"{doc.symbol or doc.type_key}-{doc.issued_on:%Y%m%d}.{fmt}".replace("/", "_")
    content_type = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" if fmt == "docx" else "application/pdf"
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
