"""Writes for the review conference (DOMAIN.md §3 step 6). Keyword-only, one transaction each, permission
and state checked, audited.

Secrecy: `ballot_cast` writes the register row and the ballot in one transaction (one ballot per voter,
no lost ballot); the ballot is written sealed (encrypted, fixed size, see `ballot_box` for the design and
the threat model), so the pairing of the two rows that the database itself reveals (transaction id,
physical order) pairs a voter with ciphertext only. `ballot_close` opens the box, shuffles, writes the
anonymous plaintext rows and deletes the sealed ones, in the closing transaction. The audit entry of a
cast names the voter and the ballot (the vote), never the receipt, the choices or the row of the ballot.
Nothing here logs a receipt or a choice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models import Q as models_Q
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.conference import adapters, ballot_box, rule_defaults
from thidua.conference.models import (
    AgendaItem,
    Ballot,
    BallotKind,
    BallotMethod,
    BallotOutcome,
    BallotState,
    Candidate,
    CastBallot,
    CastChoice,
    Conference,
    ConferenceState,
    Delegate,
    PaperCount,
    PaperCountState,
    PaperVotes,
    PassBasis,
    RotationEntry,
    SealedBallot,
    TieRule,
    VoterBasis,
    VoterRecord,
)
from thidua.conference.selectors import (
    ballot_result,
    member_unit_ids,
    present_unit_ids,
    rotation_order,
)
from thidua.conference.tally import canonical_ballots
from thidua.core.audit import audit_record
from thidua.core.errors import Conflict, ErrorDetail, Forbidden, InvalidInput, InvalidState, NotFound, invalid
from thidua.core.permissions import require_perm
from thidua.organisations.models import ClusterYear, Unit
from thidua.organisations.selectors import cluster_get, cluster_years_for

log = logging.getLogger("thidua.conference")

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones


def new_receipt() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


# --- Fetching with scope -------------------------------------------------------------------------------


def _cluster_year_for(actor, cluster_year_id: int) -> ClusterYear:
    cy = cluster_years_for(user=actor).select_related("cluster__organiser", "head").filter(pk=cluster_year_id).first()
    if cy is None:
        raise NotFound()
    return cy


def _conference_for(actor, conference_id: int, *, lock: bool = False) -> Conference:
    conf = Conference.objects.select_related("cluster_year__cluster__organiser").filter(pk=conference_id).first()
    if conf is None or not cluster_years_for(user=actor).filter(pk=conf.cluster_year_id).exists():
        raise NotFound()
    if lock:
        conf = Conference.objects.select_for_update().select_related("cluster_year__cluster__organiser").get(pk=conf.pk)
    return conf


def _ballot_for(actor, ballot_id: int, *, lock: bool = False) -> Ballot:
    b = Ballot.objects.select_related("conference__cluster_year__cluster__organiser").filter(pk=ballot_id).first()
    if b is None or not cluster_years_for(user=actor).filter(pk=b.conference.cluster_year_id).exists():
        raise NotFound()
    if lock:
        # Every change of a ballot's state, and every cast, takes this row lock first: a close and a cast
        # cannot interleave.
        b = Ballot.objects.select_for_update().select_related("conference__cluster_year__cluster__organiser").get(pk=b.pk)
    return b


def _manage(actor, cy: ClusterYear) -> None:
    require_perm(actor, "conference.manage_conference", cy)


def _not_closed(conf: Conference) -> None:
    """A closed conference is a record: its minutes are issued under a number, so nothing in it changes."""
    if conf.state == ConferenceState.CLOSED:
        raise InvalidState(message=_("Hội nghị đã kết thúc: không thay đổi được thông tin, đại biểu, Ban kiểm phiếu "
                                     "hay các cuộc bỏ phiếu."))


# Law 06/2022/QH15 Điều 5 khoản 2 (VERIFIED, DOMAIN.md §4): one achievement is rewarded once, at one level.
ONE_AWARD_CITATION = "Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 5 khoản 2"


def flag_winner_unit_ids(conf: Conference) -> set[int]:
    """Units whose election for the Government Flag at this conference is confirmed (any round)."""
    return set(BallotOutcome.objects.filter(ballot__conference=conf, ballot__kind=BallotKind.AWARD,
                                            ballot__award_code=rule_defaults.FLAG)
               .exclude(winners__isnull=True).values_list("winners__unit_id", flat=True)) - {None}


def _flag_conflict_message(names: list[str]) -> str:
    return _("%(names)s đã được hội nghị suy tôn Cờ thi đua của Chính phủ nên không đề nghị thêm Bằng khen của Thủ "
             "tướng Chính phủ cho cùng thành tích (%(law)s: một thành tích chỉ được khen thưởng một lần).") % {
        "names": ", ".join(names), "law": ONE_AWARD_CITATION}


# --- Rotation ------------------------------------------------------------------------------------------


@transaction.atomic
def rotation_set(*, actor, cluster_code: str, unit_ids: list[int], reason: str = "") -> list[RotationEntry]:
    """Replace the cluster's rotation order for head and deputy (e.g. to insert a new member such as Huế)."""
    cluster = cluster_get(user=actor, code=cluster_code)
    require_perm(actor, "conference.manage_rotation", cluster)
    if len(set(unit_ids)) != len(unit_ids):
        raise invalid(_("Mỗi đơn vị chỉ xuất hiện một lần trong thứ tự luân phiên."), field="unit_ids")
    members = set(cluster.memberships.values_list("unit_id", flat=True))
    unknown = [u for u in unit_ids if u not in members]
    if unknown:
        raise invalid(_("Đơn vị không phải là thành viên của cụm: %(ids)s.") % {"ids": ", ".join(map(str, unknown))},
                      field="unit_ids")
    before = list(RotationEntry.objects.filter(cluster=cluster).order_by("position").values_list("unit_id", flat=True))
    RotationEntry.objects.filter(cluster=cluster).delete()
    entries = RotationEntry.objects.bulk_create(
        [RotationEntry(cluster=cluster, unit_id=u, position=i) for i, u in enumerate(unit_ids, start=1)])
    audit_record(action="conference.rotation.set", actor=actor, obj=cluster,
                 payload={"before": before, "after": unit_ids, "reason": reason})
    return entries


@transaction.atomic
def rotation_insert(*, actor, cluster_code: str, unit_id: int, after_unit_id: int | None) -> list[RotationEntry]:
    """Insert one unit into the rotation, after another (or first)."""
    cluster = cluster_get(user=actor, code=cluster_code)
    require_perm(actor, "conference.manage_rotation", cluster)
    order = [e.unit_id for e in RotationEntry.objects.filter(cluster=cluster).order_by("position")]
    if unit_id in order:
        raise Conflict(message=_("Đơn vị đã có trong thứ tự luân phiên."))
    if after_unit_id is None:
        order.insert(0, unit_id)
    elif after_unit_id not in order:
        raise invalid(_("Đơn vị đứng trước không có trong thứ tự luân phiên."), field="after_unit_id")
    else:
        order.insert(order.index(after_unit_id) + 1, unit_id)
    return rotation_set(actor=actor, cluster_code=cluster_code, unit_ids=order,
                        reason=_("Bổ sung đơn vị vào thứ tự luân phiên"))


@transaction.atomic
def rotation_reorder(*, actor, cluster_code: str, year: int, unit_ids: list[int]) -> list[RotationEntry]:
    """Reorder the rotation as seen for a year: `unit_ids` is the new order of that year's members (all of
    them, each once). Units stored in the rotation but not members that year (former members) keep their
    slots; the year's members fill the other slots in the new order."""
    cluster = cluster_get(user=actor, code=cluster_code)
    require_perm(actor, "conference.manage_rotation", cluster)
    shown = rotation_order(cluster=cluster, year=year)
    if sorted(unit_ids) != sorted(shown) or len(set(unit_ids)) != len(unit_ids):
        raise invalid(_("Thứ tự mới phải gồm đúng các thành viên của cụm năm %(y)d, mỗi đơn vị một lần.")
                      % {"y": year}, field="unit_ids")
    stored = list(RotationEntry.objects.filter(cluster=cluster).order_by("position").values_list("unit_id", flat=True))
    slots = stored + [u for u in shown if u not in stored]
    fill = iter(unit_ids)
    merged = [next(fill) if u in shown else u for u in slots]
    return rotation_set(actor=actor, cluster_code=cluster_code, unit_ids=merged,
                        reason=_("Sắp xếp lại thứ tự luân phiên (năm %(y)d)") % {"y": year})


