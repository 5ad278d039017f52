"""The cycle state machine as a table of (role, state, action) → allowed / forbidden (STYLE.md rule 4)."""

from __future__ import annotations

import pytest

from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from thidua.covenant import services as svc
from thidua.covenant import workflow as wf
from thidua.covenant.models import CycleState as S
from thidua.covenant.models import YearCycle
from thidua.organisations.models import ClusterYear

pytestmark = pytest.mark.django_db

# Written out independently of workflow.TRANSITIONS: the specification the table must meet.
RUN = {"secretariat", "organiser_admin"}
EXPECTED = {
    # action: (from state, to state, roles allowed, reason needed)
    "open_registration": (S.DRAFT, S.REGISTRATION_OPEN, RUN, False),
    "back_to_draft": (S.REGISTRATION_OPEN, S.DRAFT, RUN, True),
    "seal": (S.REGISTRATION_OPEN, S.COVENANT_SIGNED, RUN | {"unit_leader"}, False),
    "start_implementation": (S.COVENANT_SIGNED, S.IMPLEMENTATION, RUN, False),
    "open_self_assessment": (S.IMPLEMENTATION, S.SELF_ASSESSMENT, RUN, False),
    "back_to_implementation": (S.SELF_ASSESSMENT, S.IMPLEMENTATION, RUN, True),
    "start_scoring": (S.SELF_ASSESSMENT, S.SCORING, RUN, False),
    "back_to_self_assessment": (S.SCORING, S.SELF_ASSESSMENT, RUN, True),
    "open_conference": (S.SCORING, S.REVIEW_CONFERENCE, RUN, False),
    "back_to_scoring": (S.REVIEW_CONFERENCE, S.SCORING, RUN, True),
    "start_proposals": (S.REVIEW_CONFERENCE, S.PROPOSALS, RUN, False),
    "back_to_conference": (S.PROPOSALS, S.REVIEW_CONFERENCE, RUN, True),
    "close": (S.PROPOSALS, S.CLOSED, {"organiser_admin"}, False),
    "reopen": (S.CLOSED, S.PROPOSALS, {"organiser_admin"}, True),
}
# Demo users holding exactly one covenant role in TPTW 2015 (head Hà Nội, deputy HCM).
USERS = {
    "secretariat": "hanoi.canbo",  # also an officer of Hà Nội: the secretariat role is what is tested
    "organiser_admin": "tw.canbo",
    "unit_officer": "haiphong.canbo",
    "unit_leader": "hcm.lanhdao",
    "observer": "tw.lanhdao",
}
REQUIREMENTS = {"open_registration", "seal"}


def test_table_matches_specification():
    assert set(wf.TRANSITIONS) == set(EXPECTED)
    for action, (src, dst, roles, reason) in EXPECTED.items():
        t = wf.TRANSITIONS[action]
        assert t.from_states == (src,) and t.to_state == dst and set(t.roles) == roles and t.needs_reason == reason


def test_every_state_but_closed_has_a_way_forward():
    for state in S.values:
        forward = [t for t in wf.TRANSITIONS.values() if state in t.from_states
                   and wf.state_index(t.to_state) > wf.state_index(state)]
        assert forward or state == S.CLOSED, state


@pytest.fixture
def cy2015():
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2015)
    svc.cycle_ensure(actor=SYSTEM, cluster_year_id=cy.pk)
    return cy


def _set_state(cy, state):
    YearCycle.objects.filter(cluster_year=cy).update(state=state)


CASES = [(action, role) for action in EXPECTED for role in USERS]


@pytest.mark.parametrize("action,role", CASES)
def test_permission_matrix(action, role, cy2015, user_named):
    src, dst, allowed_roles, needs_reason = EXPECTED[action]
    _set_state(cy2015, src)
    actor = user_named(USERS[role])
    call = lambda: svc.cycle_transition(actor=actor, cluster_year_id=cy2015.pk, action=action,  # noqa: E731
                                        reason="Lý do kiểm thử" if needs_reason else "")
    if role not in allowed_roles:
        with pytest.raises(Forbidden):
            call()
        assert YearCycle.objects.get(cluster_year=cy2015).state == src
        return
    if action in REQUIREMENTS:
        # Allowed by role; the data requirement (criteria table, signatures) decides.
        with pytest.raises((InvalidState, InvalidInput)):
            call()
        return
    cycle = call()
    assert cycle.state == dst
    from thidua.core.models import AuditEntry

    entry = AuditEntry.objects.filter(action=f"covenant.cycle.{action}").latest("id")
    assert entry.payload["from"] == src and entry.payload["to"] == dst and entry.actor_id == actor.pk


