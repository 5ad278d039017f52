"""The indicator entry page: who may enter which value (permission matrix), Vietnamese number input and
validation messages, htmx answers, audit through the service, Vietnamese thousands on the dashboard."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from thidua.core.models import AuditEntry
from thidua.scoring.models import Indicator, IndicatorValue
from thidua.scoring.templatetags.scoring_tags import vn_number
from thidua.scoring.tests.factories import make_cluster_year, unit
from thidua.scoring.views import vn_number_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def cy():
    return make_cluster_year(2023)


@pytest.fixture
def revenue():
    return Indicator.objects.get(cluster__isnull=True, code="thu-ngan-sach")


def _url(year=2023):
    return reverse("scoring:indicators", args=["TPTW", year])


def _post(client, indicator, unit_code, value, htmx=False):
    data = {"indicator_id": indicator.pk, "unit_id": unit(unit_code).pk if unit_code else "", "value": value,
            "source": "Cục Thống kê"}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(_url(), data, **headers)


def _value(indicator, unit_code):
    return IndicatorValue.objects.filter(indicator=indicator, year=2023,
                                         unit=unit(unit_code) if unit_code else None).values_list("value", flat=True).first()


# (user, unit of the value or None for the national total, allowed)
MATRIX = [
    ("hanoi.canbo", "79", True),      # secretariat of the year: any member
    ("hanoi.canbo", None, True),      # … and the national total
    ("tw.canbo", "31", True),         # organiser: any member
    ("tw.canbo", None, True),
    ("hcm.canbo", "79", True),        # a member's officer: its own unit
    ("hcm.canbo", "01", False),       # … not another member
    ("hcm.canbo", None, False),       # … not the national total
    ("hcm.lanhdao", "79", False),     # leaders read only
    ("tw.lanhdao", "79", False),      # observer: read only
]


@pytest.mark.parametrize("username,unit_code,allowed", MATRIX)
def test_permission_matrix(cy, revenue, client_as, username, unit_code, allowed):
    client = client_as(username)
    assert client.get(_url()).status_code == 200  # everyone who sees the year reads the page
    before = AuditEntry.objects.filter(action="scoring.indicator.value_set").count()
    r = _post(client, revenue, unit_code, "12.345,5")
    if allowed:
        assert r.status_code == 302
        assert _value(revenue, unit_code) == Decimal("12345.5")
        assert AuditEntry.objects.filter(action="scoring.indicator.value_set").count() == before + 1
    else:
        assert r.status_code == 403
        assert _value(revenue, unit_code) is None
        assert AuditEntry.objects.filter(action="scoring.indicator.value_set").count() == before


def test_the_page_offers_forms_only_where_the_caller_may_write(cy, revenue, client_as):
    html = client_as("hcm.canbo").get(_url()).content.decode()
    assert f'name="unit_id" value="{unit("79").pk}"' in html
    assert f'name="unit_id" value="{unit("01").pk}"' not in html
    assert 'name="unit_id" value=""' not in html  # national total: secretariat and organiser only
    html = client_as("tw.lanhdao").get(_url()).content.decode()
    assert 'name="value"' not in html
    html = client_as("hanoi.canbo").get(_url()).content.decode()
    assert 'name="unit_id" value=""' in html


def test_outside_the_cluster_the_page_does_not_exist(cy, client_as):
    assert client_as("hue.canbo").get(_url()).status_code == 404


def test_validation_message_and_nothing_saved(cy, revenue, client_as):
    client = client_as("hcm.canbo")
    r = _post(client, revenue, "79", "nhiều lắm")
    assert r.status_code == 302
    page = client.get(_url()).content.decode()
    assert "Giá trị phải là một số." in page
    assert _value(revenue, "79") is None
    # With htmx the card comes back with the message in place.
    r = _post(client, revenue, "79", "", htmx=True)
    assert r.status_code == 200
    body = r.content.decode()
    assert 'role="alert"' in body and "Cần nhập giá trị." in body
    assert f'id="indicator-{revenue.pk}"' in body and "<html" not in body
    assert _value(revenue, "79") is None


def test_htmx_save_answers_with_the_card_in_vietnamese_numbers(cy, revenue, client_as):
    client = client_as("hanoi.canbo")
    assert _post(client, revenue, None, "1.505.837", htmx=True).status_code == 200
    body = _post(client, revenue, "79", "774.000", htmx=True).content.decode()
    assert _value(revenue, "79") == Decimal("774000")
    assert "774.000" in body and "1.505.837" in body
    # One member of five: no cluster total and no national share (a partial sum is not the cluster's figure).
    assert "chưa đủ số liệu (1/5 thành viên)" in body and "% cả nước" not in body
    for code in ("01", "31", "48", "92"):
        _post(client, revenue, code, "0", htmx=True)
    body = _post(client, revenue, "79", "774.000", htmx=True).content.decode()
    assert "51,4%" in body  # 774,000 / 1,505,837, every member having a value


def test_dashboard_shows_indicators_the_vietnamese_way(client_as):
    html = client_as("hanoi.canbo").get(reverse("scoring:dashboard", args=["TPTW", 2020])).content.decode()
    assert "774.000" in html and "1.505.837" in html  # budget revenue of the seed, bn VND
    assert "51,4%" in html
    assert "99,6" in html and "35,4%" in html  # exports, bn USD


@pytest.mark.parametrize("typed,read", [("774.000", "774000"), ("51,4", "51.4"), ("1.234,5", "1234.5"),
                                        ("99.6", "99.6"), ("-1.000", "-1000"), (" 12 345 ", "12345"), ("abc", "abc")])
def test_vietnamese_number_input(typed, read):
    assert vn_number_input(typed) == read


@pytest.mark.parametrize("value,places,shown", [(Decimal("774000"), None, "774.000"), (Decimal("51.4"), 1, "51,4"),
                                                (Decimal("1505837.0000"), None, "1.505.837"), (None, None, "—"),
                                                (Decimal("99.60"), None, "99,6")])
def test_vn_number_filter(value, places, shown):
    assert vn_number(value, places) == shown
