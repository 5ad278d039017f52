"""Test fixtures shared by every app: the demo world is loaded once per test database, and each test
runs inside a transaction that is rolled back."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from thidua.demo.loader import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def user_named(db):
    from thidua.accounts.models import User

    def get(username: str):
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_as(db, user_named):
    def make(username: str | None) -> Client:
        client = Client()
        if username:
            client.force_login(user_named(username))
        return client

    return make


@pytest.fixture
def api_as(db, user_named):
    """A client that authenticates to the API with a fresh personal token of the named user."""
    from thidua.accounts.services import api_token_create

    def make(username: str | None) -> Client:
        if username is None:
            return Client()
        user = user_named(username)
        _token, secret = api_token_create(actor=user, name="test")
        return Client(headers={"Authorization": f"Bearer {secret}"})

    return make
