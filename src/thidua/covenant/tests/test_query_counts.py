"""Covenant pages run a fixed number of queries whatever the number of members, registrations, signatures."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.core.actors import SYSTEM
from thidua.covenant.models import MemberCampaign, Registration, Signature
from thidua.organisations import services as org
from thidua.organisations.models import ClusterYear

pytestmark = pytest.mark.django_db
PAGES = ["/clusters/TPTW/2021/", "/covenant/TPTW/2021/registrations/", "/covenant/TPTW/2021/signing/",
         "/covenant/TPTW/2021/criteria/"]


def _grow(n: int) -> None:
    cy = ClusterYear.objects.get(cluster__code="TPTW", year=2021)
    base = Signature.objects.filter(cluster_year=cy).first()
    for i in range(n):
        code = f"QP{i}"
        unit = org.unit_create(actor=SYSTEM, code=code, name=f"Thành phố thử {code}", short_name=code, kind_code="tinh",
                               valid_from=date(2000, 1, 1))
        org.membership_add(actor=SYSTEM, cluster_code="TPTW", unit_id=unit.pk, start_year=2021, end_year=2021)
        reg = Registration.objects.create(cluster_year=cy, unit=unit, status="accepted")
        MemberCampaign.objects.create(registration=reg, title="x")
        Signature.objects.create(cluster_year=cy, unit=unit, criteria_set=base.criteria_set, document=base.document,
                                 document_sha256=base.document_sha256, signed_by_system=True, signed_at=base.signed_at)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_page_query_count_is_constant(client_as, url):
    client = client_as("tw.canbo")
    client.get(url)
    small = _count(client, url)
    _grow(5)
    assert _count(client, url) == small
