"""Plain description of an official document, independent of any output format.

Services build an :class:`OfficialDocument` from their data; ``docx_render.render_docx`` turns it into
a .docx laid out under Nghị định 30/2020/NĐ-CP, and ``pdf.docx_to_pdf`` into a PDF. Nothing here
touches Django or the database.

Text may contain "\\n" for a forced line break inside one paragraph or cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .formats import number_symbol, type_code, vn_date_line

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Heading:
    """Heading of a part or section ("I. MỤC ĐÍCH, YÊU CẦU"); the caller writes the numbering.

    Level 1 and 2 are bold, level 3 bold italic, all at body size and indented like the body.
    """

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: justified with a first-line indent unless told otherwise."""

    text: str
    bold: bool = False
    italic: bool = False
    indent: bool = True
    align: Align = "justify"


@dataclass(frozen=True)
class BulletList:
    """Items shown as "- item" lines, the dash bullets of Vietnamese administrative writing."""

    items: list[str]
    bullet: str = "-"


@dataclass(frozen=True)
class Table:
    """A bordered table; the header row repeats on every page.

    ``widths_mm`` defaults to equal columns across the text width; ``aligns`` defaults to "left" for
    every body column (header cells are always centred).
    """

    columns: list[str]
    rows: list[list[str]]
    widths_mm: list[float] | None = None
    header_bold: bool = True
    aligns: list[Align] | None = None
    font_size_pt: float | None = None

    def __post_init__(self) -> None:
        n = len(self.columns)
        if n == 0:
            raise ValueError("Bảng phải có ít nhất một cột.")
        if self.widths_mm is not None and len(self.widths_mm) != n:
            raise ValueError("Số độ rộng cột không khớp số cột.")
        if self.aligns is not None and len(self.aligns) != n:
            raise ValueError("Số cách căn lề không khớp số cột.")
        for row in self.rows:
            if len(row) != n:
                raise ValueError(f"Dòng {row!r} có {len(row)} ô, bảng có {n} cột.")


@dataclass(frozen=True)
class PageBreak:
    """Start the next block on a new page."""


Block = Heading | Paragraph | BulletList | Table | PageBreak


@dataclass(frozen=True)
class SignatureBlock:
    """Thẩm quyền ký (NĐ 30/2020, Phụ lục I), printed top to bottom:

    ``authority`` ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"; may be empty), ``unit`` (optional, the rest of
    the collective's name, e.g. "THÀNH PHỐ HÀ NỘI" in a covenant signed by several cities), ``title``
    ("CHỦ TỊCH"), then the space for the signature or ``signed_note`` (e.g. "(Đã ký)"), then ``name``.
    """

    authority: str
    title: str
    name: str
    unit: str | None = None
    signed_note: str | None = None


@dataclass
class OfficialDocument:
    """One administrative document: header, title, body blocks, signatures and Nơi nhận.

    ``signature_columns`` is the width of the grid used when there are several signatures (a covenant
    has one per member, whatever their number). With a single signature, it sits at the right and
    "Nơi nhận" at the left of the same row, as NĐ 30/2020 lays it out.
    """

    issuer_parent: str | None
    issuer: str
    type_key: str
    number: int | None
    issuer_code: str
    place: str
    date: date
    title: str
    subtitle: str | None = None
    blocks: list[Block] = field(default_factory=list)
    signatures: list[SignatureBlock] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature_columns: int = 2
    show_number: bool = True  # False for documents issued without "Số" (some covenants, minutes drafts)

    def __post_init__(self) -> None:
        if self.signature_columns < 1:
            raise ValueError("Số cột chữ ký phải từ 1 trở lên.")
        type_code(self.type_key)  # fail early on an unknown document type

    @property
    def number_line(self) -> str:
        """Number and symbol line, e.g. "Số: 12/TTr-UBND"."""
        return number_symbol(self.number, type_code(self.type_key), self.issuer_code)

    @property
    def date_line(self) -> str:
        """Place and date line, e.g. "Hà Nội, ngày 09 tháng 4 năm 2021"."""
        return vn_date_line(self.place, self.date)
