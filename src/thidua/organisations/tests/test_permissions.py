"""Permission matrix of the foundation: for each role and object kind, allowed and forbidden reads and writes.

Outside one's scope a lookup is 404 (existence not confirmed); inside it, a forbidden write is 403.
"""

import pytest

from thidua.accounts.models import User
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db

ALL = ["admin", "tw.canbo", "tw.lanhdao", "hanoi.canbo", "hanoi.lanhdao", "cantho.canbo", "hue.canbo",
       "ct.hoidong", "ct.stc.canbo", "nobody", None]


@pytest.fixture
def nobody(db):
    return User.objects.create_user(username="nobody", password="x" * 12)


def _status(api_as, username, method, url, **kwargs):
    client = api_as(username)
    return getattr(client, method)(url, content_type="application/json", **kwargs).status_code


READS = {
    # url: users who get 200; every other signed-in user gets 404; anonymous gets 401
    "/api/v1/clusters/TPTW": {"admin", "tw.canbo", "tw.lanhdao", "hanoi.canbo", "hanoi.lanhdao", "cantho.canbo", "hue.canbo"},
    "/api/v1/clusters/CT-KHOI-KT": {"admin", "ct.hoidong", "ct.stc.canbo"},
    "/api/v1/clusters/TPTW/years/2014": {"admin", "tw.canbo", "tw.lanhdao", "hanoi.canbo", "hanoi.lanhdao", "cantho.canbo"},
    "/api/v1/clusters/TPTW/years/2025": {"admin", "tw.canbo", "tw.lanhdao", "hanoi.canbo", "hanoi.lanhdao", "cantho.canbo", "hue.canbo"},
    "/api/v1/clusters/CT-KHOI-KT/years/2025": {"admin", "ct.hoidong", "ct.stc.canbo"},
    "/api/v1/clusters/TPTW/memberships": {"admin", "tw.canbo", "tw.lanhdao", "hanoi.canbo", "hanoi.lanhdao", "cantho.canbo", "hue.canbo"},
}


@pytest.mark.parametrize("url", list(READS))
@pytest.mark.parametrize("username", ALL)
def test_read_matrix(api_as, nobody, url, username):
    expected = 401 if username is None else (200 if username in READS[url] else 404)
    assert _status(api_as, username, "get", url) == expected


@pytest.mark.parametrize("username", ALL)
def test_cluster_list_contains_only_visible_clusters(api_as, nobody, username):
    response = api_as(username).get("/api/v1/clusters")
    if username is None:
        assert response.status_code == 401
        return
    codes = {c["code"] for c in response.json()["items"]}
    expected = {url.split("/")[4] for url, users in READS.items() if url.count("/") == 4 and username in users}
    assert codes == expected


def _unit_id(code):
    return Unit.objects.get(code=code).pk


CONTACT_WRITERS = {"admin", "hanoi.canbo", "hanoi.lanhdao"}


@pytest.mark.parametrize("username", ALL)
def test_unit_contact_write_matrix(api_as, nobody, username):
    """Only Hà Nội's own people (and the system admin) change Hà Nội's contact details."""
    status = _status(api_as, username, "patch", f"/api/v1/units/{_unit_id('01')}/contact", data={"phone": "024 3825 3536"})
    expected = 401 if username is None else (200 if username in CONTACT_WRITERS else 403)
    assert status == expected
    phone = Unit.objects.get(code="01").phone
    assert (phone == "024 3825 3536") == (expected == 200)


LEADERSHIP_WRITERS = {"admin", "tw.canbo"}
SEES_TPTW_2021 = {"admin", "tw.canbo", "tw.lanhdao", "hanoi.canbo", "hanoi.lanhdao", "cantho.canbo"}


@pytest.mark.parametrize("username", ALL + ["hcm.canbo"])
def test_cluster_year_leadership_write_matrix(api_as, nobody, username):
    """The organiser records head and deputy; the head's own secretariat (hcm.canbo in 2021) may not."""
    body = {"head_id": _unit_id("79"), "head_selection": "elected", "deputy_id": _unit_id("92"),
            "deputy_selection": "elected", "reason": "kiểm thử"}
    status = _status(api_as, username, "put", "/api/v1/clusters/TPTW/years/2021/leadership", data=body)
    if username is None:
        assert status == 401
    elif username in LEADERSHIP_WRITERS:
        assert status == 200
    elif username in SEES_TPTW_2021 | {"hcm.canbo"}:
        assert status == 403
    else:
        assert status == 404


