"""The covenant's official documents, built from the data as documents.spec objects (NĐ 30/2020):
the Giao ước thi đua (one signature block per member leader of that year) and the Kế hoạch of the year.

These functions only read; covenant.services issues (stores, registers, audits) the documents.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from thidua.accounts.models import RoleGrant
from thidua.covenant.models import (
    Commitment,
    CriteriaSet,
    MemberCampaign,
    MemberTarget,
    Method,
    NationalCampaign,
    Registration,
    YearCycle,
)
from thidua.covenant.selectors import bands_of, criteria_of
from thidua.covenant.validation import _fmt
from thidua.documents.formats import format_decimal, vn_date
from thidua.documents.spec import BulletList, Heading, OfficialDocument, Paragraph, SignatureBlock, Table
from thidua.organisations.models import ClusterMembership, Unit
from thidua.organisations.selectors import CENTRAL_PLACE, annotate_as_of, member_in_year, unit_place, year_end

METHOD_SHORT = {
    Method.GROUP: "Nhóm",
    Method.GRADED: "Chấm điểm",
    Method.QUANTITATIVE: "Định lượng",
    Method.PASS_FAIL: "Đạt/không đạt",
    Method.BONUS: "Điểm thưởng",
    Method.PENALTY: "Điểm trừ",
}
# Where a unit's name says it is a province or a city: its People's Committee signs collectively. (The place of
# the date line comes from the registry's unit kinds: organisations.selectors.unit_place.)
LOCALITY_PREFIXES = ("Thành phố ", "TP ", "Tỉnh ")


def legal_basis(on: date) -> str:
    """"Căn cứ <the law>" in force on the document's date, from the versioned rule sets (awards/rulesets),
    so a 2014 covenant cites the 2003 law and not the 2022 one. Only the law is cited: the decrees listed
    with a rule set may postdate an old document of that regime."""
    from thidua.awards.rulesets import ruleset_on

    try:
        title = ruleset_on(on, with_overrides=False).title
    except LookupError:
        return "Căn cứ Luật Thi đua, khen thưởng"
    return "Căn cứ " + title.split(" và Nghị định")[0].strip()


def _terms(cy) -> dict[str, str]:
    """Cluster or block wording (cụm / khối thi đua): the same documents serve both."""
    from thidua.organisations.models import ClusterKind

    block = cy.cluster.kind == ClusterKind.BLOCK
    word = "Khối" if block else "Cụm"
    return {"word": word, "head": f"{word} trưởng", "code": "KTĐ" if block else "CTĐ"}


def _members(cy) -> list[Unit]:
    ids = ClusterMembership.objects.filter(member_in_year(cy.year), cluster_id=cy.cluster_id).values("unit_id")
    return list(annotate_as_of(Unit.objects.filter(pk__in=ids), year_end(cy.year)).order_by("code"))


def _leaders(unit_ids: list[int]) -> dict[int, tuple[str, str]]:
    """One leader per unit (the earliest active unit_leader grant): (full name, position)."""
    out: dict[int, tuple[str, str]] = {}
    rows = (RoleGrant.objects.filter(role="unit_leader", scope_kind="unit", unit_id__in=unit_ids, revoked_at__isnull=True)
            .select_related("user").order_by("granted_at", "id"))
    for g in rows:
        out.setdefault(g.unit_id, (g.user.full_name or g.user.username, g.user.position))
    return out


def _issue_date(cy, cycle: YearCycle | None, *, amendment: bool = False) -> date:
    """Today, except that a covenant generated after its registration deadline (an old year entered
    afterwards) is dated on that deadline; an amendment is dated today while its year is current."""
    today = timezone.localdate()
    deadline = cycle.registration_deadline if cycle and cycle.registration_deadline else date(cy.year, 3, 31)
    if amendment:
        return today if today.year <= cy.year + 1 else date(cy.year, 12, 31)
    return min(today, deadline)


def _is_locality(unit) -> bool:
    return bool(unit.as_of_name) and unit.as_of_name.startswith(LOCALITY_PREFIXES)


def _place(cy) -> str:
    """The place of the date line: the province or city of the head unit (a department's city, not the
    department), else of the organiser; a central organiser sits in the capital."""
    on = year_end(cy.year)
    for start in (cy.head_id, cy.cluster.organiser_id):
        if start and (place := unit_place(start, on)):
            return place
    return CENTRAL_PLACE


def _organiser(cy):
    return annotate_as_of(Unit.objects.filter(pk=cy.cluster.organiser_id), year_end(cy.year)).first()


def _header(cy) -> tuple[str, str, str]:
    organiser = _organiser(cy)
    return (organiser.as_of_name.upper() if organiser and organiser.as_of_name else None), cy.cluster.name.upper(), \
        _place(cy)


def _recipients(cy) -> list[str]:
    organiser = _organiser(cy)
    return [organiser.as_of_name if organiser and organiser.as_of_name else "Cơ quan tổ chức",
            f"Các thành viên của {_terms(cy)['word']}", "Lưu: VT"]


def _signature_block(unit, leader: tuple[str, str] | None) -> SignatureBlock:
    """The signature block of a member's leader (NĐ 30/2020, thẩm quyền ký): a province or city signs for
    its People's Committee ("TM. ỦY BAN NHÂN DÂN"), a department or other agency by its head; a deputy
    signs on behalf of the head ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH", "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC")."""
    collective = _is_locality(unit)
    position = leader[1] if leader and leader[1] else ""
    for sep in (" UBND", " Ủy ban", " Sở ", " Ban ", " thành phố", " tỉnh"):
        position = position.split(sep)[0]
    title = position.strip().upper()
    if not title:
        title = "CHỦ TỊCH" if collective else ("GIÁM ĐỐC" if unit.as_of_name.startswith("Sở") else "THỦ TRƯỞNG")
    if title.startswith("PHÓ "):
        title = f"KT. {title[4:]}\n{title}"
    return SignatureBlock(authority="TM. ỦY BAN NHÂN DÂN" if collective else "", unit=unit.as_of_name.upper(),
                          title=title, name=leader[0] if leader else "")


