"""The permission matrix of scoring (allowed AND forbidden): a member never sees another member's unpublished
scores or drafts (404), the secretariat manages scoring, scorers score only whom they are assigned,
observers read published results only."""

from __future__ import annotations

import json

import pytest

from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, NotFound
from thidua.covenant.models import CycleState
from thidua.scoring import selectors, services
from thidua.scoring.models import ReportKind, ScorerRole
from thidua.scoring.tests.factories import set_cycle, unit

BASE = "/api/v1/scoring/TPTW/2023"


def test_unpublished_results_visible_to_secretariat_and_organiser_only(scored, api_as, client_as):
    for username, status in (("hanoi.canbo", 200), ("tw.canbo", 200), ("admin", 200), ("hcm.canbo", 404),
                             ("hanoi.lanhdao", 404), ("tw.lanhdao", 404), ("ct.hoidong", 404)):
        assert api_as(username).get(f"{BASE}/ranking").status_code == status, username
        assert client_as(username).get("/scoring/TPTW/2023/ranking.csv").status_code == status, username
        assert client_as(username).get("/scoring/TPTW/2023/bang-tong-hop-diem.xlsx").status_code == status, username
    # The dashboard itself is readable by members, without any result in it.
    page = client_as("hcm.canbo").get("/scoring/TPTW/2023/")
    assert page.status_code == 200
    data = json.loads(page.content.split(b'id="scoring-data" type="application/json">')[1].split(b"</script>")[0])
    assert data["ranking"] == [] and data["heat"] is None
    # Outside the cluster entirely: 404 on the page too.
    assert client_as("ct.hoidong").get("/scoring/TPTW/2023/").status_code == 404


def test_published_results_visible_to_members_and_observers(scored, api_as):
    cy, _ = scored
    services.results_freeze(actor=SYSTEM, cluster_year=cy)
    assert api_as("tw.lanhdao").get(f"{BASE}/ranking").status_code == 404  # frozen is not published
    services.results_publish(actor=SYSTEM, cluster_year=cy)
    for username in ("hcm.canbo", "tw.lanhdao", "hanoi.lanhdao", "danang.canbo"):
        r = api_as(username).get(f"{BASE}/ranking")
        assert r.status_code == 200, username
        assert len(r.json()["rows"]) == 5
    assert api_as("ct.hoidong").get(f"{BASE}/ranking").status_code == 404


def test_members_see_only_the_scores_they_gave_before_publication(scored, api_as):
    cy, _ = scored
    hcm = api_as("hcm.canbo").get(f"{BASE}/scores").json()
    assert hcm == []  # 79 gave no score yet; the scores 79 received stay hidden
    hanoi_scores = api_as("haiphong.canbo").get(f"{BASE}/scores").json()
    assert {(s["scorer_unit_id"], s["unit_id"]) for s in hanoi_scores} == {(unit("31").pk, unit("01").pk)}
    assert len(api_as("hanoi.canbo").get(f"{BASE}/scores").json()) == 4  # secretariat sees all


