"""The conference's official documents (NĐ 30/2020 layout through the document engine):
Biên bản kiểm phiếu (one per ballot) and Biên bản hội nghị (the minutes of the conference).

Numbering (“Số: 01/BB-CTĐ”): both are minutes (Biên bản, code BB) issued by the cluster (CTĐ), so they
share one register per cluster and calendar year of the document's date, starting at 01 (NĐ 30/2020: a
document's number is its order among those the issuer registers in the year). The number is given by the
documents app's allocator (`documents.services.number_allocate`, through `document_issue(numbering=…)`)
in the issuing transaction, with unique constraints in the database. Re-issuing the record of the same
ballot or the minutes of the same conference (a corrected regeneration) keeps the number already given.
"""

from __future__ import annotations

from datetime import date

from django.db import models, transaction
from django.utils.translation import gettext as _

from thidua.conference.models import Ballot, BallotKind, BallotState, Conference, PassBasis, VoterBasis
from thidua.conference.selectors import attendance, ballot_result, ballots_of
from thidua.core.audit import audit_record
from thidua.core.errors import ErrorDetail, InvalidInput, InvalidState
from thidua.core.permissions import require_perm
from thidua.documents.formats import format_decimal, vn_date
from thidua.documents.models import IssuedDocument
from thidua.documents.services import Numbering, cluster_scope, document_issue, document_key_of
from thidua.documents.spec import BulletList, Heading, OfficialDocument, Paragraph, SignatureBlock, Table
from thidua.organisations.selectors import annotate_as_of

MINUTES_TYPE = "bien_ban"
ISSUER_CODE = "CTĐ"


def _numbering(conf: Conference, obj: models.Model, suffix: str = "") -> Numbering:
    """In the cluster's register (one sequence per symbol and calendar year of the document's date), as the
    logical document `obj` (a re-issue of the same record or minutes keeps its number)."""
    return Numbering(scope=cluster_scope(conf.cluster_year.cluster_id), document_key=document_key_of(obj, suffix))


def _issuer(conf: Conference) -> tuple[str, str]:
    cy = conf.cluster_year
    organiser = annotate_as_of(type(cy.cluster.organiser).objects.filter(pk=cy.cluster.organiser_id),
                               conf.held_on).first()
    return (organiser.as_of_name or "").upper(), cy.cluster.name.upper()


def _rule_text(ballot: Ballot) -> str:
    voters = "mỗi đơn vị thành viên một phiếu" if ballot.voter_basis == VoterBasis.UNIT else "mỗi đại biểu một phiếu"
    basis = {PassBasis.ALL: "tổng số cử tri", PassBasis.PRESENT: "số cử tri có mặt",
             PassBasis.VALID: "số phiếu hợp lệ"}[ballot.pass_basis]
    sign = "trên" if ballot.threshold_strict else "từ"
    return (f"Bỏ phiếu kín, {voters}; mỗi phiếu chọn tối đa {ballot.max_choices}; số được chọn: {ballot.seats}; "
            f"trúng cử (được đề nghị) khi đạt {sign} {ballot.threshold_numerator}/{ballot.threshold_denominator} "
            f"{basis}; {'cho phép' if ballot.allow_abstain else 'không cho phép'} phiếu trắng; "
            f"khi bằng phiếu ở vị trí cuối: {'bỏ phiếu lại' if ballot.tie_rule == 'runoff' else 'hội nghị quyết định'}.")


_BASIS_VI = {PassBasis.ALL: "trên tổng số cử tri", PassBasis.PRESENT: "trên số cử tri có mặt",
             PassBasis.VALID: "trên số phiếu hợp lệ"}


def _basis_vi(result: dict) -> str:
    """The basis of the threshold in the documents' language (a stored summary may carry a label translated
    in the confirming user's session)."""
    return _BASIS_VI.get(result.get("pass_basis"), str(result.get("basis_label", "")).lower())


