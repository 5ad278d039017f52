"""Attendance while voting (issue 5): each ballot's quorum and electorate are taken when it opens, and
check-in is frozen while a ballot box is open; a late delegate takes part from the next ballot."""

from __future__ import annotations

import pytest

from thidua.conference import services
from thidua.conference.models import BallotKind, BallotState
from thidua.conference.selectors import ballot_result
from thidua.conference.tests.helpers import VOTERS, make_conference, user
from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, InvalidState

pytestmark = pytest.mark.django_db


def test_check_in_is_frozen_while_a_ballot_is_open_and_late_delegates_vote_from_the_next_ballot():
    from thidua.core.models import AuditEntry

    conf = make_conference(present=("01", "79", "92", "48"), committee=False)  # Hải Phòng (31) late
    first = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    services.ballot_open(actor=SYSTEM, ballot_id=first.pk)
    late = conf.test_delegates["31"]
    audits = AuditEntry.objects.count()
    with pytest.raises(InvalidState) as exc:
        services.delegate_check_in(actor=SYSTEM, delegate_id=late.pk)
    assert "số có mặt đã được chốt" in exc.value.message and first.title in exc.value.message
    with pytest.raises(InvalidState):  # leaving is frozen too: an open vote's figures never move
        services.delegate_check_in(actor=SYSTEM, delegate_id=conf.test_delegates["01"].pk, present=False)
    assert AuditEntry.objects.count() == audits
    late.refresh_from_db()
    assert not late.checked_in
    with pytest.raises(Forbidden):
        services.ballot_cast(actor=user(VOTERS["31"]), ballot_id=first.pk,
                             candidate_ids=[first.candidates.first().pk])
    # Re-stating the current state is not a change and is accepted (a double click on the sheet).
    services.delegate_check_in(actor=SYSTEM, delegate_id=conf.test_delegates["01"].pk, present=True)

    for code in ("01", "79", "92", "48"):
        services.ballot_cast(actor=user(VOTERS[code]), ballot_id=first.pk,
                             candidate_ids=[first.candidates.first().pk])
    services.ballot_close(actor=SYSTEM, ballot_id=first.pk)
    services.delegate_check_in(actor=SYSTEM, delegate_id=late.pk)  # box closed: the late delegate signs in
    services.ballot_publish(actor=SYSTEM, ballot_id=first.pk)
    first.refresh_from_db()
    assert first.state == BallotState.COUNTED
    result = ballot_result(ballot=first)
    assert (result["present_units"], result["member_units"]) == (4, 5)  # snapshot of the opening
    assert result["figures"]["issued"] == 4 and result["figures"]["returned"] == 4

    second = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_DEPUTY)
    second = services.ballot_open(actor=SYSTEM, ballot_id=second.pk)
    assert (second.opened_present_units, second.present_voters) == (5, 5)
    services.ballot_cast(actor=user(VOTERS["31"]), ballot_id=second.pk, candidate_ids=[second.candidates.first().pk])


def test_check_in_page_shows_the_freeze_message(client_as):
    conf = make_conference(present=("01", "79", "92", "48"), committee=False)
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD)
    c = client_as("hcm.canbo")
    before = c.get("/conference/TPTW/2021/").content.decode()
    assert "/checkin/" in before and "điểm danh tạm khóa" not in before
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    late = conf.test_delegates["31"]
    page = c.get("/conference/TPTW/2021/").content.decode()
    assert "điểm danh tạm khóa" in page and "'checkin'" not in page and "/checkin/" not in page
    r = c.post(f"/conference/c/{conf.pk}/checkin/", {"delegate": late.pk, "present": "1"}, follow=True)
    assert "số có mặt đã được chốt" in r.content.decode()
    late.refresh_from_db()
    assert not late.checked_in