def _criteria_table(cs: CriteriaSet) -> tuple[Table, list[str], list[str]]:
    rows, extras = [], []
    for c in criteria_of(criteria_set=cs):
        if c.method in (Method.BONUS, Method.PENALTY):
            sign = "+" if c.method == Method.BONUS else "−"
            extras.append(f"{c.code}. {c.title}: {sign}{_fmt(c.points_per_occurrence)} điểm/lần, "
                          f"tối đa {_fmt(c.cap)} điểm")
            continue
        if c.method == Method.GROUP and all(ch.method in (Method.BONUS, Method.PENALTY) for ch in c.children_list):
            extras.append(f"{c.code}. {c.title}" + (f" (tối đa {_fmt(c.max_points)} điểm)" if c.max_points else ""))
            continue
        title = ("    " * c.depth) + c.title
        if c.method == Method.QUANTITATIVE and c.unit_of_measure:
            title += f" (đơn vị tính: {c.unit_of_measure})"
        rows.append([c.code, title, METHOD_SHORT.get(c.method, c.method), _fmt(c.max_points)])
    rows.append(["", "Tổng cộng", "", _fmt(cs.total_points)])
    table = Table(columns=["Mã", "Nội dung tiêu chí", "Cách chấm", "Điểm tối đa"], rows=rows,
                  widths_mm=[18, 100, 27, 20], aligns=["center", "left", "center", "center"], font_size_pt=12)
    bands = band_lines(bands_of(criteria_set=cs))
    return table, extras, bands


def band_lines(bands) -> list[str]:
    """"Tốt: từ 80 đến dưới 90 điểm" when the next band starts where this one ends (the higher band wins)."""
    starts = {b.min_points for b in bands}
    lines = []
    for b in bands:
        upper = "dưới " if b.max_points in starts and b.max_points != b.min_points else ""
        lines.append(f"{b.label}: từ {_fmt(b.min_points)} đến {upper}{_fmt(b.max_points)} điểm")
    return lines