def _result_lines(ballot: Ballot, result: dict) -> list[str]:
    names = {c["id"]: c["label"] for c in result["candidates"]}
    if not result["quorum_met"]:
        return ["Không đủ số thành viên tối thiểu: kết quả không có giá trị."]
    if ballot.kind == BallotKind.MOTION:
        return ["Nội dung biểu quyết được thông qua." if result["adopted"] else "Nội dung biểu quyết không được thông qua."]
    verb = "được suy tôn, đề nghị" if ballot.kind == BallotKind.AWARD else "trúng cử"
    # Those elected in this round are recorded even when a tie leaves a seat to a run-off.
    lines = [f"{names[i]} {verb} ({next(c['votes'] for c in result['candidates'] if c['id'] == i)}/"
             f"{result['basis_count']} phiếu)." for i in result["winners"]]
    if result["tie"]:
        then = ("bỏ phiếu lại giữa các ứng viên này" if ballot.tie_rule == "runoff"
                else "hội nghị quyết định theo quy chế của cụm")
        lines.append(f"Bằng phiếu, chưa xác định được {result['seats_open']} vị trí còn lại: "
                     + ", ".join(names[i] for i in result["tied"]) + f" — {then}.")
    elif not result["winners"]:
        lines.append("Không có ứng viên đạt ngưỡng quy định.")
    return lines


def ballot_record_spec(ballot: Ballot, result: dict, number: int | None = None) -> OfficialDocument:
    conf = ballot.conference
    parent, issuer = _issuer(conf)
    f = result["figures"]
    committee = list(conf.delegates.filter(on_counting_committee=True).order_by("id"))
    if committee:
        opening = (f"Hôm nay, {vn_date(conf.held_on)}, tại {conf.place}, Ban kiểm phiếu của Hội nghị tổng kết công tác "
                   f"thi đua năm {conf.cluster_year.year} gồm: "
                   + ", ".join(f"{d.full_name} ({d.position or 'đại biểu'})" for d in committee) + ".")
    else:
        # An online vote counted by the system, with no counting committee elected: the chair and the
        # secretary of the conference certify the record.
        opening = (f"Hôm nay, {vn_date(conf.held_on)}, tại {conf.place}, Hội nghị tổng kết công tác thi đua năm "
                   f"{conf.cluster_year.year} bỏ phiếu kín trực tuyến; kết quả do hệ thống kiểm đếm khi khóa hòm "
                   f"phiếu và được công bố tại hội nghị.")
    blocks = [
        Paragraph(opening),
        Paragraph(f"Đã tiến hành kiểm phiếu: {ballot.title}."),
        Heading("I. QUY TẮC ÁP DỤNG", 1),
        Paragraph(_rule_text(ballot)),
        Paragraph(f"Căn cứ: {ballot.legal_basis}" if ballot.legal_basis else "Căn cứ: theo quy chế của cụm."),
        Paragraph(f"Số đơn vị thành viên có mặt khi bỏ phiếu: {result['present_units']}/{result['member_units']} "
                  f"({'đủ' if result['quorum_met'] else 'không đủ'} số thành viên tối thiểu)."),
        Heading("II. KẾT QUẢ KIỂM PHIẾU", 1),
        Table(columns=["Nội dung", "Số phiếu"],
              rows=[["Số phiếu phát ra", str(f["issued"])], ["Số phiếu thu vào", str(f["returned"])],
                    ["Số phiếu không sử dụng", str(f["unused"])], ["Số phiếu hợp lệ", str(f["valid"])],
                    ["Số phiếu không hợp lệ", str(f["invalid"])], ["Số phiếu trắng", str(f["blank"])]],
              widths_mm=[120, 45], aligns=["left", "center"]),
        Paragraph("Số phiếu bầu cho từng ứng viên:", indent=False),
        Table(columns=["TT", "Ứng viên", "Số phiếu", "Tỷ lệ (%)", "Đạt ngưỡng"],
              rows=[[str(i), c["label"] + (f" (không đủ điều kiện: {c['blocked']})" if c["blocked"] else ""),
                     str(c["votes"]), f"{c['percent']:.2f}".replace(".", ","), "Đạt" if c["passed"] else "Không"]
                    for i, c in enumerate(result["candidates"], start=1)],
              widths_mm=[12, 78, 25, 25, 25], aligns=["center", "left", "center", "center", "center"]),
        Heading("III. KẾT QUẢ", 1),
        BulletList(_result_lines(ballot, result)),
    ]
    if ballot.notes:
        blocks.append(Paragraph(f"Ghi chú: {ballot.notes}", italic=True))
    blocks.append(Paragraph("Biên bản được công bố tại hội nghị và lưu cùng hồ sơ hội nghị."))
    signatures = [SignatureBlock(authority="", title="THÀNH VIÊN BAN KIỂM PHIẾU" if i else "TRƯỞNG BAN KIỂM PHIẾU",
                                 name=d.full_name) for i, d in enumerate(committee)] or [
        SignatureBlock(authority="", title="THƯ KÝ HỘI NGHỊ", name=conf.secretary),
        SignatureBlock(authority="", title="CHỦ TRÌ HỘI NGHỊ", name=conf.chair)]
    return OfficialDocument(issuer_parent=parent, issuer=issuer, type_key=MINUTES_TYPE, number=number,
                            issuer_code=ISSUER_CODE, place=conf.place, date=conf.held_on, title="BIÊN BẢN KIỂM PHIẾU",
                            subtitle=ballot.title, blocks=blocks, signatures=signatures,
                            signature_columns=min(max(len(signatures), 1), 3), show_number=number is not None)


