"""List pages and list endpoints run a fixed number of queries whatever the number of rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.core.actors import SYSTEM
from thidua.organisations import services
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db

PAGES = ["/", "/clusters/", "/units/", "/units/?on=2024-12-31", "/clusters/TPTW/", "/clusters/TPTW/2025/"]
ENDPOINTS = ["/api/v1/units", "/api/v1/clusters", "/api/v1/clusters/TPTW/years", "/api/v1/clusters/TPTW/memberships",
             "/api/v1/me"]


def _grow(n: int) -> None:
    """More units, clusters, members and years, all visible to the organiser admin tw.canbo."""
    organiser = Unit.objects.get(code="HDTDKT-TW").pk
    start = Unit.objects.count()
    for i in range(n):
        code = f"T{start + i}"
        services.unit_create(actor=SYSTEM, code=code, name=f"Đơn vị thử {code}", short_name=code,
                             kind_code="tinh", valid_from=date(2000, 1, 1))
        services.cluster_create(actor=SYSTEM, organiser_id=organiser, code=f"C{code}", name=f"Cụm thử {code}")
        services.membership_add(actor=SYSTEM, cluster_code="TPTW", unit_id=Unit.objects.get(code=code).pk,
                                start_year=2025)
        services.membership_add(actor=SYSTEM, cluster_code=f"C{code}", unit_id=Unit.objects.get(code=code).pk,
                                start_year=2000 + i)
        services.cluster_year_open(actor=SYSTEM, cluster_code=f"C{code}", year=2000 + i + 1)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_page_query_count_is_constant(client_as, url):
    client = client_as("tw.canbo")
    client.get(url)  # warm caches (content types, session)
    small = _count(client, url)
    _grow(6)
    assert _count(client, url) == small


@pytest.mark.parametrize("url", ENDPOINTS)
def test_endpoint_query_count_is_constant(api_as, url):
    client = api_as("tw.canbo")
    client.get(url)
    small = _count(client, url)
    _grow(6)
    assert _count(client, url) == small
