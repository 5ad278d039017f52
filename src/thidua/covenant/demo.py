"""Demo covenants of the cities' cluster TPTW (DOMAIN.md §2), loaded through the services (idempotent).

2014 and 2020: signed, left in self-assessment so that scoring can score them; 2021 (5 members): signed,
in implementation; 2025 (6 members, Huế joins): signed. The 2014 member campaigns are those of the seed
article; the criteria table is illustrative (a typical 100-point table with bonus and penalty points),
not the cluster's real table, which the sources do not give.
"""

from __future__ import annotations

from decimal import Decimal

from thidua.accounts.models import User
from thidua.core.actors import SYSTEM
from thidua.covenant import services as svc
from thidua.covenant.models import (
    CriteriaSet,
    CycleState,
    NationalCampaign,
    Registration,
    RegistrationStatus,
    Signature,
    YearCycle,
)
from thidua.covenant.workflow import state_index
from thidua.organisations.models import ClusterYear

CLUSTER = "TPTW"
NTM = "Cả nước chung sức xây dựng nông thôn mới"

# code, parent, title, method, max_points, extra options
CRITERIA = [
    ("A", "", "Thực hiện nhiệm vụ chính trị, phát triển kinh tế - xã hội", "group", 40, {}),
    ("A.1", "A", "Tốc độ tăng trưởng tổng sản phẩm trên địa bàn (GRDP)", "quantitative", 10,
     {"unit_of_measure": "%", "extra_points_cap": 1, "evidence_required": True}),
    ("A.2", "A", "Tổng thu ngân sách nhà nước trên địa bàn", "quantitative", 10,
     {"unit_of_measure": "tỷ đồng", "extra_points_cap": 1, "evidence_required": True}),
    ("A.3", "A", "Kim ngạch xuất khẩu", "quantitative", 10, {"unit_of_measure": "triệu USD", "evidence_required": True}),
    ("A.4", "A", "Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới", "graded", 10,
     {"step": "0.5", "national_campaign": NTM}),
    ("B", "", "Cải cách hành chính, chuyển đổi số", "group", 20, {}),
    ("B.1", "B", "Chỉ số cải cách hành chính (PAR Index) và mức độ hài lòng của người dân", "graded", 10,
     {"step": "0.5", "guidance": "Căn cứ kết quả công bố chỉ số của năm."}),
    ("B.2", "B", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn", "quantitative", 10, {"unit_of_measure": "%"}),
    ("C", "", "Văn hóa - xã hội, quốc phòng - an ninh", "group", 20, {}),
    ("C.1", "C", "Tỷ lệ hộ nghèo theo chuẩn của thành phố", "quantitative", 10,
     {"unit_of_measure": "%", "higher_is_better": False}),
    ("C.2", "C", "Bảo đảm quốc phòng, an ninh, trật tự an toàn xã hội", "graded", 10, {"step": "1"}),
    ("D", "", "Công tác thi đua, khen thưởng", "group", 20, {}),
    ("D.1", "D", "Ban hành kế hoạch, phát động các phong trào thi đua của năm", "pass_fail", 5, {}),
    ("D.2", "D", "Sơ kết, tổng kết, phát hiện và nhân rộng điển hình tiên tiến", "graded", 10, {"step": "1"}),
    ("D.3", "D", "Tham gia đầy đủ các hoạt động của Cụm", "pass_fail", 5, {}),
    ("E", "", "Điểm thưởng", "group", 5, {}),
    ("E.1", "E", "Được tặng Cờ thi đua của Chính phủ trong năm", "bonus", 0,
     {"points_per_occurrence": 3, "cap": 3, "auto_award_code": "co-thi-dua-chinh-phu", "scored_by": "automatic"}),
    ("E.2", "E", "Có mô hình, cách làm hay được Trung ương ghi nhận, nhân rộng", "bonus", 0,
     {"points_per_occurrence": 1, "cap": 2, "evidence_required": True}),
    ("F", "", "Điểm trừ", "group", 5, {}),
    ("F.1", "F", "Gửi báo cáo chậm so với thời hạn của Cụm", "penalty", 0,
     {"points_per_occurrence": 1, "cap": 3, "scored_by": "panel"}),
    ("F.2", "F", "Để xảy ra vi phạm bị cấp có thẩm quyền xử lý, phê bình", "penalty", 0,
     {"points_per_occurrence": 2, "cap": 4, "scored_by": "panel"}),
]
BANDS = [
    {"label": "Xuất sắc", "min_points": 90, "max_points": 105},
    {"label": "Tốt", "min_points": 80, "max_points": 90},
    {"label": "Khá", "min_points": 70, "max_points": 80},
    {"label": "Trung bình", "min_points": 0, "max_points": 70},
]

# Illustrative targets per unit code: GRDP %, budget revenue bn VND, exports mn USD, on-time %, poor households %.
TARGETS = {
    "01": ("7.0", "185000", "13500", "98", "1.5"),
    "79": ("8.0", "380000", "44000", "97", "0.8"),
    "31": ("10.5", "75000", "14000", "98", "1.2"),
    "48": ("7.5", "25000", "1400", "99", "1.0"),
    "92": ("6.5", "12000", "1900", "97", "2.0"),
    "46": ("8.5", "13000", "1200", "98", "2.5"),
}
TARGET_CODES = ("A.1", "A.2", "A.3", "B.2", "C.1")

CAMPAIGNS_2014 = {
    "01": "Năm trật tự và văn minh đô thị năm 2014",
    "79": "Phát huy tinh thần làm chủ, sáng tạo và trách nhiệm, ra sức thi đua lập công xuất sắc",
    "48": "Năm Doanh nghiệp 2014",
    "31": "Phục hồi kinh tế, đổi mới mô hình tăng trưởng",
    "92": "Cải cách hành chính, huy động mọi nguồn lực, hướng về cơ sở",
}
LEADERS = {"01": "hanoi.lanhdao", "79": "hcm.lanhdao", "92": "cantho.lanhdao"}
# The state each demo year is left in.
YEARS = {2014: CycleState.SELF_ASSESSMENT, 2020: CycleState.SELF_ASSESSMENT,
         2021: CycleState.IMPLEMENTATION, 2025: CycleState.COVENANT_SIGNED}
NEXT = {CycleState.COVENANT_SIGNED: "start_implementation", CycleState.IMPLEMENTATION: "open_self_assessment"}


def _campaign(year: int) -> NationalCampaign:
    nc = NationalCampaign.objects.filter(title=NTM).first()
    if nc is None:
        nc = svc.national_campaign_create(
            actor=SYSTEM, title=NTM, launched_by="Thủ tướng Chính phủ",
            legal_basis="Quyết định số 1620/QĐ-TTg ngày 20/9/2011 của Thủ tướng Chính phủ", start_year=2011,
            description="Phong trào thi đua do Thủ tướng Chính phủ phát động (dữ liệu trình diễn).")
    return nc


def _criteria(cy: ClusterYear, nc: NationalCampaign) -> CriteriaSet:
    cs = CriteriaSet.objects.filter(cluster_year=cy).order_by("-version").first()
    if cs is not None:
        return cs
    cs = svc.criteria_set_create(actor=SYSTEM, cluster_year_id=cy.pk,
                                 title=f"Bộ tiêu chí thi đua năm {cy.year} của Cụm thi đua các thành phố trực thuộc Trung ương",
                                 total_points=Decimal(100),
                                 legal_basis="Thống nhất tại hội nghị của Cụm (dữ liệu trình diễn)")
    ids: dict[str, int] = {}
    for code, parent, title, method, max_points, extra in CRITERIA:
        opts = dict(extra)
        if "national_campaign" in opts:
            opts.pop("national_campaign")
            opts["national_campaign_id"] = nc.pk
        node = svc.criterion_add(actor=SYSTEM, criteria_set_id=cs.pk, parent_id=ids.get(parent), code=code,
                                 title=title, method=method, max_points=max_points, **opts)
        ids[code] = node.pk
    svc.bands_replace(actor=SYSTEM, criteria_set_id=cs.pk, bands=BANDS)
    return cs


def _register(cy: ClusterYear, cs: CriteriaSet, unit_id: int, unit_code: str, nc: NationalCampaign) -> None:
    reg = Registration.objects.filter(cluster_year=cy, unit_id=unit_id).first()
    if reg is not None and reg.status == RegistrationStatus.ACCEPTED:
        return
    if reg is None or reg.status in (RegistrationStatus.DRAFT, RegistrationStatus.RETURNED):
        codes = dict(cs.criteria.values_list("code", "pk"))
        values = TARGETS.get(unit_code, TARGETS["01"])
        title = CAMPAIGNS_2014.get(unit_code) if cy.year == 2014 else None
        title = title or f"Thi đua hoàn thành thắng lợi nhiệm vụ phát triển kinh tế - xã hội năm {cy.year}"
        svc.registration_save(
            actor=SYSTEM, cluster_year_id=cy.pk, unit_id=unit_id,
            targets={codes[c]: v for c, v in zip(TARGET_CODES, values, strict=True)},
            campaigns=[{"title": title}],
            commitments=[{"text": f"Hưởng ứng phong trào “{NTM}”, hoàn thành các tiêu chí nông thôn mới đã đăng ký.",
                          "national_campaign_id": nc.pk},
                         {"text": "Gửi báo cáo sơ kết, tổng kết đúng thời hạn của Cụm."}])
        svc.registration_submit(actor=SYSTEM, cluster_year_id=cy.pk, unit_id=unit_id)
    reg = Registration.objects.get(cluster_year=cy, unit_id=unit_id)
    svc.registration_accept(actor=SYSTEM, registration_id=reg.pk)


def _sign(cy: ClusterYear) -> None:
    from thidua.covenant.access import member_unit_ids
    from thidua.organisations.models import Unit

    doc = svc.current_covenant_document(cy)
    cycle = YearCycle.objects.get(cluster_year=cy)
    if doc is None or (cycle.content_changed_at and doc.created_at < cycle.content_changed_at):
        doc = svc.covenant_document_issue(actor=SYSTEM, cluster_year_id=cy.pk, with_pdf=False)
    codes = dict(Unit.objects.filter(pk__in=member_unit_ids(cy)).values_list("pk", "code"))
    for unit_id in svc.unsigned_members(cy):
        leader = User.objects.filter(username=LEADERS.get(codes[unit_id], "")).first()
        svc.signature_confirm(actor=leader or SYSTEM, cluster_year_id=cy.pk, unit_id=unit_id,
                              document_sha256=doc.docx_sha256)


def load() -> None:
    from thidua.covenant.access import member_unit_ids
    from thidua.organisations.models import Unit

    for year, final_state in YEARS.items():
        cy = ClusterYear.objects.filter(cluster__code=CLUSTER, year=year).first()
        if cy is None:
            continue
        nc = _campaign(year)
        cycle = svc.cycle_ensure(actor=SYSTEM, cluster_year_id=cy.pk)
        cs = _criteria(cy, nc)
        if cycle.state == CycleState.DRAFT:
            cycle = svc.cycle_transition(actor=SYSTEM, cluster_year_id=cy.pk, action="open_registration")
        if cycle.state == CycleState.REGISTRATION_OPEN:
            codes = dict(Unit.objects.filter(pk__in=member_unit_ids(cy)).values_list("pk", "code"))
            for unit_id, code in codes.items():
                _register(cy, cs, unit_id, code, nc)
            if not Signature.objects.filter(criteria_set=cs).exists() or svc.unsigned_members(cy):
                _sign(cy)
            cycle.refresh_from_db()
        while state_index(cycle.state) < state_index(final_state) and cycle.state in NEXT:
            cycle = svc.cycle_transition(actor=SYSTEM, cluster_year_id=cy.pk, action=NEXT[cycle.state])
