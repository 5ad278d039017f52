"""Reads of units, clusters and cluster-years, always scoped to the caller (STYLE.md rule 3).

A row the caller may not see is reported as NotFound, never as forbidden, so that its existence
is not confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from thidua.accounts.selectors import Grants, grants_for
from thidua.core.errors import InvalidInput, NotFound, invalid
from thidua.organisations.models import (
    Cluster,
    ClusterMembership,
    ClusterYear,
    Unit,
    UnitKind,
    UnitSuccession,
    UnitVersion,
)

YEAR_MIN, YEAR_MAX = 1945, 2200
ID_MAX = 2**31 - 1  # larger ids cannot exist (and overflow the database's integer)


def year_in_range(year) -> bool:
    return isinstance(year, int) and YEAR_MIN <= year <= YEAR_MAX


def year_end(year: int) -> date:
    """The date at which a cluster-year's names are read (the state at the end of the emulation year)."""
    return date(year, 12, 31)


def _invalid_year(field: str = "year") -> InvalidInput:
    from django.utils.translation import gettext as _

    return invalid(_("Năm phải nằm trong khoảng %(min)d–%(max)d.") % {"min": YEAR_MIN, "max": YEAR_MAX}, field=field)


def active_on(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def member_in_year(year_ref) -> Q:
    """Memberships covering a year (an int or an OuterRef to one)."""
    return Q(start_year__lte=year_ref) & (Q(end_year__isnull=True) | Q(end_year__gte=year_ref))


def _version_at(on: date, field: str) -> Subquery:
    return Subquery(
        UnitVersion.objects.filter(active_on(on), unit_id=OuterRef("pk")).order_by("-valid_from").values(field)[:1]
    )


def annotate_as_of(qs: QuerySet[Unit], on: date) -> QuerySet[Unit]:
    """Add as_of_name, as_of_short_name, as_of_kind and as_of_parent (ids) valid on a date, in the same query."""
    return qs.annotate(
        as_of_name=_version_at(on, "name"),
        as_of_short_name=_version_at(on, "short_name"),
        as_of_kind=_version_at(on, "kind__name"),
        as_of_parent=_version_at(on, "parent_id"),
    )


# --- Units -------------------------------------------------------------------------------------------
# The unit registry holds the public names of state bodies: every signed-in user may read it.
# Contact details are changed only through services with their own checks.


def units_as_of(
    *, user, on: date, search: str = "", kind: str = "", include_inactive: bool = False
) -> QuerySet[Unit]:
    if not user.is_authenticated:
        return Unit.objects.none()
    qs = annotate_as_of(Unit.objects.all(), on)
    if not include_inactive:
        qs = qs.filter(versions__in=UnitVersion.objects.filter(active_on(on))).distinct()
    if search:
        qs = qs.filter(
            Q(code__iexact=search) | Q(versions__name__icontains=search) | Q(versions__short_name__icontains=search)
        ).distinct()
    if kind:
        qs = qs.filter(versions__in=UnitVersion.objects.filter(active_on(on), kind__code=kind)).distinct()
    return qs.order_by("code")


def unit_get(*, user, pk: int, on: date | None = None) -> Unit:
    if not user.is_authenticated or not (isinstance(pk, int) and 0 < pk <= ID_MAX):
        raise NotFound()
    qs = annotate_as_of(Unit.objects.all(), on or date.today())
    unit = qs.filter(pk=pk).first()
    if unit is None:
        raise NotFound()
    return unit


def unit_versions(*, unit: Unit) -> QuerySet[UnitVersion]:
    return unit.versions.select_related("kind", "parent").order_by("valid_from")


def unit_successions(*, unit: Unit) -> tuple[QuerySet[UnitSuccession], QuerySet[UnitSuccession]]:
    """(links from predecessors into this unit, links from this unit to successors)."""
    base = UnitSuccession.objects.select_related("predecessor", "successor")
    return base.filter(successor=unit), base.filter(predecessor=unit)


def unit_lineage_ids(*, unit_id: int, on: date | None = None) -> set[int]:
    """This unit and every unit that merged or was renamed into it, transitively (for award history);
    with `on`, only the successions in effect by that date."""
    links = UnitSuccession.objects.all() if on is None else UnitSuccession.objects.filter(effective_date__lte=on)
    seen = {unit_id}
    frontier = {unit_id}
    while frontier:
        frontier = set(links.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True)) - seen
        seen |= frontier
    return seen


