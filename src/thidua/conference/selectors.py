"""Reads for the conference, scoped to the caller through the cluster-year (404 outside scope).

Results are sealed: `ballot_result` refuses to count a ballot that has not been counted (closed and
published for an online vote, confirmed by a second committee member for paper).
"""

from __future__ import annotations

import json

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from thidua.conference import ballot_box
from thidua.conference.models import (
    Ballot,
    BallotKind,
    BallotMethod,
    BallotState,
    Candidate,
    CastBallot,
    CastChoice,
    Conference,
    Delegate,
    PassBasis,
    RotationEntry,
    SealedBallot,
    VoterBasis,
    VoterRecord,
)
from thidua.core.errors import InvalidState, NotFound
from thidua.organisations.models import Cluster, ClusterMembership, ClusterYear, Unit
from thidua.organisations.selectors import (
    annotate_as_of,
    cluster_year_get,
    cluster_years_for,
    member_in_year,
    year_end,
)


def member_unit_ids(cy: ClusterYear) -> list[int]:
    """Member units of the cluster in the year, by unit code."""
    return list(ClusterMembership.objects.filter(member_in_year(cy.year), cluster_id=cy.cluster_id)
                .order_by("unit__code").values_list("unit_id", flat=True))


def present_unit_ids(conf: Conference) -> set[int]:
    return set(conf.delegates.filter(checked_in=True).values_list("unit_id", flat=True))


def rotation_order(*, cluster: Cluster, year: int) -> list[int]:
    """The rotation order restricted to the members of a year; members missing from it come last by code."""
    members = list(ClusterMembership.objects.filter(member_in_year(year), cluster=cluster)
                   .order_by("unit__code").values_list("unit_id", flat=True))
    if not members:
        return []
    ordered = [u for u in RotationEntry.objects.filter(cluster=cluster).order_by("position")
               .values_list("unit_id", flat=True) if u in members]
    return ordered + [u for u in members if u not in ordered]


def rotation_for(*, user, cluster: Cluster, year: int) -> list[Unit]:
    if not cluster_years_for(user=user, cluster=cluster).exists():
        raise NotFound()
    ids = rotation_order(cluster=cluster, year=year)
    units = {u.pk: u for u in annotate_as_of(Unit.objects.filter(pk__in=ids), year_end(year))}
    return [units[i] for i in ids]


def rotation_page(*, user, cluster: Cluster, year: int) -> list[dict]:
    """The rotation as seen for a year, one row per member: position, unit (name as of that year), and
    whether the unit is stored in the order (members missing from it are shown last, by code)."""
    units = rotation_for(user=user, cluster=cluster, year=year)
    stored = set(RotationEntry.objects.filter(cluster=cluster).values_list("unit_id", flat=True))
    return [{"position": i, "unit": u, "name": u.as_of_name or u.code, "stored": u.pk in stored}
            for i, u in enumerate(units, start=1)]


def rotation_history(*, user, cluster: Cluster):
    """The audited changes of the rotation order, newest first, with unit ids resolved to names by the caller
    (`rotation_unit_names`)."""
    from thidua.core.selectors import audit_entries_for_object

    if not cluster_years_for(user=user, cluster=cluster).exists():
        raise NotFound()
    return audit_entries_for_object(obj=cluster).filter(action="conference.rotation.set")


def rotation_unit_names(entries, year: int) -> dict[int, str]:
    """Names (as of the end of `year`) of the units named in rotation history entries, in one query."""
    ids = {u for e in entries for k in ("before", "after") for u in (e.payload or {}).get(k, [])}
    return {u.pk: u.as_of_name or u.code for u in annotate_as_of(Unit.objects.filter(pk__in=ids), year_end(year))}


# --- Conference ----------------------------------------------------------------------------------------


def _ballots_qs() -> QuerySet[Ballot]:
    return Ballot.objects.order_by("id").prefetch_related(
        Prefetch("candidates", queryset=Candidate.objects.order_by("position")))


def conference_for_year(*, user, code: str, year: int) -> tuple[ClusterYear, Conference | None]:
    cy = cluster_year_get(user=user, code=code, year=year)
    conf = (Conference.objects.select_related("cluster_year__cluster__organiser").filter(cluster_year=cy)
            .prefetch_related("agenda").first())
    return cy, conf


def conference_get(*, user, conference_id: int) -> Conference:
    conf = Conference.objects.select_related("cluster_year__cluster__organiser").filter(pk=conference_id).first()
    if conf is None or not cluster_years_for(user=user).filter(pk=conf.cluster_year_id).exists():
        raise NotFound()
    return conf