@pytest.mark.parametrize("action", list(EXPECTED))
def test_wrong_state_is_refused(action, cy2015):
    src = EXPECTED[action][0]
    other = S.CLOSED if src != S.CLOSED else S.DRAFT
    _set_state(cy2015, other)
    with pytest.raises(InvalidState):
        svc.cycle_transition(actor=SYSTEM, cluster_year_id=cy2015.pk, action=action, reason="x")


@pytest.mark.parametrize("action", [a for a, spec in EXPECTED.items() if spec[3]])
def test_going_back_needs_a_reason(action, cy2015):
    _set_state(cy2015, EXPECTED[action][0])
    with pytest.raises(InvalidInput) as exc:
        svc.cycle_transition(actor=SYSTEM, cluster_year_id=cy2015.pk, action=action, reason="  ")
    assert exc.value.details[0].field == "reason"


def test_outsider_gets_not_found(cy2015, user_named):
    with pytest.raises(NotFound):
        svc.cycle_transition(actor=user_named("ct.stc.canbo"), cluster_year_id=cy2015.pk, action="start_scoring")


def test_secretariat_follows_the_head_of_the_year(user_named):
    # hanoi.canbo runs 2015 and 2020 (Hà Nội head) but not 2021 (HCM head): there only an officer.
    cy2021 = ClusterYear.objects.get(cluster__code="TPTW", year=2021)
    with pytest.raises(Forbidden):
        svc.cycle_transition(actor=user_named("hanoi.canbo"), cluster_year_id=cy2021.pk, action="open_self_assessment")
    cycle = svc.cycle_transition(actor=user_named("hcm.canbo"), cluster_year_id=cy2021.pk, action="open_self_assessment")
    assert cycle.state == S.SELF_ASSESSMENT


def test_seal_needs_every_member_signature(cy2015):
    _set_state(cy2015, S.REGISTRATION_OPEN)
    with pytest.raises(InvalidState) as exc:
        svc.cycle_transition(actor=SYSTEM, cluster_year_id=cy2015.pk, action="seal")
    assert "chưa ký" in exc.value.message


def test_deadlines_have_defaults_and_are_editable(cy2015, user_named):
    from datetime import date

    cycle = YearCycle.objects.get(cluster_year=cy2015)
    assert cycle.registration_deadline == date(2015, 3, 31) and cycle.conference_date == date(2016, 3, 15)
    svc.cycle_set_deadlines(actor=user_named("hanoi.canbo"), cluster_year_id=cy2015.pk,
                            conference_date=date(2016, 3, 24))
    assert YearCycle.objects.get(cluster_year=cy2015).conference_date == date(2016, 3, 24)
    with pytest.raises(Forbidden):
        svc.cycle_set_deadlines(actor=user_named("haiphong.canbo"), cluster_year_id=cy2015.pk,
                                conference_date=date(2016, 3, 1))
    with pytest.raises(InvalidInput):
        svc.cycle_set_deadlines(actor=SYSTEM, cluster_year_id=cy2015.pk, conference_date=date(2030, 1, 1))


def test_timeline_shows_late_and_who_we_wait_on(cy2015):
    from datetime import date

    from thidua.covenant import selectors

    svc.criteria_set_copy_previous(actor=SYSTEM, cluster_year_id=cy2015.pk)
    cycle = svc.cycle_transition(actor=SYSTEM, cluster_year_id=cy2015.pk, action="open_registration")
    rows = {r["field"]: r for r in selectors.timeline(cluster_year=cy2015, cycle=cycle, today=date(2015, 4, 2))}
    reg = rows["registration_deadline"]
    assert reg["late"] and not reg["done"] and len(reg["waiting"]) == 5 and all("đăng ký" in w for w in reg["waiting"])
    assert not rows["midyear_report_deadline"]["late"]
    assert rows["conference_date"]["waiting"] == ["Hà Nội"] or "Hà Nội" in rows["conference_date"]["waiting"][0]
    early = {r["field"]: r for r in selectors.timeline(cluster_year=cy2015, cycle=cycle, today=date(2015, 1, 2))}
    assert not early["registration_deadline"]["late"]
    signed = selectors.timeline(cluster_year=ClusterYear.objects.get(cluster__code="TPTW", year=2021),
                                cycle=selectors.cycle_get(cluster_year=ClusterYear.objects.get(cluster__code="TPTW", year=2021)),
                                today=date(2021, 5, 1))
    assert signed[0]["done"] and not signed[0]["late"] and signed[0]["waiting"] == []