# --- Conference ----------------------------------------------------------------------------------------


def _validate_fraction(num: int, den: int, field: str) -> ErrorDetail | None:
    if den <= 0 or num < 0 or num > den:
        return ErrorDetail(message=_("Tỷ lệ phải là một phân số từ 0 đến 1 (ví dụ 2/3)."), field=field)
    return None


@transaction.atomic
def conference_create(*, actor, cluster_year_id: int, held_on: date, place: str, host_id: int | None = None,
                      chair: str = "", secretary: str = "", central_leader: str = "", quorum_numerator: int = 2,
                      quorum_denominator: int = 3, quorum_legal_basis: str | None = None,
                      agenda: list[str] | None = None, notes: str = "") -> Conference:
    """Set up the review conference of year N; the host defaults to the outgoing head (DOMAIN.md §2)."""
    cy = _cluster_year_for(actor, cluster_year_id)
    _manage(actor, cy)
    errors: list[ErrorDetail] = []
    if Conference.objects.filter(cluster_year=cy).exists():
        raise Conflict(message=_("Kỳ thi đua này đã có hội nghị tổng kết."))
    if not (place or "").strip():
        errors.append(ErrorDetail(message=_("Cần nhập địa điểm họp."), field="place"))
    if held_on is None or held_on.year < cy.year:
        errors.append(ErrorDetail(message=_("Hội nghị tổng kết năm %(year)d phải họp từ năm %(year)d trở đi.")
                                  % {"year": cy.year}, field="held_on"))
    host_id = host_id or cy.head_id
    if host_id is None:
        errors.append(ErrorDetail(message=_("Kỳ thi đua chưa có cụm trưởng: cần chọn đơn vị đăng cai."), field="host"))
    elif host_id not in member_unit_ids(cy):
        errors.append(ErrorDetail(message=_("Đơn vị đăng cai phải là thành viên của cụm trong năm."), field="host"))
    if e := _validate_fraction(quorum_numerator, quorum_denominator, "quorum"):
        errors.append(e)
    if errors:
        raise InvalidInput(details=errors)
    if quorum_legal_basis is None:
        quorum_legal_basis = rule_defaults.quorum_basis(on=held_on)
    conf = Conference.objects.create(
        cluster_year=cy, held_on=held_on, place=place.strip(), host_id=host_id, chair=chair.strip(),
        secretary=secretary.strip(), central_leader=central_leader.strip(), quorum_numerator=quorum_numerator,
        quorum_denominator=quorum_denominator, quorum_legal_basis=quorum_legal_basis, notes=notes)
    AgendaItem.objects.bulk_create([AgendaItem(conference=conf, position=i, title=t.strip())
                                    for i, t in enumerate(agenda or [], start=1) if t.strip()])
    audit_record(action="conference.conference.created", actor=actor, obj=conf,
                 payload={"cluster_year": cy.pk, "held_on": held_on, "place": conf.place, "host": host_id,
                          "chair": conf.chair, "central_leader": conf.central_leader,
                          "quorum": f"{quorum_numerator}/{quorum_denominator}", "agenda": agenda or []})
    return conf


