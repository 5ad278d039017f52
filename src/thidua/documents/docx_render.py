"""Render an :class:`~thidua.documents.spec.OfficialDocument` to .docx (python-docx).

Layout follows Nghị định 30/2020/NĐ-CP, Phụ lục I (thể thức và kỹ thuật trình bày văn bản hành chính):
A4, Times New Roman, the issuer and "Số" at the top left, Quốc hiệu, Tiêu ngữ and the place-date line at
the top right, title and trích yếu centred, body, signatures, "Nơi nhận" at the bottom left, page numbers
at the top centre from page 2.

The output is meant to be edited in Word afterwards: body paragraphs use the "Body Text" style, so a
new paragraph typed by a user keeps the official format.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from .formats import type_name
from .spec import (
    BulletList,
    Heading,
    OfficialDocument,
    PageBreak,
    Paragraph,
    SignatureBlock,
    Table,
)

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
NOI_NHAN = "Nơi nhận:"

# Advance width of TIEU_NGU in Times New Roman Bold (and the metric-compatible Liberation Serif Bold), in
# ems: measured on a rendered PDF. Used to make the rule under the Tiêu ngữ as long as the line of text,
# as NĐ 30/2020 requires.
_TIEU_NGU_WIDTH_EM = 12.23

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


@dataclass(frozen=True)
class PageSetup:
    """Page and type settings; the defaults sit inside the ranges of NĐ 30/2020, Phụ lục I.

    Margins: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm. Body text 13–14 pt, line
    spacing from single to 1.5 lines, at least 6 pt between paragraphs, first-line indent 1 or 1.27 cm.
    ``landscape`` is for wide tables (bảng tổng hợp), which the decree allows on A4 landscape.
    """

    width_mm: float = 210.0
    height_mm: float = 297.0
    landscape: bool = False
    top_mm: float = 20.0
    bottom_mm: float = 20.0
    left_mm: float = 30.0
    right_mm: float = 15.0
    header_distance_mm: float = 10.0
    font_name: str = "Times New Roman"
    body_size_pt: float = 14.0
    table_size_pt: float = 13.0
    line_spacing: float = 1.15
    space_after_pt: float = 6.0
    first_line_indent_mm: float = 12.7
    header_left_mm: float = 72.0  # issuer column of the header; the rest goes to Quốc hiệu
    # Header sizes. At 13 pt the Quốc hiệu is 95 mm wide and would crowd the issuer column, so 12 pt.
    issuer_size_pt: float = 12.0  # tên cơ quan chủ quản / ban hành: 12–13
    quoc_hieu_size_pt: float = 12.0  # 12–13
    tieu_ngu_size_pt: float = 13.0  # 13–14
    number_size_pt: float = 13.0  # "Số": 13
    date_size_pt: float = 14.0  # địa danh, ngày tháng: 13–14
    signature_space_mm: float = 25.0  # room for the hand signature and the seal
    language: str = "vi-VN"

    def __post_init__(self) -> None:
        checks = [
            (20 <= self.top_mm <= 25, "lề trên phải từ 20 đến 25 mm"),
            (20 <= self.bottom_mm <= 25, "lề dưới phải từ 20 đến 25 mm"),
            (30 <= self.left_mm <= 35, "lề trái phải từ 30 đến 35 mm"),
            (15 <= self.right_mm <= 20, "lề phải phải từ 15 đến 20 mm"),
            (13 <= self.body_size_pt <= 14, "cỡ chữ nội dung phải từ 13 đến 14"),
            (1.0 <= self.line_spacing <= 1.5, "giãn dòng phải từ 1 đến 1,5 dòng"),
            (self.space_after_pt >= 6, "khoảng cách đoạn phải từ 6 pt trở lên"),
            (12 <= self.issuer_size_pt <= 13, "cỡ chữ tên cơ quan phải từ 12 đến 13"),
            (12 <= self.quoc_hieu_size_pt <= 13, "cỡ chữ Quốc hiệu phải từ 12 đến 13"),
            (13 <= self.tieu_ngu_size_pt <= 14, "cỡ chữ Tiêu ngữ phải từ 13 đến 14"),
            (13 <= self.date_size_pt <= 14, "cỡ chữ địa danh, ngày tháng phải từ 13 đến 14"),
        ]
        errors = [msg for ok, msg in checks if not ok]
        if errors:
            raise ValueError("Định dạng trang trái Nghị định 30/2020/NĐ-CP: " + "; ".join(errors) + ".")

    @property
    def page_width_mm(self) -> float:
        return self.height_mm if self.landscape else self.width_mm

    @property
    def page_height_mm(self) -> float:
        return self.width_mm if self.landscape else self.height_mm

    @property
    def text_width_mm(self) -> float:
        return self.page_width_mm - self.left_mm - self.right_mm


DEFAULT_PAGE = PageSetup()


def render_docx(doc: OfficialDocument, page: PageSetup = DEFAULT_PAGE) -> bytes:
    """Build the .docx of ``doc`` and return its bytes."""
    return _Renderer(doc, page).render()


# --------------------------------------------------------------------------- low-level XML helpers


def _set_rfonts(rpr, name: str) -> None:
    """Point every script slot at ``name``: Word picks eastAsia/cs for some Vietnamese runs."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def _set_lang(rpr, lang: str) -> None:
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    for attr in ("w:val", "w:eastAsia"):
        el.set(qn(attr), lang)


