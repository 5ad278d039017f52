"""Rendering engine: formats, .docx reopened and checked, PDF through LibreOffice (NĐ 30/2020/NĐ-CP).

No Django, no database: run with ``python -m pytest -p no:django src/thidua/documents/tests``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from thidua.documents.docx_render import QUOC_HIEU, TIEU_NGU, PageSetup, render_docx
from thidua.documents.formats import (
    DOCUMENT_TYPE_CODES,
    format_decimal,
    format_vnd,
    number_symbol,
    vn_date_line,
)
from thidua.documents.pdf import PdfConversionError, docx_to_pdf, pdf_available
from thidua.documents.spec import OfficialDocument, Table

from .samples import MEMBERS, VIETNAMESE_TEST_STRING, sample_covenant, sample_submission

HALF_MM = Mm(0.5)


# --------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("place", "d", "expected"),
    [
        ("Hà Nội", date(2021, 4, 9), "Hà Nội, ngày 09 tháng 4 năm 2021"),
        ("Cần Thơ", date(2015, 3, 24), "Cần Thơ, ngày 24 tháng 3 năm 2015"),
        ("Hà Nội", date(2021, 2, 5), "Hà Nội, ngày 05 tháng 02 năm 2021"),
        ("Huế", date(2025, 1, 1), "Huế, ngày 01 tháng 01 năm 2025"),
        ("Đà Nẵng", date(2025, 11, 15), "Đà Nẵng, ngày 15 tháng 11 năm 2025"),
        ("Hải Phòng", date(2024, 12, 31), "Hải Phòng, ngày 31 tháng 12 năm 2024"),
        ("Hà Nội", date(2024, 10, 10), "Hà Nội, ngày 10 tháng 10 năm 2024"),
    ],
)
def test_vn_date_line(place, d, expected):
    assert vn_date_line(place, d) == expected


def test_number_symbol():
    assert number_symbol(12, "TTr", "UBND") == "Số: 12/TTr-UBND"
    assert number_symbol(5, "BC", "UBND") == "Số: 05/BC-UBND"
    assert number_symbol(5, "BC", "UBND", zero_pad=False) == "Số: 5/BC-UBND"
    assert number_symbol(125, "KH", "CTĐ") == "Số: 125/KH-CTĐ"
    assert number_symbol(None, "TTr", "UBND") == "Số:      /TTr-UBND"
    with pytest.raises(ValueError):
        number_symbol(0, "TTr", "UBND")


def test_document_type_codes():
    expected = {
        "to_trinh": "TTr",
        "bien_ban": "BB",
        "bao_cao": "BC",
        "ke_hoach": "KH",
        "thong_bao": "TB",
        "quyet_dinh": "QĐ",
        "giao_uoc": "GƯ",
    }
    for key, code in expected.items():
        assert DOCUMENT_TYPE_CODES[key][1] == code
    with pytest.raises(ValueError):
        OfficialDocument(None, "X", "khong_co", 1, "X", "Hà Nội", date(2025, 1, 1), "X")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (774000, "774.000"),
        (0, "0"),
        (999, "999"),
        (1000, "1.000"),
        (1234567890, "1.234.567.890"),
        (-2500000, "-2.500.000"),
        (Decimal("1500.5"), "1.501"),
    ],
)
def test_format_vnd(value, expected):
    assert format_vnd(value) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (51.4, 1, "51,4"),
        (35.4, 1, "35,4"),
        (99.6, 1, "99,6"),
        (2.675, 2, "2,68"),
        (0.05, 1, "0,1"),
        (1234.5, 1, "1.234,5"),
        (7, 2, "7,00"),
        (Decimal("-3.14159"), 3, "-3,142"),
        (12.4, 0, "12"),
    ],
)
def test_format_decimal(value, places, expected):
    assert format_decimal(value, places) == expected


def test_page_setup_rejects_margins_outside_decree():
    with pytest.raises(ValueError, match="lề trái"):
        PageSetup(left_mm=20)
    with pytest.raises(ValueError, match="cỡ chữ"):
        PageSetup(body_size_pt=12)


def test_table_shape_is_checked():
    with pytest.raises(ValueError):
        Table(columns=["A", "B"], rows=[["1"]])


# --------------------------------------------------------------------------- docx


@pytest.fixture(scope="module")
def covenant_bytes() -> bytes:
    return render_docx(sample_covenant(members=6))


@pytest.fixture(scope="module")
def covenant(covenant_bytes):
    return docx.Document(io.BytesIO(covenant_bytes))


def all_paragraphs(document):
    """Body paragraphs and paragraphs inside tables (one level of nesting is all the renderer makes)."""
    body = document.element.body
    return [docx.text.paragraph.Paragraph(p, document) for p in body.iter(qn("w:p"))]


def all_text(document) -> str:
    return "\n".join(p.text for p in all_paragraphs(document))


def test_page_is_a4_with_decree_margins(covenant):
    section = covenant.sections[0]
    assert abs(section.page_width - Mm(210)) <= HALF_MM
    assert abs(section.page_height - Mm(297)) <= HALF_MM
    assert abs(section.top_margin - Mm(20)) <= HALF_MM
    assert abs(section.bottom_margin - Mm(20)) <= HALF_MM
    assert abs(section.left_margin - Mm(30)) <= HALF_MM
    assert abs(section.right_margin - Mm(15)) <= HALF_MM


def test_font_is_times_new_roman_for_every_script(covenant):
    normal = covenant.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert rfonts.get(qn(attr)) == "Times New Roman"
    defaults = covenant.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Times New Roman"
    assert defaults.find(qn("w:rFonts")).get(qn("w:asciiTheme")) is None
    # No run anywhere overrides the font with something else.
    for r in covenant.element.body.iter(qn("w:r")):
        rf = r.find(qn("w:rPr") + "/" + qn("w:rFonts")) if r.find(qn("w:rPr")) is not None else None
        assert rf is None or rf.get(qn("w:ascii")) in (None, "Times New Roman")


def test_body_paragraph_format(covenant):
    body = covenant.styles["Body Text"].paragraph_format
    assert 1.0 <= body.line_spacing <= 1.5
    assert body.space_after.pt >= 6
    assert abs(body.first_line_indent - Mm(12.7)) <= HALF_MM
    assert covenant.styles["Normal"].font.size.pt == 14


def test_quoc_hieu_and_tieu_ngu_with_rule(covenant):
    paragraphs = all_paragraphs(covenant)
    quoc_hieu = [p for p in paragraphs if p.text == QUOC_HIEU]
    tieu_ngu = [p for p in paragraphs if p.text == TIEU_NGU]
    assert QUOC_HIEU == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert TIEU_NGU == "Độc lập - Tự do - Hạnh phúc"
    assert len(quoc_hieu) == 1 and len(tieu_ngu) == 1
    assert all(r.bold for r in quoc_hieu[0].runs + tieu_ngu[0].runs)
    assert 12 <= quoc_hieu[0].runs[0].font.size.pt <= 13
    assert 13 <= tieu_ngu[0].runs[0].font.size.pt <= 14
    bottom = tieu_ngu[0]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:val")) == "single"
    # Header block: a two-column table at the top of the body, issuer at left, Quốc hiệu at right.
    header = covenant.tables[0]
    assert len(header.columns) == 2
    assert "CỤM THI ĐUA CÁC THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG" in header.cell(0, 0).text
    assert QUOC_HIEU in header.cell(0, 1).text
    assert header.cell(1, 0).text == "Số:      /GƯ-CTĐ"
    date_para = header.cell(1, 1).paragraphs[0]
    assert date_para.text == "Hà Nội, ngày 05 tháng 02 năm 2025"
    assert date_para.runs[0].italic


def test_title_and_subtitle(covenant):
    texts = [p.text for p in all_paragraphs(covenant)]
    i = texts.index("GIAO ƯỚC THI ĐUA")
    assert texts[i + 1] == "Năm 2025"


@pytest.mark.parametrize("members", [5, 6, 7])
def test_one_signature_block_per_member(members):
    document = docx.Document(io.BytesIO(render_docx(sample_covenant(members=members))))
    texts = [p.text for p in all_paragraphs(document)]
    names = [name for _, name in MEMBERS]
    assert sum(texts.count(n) for n in names) == members
    assert texts.count("CHỦ TỊCH") == members


def test_six_signatures_in_covenant(covenant):
    texts = [p.text for p in all_paragraphs(covenant)]
    assert sum(texts.count(name) for _, name in MEMBERS) == 6
    for unit in ("THÀNH PHỐ ĐÀ NẴNG", "THÀNH PHỐ CẦN THƠ", "THÀNH PHỐ HUẾ"):
        assert unit in texts
    # Nơi nhận comes after the grid, last recipient ends with a full stop.
    assert texts.index("Nơi nhận:") > max(texts.index(name) for _, name in MEMBERS[:6])
    assert "- Lưu: VT." in texts


def test_vietnamese_text_round_trips_exactly(covenant):
    text = all_text(covenant)
    assert VIETNAMESE_TEST_STRING in text
    assert unicodedata.is_normalized("NFC", text)
    assert "Tổng thu ngân sách của các thành phố đạt 774.000 tỷ đồng, chiếm 51,4%" in text


def test_table_has_borders_and_repeating_header(covenant):
    table = next(t for t in covenant.tables if t.cell(0, 0).text == "TT")
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:insideH")).get(qn("w:val")) == "single"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.cell(5, 1).text == "Tổng cộng"


def test_page_numbers_from_page_two(covenant):
    section = covenant.sections[0]
    assert section.different_first_page_header_footer
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert all(p.text == "" for p in first.paragraphs)
    assert not list(first._element.iter(qn("w:fldChar")))
    instr = [el.text for el in section.header._element.iter(qn("w:instrText"))]
    assert [i.strip() for i in instr] == ["PAGE"]
    assert section.header.paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER


def test_core_properties(covenant):
    cp = covenant.core_properties
    assert cp.title == "GIAO ƯỚC THI ĐUA Năm 2025"
    assert cp.author == "CỤM THI ĐUA CÁC THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG"
    assert cp.language == "vi-VN"


def test_single_signature_sits_right_of_recipients():
    document = docx.Document(io.BytesIO(render_docx(sample_submission())))
    header = document.tables[0]
    assert header.cell(1, 0).text == "Số: 12/TTr-UBND"
    assert header.cell(1, 1).text == "Cần Thơ, ngày 24 tháng 3 năm 2015"
    closing = document.tables[-1]
    left, right = closing.rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:"
    assert left.paragraphs[0].runs[0].bold and left.paragraphs[0].runs[0].italic
    assert left.paragraphs[0].runs[0].font.size.pt == 12
    assert [p.text for p in left.paragraphs[1:]] == ["- Như trên;", "- Lưu: VT, TĐKT."]
    assert all(p.runs[0].font.size.pt == 11 for p in left.paragraphs[1:])
    assert [p.text for p in right.paragraphs] == [
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "(Đã ký)",
        "Nguyễn Văn An",
    ]


def test_landscape_and_no_number():
    doc = replace(sample_submission(), show_number=False)
    document = docx.Document(io.BytesIO(render_docx(doc, PageSetup(landscape=True))))
    section = document.sections[0]
    assert abs(section.page_width - Mm(297)) <= HALF_MM
    assert "Số:" not in document.tables[0].cell(1, 0).text


# --------------------------------------------------------------------------- pdf


def _need_pdf_tools() -> None:
    if not pdf_available():
        pytest.skip("LibreOffice (soffice) chưa được cài: bỏ qua kiểm tra PDF")
    for tool in ("pdftotext", "pdffonts", "pdfinfo"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} (poppler-utils) chưa được cài: bỏ qua kiểm tra PDF")


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def covenant_pdf(covenant_bytes, tmp_path_factory) -> Path:
    _need_pdf_tools()
    path = tmp_path_factory.mktemp("pdf") / "giao_uoc.pdf"
    path.write_bytes(docx_to_pdf(covenant_bytes))
    return path


def test_pdf_text_is_vietnamese(covenant_pdf):
    text = unicodedata.normalize("NFC", _run("pdftotext", str(covenant_pdf), "-"))
    flat = " ".join(text.split())
    assert QUOC_HIEU in flat
    assert TIEU_NGU in flat
    for word in ("ĐÀ NẴNG", "Cần Thơ", "Huế", "GIAO ƯỚC THI ĐUA", "Nơi nhận:"):
        assert word in flat
    # The test string may wrap across lines: compare with all whitespace removed.
    assert "".join(VIETNAMESE_TEST_STRING.split()) in "".join(text.split())


def test_pdf_embeds_a_times_compatible_serif(covenant_pdf):
    lines = _run("pdffonts", str(covenant_pdf)).splitlines()[2:]
    assert lines
    for line in lines:
        cols = line.split()
        name = cols[0].split("+")[-1]
        assert name.startswith(("LiberationSerif", "TimesNewRoman", "Times")), line
        # emb, sub, uni are the three yes/no columns before the object id
        emb = cols[-5]
        assert emb == "yes", line


def _crop_text(pdf: Path, page: int, height_pt: float) -> str:
    """Text in the top ``height_pt`` points of ``page`` (the top margin holds the page number)."""
    return _run(
        "pdftotext",
        "-f",
        str(page),
        "-l",
        str(page),
        "-x",
        "0",
        "-y",
        "0",
        "-W",
        "600",
        "-H",
        str(int(height_pt)),
        str(pdf),
        "-",
    ).strip()


def test_pdf_page_numbers_top_centre_from_page_two(covenant_pdf):
    info = _run("pdfinfo", str(covenant_pdf))
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2
    top_margin_pt = 20 / 25.4 * 72
    assert _crop_text(covenant_pdf, 1, top_margin_pt) == ""
    assert _crop_text(covenant_pdf, 2, top_margin_pt) == "2"
    if pages >= 3:
        assert _crop_text(covenant_pdf, 3, top_margin_pt) == "3"


def test_pdf_conversion_error_when_libreoffice_missing(monkeypatch):
    monkeypatch.setenv("THIDUA_SOFFICE", "/nonexistent/soffice")
    assert not pdf_available()
    with pytest.raises(PdfConversionError, match="LibreOffice"):
        docx_to_pdf(b"not a docx")


def test_pdf_concurrent_conversions_do_not_clash():
    _need_pdf_tools()
    from concurrent.futures import ThreadPoolExecutor

    data = render_docx(sample_submission())
    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = list(pool.map(lambda _: docx_to_pdf(data), range(3)))
    assert all(p.startswith(b"%PDF-") for p in pdfs)


def test_names_of_a_grid_row_share_a_table_row():
    """Titles that wrap differently must not push one name below its neighbours."""
    document = docx.Document(io.BytesIO(render_docx(sample_covenant(members=7, signature_columns=3))))
    names = {name for _, name in MEMBERS}
    grid = [t for t in document.tables if any(c.text in names for c in t.rows[-1].cells)]
    assert [len(t.columns) for t in grid] == [3, 3, 1]
    for table in grid:
        assert all(c.text in names for c in table.rows[1].cells)
        assert all(c.text.endswith("CHỦ TỊCH") for c in table.rows[0].cells)


def test_pdfa_for_archiving():
    _need_pdf_tools()
    pdf = docx_to_pdf(render_docx(sample_submission()), pdfa=True)
    assert b"pdfaid:part" in pdf
