"""Reads of reports, scores, results and indicators, scoped to the caller (STYLE.md rule 3).

Visibility (the permission matrix, tested in tests/test_permissions.py):
* results (totals, classification, rank) and other members' scores: the secretariat of the year and the
  organiser always; everybody who can see the cluster-year once the results are published;
* a member's reports: its own officers and leaders always; the secretariat and the organiser once submitted
  (a draft is nobody else's business);
* the scores a member unit gave as a cross scorer: that unit.
A row the caller may not see is a NotFound (404), never a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from thidua.accounts.selectors import grants_for
from thidua.core.errors import NotFound
from thidua.organisations.models import ClusterYear, Unit
from thidua.organisations.selectors import annotate_as_of, member_in_year, year_end
from thidua.scoring.models import (
    Evidence,
    Indicator,
    IndicatorValue,
    MemberReport,
    MemberResult,
    ReportEntry,
    ReportStatus,
    ResultsState,
    Score,
    ScorerAssignment,
    ScoringConfig,
)


@dataclass(frozen=True)
class RankingRow:
    """One member's published result (the contract used by the conference app)."""

    unit_id: int
    rank: int
    total: Decimal
    classification: str | None
    tie_unresolved: bool


# --- Contract for other apps -------------------------------------------------------------------------


def published_ranking(*, cluster_year) -> list[RankingRow]:
    """The published ranking of a cluster-year (best first), or [] when the results are not published.
    The caller has fetched `cluster_year` through a scoped selector."""
    published = ScoringConfig.objects.filter(cluster_year=cluster_year, state=ResultsState.PUBLISHED)
    rows = MemberResult.objects.filter(cluster_year=cluster_year, cluster_year__scoring_config__in=published)
    return [
        RankingRow(unit_id=r[0], rank=r[1], total=r[2], classification=r[3], tie_unresolved=r[4])
        for r in rows.order_by("rank").values_list("unit_id", "rank", "total", "classification", "tie_unresolved")
    ]


# --- Roles --------------------------------------------------------------------------------------------


def can_manage(user, cy: ClusterYear) -> bool:
    return bool(user.is_authenticated and user.has_perm("scoring.manage_scoring", cy))


def config_of(*, cluster_year) -> ScoringConfig | None:
    return ScoringConfig.objects.filter(cluster_year=cluster_year).select_related("criteria_set").first()


def results_visible(user, cy: ClusterYear, config: ScoringConfig | None = None) -> bool:
    """Whether the caller may see the results and all scores of a cluster-year it can already see."""
    config = config if config is not None else config_of(cluster_year=cy)
    if config is None:
        return False
    return config.state == ResultsState.PUBLISHED or can_manage(user, cy)


def members_of(*, cluster_year) -> list[Unit]:
    """The members of the year, names as of the year's end, by code (one query)."""
    qs = Unit.objects.filter(
        memberships__in=cluster_year.cluster.memberships.filter(member_in_year(cluster_year.year))
    ).distinct()
    return list(annotate_as_of(qs, year_end(cluster_year.year)).order_by("code"))


# --- Results ------------------------------------------------------------------------------------------


def results_for(*, user, cluster_year) -> list[MemberResult]:
    """Ranked results with unit names, in a fixed number of queries; NotFound when not visible to the caller."""
    config = config_of(cluster_year=cluster_year)
    if not results_visible(user, cluster_year, config):
        raise NotFound()
    units = annotate_as_of(Unit.objects.all(), year_end(cluster_year.year))
    from django.db.models import Prefetch

    return list(
        MemberResult.objects.filter(cluster_year=cluster_year)
        .prefetch_related(Prefetch("unit", queryset=units))
        .order_by("rank")
    )


def criterion_matrix(*, user, cluster_year) -> dict:
    """Final score per (member, criterion): {"criteria": [...], "values": {(unit_id, criterion_id): float}}."""
    from thidua.covenant.selectors import criteria_of
    from thidua.scoring import engine

    config = config_of(cluster_year=cluster_year)
    if not results_visible(user, cluster_year, config):
        raise NotFound()
    criteria = criteria_of(criteria_set=config.criteria_set)
    values = {(u, c): float(v or 0) for u, c, _m, _code, v in engine.criterion_values(cluster_year_id=cluster_year.pk)}
    return {"criteria": criteria, "values": values}


def trend_for(*, user, cluster_year) -> list[dict]:
    """Published totals of the same cluster's earlier and later years (year-over-year trend), one query."""
    visible_years = ScoringConfig.objects.filter(cluster_year__cluster_id=cluster_year.cluster_id).filter(
        Q(state=ResultsState.PUBLISHED) | Q(cluster_year_id=cluster_year.pk)
    )
    if not results_visible(user, cluster_year):
        visible_years = visible_years.filter(state=ResultsState.PUBLISHED)
    rows = (
        MemberResult.objects.filter(cluster_year_id__in=visible_years.values("cluster_year_id"))
        .values_list("cluster_year__year", "unit__code", "total", "rank")
        .order_by("cluster_year__year", "unit__code")
    )
    return [{"year": y, "unit": c, "total": float(t), "rank": r} for y, c, t, r in rows]


# --- Reports ------------------------------------------------------------------------------------------


