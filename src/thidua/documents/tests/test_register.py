"""The register of issued documents: stored outside the web root, hashed, audited, downloadable only in scope."""

import hashlib
from datetime import date
from pathlib import Path

import pytest

from thidua.core.actors import SYSTEM
from thidua.core.models import AuditEntry
from thidua.documents.models import Audience
from thidua.documents.services import document_issue
from thidua.documents.spec import OfficialDocument, Paragraph
from thidua.organisations.models import ClusterYear, Unit

pytestmark = pytest.mark.django_db


def _spec(title="THÔNG BÁO"):
    return OfficialDocument(issuer_parent="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG",
                            issuer="CỤM THI ĐUA CÁC THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG", type_key="thong_bao", number=3,
                            issuer_code="CTĐ", place="Hà Nội", date=date(2021, 4, 9), title=title,
                            subtitle="Kết quả bình xét năm 2020", blocks=[Paragraph("Nội dung thông báo.")])


def _issue(audience=Audience.CLUSTER, unit=None):
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2020)
    return document_issue(actor=SYSTEM, spec=_spec(), obj=cy, cluster_year=cy, unit=unit, audience=audience,
                          with_pdf=False)


def test_issue_stores_outside_static_and_registers_hash(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    doc = _issue()
    stored = Path(tmp_path) / doc.docx_path
    assert stored.is_file() and hashlib.sha256(stored.read_bytes()).hexdigest() == doc.docx_sha256
    assert Path(settings.STATIC_ROOT).resolve() not in stored.resolve().parents
    assert doc.symbol == "Số: 03/TB-CTĐ"
    entry = AuditEntry.objects.filter(action="documents.document.issued").first()
    assert entry.payload["docx_sha256"] == doc.docx_sha256


@pytest.mark.parametrize("username,status", [
    ("hanoi.canbo", 200), ("tw.lanhdao", 200), ("admin", 200), ("hue.canbo", 404), ("ct.stc.canbo", 404), (None, 302),
])
def test_cluster_document_download_follows_cluster_year_scope(client_as, tmp_path, settings, username, status):
    settings.MEDIA_ROOT = tmp_path
    doc = _issue()
    response = client_as(username).get(f"/documents/{doc.uid}.docx")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content)[:2] == b"PK"


@pytest.mark.parametrize("username,status", [("hanoi.canbo", 200), ("cantho.canbo", 404), ("tw.canbo", 404)])
def test_unit_document_is_private_to_the_unit(client_as, tmp_path, settings, username, status):
    settings.MEDIA_ROOT = tmp_path
    doc = _issue(audience=Audience.UNIT, unit=Unit.objects.get(code="01"))
    assert client_as(username).get(f"/documents/{doc.uid}.docx").status_code == status


def test_cluster_year_page_lists_documents(client_as, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    doc = _issue()
    page = client_as("hanoi.canbo").get("/clusters/TPTW/2020/").content.decode()
    assert "Văn bản đã lập" in page and str(doc.uid) in page


def test_other_formats_are_not_served(client_as, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    doc = _issue()
    assert client_as("admin").get(f"/documents/{doc.uid}.exe").status_code == 404
    assert client_as("admin").get(f"/documents/{doc.uid}.pdf").status_code == 404  # no PDF was made


def test_file_type_is_read_from_content_not_name():
    import io

    from docx import Document

    from thidua.documents.storage import detect_file_type

    buf = io.BytesIO()
    Document().save(buf)
    assert detect_file_type(buf.getvalue())[1] == ".docx"
    assert detect_file_type(b"%PDF-1.7\n...")[1] == ".pdf"
    assert detect_file_type(b"\x89PNG\r\n\x1a\n....")[1] == ".png"
    assert detect_file_type(b"MZ\x90\x00 an executable renamed .pdf") is None
    assert detect_file_type(b"PK\x03\x04 not really a zip") is None
