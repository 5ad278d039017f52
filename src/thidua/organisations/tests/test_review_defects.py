"""Regression tests for the defects a reviewer found in the demo (units, clusters, memberships, years)."""

import pytest

from thidua.organisations.models import ClusterMembership, ClusterYear, Unit

pytestmark = pytest.mark.django_db


def _uid(code):
    return Unit.objects.get(code=code).pk


# --- A unit that no longer exists cannot be a member or the head (DOMAIN.md §7) ------------------------


@pytest.mark.parametrize(("code", "start_year", "successor"), [("30", 2026, "Hải Phòng"), ("49", 2027, "Đà Nẵng"),
                                                                 ("30", 2025, "Hải Phòng")])
def test_merged_unit_cannot_join_a_cluster_after_it_ceased(api_as, code, start_year, successor):
    response = api_as("tw.canbo").post("/api/v1/clusters/TPTW/memberships",
                                       {"unit_id": _uid(code), "start_year": start_year}, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert successor in body["message"] and "30/06/2025" in body["message"]
    assert not ClusterMembership.objects.filter(unit__code=code, cluster__code="TPTW").exists()


def test_open_ended_membership_of_a_merged_unit_is_refused_but_its_past_years_are_accepted(api_as):
    client = api_as("tw.canbo")
    url = "/api/v1/clusters/TPTW/memberships"
    assert client.post(url, {"unit_id": _uid("30"), "start_year": 2020}, content_type="application/json").status_code == 422
    ok = client.post(url, {"unit_id": _uid("30"), "start_year": 2020, "end_year": 2024}, content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["unit_name"] == "Tỉnh Hải Dương"


def test_merged_unit_cannot_be_made_head_even_with_a_stale_membership(api_as):
    from thidua.organisations.models import Cluster

    cluster = Cluster.objects.get(code="TPTW")
    # A membership written before the check existed (as the reviewer managed to do).
    ClusterMembership.objects.create(cluster=cluster, unit_id=_uid("30"), start_year=2026)
    if not ClusterYear.objects.filter(cluster=cluster, year=2026).exists():
        ClusterYear.objects.create(cluster=cluster, year=2026)
    response = api_as("tw.canbo").put("/api/v1/clusters/TPTW/years/2026/leadership",
                                      {"head_id": _uid("30"), "head_selection": "appointed", "deputy_id": None},
                                      content_type="application/json")
    assert response.status_code == 422, response.content
    assert "Hải Phòng" in response.json()["details"][0]["message"]
    assert ClusterYear.objects.get(cluster=cluster, year=2026).head_id != _uid("30")


def test_membership_end_cannot_extend_past_the_units_existence(user_named):
    from thidua.core.errors import InvalidInput
    from thidua.organisations.models import Cluster
    from thidua.organisations.services import membership_end

    m = ClusterMembership.objects.create(cluster=Cluster.objects.get(code="TPTW"), unit_id=_uid("30"),
                                         start_year=2020, end_year=2024)
    with pytest.raises(InvalidInput):
        membership_end(actor=user_named("tw.canbo"), membership_id=m.pk, end_year=2030)


# --- Out-of-range years are a 422 in the API's JSON shape, never a 500 ----------------------------------


@pytest.mark.parametrize("year", ["0", "-5", "10000", "99999999999999999999"])
def test_membership_year_out_of_range_is_a_json_422(api_as, year):
    response = api_as("hanoi.canbo").get(f"/api/v1/clusters/TPTW/memberships?year={year}")
    assert response.status_code == 422, response.content[:300]
    body = response.json()
    assert body["code"] == "invalid" and body["message"]


@pytest.mark.parametrize("year", ["0", "10000", "99999999999999999999"])
def test_cluster_year_out_of_range_is_not_found(api_as, client_as, year):
    assert api_as("hanoi.canbo").get(f"/api/v1/clusters/TPTW/years/{year}").status_code == 404
    assert client_as("hanoi.canbo").get(f"/clusters/TPTW/{year}/").status_code == 404


@pytest.mark.parametrize("unit_id", ["0", "99999999999999999999"])
def test_huge_ids_are_not_found_or_invalid(api_as, client_as, unit_id):
    assert api_as("hanoi.canbo").get(f"/api/v1/units/{unit_id}").status_code == 404
    assert client_as("hanoi.canbo").get(f"/units/{unit_id}/").status_code == 404
    response = api_as("tw.canbo").post("/api/v1/clusters/TPTW/memberships", {"unit_id": int(unit_id), "start_year": 2026},
                                       content_type="application/json")
    assert response.status_code == 422
    response = api_as("tw.canbo").put("/api/v1/clusters/TPTW/years/2025/leadership",
                                      {"head_id": int(unit_id), "head_selection": "appointed", "deputy_id": None},
                                      content_type="application/json")
    assert response.status_code == 422


# --- The head of a closed year stays; replacing a head or deputy needs a reason ----------------------


@pytest.mark.parametrize("year", [2014, 2020])
def test_leadership_of_a_closed_year_cannot_change(api_as, year):
    from thidua.covenant.models import CycleState, YearCycle

    cy = ClusterYear.objects.get(cluster__code="TPTW", year=year)
    assert YearCycle.objects.get(cluster_year=cy).state == CycleState.CLOSED
    before = (cy.head_id, cy.deputy_id)
    response = api_as("tw.canbo").put(f"/api/v1/clusters/TPTW/years/{year}/leadership",
                                      {"head_id": _uid("79"), "head_selection": "appointed", "deputy_id": None,
                                       "reason": "Thử đổi"}, content_type="application/json")
    assert response.status_code == 409, response.content
    assert "đã kết thúc" in response.json()["message"]
    cy.refresh_from_db()
    assert (cy.head_id, cy.deputy_id) == before
    assert "secretariat" not in api_as("hcm.canbo").get(f"/api/v1/clusters/TPTW/years/{year}").json().get("my_roles", [])


def test_leadership_form_of_a_closed_year_shows_the_refusal(client_as):
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2020)
    response = client_as("tw.canbo").post("/clusters/TPTW/2020/", {"head": _uid("79"), "head_selection": "appointed",
                                                                  "reason": "x"})
    assert response.status_code == 200 and "đã kết thúc" in response.content.decode()
    assert ClusterYear.objects.get(pk=cy.pk).head_id == cy.head_id


def test_replacing_a_head_needs_a_reason(api_as):
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2021)
    body = {"head_id": _uid("01"), "head_selection": "appointed", "deputy_id": cy.deputy_id,
            "deputy_selection": cy.deputy_selection}
    client = api_as("tw.canbo")
    response = client.put("/api/v1/clusters/TPTW/years/2021/leadership", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "reason"
    assert ClusterYear.objects.get(pk=cy.pk).head_id == cy.head_id
    body["reason"] = "Quyết định số 12/QĐ-HĐTĐKT"
    assert client.put("/api/v1/clusters/TPTW/years/2021/leadership", body, content_type="application/json").status_code == 200
    assert ClusterYear.objects.get(pk=cy.pk).head_id == _uid("01")


# --- Names, not bare codes ---------------------------------------------------------------------------


def test_profile_shows_unit_and_scope_names(client_as):
    page = client_as("hanoi.canbo").get("/accounts/profile/").content.decode()
    assert "Thành phố Hà Nội" in page
    assert ">01<" not in page and "Đơn vị: 01" not in page
    page = client_as("tw.canbo").get("/accounts/profile/").content.decode()
    assert "Ban Thi đua – Khen thưởng Trung ương" in page and "Hội đồng Thi đua – Khen thưởng Trung ương" in page
    assert ">BTDKT-TW<" not in page and "HDTDKT-TW" not in page


def test_admin_lists_and_picks_units_by_name(client_as, user_named):
    admin = client_as("admin")
    listing = admin.get("/admin/accounts/user/").content.decode()
    assert "Thành phố Cần Thơ" in listing
    page = admin.get(f"/admin/accounts/user/{user_named('hanoi.canbo').pk}/change/")
    options = {str(label) for _value, label in page.context["adminform"].form.fields["unit"].choices}
    assert "Thành phố Hà Nội (01)" in options
    assert not any("Hải Dương" in o or o == "30" for o in options)  # merged away on 01/07/2025
    grants = admin.get("/admin/accounts/rolegrant/").content.decode()
    assert "Thành phố Hà Nội" in grants


def test_succession_links_read_the_right_way_with_names(client_as):
    client = client_as("hanoi.canbo")
    merged = client.get(f"/units/{_uid('30')}/").content.decode()
    assert "hợp nhất, sáp nhập vào" in merged and "Thành phố Hải Phòng</a>" in merged
    hcm = client.get(f"/units/{_uid('79')}/").content.decode()
    assert "tiếp nhận (hợp nhất, sáp nhập) từ" in hcm
    assert "Tỉnh Bình Dương</a>" in hcm and "Tỉnh Bà Rịa – Vũng Tàu</a>" in hcm
    assert ">74<" not in hcm and ">77<" not in hcm


# --- The contact form keeps what was typed ----------------------------------------------------------


def test_contact_form_error_keeps_the_input(client_as):
    unit = Unit.objects.get(code="01")
    response = client_as("hanoi.canbo").post(f"/units/{unit.pk}/contact/", {
        "address": "12 Lê Lai", "phone": "024 3825 3536", "website": "hanoi.gov.vn", "email": "khong-hop-le"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="12 Lê Lai"' in page and 'value="024 3825 3536"' in page and 'value="khong-hop-le"' in page
    assert "<details open>" in page and 'class="error"' in page
    unit.refresh_from_db()
    assert unit.address != "12 Lê Lai"


def test_website_without_scheme_is_accepted_and_not_a_url_input(client_as):
    unit = Unit.objects.get(code="01")
    client = client_as("hanoi.canbo")
    page = client.get(f"/units/{unit.pk}/").content.decode()
    website_input = page.split('name="website"')[0].rsplit("<input", 1)[1] + page.split('name="website"')[1].split(">")[0]
    assert 'type="url"' not in website_input
    response = client.post(f"/units/{unit.pk}/contact/", {"website": "hanoi.gov.vn", "email": "vp@hanoi.gov.vn"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.website == "https://hanoi.gov.vn"


# --- Blocks say khối; bad dates are reported ----------------------------------------------------------


def test_a_block_says_khoi_truong(client_as):
    client = client_as("ct.hoidong")
    page = client.get("/clusters/CT-KHOI-KT/2025/").content.decode()
    assert "Khối trưởng" in page and "Khối phó" in page
    assert "Cụm trưởng" not in page and "Cụm phó" not in page
    dashboard = client.get("/").content.decode()
    assert "Khối trưởng" in dashboard


def test_secretariat_of_a_block_is_thu_ky_khoi(user_named):
    from thidua.organisations.selectors import cluster_year_get, roles_in_cluster_year

    ClusterYear.objects.filter(cluster__code="CT-KHOI-KT", year=2025).update(head=_uid("92-STC"))
    user = user_named("ct.stc.canbo")  # secretariat of 92-STC
    cy = cluster_year_get(user=user, code="CT-KHOI-KT", year=2025)
    labels = [r.label for r in roles_in_cluster_year(user, cy)]
    assert "Thư ký khối" in labels and "Thư ký cụm" not in labels


def test_invalid_date_on_the_unit_list_is_reported(client_as):
    client = client_as("hanoi.canbo")
    page = client.get("/units/?on=abc").content.decode()
    assert "Ngày không hợp lệ" in page
    page = client.get(f"/units/{_uid('01')}/?on=abc").content.decode()
    assert "không hợp lệ" in page


def test_cluster_create_with_a_huge_organiser_id_is_not_found(api_as):
    response = api_as("tw.canbo").post("/api/v1/clusters", {"organiser_id": 99999999999999999999, "code": "X1",
                                                            "name": "Cụm X"}, content_type="application/json")
    assert response.status_code == 404