def reports_for(*, user, cluster_year) -> QuerySet[MemberReport]:
    """Reports the caller may see in a cluster-year it can see."""
    qs = MemberReport.objects.filter(cluster_year=cluster_year)
    g = grants_for(user)
    own = Q(unit_id__in=g.officer_units | g.leader_units)
    if can_manage(user, cluster_year):
        return qs.filter(own | ~Q(status=ReportStatus.DRAFT))
    return qs.filter(own)


def report_get(*, user, cluster_year, pk: int) -> MemberReport:
    report = reports_for(user=user, cluster_year=cluster_year).filter(pk=pk).select_related("unit").first()
    if report is None:
        raise NotFound()
    return report


def entries_of(*, report: MemberReport) -> QuerySet[ReportEntry]:
    return report.entries.select_related("criterion").prefetch_related("evidence").order_by(
        "criterion__order", "criterion__code")


def evidence_get(*, user, pk: int) -> Evidence:
    """An evidence file, if the caller may see the report it belongs to."""
    ev = Evidence.objects.select_related("entry__report__cluster_year__cluster").filter(pk=pk).first()
    if ev is None:
        raise NotFound()
    report = ev.entry.report
    from thidua.organisations.selectors import cluster_years_for

    if not cluster_years_for(user=user).filter(pk=report.cluster_year_id).exists():
        raise NotFound()
    if not reports_for(user=user, cluster_year=report.cluster_year).filter(pk=report.pk).exists():
        raise NotFound()
    return ev


# --- Scores -------------------------------------------------------------------------------------------


def scores_for(*, user, cluster_year) -> QuerySet[Score]:
    """Scores the caller may see: all for the secretariat/organiser or after publication; otherwise only
    those its own unit entered as a scorer."""
    qs = Score.objects.filter(cluster_year=cluster_year)
    if results_visible(user, cluster_year):
        return qs
    g = grants_for(user)
    return qs.filter(scorer_unit_id__in=g.officer_units | g.leader_units)


def assignments_of(*, cluster_year) -> QuerySet[ScorerAssignment]:
    return ScorerAssignment.objects.filter(cluster_year=cluster_year).select_related("scorer_unit", "unit")


def assignment_score_counts(*, cluster_year) -> dict[tuple[str, int, int], int]:
    """Scores entered per (role, scorer unit, member): what removing an assignment would delete. One query;
    the caller manages scoring (the counts say nothing about the points)."""
    from django.db.models import Count

    rows = (Score.objects.filter(cluster_year=cluster_year).values_list("role", "scorer_unit_id", "unit_id")
            .annotate(n=Count("id")).order_by())
    return {(r, s, u): n for r, s, u, n in rows}


def my_assignments(*, user, cluster_year) -> QuerySet[ScorerAssignment]:
    """The assignments the caller can score: cross scoring by its own unit's officers; the head's panel for the
    secretariat. The secretariat does not get the other members' cross-scoring forms (it could not save them)."""
    g = grants_for(user)
    qs = assignments_of(cluster_year=cluster_year)
    own = Q(scorer_unit_id__in=g.officer_units, role="cross")
    if can_manage(user, cluster_year):
        return qs.filter(own | Q(role="panel"))
    return qs.filter(own)


# --- Indicators ---------------------------------------------------------------------------------------


def indicators_for(*, cluster) -> QuerySet[Indicator]:
    return Indicator.objects.filter(Q(cluster__isnull=True) | Q(cluster=cluster)).order_by("order", "code")


def indicator_shares(*, cluster_year) -> list[dict]:
    """Per indicator: members' values, the cluster total (computed, only when every member has a value), the
    national total and the share (%), and how many members reported ("reported" of "expected").
    Indicator values are public statistics: anyone who can see the cluster-year reads them. Two queries."""
    members = members_of(cluster_year=cluster_year)
    member_ids = [u.pk for u in members]
    indicators = list(indicators_for(cluster=cluster_year.cluster))
    values = IndicatorValue.objects.filter(indicator__in=indicators, year=cluster_year.year).filter(
        Q(unit_id__in=member_ids) | Q(unit__isnull=True))
    by = {(v.indicator_id, v.unit_id): v.value for v in values}
    out = []
    for ind in indicators:
        per_member = [{"unit_id": u.pk, "code": u.code, "name": u.as_of_short_name or u.as_of_name or u.code,
                       "value": by.get((ind.pk, u.pk))} for u in members]
        present = [m["value"] for m in per_member if m["value"] is not None]
        # A cluster total (and its national share) is stated only when every member has a value: the sum of
        # the members that reported is not the cluster's figure, and it would be published as such.
        complete = bool(members) and len(present) == len(members)
        cluster_total = sum(present, Decimal(0)) if (ind.additive and complete) else None
        national = by.get((ind.pk, None))
        share = (cluster_total / national * 100).quantize(Decimal("0.1")) if (cluster_total is not None and national) else None
        out.append({"indicator": ind, "members": per_member, "cluster_total": cluster_total, "national": national,
                    "share": share, "reported": len(present), "expected": len(members), "complete": complete})
    return out


def indicator_total(*, indicator, year: int, unit_ids) -> Decimal | None:
    return IndicatorValue.objects.filter(indicator=indicator, year=year, unit_id__in=unit_ids).aggregate(
        s=Sum("value"))["s"]
