"""Reads of the covenant: cycle, criteria tree, bands, targets, registrations, signatures.

The first group (cycle_get, current_criteria_set, criteria_of, targets_of, bands_of, classify) is the
stable interface other apps (scoring, conference, awards) code against. They take objects the caller has
already fetched through a scoped selector (organisations.selectors.cluster_year_get), so they do no
permission check of their own. The scoped reads for pages and the API are further down and take the user.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, F, Prefetch, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from thidua.covenant.models import (
    ClassificationBand,
    CriteriaSet,
    CriteriaSetStatus,
    Criterion,
    CycleState,
    MemberTarget,
    YearCycle,
)

# --- Stable interface for other apps -----------------------------------------------------------------


def cycle_get(*, cluster_year) -> YearCycle | None:
    """The cycle of a cluster-year, or None when the cycle was never started (nothing is created here;
    covenant.services.cycle_ensure creates it)."""
    return YearCycle.objects.filter(cluster_year=cluster_year).first()


def current_criteria_set(*, cluster_year) -> CriteriaSet | None:
    """The criteria set in force: the frozen version (the one signed, latest amendment), else the latest
    draft, else None. Superseded versions are never returned."""
    sets = CriteriaSet.objects.filter(cluster_year=cluster_year)
    frozen = sets.filter(status=CriteriaSetStatus.FROZEN).order_by("-version").first()
    if frozen is not None:
        return frozen
    return sets.filter(status=CriteriaSetStatus.DRAFT).order_by("-version").first()


def editing_criteria_set(*, cluster_year) -> CriteriaSet | None:
    """The version the secretariat works on: the latest draft (a new table or a numbered amendment being
    prepared), else the version in force. The editor, its Excel export/import and the bands form all act
    on this one, so that an amendment is edited in full while the frozen version stays in force."""
    draft = (CriteriaSet.objects.filter(cluster_year=cluster_year, status=CriteriaSetStatus.DRAFT)
             .order_by("-version").first())
    return draft or current_criteria_set(cluster_year=cluster_year)


def _tree_order(nodes: list[Criterion]) -> list[Criterion]:
    """Depth-first order (parents before children, siblings by order then code); sets `.depth` and
    `.children_list` on every node so templates and scorers need no further query."""
    by_parent: dict[int | None, list[Criterion]] = {}
    for c in nodes:
        by_parent.setdefault(c.parent_id, []).append(c)
    for children in by_parent.values():
        children.sort(key=lambda c: (c.order, c.code))
    out: list[Criterion] = []

    def walk(parent_id, depth):
        for c in by_parent.get(parent_id, []):
            c.depth = depth
            c.children_list = by_parent.get(c.pk, [])
            out.append(c)
            walk(c.pk, depth + 1)

    walk(None, 0)
    return out


def criteria_of(*, criteria_set: CriteriaSet | None) -> list[Criterion]:
    """Every criterion of a set in tree order (one query). Each node carries `.depth` (0 for top level)
    and `.children_list` (its direct children, ordered)."""
    if criteria_set is None:
        return []
    nodes = list(Criterion.objects.filter(criteria_set=criteria_set).select_related("national_campaign"))
    return _tree_order(nodes)


def targets_of(*, cluster_year) -> QuerySet[MemberTarget]:
    """Registered targets of every member for the criteria set in force (quantitative criteria).
    Targets follow the criterion: after an amendment, targets of the superseded version are excluded."""
    cs = current_criteria_set(cluster_year=cluster_year)
    qs = MemberTarget.objects.filter(cluster_year=cluster_year).select_related("criterion", "unit")
    if cs is None:
        return qs.none()
    # Tree order (a criterion's `order` restarts inside each group): by the root's order, then the
    # second level's, then the third's, computed in the query so this stays a QuerySet.
    gp, p, own = "criterion__parent__parent__order", "criterion__parent__order", "criterion__order"
    return qs.filter(criterion__criteria_set=cs).annotate(
        _k1=Coalesce(F(gp), F(p), F(own)),
        _k2=Case(When(criterion__parent__parent__isnull=False, then=F(p)),
                 When(criterion__parent__isnull=False, then=F(own)), default=Value(0)),
        _k3=Case(When(criterion__parent__parent__isnull=False, then=F(own)), default=Value(0)),
    ).order_by("unit__code", "_k1", "_k2", "_k3", "criterion__code")


def bands_of(*, criteria_set: CriteriaSet | None) -> list[ClassificationBand]:
    """Classification bands of a set, highest first."""
    if criteria_set is None:
        return []
    return list(ClassificationBand.objects.filter(criteria_set=criteria_set).order_by("-min_points", "order"))


def classify(total, bands: list[ClassificationBand]) -> ClassificationBand | None:
    """The band containing `total`: min_points ≤ total and (total < next band's min, or ≤ max_points for
    the top band). Bands are stored as closed intervals [min, max]; when two bands touch (Tốt 80–90,
    Xuất sắc 90–100) the higher band wins on the shared boundary, so 90 is Xuất sắc. None if no band."""
    if total is None:
        return None
    value = Decimal(str(total))
    for band in sorted(bands, key=lambda b: b.min_points, reverse=True):
        if band.min_points <= value <= band.max_points:
            return band
    return None


def criteria_sets_of(*, cluster_year) -> QuerySet[CriteriaSet]:
    """All versions of a cluster-year's criteria table, newest first."""
    return CriteriaSet.objects.filter(cluster_year=cluster_year).order_by("-version")