@pytest.mark.parametrize("username,expected", [
    ("admin", 201), ("tw.canbo", 201), ("tw.lanhdao", 403), ("hanoi.canbo", 403), ("ct.hoidong", 403), (None, 401),
])
def test_cluster_create_matrix(api_as, username, expected):
    body = {"organiser_id": _unit_id("HDTDKT-TW"), "code": "KHOI-MOI", "name": "Khối thi đua mới"}
    assert _status(api_as, username, "post", "/api/v1/clusters", data=body) == expected


@pytest.mark.parametrize("username,expected", [
    ("admin", 201), ("tw.canbo", 201), ("tw.lanhdao", 403), ("hanoi.canbo", 403), ("ct.hoidong", 404), (None, 401),
])
def test_membership_add_matrix(api_as, username, expected):
    body = {"unit_id": _unit_id("30"), "start_year": 2016, "end_year": 2016}
    assert _status(api_as, username, "post", "/api/v1/clusters/TPTW/memberships", data=body) == expected


def test_secretariat_role_follows_the_head_unit(api_as):
    """hanoi.canbo is the secretariat in 2015 and 2020 (Hà Nội head), not in 2021 (HCM head)."""
    client = api_as("hanoi.canbo")
    roles = {y: client.get(f"/api/v1/clusters/TPTW/years/{y}").json()["my_roles"] for y in (2014, 2015, 2020, 2021)}
    assert "secretariat" in roles[2015] and "secretariat" in roles[2020]
    assert "secretariat" not in roles[2014] and "secretariat" not in roles[2021]
    assert "unit_officer" in roles[2021]
    hcm = api_as("hcm.canbo").get("/api/v1/clusters/TPTW/years/2021").json()["my_roles"]
    assert "secretariat" in hcm


def test_secretariat_moves_when_head_changes(api_as, user_named):
    from thidua.core.actors import SYSTEM
    from thidua.organisations.models import ClusterYear
    from thidua.organisations.services import cluster_year_set_leadership

    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2021)
    cluster_year_set_leadership(actor=SYSTEM, cluster_year_id=cy.pk, head_id=_unit_id("92"), head_selection="appointed",
                                deputy_id=_unit_id("48"), deputy_selection="elected", reason="Chỉ định lại (kiểm thử)")
    assert "secretariat" in api_as("cantho.canbo").get("/api/v1/clusters/TPTW/years/2021").json()["my_roles"]
    assert "secretariat" not in api_as("hcm.canbo").get("/api/v1/clusters/TPTW/years/2021").json()["my_roles"]


@pytest.mark.parametrize("username,status", [("hanoi.canbo", 200), ("ct.stc.canbo", 404), ("hue.canbo", 404)])
def test_pages_follow_the_same_scope(client_as, username, status):
    assert client_as(username).get("/clusters/TPTW/2014/").status_code == status


def test_page_post_by_non_admin_is_forbidden(client_as):
    response = client_as("hcm.canbo").post("/clusters/TPTW/2021/", {"head": _unit_id("79"), "head_selection": "elected"})
    assert response.status_code == 403


def test_anonymous_pages_redirect_to_login(client_as):
    for url in ("/", "/clusters/", "/units/", "/clusters/TPTW/2014/", "/accounts/profile/"):
        response = client_as(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_back_office_is_for_system_administrators(client_as):
    assert client_as("admin").get("/admin/organisations/cluster/").status_code == 200
    assert client_as("admin").get("/admin/core/auditentry/").status_code == 200
    response = client_as("tw.canbo").get("/admin/organisations/cluster/")
    assert response.status_code == 302  # not staff: sent to the admin login


def test_back_office_cannot_edit_or_delete_audit_entries(client_as):
    from thidua.core.models import AuditEntry

    entry = AuditEntry.objects.order_by("id").first()
    client = client_as("admin")
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