def test_drafts_are_private_to_the_member(scored, api_as):
    cy, crits = scored
    set_cycle(cy, CycleState.IMPLEMENTATION)  # the mid-year report (sơ kết) is written during implementation
    r = api_as("hcm.canbo").post(f"{BASE}/reports", data={"unit_id": unit("79").pk, "kind": "midyear",
                                                         "summary": "Nháp", "entries": []},
                                 content_type="application/json")
    assert r.status_code == 201
    rid = r.json()["id"]
    assert api_as("hcm.canbo").get(f"{BASE}/reports/{rid}").status_code == 200
    for other in ("hanoi.canbo", "danang.canbo", "tw.lanhdao"):
        assert api_as(other).get(f"{BASE}/reports/{rid}").status_code == 404, other
        assert rid not in [x["id"] for x in api_as(other).get(f"{BASE}/reports").json()]
    # A member cannot write another member's report.
    r = api_as("danang.canbo").post(f"{BASE}/reports", data={"unit_id": unit("79").pk, "kind": "midyear"},
                                    content_type="application/json")
    assert r.status_code == 403
    # After submission the secretariat sees it and may return it with a reason; the member then edits again.
    assert api_as("hcm.canbo").post(f"{BASE}/reports/{rid}/submit").status_code == 200
    assert api_as("hanoi.canbo").get(f"{BASE}/reports/{rid}").status_code == 200
    assert api_as("danang.canbo").get(f"{BASE}/reports/{rid}").status_code == 404
    assert api_as("hcm.canbo").post(f"{BASE}/reports/{rid}/return", data={"reason": "x"},
                                    content_type="application/json").status_code == 403
    r = api_as("hanoi.canbo").post(f"{BASE}/reports/{rid}/return", data={"reason": ""},
                                   content_type="application/json")
    assert r.status_code == 422
    r = api_as("hanoi.canbo").post(f"{BASE}/reports/{rid}/return", data={"reason": "Thiếu số liệu"},
                                   content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "returned"


def test_scorers_score_only_their_assignments(scored, user_named, api_as):
    cy, crits = scored
    hcm = user_named("hcm.canbo")
    c = crits["II.1"].pk
    # 79 is assigned to score 31 and 48.
    services.score_set(actor=hcm, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit("79").pk,
                       unit_id=unit("31").pk, criterion_id=c, points=20)
    with pytest.raises(NotFound):  # not assigned to score 01
        services.score_set(actor=hcm, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit("79").pk,
                           unit_id=unit("01").pk, criterion_id=c, points=20)
    with pytest.raises(Forbidden):  # cannot score in the name of another unit
        services.score_set(actor=hcm, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit("92").pk,
                           unit_id=unit("79").pk, criterion_id=c, points=20)
    with pytest.raises(Forbidden):  # the panel is the secretariat's
        services.score_set(actor=hcm, cluster_year=cy, role=ScorerRole.PANEL, scorer_unit_id=cy.head_id,
                           unit_id=unit("31").pk, criterion_id=c, points=20)
    services.score_set(actor=user_named("hanoi.canbo"), cluster_year=cy, role=ScorerRole.PANEL,
                       scorer_unit_id=cy.head_id, unit_id=unit("31").pk, criterion_id=c, points=20)
    r = api_as("hcm.canbo").post(f"{BASE}/scores", data={"role": "cross", "scorer_unit_id": unit("79").pk,
                                                        "unit_id": unit("01").pk, "criterion_id": c, "points": 5},
                                 content_type="application/json")
    assert r.status_code == 404


def test_comment_required_beyond_margin(scored, user_named):
    cy, crits = scored
    hanoi = user_named("hanoi.canbo")  # 01 scores 79, whose self-score on I.1 is 25 (margin 1)
    from thidua.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        services.score_set(actor=hanoi, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit("01").pk,
                           unit_id=unit("79").pk, criterion_id=crits["I.1"].pk, points=20)
    assert exc.value.details[0].field == "comment"
    services.score_set(actor=hanoi, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit("01").pk,
                       unit_id=unit("79").pk, criterion_id=crits["I.1"].pk, points="24.5")
    with pytest.raises(InvalidInput):
        services.score_set(actor=hanoi, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit("01").pk,
                           unit_id=unit("79").pk, criterion_id=crits["I.1"].pk, points=31, comment="quá tối đa")


def test_only_the_secretariat_manages_scoring(scored, user_named, api_as, client_as):
    cy, crits = scored
    for username in ("hcm.canbo", "tw.lanhdao", "hanoi.lanhdao"):
        actor = user_named(username)
        with pytest.raises(Forbidden):
            services.results_compute(actor=actor, cluster_year=cy)
        with pytest.raises(Forbidden):
            services.override_set(actor=actor, cluster_year=cy, unit_id=unit("79").pk,
                                  criterion_id=crits["I.1"].pk, points=1, reason="x")
        with pytest.raises(Forbidden):
            services.assignments_generate(actor=actor, cluster_year=cy)
        assert client_as(username).get("/scoring/TPTW/2023/reconciliation/").status_code == 404
        assert client_as(username).get("/scoring/TPTW/2023/config/").status_code == 404
    assert api_as("hcm.canbo").post(f"{BASE}/reconciliation/publish").status_code == 403
    assert api_as("hanoi.canbo").post(f"{BASE}/reconciliation/freeze").json()["state"] == "frozen"
    assert api_as("hanoi.canbo").post(f"{BASE}/reconciliation/publish").json()["state"] == "published"
    # After publication only an audited correction (with a reason), by the secretariat.
    r = api_as("hanoi.canbo").post(f"{BASE}/reconciliation/overrides", data={
        "unit_id": unit("79").pk, "criterion_id": crits["I.1"].pk, "points": 29, "reason": "x"},
        content_type="application/json")
    assert r.status_code == 409
    r = api_as("hanoi.canbo").post(f"{BASE}/reconciliation/corrections", data={
        "unit_id": unit("79").pk, "criterion_id": crits["I.1"].pk, "points": 29, "reason": "Đính chính"},
        content_type="application/json")
    assert r.status_code == 201 and r.json()["is_correction"] is True
    from thidua.core.models import AuditEntry

    entry = AuditEntry.objects.filter(action="scoring.results.corrected").latest("created_at")
    assert entry.payload["reason"] == "Đính chính" and entry.payload["before"] != entry.payload["after"]


def test_published_ranking_contract_is_empty_until_published(scored):
    cy, _ = scored
    assert selectors.published_ranking(cluster_year=cy) == []
    services.results_freeze(actor=SYSTEM, cluster_year=cy)
    services.results_publish(actor=SYSTEM, cluster_year=cy)
    rows = selectors.published_ranking(cluster_year=cy)
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].unit_id == unit("01").pk
    assert all(hasattr(r, f) for r in rows for f in ("unit_id", "rank", "total", "classification", "tie_unresolved"))


def test_report_kind_and_member_checks(scored, user_named):
    cy, crits = scored
    set_cycle(cy, CycleState.IMPLEMENTATION)
    from thidua.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.report_save(actor=user_named("hcm.canbo"), cluster_year=cy, unit_id=unit("79").pk, kind="x")
    with pytest.raises(InvalidInput) as exc:
        services.report_save(actor=user_named("hcm.canbo"), cluster_year=cy, unit_id=unit("79").pk,
                             kind=ReportKind.MIDYEAR, entries=[{"criterion_id": crits["I.1"].pk, "self_score": "abc"},
                                                              {"criterion_id": crits["I"].pk}])
    assert {d.row for d in exc.value.details} == {1, 2}
