"""Demo data: the cities' emulation cluster with the facts of the two source articles (shared/seeds),
and a smaller block of another organiser, so that nothing can assume the first.

Facts (DOMAIN.md §2): 2014 head Cần Thơ (conference 24/03/2015 in Cần Thơ); 2015 Hà Nội head, HCM deputy;
2020 conference 09/04/2021 in Hà Nội; 2021 HCM head, Đà Nẵng deputy; Huế a member from 2025; the 2025
provincial mergers as successor links. What the seeds do not say is marked as inferred in `notes`.
"""

from datetime import date

DEMO_PASSWORD = "ThiDua@2026"  # demo only; printed by `make demo`, never used in production

KINDS = [
    ("hoi-dong-tdkt", "Hội đồng Thi đua – Khen thưởng"),
    ("co-quan-trung-uong", "Cơ quan trung ương"),
    ("ban-tdkt", "Ban Thi đua – Khen thưởng"),
    ("thanh-pho-tw", "Thành phố trực thuộc Trung ương"),
    ("tinh", "Tỉnh"),
    ("so-nganh", "Sở, ban, ngành"),
]

NQ_2025 = "Nghị quyết số 202/2025/QH15 về sắp xếp đơn vị hành chính cấp tỉnh (hiệu lực 01/07/2025)"
NQ_HUE = "Nghị quyết số 175/2024/QH15 thành lập thành phố Huế trực thuộc Trung ương (hiệu lực 01/01/2025)"

# code, [(valid_from, valid_to, name, short_name, kind, parent_code, legal_basis)], unit valid_from
UNITS = [
    ("HDTDKT-TW", [(date(2000, 1, 1), None, "Hội đồng Thi đua – Khen thưởng Trung ương", "Hội đồng TĐKT Trung ương",
                    "hoi-dong-tdkt", None, "Luật Thi đua, khen thưởng")]),
    ("BNV", [(date(2000, 1, 1), None, "Bộ Nội vụ", "Bộ Nội vụ", "co-quan-trung-uong", None, "")]),
    ("BTDKT-TW", [(date(2000, 1, 1), None, "Ban Thi đua – Khen thưởng Trung ương", "Ban TĐKT Trung ương",
                   "ban-tdkt", "BNV", "")]),
    ("01", [(date(1976, 7, 2), None, "Thành phố Hà Nội", "Hà Nội", "thanh-pho-tw", None, "")]),
    ("31", [(date(1976, 7, 2), None, "Thành phố Hải Phòng", "Hải Phòng", "thanh-pho-tw", None, "")]),
    ("48", [(date(1997, 1, 1), None, "Thành phố Đà Nẵng", "Đà Nẵng", "thanh-pho-tw", None, "")]),
    ("79", [(date(1976, 7, 2), None, "Thành phố Hồ Chí Minh", "TP Hồ Chí Minh", "thanh-pho-tw", None, "")]),
    ("92", [(date(2004, 1, 1), None, "Thành phố Cần Thơ", "Cần Thơ", "thanh-pho-tw", None, "Nghị quyết số 22/2003/QH11")]),
    ("46", [(date(1989, 7, 1), date(2024, 12, 31), "Tỉnh Thừa Thiên Huế", "Thừa Thiên Huế", "tinh", None, ""),
            (date(2025, 1, 1), None, "Thành phố Huế", "Huế", "thanh-pho-tw", None, NQ_HUE)]),
    # Provinces merged on 01/07/2025 (their history follows the successor).
    ("30", [(date(1997, 1, 1), None, "Tỉnh Hải Dương", "Hải Dương", "tinh", None, "")]),
    ("49", [(date(1997, 1, 1), None, "Tỉnh Quảng Nam", "Quảng Nam", "tinh", None, "")]),
    ("74", [(date(1997, 1, 1), None, "Tỉnh Bình Dương", "Bình Dương", "tinh", None, "")]),
    ("77", [(date(1991, 8, 12), None, "Tỉnh Bà Rịa – Vũng Tàu", "Bà Rịa – Vũng Tàu", "tinh", None, "")]),
    ("93", [(date(2004, 1, 1), None, "Tỉnh Hậu Giang", "Hậu Giang", "tinh", None, "")]),
    ("94", [(date(1992, 4, 1), None, "Tỉnh Sóc Trăng", "Sóc Trăng", "tinh", None, "")]),
    # A second organiser (illustrative, not from the seeds): Cần Thơ's own council and three departments.
    ("HDTDKT-92", [(date(2004, 1, 1), None, "Hội đồng Thi đua – Khen thưởng thành phố Cần Thơ", "Hội đồng TĐKT Cần Thơ",
                    "hoi-dong-tdkt", "92", "")]),
    ("92-STC", [(date(2004, 1, 1), None, "Sở Tài chính thành phố Cần Thơ", "Sở Tài chính", "so-nganh", "92", "")]),
    ("92-SXD", [(date(2004, 1, 1), None, "Sở Xây dựng thành phố Cần Thơ", "Sở Xây dựng", "so-nganh", "92", "")]),
    ("92-SCT", [(date(2004, 1, 1), None, "Sở Công Thương thành phố Cần Thơ", "Sở Công Thương", "so-nganh", "92", "")]),
]