def criteria_set_prefetched(*, criteria_set_id: int) -> CriteriaSet | None:
    return (
        CriteriaSet.objects.filter(pk=criteria_set_id)
        .select_related("cluster_year__cluster")
        .prefetch_related(Prefetch("bands", queryset=ClassificationBand.objects.order_by("-min_points")))
        .first()
    )


# --- Scoped reads for pages and the API ---------------------------------------------------------------


def registrations_for(*, user, cluster_year) -> QuerySet:
    """Registrations of a visible cluster-year the caller may read: the secretariat, the organiser and
    observers read every submitted one (drafts stay with their member); a member reads only its own."""
    from thidua.covenant.access import roles_of, visible_cluster_year
    from thidua.covenant.models import Registration, RegistrationStatus
    from thidua.covenant.workflow import OBSERVER, ORGANISER, SECRETARIAT, SYSTEM_ROLE

    cy = visible_cluster_year(user=user, cluster_year_id=cluster_year.pk)
    roles = roles_of(user, cy)
    from thidua.accounts.selectors import grants_for

    g = grants_for(user)
    qs = Registration.objects.filter(cluster_year=cy).select_related("unit")
    own = qs.filter(unit_id__in=g.officer_units | g.leader_units)
    if roles & {SECRETARIAT, ORGANISER, OBSERVER, SYSTEM_ROLE}:
        return (qs.exclude(status=RegistrationStatus.DRAFT) | own).order_by("unit__code")
    return own.order_by("unit__code")


def registration_get(*, user, cluster_year, unit_id: int):
    """One member's registration (NotFound when the caller may not read it), with its campaigns, commitments
    and targets prefetched; None when the member has not started one and the caller is that member."""
    from thidua.core.errors import NotFound
    from thidua.covenant.access import works_for

    reg = (registrations_for(user=user, cluster_year=cluster_year).filter(unit_id=unit_id)
           .prefetch_related("campaigns__national_campaign", "commitments__national_campaign").first())
    if reg is None:
        if works_for(user, unit_id):
            return None
        raise NotFound()
    return reg


def signatures_of(*, cluster_year) -> QuerySet:
    from thidua.covenant.models import Signature

    return (Signature.objects.filter(cluster_year=cluster_year)
            .select_related("unit", "signed_by", "document").order_by("unit__code", "-signed_at"))


def national_campaigns() -> QuerySet:
    from thidua.covenant.models import NationalCampaign

    return NationalCampaign.objects.order_by("title")


def timeline(*, cluster_year, cycle: YearCycle | None, today=None) -> list[dict]:
    """The year's milestones with their dates, whether each is done or late, and who the cluster waits on.
    A fixed number of queries whatever the number of members."""
    from datetime import date as _date

    from thidua.covenant import workflow as wf
    from thidua.covenant.models import Registration, RegistrationStatus
    from thidua.covenant.services import unsigned_members
    from thidua.organisations.models import Unit
    from thidua.organisations.selectors import annotate_as_of, year_end

    today = today or _date.today()
    if cycle is None:
        return []
    from thidua.covenant.access import member_unit_ids

    members = member_unit_ids(cluster_year)
    names = dict(annotate_as_of(Unit.objects.filter(pk__in=members + [cluster_year.head_id or 0]),
                                year_end(cluster_year.year)).values_list("pk", "as_of_short_name"))
    state_i = wf.state_index(cycle.state)
    rows = []
    for d in wf.DEADLINES:
        when = getattr(cycle, d.field)
        done = state_i >= wf.state_index(d.done_in)
        waiting: list[str] = []
        if not done:
            if d.field == "registration_deadline":
                accepted = set(Registration.objects.filter(cluster_year=cluster_year, status=RegistrationStatus.ACCEPTED)
                               .values_list("unit_id", flat=True))
                not_registered = [u for u in members if u not in accepted]
                if cycle.state == CycleState.DRAFT:
                    waiting = [str(names.get(cluster_year.head_id) or _("Thư ký cụm"))]
                elif not_registered:
                    waiting = [f"{names.get(u, u)} ({_('đăng ký')})" for u in not_registered]
                else:
                    waiting = [f"{names.get(u, u)} ({_('ký giao ước')})" for u in unsigned_members(cluster_year)]
            elif d.waits_on == "members":
                waiting = [str(_("Các đơn vị thành viên"))]
            elif d.waits_on == "secretariat":
                waiting = [str(names.get(cluster_year.head_id) or _("Thư ký cụm"))]
        rows.append({"field": d.field, "label": d.label, "date": when, "done": done,
                     "late": bool(when and not done and when < today), "waiting": waiting, "basis": d.basis})
    return rows