@transaction.atomic
def ballot_record_issue(*, actor, ballot: Ballot, result: dict | None = None, with_pdf: bool = True) -> IssuedDocument:
    """Issue the Biên bản kiểm phiếu of a counted ballot with its register number (called by the confirming
    service, or on demand)."""
    from django.utils import translation

    require_perm(actor, "conference.manage_conference", ballot.conference.cluster_year)
    with translation.override("vi"):
        result = result or ballot_result(ballot=ballot)
        spec = ballot_record_spec(ballot, result)
    return document_issue(actor=actor, spec=spec, obj=ballot, cluster_year=ballot.conference.cluster_year,
                          with_pdf=with_pdf, numbering=_numbering(ballot.conference, ballot))


def _covenant_blocks(conf: Conference) -> list:
    """Signing of next year's covenant at the conference, as the covenant app records it (the real
    signatures on the covenant document, not a flag). Written when the conference plans the signing
    (`signs_next_covenant`) or when signatures exist."""
    from thidua.conference import adapters
    from thidua.conference.selectors import unit_names
    from thidua.organisations.models import ClusterYear

    cy = conf.cluster_year
    nxt = ClusterYear.objects.filter(cluster_id=cy.cluster_id, year=cy.year + 1).first()
    state = adapters.next_covenant_state(cluster_year=cy, next_cluster_year=nxt)
    if not conf.signs_next_covenant and not state.signed:
        return []
    blocks: list = [Heading(f"IV. KÝ KẾT GIAO ƯỚC THI ĐUA NĂM {state.year}", 1)]
    if not state.exists:
        blocks.append(Paragraph(f"Chưa có kỳ thi đua năm {state.year} của cụm; giao ước chưa được ký."))
    elif not state.document_sha256:
        blocks.append(Paragraph(f"Chưa lập văn bản giao ước thi đua năm {state.year} để ký."))
    elif state.fully_signed:
        blocks.append(Paragraph(f"Lãnh đạo {state.signed}/{state.members} đơn vị thành viên đã ký Giao ước thi đua "
                                f"năm {state.year} (văn bản có SHA-256 {state.document_sha256[:16]}…)."))
    else:
        missing = ", ".join(unit_names(state.unsigned_unit_ids, state.year))
        blocks.append(Paragraph(f"Đã ký Giao ước thi đua năm {state.year}: {state.signed}/{state.members} đơn vị "
                                f"thành viên; chưa ký: {missing}."))
    return blocks