def conferences_for(*, user) -> QuerySet[Conference]:
    return (Conference.objects.filter(cluster_year__in=cluster_years_for(user=user))
            .select_related("cluster_year__cluster").order_by("-held_on"))


def next_covenant(*, user, conference: Conference):
    """Next year's covenant and its signing state (the conference and the signing happen together in
    practice), read from the covenant app; the next cluster-year is looked up within the caller's scope."""
    from thidua.conference import adapters

    cy = conference.cluster_year
    nxt = cluster_years_for(user=user, cluster=cy.cluster).filter(year=cy.year + 1).first()
    return adapters.next_covenant_state(cluster_year=cy, next_cluster_year=nxt)


def unit_names(unit_ids, year: int) -> list[str]:
    """Names of units as of the end of a year, in the order given."""
    units = {u.pk: u for u in annotate_as_of(Unit.objects.filter(pk__in=list(unit_ids)), year_end(year))}
    return [units[i].as_of_name or units[i].code for i in unit_ids if i in units]


def ballots_of(*, conference: Conference) -> list[Ballot]:
    return list(_ballots_qs().filter(conference=conference))


def ballot_get(*, user, ballot_id: int) -> Ballot:
    b = (_ballots_qs().select_related("conference__cluster_year__cluster__organiser").filter(pk=ballot_id).first())
    if b is None or not cluster_years_for(user=user).filter(pk=b.conference.cluster_year_id).exists():
        raise NotFound()
    return b


def attendance(*, conference: Conference) -> list[dict]:
    """Per member unit: its name in the year, its delegates, and whether it is present."""
    cy = conference.cluster_year
    ids = member_unit_ids(cy)
    units = {u.pk: u for u in annotate_as_of(Unit.objects.filter(pk__in=ids), year_end(cy.year))}
    delegates: dict[int, list[Delegate]] = {}
    for d in conference.delegates.order_by("unit__code", "id"):
        delegates.setdefault(d.unit_id, []).append(d)
    rows = []
    for uid in ids:
        ds = delegates.get(uid, [])
        rows.append({"unit": units[uid], "name": units[uid].as_of_name or units[uid].code, "delegates": ds,
                     "present": any(d.checked_in for d in ds)})
    return rows


def my_delegate(*, user, conference: Conference) -> Delegate | None:
    if not getattr(user, "pk", None):
        return None
    return Delegate.objects.filter(conference=conference, user_id=user.pk).first()


def has_voted(*, user, ballot: Ballot) -> bool:
    d = my_delegate(user=user, conference=ballot.conference)
    if d is None:
        return False
    key = f"unit:{d.unit_id}" if ballot.voter_basis == VoterBasis.UNIT else f"delegate:{d.pk}"
    return VoterRecord.objects.filter(ballot=ballot, voter_key=key).exists()


def voter_register(*, ballot: Ballot) -> QuerySet[VoterRecord]:
    """Who has voted (public to the conference): the register, without anything about their ballots."""
    return VoterRecord.objects.filter(ballot=ballot).order_by("voter_key")


def receipt_check(*, user, ballot_id: int, receipt: str) -> dict:
    """Is this receipt among the ballots? After publication, also what that anonymous ballot says."""
    ballot = ballot_get(user=user, ballot_id=ballot_id)
    code = (receipt or "").strip().upper()
    if ballot.state in (BallotState.COUNTED, BallotState.CONFIRMED) and ballot.published_json:
        published = json.loads(ballot.published_json)
        row = next((b for b in published["ballots"] if b["receipt"] == code), None)
        if row is None:
            return {"found": False, "published": True}
        labels = {c["id"]: c["label"] for c in published["candidates"]}
        return {"found": True, "published": True, "abstain": row["abstain"],
                "choices": [labels.get(c, str(c)) for c in row["choices"]]}
    if ballot.state == BallotState.OPEN and ballot.box_salt:
        # The box is sealed: the receipt is stored only as a keyed hash (see ballot_box).
        tags = ballot_box.receipt_tags(ballot_id=ballot.pk, salt=ballot.box_salt, receipt=code)
        found = SealedBallot.objects.filter(ballot=ballot, receipt_tag__in=tags).exists()
    else:
        found = CastBallot.objects.filter(ballot=ballot, receipt=code).exists()
    return {"found": found, "published": False}


# --- Results -------------------------------------------------------------------------------------------


def threshold_text(ballot: Ballot) -> str:
    sign = ">" if ballot.threshold_strict else "≥"
    return f"{sign} {ballot.threshold_numerator}/{ballot.threshold_denominator}"


