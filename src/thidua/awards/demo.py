"""Demo data for awards, loaded through the services as the system (idempotent).

- 2020 (seeds): Government Flags for Hà Nội and TP HCM, PM Certificates for Cần Thơ and Hải Phòng, as
  nominations from the conference with generated dossiers, through the workflow to decisions and into the
  award history. The decision numbers and dates are ILLUSTRATIVE (the seeds do not give them).
- 2014 (seeds): Flags for Cần Thơ and Hà Nội, Certificates for TP HCM and Đà Nẵng, as draft nominations
  judged by the old regime's rule set (law2003).
- Illustrative persons (not real people) for the individual chains, one under inspection whose nomination
  is refused with the citation, and an illustrative award of Hải Dương that Hải Phòng inherits from 01/07/2025.
"""

from __future__ import annotations

from datetime import date

from thidua.awards import services
from thidua.awards.models import (
    AwardRecord,
    BlockerKind,
    BlockerRecord,
    DutyRating,
    Nomination,
    NominationState,
    Person,
)
from thidua.core.actors import SYSTEM
from thidua.core.errors import InvalidInput

ILLUSTRATIVE = "Số quyết định, ngày quyết định minh họa (dữ liệu trình diễn), không phải quyết định thật."
FLAG, CERT = "co-thi-dua-chinh-phu", "bang-khen-thu-tuong"

SEED_PROPOSALS = {
    2014: [("92", FLAG), ("01", FLAG), ("79", CERT), ("48", CERT)],
    2020: [("01", FLAG), ("79", FLAG), ("92", CERT), ("31", CERT)],
}
DECISIONS_2020 = {FLAG: ("231/QĐ-TTg", date(2021, 8, 16)), CERT: ("232/QĐ-TTg", date(2021, 8, 16))}
SIGNER = "Phó Thủ tướng Chính phủ (minh họa)"