def conference_minutes_spec(conf: Conference, number: int | None = None) -> OfficialDocument:
    parent, issuer = _issuer(conf)
    cy = conf.cluster_year
    rows = attendance(conference=conf)
    present = [r for r in rows if r["present"]]
    host = annotate_as_of(type(conf.host).objects.filter(pk=conf.host_id), conf.held_on).first()
    blocks = [
        Paragraph(f"Hôm nay, {vn_date(conf.held_on)}, tại {conf.place}, {cy.cluster.name} tổ chức Hội nghị tổng kết "
                  f"công tác thi đua, khen thưởng năm {cy.year}. Đơn vị đăng cai: {host.as_of_name}."),
        Heading("I. THÀNH PHẦN", 1),
        Paragraph(f"Chủ trì: {conf.chair or '(chưa ghi)'}. Thư ký: {conf.secretary or '(chưa ghi)'}."),
    ]
    if conf.central_leader:
        blocks.append(Paragraph(f"Lãnh đạo Trung ương dự: {conf.central_leader}."))
    blocks.append(Table(
        columns=["TT", "Đơn vị thành viên", "Đại biểu", "Có mặt"],
        rows=[[str(i), r["name"], "; ".join(f"{d.full_name}{', ' + d.position if d.position else ''}"
                                             for d in r["delegates"]) or "—", "Có" if r["present"] else "Vắng"]
              for i, r in enumerate(rows, start=1)],
        widths_mm=[12, 55, 78, 20], aligns=["center", "left", "left", "center"]))
    blocks.append(Paragraph(
        f"Có mặt {len(present)}/{len(rows)} đơn vị thành viên; quy định tối thiểu "
        f"{conf.quorum_numerator}/{conf.quorum_denominator} ({conf.quorum_legal_basis or 'quy chế của cụm'})."))
    agenda = [a.title for a in conf.agenda.all()]
    blocks += [Heading("II. NỘI DUNG HỘI NGHỊ", 1), BulletList(agenda or ["(chưa ghi chương trình)"])]
    blocks.append(Heading("III. KẾT QUẢ BỎ PHIẾU", 1))
    n = 0
    for ballot in ballots_of(conference=conf):
        if ballot.state not in (BallotState.COUNTED, BallotState.CONFIRMED):
            continue
        n += 1
        result = ballot_result(ballot=ballot)
        f = result["figures"]
        blocks.append(Heading(f"{n}. {ballot.title}", 2))
        blocks.append(Paragraph(
            f"{'Phiếu giấy' if ballot.method == 'paper' else 'Bỏ phiếu trực tuyến'}: phát ra {f['issued']}, thu vào "
            f"{f['returned']}, hợp lệ {f['valid']}, không hợp lệ {f['invalid']}. Ngưỡng {result['threshold']} "
            f"{_basis_vi(result)} ({result['basis_count']})."))
        blocks.append(BulletList(_result_lines(ballot, result)))
    if n == 0:
        blocks.append(Paragraph("Chưa có kết quả bỏ phiếu."))
    blocks += _covenant_blocks(conf)
    if conf.notes:
        blocks.append(Paragraph(f"Ghi chú: {conf.notes}", italic=True))
    blocks.append(Paragraph("Hội nghị kết thúc vào cùng ngày. Biên bản đã được thông qua tại hội nghị."))
    return OfficialDocument(
        issuer_parent=parent, issuer=issuer, type_key=MINUTES_TYPE, number=number, issuer_code=ISSUER_CODE,
        place=conf.place,
        date=conf.held_on, title="BIÊN BẢN", subtitle=f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {cy.year}",
        blocks=blocks,
        signatures=[SignatureBlock(authority="", title="THƯ KÝ HỘI NGHỊ", name=conf.secretary),
                    SignatureBlock(authority="", title="CHỦ TRÌ HỘI NGHỊ", name=conf.chair)],
        signature_columns=2, show_number=number is not None)