SUCCESSIONS = [
    ("30", "31", "merger", date(2025, 7, 1), NQ_2025),
    ("49", "48", "merger", date(2025, 7, 1), NQ_2025),
    ("74", "79", "merger", date(2025, 7, 1), NQ_2025),
    ("77", "79", "merger", date(2025, 7, 1), NQ_2025),
    ("93", "92", "merger", date(2025, 7, 1), NQ_2025),
    ("94", "92", "merger", date(2025, 7, 1), NQ_2025),
]

CLUSTERS = [
    {
        "code": "TPTW",
        "name": "Cụm thi đua các thành phố trực thuộc Trung ương",
        "kind": "cluster",
        "organiser": "HDTDKT-TW",
        "description": "Cụm thi đua do Hội đồng Thi đua – Khen thưởng Trung ương tổ chức. Dữ liệu thành viên ghi nhận "
        "từ năm 2014; thành phố Huế tham gia từ năm 2025.",
        "members": [("01", 2014, None), ("79", 2014, None), ("31", 2014, None), ("48", 2014, None), ("92", 2014, None),
                    ("46", 2025, None)],
        "years": [
            # year, head, deputy, selection, notes
            (2014, "92", None, "imported", "Cần Thơ là Cụm trưởng năm 2014 (Hội nghị tổng kết ngày 24/3/2015 tại Cần Thơ)."),
            (2015, "01", "79", "elected", "Suy tôn tại Hội nghị tổng kết năm 2014 (24/3/2015)."),
            (2020, "01", None, "imported", "Hà Nội đăng cai Hội nghị tổng kết năm 2020 (09/4/2021); theo thông lệ đơn vị "
             "đăng cai là Cụm trưởng của năm (suy luận, nguồn không nêu trực tiếp)."),
            (2021, "79", "48", "elected", "Thống nhất tại Hội nghị tổng kết năm 2020 (09/4/2021)."),
            (2025, None, None, "", "Năm đầu tiên cụm có 6 thành viên (thành phố Huế)."),
        ],
    },
    {
        "code": "CT-KHOI-KT",
        "name": "Khối thi đua các sở, ngành kinh tế thành phố Cần Thơ",
        "kind": "block",
        "organiser": "HDTDKT-92",
        "description": "Khối thi đua minh họa của một cơ quan tổ chức khác (dữ liệu trình diễn, không lấy từ bài báo nguồn).",
        "members": [("92-STC", 2024, None), ("92-SXD", 2024, None), ("92-SCT", 2024, None)],
        "years": [
            (2024, "92-STC", "92-SXD", "elected", ""),
            (2025, "92-SXD", "92-SCT", "elected", ""),
        ],
    },
]

# username, full name, position, unit code, [(role, scope_kind, scope)] where scope is a unit code,
# a cluster code, or (cluster code, year).
USERS = [
    ("tw.canbo", "Nguyễn Văn An", "Chuyên viên Ban TĐKT Trung ương", "BTDKT-TW",
     [("organiser_admin", "organiser", "HDTDKT-TW")]),
    ("tw.lanhdao", "Trần Minh Đức", "Phó Chủ tịch Hội đồng TĐKT Trung ương phụ trách cụm", "HDTDKT-TW",
     [("observer", "cluster", "TPTW")]),
    ("hanoi.canbo", "Lê Thị Hà", "Chuyên viên Ban TĐKT thành phố Hà Nội", "01",
     [("unit_officer", "unit", "01"), ("secretariat", "unit", "01")]),
    ("hanoi.lanhdao", "Phạm Quốc Hùng", "Phó Chủ tịch UBND thành phố Hà Nội", "01", [("unit_leader", "unit", "01")]),
    ("hcm.canbo", "Võ Thị Mai", "Chuyên viên Ban TĐKT TP Hồ Chí Minh", "79",
     [("unit_officer", "unit", "79"), ("secretariat", "unit", "79")]),
    ("hcm.lanhdao", "Đỗ Văn Thành", "Phó Chủ tịch UBND TP Hồ Chí Minh", "79", [("unit_leader", "unit", "79")]),
    ("haiphong.canbo", "Bùi Thị Lan", "Chuyên viên Ban TĐKT thành phố Hải Phòng", "31",
     [("unit_officer", "unit", "31"), ("secretariat", "unit", "31")]),
    ("danang.canbo", "Huỳnh Văn Nam", "Chuyên viên Ban TĐKT thành phố Đà Nẵng", "48",
     [("unit_officer", "unit", "48"), ("secretariat", "unit", "48")]),
    ("cantho.canbo", "Ngô Thị Thu", "Chuyên viên Ban TĐKT thành phố Cần Thơ", "92",
     [("unit_officer", "unit", "92"), ("secretariat", "unit", "92")]),
    ("cantho.lanhdao", "Trương Văn Phúc", "Phó Chủ tịch UBND thành phố Cần Thơ", "92", [("unit_leader", "unit", "92")]),
    ("hue.canbo", "Hoàng Thị Hương", "Chuyên viên Sở Nội vụ thành phố Huế", "46",
     [("unit_officer", "unit", "46"), ("secretariat", "unit", "46")]),
    ("ct.hoidong", "Lâm Văn Khoa", "Chuyên viên Ban TĐKT thành phố Cần Thơ (thường trực Hội đồng)", "HDTDKT-92",
     [("organiser_admin", "organiser", "HDTDKT-92")]),
    ("ct.stc.canbo", "Phan Thị Ngọc", "Cán bộ thi đua Sở Tài chính Cần Thơ", "92-STC",
     [("unit_officer", "unit", "92-STC"), ("secretariat", "unit", "92-STC")]),
]
