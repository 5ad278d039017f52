"""Demo: replay the two review conferences of the seeds (DOMAIN.md §2) through the services, as SYSTEM.

2014 year: 24/03/2015 in Cần Thơ (host Cần Thơ); Flags for Cần Thơ and Hà Nội, PM's Certificates for HCM
and Đà Nẵng; Hà Nội head and HCM deputy for 2015. 2020 year: 09/04/2021 in Hà Nội; Flags for Hà Nội and
HCM, Certificates for Cần Thơ and Hải Phòng; HCM head and Đà Nẵng deputy for 2021.

The articles give no vote figures: the paper counts below are illustrative (unanimous), and say so in
their notes. Delegates are named by office, not by person. The rotation order is inferred from the
heads and deputies of the seeds (not stated in them), with Huế inserted after Hải Phòng for 2025.
"""

from __future__ import annotations

from datetime import date

from thidua.conference import services
from thidua.conference.documents import conference_minutes_issue
from thidua.conference.models import BallotKind, BallotMethod, Candidate, Conference, RotationEntry
from thidua.conference.rule_defaults import FLAG, PM_CERTIFICATE
from thidua.core.actors import SYSTEM
from thidua.organisations.models import Cluster, ClusterYear, Unit

ILLUSTRATIVE = ("Số liệu minh họa: bài báo nguồn không nêu số phiếu; giả định các đơn vị thành viên có mặt đầy đủ "
                "và nhất trí.")

ROTATION = ["92", "01", "79", "48", "31", "46"]

CONFERENCES = [
    {
        "year": 2014, "held_on": date(2015, 3, 24), "place": "Cần Thơ", "host": "92",
        "chair": "Lãnh đạo UBND thành phố Cần Thơ (Cụm trưởng năm 2014)",
        "secretary": "Chuyên viên Ban Thi đua – Khen thưởng thành phố Cần Thơ",
        "central_leader": "Lãnh đạo Hội đồng Thi đua – Khen thưởng Trung ương",
        "agenda": ["Báo cáo tổng kết công tác thi đua, khen thưởng năm 2014 của Cụm",
                   "Bình xét, suy tôn đề nghị Cờ thi đua của Chính phủ và Bằng khen của Thủ tướng Chính phủ",
                   "Bầu Cụm trưởng, Cụm phó năm 2015",
                   "Ký kết giao ước thi đua năm 2015"],
        "flags": ["92", "01"], "certificates": ["79", "48"], "head": "01", "deputy": "79",
    },
    {
        "year": 2020, "held_on": date(2021, 4, 9), "place": "Hà Nội", "host": "01",
        "chair": "Lãnh đạo UBND thành phố Hà Nội (Cụm trưởng năm 2020)",
        "secretary": "Chuyên viên Ban Thi đua – Khen thưởng thành phố Hà Nội",
        "central_leader": "Lãnh đạo Hội đồng Thi đua – Khen thưởng Trung ương",
        "agenda": ["Báo cáo tổng kết công tác thi đua, khen thưởng năm 2020 của Cụm (tổng thu ngân sách 5 thành phố "
                   "774.000 tỷ đồng, bằng 51,4% cả nước; xuất khẩu 99,6 tỷ USD, bằng 35,4% cả nước)",
                   "Bình xét, suy tôn đề nghị Cờ thi đua của Chính phủ và Bằng khen của Thủ tướng Chính phủ",
                   "Bầu Cụm trưởng, Cụm phó năm 2021",
                   "Ký kết giao ước thi đua năm 2021"],
        "flags": ["01", "79"], "certificates": ["92", "31"], "head": "79", "deputy": "48",
    },
]


def _ensure_rotation(cluster: Cluster) -> None:
    if RotationEntry.objects.filter(cluster=cluster).exists():
        return
    ids = dict(Unit.objects.filter(code__in=ROTATION).values_list("code", "pk"))
    services.rotation_set(actor=SYSTEM, cluster_code=cluster.code, unit_ids=[ids[c] for c in ROTATION if c in ids],
                          reason="Thứ tự suy luận từ các năm 2014–2015 và 2020–2021 trong bài báo nguồn; Huế bổ sung "
                                 "từ năm 2025.")