def unit_display_names(unit_ids, *, on: date | None = None) -> dict[int, str]:
    """Names to show for units (one query): the name valid on `on` (today by default), else the unit's
    last name (a unit merged away keeps the name it ended with), never the bare code when a name exists."""
    on = on or date.today()
    ids = {i for i in unit_ids if i}
    if not ids:
        return {}
    chosen: dict[int, UnitVersion] = {}
    for v in UnitVersion.objects.filter(unit_id__in=ids).select_related("unit").order_by("unit_id", "valid_from"):
        if v.unit_id not in chosen or v.valid_from <= on:
            chosen[v.unit_id] = v
    names = {uid: v.name for uid, v in chosen.items()}
    missing = ids - set(names)
    if missing:
        names.update(dict(Unit.objects.filter(pk__in=missing).values_list("pk", "code")))
    return names


# Places in official documents (NĐ 30/2020/NĐ-CP, Phụ lục I): the date line names the province or centrally
# governed city a body belongs to ("Cần Thơ, ngày…"), in full for names after a person, a number or an event
# ("Thành phố Hồ Chí Minh, ngày…"); a body with no province above it is a central body, seated in the capital.
PEOPLES_COMMITTEE_KINDS = ("thanh-pho-tw", "tinh")
FULL_NAME_PLACES = ("Hồ Chí Minh",)
CENTRAL_PLACE = "Hà Nội"


def place_name(province_name: str) -> str:
    """"Thành phố Cần Thơ" → "Cần Thơ"; "Thành phố Hồ Chí Minh" stays whole."""
    for prefix in ("Thành phố ", "Tỉnh "):
        if province_name.startswith(prefix):
            rest = province_name[len(prefix):]
            return province_name if rest in FULL_NAME_PLACES else rest
    return province_name


def version_on(unit_id: int, on: date) -> UnitVersion | None:
    """The unit's version in force on the date, else its last one (a unit merged away), with its kind."""
    versions = UnitVersion.objects.filter(unit_id=unit_id).select_related("kind")
    return versions.filter(active_on(on)).first() or versions.order_by("-valid_from").first()


def unit_place(unit_id: int, on: date) -> str | None:
    """The place of the date line of a document the unit issues: its own province or city, or the first one
    above it; None when there is none (a central body)."""
    seen, uid = set(), unit_id
    while uid and uid not in seen:
        seen.add(uid)
        v = version_on(uid, on)
        if v is None:
            return None
        if v.kind_id and v.kind.code in PEOPLES_COMMITTEE_KINDS:
            return place_name(v.name)
        uid = v.parent_id
    return None


def unit_name_now(ref: str = "pk") -> Subquery:
    """A unit's name today, or the last name it had (a unit merged away), as a subquery on `ref`."""
    return Subquery(UnitVersion.objects.filter(unit_id=OuterRef(ref), valid_from__lte=date.today())
                    .order_by("-valid_from").values("name")[:1])


