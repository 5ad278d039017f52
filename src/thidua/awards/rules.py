"""Permission predicates for awards (django-rules).

The central board is whoever administers an organiser unit listed as central in the rule set data
(`central_organiser_units`, default HDTDKT-TW): it keeps the catalogue, receives and processes dossiers
and records decisions. A unit's officers and leaders propose their own unit and its people.
"""

from __future__ import annotations

import rules

from thidua.accounts.selectors import grants_for


def central_organiser_codes() -> set[str]:
    from thidua.awards.rulesets import load_rulesets

    codes: set[str] = set()
    for rs in load_rulesets():
        codes |= set(rs.central_organisers)
    return codes


def central_organiser_ids() -> set[int]:
    from thidua.organisations.models import Unit

    return set(Unit.objects.filter(code__in=central_organiser_codes()).values_list("pk", flat=True))


@rules.predicate
def is_superuser(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


@rules.predicate
def is_central_board(user) -> bool:
    g = grants_for(user)
    if g.is_superuser:
        return True
    if not g.organiser_admin:
        return False
    return bool(g.organiser_admin & central_organiser_ids())


@rules.predicate
def is_central_observer(user) -> bool:
    g = grants_for(user)
    return bool(g.observer_organisers & central_organiser_ids())


@rules.predicate
def proposes_nomination(user, nomination) -> bool:
    """Officers and leaders of the proposing unit (never another member)."""
    if nomination is None:
        return False
    g = grants_for(user)
    return nomination.proposing_unit_id in (g.officer_units | g.leader_units)


@rules.predicate
def works_for_unit(user, unit) -> bool:
    if unit is None:
        return False
    g = grants_for(user)
    return unit.pk in (g.officer_units | g.leader_units)


@rules.predicate
def works_for_person_unit(user, person) -> bool:
    if person is None:
        return False
    g = grants_for(user)
    return person.unit_id in (g.officer_units | g.leader_units)


@rules.predicate
def works_for_household_unit(user, household) -> bool:
    if household is None:
        return False
    g = grants_for(user)
    return household.unit_id in (g.officer_units | g.leader_units)


rules.add_perm("awards.manage_catalogue", is_central_board)
rules.add_perm("awards.process_nomination", is_central_board)
rules.add_perm("awards.edit_nomination", proposes_nomination)
rules.add_perm("awards.propose_for_unit", is_central_board | works_for_unit)
rules.add_perm("awards.manage_registry", is_central_board | works_for_unit)
rules.add_perm("awards.manage_person", is_central_board | works_for_person_unit)
rules.add_perm("awards.manage_household", is_central_board | works_for_household_unit)
rules.add_perm("awards.view_national_id", is_central_board | works_for_person_unit)
rules.add_perm("awards.import_history", is_central_board)
rules.add_perm("awards.record_blocker", is_central_board)
