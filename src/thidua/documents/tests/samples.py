"""Sample documents for the rendering tests (fictional signatories; cities from DOMAIN.md §2)."""

from __future__ import annotations

from datetime import date

from thidua.documents.formats import format_decimal, format_vnd
from thidua.documents.spec import (
    BulletList,
    Heading,
    OfficialDocument,
    Paragraph,
    SignatureBlock,
    Table,
)

# Every Vietnamese vowel with every tone mark, đ, and the capitals: must survive .docx and PDF unchanged.
VIETNAMESE_LETTERS = "ăâđêôơư àáảãạ èéẻẽẹ ìíỉĩị òóỏõọ ùúủũụ ắằẳẵặ ấầẩẫậ ếềểễệ ốồổỗộ ớờởỡợ ứừửữự ỳỷỹỵý"
VIETNAMESE_TEST_STRING = f"{VIETNAMESE_LETTERS} {VIETNAMESE_LETTERS.upper()}"

MEMBERS = [
    ("THÀNH PHỐ HÀ NỘI", "Nguyễn Văn An"),
    ("THÀNH PHỐ HỒ CHÍ MINH", "Trần Thị Bình"),
    ("THÀNH PHỐ HẢI PHÒNG", "Lê Văn Cường"),
    ("THÀNH PHỐ ĐÀ NẴNG", "Phạm Thị Dung"),
    ("THÀNH PHỐ CẦN THƠ", "Hoàng Văn Giang"),
    ("THÀNH PHỐ HUẾ", "Võ Thị Hạnh"),
    ("THÀNH VIÊN THỬ BẢY", "Đặng Văn Khánh"),
]


def sample_covenant(members: int = 6, signature_columns: int = 2) -> OfficialDocument:
    """A covenant-like document: several pages of body, a table, one signature per member."""
    cities = "Hà Nội, Thành phố Hồ Chí Minh, Hải Phòng, Đà Nẵng, Cần Thơ và Huế"
    blocks = [
        Paragraph(
            "Căn cứ Luật Thi đua, khen thưởng năm 2022; căn cứ kế hoạch tổ chức phong trào thi đua của "
            f"Cụm thi đua các thành phố trực thuộc Trung ương, các thành phố {cities} cùng ký kết "
            "giao ước thi đua với các nội dung sau:",
            italic=True,
        ),
        Heading("I. MỤC ĐÍCH, YÊU CẦU", 1),
        BulletList(
            [
                "Đẩy mạnh phong trào thi đua yêu nước, hoàn thành thắng lợi các chỉ tiêu kinh tế - xã hội;",
                "Nội dung thi đua thiết thực, hiệu quả, phù hợp với đặc điểm của từng thành phố.",
            ]
        ),
        Heading("II. NỘI DUNG GIAO ƯỚC", 1),
        Heading("1. Thi đua phát triển kinh tế", 2),
        Paragraph(
            f"Tổng thu ngân sách của các thành phố đạt {format_vnd(774000)} tỷ đồng, chiếm "
            f"{format_decimal(51.4, 1)}% tổng thu ngân sách cả nước; kim ngạch xuất khẩu đạt "
            f"{format_decimal(99.6, 1)} tỷ USD, chiếm {format_decimal(35.4, 1)}% cả nước."
        ),
        Paragraph(f"Kiểm tra bộ chữ tiếng Việt: {VIETNAMESE_TEST_STRING}"),
        Table(
            columns=["TT", "Nội dung thi đua", "Điểm tối đa"],
            rows=[
                ["1", "Thực hiện các chỉ tiêu kinh tế - xã hội", "40"],
                ["2", "Cải cách hành chính, chuyển đổi số", "20"],
                ["3", "Công tác thi đua, khen thưởng", "20"],
                ["4", "Văn hóa - xã hội, quốc phòng - an ninh", "20"],
                ["", "Tổng cộng", "100"],
            ],
            widths_mm=[15, 115, 35],
            aligns=["center", "left", "center"],
        ),
        Heading("2. Thi đua cải cách hành chính", 2),
    ]
    for i in range(1, 13):
        blocks.append(
            Paragraph(
                f"Nội dung thứ {i}: các thành phố tiếp tục đẩy mạnh cải cách thủ tục hành chính, "
                "nâng cao chất lượng phục vụ người dân và doanh nghiệp; phát huy tinh thần làm chủ, "
                "sáng tạo và trách nhiệm; huy động mọi nguồn lực hướng về cơ sở; tổ chức sơ kết, "
                "tổng kết, nhân rộng các điển hình tiên tiến trong phong trào thi đua."
            )
        )
    blocks += [
        Heading("III. TỔ CHỨC THỰC HIỆN", 1),
        Heading("Trách nhiệm của Trưởng Cụm", 3),
        Paragraph("Giao ước này được lập thành bản có giá trị như nhau, mỗi thành phố giữ một bản."),
    ]
    signatures = [
        SignatureBlock(authority="TM. ỦY BAN NHÂN DÂN", unit=unit, title="CHỦ TỊCH", name=name)
        for unit, name in MEMBERS[:members]
    ]
    return OfficialDocument(
        issuer_parent="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG",
        issuer="CỤM THI ĐUA CÁC THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG",
        type_key="giao_uoc",
        number=None,
        issuer_code="CTĐ",
        place="Hà Nội",
        date=date(2025, 2, 5),
        title="GIAO ƯỚC THI ĐUA",
        subtitle="Năm 2025",
        blocks=blocks,
        signatures=signatures,
        recipients=["Ban Thi đua - Khen thưởng Trung ương", "Các thành phố trong Cụm", "Lưu: VT"],
        signature_columns=signature_columns,
    )


def sample_submission() -> OfficialDocument:
    """A Tờ trình with one signature at the right and Nơi nhận at the left."""
    return OfficialDocument(
        issuer_parent=None,
        issuer="ỦY BAN NHÂN DÂN\nTHÀNH PHỐ CẦN THƠ",
        type_key="to_trinh",
        number=12,
        issuer_code="UBND",
        place="Cần Thơ",
        date=date(2015, 3, 24),
        title="TỜ TRÌNH",
        subtitle="Về việc đề nghị tặng Cờ thi đua của Chính phủ",
        blocks=[Paragraph("Kính gửi: Thủ tướng Chính phủ.", indent=False, align="center")],
        signatures=[
            SignatureBlock(
                authority="TM. ỦY BAN NHÂN DÂN", title="CHỦ TỊCH", name="Nguyễn Văn An", signed_note="(Đã ký)"
            )
        ],
        recipients=["Như trên", "Lưu: VT, TĐKT"],
    )


def docx_text(rel: str, *, cells: str = "\n") -> str:
    """The text of a stored .docx for assertions: its paragraphs, then each table row with its cells joined by
    `cells` (one per line by default, or e.g. " | "), one line per row."""
    import io

    import docx

    from thidua.documents.storage import open_stored

    d = docx.Document(io.BytesIO(open_stored(rel).read_bytes()))
    parts = [p.text for p in d.paragraphs]
    parts += [cells.join(c.text for c in row.cells) for t in d.tables for row in t.rows]
    return "\n".join(parts)