def _bottom_border(paragraph: DocxParagraph, size_eighths: int = 6, space_pt: int = 1) -> None:
    """A solid rule under the paragraph, spanning its indents (how the decree's short rules are drawn)."""
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), str(space_pt))
    bottom.set(qn("w:color"), "000000")
    pbdr.append(bottom)
    # CT_PPr is a sequence: pBdr must precede shd/tabs/spacing/ind/jc..., so insert it early.
    anchor = None
    for tag in (
        "w:shd",
        "w:tabs",
        "w:suppressAutoHyphens",
        "w:spacing",
        "w:ind",
        "w:jc",
        "w:outlineLvl",
        "w:rPr",
    ):
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(pbdr)
    else:
        ppr.append(pbdr)


def _outline_level(paragraph: DocxParagraph, level: int) -> None:
    """Make a heading show in Word's navigation pane without using the blue built-in heading styles."""
    ppr = paragraph._p.get_or_add_pPr()
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(max(0, min(level - 1, 8))))
    ppr.append(el)


def _table_borders(table: DocxTable, visible: bool) -> None:
    tblpr = table._tbl.tblPr
    old = tblpr.find(qn("w:tblBorders"))
    if old is not None:
        tblpr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        if visible:
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    # Schema order in tblPr: ... tblW, jc, ..., tblBorders, shd, tblLayout, tblCellMar, tblLook.
    anchor = None
    for tag in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"):
        anchor = tblpr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        tblpr.append(borders)


def _table_cell_margins(table: DocxTable, left_mm: float, right_mm: float) -> None:
    tblpr = table._tbl.tblPr
    mar = tblpr.find(qn("w:tblCellMar"))
    if mar is None:
        mar = OxmlElement("w:tblCellMar")
        look = tblpr.find(qn("w:tblLook"))
        if look is not None:
            look.addprevious(mar)
        else:
            tblpr.append(mar)
    for side, mm in (("top", 0), ("left", left_mm), ("bottom", 0), ("right", right_mm)):
        el = mar.find(qn(f"w:{side}"))
        if el is None:
            el = OxmlElement(f"w:{side}")
            mar.append(el)
        el.set(qn("w:w"), str(round(mm * 1440 / 25.4)))
        el.set(qn("w:type"), "dxa")


