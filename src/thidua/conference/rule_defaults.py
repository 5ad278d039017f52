"""Default ballot rules by kind and legal regime (STYLE.md rule 5: rules are data with their citations).

A ballot copies its rule from here when it is created; the secretariat may change any value of a
ballot in draft. The awards app, once it provides `proposal_quota`, takes precedence for the number of
proposals (see `adapters.proposal_quota`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

FLAG = "co-thi-dua-chinh-phu"
PM_CERTIFICATE = "bang-khen-thu-tuong"

AWARD_LABELS = {
    FLAG: _("Cờ thi đua của Chính phủ"),
    PM_CERTIFICATE: _("Bằng khen của Thủ tướng Chính phủ"),
}

# Organisers whose clusters fall under Law 06/2022 Điều 25 khoản 2 (clusters organised by the Central
# Emulation & Commendation Council). Data: add the code of any other central council unit here.
CENTRAL_COUNCIL_CODES = frozenset({"HDTDKT-TW"})

# Where a cluster sends its results (DOMAIN.md §3 step 7): the organiser, through its standing body when it has
# one (Ban Thi đua – Khen thưởng Trung ương is the standing body of the central council: recalled, not
# re-read in the law; data, keyed by unit code). The report is addressed "<organiser> (qua <standing body>)".
STANDING_BODY_CODES = {"HDTDKT-TW": "BTDKT-TW"}

VERIFIED, HISTORIC, UNCONFIRMED = "VERIFIED", "HISTORIC", "UNCONFIRMED"


@dataclass(frozen=True)
class QuotaRule:
    award_code: str
    from_year: int
    to_year: int | None
    central_only: bool | None  # True: only central-council clusters; False: only others; None: any
    max_count: int | None
    legal_basis: str
    status: str


# Ordered: the first matching rule applies.
QUOTA_RULES: tuple[QuotaRule, ...] = (
    QuotaRule(FLAG, 2024, None, True, 1,
              "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 25 khoản 2: Cờ thi đua của Chính phủ tặng hằng năm "
              "cho tập thể dẫn đầu cụm, khối thi đua do Hội đồng Thi đua – Khen thưởng Trung ương tổ chức.", VERIFIED),
    QuotaRule(FLAG, 2024, None, False, 1,
              "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 25 khoản 1 (số lượng tối đa theo quy định của "
              "cơ quan tổ chức; chưa có văn bản quy định số lượng, cụm đề nghị 1).", UNCONFIRMED),
    QuotaRule(FLAG, 1900, 2023, None, 2,
              "Thông lệ của cụm trước ngày 01/01/2024 (Luật Thi đua, khen thưởng 2003; các hội nghị tổng kết năm "
              "2014 và 2020 đề nghị 2 Cờ thi đua của Chính phủ).", HISTORIC),
    QuotaRule(PM_CERTIFICATE, 2024, None, None, 2,
              "Chưa có văn bản trung ương quy định số lượng; theo thông lệ của cụm (2).", UNCONFIRMED),
    QuotaRule(PM_CERTIFICATE, 1900, 2023, None, 2,
              "Thông lệ của cụm trước ngày 01/01/2024 (các hội nghị tổng kết năm 2014 và 2020 đề nghị 2 Bằng khen "
              "của Thủ tướng Chính phủ).", HISTORIC),
)


def default_quota(*, year: int, award_code: str, organiser_code: str) -> QuotaRule | None:
    central = organiser_code in CENTRAL_COUNCIL_CODES
    for rule in QUOTA_RULES:
        if rule.award_code != award_code or year < rule.from_year:
            continue
        if rule.to_year is not None and year > rule.to_year:
            continue
        if rule.central_only is not None and rule.central_only != central:
            continue
        return rule
    return None


# Vote thresholds and bases: no current central text (DOMAIN.md §4, UNCONFIRMED) — cluster practice.
THRESHOLD_BASIS = ("Ngưỡng, cơ sở tính và cách xử lý khi bằng phiếu: chưa có văn bản trung ương quy định; "
                   "theo quy chế, thông lệ của cụm.")
LEADERSHIP_BASIS = ("Hướng dẫn số 1122/HD-BTĐKT (2011) và 2819/HD-BTĐKT (2014) của Ban Thi đua – Khen thưởng Trung ương: "
                    "cụm trưởng, cụm phó do các thành viên bầu, luân phiên, nhiệm kỳ 1 năm.")
QUORUM_BASIS = "Thông tư 08/2017/TT-BNV (họp Hội đồng khi có ít nhất 2/3 thành viên dự), áp dụng tương tự."
QUORUM_BASIS_BEFORE = "Quy chế hoạt động, thông lệ của cụm (có ít nhất 2/3 số thành viên dự)."
# Thông tư 08/2017/TT-BNV was issued on 27/10/2017; its date of effect (15/12/2017) is recalled, not re-read
# (UNCONFIRMED): a conference held before it cannot cite it.
QUORUM_BASIS_FROM = date(2017, 12, 15)


def quorum_basis(*, on: date) -> str:
    """The basis cited for the quorum of a conference held on `on` (versioned by date: STYLE.md rule 5)."""
    return QUORUM_BASIS if on >= QUORUM_BASIS_FROM else QUORUM_BASIS_BEFORE