def covenant_spec(*, cy, cs: CriteriaSet) -> OfficialDocument:
    cycle = YearCycle.objects.filter(cluster_year=cy).first()
    members = _members(cy)
    leaders = _leaders([u.pk for u in members])
    parent, issuer, place = _header(cy)
    terms = _terms(cy)
    issued_on = _issue_date(cy, cycle, amendment=bool(cs.amendment_number))
    names = ", ".join(u.as_of_name for u in members)
    blocks: list = [
        Paragraph(f"{legal_basis(issued_on)}; căn cứ kế hoạch tổ chức phong trào thi đua năm {cy.year} của "
                  f"{cy.cluster.name}, các thành viên của {terms['word']} gồm: {names} cùng thống nhất ký kết giao ước "
                  f"thi đua năm {cy.year} với các nội dung sau:", italic=True),
        Heading("I. MỤC ĐÍCH, YÊU CẦU", 1),
        BulletList([
            "Đẩy mạnh phong trào thi đua yêu nước, phấn đấu hoàn thành thắng lợi các chỉ tiêu, nhiệm vụ năm "
            f"{cy.year} của mỗi thành viên;",
            "Nội dung thi đua thiết thực, hiệu quả; việc bình xét khách quan, công khai, dân chủ, căn cứ bộ tiêu chí "
            "và thang điểm đã thống nhất.",
        ]),
        Heading("II. BỘ TIÊU CHÍ VÀ THANG ĐIỂM", 1),
    ]
    if cs.amendment_number:
        blocks.append(Paragraph(f"Văn bản này thay thế bộ tiêu chí đã ký theo Sửa đổi số {cs.amendment_number}.",
                                italic=True))
    table, extras, bands = _criteria_table(cs)
    blocks.append(table)
    if extras:
        blocks += [Heading("Điểm thưởng, điểm trừ (ngoài tổng điểm)", 3), BulletList(extras)]
    if bands:
        blocks += [Heading("Xếp loại", 3), BulletList(bands)]
    campaigns_nat = list(NationalCampaign.objects.filter(criteria__criteria_set=cs).distinct())
    if campaigns_nat:
        blocks += [Heading(f"Các phong trào thi đua toàn quốc {terms['word']} cùng hưởng ứng", 3),
                   BulletList([c.title for c in campaigns_nat])]
    blocks.append(Heading("III. ĐĂNG KÝ THI ĐUA CỦA CÁC THÀNH VIÊN", 1))
    regs = {r.unit_id: r for r in Registration.objects.filter(cluster_year=cy)}
    camps: dict[int, list[MemberCampaign]] = {}
    for c in MemberCampaign.objects.filter(registration__cluster_year=cy).select_related("registration"):
        camps.setdefault(c.registration.unit_id, []).append(c)
    commits: dict[int, list[Commitment]] = {}
    for c in Commitment.objects.filter(registration__cluster_year=cy).select_related("registration"):
        commits.setdefault(c.registration.unit_id, []).append(c)
    # Targets in the order of the criteria tree (a criterion's `order` restarts inside each group).
    position = {c.pk: i for i, c in enumerate(criteria_of(criteria_set=cs))}
    targets: dict[int, list[MemberTarget]] = {}
    for t in sorted(MemberTarget.objects.filter(cluster_year=cy, criterion__criteria_set=cs).select_related("criterion"),
                    key=lambda t: position.get(t.criterion_id, len(position))):
        targets.setdefault(t.unit_id, []).append(t)
    for i, unit in enumerate(members, start=1):
        blocks.append(Heading(f"{i}. {unit.as_of_name}", 2))
        if unit.pk not in regs:
            blocks.append(Paragraph("(Chưa đăng ký.)", italic=True))
            continue
        if camps.get(unit.pk):
            blocks.append(Paragraph("Phong trào thi đua của đơn vị: " + "; ".join(f"“{c.title}”" for c in camps[unit.pk])
                                    + "."))
        if targets.get(unit.pk):
            blocks.append(Table(columns=["Mã", "Chỉ tiêu đăng ký", "Mức đăng ký"],
                                rows=[[t.criterion.code, t.criterion.title,
                                       f"{format_decimal(t.target_value, _places(t.target_value))} "
                                       f"{t.criterion.unit_of_measure}".strip()]
                                      for t in targets[unit.pk]],
                                widths_mm=[18, 107, 40], aligns=["center", "left", "right"], font_size_pt=12))
        if commits.get(unit.pk):
            blocks.append(Paragraph("Cam kết:", indent=True))
            blocks.append(BulletList([c.text for c in commits[unit.pk]]))
    blocks.append(Heading("IV. TỔ CHỨC THỰC HIỆN", 1))
    blocks.append(BulletList(_deadline_lines(cycle, terms)))
    # One copy per member plus one for the organiser.
    blocks.append(Paragraph(f"Giao ước này được lập thành {len(members) + 1} bản có giá trị như nhau, mỗi thành viên "
                            "giữ một bản, gửi Cơ quan tổ chức một bản để theo dõi."))
    signatures = [_signature_block(unit, leaders.get(unit.pk)) for unit in members]
    return OfficialDocument(
        issuer_parent=parent, issuer=issuer, type_key="giao_uoc", number=None, issuer_code=terms["code"], place=place,
        date=issued_on, title="GIAO ƯỚC THI ĐUA",
        subtitle=f"Năm {cy.year}" + (f" (Sửa đổi số {cs.amendment_number})" if cs.amendment_number else ""),
        blocks=blocks, signatures=signatures, recipients=_recipients(cy),
        signature_columns=2, show_number=False)