@transaction.atomic
def conference_minutes_issue(*, actor, conference_id: int, with_pdf: bool = True) -> IssuedDocument:
    """Issue the Biên bản hội nghị (attendance, agenda, results, signatures of chair and secretary)."""
    from thidua.conference.services import _conference_for

    conf = _conference_for(actor, conference_id)
    require_perm(actor, "conference.manage_conference", conf.cluster_year)
    if not conf.ballots.filter(state__in=[BallotState.COUNTED, BallotState.CONFIRMED]).exists() and \
            not conf.agenda.exists():
        raise InvalidState(message=_("Hội nghị chưa có nội dung hay kết quả nào để lập biên bản."))
    from django.utils import translation

    with translation.override("vi"):
        spec = conference_minutes_spec(conf)
    return document_issue(actor=actor, spec=spec, obj=conf, cluster_year=conf.cluster_year, with_pdf=with_pdf,
                          numbering=_numbering(conf, conf))


# --- Step 7: the cluster's report of the review results to the organiser ---------------------------------

REPORT_TYPE = "bao_cao"
REPORT_KEY = "ket-qua-binh-xet"


def _chains(conf: Conference) -> list[list[Ballot]]:
    """The conference's ballots as chains of rounds (a ballot, then its runoffs), in creation order."""
    ballots = list(Ballot.objects.filter(conference=conf).exclude(state=BallotState.CANCELLED)
                   .select_related("outcome").order_by("id"))
    children = {b.parent_id: b for b in ballots if b.parent_id}
    chains = []
    for b in ballots:
        if b.parent_id:
            continue
        chain = [b]
        while chain[-1].pk in children:
            chain.append(children[chain[-1].pk])
        chains.append(chain)
    return chains


def results_pending(conf: Conference, chains: list[list[Ballot]] | None = None) -> list[Ballot]:
    """Ballots whose result is not confirmed yet (a counted round settled by a runoff is not pending)."""
    pending = []
    for chain in chains if chains is not None else _chains(conf):
        for i, b in enumerate(chain):
            settled_by_runoff = b.state == BallotState.COUNTED and i + 1 < len(chain)
            if b.state != BallotState.CONFIRMED and not settled_by_runoff:
                pending.append(b)
    return pending


def _round_result(b: Ballot) -> dict:
    outcome = getattr(b, "outcome", None) if b.state == BallotState.CONFIRMED else None
    return outcome.summary if outcome is not None and outcome.summary else ballot_result(ballot=b)


def _chain_winners(chain: list[Ballot]) -> list[tuple[dict, dict, Ballot]]:
    """(candidate row, round result, round) of each winner of a chain, in the order they were chosen."""
    won = []
    for b in chain:
        result = _round_result(b)
        rows = {c["id"]: c for c in result["candidates"]}
        won += [(rows[i], result, b) for i in result["winners"] if i in rows]
    return won


def _records(conf: Conference, chains: list[list[Ballot]]) -> dict[tuple[str, str], IssuedDocument]:
    """The latest Biên bản of the conference and of each of its ballots, by (object type, id), in one query."""
    from thidua.core.audit import object_ref

    refs = [object_ref(conf)] + [object_ref(b) for chain in chains for b in chain]
    q = models.Q(pk__in=[])
    for object_type, object_id in refs:
        q |= models.Q(object_type=object_type, object_id=object_id)
    latest: dict[tuple[str, str], IssuedDocument] = {}
    for doc in IssuedDocument.objects.filter(q, type_key=MINUTES_TYPE).order_by("created_at", "id"):
        latest[(doc.object_type, doc.object_id)] = doc
    return latest


def _record_of(records: dict, obj: models.Model) -> IssuedDocument | None:
    from thidua.core.audit import object_ref

    return records.get(object_ref(obj))


def _votes_text(row: dict, result: dict) -> str:
    return (f"{row['votes']}/{result['basis_count']} phiếu, "
            f"{format_decimal(row['percent'], 2)}% {_basis_vi(result)}")


