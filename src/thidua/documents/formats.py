"""Formatting rules for Vietnamese official documents (Nghị định 30/2020/NĐ-CP, Phụ lục I).

Pure functions, no Django: dates, number and symbol ("Số: 12/TTr-UBND"), money and decimals.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# Type of document -> (tên loại văn bản, chữ viết tắt). The abbreviations are those of
# NĐ 30/2020/NĐ-CP, Phụ lục III ("Bảng chữ viết tắt tên loại văn bản"); a later edition of the
# decree may add entries here, which is data, not logic.
DOCUMENT_TYPE_CODES: dict[str, tuple[str, str]] = {
    "nghi_quyet": ("Nghị quyết", "NQ"),
    "quyet_dinh": ("Quyết định", "QĐ"),
    "chi_thi": ("Chỉ thị", "CT"),
    "quy_che": ("Quy chế", "QC"),
    "quy_dinh": ("Quy định", "QyĐ"),
    "thong_cao": ("Thông cáo", "TC"),
    "thong_bao": ("Thông báo", "TB"),
    "huong_dan": ("Hướng dẫn", "HD"),
    "chuong_trinh": ("Chương trình", "CTr"),
    "ke_hoach": ("Kế hoạch", "KH"),
    "phuong_an": ("Phương án", "PA"),
    "de_an": ("Đề án", "ĐA"),
    "du_an": ("Dự án", "DA"),
    "bao_cao": ("Báo cáo", "BC"),
    "bien_ban": ("Biên bản", "BB"),
    "to_trinh": ("Tờ trình", "TTr"),
    "hop_dong": ("Hợp đồng", "HĐ"),
    "cong_dien": ("Công điện", "CĐ"),
    "ban_ghi_nho": ("Bản ghi nhớ", "GN"),
    "ban_thoa_thuan": ("Bản thỏa thuận", "TTh"),
    "giay_uy_quyen": ("Giấy ủy quyền", "GUQ"),
    "giay_moi": ("Giấy mời", "GM"),
    "giay_gioi_thieu": ("Giấy giới thiệu", "GGT"),
    "giay_nghi_phep": ("Giấy nghỉ phép", "NP"),
    "phieu_gui": ("Phiếu gửi", "PG"),
    "phieu_chuyen": ("Phiếu chuyển", "PC"),
    "phieu_bao": ("Phiếu báo", "PB"),
    # Not in NĐ 30/2020 Phụ lục III: the covenant is not a listed administrative document type.
    # "GƯ" is the abbreviation emulation clusters use in practice; change it here if a cluster uses another.
    "giao_uoc": ("Giao ước thi đua", "GƯ"),
}

# Blank left for the number when a draft is printed and numbered by hand at the Văn thư.
DRAFT_NUMBER_BLANK = " " * 6


def vn_day_month(d: date) -> tuple[str, str]:
    """Day and month as written in official documents.

    NĐ 30/2020, Phụ lục I: days below 10 and the months 1 and 2 take a leading zero
    (so that "tháng 1" cannot later be turned into "tháng 11"); the other months do not.
    """
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return day, month


def vn_date(d: date) -> str:
    """Date as written in the text: "ngày 09 tháng 4 năm 2021" (NĐ 30/2020, Phụ lục I)."""
    day, month = vn_day_month(d)
    return f"ngày {day} tháng {month} năm {d.year}"


def vn_date_line(place: str, d: date) -> str:
    """Địa danh và thời điểm ban hành: "Hà Nội, ngày 09 tháng 4 năm 2021"."""
    return f"{place}, {vn_date(d)}"


def type_code(type_key: str) -> str:
    """Abbreviation of a document type ("to_trinh" -> "TTr")."""
    try:
        return DOCUMENT_TYPE_CODES[type_key][1]
    except KeyError:
        raise ValueError(f"Loại văn bản không xác định: {type_key!r}") from None


def type_name(type_key: str) -> str:
    """Name of a document type ("to_trinh" -> "Tờ trình")."""
    try:
        return DOCUMENT_TYPE_CODES[type_key][0]
    except KeyError:
        raise ValueError(f"Loại văn bản không xác định: {type_key!r}") from None


def number_symbol(number: int | None, type_code: str, issuer_code: str, *, zero_pad: bool = True) -> str:
    """Số, ký hiệu: "Số: 12/TTr-UBND" (NĐ 30/2020, Phụ lục I).

    ``number`` None means a draft: a blank is left for the number given at registration.
    Numbers below 10 take a leading zero ("Số: 05/BC-UBND"): the presentation rules of the decree
    say so for "Số" (recalled, not re-read: hence ``zero_pad`` can switch it off).
    """
    symbol = f"{type_code}-{issuer_code}" if issuer_code else type_code
    if number is None:
        return f"Số:{DRAFT_NUMBER_BLANK}/{symbol}"
    if number < 1:
        raise ValueError("Số văn bản phải là số nguyên dương.")
    return f"Số: {number:02d}/{symbol}" if zero_pad else f"Số: {number}/{symbol}"


def _group_thousands(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return ".".join(groups)


def _to_decimal(x: int | float | Decimal | str) -> Decimal:
    # str() of a float is its shortest repr, so 2.675 stays 2.675 instead of 2.67499999...
    return x if isinstance(x, Decimal) else Decimal(str(x))


def format_decimal(x: int | float | Decimal | str, places: int = 1) -> str:
    """Vietnamese number: dot between thousands, comma before decimals ("1.234,5", "51,4").

    Rounds half up (the way people round by hand), not half to even.
    """
    value = _to_decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _, frac = text.partition(".")
    out = sign + _group_thousands(whole)
    if places > 0:
        out += "," + frac
    return out


def format_vnd(n: int | float | Decimal | str) -> str:
    """Amount in đồng, no decimals: 774000 -> "774.000"."""
    return format_decimal(n, 0)