def _places(d: Decimal) -> int:
    d = Decimal(d).normalize()
    return max(0, -d.as_tuple().exponent) if d != d.to_integral() else 0


def _deadline_lines(cycle: YearCycle | None, terms: dict[str, str]) -> list[str]:
    from thidua.covenant.workflow import DEADLINES

    fallback = [f"Thời hạn cụ thể do {terms['head']} thông báo."]
    if cycle is None:
        return fallback
    lines = []
    for d in DEADLINES:
        value = getattr(cycle, d.field)
        if value:
            lines.append(f"{d.label}: {vn_date(value)};")
    return lines or fallback


def plan_spec(*, cy, cs: CriteriaSet, cycle: YearCycle) -> OfficialDocument:
    """The Kế hoạch of the year, issued by the head unit (signed by its leader). A draft (not yet issued)
    prints the blank "Số:   /KH-…" line; document_issue gives it its register number."""
    parent, issuer, place = _header(cy)
    terms = _terms(cy)
    issued_on = _issue_date(cy, cycle)
    members = _members(cy)
    table, extras, bands = _criteria_table(cs)
    word, head_word = terms["word"], terms["head"]
    blocks = [
        Paragraph(f"{legal_basis(issued_on)}; {head_word} ban hành Kế hoạch tổ chức phong trào thi đua năm {cy.year} "
                  f"của {cy.cluster.name} như sau:", italic=True),
        Heading("I. MỤC ĐÍCH, YÊU CẦU", 1),
        BulletList([f"Tổ chức phong trào thi đua năm {cy.year} sâu rộng, thiết thực trong {len(members)} thành viên "
                    f"của {word};", "Bình xét khen thưởng chính xác, công khai, đúng quy định."]),
        Heading("II. NỘI DUNG THI ĐUA", 1),
        table,
    ]
    if extras:
        blocks += [Heading("Điểm thưởng, điểm trừ (ngoài tổng điểm)", 3), BulletList(extras)]
    if bands:
        blocks += [Heading("Xếp loại", 3), BulletList(bands)]
    blocks += [Heading("III. TIẾN ĐỘ THỰC HIỆN", 1), BulletList(_deadline_lines(cycle, terms)),
               Heading("IV. TỔ CHỨC THỰC HIỆN", 1),
               Paragraph(f"Các thành viên của {word} tổ chức thực hiện Kế hoạch; {head_word} theo dõi, đôn đốc, tổng "
                         "hợp kết quả báo cáo Cơ quan tổ chức."),
               BulletList([u.as_of_name for u in members])]
    head = annotate_as_of(Unit.objects.filter(pk=cy.head_id), year_end(cy.year)).first() if cy.head_id else None
    if head is not None:  # the head unit issues the plan: its leader signs, in the unit's own form
        signature = _signature_block(head, _leaders([head.pk]).get(head.pk))
    else:
        signature = SignatureBlock(authority=f"TM. {head_word.upper()}", unit=None, title="", name="")
    return OfficialDocument(
        issuer_parent=parent, issuer=issuer, type_key="ke_hoach", number=None, issuer_code=terms["code"], place=place,
        date=issued_on, title="KẾ HOẠCH",
        subtitle=f"Tổ chức phong trào thi đua năm {cy.year}",
        blocks=blocks, signatures=[signature], recipients=_recipients(cy), show_number=True)
