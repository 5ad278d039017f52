import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_token_authenticates_and_revocation_ends_access(user_named):
    from thidua.accounts.services import api_token_create, api_token_revoke

    user = user_named("hcm.canbo")
    token, secret = api_token_create(actor=user, name="máy trạm")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    me = client.get("/api/v1/me").json()
    assert me["username"] == "hcm.canbo" and {r["role"] for r in me["roles"]} == {"unit_officer", "secretariat"}
    assert token.key_hash != secret and secret not in token.key_hash
    api_token_revoke(actor=user, token_id=token.pk)
    assert client.get("/api/v1/me").status_code == 401


def test_token_of_another_user_cannot_be_revoked(user_named):
    from thidua.accounts.services import api_token_create, api_token_revoke
    from thidua.core.errors import NotFound

    token, _ = api_token_create(actor=user_named("hcm.canbo"), name="x")
    with pytest.raises(NotFound):
        api_token_revoke(actor=user_named("hanoi.canbo"), token_id=token.pk)


def test_bad_token_gets_a_vietnamese_error():
    response = Client(headers={"Authorization": "Bearer td_khong-hop-le"}).get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {"code": "unauthenticated", "message": "Cần đăng nhập hoặc khóa truy cập hợp lệ."}


def test_profile_lists_roles_and_creates_token(client_as):
    client = client_as("hanoi.canbo")
    page = client.get("/accounts/profile/").content.decode()
    assert "Thư ký cụm" in page and "Cán bộ thi đua của đơn vị" in page
    response = client.post("/accounts/tokens/", {"name": "Excel", "days_valid": 30}, follow=True)
    assert "td_" in response.content.decode()


def test_openapi_schema_is_served():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/units" in paths and "/api/v1/clusters/{code}/years/{year}/leadership" in paths


def test_english_is_available(client_as):
    client = client_as("hanoi.canbo")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Dashboard" in page and ">Units</a>" in page  # the menu's "Đơn vị" has its own context


def test_the_english_catalogue_is_complete():
    """Every msgid is translated and none is a guess left fuzzy by makemessages (run `make messages`)."""
    import shutil
    import subprocess
    from pathlib import Path

    import thidua

    if shutil.which("msgattrib") is None:
        pytest.skip("gettext (msgattrib) is not installed; .ci/run installs it")
    po = Path(thidua.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True, check=True).stdout
        entries = out.split("\n\n")[1:]  # the first block is the catalogue's header, always printed
        assert entries == [], f"{flag}: {entries[:3]}"


def test_vietnamese_is_the_default_whatever_the_browser_says(client_as):
    page = client_as("hanoi.canbo").get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in page.content.decode() and "Bảng điều khiển" in page.content.decode()