@transaction.atomic
def conference_update(*, actor, conference_id: int, **changes) -> Conference:
    """Change the details of a conference (date, place, chair, secretary, central leader, quorum, notes)."""
    conf = _conference_for(actor, conference_id, lock=True)
    _manage(actor, conf.cluster_year)
    _not_closed(conf)
    agenda = changes.pop("agenda", None)
    allowed = {"held_on", "place", "chair", "secretary", "central_leader", "quorum_numerator", "quorum_denominator",
               "quorum_legal_basis", "notes", "host_id"}
    unknown = set(changes) - allowed
    if unknown:
        raise invalid(_("Trường không được phép thay đổi: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if conf.ballots.exclude(state=BallotState.DRAFT).exists() and (
            {"quorum_numerator", "quorum_denominator"} & set(changes)):
        raise InvalidState(message=_("Đã mở bỏ phiếu: không được đổi quy định số thành viên tối thiểu."))
    num = changes.get("quorum_numerator", conf.quorum_numerator)
    den = changes.get("quorum_denominator", conf.quorum_denominator)
    if e := _validate_fraction(num, den, "quorum"):
        raise InvalidInput(details=[e])
    if "place" in changes and not (changes["place"] or "").strip():
        raise invalid(_("Cần nhập địa điểm họp."), field="place")
    cy = conf.cluster_year
    if "held_on" in changes and (changes["held_on"] is None or changes["held_on"].year < cy.year):
        raise invalid(_("Hội nghị tổng kết năm %(year)d phải họp từ năm %(year)d trở đi.") % {"year": cy.year},
                      field="held_on")
    if "host_id" in changes:
        changes["host_id"] = changes["host_id"] or cy.head_id
        if changes["host_id"] not in member_unit_ids(cy):
            raise invalid(_("Đơn vị đăng cai phải là thành viên của cụm trong năm."), field="host")
    before = {k: getattr(conf, k) for k in changes}
    for k, v in changes.items():
        setattr(conf, k, v.strip() if isinstance(v, str) else v)
    if changes:
        conf.save(update_fields=list(changes))
        audit_record(action="conference.conference.updated", actor=actor, obj=conf,
                     payload={"before": before, "after": changes})
    if agenda is not None:
        agenda_set(actor=actor, conference_id=conf.pk, items=agenda)
    return conf


@transaction.atomic
def agenda_set(*, actor, conference_id: int, items: list[str]) -> list[AgendaItem]:
    conf = _conference_for(actor, conference_id, lock=True)
    _manage(actor, conf.cluster_year)
    _not_closed(conf)
    before = list(conf.agenda.values_list("title", flat=True))
    conf.agenda.all().delete()
    made = AgendaItem.objects.bulk_create([AgendaItem(conference=conf, position=i, title=t.strip())
                                           for i, t in enumerate(items, start=1) if t.strip()])
    audit_record(action="conference.agenda.set", actor=actor, obj=conf,
                 payload={"before": before, "after": [a.title for a in made]})
    return made


@transaction.atomic
def delegate_add(*, actor, conference_id: int, unit_id: int, full_name: str, position: str = "",
                 user_id: int | None = None, on_counting_committee: bool = False) -> Delegate:
    """Invite a delegate of a member unit. A linked account lets the delegate vote online."""
    conf = _conference_for(actor, conference_id, lock=True)
    _manage(actor, conf.cluster_year)
    _not_closed(conf)
    errors = []
    if unit_id not in member_unit_ids(conf.cluster_year):
        errors.append(ErrorDetail(message=_("Đơn vị không phải là thành viên của cụm trong năm."), field="unit"))
    if not (full_name or "").strip():
        errors.append(ErrorDetail(message=_("Cần nhập họ và tên đại biểu."), field="full_name"))
    if user_id is not None:
        from thidua.accounts.models import User

        u = User.objects.filter(pk=user_id, is_active=True).first()
        if u is None or u.unit_id != unit_id:
            errors.append(ErrorDetail(message=_("Tài khoản phải thuộc đơn vị của đại biểu."), field="user"))
        elif Delegate.objects.filter(conference=conf, user_id=user_id).exists():
            errors.append(ErrorDetail(message=_("Tài khoản này đã được mời làm đại biểu."), field="user"))
    if errors:
        raise InvalidInput(details=errors)
    d = Delegate.objects.create(conference=conf, unit_id=unit_id, full_name=full_name.strip(),
                                position=position.strip(), user_id=user_id,
                                on_counting_committee=on_counting_committee)
    audit_record(action="conference.delegate.invited", actor=actor, obj=conf,
                 payload={"delegate": d.pk, "unit": unit_id, "full_name": d.full_name, "user": user_id,
                          "counting_committee": on_counting_committee})
    return d


@transaction.atomic
def delegate_remove(*, actor, delegate_id: int) -> None:
    """Remove a delegate invited by mistake, while that does not change a vote already opened: a delegate
    counted present when a ballot opened (quorum, ballots issued) or who counted a paper ballot stays."""
    d = Delegate.objects.filter(pk=delegate_id).first()
    if d is None:
        raise NotFound()
    conf = _conference_for(actor, d.conference_id, lock=True)
    _manage(actor, conf.cluster_year)
    _not_closed(conf)
    d = Delegate.objects.get(pk=d.pk)
    used = conf.ballots.exclude(state__in=[BallotState.DRAFT, BallotState.CANCELLED]).exists()
    if d.checked_in and used:
        raise InvalidState(message=_(
            "Đại biểu %(n)s đã được tính có mặt khi mở bỏ phiếu nên không xóa được; nếu đại biểu ra về, hãy bỏ điểm "
            "danh sau khi khóa hòm phiếu.") % {"n": d.full_name})
    if PaperCount.objects.filter(ballot__conference=conf).filter(
            models_Q(entered_by=d) | models_Q(confirmed_by=d)).exists():
        raise InvalidState(message=_("Đại biểu %(n)s đã nhập hoặc xác nhận kết quả kiểm phiếu nên không xóa được.")
                           % {"n": d.full_name})
    if d.user_id is not None and VoterRecord.objects.filter(ballot__conference=conf,
                                                            voter_key=f"delegate:{d.pk}").exists():
        raise InvalidState(message=_("Đại biểu %(n)s đã bỏ phiếu nên không xóa được.") % {"n": d.full_name})
    audit_record(action="conference.delegate.removed", actor=actor, obj=conf,
                 payload={"delegate": d.pk, "unit": d.unit_id, "full_name": d.full_name, "user": d.user_id,
                          "checked_in": d.checked_in, "counting_committee": d.on_counting_committee})
    d.delete()


@transaction.atomic
def delegate_check_in(*, actor, delegate_id: int, present: bool = True) -> Delegate:
    """Record a delegate's attendance (điểm danh).

    Each ballot takes its quorum and electorate (units present, voters present = ballots issued) when it
    opens. Attendance is therefore frozen while a ballot of the conference is open: a delegate who arrives
    late (or leaves) during a vote is recorded once that ballot box is closed, and takes part from the next
    ballot on; an open vote's quorum, electorate and figures never change under it. (Practice: a late
    delegate votes in the votes held after they sign the attendance sheet, not in one already under way.)
    """
    d = Delegate.objects.select_related("conference").filter(pk=delegate_id).first()
    if d is None:
        raise NotFound()
    conf = _conference_for(actor, d.conference_id, lock=True)
    _manage(actor, conf.cluster_year)
    if conf.state == ConferenceState.CLOSED:
        raise InvalidState(message=_("Hội nghị đã kết thúc."))
    open_now = list(conf.ballots.filter(state=BallotState.OPEN).order_by("id").values_list("title", flat=True))
    if open_now and d.checked_in != present:
        raise InvalidState(message=_(
            "Đang bỏ phiếu (%(titles)s): số có mặt đã được chốt khi mở hòm phiếu. Hãy điểm danh sau khi khóa "
            "hòm phiếu; đại biểu đến muộn tham gia từ cuộc bỏ phiếu tiếp theo.") % {"titles": "; ".join(open_now)})
    before = d.checked_in
    d.checked_in = present
    d.save(update_fields=["checked_in"])
    audit_record(action="conference.delegate.checked_in" if present else "conference.delegate.checked_out",
                 actor=actor, obj=conf, payload={"delegate": d.pk, "unit": d.unit_id, "before": before,
                                                 "after": present})
    return d


@transaction.atomic
def counting_committee_set(*, actor, conference_id: int, delegate_ids: list[int]) -> list[Delegate]:
    """The counting committee (Ban kiểm phiếu), chosen at the conference among the delegates present."""
    conf = _conference_for(actor, conference_id, lock=True)
    _manage(actor, conf.cluster_year)
    _not_closed(conf)
    chosen = list(conf.delegates.filter(pk__in=delegate_ids))
    if len(chosen) != len(set(delegate_ids)):
        raise invalid(_("Thành viên Ban kiểm phiếu phải là đại biểu của hội nghị."), field="delegate_ids")
    if len(chosen) < 2:
        raise invalid(_("Ban kiểm phiếu cần ít nhất 2 thành viên (một người nhập, một người xác nhận)."),
                      field="delegate_ids")
    absent = [d.full_name for d in chosen if not d.checked_in]
    if absent:
        raise invalid(_("Thành viên Ban kiểm phiếu phải có mặt: %(names)s.") % {"names": ", ".join(absent)},
                      field="delegate_ids")
    conf.delegates.update(on_counting_committee=False)
    conf.delegates.filter(pk__in=delegate_ids).update(on_counting_committee=True)
    audit_record(action="conference.counting_committee.set", actor=actor, obj=conf,
                 payload={"delegates": sorted(delegate_ids)})
    return list(conf.delegates.filter(on_counting_committee=True))


@transaction.atomic
def conference_close(*, actor, conference_id: int) -> Conference:
    conf = _conference_for(actor, conference_id, lock=True)
    _manage(actor, conf.cluster_year)
    if conf.ballots.filter(state=BallotState.OPEN).exists():
        raise InvalidState(message=_("Còn cuộc bỏ phiếu đang mở: hãy khóa hòm phiếu trước khi kết thúc hội nghị."))
    conf.state = ConferenceState.CLOSED
    conf.save(update_fields=["state"])
    audit_record(action="conference.conference.closed", actor=actor, obj=conf, payload={})
    return conf


# --- Ballots: creation and rule ------------------------------------------------------------------------

RULE_FIELDS = ("voter_basis", "pass_basis", "threshold_numerator", "threshold_denominator", "threshold_strict",
               "seats", "max_choices", "allow_abstain", "tie_rule", "legal_basis", "rule_status")


def _default_leadership_candidates(cy: ClusterYear, kind: str) -> list[int]:
    """Head: the outgoing deputy if any, else the next in rotation after the head; deputy: the one after."""
    order = rotation_order(cluster=cy.cluster, year=cy.year + 1) or rotation_order(cluster=cy.cluster, year=cy.year)
    if not order:
        return []

    def after(unit_id):
        if unit_id not in order:
            return order[0]
        return order[(order.index(unit_id) + 1) % len(order)]

    head = cy.deputy_id if cy.deputy_id in order else after(cy.head_id)
    if kind == BallotKind.ELECT_HEAD:
        return [head]
    deputy = after(head)
    return [deputy] if deputy != head else []


def _default_award_candidates(cy: ClusterYear, *, leaders_only: bool) -> list[int]:
    rows = adapters.published_ranking(cluster_year=cy)
    if rows:
        rows = sorted(rows, key=lambda r: (r.rank, r.unit_id))
        if leaders_only:
            rows = [r for r in rows if r.rank == rows[0].rank]
        return [r.unit_id for r in rows]
    return list(member_unit_ids(cy))


def _validate_rule(rule: dict) -> list[ErrorDetail]:
    errors = []
    if rule["voter_basis"] not in VoterBasis.values:
        errors.append(ErrorDetail(message=_("Quy tắc cử tri không hợp lệ."), field="voter_basis"))
    if rule["pass_basis"] not in PassBasis.values:
        errors.append(ErrorDetail(message=_("Cơ sở tính tỷ lệ không hợp lệ."), field="pass_basis"))
    if rule["tie_rule"] not in TieRule.values:
        errors.append(ErrorDetail(message=_("Cách xử lý bằng phiếu không hợp lệ."), field="tie_rule"))
    if e := _validate_fraction(rule["threshold_numerator"], rule["threshold_denominator"], "threshold"):
        errors.append(e)
    if rule["seats"] < 1:
        errors.append(ErrorDetail(message=_("Số được chọn phải từ 1 trở lên."), field="seats"))
    if rule["max_choices"] < 1:
        errors.append(ErrorDetail(message=_("Số lựa chọn trên một phiếu phải từ 1 trở lên."), field="max_choices"))
    elif rule["max_choices"] < rule["seats"]:
        errors.append(ErrorDetail(message=_("Số lựa chọn trên một phiếu không được ít hơn số được chọn."),
                                  field="max_choices"))
    return errors


@transaction.atomic
def ballot_create(*, actor, conference_id: int, kind: str, method: str = BallotMethod.ONLINE, award_code: str = "",
                  title: str = "", candidate_unit_ids: list[int] | None = None, motion_text: str = "",
                  notes: str = "", **rule_overrides) -> Ballot:
    """Create a ballot with its default rule for the kind and year; candidates default from the rotation
    (elections), from the published ranking or the members (awards), or yes/no (motions)."""
    conf = _conference_for(actor, conference_id, lock=True)
    cy = conf.cluster_year
    _manage(actor, cy)
    if conf.state == ConferenceState.CLOSED:
        raise InvalidState(message=_("Hội nghị đã kết thúc."))
    if kind not in BallotKind.values:
        raise invalid(_("Loại phiếu không hợp lệ."), field="kind")
    if method not in BallotMethod.values:
        raise invalid(_("Hình thức bỏ phiếu không hợp lệ."), field="method")
    unknown = set(rule_overrides) - set(RULE_FIELDS)
    if unknown:
        raise invalid(_("Trường không hợp lệ: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    rule = {"voter_basis": VoterBasis.UNIT, "pass_basis": PassBasis.VALID, "threshold_numerator": 1,
            "threshold_denominator": 2, "threshold_strict": True, "seats": 1, "max_choices": 1, "allow_abstain": True,
            "tie_rule": TieRule.RUNOFF, "legal_basis": rule_defaults.THRESHOLD_BASIS,
            "rule_status": rule_defaults.UNCONFIRMED}
    labels: list[tuple[int | None, str, str]] = []  # (unit, label, nominated_by)
    if kind in (BallotKind.ELECT_HEAD, BallotKind.ELECT_DEPUTY):
        award_code = ""
        rule["legal_basis"] = f"{rule_defaults.LEADERSHIP_BASIS}\n{rule_defaults.THRESHOLD_BASIS}"
        rule["rule_status"] = rule_defaults.HISTORIC
        ids = candidate_unit_ids if candidate_unit_ids is not None else _default_leadership_candidates(cy, kind)
        labels = [(u, "", _("Theo thứ tự luân phiên") if candidate_unit_ids is None else _("Đề cử tại hội nghị"))
                  for u in ids]
        default_title = (_("Bầu cụm trưởng năm %(y)d") if kind == BallotKind.ELECT_HEAD
                         else _("Bầu cụm phó năm %(y)d")) % {"y": cy.year + 1}
    elif kind == BallotKind.AWARD:
        if award_code not in rule_defaults.AWARD_LABELS:
            raise invalid(_("Hình thức khen thưởng không hợp lệ."), field="award_code")
        quota = adapters.proposal_quota(cluster_year=cy, award_code=award_code)
        n = quota.max_count or 1
        rule.update(seats=n, max_choices=n, legal_basis=f"{quota.legal_basis}\n{rule_defaults.THRESHOLD_BASIS}",
                    rule_status=quota.status)
        leaders_only = quota.max_count == 1 and award_code == rule_defaults.FLAG and quota.status == "VERIFIED"
        ids = candidate_unit_ids if candidate_unit_ids is not None else _default_award_candidates(
            cy, leaders_only=leaders_only)
        if award_code == rule_defaults.PM_CERTIFICATE:
            flagged = flag_winner_unit_ids(conf)
            if candidate_unit_ids is None:
                ids = [u for u in ids if u not in flagged]
            elif clash := [u for u in ids if u in flagged]:
                raise InvalidInput(details=[ErrorDetail(
                    message=_flag_conflict_message(list(_unit_labels(clash, conf.held_on).values())),
                    field="candidates")])
        source = _("Theo kết quả chấm điểm, xếp hạng") if adapters.published_ranking(cluster_year=cy) else _(
            "Thành viên của cụm (chưa công bố xếp hạng)")
        labels = [(u, "", source if candidate_unit_ids is None else _("Đề cử tại hội nghị")) for u in ids]
        default_title = _("Suy tôn, đề nghị tặng %(award)s năm %(y)d") % {
            "award": rule_defaults.AWARD_LABELS[award_code], "y": cy.year}
    else:
        award_code = ""
        if not (motion_text or title).strip():
            raise invalid(_("Cần nhập nội dung biểu quyết."), field="motion_text")
        labels = [(None, _("Đồng ý"), ""), (None, _("Không đồng ý"), "")]
        rule["allow_abstain"] = True
        default_title = motion_text or title
    rule.update(rule_overrides)
    errors = _validate_rule(rule)
    members = member_unit_ids(cy)
    bad = [u for u, _l, _n in labels if u is not None and u not in members]
    if bad:
        errors.append(ErrorDetail(message=_("Ứng viên phải là thành viên của cụm trong năm."), field="candidates"))
    if errors:
        raise InvalidInput(details=errors)
    ballot = Ballot.objects.create(conference=conf, kind=kind, award_code=award_code, method=method,
                                   title=(title or default_title).strip(), notes=notes, **rule)
    _add_candidates(ballot, labels, on=conf.held_on)
    audit_record(action="conference.ballot.created", actor=actor, obj=ballot,
                 payload={"kind": kind, "award_code": award_code, "method": method, "title": ballot.title,
                          "rule": {k: rule[k] for k in RULE_FIELDS},
                          "candidates": [u if u is not None else lbl for u, lbl, _n in labels]})
    return ballot


def _unit_labels(unit_ids: list[int], on: date) -> dict[int, str]:
    from thidua.organisations.selectors import annotate_as_of

    return {u.pk: (u.as_of_name or u.code) for u in annotate_as_of(Unit.objects.filter(pk__in=unit_ids), on)}


def _add_candidates(ballot: Ballot, labels, *, on: date) -> list[Candidate]:
    names = _unit_labels([u for u, _l, _n in labels if u is not None], on)
    start = (ballot.candidates.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    made = []
    for i, (unit_id, label, nominated_by) in enumerate(labels):
        reason = citation = ""
        if unit_id is not None and ballot.kind == BallotKind.AWARD:
            blockers = adapters.blockers_for_unit(unit_id=unit_id, on=on)
            reason = "; ".join(b.reason for b in blockers)
            citation = "; ".join(b.citation for b in blockers)[:255]
        made.append(Candidate(ballot=ballot, unit_id=unit_id, label=label or names.get(unit_id, str(unit_id)),
                              position=start + i, nominated_by=nominated_by, blocked_reason=reason,
                              blocked_citation=citation))
    return Candidate.objects.bulk_create(made)


@transaction.atomic
def candidate_add(*, actor, ballot_id: int, unit_id: int, nominated_by: str = "") -> Candidate:
    """Members may nominate others (đề cử thêm) while the ballot is being prepared."""
    ballot = _ballot_for(actor, ballot_id, lock=True)
    _manage(actor, ballot.conference.cluster_year)
    _not_closed(ballot.conference)
    if ballot.state != BallotState.DRAFT:
        raise InvalidState(message=_("Chỉ bổ sung ứng viên khi cuộc bỏ phiếu chưa mở."))
    if ballot.parent_id:
        raise InvalidState(message=_("Vòng bỏ phiếu lại chỉ gồm các ứng viên bằng phiếu ở vòng trước: không bổ sung "
                                     "hay bớt ứng viên."))
    if ballot.kind == BallotKind.MOTION:
        raise InvalidState(message=_("Biểu quyết không có ứng viên."))
    if unit_id not in member_unit_ids(ballot.conference.cluster_year):
        raise invalid(_("Ứng viên phải là thành viên của cụm trong năm."), field="unit")
    if ballot.candidates.filter(unit_id=unit_id).exists():
        raise Conflict(message=_("Đơn vị đã có trong danh sách ứng viên."))
    if ballot.award_code == rule_defaults.PM_CERTIFICATE and unit_id in flag_winner_unit_ids(ballot.conference):
        raise invalid(_flag_conflict_message(list(_unit_labels([unit_id], ballot.conference.held_on).values())),
                      field="unit")
    (cand,) = _add_candidates(ballot, [(unit_id, "", nominated_by or _("Đề cử tại hội nghị"))],
                              on=ballot.conference.held_on)
    audit_record(action="conference.candidate.added", actor=actor, obj=ballot,
                 payload={"unit": unit_id, "nominated_by": cand.nominated_by, "blocked": cand.blocked_reason})
    return cand


@transaction.atomic
def candidate_remove(*, actor, candidate_id: int) -> None:
    cand = Candidate.objects.filter(pk=candidate_id).first()
    if cand is None:
        raise NotFound()
    ballot = _ballot_for(actor, cand.ballot_id, lock=True)
    _manage(actor, ballot.conference.cluster_year)
    _not_closed(ballot.conference)
    if ballot.state != BallotState.DRAFT:
        raise InvalidState(message=_("Chỉ bớt ứng viên khi cuộc bỏ phiếu chưa mở."))
    if ballot.parent_id:
        raise InvalidState(message=_("Vòng bỏ phiếu lại chỉ gồm các ứng viên bằng phiếu ở vòng trước: không bổ sung "
                                     "hay bớt ứng viên."))
    audit_record(action="conference.candidate.removed", actor=actor, obj=ballot,
                 payload={"unit": cand.unit_id, "label": cand.label})
    cand.delete()


@transaction.atomic
def ballot_update_rule(*, actor, ballot_id: int, **changes) -> Ballot:
    """Change the rule of a ballot in preparation (values are data; the legal basis travels with them)."""
    ballot = _ballot_for(actor, ballot_id, lock=True)
    _manage(actor, ballot.conference.cluster_year)
    _not_closed(ballot.conference)
    if ballot.state != BallotState.DRAFT:
        raise InvalidState(message=_("Không được đổi quy tắc khi cuộc bỏ phiếu đã mở."))
    unknown = set(changes) - set(RULE_FIELDS) - {"title", "method"}
    if unknown:
        raise invalid(_("Trường không hợp lệ: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    rule = {k: changes.get(k, getattr(ballot, k)) for k in RULE_FIELDS}
    errors = _validate_rule(rule)
    if "method" in changes and changes["method"] not in BallotMethod.values:
        errors.append(ErrorDetail(message=_("Hình thức bỏ phiếu không hợp lệ."), field="method"))
    if errors:
        raise InvalidInput(details=errors)
    before = {k: getattr(ballot, k) for k in changes}
    for k, v in changes.items():
        setattr(ballot, k, v)
    ballot.save(update_fields=list(changes) or None)
    audit_record(action="conference.ballot.rule_changed", actor=actor, obj=ballot,
                 payload={"before": before, "after": changes})
    return ballot


@transaction.atomic
def ballot_cancel(*, actor, ballot_id: int, reason: str) -> Ballot:
    """Cancel a ballot created by mistake, before it opens (nothing was cast, nothing is lost). The ballot stays,
    marked cancelled with its reason, so the audit trail and the register keep it; it no longer counts among
    the conference's results (minutes, report)."""
    ballot = _ballot_for(actor, ballot_id, lock=True)
    _manage(actor, ballot.conference.cluster_year)
    _not_closed(ballot.conference)
    if ballot.state != BallotState.DRAFT:
        raise InvalidState(message=_("Chỉ hủy được cuộc bỏ phiếu chưa mở (đang ở trạng thái “%(s)s”).")
                           % {"s": ballot.get_state_display()})
    reason = (reason or "").strip()
    if not reason:
        raise invalid(_("Cần ghi lý do hủy cuộc bỏ phiếu."), field="reason")
    ballot.state, ballot.cancel_reason = BallotState.CANCELLED, reason
    ballot.save(update_fields=["state", "cancel_reason"])
    audit_record(action="conference.ballot.cancelled", actor=actor, obj=ballot,
                 payload={"title": ballot.title, "reason": reason})
    return ballot


# --- Ballots: opening, casting, closing ---------------------------------------------------------------


def quorum_status(conf: Conference) -> tuple[int, int, bool]:
    """(member units present, member units, quorum met) under the conference's quorum rule."""
    members = member_unit_ids(conf.cluster_year)
    present = len(present_unit_ids(conf) & set(members))
    total = len(members)
    met = total > 0 and present * conf.quorum_denominator >= conf.quorum_numerator * total
    return present, total, met


@transaction.atomic
def ballot_open(*, actor, ballot_id: int) -> Ballot:
    """Open the vote. Refused without quorum (DOMAIN.md §4: ≥ 2/3 present by default, configurable)."""
    ballot = _ballot_for(actor, ballot_id, lock=True)
    # The conference row too: check-ins take it, so attendance cannot change between the snapshot below and
    # the moment the ballot is seen open (see delegate_check_in).
    conf = Conference.objects.select_for_update().select_related("cluster_year__cluster__organiser").get(
        pk=ballot.conference_id)
    ballot.conference = conf
    _manage(actor, conf.cluster_year)
    if ballot.state != BallotState.DRAFT:
        raise InvalidState(message=_("Cuộc bỏ phiếu không ở trạng thái chuẩn bị."))
    if conf.state == ConferenceState.CLOSED:
        raise InvalidState(message=_("Hội nghị đã kết thúc."))
    selectable = ballot.candidates.filter(blocked_reason="").count()
    if selectable == 0:
        raise InvalidState(message=_("Không có ứng viên nào có thể chọn."))
    if ballot.award_code == rule_defaults.PM_CERTIFICATE:
        clash = list(ballot.candidates.filter(unit_id__in=flag_winner_unit_ids(conf)).values_list("label", flat=True))
        if clash:
            raise InvalidState(message=_flag_conflict_message(clash) + " " + _("Hãy bớt ứng viên này trước khi mở "
                                                                                "bỏ phiếu."))
    present, total, met = quorum_status(conf)
    if not met:
        raise InvalidState(message=_(
            "Chưa đủ số thành viên tối thiểu: có mặt %(p)d/%(t)d đơn vị, cần ít nhất %(n)d/%(d)d.")
            % {"p": present, "t": total, "n": conf.quorum_numerator, "d": conf.quorum_denominator})
    members = set(member_unit_ids(conf.cluster_year))
    if ballot.voter_basis == VoterBasis.UNIT:
        eligible, present_voters = total, present
    else:
        delegates = conf.delegates.filter(unit_id__in=members)
        eligible, present_voters = delegates.count(), delegates.filter(checked_in=True).count()
    ballot.opened_present_units, ballot.opened_member_units, ballot.quorum_met = present, total, met
    ballot.eligible_voters, ballot.present_voters = eligible, present_voters
    ballot.state = BallotState.OPEN
    ballot.box_salt = ballot_box.new_salt() if ballot.method == BallotMethod.ONLINE else ""
    ballot.save(update_fields=["opened_present_units", "opened_member_units", "quorum_met", "eligible_voters",
                               "present_voters", "state", "box_salt"])
    if conf.state == ConferenceState.PLANNED:
        conf.state = ConferenceState.IN_SESSION
        conf.save(update_fields=["state"])
    audit_record(action="conference.ballot.opened", actor=actor, obj=ballot,
                 payload={"present_units": present, "member_units": total, "eligible_voters": eligible,
                          "present_voters": present_voters})
    return ballot


def voter_for(*, user, conference: Conference, voter_basis: str) -> tuple[str, Delegate]:
    """The voter a signed-in user casts for: their own checked-in delegate seat, or its unit."""
    d = Delegate.objects.filter(conference=conference, user_id=getattr(user, "pk", None)).first()
    if d is None or not user.is_authenticated:
        raise Forbidden(message=_("Bạn không phải là đại biểu của hội nghị này."))
    if not d.checked_in:
        raise Forbidden(message=_("Đại biểu chưa được điểm danh có mặt nên chưa thể bỏ phiếu."))
    key = f"unit:{d.unit_id}" if voter_basis == VoterBasis.UNIT else f"delegate:{d.pk}"
    return key, d


def ballot_cast(*, actor, ballot_id: int, candidate_ids: list[int], abstain: bool = False) -> str:
    """Cast one secret ballot online; returns the voter's receipt code (shown once, stored only on the ballot).

    One ballot per voter is enforced by the unique register row, inserted in the same transaction as the
    ballot: a double submit or a race leaves exactly one ballot and the second caller gets a clear message.
    """
    try:
        return _ballot_cast(actor=actor, ballot_id=ballot_id, candidate_ids=candidate_ids, abstain=abstain)
    except IntegrityError as exc:
        raise Conflict(message=_("Phiếu của bạn (hoặc của đơn vị bạn) đã được ghi nhận trước đó; mỗi cử tri chỉ "
                                 "bỏ một phiếu.")) from exc


@transaction.atomic
def _ballot_cast(*, actor, ballot_id: int, candidate_ids: list[int], abstain: bool) -> str:
    ballot = _ballot_for(actor, ballot_id, lock=True)
    if ballot.method != BallotMethod.ONLINE:
        raise InvalidState(message=_("Cuộc bỏ phiếu này dùng phiếu giấy."))
    if ballot.state != BallotState.OPEN:
        raise InvalidState(message=_("Cuộc bỏ phiếu chưa mở hoặc đã khóa hòm phiếu."))
    voter_key, delegate = voter_for(user=actor, conference=ballot.conference, voter_basis=ballot.voter_basis)
    if delegate.unit_id not in member_unit_ids(ballot.conference.cluster_year):
        raise Forbidden(message=_("Đơn vị của bạn không phải là thành viên của cụm trong năm."))
    chosen = list(dict.fromkeys(int(c) for c in candidate_ids or []))
    if abstain and chosen:
        raise invalid(_("Phiếu trắng thì không chọn ứng viên nào."), field="candidates")
    if not chosen and not abstain:
        raise invalid(_("Hãy chọn ít nhất một ứng viên, hoặc chọn bỏ phiếu trắng."), field="candidates")
    if abstain and not ballot.allow_abstain:
        raise invalid(_("Cuộc bỏ phiếu này không cho phép phiếu trắng."), field="candidates")
    if len(chosen) > ballot.max_choices:
        raise invalid(_("Chỉ được chọn tối đa %(n)d.") % {"n": ballot.max_choices}, field="candidates")
    cands = {c.pk: c for c in ballot.candidates.filter(pk__in=chosen)}
    if len(cands) != len(chosen):
        raise invalid(_("Ứng viên không có trên phiếu."), field="candidates")
    blocked = [c.label for c in cands.values() if c.is_blocked]
    if blocked:
        raise invalid(_("Không thể chọn: %(names)s (không đủ điều kiện).") % {"names": ", ".join(blocked)},
                      field="candidates")
    # The register row first: if this voter already voted, the unique constraint fails here, the
    # transaction is rolled back, and no second ballot exists.
    VoterRecord.objects.create(ballot=ballot, voter_key=voter_key, unit_id=delegate.unit_id,
                               voted_on=timezone.localdate())
    receipt = new_receipt()
    sealed, tag = ballot_box.seal(ballot_id=ballot.pk, salt=ballot.box_salt, max_choices=ballot.max_choices,
                                  receipt=receipt, abstain=abstain, choices=chosen)
    SealedBallot.objects.create(ballot=ballot, receipt_tag=tag, sealed=sealed)
    audit_record(action="conference.ballot.vote_recorded", actor=actor, obj=ballot, payload={"voter": voter_key})
    return receipt


def _unseal_into_anonymous_rows(ballot: Ballot) -> int:
    """Open the sealed box of a closing ballot: decrypt, check the count against the register, shuffle, write
    the anonymous rows in that random order, delete the sealed rows and erase the salt. Returns the count."""
    sealed = list(SealedBallot.objects.filter(ballot=ballot).values_list("sealed", flat=True))
    try:
        rows = ballot_box.unseal_all(ballot_id=ballot.pk, salt=ballot.box_salt, sealed_rows=sealed)
    except ballot_box.BoxKeyError as exc:
        log.error("conference: ballot box %s cannot be opened with the server keys", ballot.pk)
        raise InvalidState(message=_(
            "Không giải mã được hòm phiếu: khóa bí mật của máy chủ (SECRET_KEY) đã thay đổi trong khi bỏ phiếu. Hãy "
            "khôi phục khóa cũ (hoặc thêm vào SECRET_KEY_FALLBACKS) rồi khóa hòm phiếu lại.")) from exc
    voters = VoterRecord.objects.filter(ballot=ballot).count()
    if len(rows) != voters:  # pragma: no cover - integrity guard: register and box are written together
        raise InvalidState(message=_("Số phiếu trong hòm (%(b)d) khác số cử tri đã bỏ phiếu (%(v)d); không khóa.")
                           % {"b": len(rows), "v": voters})
    # Each anonymous row gets a random sort key (secrets.token_hex): sorting by it is a uniformly random
    # shuffle. Writing in that order makes the physical order (rowid, ctid) that of the random keys, which is
    # how ballots are listed anyway; every row carries the closing transaction's id.
    casts = sorted((CastBallot(ballot=ballot, receipt=r["receipt"], abstain=r["abstain"]) for r in rows),
                   key=lambda c: c.sort_key)
    by_receipt = {r["receipt"]: r["choices"] for r in rows}
    CastBallot.objects.bulk_create(casts)
    CastChoice.objects.bulk_create([CastChoice(cast_id=c.pk, candidate_id=cand)
                                    for c in casts for cand in sorted(by_receipt[c.receipt])])
    SealedBallot.objects.filter(ballot=ballot).delete()
    ballot.box_salt = ""
    ballot.save(update_fields=["box_salt"])
    return len(casts)


@transaction.atomic
def ballot_close(*, actor, ballot_id: int) -> Ballot:
    """Close the ballot box (khóa hòm phiếu). Takes the row lock, so no cast can land after it."""
    ballot = _ballot_for(actor, ballot_id, lock=True)
    _manage(actor, ballot.conference.cluster_year)
    if ballot.state != BallotState.OPEN:
        raise InvalidState(message=_("Cuộc bỏ phiếu không đang mở."))
    ballot.state = BallotState.CLOSED
    ballot.save(update_fields=["state"])
    cast = 0
    if ballot.method == BallotMethod.ONLINE:
        cast = _unseal_into_anonymous_rows(ballot)
    audit_record(action="conference.ballot.closed", actor=actor, obj=ballot,
                 payload={"ballots_cast": cast, "voters": VoterRecord.objects.filter(ballot=ballot).count()})
    return ballot


def tally_from_ballots(rows: list[dict], candidate_ids: list[int]) -> dict[str, int]:
    tally = {str(c): 0 for c in candidate_ids}
    for r in rows:
        for c in r["choices"]:
            tally[str(int(c))] = tally.get(str(int(c)), 0) + 1
    return tally


@transaction.atomic
def ballot_publish(*, actor, ballot_id: int) -> Ballot:
    """After closing: publish the tally, the receipts, the anonymous ballots and the SHA-256 of their
    canonical form, so that anyone can recount with `thidua tally verify FILE`."""
    ballot = _ballot_for(actor, ballot_id, lock=True)
    _manage(actor, ballot.conference.cluster_year)
    if ballot.method != BallotMethod.ONLINE:
        raise InvalidState(message=_("Chỉ công bố phiếu của cuộc bỏ phiếu trực tuyến."))
    if ballot.state != BallotState.CLOSED:
        raise InvalidState(message=_("Chỉ công bố sau khi đã khóa hòm phiếu."))
    candidates = list(ballot.candidates.order_by("position"))
    choices: dict = {}
    for cast_id, cand in CastChoice.objects.filter(cast__ballot=ballot).values_list("cast_id", "candidate_id"):
        choices.setdefault(cast_id, []).append(cand)
    rows = [{"receipt": c.receipt, "abstain": c.abstain, "choices": sorted(choices.get(c.pk, []))}
            for c in CastBallot.objects.filter(ballot=ballot).order_by("sort_key")]
    canonical = canonical_ballots(rows)
    digest = hashlib.sha256(canonical).hexdigest()
    db_tally = dict(CastChoice.objects.filter(cast__ballot=ballot).values("candidate_id")
                    .annotate(n=Count("id")).values_list("candidate_id", "n"))
    tally = {str(c.pk): db_tally.get(c.pk, 0) for c in candidates}
    if tally != tally_from_ballots(rows, [c.pk for c in candidates]):  # pragma: no cover - integrity guard
        raise InvalidState(message=_("Kiểm đếm không khớp; không công bố."))
    doc = {
        "format": "thidua-ballot/1",
        "ballot": {"id": ballot.pk, "title": ballot.title, "kind": ballot.kind, "award_code": ballot.award_code,
                   "round": ballot.round, "max_choices": ballot.max_choices, "seats": ballot.seats,
                   "cluster": ballot.conference.cluster_year.cluster.code,
                   "year": ballot.conference.cluster_year.year,
                   "rule": {k: getattr(ballot, k) for k in RULE_FIELDS}},
        "candidates": [{"id": c.pk, "label": c.label, "unit_id": c.unit_id} for c in candidates],
        "voters": VoterRecord.objects.filter(ballot=ballot).count(),
        "tally": tally,
        "abstentions": sum(1 for r in rows if r["abstain"]),
        "receipts": sorted(r["receipt"] for r in rows),
        "ballots": json.loads(canonical),
        "sha256": digest,
    }
    ballot.published_json = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True)
    ballot.published_sha256 = digest
    ballot.state = BallotState.COUNTED
    ballot.save(update_fields=["published_json", "published_sha256", "state"])
    audit_record(action="conference.ballot.published", actor=actor, obj=ballot,
                 payload={"sha256": digest, "ballots": len(rows), "tally": tally})
    return ballot


# --- Paper ballots -------------------------------------------------------------------------------------


def _committee_member(actor, ballot: Ballot, delegate_id: int) -> Delegate:
    d = ballot.conference.delegates.filter(pk=delegate_id, on_counting_committee=True).first()
    if d is None:
        raise invalid(_("Người nhập, xác nhận phải là thành viên Ban kiểm phiếu của hội nghị."),
                      field="committee_member")
    manages = actor.has_perm("conference.manage_conference", ballot.conference.cluster_year)
    if not manages and (d.user_id is None or d.user_id != getattr(actor, "pk", None)):
        raise Forbidden(message=_("Chỉ thành viên Ban kiểm phiếu (hoặc thư ký cụm ghi thay) được thao tác."))
    return d


def _check_paper(ballot: Ballot, *, issued, returned, unused, valid, invalid_n, blank, votes: dict[int, int],
                 candidates: dict[int, Candidate]) -> list[ErrorDetail]:
    errors: list[ErrorDetail] = []
    for name, value in (("issued", issued), ("returned", returned), ("unused", unused), ("valid", valid),
                        ("invalid", invalid_n), ("blank", blank)):
        if value is None or int(value) < 0:
            errors.append(ErrorDetail(message=_("Số phiếu không được âm."), field=name))
    if errors:
        return errors
    if issued != returned + unused:
        errors.append(ErrorDetail(message=_(
            "Số phiếu phát ra (%(i)d) phải bằng số phiếu thu vào (%(r)d) cộng số phiếu không sử dụng (%(u)d).")
            % {"i": issued, "r": returned, "u": unused}, field="issued"))
    if valid + invalid_n != returned:
        errors.append(ErrorDetail(message=_(
            "Số phiếu hợp lệ (%(v)d) cộng số phiếu không hợp lệ (%(n)d) phải bằng số phiếu thu vào (%(r)d).")
            % {"v": valid, "n": invalid_n, "r": returned}, field="valid"))
    if ballot.present_voters is not None and issued > ballot.present_voters:
        errors.append(ErrorDetail(message=_("Số phiếu phát ra (%(i)d) vượt số cử tri có mặt (%(p)d).")
                                  % {"i": issued, "p": ballot.present_voters}, field="issued"))
    if blank > valid:
        errors.append(ErrorDetail(message=_("Số phiếu trắng không được vượt số phiếu hợp lệ."), field="blank"))
    if blank and not ballot.allow_abstain:
        errors.append(ErrorDetail(message=_("Cuộc bỏ phiếu này không cho phép phiếu trắng."), field="blank"))
    unknown = [c for c in votes if c not in candidates]
    if unknown:
        errors.append(ErrorDetail(message=_("Ứng viên không có trên phiếu."), field="votes"))
    for cid, n in votes.items():
        cand = candidates.get(cid)
        if cand is None:
            continue
        if n < 0:
            errors.append(ErrorDetail(message=_("Số phiếu của %(c)s không được âm.") % {"c": cand.label},
                                      field=f"votes.{cid}"))
        elif n > valid - blank:
            errors.append(ErrorDetail(message=_(
                "%(c)s được %(n)d phiếu, nhiều hơn số phiếu hợp lệ có chọn ứng viên (%(v)d).")
                % {"c": cand.label, "n": n, "v": valid - blank}, field=f"votes.{cid}"))
        if n > 0 and cand.is_blocked:
            errors.append(ErrorDetail(message=_("%(c)s không đủ điều kiện nên không thể có phiếu bầu.")
                                      % {"c": cand.label}, field=f"votes.{cid}"))
    total = sum(max(n, 0) for n in votes.values())
    cap = (valid - blank) * ballot.max_choices
    if total > cap:
        errors.append(ErrorDetail(message=_(
            "Tổng số phiếu bầu cho các ứng viên (%(t)d) vượt số phiếu hợp lệ có chọn ứng viên nhân số lựa chọn tối đa "
            "(%(v)d × %(m)d = %(c)d).") % {"t": total, "v": valid - blank, "m": ballot.max_choices, "c": cap},
            field="votes"))
    if valid - blank > 0 and total < valid - blank:
        errors.append(ErrorDetail(message=_(
            "Tổng số phiếu bầu (%(t)d) ít hơn số phiếu hợp lệ có chọn ứng viên (%(v)d): mỗi phiếu như vậy chọn ít "
            "nhất một ứng viên.") % {"t": total, "v": valid - blank}, field="votes"))
    return errors


@transaction.atomic
def paper_count_enter(*, actor, ballot_id: int, committee_member_id: int, issued: int, returned: int, unused: int,
                      valid: int, invalid: int, votes: dict[int, int], blank: int = 0, notes: str = "") -> PaperCount:
    """The counting committee enters the figures of a closed paper ballot; numbers that do not add up are
    refused whole with the reason. Re-entering replaces an unconfirmed count."""
    ballot = _ballot_for(actor, ballot_id, lock=True)
    if ballot.method != BallotMethod.PAPER:
        raise InvalidState(message=_("Cuộc bỏ phiếu này là bỏ phiếu trực tuyến."))
    if ballot.state != BallotState.CLOSED:
        raise InvalidState(message=_("Chỉ nhập kết quả kiểm phiếu sau khi khóa hòm phiếu và trước khi xác nhận."))
    member = _committee_member(actor, ballot, committee_member_id)
    candidates = {c.pk: c for c in ballot.candidates.all()}
    votes = {int(k): int(v) for k, v in (votes or {}).items()}
    errors = _check_paper(ballot, issued=issued, returned=returned, unused=unused, valid=valid, invalid_n=invalid,
                          blank=blank, votes=votes, candidates=candidates)
    if errors:
        raise InvalidInput(message=_("Số liệu kiểm phiếu không khớp; chưa lưu."), details=errors)
    PaperCount.objects.filter(ballot=ballot).delete()
    count = PaperCount.objects.create(ballot=ballot, issued=issued, returned=returned, unused=unused, valid=valid,
                                      invalid=invalid, blank=blank, entered_by=member, notes=notes,
                                      entered_by_user_id=getattr(actor, "pk", None))
    PaperVotes.objects.bulk_create([PaperVotes(count=count, candidate_id=cid, votes=votes.get(cid, 0))
                                    for cid in candidates])
    audit_record(action="conference.paper_count.entered", actor=actor, obj=ballot,
                 payload={"entered_by": member.pk, "issued": issued, "returned": returned, "unused": unused,
                          "valid": valid, "invalid": invalid, "blank": blank,
                          "votes": {str(k): v for k, v in sorted(votes.items())}, "notes": notes})
    return count


@transaction.atomic
def paper_count_confirm(*, actor, ballot_id: int, committee_member_id: int) -> PaperCount:
    """A second member of the counting committee confirms the figures; the ballot is then counted.

    Two people, not one person twice: the confirming account must differ from the account that entered the
    figures (the secretariat may type for a committee member without an account, but then someone else
    confirms). Both accounts are recorded. The system actor (command line, demo) has no account."""
    ballot = _ballot_for(actor, ballot_id, lock=True)
    count = PaperCount.objects.filter(ballot=ballot).first()
    if ballot.state != BallotState.CLOSED or count is None or count.state != PaperCountState.ENTERED:
        raise InvalidState(message=_("Không có kết quả kiểm phiếu đang chờ xác nhận."))
    member = _committee_member(actor, ballot, committee_member_id)
    actor_id = getattr(actor, "pk", None)
    if actor_id is not None and actor_id == count.entered_by_user_id:
        raise Forbidden(message=_(
            "Tài khoản của bạn đã nhập số liệu này: việc xác nhận phải do một tài khoản khác thực hiện (thành viên thứ "
            "hai của Ban kiểm phiếu đăng nhập bằng tài khoản của mình, hoặc một người khác ghi thay)."))
    if member.pk == count.entered_by_id:
        raise InvalidInput(message=_("Người xác nhận phải là một thành viên khác của Ban kiểm phiếu."),
                           details=[ErrorDetail(message=_("Người xác nhận phải là một thành viên khác của Ban "
                                                          "kiểm phiếu."), field="committee_member")])
    count.confirmed_by, count.state, count.confirmed_by_user_id = member, PaperCountState.CONFIRMED, actor_id
    count.save(update_fields=["confirmed_by", "state", "confirmed_by_user"])
    ballot.state = BallotState.COUNTED
    ballot.save(update_fields=["state"])
    audit_record(action="conference.paper_count.confirmed", actor=actor, obj=ballot,
                 payload={"confirmed_by": member.pk, "entered_by": count.entered_by_id,
                          "entered_by_user": count.entered_by_user_id, "confirmed_by_user": actor_id})
    return count


# --- Results -------------------------------------------------------------------------------------------


@transaction.atomic
def ballot_runoff_create(*, actor, ballot_id: int, method: str | None = None) -> Ballot:
    """A tie at the last seat: a new round between the tied candidates for the seats still open."""
    parent = _ballot_for(actor, ballot_id, lock=True)
    _manage(actor, parent.conference.cluster_year)
    if parent.state != BallotState.COUNTED:
        raise InvalidState(message=_("Chỉ tổ chức bỏ phiếu lại sau khi đã kiểm phiếu."))
    result = ballot_result(ballot=parent)
    if not result["tie"] or parent.tie_rule != TieRule.RUNOFF:
        raise InvalidState(message=_("Không có trường hợp bằng phiếu cần bỏ phiếu lại."))
    # Runs between the tied only, for the seats still open: neither a new candidate nor one already elected.
    if parent.runoffs.exclude(state=BallotState.CANCELLED).exists():
        raise Conflict(message=_("Đã có vòng bỏ phiếu lại."))
    seats = min(result["seats_open"], len(result["tied"]))
    child = Ballot.objects.create(
        conference=parent.conference, kind=parent.kind, award_code=parent.award_code, method=method or parent.method,
        title=_("%(t)s (bỏ phiếu lại, vòng %(r)d)") % {"t": parent.title, "r": parent.round + 1},
        round=parent.round + 1, parent=parent,
        **{**{k: getattr(parent, k) for k in RULE_FIELDS}, "seats": seats, "max_choices": seats})
    tied = [c for c in parent.candidates.order_by("position") if c.pk in result["tied"]]
    Candidate.objects.bulk_create([Candidate(ballot=child, unit_id=c.unit_id, label=c.label, position=i,
                                             nominated_by=_("Bằng phiếu ở vòng trước"))
                                   for i, c in enumerate(tied, start=1)])
    audit_record(action="conference.ballot.runoff_created", actor=actor, obj=child,
                 payload={"parent": parent.pk, "tied": [c.unit_id for c in tied], "seats": seats})
    return child


def _confirm_round(*, actor, ballot: Ballot, result: dict, issue_record: bool, with_pdf: bool,
                   settled_by: Ballot | None = None) -> BallotOutcome:
    outcome = BallotOutcome.objects.create(ballot=ballot, summary=result,
                                           confirmed_by=actor if getattr(actor, "pk", None) else None)
    outcome.winners.set(result["winners"])
    ballot.state = BallotState.CONFIRMED
    ballot.save(update_fields=["state"])
    payload = {"winners": result["winners"], "quorum_met": result["quorum_met"], "figures": result["figures"]}
    if settled_by is not None:
        payload["settled_by_runoff"] = settled_by.pk
    audit_record(action="conference.ballot.confirmed", actor=actor, obj=ballot, payload=payload)
    if issue_record:
        from thidua.conference.documents import ballot_record_issue

        outcome.minutes_document = ballot_record_issue(actor=actor, ballot=ballot, result=result, with_pdf=with_pdf)
        outcome.save(update_fields=["minutes_document"])
    return outcome


@transaction.atomic
def ballot_confirm(*, actor, ballot_id: int, issue_record: bool = True, with_pdf: bool = True) -> BallotOutcome:
    """Confirm a counted result. Confirmed results flow on: an elected head or deputy is recorded on the
    next cluster-year; each proposed unit becomes a nomination in the awards app.

    Confirming a run-off also confirms the earlier rounds it settles (each with its own Biên bản kiểm phiếu),
    so that a unit elected in round 1 is recorded with the votes of round 1."""
    from django.utils import translation

    ballot = _ballot_for(actor, ballot_id, lock=True)
    cy = ballot.conference.cluster_year
    _manage(actor, cy)
    if ballot.state != BallotState.COUNTED:
        raise InvalidState(message=_("Chỉ xác nhận kết quả sau khi đã kiểm phiếu."))
    if ballot.runoffs.exclude(state=BallotState.CANCELLED).exists():
        raise InvalidState(message=_("Vòng này được giải quyết bằng vòng bỏ phiếu lại: hãy xác nhận kết quả của vòng "
                                     "bỏ phiếu lại."))
    # The stored summary is read back into official documents: its labels are in Vietnamese.
    with translation.override("vi"):
        result = ballot_result(ballot=ballot)
        if result["tie"] and ballot.tie_rule == TieRule.RUNOFF:
            raise InvalidState(message=_("Có ứng viên bằng phiếu: cần bỏ phiếu lại trước khi xác nhận."))
        rounds: list[tuple[Ballot, dict]] = []
        parent_id = ballot.parent_id
        while parent_id:
            parent = Ballot.objects.select_for_update().select_related(
                "conference__cluster_year__cluster__organiser").get(pk=parent_id)
            if parent.state == BallotState.COUNTED:
                rounds.append((parent, ballot_result(ballot=parent)))
            parent_id = parent.parent_id
        rounds.reverse()
        for parent, parent_result in rounds:
            _confirm_round(actor=actor, ballot=parent, result=parent_result, issue_record=issue_record,
                           with_pdf=with_pdf, settled_by=ballot)
        outcome = _confirm_round(actor=actor, ballot=ballot, result=result, issue_record=issue_record,
                                 with_pdf=with_pdf)
    winners = [(cid, r, b) for b, r in rounds for cid in r["winners"]]
    winners += [(cid, result, ballot) for cid in result["winners"]]
    _flow_on(actor=actor, ballot=ballot, winners=winners)
    return outcome


def _flow_on(*, actor, ballot: Ballot, winners: list[tuple[int, dict, Ballot]]) -> None:
    """`winners`: (candidate id, result of the round that elected it, that round), in the order of rounds."""
    cy = ballot.conference.cluster_year
    units = dict(Candidate.objects.filter(pk__in=[w[0] for w in winners]).values_list("pk", "unit_id"))
    who = getattr(actor, "username", "system")
    reason = _("Kết quả bỏ phiếu “%(t)s” tại hội nghị tổng kết ngày %(d)s, do %(u)s xác nhận.") % {
        "t": ballot.title, "d": ballot.conference.held_on.strftime("%d/%m/%Y"), "u": who}
    if ballot.kind in (BallotKind.ELECT_HEAD, BallotKind.ELECT_DEPUTY) and winners:
        unit_id = units[winners[0][0]]
        if ballot.kind == BallotKind.ELECT_HEAD:
            adapters.next_year_leadership(cluster_year=cy, head_id=unit_id, reason=reason)
        else:
            adapters.next_year_leadership(cluster_year=cy, deputy_id=unit_id, reason=reason)
        audit_record(action="conference.ballot.leadership_recorded", actor=actor, obj=ballot,
                     payload={"year": cy.year + 1, "office": ballot.kind, "unit": unit_id})
    elif ballot.kind == BallotKind.AWARD:
        records = dict(BallotOutcome.objects.filter(ballot_id__in={b.pk for _c, _r, b in winners})
                       .values_list("ballot_id", "minutes_document_id"))
        for cid, result, round_ballot in winners:
            votes = {c["id"]: c for c in result["candidates"]}
            summary = {"ballot": round_ballot.pk, "title": round_ballot.title, "round": round_ballot.round,
                       "votes": votes.get(cid, {}).get("votes"), "basis_count": result["basis_count"],
                       "threshold": result["threshold"], "quorum_met": result["quorum_met"],
                       "figures": result["figures"]}
            created = adapters.nomination_create(
                actor=actor, cluster_year_id=cy.pk, unit_id=units[cid], award_code=ballot.award_code,
                vote_summary=summary, minutes_document_id=records.get(round_ballot.pk))
            audit_record(action="conference.ballot.nomination_handed_over", actor=actor, obj=ballot,
                         payload={"unit": units[cid], "award_code": ballot.award_code, "created": created})
