"""API: the same operations as the pages, scoped by role; list endpoints at constant query counts."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.core.actors import SYSTEM
from thidua.covenant import services as svc
from thidua.covenant.models import Registration
from thidua.organisations.models import ClusterYear, Unit

pytestmark = pytest.mark.django_db
BASE = "/api/v1/covenant/years/TPTW"


def _json(client, method, url, body=None):
    fn = getattr(client, method)
    r = fn(url, data=json.dumps(body), content_type="application/json") if body is not None else fn(url)
    return r.status_code, (r.json() if r.content and r.status_code != 204 else None)


def test_cycle_and_criteria_read(api_as):
    status, body = _json(api_as("tw.lanhdao"), "get", f"{BASE}/2021/cycle")
    assert status == 200 and body["state"] == "implementation" and body["actions"] == []
    assert [t["field"] for t in body["timeline"]][0] == "registration_deadline"
    status, body = _json(api_as("hcm.canbo"), "get", f"{BASE}/2021/cycle")
    assert "open_self_assessment" in body["actions"]
    status, body = _json(api_as("danang.canbo"), "get", f"{BASE}/2021/criteria")
    assert status == 200 and body["status"] == "frozen" and body["errors"] == []
    e1 = next(c for c in body["criteria"] if c["code"] == "E.1")
    assert e1["auto_award_code"] == "co-thi-dua-chinh-phu" and e1["depth"] == 1
    assert _json(api_as("ct.stc.canbo"), "get", f"{BASE}/2021/criteria")[0] == 404


def test_transition_via_api(api_as):
    status, body = _json(api_as("hcm.canbo"), "post", f"{BASE}/2021/cycle/transitions", {"action": "open_self_assessment"})
    assert status == 200 and body["state"] == "self_assessment"
    status, body = _json(api_as("hcm.canbo"), "post", f"{BASE}/2021/cycle/transitions", {"action": "back_to_implementation"})
    assert status == 422 and body["details"][0]["field"] == "reason"
    status, _ = _json(api_as("danang.canbo"), "post", f"{BASE}/2021/cycle/transitions", {"action": "start_scoring"})
    assert status == 403
    status, _ = _json(api_as("hcm.canbo"), "post", f"{BASE}/2021/cycle/transitions", {"action": "close"})
    assert status == 403


def test_criteria_editing_via_api(api_as):
    client = api_as("hanoi.canbo")
    status, cs = _json(client, "post", f"{BASE}/2015/criteria-sets", {"copy_previous": True})
    assert status == 201 and cs["status"] == "draft"
    status, node = _json(client, "post", f"/api/v1/covenant/criteria-sets/{cs['id']}/criteria",
                         {"code": "G", "title": "Thưởng", "method": "bonus", "points_per_occurrence": "1", "cap": "2"})
    assert status == 201
    status, body = _json(client, "patch", f"/api/v1/covenant/criteria/{node['id']}", {"cap": "0.5"})
    assert status == 422 and "Mức trần" in body["details"][0]["message"]
    status, body = _json(client, "patch", f"/api/v1/covenant/criteria/{node['id']}", {"status": "frozen"})
    assert status == 422  # unknown fields are refused
    assert _json(api_as("haiphong.canbo"), "delete", f"/api/v1/covenant/criteria/{node['id']}")[0] == 403
    assert _json(client, "delete", f"/api/v1/covenant/criteria/{node['id']}")[0] == 204
    status, bands = _json(client, "put", f"/api/v1/covenant/criteria-sets/{cs['id']}/bands",
                          {"bands": [{"label": "Đạt", "min_points": 0, "max_points": 105}]})
    assert status == 200 and bands[0]["label"] == "Đạt"


def test_registration_via_api_is_member_scoped(api_as):
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2015)
    svc.criteria_set_copy_previous(actor=SYSTEM, cluster_year_id=cy.pk)
    svc.cycle_transition(actor=SYSTEM, cluster_year_id=cy.pk, action="open_registration")
    hp = Unit.objects.get(code="31").pk
    status, crit = _json(api_as("haiphong.canbo"), "get", f"{BASE}/2015/criteria")
    targets = [{"criterion_id": c["id"], "target_value": "5"} for c in crit["criteria"] if c["method"] == "quantitative"]
    officer = api_as("haiphong.canbo")
    status, body = _json(officer, "put", f"{BASE}/2015/registrations/{hp}",
                         {"targets": targets, "campaigns": [{"title": "Năm Doanh nghiệp"}], "commitments": []})
    assert status == 200 and len(body["targets"]) == len(targets)
    other = api_as("danang.canbo")
    assert _json(other, "get", f"{BASE}/2015/registrations/{hp}")[0] == 404
    assert _json(other, "put", f"{BASE}/2015/registrations/{hp}", {"campaigns": [{"title": "x"}]})[0] == 404
    assert _json(officer, "post", f"{BASE}/2015/registrations/{hp}/submit")[1]["status"] == "submitted"
    reg = Registration.objects.get(cluster_year=cy, unit_id=hp)
    assert _json(other, "post", f"/api/v1/covenant/registrations/{reg.pk}/accept")[0] == 404
    status, body = _json(api_as("hanoi.canbo"), "post", f"/api/v1/covenant/registrations/{reg.pk}/return",
                         {"reason": "Bổ sung"})
    assert status == 200 and body["status"] == "returned"


def test_signature_list_and_sign_via_api(api_as):
    status, body = _json(api_as("tw.canbo"), "get", f"{BASE}/2025/signatures")
    assert status == 200 and body["count"] == 6 and all(s["current"] for s in body["items"])
    status, doc = _json(api_as("hue.canbo"), "get", f"{BASE}/2025/documents/covenant")
    assert status == 200 and len(doc["docx_sha256"]) == 64
    status, _ = _json(api_as("hanoi.lanhdao"), "post", f"{BASE}/2025/signatures",
                      {"unit_id": Unit.objects.get(code="01").pk, "document_sha256": doc["docx_sha256"]})
    assert status == 409  # already frozen: nothing awaits signing


def _grow_registrations(cy, n):
    """More members in the year with submitted registrations (visible to the organiser)."""
    from datetime import date

    from thidua.covenant.models import MemberCampaign
    from thidua.organisations import services as org

    for i in range(n):
        code = f"QC{cy.year}{i}"
        unit = org.unit_create(actor=SYSTEM, code=code, name=f"Đơn vị thử {code}", short_name=code, kind_code="tinh",
                               valid_from=date(2000, 1, 1))
        org.membership_add(actor=SYSTEM, cluster_code="TPTW", unit_id=unit.pk, start_year=cy.year, end_year=cy.year)
        reg = Registration.objects.create(cluster_year=cy, unit=unit, status="submitted")
        MemberCampaign.objects.create(registration=reg, title="x")


@pytest.mark.parametrize("path", ["registrations", "signatures", "cycle"])
def test_list_endpoints_constant_queries(api_as, path):
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2021)
    client = api_as("tw.canbo")
    url = f"{BASE}/2021/{path}"
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    _grow_registrations(cy, 4)
    if path == "signatures":
        from thidua.covenant.models import Signature

        base = Signature.objects.filter(cluster_year=cy).first()
        for reg in Registration.objects.filter(cluster_year=cy, unit__code__startswith="QC"):
            Signature.objects.create(cluster_year=cy, unit=reg.unit, criteria_set=base.criteria_set, document=base.document,
                                     document_sha256=base.document_sha256, signed_by_system=True, signed_at=base.signed_at)
    assert count() == small


def test_excel_over_the_api_rejects_a_bad_file_whole(api_as):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from thidua.covenant.models import Criterion

    client = api_as("hanoi.canbo")
    status, cs = _json(client, "post", f"{BASE}/2015/criteria-sets", {"title": "Bộ tiêu chí 2015", "total_points": "100"})
    r = client.get(f"{BASE}/2021/criteria/export.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    wb["Tiêu chí"]["E4"] = "bói toán"  # not a scoring method
    bad = io.BytesIO()
    wb.save(bad)
    r = client.post(f"/api/v1/covenant/criteria-sets/{cs['id']}/import",
                    {"file": SimpleUploadedFile("sai.xlsx", bad.getvalue())})
    assert r.status_code == 422
    assert any(d["row"] == 4 and d["column"].startswith("E") for d in r.json()["details"])
    assert not Criterion.objects.filter(criteria_set_id=cs["id"]).exists()
    r = client.post(f"/api/v1/covenant/criteria-sets/{cs['id']}/import",
                    {"file": SimpleUploadedFile("dung.xlsx", client.get(f"{BASE}/2021/criteria/export.xlsx").content)})
    assert r.status_code == 200 and r.json()["imported"] == 21 and r.json()["criteria_set"]["errors"] == []
    assert api_as("haiphong.canbo").post(f"/api/v1/covenant/criteria-sets/{cs['id']}/import",
                                         {"file": SimpleUploadedFile("x.xlsx", b"x")}).status_code == 403


def test_national_campaign_created_by_organiser_only(api_as):
    body = {"title": "Thi đua chuyển đổi số", "launched_by": "Thủ tướng Chính phủ"}
    assert _json(api_as("hanoi.canbo"), "post", "/api/v1/covenant/national-campaigns", body)[0] == 403
    status, out = _json(api_as("tw.canbo"), "post", "/api/v1/covenant/national-campaigns", body)
    assert status == 201 and out["title"] == body["title"]
    assert _json(api_as("tw.canbo"), "post", "/api/v1/covenant/national-campaigns", body)[0] == 409
    status, page = _json(api_as("hue.canbo"), "get", "/api/v1/covenant/national-campaigns")
    assert status == 200 and page["count"] == 2