def unit_choices_now(*, keep_id: int | None = None) -> QuerySet[Unit]:
    """Units that exist today, by name (with `name_now`), for pick lists; `keep_id` stays listed whatever its
    dates (the value already chosen)."""
    today = date.today()
    qs = Unit.objects.annotate(name_now=unit_name_now()).filter(
        (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        | Q(pk=keep_id or 0))
    return qs.order_by("name_now", "code")


def unit_kinds() -> QuerySet[UnitKind]:
    return UnitKind.objects.order_by("name")


# --- Clusters ----------------------------------------------------------------------------------------


def _cluster_visibility(g: Grants) -> Q:
    via_years = ClusterYear.objects.filter(
        Q(id__in=g.observer_cluster_years | g.secretariat_cluster_years) | Q(head_id__in=g.secretariat_units)
    ).values("cluster_id")
    via_membership = ClusterMembership.objects.filter(unit_id__in=g.member_units).values("cluster_id")
    return (
        Q(organiser_id__in=g.admin_or_observer_organisers)
        | Q(id__in=g.admin_or_observer_clusters)
        | Q(id__in=via_years)
        | Q(id__in=via_membership)
    )


def clusters_for(*, user) -> QuerySet[Cluster]:
    g = grants_for(user)
    qs = Cluster.objects.all()
    if g.is_superuser:
        return qs
    if g.is_empty:
        return qs.none()
    return qs.filter(_cluster_visibility(g))


def cluster_get(*, user, code: str) -> Cluster:
    cluster = clusters_for(user=user).select_related("organiser").filter(code=code).first()
    if cluster is None:
        raise NotFound()
    return cluster


def can_manage_cluster(user, cluster: Cluster) -> bool:
    g = grants_for(user)
    return g.is_superuser or cluster.organiser_id in g.organiser_admin or cluster.pk in g.cluster_admin


def organisers_for_admin(*, user) -> QuerySet[Unit]:
    """Organiser units under which the caller may create clusters."""
    g = grants_for(user)
    qs = annotate_as_of(Unit.objects.all(), date.today())
    return qs if g.is_superuser else qs.filter(pk__in=g.organiser_admin)


def memberships_for(*, user, cluster: Cluster, year: int | None = None) -> QuerySet[ClusterMembership]:
    """Memberships of a visible cluster (all years, or those covering one year), names as of that year."""
    if not clusters_for(user=user).filter(pk=cluster.pk).exists():
        raise NotFound()
    if year is not None and not year_in_range(year):
        raise _invalid_year()
    qs = ClusterMembership.objects.filter(cluster=cluster)
    if year is not None:
        qs = qs.filter(member_in_year(year))
    on = year_end(year) if year is not None else date.today()
    return qs.prefetch_related(Prefetch("unit", queryset=annotate_as_of(Unit.objects.all(), on))).order_by(
        "start_year", "unit__code"
    )


# --- Cluster-years -----------------------------------------------------------------------------------


def _my_membership(g: Grants) -> Exists:
    return Exists(
        ClusterMembership.objects.filter(
            member_in_year(OuterRef("year")), cluster_id=OuterRef("cluster_id"), unit_id__in=g.member_units
        )
    )


def cluster_years_for(*, user, cluster: Cluster | None = None) -> QuerySet[ClusterYear]:
    """Cluster-years the caller can see, annotated with `is_my_member_year` (the caller's unit is a member)."""
    g = grants_for(user)
    qs = ClusterYear.objects.all()
    if cluster is not None:
        qs = qs.filter(cluster=cluster)
    qs = qs.annotate(is_my_member_year=_my_membership(g))
    if g.is_superuser:
        return qs
    if g.is_empty:
        return qs.none()
    return qs.filter(
        Q(cluster__organiser_id__in=g.admin_or_observer_organisers)
        | Q(cluster_id__in=g.admin_or_observer_clusters)
        | Q(id__in=g.observer_cluster_years | g.secretariat_cluster_years)
        | Q(head_id__in=g.secretariat_units)
        | Q(is_my_member_year=True)
    )


def cluster_year_get(*, user, code: str, year: int) -> ClusterYear:
    if not year_in_range(year):
        raise NotFound()
    cy = (
        cluster_years_for(user=user)
        .select_related("cluster__organiser")
        .filter(cluster__code=code, year=year)
        .first()
    )
    if cy is None:
        raise NotFound()
    _attach_leadership_names(cy)
    return cy


def _attach_leadership_names(cy: ClusterYear) -> None:
    on = year_end(cy.year)
    ids = [i for i in (cy.head_id, cy.deputy_id) if i]
    units = {u.pk: u for u in annotate_as_of(Unit.objects.filter(pk__in=ids), on)}
    cy.head_unit = units.get(cy.head_id)
    cy.deputy_unit = units.get(cy.deputy_id)


@dataclass(frozen=True)
class YearRole:
    code: str
    label: str


def roles_in_cluster_year(user, cy: ClusterYear) -> list[YearRole]:
    """The caller's roles in one cluster-year, derived from grants: the secretariat follows the head unit."""
    from django.utils.translation import gettext as _

    g = grants_for(user)
    roles: list[YearRole] = []
    if g.is_superuser:
        roles.append(YearRole("superuser", _("Quản trị hệ thống")))
    cluster = cy.cluster
    if cluster.organiser_id in g.organiser_admin or cluster.pk in g.cluster_admin:
        roles.append(YearRole("organiser_admin", _("Cơ quan tổ chức")))
    if cy.head_id in g.secretariat_units or cy.pk in g.secretariat_cluster_years:
        roles.append(YearRole("secretariat", str(cluster.secretary_label)))
    if getattr(cy, "is_my_member_year", False):
        if g.leader_units:
            roles.append(YearRole("unit_leader", _("Lãnh đạo đơn vị thành viên")))
        if g.officer_units:
            roles.append(YearRole("unit_officer", _("Cán bộ thi đua đơn vị thành viên")))
    if (
        cluster.organiser_id in g.observer_organisers
        or cluster.pk in g.observer_clusters
        or cy.pk in g.observer_cluster_years
    ):
        roles.append(YearRole("observer", _("Theo dõi")))
    return roles


def is_secretariat(user, cy: ClusterYear) -> bool:
    g = grants_for(user)
    return cy.head_id in g.secretariat_units or cy.pk in g.secretariat_cluster_years


def dashboard_cluster_years(*, user, clusters: list[Cluster] | None = None,
                            limit_per_cluster: int | None = None) -> list[ClusterYear]:
    """Visible cluster-years (of a page of clusters), newest first, with head/deputy names of their year,
    in a fixed number of queries."""
    qs = cluster_years_for(user=user).select_related("cluster__organiser").order_by("cluster__name", "-year")
    if clusters is not None:
        qs = qs.filter(cluster__in=[c.pk for c in clusters])
    cys = list(qs)
    if limit_per_cluster:
        kept, counts = [], {}
        for cy in cys:
            counts[cy.cluster_id] = counts.get(cy.cluster_id, 0) + 1
            if counts[cy.cluster_id] <= limit_per_cluster:
                kept.append(cy)
        cys = kept
    _attach_names_bulk(cys)
    for cy in cys:
        cy.my_roles = roles_in_cluster_year(user, cy)
    return cys


def _attach_names_bulk(cys: list[ClusterYear]) -> None:
    """Head and deputy names as of each year's end: one query for all rows."""
    wanted = {(u, cy.year) for cy in cys for u in (cy.head_id, cy.deputy_id) if u}
    if not wanted:
        for cy in cys:
            cy.head_unit = cy.deputy_unit = None
        return
    unit_ids = {u for u, _ in wanted}
    versions = list(
        UnitVersion.objects.filter(unit_id__in=unit_ids).select_related("unit").order_by("unit_id", "valid_from")
    )
    by_unit: dict[int, list[UnitVersion]] = {}
    for v in versions:
        by_unit.setdefault(v.unit_id, []).append(v)

    def name_at(unit_id: int | None, year: int):
        if not unit_id:
            return None
        on = year_end(year)
        chosen = None
        for v in by_unit.get(unit_id, []):
            if v.valid_from <= on and (v.valid_to is None or v.valid_to >= on):
                chosen = v
        if chosen is None:
            return None
        unit = chosen.unit
        unit.as_of_name, unit.as_of_short_name = chosen.name, chosen.short_name
        return unit

    for cy in cys:
        cy.head_unit = name_at(cy.head_id, cy.year)
        cy.deputy_unit = name_at(cy.deputy_id, cy.year)


class _AnnotatedYears:
    """A lazily sliced list of cluster-years with names attached per page (keeps pagination at fixed queries)."""

    def __init__(self, user, qs):
        self.user, self.qs = user, qs

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, item):
        rows = list(self.qs[item])
        _attach_names_bulk(rows)
        return rows


def dashboard_cluster_years_of(*, user, cluster: Cluster) -> _AnnotatedYears:
    qs = cluster_years_for(user=user, cluster=cluster).select_related("cluster").order_by("-year")
    return _AnnotatedYears(user, qs)


def attach_organiser_names(clusters) -> None:
    """Current names of the organisers of a page of clusters, in one query."""
    ids = {c.organiser_id for c in clusters}
    names = dict(annotate_as_of(Unit.objects.filter(pk__in=ids), date.today()).values_list("pk", "as_of_name"))
    for c in clusters:
        c.organiser_name = names.get(c.organiser_id) or c.organiser.code


def unit_memberships(*, user, unit: Unit) -> list[ClusterMembership]:
    """The unit's memberships in clusters the caller can see."""
    return list(
        ClusterMembership.objects.filter(unit=unit, cluster__in=clusters_for(user=user))
        .select_related("cluster")
        .order_by("-start_year")
    )