def _fix_widths(table: DocxTable, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, written both in the grid (LibreOffice) and in each cell (Word)."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = tblpr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        anchor = None
        for tag in ("w:tblCellMar", "w:tblLook"):
            anchor = tblpr.find(qn(tag))
            if anchor is not None:
                break
        if anchor is not None:
            anchor.addprevious(layout)
        else:
            tblpr.append(layout)
    layout.set(qn("w:type"), "fixed")
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.insert(1, tblw)
    tblw.set(qn("w:w"), str(round(sum(widths_mm) * 1440 / 25.4)))
    tblw.set(qn("w:type"), "dxa")
    for col, mm in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(mm)
    for row in table.rows:
        for cell, mm in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(mm)


def _row_cant_split(table: DocxTable, header: bool = False) -> None:
    for i, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if header and i == 0:
            trpr.append(OxmlElement("w:tblHeader"))


def _add_page_field(paragraph: DocxParagraph, size_pt: float) -> None:
    """A PAGE field, so Word and LibreOffice print the current page number."""

    def run_with(el):
        run = paragraph.add_run()
        run.font.size = Pt(size_pt)
        run._r.append(el)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    cached = paragraph.add_run("2")
    cached.font.size = Pt(size_pt)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _estimate_width_mm(text: str, size_pt: float) -> float:
    """Rough width of one line of bold Times text; only used to size short decorative rules."""
    ems = sum(0.72 if ch.isupper() else 0.25 if ch.isspace() else 0.5 for ch in text)
    return ems * size_pt * 25.4 / 72


# --------------------------------------------------------------------------- renderer


class _Renderer:
    def __init__(self, spec: OfficialDocument, page: PageSetup) -> None:
        self.spec = spec
        self.page = page
        self.doc = Document()
        self.body_size = page.body_size_pt

    # ---- entry point

    def render(self) -> bytes:
        self._setup_styles()
        self._setup_section()
        self._header_block()
        self._title_block()
        for block in self.spec.blocks:
            self._block(block)
        self._signatures_and_recipients()
        self._core_properties()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    # ---- document-wide settings

    def _setup_styles(self) -> None:
        page = self.page
        styles = self.doc.styles
        # Document defaults: every style without its own font falls back to Times New Roman, Vietnamese.
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_rfonts(rpr, page.font_name)
        _set_lang(rpr, page.language)
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is not None:
                el.set(qn("w:val"), str(round(page.body_size_pt * 2)))
        ppr_default = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = ppr_default.find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")

        normal = styles["Normal"]
        normal.font.name = page.font_name
        normal.font.size = Pt(page.body_size_pt)
        normal.font.color.rgb = RGBColor(0, 0, 0)
        nrpr = normal.element.get_or_add_rPr()
        _set_rfonts(nrpr, page.font_name)
        _set_lang(nrpr, page.language)
        pf = normal.paragraph_format
        pf.space_before = Pt(0)
        pf.space_after = Pt(0)
        pf.line_spacing = 1.0

        body = styles["Body Text"]
        bpf = body.paragraph_format
        bpf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        bpf.first_line_indent = Mm(page.first_line_indent_mm)
        bpf.space_before = Pt(0)
        bpf.space_after = Pt(page.space_after_pt)
        bpf.line_spacing = page.line_spacing
        bpf.widow_control = True

    def _setup_section(self) -> None:
        page = self.page
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE if page.landscape else WD_ORIENT.PORTRAIT
        section.page_width = Mm(page.page_width_mm)
        section.page_height = Mm(page.page_height_mm)
        section.top_margin = Mm(page.top_mm)
        section.bottom_margin = Mm(page.bottom_mm)
        section.left_margin = Mm(page.left_mm)
        section.right_margin = Mm(page.right_mm)
        section.header_distance = Mm(page.header_distance_mm)
        section.footer_distance = Mm(page.header_distance_mm)
        section.gutter = Mm(0)

        # Page numbers: Arabic, top centre, not on the first page (NĐ 30/2020, Phụ lục I).
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False
        first = section.first_page_header.paragraphs[0]
        first.text = ""
        header = section.header
        header.is_linked_to_previous = False
        p = header.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_page_field(p, self.body_size)

    def _core_properties(self) -> None:
        cp = self.doc.core_properties
        title = " ".join(f"{self.spec.title} {self.spec.subtitle or ''}".split())
        cp.title = title or type_name(self.spec.type_key)
        cp.subject = type_name(self.spec.type_key)
        issuer = " ".join(self.spec.issuer.split())
        cp.author = issuer
        cp.last_modified_by = issuer
        cp.language = self.page.language
        cp.comments = ""
        cp.keywords = ""
        cp.revision = 1
        stamp = datetime.combine(self.spec.date, time(0, 0))
        cp.created = stamp
        cp.modified = stamp

    # ---- paragraph helpers

    def _text(
        self,
        paragraph: DocxParagraph,
        text: str,
        *,
        size: float | None = None,
        bold: bool = False,
        italic: bool = False,
    ) -> None:
        """Append ``text`` to ``paragraph``; "\\n" becomes a line break inside the paragraph."""
        for i, line in enumerate(text.split("\n")):
            run = paragraph.add_run()
            if i:
                run.add_break()
            run.add_text(line)
            run.font.size = Pt(size or self.body_size)
            run.bold = bold or None
            run.italic = italic or None

    def _layout_paragraph(
        self,
        container,
        text: str = "",
        *,
        size: float | None = None,
        bold: bool = False,
        italic: bool = False,
        align: str = "center",
        before: float = 0,
        after: float = 0,
        first: bool = False,
    ) -> DocxParagraph:
        """A single-spaced paragraph for header, signature and table cells (style Normal)."""
        if first and container.paragraphs and not container.paragraphs[0].text:
            p = container.paragraphs[0]
        else:
            p = container.add_paragraph()
        pf = p.paragraph_format
        pf.alignment = _ALIGN[align]
        pf.space_before = Pt(before)
        pf.space_after = Pt(after)
        pf.line_spacing = 1.0
        if text:
            self._text(p, text, size=size, bold=bold, italic=italic)
        return p

    def _rule(self, container, length_mm: float, avail_mm: float, *, before: float = 0) -> DocxParagraph:
        """A short centred rule: an empty 1-pt paragraph whose bottom border is narrowed by indents."""
        p = self._layout_paragraph(container, before=before)
        side = max(0.0, (avail_mm - length_mm) / 2)
        pf = p.paragraph_format
        pf.left_indent = Mm(side)
        pf.right_indent = Mm(side)
        pf.line_spacing = Pt(1)
        run = p.add_run("")
        run.font.size = Pt(1)
        _bottom_border(p, size_eighths=6, space_pt=0)
        # An empty paragraph's height comes from its paragraph mark: make the mark 1 pt too.
        mark = p._p.get_or_add_pPr()
        rpr = OxmlElement("w:rPr")
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), "2")
        rpr.append(sz)
        mark.append(rpr)
        return p

    def _borderless_table(self, widths_mm: Sequence[float], rows: int = 1) -> DocxTable:
        table = self.doc.add_table(rows=rows, cols=len(widths_mm))
        _table_borders(table, visible=False)
        _table_cell_margins(table, 0.5, 0.5)
        _fix_widths(table, widths_mm)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        return table

    # ---- header (Quốc hiệu, Tiêu ngữ, tên cơ quan, số ký hiệu, địa danh ngày tháng)

    def _header_block(self) -> None:
        spec, page = self.spec, self.page
        left_w = page.header_left_mm
        right_w = page.text_width_mm - left_w
        table = self._borderless_table([left_w, right_w], rows=2)
        (issuer_cell, nation_cell), (number_cell, date_cell) = (r.cells for r in table.rows)

        # Tên cơ quan chủ quản (12–13, regular caps) and tên cơ quan ban hành (12–13, bold caps), rule 1/3–1/2.
        size = page.issuer_size_pt
        if spec.issuer_parent:
            self._layout_paragraph(issuer_cell, spec.issuer_parent.upper(), size=size, first=True)
        self._layout_paragraph(issuer_cell, spec.issuer.upper(), size=size, bold=True, first=True)
        longest = max(_estimate_width_mm(line, size) for line in spec.issuer.upper().split("\n"))
        inner_left = left_w - 1
        self._rule(issuer_cell, max(15.0, min(longest, inner_left) * 0.4), inner_left, before=3)

        # Quốc hiệu (12–13 bold caps), Tiêu ngữ (13–14 bold) with a rule as long as the line.
        self._layout_paragraph(nation_cell, QUOC_HIEU, size=page.quoc_hieu_size_pt, bold=True, first=True)
        tn_size = page.tieu_ngu_size_pt
        tieu_ngu = self._layout_paragraph(nation_cell, TIEU_NGU, size=tn_size, bold=True)
        inner_right = right_w - 1
        # 2 mm of slack: without it a rounding difference wraps "phúc" onto a second line.
        tn_width = _TIEU_NGU_WIDTH_EM * tn_size * 25.4 / 72 + 2
        side = max(0.0, (inner_right - tn_width) / 2)
        tieu_ngu.paragraph_format.left_indent = Mm(side)
        tieu_ngu.paragraph_format.right_indent = Mm(side)
        _bottom_border(tieu_ngu, size_eighths=6, space_pt=1)

        # Số, ký hiệu (13, regular) and địa danh, ngày tháng năm (13–14, italic), on one line.
        if spec.show_number:
            self._layout_paragraph(
                number_cell, spec.number_line, size=page.number_size_pt, before=6, first=True
            )
        self._layout_paragraph(
            date_cell, spec.date_line, size=page.date_size_pt, italic=True, before=6, first=True
        )
        for cell in (issuer_cell, nation_cell, number_cell, date_cell):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP

    def _title_block(self) -> None:
        """Tên loại (13–14 bold caps) and trích yếu (13–14 bold), centred, a short rule under."""
        spec = self.spec
        if spec.title:
            self._layout_paragraph(self.doc, spec.title.upper(), size=14, bold=True, before=18, after=0)
        if spec.subtitle:
            self._layout_paragraph(self.doc, spec.subtitle, size=14, bold=True, after=0)
            longest = max(_estimate_width_mm(line, 14) for line in spec.subtitle.split("\n"))
            self._rule(self.doc, max(20.0, min(longest * 0.4, 60.0)), self.page.text_width_mm, before=3)
        # Breathing room before the body.
        self._layout_paragraph(self.doc, after=6)

    # ---- body

    def _block(self, block) -> None:
        if isinstance(block, Heading):
            self._heading(block)
        elif isinstance(block, Paragraph):
            self._paragraph(block)
        elif isinstance(block, BulletList):
            for item in block.items:
                self._paragraph(Paragraph(f"{block.bullet} {item}"))
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, PageBreak):
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            raise TypeError(f"Khối nội dung không hỗ trợ: {type(block).__name__}")

    def _heading(self, h: Heading) -> None:
        p = self.doc.add_paragraph(style="Body Text")
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.space_before = Pt(6)
        self._text(p, h.text, bold=True, italic=h.level >= 3)
        _outline_level(p, h.level)

    def _paragraph(self, para: Paragraph) -> None:
        p = self.doc.add_paragraph(style="Body Text")
        p.paragraph_format.alignment = _ALIGN[para.align]
        if not para.indent:
            p.paragraph_format.first_line_indent = Mm(0)
        self._text(p, para.text, bold=para.bold, italic=para.italic)

    def _table(self, t: Table) -> None:
        size = t.font_size_pt or self.page.table_size_pt
        n = len(t.columns)
        widths = list(t.widths_mm) if t.widths_mm else [self.page.text_width_mm / n] * n
        aligns = list(t.aligns) if t.aligns else ["left"] * n
        table = self.doc.add_table(rows=1 + len(t.rows), cols=n)
        _table_borders(table, visible=True)
        _table_cell_margins(table, 1.5, 1.5)
        _fix_widths(table, widths)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _row_cant_split(table, header=True)
        for cell, text in zip(table.rows[0].cells, t.columns, strict=True):
            self._cell(cell, text, size=size, bold=t.header_bold, align="center")
        for row, values in zip(table.rows[1:], t.rows, strict=True):
            for cell, text, align in zip(row.cells, values, aligns, strict=True):
                self._cell(cell, text, size=size, align=align)
        self._layout_paragraph(self.doc, after=6)  # keeps the next table from merging with this one

    def _cell(self, cell: _Cell, text: str, *, size: float, bold: bool = False, align: str = "left") -> None:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        self._layout_paragraph(
            cell, str(text), size=size, bold=bold, align=align, before=2, after=2, first=True
        )

    # ---- signatures and Nơi nhận

    def _signature(self, top: _Cell, bottom: _Cell, sig: SignatureBlock, size: float) -> None:
        """Quyền hạn, chức vụ (13–14 bold caps) in ``top``; chữ ký, họ tên (13–14 bold) in ``bottom``.

        In a grid, ``top`` and ``bottom`` are cells of two table rows, so that the names of one grid row
        line up even when one title wraps onto more lines than its neighbours.
        """
        space_pt = self.page.signature_space_mm * 72 / 25.4
        name_before = space_pt
        for line in (sig.authority, sig.unit, sig.title):
            if line:
                p = self._layout_paragraph(top, line.upper(), size=size, bold=True, first=True)
                p.paragraph_format.keep_with_next = True
        if sig.signed_note:
            name_before = max(0.0, space_pt / 2 - 8)
            self._layout_paragraph(
                bottom, sig.signed_note, size=size, italic=True, before=name_before, first=True
            )
        self._layout_paragraph(bottom, sig.name, size=size, bold=True, before=name_before, first=True)

    def _recipients(self, container, *, first: bool) -> None:
        """Heading "Nơi nhận:" (12, bold italic) then one line per recipient (11), ";" between, "." at the end."""
        self._layout_paragraph(
            container, NOI_NHAN, size=12, bold=True, italic=True, align="left", first=first
        )
        items = list(self.spec.recipients)
        for i, item in enumerate(items):
            text = item.strip().lstrip("-").strip().rstrip(";.")
            end = "." if i == len(items) - 1 else ";"
            self._layout_paragraph(container, f"- {text}{end}", size=11, align="left")

    def _signatures_and_recipients(self) -> None:
        spec, page = self.spec, self.page
        sigs = spec.signatures
        if len(sigs) <= 1:
            if not sigs and not spec.recipients:
                return
            self._layout_paragraph(self.doc, after=6)
            left_w = page.header_left_mm
            table = self._borderless_table([left_w, page.text_width_mm - left_w])
            _row_cant_split(table)
            left, right = table.rows[0].cells
            if spec.recipients:
                self._recipients(left, first=True)
            if sigs:
                self._signature(right, right, sigs[0], self.body_size)
            return

        cols = min(spec.signature_columns, len(sigs))
        col_w = page.text_width_mm / cols
        # Narrow columns: the smaller size the decree allows, so "TM. ỦY BAN NHÂN DÂN" stays on one line.
        size = self.body_size if cols <= 2 else 13.0
        self._layout_paragraph(self.doc, after=6)
        for chunk in _chunks(sigs, cols):
            # One table per grid row, centred, so a short last row sits in the middle; its two table
            # rows (titles, then signature space and names) are kept on one page.
            table = self._borderless_table([col_w] * len(chunk), rows=2)
            _row_cant_split(table)
            for top, bottom, sig in zip(table.rows[0].cells, table.rows[1].cells, chunk, strict=True):
                self._signature(top, bottom, sig, size)
            self._layout_paragraph(self.doc, after=12)
        if spec.recipients:
            self._recipients(self.doc, first=False)


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