def results_report_spec(conf: Conference, *, on: date, number: int | None = None) -> OfficialDocument:
    """The Báo cáo kết quả bình xét, suy tôn của Cụm (DOMAIN.md §3 step 7), from the confirmed results.
    A fixed number of queries, whatever the number of ballots and members."""
    from thidua.conference import adapters, rule_defaults
    from thidua.organisations.selectors import year_end

    cy = conf.cluster_year
    cluster = cy.cluster
    heads = {u.pk: u for u in annotate_as_of(type(cluster.organiser).objects.filter(
        pk__in=[x for x in (cy.head_id, cluster.organiser_id, conf.host_id) if x]), on)}
    # Without a head recorded for the year, the host of the conference (by default the head) reports.
    head = heads.get(cy.head_id)
    head_name = (head.as_of_name or head.name) if head else ""
    host = heads.get(conf.host_id)
    host_name = (host.as_of_name or host.name) if host else ""
    reporter = f"{head_name}, Cụm trưởng năm {cy.year}," if head else f"{host_name}, đơn vị đăng cai hội nghị,"
    organiser = heads[cluster.organiser_id]
    standing_code = rule_defaults.STANDING_BODY_CODES.get(organiser.code)
    standing = (annotate_as_of(type(organiser).objects.filter(code=standing_code), on).first()
                if standing_code else None)
    to = organiser.as_of_name or organiser.name
    if standing is not None:
        to += f" (qua {standing.as_of_name or standing.name})"
    rows = attendance(conference=conf)
    present = [r for r in rows if r["present"]]
    blocks: list = [
        Paragraph(f"Kính gửi: {to}.", indent=False, align="center"),
        Paragraph(f"Ngày {vn_date(conf.held_on).removeprefix('ngày ')}, tại {conf.place}, {cluster.name} tổ chức Hội "
                  f"nghị tổng kết công tác thi đua, khen thưởng năm {cy.year}, có {len(present)}/"
                  f"{len(rows)} đơn vị thành viên dự"
                  + (f"; {conf.central_leader} dự và chỉ đạo hội nghị" if conf.central_leader else "")
                  + f". {reporter} báo cáo kết quả bình xét, suy tôn "
                  f"và đề nghị khen thưởng của Cụm như sau:"),
        Heading("I. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG", 1),
    ]
    ranking = adapters.published_ranking(cluster_year=cy)
    if ranking:
        names = {u.pk: u.as_of_name or u.name for u in annotate_as_of(
            type(organiser).objects.filter(pk__in=[r.unit_id for r in ranking]), year_end(cy.year))}
        blocks.append(Table(
            columns=["Hạng", "Đơn vị", "Tổng điểm", "Xếp loại"],
            rows=[[str(r.rank), names.get(r.unit_id, str(r.unit_id)),
                   format_decimal(r.total, 2) if r.total is not None else "—", r.classification or ""] for r in ranking],
            widths_mm=[18, 92, 30, 35], aligns=["center", "left", "center", "center"]))
        ties = [names.get(r.unit_id, "") for r in ranking if r.tie_unresolved]
        if ties:
            blocks.append(Paragraph("Các đơn vị bằng điểm sau mọi tiêu chí phân hạng: " + ", ".join(ties) + "."))
    else:
        blocks.append(Paragraph("Kết quả chấm điểm, xếp hạng của năm chưa được công bố trên hệ thống."))

    chains = _chains(conf)
    proposals: list[tuple[str, dict, dict]] = []  # (award label, candidate row, round result)
    blocks.append(Heading("II. KẾT QUẢ BÌNH XÉT, SUY TÔN", 1))
    award_chains = [c for c in chains if c[0].kind == BallotKind.AWARD]
    for n, chain in enumerate(award_chains, start=1):
        root = chain[0]
        label = str(rule_defaults.AWARD_LABELS.get(root.award_code, root.award_code or root.title))
        blocks.append(Heading(f"{n}. {label}", 2))
        for b in chain:
            result = _round_result(b)
            f = result["figures"]
            blocks.append(Paragraph(
                (f"Vòng {b.round}: " if len(chain) > 1 else "")
                + f"{'Phiếu giấy' if b.method == 'paper' else 'Bỏ phiếu kín trực tuyến'}; phát ra {f['issued']}, "
                f"thu vào {f['returned']}, hợp lệ {f['valid']}, không hợp lệ {f['invalid']}. Quy tắc: "
                f"{_rule_text(b)}"))
            blocks.append(Table(
                columns=["TT", "Đơn vị", "Số phiếu", "Tỷ lệ (%)", "Kết quả"],
                rows=[[str(i), c["label"], str(c["votes"]), format_decimal(c["percent"], 2),
                       "Đề nghị" if c["id"] in result["winners"] else ("Đạt ngưỡng" if c["passed"] else "Không đạt")]
                      for i, c in enumerate(result["candidates"], start=1)],
                widths_mm=[12, 78, 25, 25, 25], aligns=["center", "left", "center", "center", "center"]))
        won = _chain_winners(chain)
        proposals += [(label, row, result) for row, result, _b in won]
        blocks.append(Paragraph(
            f"Hội nghị suy tôn, đề nghị tặng {label}: " + "; ".join(
                f"{row['label']} ({_votes_text(row, result)})" for row, result, _b in won) + "."
            if won else f"Không có đơn vị nào đạt ngưỡng để đề nghị tặng {label}."))
    if not award_chains:
        blocks.append(Paragraph("Hội nghị không tổ chức bỏ phiếu suy tôn, đề nghị khen thưởng."))

    blocks.append(Heading(f"III. BẦU CỤM TRƯỞNG, CỤM PHÓ NĂM {cy.year + 1}", 1))
    offices = []
    for kind, office in ((BallotKind.ELECT_HEAD, "Cụm trưởng"), (BallotKind.ELECT_DEPUTY, "Cụm phó")):
        for chain in (c for c in chains if c[0].kind == kind):
            for row, result, _b in _chain_winners(chain):
                offices.append(f"{office} năm {cy.year + 1}: {row['label']} ({_votes_text(row, result)}).")
    blocks.append(BulletList(offices) if offices else Paragraph("Hội nghị không bầu Cụm trưởng, Cụm phó năm sau."))

    blocks.append(Heading("IV. ĐỀ NGHỊ", 1))
    if proposals:
        blocks.append(Paragraph(f"{cluster.name} kính đề nghị {organiser.as_of_name or organiser.name} xem xét, "
                                f"khen thưởng (hoặc trình cấp có thẩm quyền khen thưởng) các đơn vị sau:"))
        blocks.append(Table(
            columns=["TT", "Đơn vị", "Hình thức đề nghị", "Số phiếu", "Tỷ lệ (%)"],
            rows=[[str(i), row["label"], label, f"{row['votes']}/{result['basis_count']}",
                   format_decimal(row["percent"], 2)] for i, (label, row, result) in enumerate(proposals, start=1)],
            widths_mm=[12, 55, 58, 20, 20], aligns=["center", "left", "left", "center", "center"]))
        blocks.append(Paragraph("Hồ sơ đề nghị khen thưởng của từng đơn vị do đơn vị được đề nghị lập và gửi theo "
                                "quy định.", italic=True))
    else:
        blocks.append(Paragraph("Năm nay Cụm không đề nghị khen thưởng."))

    attachments = []
    records = _records(conf, chains)
    minutes = _record_of(records, conf)
    if minutes is not None:
        attachments.append(f"Biên bản hội nghị tổng kết ({minutes.symbol.removeprefix('Số: ')}).")
    for chain in chains:
        for b in chain:
            rec = _record_of(records, b)
            if rec is not None:
                attachments.append(f"Biên bản kiểm phiếu: {b.title} ({rec.symbol.removeprefix('Số: ')}).")
    blocks += [Paragraph("Hồ sơ kèm theo:", bold=True, indent=False), BulletList(attachments)]

    recipients = ["Như trên"]
    if conf.central_leader:
        recipients.append("Lãnh đạo Trung ương phụ trách Cụm")
    recipients += ["Các đơn vị thành viên Cụm", "Lưu: VT, Cụm"]
    return OfficialDocument(
        issuer_parent=cluster.name.upper(),
        issuer=("CỤM TRƯỞNG\n" + head_name.upper()) if head else ("ĐƠN VỊ ĐĂNG CAI\n" + host_name.upper()),
        type_key=REPORT_TYPE, number=number, issuer_code=ISSUER_CODE,
        place=((head or host).as_of_short_name if (head or host) else "") or conf.place, date=on, title="BÁO CÁO",
        subtitle=f"Kết quả bình xét, suy tôn và đề nghị khen thưởng năm {cy.year}",
        blocks=blocks,
        signatures=[SignatureBlock(authority="TM. CỤM TRƯỞNG" if head else "TM. ĐƠN VỊ ĐĂNG CAI",
                                   unit=(head_name or host_name).upper() or None, title="CHỦ TỊCH", name="")],
        recipients=recipients, show_number=number is not None)


