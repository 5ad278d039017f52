"""The conference's only doors into other apps (ranking, award rules, nominations, leadership).

Each contract is called through one function here, so that tests can replace it and so that a missing
module (an app still being built) degrades to the conference's own data with a clear log line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from thidua.conference import rule_defaults

log = logging.getLogger("thidua.conference")


@dataclass(frozen=True)
class Quota:
    max_count: int | None
    legal_basis: str
    status: str


@dataclass(frozen=True)
class Blocker:
    reason: str
    citation: str


def published_ranking(*, cluster_year) -> list:
    """Rows of the published ranking (unit_id, rank, total, classification, tie_unresolved), or [] if none."""
    try:
        from thidua.scoring.selectors import published_ranking as ranking
    except ImportError:
        log.info("conference: scoring.selectors.published_ranking not available; ranking treated as unpublished")
        return []
    return list(ranking(cluster_year=cluster_year) or [])


def proposal_quota(*, cluster_year, award_code: str) -> Quota:
    """How many of an award the cluster may propose for the year, with the legal basis."""
    try:
        from thidua.awards.selectors import proposal_quota as quota
    except ImportError:
        quota = None
    if quota is not None:
        q = quota(cluster_year=cluster_year, award_code=award_code)
        if q.max_count is not None or q.legal_basis:
            return Quota(max_count=q.max_count, legal_basis=str(q.legal_basis), status=str(q.status))
    rule = rule_defaults.default_quota(year=cluster_year.year, award_code=award_code,
                                       organiser_code=cluster_year.cluster.organiser.code)
    if rule is None:
        return Quota(max_count=None, legal_basis="", status=rule_defaults.UNCONFIRMED)
    return Quota(max_count=rule.max_count, legal_basis=rule.legal_basis, status=rule.status)


def blockers_for_unit(*, unit_id: int, on: date) -> list[Blocker]:
    """Reasons a unit may not be proposed on a date (discipline, inspection…), each with its citation."""
    try:
        from thidua.awards.selectors import blockers_for_unit as blockers
    except ImportError:
        return []
    return [Blocker(reason=str(b.reason), citation=str(b.citation)) for b in blockers(unit_id=unit_id, on=on)]


def nomination_create(*, actor, cluster_year_id: int, unit_id: int, award_code: str, vote_summary: dict,
                      minutes_document_id: int | None) -> bool:
    """Hand a confirmed proposal to the awards app; False (and a log line) when it cannot take it yet."""
    try:
        from thidua.awards.services import nomination_create_from_conference as create
    except ImportError:
        log.warning("conference: awards.services.nomination_create_from_conference not available; "
                    "nomination of unit %s for %s in cluster-year %s not created", unit_id, award_code, cluster_year_id)
        return False
    create(actor=actor, cluster_year_id=cluster_year_id, unit_id=unit_id, award_code=award_code,
           vote_summary=vote_summary, minutes_document_id=minutes_document_id)
    return True


def next_year_leadership(*, cluster_year, head_id: int | None = None, deputy_id: int | None = None,
                         reason: str) -> None:
    """Record the elected head or deputy on year N+1 (opening it if needed), on behalf of the confirmed vote.

    The secretariat confirming a result is not an organiser admin, so this acts as the system; the service
    confirming the result audits who confirmed.
    """
    from thidua.core.actors import SYSTEM
    from thidua.organisations.models import ClusterYear
    from thidua.organisations.services import cluster_year_open, cluster_year_set_leadership

    nxt = ClusterYear.objects.filter(cluster_id=cluster_year.cluster_id, year=cluster_year.year + 1).first()
    if nxt is None:
        nxt = cluster_year_open(actor=SYSTEM, cluster_code=cluster_year.cluster.code, year=cluster_year.year + 1,
                                notes=reason)
    new_head = head_id if head_id is not None else nxt.head_id
    new_deputy = deputy_id if deputy_id is not None else nxt.deputy_id
    if new_head is not None and new_head == new_deputy:
        # The newly elected one wins; the other office is left for the organiser to fill.
        if head_id is not None:
            new_deputy = None
        else:
            new_head = None
    head_sel = ("elected" if head_id is not None else nxt.head_selection) if new_head else ""
    deputy_sel = ("elected" if deputy_id is not None else nxt.deputy_selection) if new_deputy else ""
    cluster_year_set_leadership(actor=SYSTEM, cluster_year_id=nxt.pk, head_id=new_head, head_selection=head_sel,
                                deputy_id=new_deputy, deputy_selection=deputy_sel, reason=reason)


@dataclass(frozen=True)
class CovenantState:
    """Next year's covenant as the covenant app sees it (the conference only reads it)."""

    year: int
    cluster_year_id: int | None
    cycle_state: str  # YearCycle.state, "" when the cycle was never started or the year does not exist
    cycle_label: str
    document_symbol: str  # the covenant document being signed ("" when none issued yet)
    document_sha256: str
    members: int
    signed: int
    unsigned_unit_ids: tuple[int, ...]

    @property
    def exists(self) -> bool:
        return self.cluster_year_id is not None

    @property
    def fully_signed(self) -> bool:
        return self.exists and bool(self.document_sha256) and self.members > 0 and self.signed == self.members


def next_covenant_state(*, cluster_year, next_cluster_year) -> CovenantState:
    """Signing state of the covenant of the year after `cluster_year` (read from covenant.selectors and
    covenant.services; the caller has already scoped `next_cluster_year`, None when it does not exist)."""
    year = cluster_year.year + 1
    if next_cluster_year is None:
        return CovenantState(year=year, cluster_year_id=None, cycle_state="", cycle_label="", document_symbol="",
                             document_sha256="", members=0, signed=0, unsigned_unit_ids=())
    from thidua.conference.selectors import member_unit_ids
    from thidua.covenant.selectors import cycle_get
    from thidua.covenant.services import current_covenant_document, unsigned_members

    cycle = cycle_get(cluster_year=next_cluster_year)
    doc = current_covenant_document(next_cluster_year)
    members = member_unit_ids(next_cluster_year)
    unsigned = unsigned_members(next_cluster_year) if doc is not None else list(members)
    return CovenantState(
        year=year, cluster_year_id=next_cluster_year.pk, cycle_state=cycle.state if cycle else "",
        cycle_label=str(cycle.get_state_display()) if cycle else "", document_symbol=doc.symbol if doc else "",
        document_sha256=doc.docx_sha256 if doc else "", members=len(members),
        signed=len(members) - len(unsigned), unsigned_unit_ids=tuple(unsigned))
