"""The API answers every error in its JSON shape and in Vietnamese (defect 8)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_malformed_json_is_a_vietnamese_json_error(api_as):
    response = api_as("tw.canbo").post("/api/v1/clusters/TPTW/memberships", "{không phải json",
                                       content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_request" and "JSON" in body["message"] and "Cannot" not in body["message"]


def test_validation_details_are_vietnamese(api_as):
    response = api_as("tw.canbo").post("/api/v1/clusters/TPTW/memberships", {"unit_id": "abc", "start_year": 2026},
                                       content_type="application/json")
    assert response.status_code == 422
    details = response.json()["details"]
    assert details == [{"field": "unit_id", "message": "Cần một số nguyên."}]
    response = api_as("tw.canbo").post("/api/v1/clusters/TPTW/memberships", {"start_year": 2026, "bogus": 1},
                                       content_type="application/json")
    messages = {d["field"]: d["message"] for d in response.json()["details"]}
    assert messages == {"unit_id": "Thiếu trường bắt buộc.", "bogus": "Trường này không được chấp nhận."}


def test_wrong_method_is_a_json_405(api_as):
    response = api_as("hanoi.canbo").delete("/api/v1/clusters")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_openapi_summaries_are_vietnamese():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    summaries = {op["summary"] for ops in paths.values() for op in ops.values() if isinstance(op, dict) and "summary" in op}
    assert not {"Get Cluster", "Add Membership", "Get Cluster Year"} & summaries


def test_admin_user_pages_are_in_vietnamese(client_as, user_named):
    admin = client_as("admin")
    page = admin.get("/admin/accounts/user/add/").content.decode()
    assert "After you" not in page and "Password-based authentication" not in page and "Enabled" not in page
    assert "Đăng nhập bằng mật khẩu" in page
    page = admin.get(f"/admin/accounts/user/{user_named('hanoi.canbo').pk}/password/").content.decode()
    assert "Password-based authentication" not in page
