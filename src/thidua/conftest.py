"""Test fixtures shared by every app: the demo world is loaded once per test database, and each test
runs inside a transaction that is rolled back."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from thidua.demo.loader import load_demo

    with django_db_blocker.unblock():
        from django.db import connection

        # Reference data written by data migrations (award catalogue, audit chain head…) is kept aside so that
        # it can be put back after the flush that ends a transactional test.
        connection._thidua_migration_data = _serialize_reference_data()
        load_demo()
        connection._thidua_snapshot = _pg_snapshot() if connection.vendor == "postgresql" else None


def _pg_snapshot() -> dict:
    """PostgreSQL: every model table's rows (binary COPY; generated columns are left out and recomputed on the
    way back) and every sequence's position, so that the world after a transactional test's flush is put back
    in about a second instead of rebuilding it (reference data and demo: ~25 s)."""
    from django.db import connection

    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    raw = connection.connection.cursor()
    rows = {}
    for table in tables:
        with raw.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
            rows[table] = b"".join(bytes(block) for block in copy)
    raw.execute("SELECT schemaname, sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
    return {"tables": rows, "sequences": raw.fetchall()}


def _pg_restore(snapshot: dict) -> None:
    from django.db import connection, transaction

    tables = list(snapshot["tables"])
    with transaction.atomic():
        raw = connection.connection.cursor()
        raw.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        # Foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at commit, whatever the order of the tables.
        for table, data in snapshot["tables"].items():
            with raw.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                copy.write(data)
        for schema, sequence, last_value in snapshot["sequences"]:
            if last_value is None:  # never used: back to its start
                raw.execute(f'ALTER SEQUENCE "{schema}"."{sequence}" RESTART')
            else:
                raw.execute("SELECT setval(%s, %s, true)", [f'"{schema}"."{sequence}"', last_value])
    # The flush's post_migrate recreated the content types under new ids, which Django caches.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def _serialize_reference_data() -> str:
    """Rows our own data migrations wrote (Django's content types and permissions are rebuilt by the flush)."""
    import itertools

    from django.apps import apps
    from django.core import serializers

    models = [m for app in apps.get_app_configs() if app.name.startswith("thidua.") for m in app.get_models()]
    return serializers.serialize("json", itertools.chain.from_iterable(m._default_manager.order_by("pk") for m in models))


def _restore_reference_data(data: str) -> None:
    from django.core import serializers
    from django.db import transaction

    with transaction.atomic():
        for obj in serializers.deserialize("json", data):
            obj.save()


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


@pytest.fixture
def chromium(monkeypatch):
    """A headless Chromium (Debian's, driven by Playwright: no browser download) for the browser tests: skipped
    when the machine has none, a failure when CI requires it (THIDUA_E2E_REQUIRED=1)."""
    import os
    import shutil

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if os.environ.get("THIDUA_E2E_REQUIRED") == "1":
            pytest.fail("Chromium không có trên máy (CI phải cài gói chromium).")
        pytest.skip("Chromium không có trên máy: bỏ qua kiểm thử trình duyệt.")
    # Playwright's sync API runs an event loop in this thread; the test itself does no async DB work.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


def _sqlite_audit_triggers(*, create: bool) -> None:
    """SQLite flushes with DELETE, which the append-only triggers refuse; PostgreSQL uses TRUNCATE."""
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("thidua.core.migrations.0002_audit_append_only")
    with connection.cursor() as cursor:
        for sql in migration.SQLITE_DOWN:
            cursor.execute(sql)
        if create:
            for sql in migration.SQLITE_UP:
                cursor.execute(sql)


@pytest.fixture
def transactional_demo(transactional_db, django_db_blocker):
    """For tests that need real commits (live server, concurrency): the demo world is there at the start, and
    is put back after the flush that ends the test (see pytest_runtest_teardown), so later tests still see it."""
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    blocker = item.funcargs.get("django_db_blocker") if "transactional_demo" in item.funcargs else None
    if blocker is not None:
        with blocker.unblock():
            _sqlite_audit_triggers(create=False)
    yield
    # pytest-django runs transactional tests last; after the very last one the test database is gone.
    if blocker is not None and nextitem is not None:
        from thidua.demo.loader import load_demo

        with blocker.unblock():
            from django.db import connection

            if getattr(connection, "_thidua_snapshot", None):
                _pg_restore(connection._thidua_snapshot)
                return
            _sqlite_audit_triggers(create=True)
            _restore_reference_data(connection._thidua_migration_data)
            load_demo()
