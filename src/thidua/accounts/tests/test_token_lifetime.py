"""Token lifetime is bounded, and a token cannot mint tokens (defect 5)."""

import pytest
from django.test import Client

from thidua.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_token_cannot_create_a_token(api_as, user_named):
    client = api_as("hanoi.canbo")
    before = ApiToken.objects.count()
    for days in (None, 30):
        response = client.post("/api/v1/tokens", {"name": "never", "days_valid": days}, content_type="application/json")
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "forbidden" and "đăng nhập" in response.json()["message"]
    assert ApiToken.objects.count() == before


@pytest.mark.parametrize("days", [None, 0, 731, -1])
def test_session_token_creation_is_bounded(user_named, days):
    client = Client()
    client.force_login(user_named("hanoi.canbo"))
    response = client.post("/api/v1/tokens", {"name": "x", "days_valid": days}, content_type="application/json")
    assert response.status_code == 422, response.content
    assert not ApiToken.objects.filter(user__username="hanoi.canbo", name="x").exists()


def test_session_can_create_a_bounded_token(user_named):
    client = Client()
    client.force_login(user_named("hanoi.canbo"))
    response = client.post("/api/v1/tokens", {"name": "x", "days_valid": 30}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["expires_at"] is not None


def test_service_refuses_a_token_without_expiry(user_named):
    from thidua.accounts.services import api_token_create
    from thidua.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        api_token_create(actor=user_named("hanoi.canbo"), name="x", days_valid=None)
