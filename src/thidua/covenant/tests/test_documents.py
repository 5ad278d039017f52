"""The covenant and plan documents, reopened and checked (NĐ 30/2020), through the `thidua document` CLI."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata

import docx
import pytest
from django.core.management import CommandError, call_command
from docx.oxml.ns import qn
from docx.shared import Mm

from thidua.covenant import services as svc
from thidua.covenant.models import Signature
from thidua.documents.pdf import pdf_available
from thidua.organisations.models import ClusterYear

pytestmark = pytest.mark.django_db
HALF_MM = Mm(0.5)


def _paragraph_texts(document) -> list[str]:
    body = document.element.body
    return [docx.text.paragraph.Paragraph(p, document).text for p in body.iter(qn("w:p"))]


def _cli(tmp_path, *args) -> bytes:
    out = tmp_path / "out.bin"
    call_command("document", *args, "-o", str(out))
    return out.read_bytes()


@pytest.mark.parametrize("year,members", [(2014, 5), (2021, 5), (2025, 6)])
def test_covenant_docx_layout_and_signature_blocks(year, members, tmp_path):
    data = _cli(tmp_path, "covenant", "--cluster", "TPTW", "--year", str(year), "--format", "docx")
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=year)
    # The CLI writes the very document the members signed.
    signed = {s.document_sha256 for s in Signature.objects.filter(cluster_year=cy)}
    import hashlib

    assert hashlib.sha256(data).hexdigest() in signed
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) <= HALF_MM and abs(section.page_height - Mm(297)) <= HALF_MM
    assert abs(section.left_margin - Mm(30)) <= HALF_MM and abs(section.right_margin - Mm(15)) <= HALF_MM
    assert abs(section.top_margin - Mm(20)) <= HALF_MM and abs(section.bottom_margin - Mm(20)) <= HALF_MM
    assert document.styles["Normal"].font.name == "Times New Roman"
    texts = _paragraph_texts(document)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "Độc lập - Tự do - Hạnh phúc" in texts
    assert "GIAO ƯỚC THI ĐUA" in texts and f"Năm {year}" in texts
    assert texts.count("TM. ỦY BAN NHÂN DÂN") == members
    full = "\n".join(texts)
    assert unicodedata.is_normalized("NFC", full)
    assert "Cả nước chung sức xây dựng nông thôn mới" in full
    assert "THÀNH PHỐ CẦN THƠ" in texts
    if year == 2014:
        for theme in ("Năm Doanh nghiệp 2014", "Năm trật tự và văn minh đô thị năm 2014",
                      "Cải cách hành chính, huy động mọi nguồn lực, hướng về cơ sở"):
            assert theme in full
    if year == 2025:
        assert "THÀNH PHỐ HUẾ" in texts
    # The leaders with a demo account are named under their block.
    assert "Phạm Quốc Hùng" in texts and "Trương Văn Phúc" in texts


def test_plan_docx(tmp_path):
    data = _cli(tmp_path, "plan", "--cluster", "TPTW", "--year", "2021", "--format", "docx")
    texts = _paragraph_texts(docx.Document(io.BytesIO(data)))
    assert "KẾ HOẠCH" in texts and "Tổ chức phong trào thi đua năm 2021" in texts
    assert any(t.startswith("- Hội nghị tổng kết: ngày") for t in texts)


def test_cli_errors_are_clear(tmp_path):
    with pytest.raises(CommandError, match="Không có kỳ thi đua"):
        _cli(tmp_path, "covenant", "--cluster", "TPTW", "--year", "1999", "--format", "docx")
    with pytest.raises(CommandError, match="chưa có bộ tiêu chí"):
        _cli(tmp_path, "covenant", "--cluster", "TPTW", "--year", "2015", "--format", "docx")


def test_cli_renders_a_draft_when_nothing_is_issued(tmp_path):
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2015)
    from thidua.core.actors import SYSTEM

    svc.criteria_set_copy_previous(actor=SYSTEM, cluster_year_id=cy.pk)
    data = _cli(tmp_path, "covenant", "--cluster", "TPTW", "--year", "2015", "--format", "docx")
    texts = _paragraph_texts(docx.Document(io.BytesIO(data)))
    assert texts.count("TM. ỦY BAN NHÂN DÂN") == 5 and "(Chưa đăng ký.)" in texts


def _pdf_tools():
    if not pdf_available():
        pytest.skip("LibreOffice (soffice) chưa được cài: bỏ qua kiểm tra PDF")
    for tool in ("pdftotext", "pdffonts"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} chưa được cài")


def test_covenant_pdf_text_and_fonts(tmp_path):
    _pdf_tools()
    data = _cli(tmp_path, "covenant", "--cluster", "TPTW", "--year", "2025", "--format", "pdf")
    path = tmp_path / "gu.pdf"
    path.write_bytes(data)
    text = unicodedata.normalize("NFC", subprocess.run(["pdftotext", str(path), "-"], check=True,
                                                       capture_output=True, text=True).stdout)
    flat = " ".join(text.split())
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "GIAO ƯỚC THI ĐUA",
                   "THÀNH PHỐ HUẾ", "nông thôn mới"):
        assert phrase in flat
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        cols = line.split()
        assert cols[0].split("+")[-1].startswith(("LiberationSerif", "TimesNewRoman", "Times")), line
        assert cols[-5] == "yes", line