def results_report_refusal(conf: Conference) -> str | None:
    """Why the report cannot be issued yet (None when it can): results not all confirmed, or records missing."""
    chains = _chains(conf)
    pending = results_pending(conf, chains)
    if pending:
        return _("Kết quả hội nghị chưa được xác nhận đủ; còn: %(b)s. Hãy xác nhận kết quả trước khi lập báo cáo.") % {
            "b": "; ".join(f"“{b.title}” ({b.get_state_display()})" for b in pending)}
    confirmed = [b for chain in chains for b in chain if b.state == BallotState.CONFIRMED]
    if not confirmed:
        return _("Hội nghị chưa có kết quả bỏ phiếu nào được xác nhận: chưa lập được báo cáo kết quả.")
    records = _records(conf, chains)
    if _record_of(records, conf) is None:
        return _("Chưa lập Biên bản hội nghị: báo cáo kết quả gửi kèm biên bản, hãy lập biên bản trước.")
    missing = [b.title for b in confirmed if _record_of(records, b) is None]
    if missing:
        return _("Chưa lập Biên bản kiểm phiếu của: %(b)s.") % {"b": "; ".join(missing)}
    return None


@transaction.atomic
def results_report_issue(*, actor, conference_id: int, on: date | None = None,
                         with_pdf: bool = True) -> IssuedDocument:
    """Issue the cluster's report of the review results to the organiser (DOMAIN.md §3 step 7), numbered in
    the cluster's register of Báo cáo ("Số: 05/BC-CTĐ"); a re-issue keeps its number. The secretariat of
    the year's head and the organiser issue it, once every result of the conference is confirmed; the
    members of the cluster-year download it."""
    from django.utils import translation

    from thidua.conference.services import _conference_for

    conf = _conference_for(actor, conference_id, lock=True)
    require_perm(actor, "conference.manage_conference", conf.cluster_year)
    on = on or date.today()
    if on < conf.held_on:
        raise InvalidInput(details=[ErrorDetail(message=_("Ngày báo cáo không được trước ngày họp (%(d)s).") % {
            "d": conf.held_on.strftime("%d/%m/%Y")}, field="on")])
    refusal = results_report_refusal(conf)
    if refusal:
        raise InvalidState(message=refusal)
    with translation.override("vi"):
        spec = results_report_spec(conf, on=on)
    doc = document_issue(actor=actor, spec=spec, obj=conf, cluster_year=conf.cluster_year, unit=conf.cluster_year.head,
                         with_pdf=with_pdf, numbering=_numbering(conf, conf, REPORT_KEY))
    audit_record(action="conference.results_report.issued", actor=actor, obj=conf,
                 payload={"document": str(doc.uid), "number": doc.symbol, "docx_sha256": doc.docx_sha256})
    return doc