def _figures(ballot: Ballot) -> tuple[dict, dict[int, int]]:
    if ballot.method == BallotMethod.PAPER:
        pc = getattr(ballot, "paper_count", None)
        if pc is None:
            raise InvalidState(message=_("Chưa có kết quả kiểm phiếu."))
        votes = dict(pc.votes.values_list("candidate_id", "votes"))
        figures = {"issued": pc.issued, "returned": pc.returned, "unused": pc.unused, "valid": pc.valid,
                   "invalid": pc.invalid, "blank": pc.blank}
        return figures, votes
    casts = CastBallot.objects.filter(ballot=ballot)
    returned = casts.count()
    blank = casts.filter(abstain=True).count()
    votes = dict(CastChoice.objects.filter(cast__ballot=ballot).values("candidate_id").annotate(n=Count("id"))
                 .values_list("candidate_id", "n"))
    issued = ballot.present_voters or 0
    figures = {"issued": issued, "returned": returned, "unused": max(issued - returned, 0), "valid": returned,
               "invalid": 0, "blank": blank}
    return figures, votes


def ballot_result(*, ballot: Ballot) -> dict:
    """Who is elected or proposed, with the figures, the threshold and whether it and the quorum were met.

    JSON-serialisable (stored with the confirmed outcome). Sealed until the ballot has been counted.
    """
    if ballot.state not in (BallotState.COUNTED, BallotState.CONFIRMED):
        raise InvalidState(message=_("Kết quả được niêm phong cho tới khi khóa hòm phiếu và kiểm phiếu xong."))
    figures, votes = _figures(ballot)
    basis_count = {PassBasis.ALL: ballot.eligible_voters or 0, PassBasis.PRESENT: ballot.present_voters or 0,
                   PassBasis.VALID: figures["valid"]}[ballot.pass_basis]
    num, den = ballot.threshold_numerator, ballot.threshold_denominator
    rows = []
    for c in ballot.candidates.order_by("position"):
        n = votes.get(c.pk, 0)
        if basis_count <= 0:
            passed = False
        elif ballot.threshold_strict:
            passed = n * den > num * basis_count
        else:
            passed = n * den >= num * basis_count
        rows.append({"id": c.pk, "unit_id": c.unit_id, "label": c.label, "votes": n,
                     "percent": round(100 * n / basis_count, 2) if basis_count else 0.0,
                     "passed": bool(passed and not c.is_blocked), "blocked": c.blocked_reason})
    passing = sorted((r for r in rows if r["passed"]), key=lambda r: -r["votes"])
    seats = ballot.seats
    tie, tied = False, []
    if len(passing) > seats:
        cutoff = passing[seats - 1]["votes"]
        if passing[seats]["votes"] == cutoff:
            tie = True
            tied = [r["id"] for r in passing if r["votes"] == cutoff]
            winners = [r["id"] for r in passing if r["votes"] > cutoff]
        else:
            winners = [r["id"] for r in passing[:seats]]
    else:
        winners = [r["id"] for r in passing]
    if not tie and len(winners) < seats and ballot.kind != BallotKind.MOTION:
        # Seats left open (nobody, or too few, reached the threshold) and the leading candidates among the rest
        # are level: the tie rule applies to them too (the common case: two candidates, 2–2, > 1/2 needed).
        rest = [r for r in rows if r["id"] not in winners and not r["blocked"] and r["votes"] > 0]
        top = max((r["votes"] for r in rest), default=0)
        leading = [r["id"] for r in rest if r["votes"] == top]
        if len(leading) > 1:
            tie, tied = True, leading
    if ballot.kind == BallotKind.MOTION:
        tie, tied = False, []  # a motion is adopted or not; a level vote is simply not adopted
    quorum_met = bool(ballot.quorum_met)
    if not quorum_met:
        winners, tie, tied = [], False, []
    adopted = None
    if ballot.kind == BallotKind.MOTION:
        first = ballot.candidates.order_by("position").first()
        adopted = first is not None and first.pk in winners
    return {
        "ballot": ballot.pk, "method": ballot.method, "kind": ballot.kind, "figures": figures,
        "pass_basis": ballot.pass_basis, "basis_label": str(PassBasis(ballot.pass_basis).label),
        "basis_count": basis_count, "threshold": threshold_text(ballot), "seats": seats,
        "max_choices": ballot.max_choices, "quorum_met": quorum_met,
        "present_units": ballot.opened_present_units, "member_units": ballot.opened_member_units,
        "candidates": rows, "winners": winners, "tie": tie, "tied": tied,
        "seats_open": seats - len(winners), "adopted": adopted,
        "legal_basis": ballot.legal_basis, "rule_status": ballot.rule_status,
    }


def ballot_result_for(*, user, ballot_id: int) -> dict:
    return ballot_result(ballot=ballot_get(user=user, ballot_id=ballot_id))