def scan_pdf(text: str = "Ban quet minh hoa") -> bytes:
    """A one-page PDF standing in for a signed scan in the demo."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _unit(code):
    from thidua.organisations.models import Unit

    return Unit.objects.get(code=code)


def _cy(year):
    from thidua.organisations.models import ClusterYear

    return ClusterYear.objects.filter(cluster__code="TPTW", year=year).first()


def _complete_dossier(n: Nomination, on: date) -> None:
    from thidua.awards.selectors import checklist

    if not n.documents.filter(issued_document__isnull=False).exists():
        services.nomination_generate_drafts(actor=SYSTEM, nomination_id=n.pk, on=on)
    for item in checklist(n):
        if item.required and not item.done:
            services.nomination_upload_document(actor=SYSTEM, nomination_id=n.pk, requirement=item.code,
                                                filename=f"{item.code}-da-ky.pdf", content=scan_pdf())


def _through_workflow(n: Nomination) -> None:
    number, when = DECISIONS_2020[n.award_type.code]
    steps = [
        (NominationState.DRAFT, lambda: services.nomination_submit(actor=SYSTEM, nomination_id=n.pk, on=date(2021, 4, 26))),
        (NominationState.SUBMITTED, lambda: services.nomination_receive(actor=SYSTEM, nomination_id=n.pk)),
        (NominationState.RECEIVED, lambda: services.nomination_appraise(
            actor=SYSTEM, nomination_id=n.pk, note="Hồ sơ đủ thành phần, đúng quy định (minh họa).")),
        (NominationState.APPRAISED, lambda: services.nomination_submit_pm(actor=SYSTEM, nomination_id=n.pk,
                                                                          on=date(2021, 6, 15))),
        (NominationState.SUBMITTED_PM, lambda: services.nomination_decide(
            actor=SYSTEM, nomination_id=n.pk, decision_number=number, decision_date=when, signer=SIGNER,
            note=ILLUSTRATIVE)),
        (NominationState.DECIDED, lambda: services.nomination_mark_awarded(actor=SYSTEM, nomination_id=n.pk,
                                                                          awarded_on=date(2021, 9, 10))),
    ]
    for state, step in steps:
        n.refresh_from_db()
        if n.state == state:
            step()


def _seed_nominations() -> None:
    for year, proposals in SEED_PROPOSALS.items():
        cy = _cy(year)
        if cy is None:
            continue
        for unit_code, award in proposals:
            n = services.nomination_create_from_conference(
                actor=SYSTEM, cluster_year_id=cy.pk, unit_id=_unit(unit_code).pk, award_code=award,
                vote_summary={"Kết quả": "suy tôn tại hội nghị tổng kết của Cụm (theo bài báo nguồn; số phiếu không được công bố)"},
                minutes_document_id=None)
            _complete_dossier(n, on=date(2021, 4, 20) if year == 2020 else date(2015, 3, 30))
            if year == 2020:
                _through_workflow(n)


PEOPLE = [
    # national id (illustrative), name, unit, BK tỉnh year, good years, CSTĐ cơ sở years
    ("048090000001", "Trần Văn Minh (minh họa)", "48", 2018, range(2019, 2025), [2020, 2022, 2024]),
    ("092090000002", "Nguyễn Thị Lan (minh họa)", "92", 2020, range(2021, 2025), [2022, 2023, 2024]),
    ("001090000003", "Lê Quang Huy (minh họa)", "01", None, range(2022, 2025), [2023, 2024]),
]


def _seed_people() -> None:
    for nid, name, unit_code, bk_year, good_years, cstd_years in PEOPLE:
        person = Person.objects.filter(national_id=nid).first()
        if person is None:
            person = services.person_create(actor=SYSTEM, full_name=name, unit_id=_unit(unit_code).pk, national_id=nid,
                                            position="Chuyên viên (minh họa)")
        for y in good_years:
            if not DutyRating.objects.filter(person=person, year=y).exists():
                services.duty_rating_set(actor=SYSTEM, person_id=person.pk, year=y, rating=DutyRating.Rating.GOOD)
        awards = [("bang-khen-cap-bo-tinh", bk_year)] if bk_year else []
        awards += [("chien-si-thi-dua-co-so", y) for y in cstd_years]
        for code, y in awards:
            if not AwardRecord.objects.filter(person=person, award_type__code=code, year=y).exists():
                services.award_record_register(actor=SYSTEM, award_code=code, year=y, person_id=person.pk,
                                               decision_number=f"{100 + y % 100}/QĐ-UBND", decision_date=date(y + 1, 1, 20),
                                               signer="Chủ tịch UBND (minh họa)")
    # The first person is under inspection from 01/10/2025: the city's proposal is refused with the citation.
    minh = Person.objects.get(national_id=PEOPLE[0][0])
    if not BlockerRecord.objects.filter(person=minh).exists():
        services.blocker_record(actor=SYSTEM, kind=BlockerKind.INSPECTION, person_id=minh.pk,
                                starts_on=date(2025, 10, 1), reference="Kết luận thanh tra chưa ban hành (minh họa)")
    if not Nomination.objects.filter(nominee_person=minh).exists():
        n = services.nomination_create(actor=SYSTEM, award_code=CERT, year=2024, proposing_unit_id=minh.unit_id,
                                       nominee_person_id=minh.pk,
                                       achievement="Hoàn thành tốt nhiệm vụ 06 năm liên tục (minh họa).")
        _complete_dossier(n, on=date(2025, 11, 3))
        try:
            services.nomination_submit(actor=SYSTEM, nomination_id=n.pk, on=date(2025, 11, 3))
        except InvalidInput:
            pass  # expected: refused while the inspection is being verified (NĐ 152/2025)


def _seed_merged_history() -> None:
    """Hải Dương's illustrative award follows it into Hải Phòng from 01/07/2025."""
    hd = _unit("30")
    if not AwardRecord.objects.filter(unit=hd).exists():
        services.award_record_register(actor=SYSTEM, award_code=FLAG, year=2019, unit_id=hd.pk,
                                       decision_number="599/QĐ-TTg", decision_date=date(2020, 5, 4),
                                       signer=SIGNER, note=ILLUSTRATIVE)


def load() -> None:
    services._catalogue_ready()  # a test database flush removes what the data migration loaded
    if _cy(2020) is None:
        return
    _seed_nominations()
    _seed_people()
    _seed_merged_history()
