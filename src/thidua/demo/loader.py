"""Loads the demo data through the same services as the pages (idempotent: what exists is left alone)."""

from __future__ import annotations

from django.db import transaction

from thidua.accounts.models import RoleGrant, User
from thidua.accounts.services import role_grant, user_create
from thidua.core.actors import SYSTEM
from thidua.demo import data
from thidua.organisations import services as org
from thidua.organisations.models import (
    Cluster,
    ClusterMembership,
    ClusterYear,
    Unit,
    UnitKind,
    UnitSuccession,
)


def _ensure_kinds() -> None:
    for code, name in data.KINDS:
        UnitKind.objects.get_or_create(code=code, defaults={"name": name})


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _ensure_units() -> None:
    for code, versions in data.UNITS:
        if Unit.objects.filter(code=code).exists():
            continue
        first = versions[0]
        parent = _unit(first[5]).pk if first[5] else None
        org.unit_create(actor=SYSTEM, code=code, name=first[2], short_name=first[3], kind_code=first[4],
                        valid_from=first[0], parent_id=parent, legal_basis=first[6])
        for v in versions[1:]:
            org.unit_change_version(actor=SYSTEM, unit_id=_unit(code).pk, effective_date=v[0], name=v[2],
                                    short_name=v[3], kind_code=v[4], legal_basis=v[6])
    for pred, succ, kind, when, basis in data.SUCCESSIONS:
        p, s = _unit(pred), _unit(succ)
        if not UnitSuccession.objects.filter(predecessor=p, successor=s).exists():
            org.unit_record_succession(actor=SYSTEM, predecessor_id=p.pk, successor_id=s.pk, kind=kind,
                                       effective_date=when, legal_basis=basis)


def _ensure_clusters() -> None:
    for spec in data.CLUSTERS:
        if not Cluster.objects.filter(code=spec["code"]).exists():
            org.cluster_create(actor=SYSTEM, organiser_id=_unit(spec["organiser"]).pk, code=spec["code"],
                               name=spec["name"], kind=spec["kind"], description=spec["description"])
        cluster = Cluster.objects.get(code=spec["code"])
        for unit_code, start, end in spec["members"]:
            if not ClusterMembership.objects.filter(cluster=cluster, unit__code=unit_code).exists():
                org.membership_add(actor=SYSTEM, cluster_code=cluster.code, unit_id=_unit(unit_code).pk,
                                   start_year=start, end_year=end)
        for year, head, deputy, selection, notes in spec["years"]:
            if ClusterYear.objects.filter(cluster=cluster, year=year).exists():
                continue
            org.cluster_year_open(
                actor=SYSTEM, cluster_code=cluster.code, year=year,
                head_id=_unit(head).pk if head else None, head_selection=selection if head else "",
                deputy_id=_unit(deputy).pk if deputy else None, deputy_selection=selection if deputy else "",
                notes=notes)


def _scope_id(scope_kind: str, scope) -> int:
    if scope_kind in ("unit", "organiser"):
        return _unit(scope).pk
    if scope_kind == "cluster":
        return Cluster.objects.get(code=scope).pk
    code, year = scope
    return ClusterYear.objects.get(cluster__code=code, year=year).pk


def _ensure_users(password: str) -> list[tuple[str, str, str]]:
    made = []
    if not User.objects.filter(username="admin").exists():
        user_create(actor=SYSTEM, username="admin", password=password, full_name="Quản trị hệ thống (demo)",
                    is_superuser=True, check_password=False)
    made.append(("admin", "Quản trị hệ thống", ""))
    for username, full_name, position, unit_code, roles in data.USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(actor=SYSTEM, username=username, password=password, full_name=full_name,
                               position=position, unit_id=_unit(unit_code).pk, check_password=False)
        for role, scope_kind, scope in roles:
            scope_id = _scope_id(scope_kind, scope)
            field = {"unit": "unit_id", "organiser": "unit_id", "cluster": "cluster_id", "cluster_year": "cluster_year_id"}[scope_kind]
            if not RoleGrant.objects.filter(user=user, role=role, scope_kind=scope_kind, revoked_at__isnull=True,
                                            **{field: scope_id}).exists():
                role_grant(actor=SYSTEM, user_id=user.pk, role=role, scope_kind=scope_kind, scope_id=scope_id)
        labels = ", ".join(RoleGrant(role=r).get_role_display() for r, _, _ in roles)
        made.append((username, full_name, labels))
    return made


# Each later capability adds its own demo data in `thidua.<app>.demo.load()`, run in this order
# after the organisations and accounts exist (covenants before scores, scores before conferences…).
DEMO_APPS = ["covenant", "scoring", "conference", "awards"]


def _load_app_demos() -> None:
    import importlib
    import importlib.util

    for app in DEMO_APPS:
        name = f"thidua.{app}.demo"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).load()


# The years whose whole cycle the seeds tell (review conference held, awards decided): once every app has
# loaded its part, their cycle is moved on to "closed", through the same transitions a secretariat and the
# organiser would use, so that the pages show where those years really are.
CLOSED_YEARS = {"TPTW": (2014, 2020)}
_TO_CLOSED = ["start_scoring", "open_conference", "start_proposals", "close"]


def _close_past_years() -> None:
    from thidua.covenant.models import CycleState, YearCycle
    from thidua.covenant.services import cycle_transition

    order = {"self_assessment": 0, "scoring": 1, "review_conference": 2, "proposals": 3}
    for code, years in CLOSED_YEARS.items():
        for cycle in YearCycle.objects.filter(cluster_year__cluster__code=code, cluster_year__year__in=years):
            if cycle.state == CycleState.CLOSED or cycle.state not in order:
                continue
            for action in _TO_CLOSED[order[cycle.state]:]:
                cycle_transition(actor=SYSTEM, cluster_year_id=cycle.cluster_year_id, action=action)


@transaction.atomic
def load_demo(*, password: str = data.DEMO_PASSWORD) -> list[tuple[str, str, str]]:
    """Load (or complete) the demo data; returns the demo accounts as (username, name, roles)."""
    _ensure_kinds()
    _ensure_units()
    _ensure_clusters()
    accounts = _ensure_users(password)
    _load_app_demos()
    _close_past_years()
    return accounts