def _paper_vote(ballot, winners: list[int], committee: list[int], voters: int) -> None:
    services.ballot_open(actor=SYSTEM, ballot_id=ballot.pk)
    services.ballot_close(actor=SYSTEM, ballot_id=ballot.pk)
    votes = {c.pk: (voters if c.unit_id in winners else 0) for c in Candidate.objects.filter(ballot=ballot)}
    services.paper_count_enter(actor=SYSTEM, ballot_id=ballot.pk, committee_member_id=committee[0], issued=voters,
                               returned=voters, unused=0, valid=voters, invalid=0, votes=votes, notes=ILLUSTRATIVE)
    services.paper_count_confirm(actor=SYSTEM, ballot_id=ballot.pk, committee_member_id=committee[1])
    services.ballot_confirm(actor=SYSTEM, ballot_id=ballot.pk, with_pdf=False)


def _replay(cluster: Cluster, spec: dict) -> None:
    cy = ClusterYear.objects.filter(cluster=cluster, year=spec["year"]).first()
    if cy is None or Conference.objects.filter(cluster_year=cy).exists():
        return
    ids = dict(Unit.objects.values_list("code", "pk"))
    conf = services.conference_create(
        actor=SYSTEM, cluster_year_id=cy.pk, held_on=spec["held_on"], place=spec["place"], host_id=ids[spec["host"]],
        chair=spec["chair"], secretary=spec["secretary"], central_leader=spec["central_leader"],
        agenda=spec["agenda"], notes=ILLUSTRATIVE)
    from thidua.conference.selectors import attendance

    committee = []
    for row in attendance(conference=conf):
        unit = row["unit"]
        d = services.delegate_add(actor=SYSTEM, conference_id=conf.pk, unit_id=unit.pk,
                                  full_name=f"Đại diện lãnh đạo UBND {unit.as_of_name}",
                                  position="Trưởng đoàn (minh họa)")
        services.delegate_check_in(actor=SYSTEM, delegate_id=d.pk)
        if unit.code in (spec["host"], spec["head"]):
            c = services.delegate_add(actor=SYSTEM, conference_id=conf.pk, unit_id=unit.pk,
                                      full_name=f"Cán bộ Ban Thi đua – Khen thưởng ({unit.as_of_short_name})",
                                      position="Thành viên Ban kiểm phiếu (minh họa)")
            services.delegate_check_in(actor=SYSTEM, delegate_id=c.pk)
            committee.append(c.pk)
    services.counting_committee_set(actor=SYSTEM, conference_id=conf.pk, delegate_ids=committee)
    voters = len({r["unit"].pk for r in attendance(conference=conf)})

    def ballot(kind, winners, award_code="", candidates=None):
        b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=kind, method=BallotMethod.PAPER,
                                   award_code=award_code, candidate_unit_ids=candidates, notes=ILLUSTRATIVE)
        present = set(b.candidates.values_list("unit_id", flat=True))
        for u in winners:
            if u not in present:
                services.candidate_add(actor=SYSTEM, ballot_id=b.pk, unit_id=u, nominated_by="Đề cử tại hội nghị")
        _paper_vote(b, winners, committee, voters)

    flags = [ids[c] for c in spec["flags"]]
    certs = [ids[c] for c in spec["certificates"]]
    ballot(BallotKind.AWARD, flags, FLAG)
    # One achievement, one award (Law Đ5 k2): a unit proposed for the Flag is not also a Certificate candidate.
    others = [u for u in attendance_ids(conf) if u not in flags]
    ballot(BallotKind.AWARD, certs, PM_CERTIFICATE, candidates=others)
    ballot(BallotKind.ELECT_HEAD, [ids[spec["head"]]])
    ballot(BallotKind.ELECT_DEPUTY, [ids[spec["deputy"]]])
    conference_minutes_issue(actor=SYSTEM, conference_id=conf.pk)
    services.conference_close(actor=SYSTEM, conference_id=conf.pk)


def attendance_ids(conf: Conference) -> list[int]:
    from thidua.conference.selectors import member_unit_ids

    return member_unit_ids(conf.cluster_year)


def load() -> None:
    cluster = Cluster.objects.filter(code="TPTW").first()
    if cluster is None:
        return
    _ensure_rotation(cluster)
    for spec in CONFERENCES:
        _replay(cluster, spec)
