"""A 375 px phone (reviewer's defect 15): the scoring pages never get wider than the screen; wide tables scroll
inside their own box. Real browser (Debian's Chromium through Playwright), like tests_e2e."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def phone(chromium):
    return chromium.new_page(viewport={"width": 375, "height": 800}, locale="vi-VN")


def test_scoring_pages_fit_a_375px_screen(transactional_demo, live_server, phone):
    from thidua.scoring.models import ScorerAssignment
    from thidua.scoring.tests.factories import unit

    page, base = phone, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "hanoi.canbo")
    page.fill("#id_password", "ThiDua@2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    a = (ScorerAssignment.objects.filter(cluster_year__cluster__code="TPTW", role="cross", scorer_unit=unit("01"))
         .select_related("cluster_year").order_by("-cluster_year__year").first())
    assert a is not None
    y = a.cluster_year.year
    widths = {}
    for url in ("/scoring/TPTW/2020/", f"/scoring/TPTW/{y}/reports/{unit('01').pk}/year_end/",
                f"/scoring/TPTW/{y}/score/{a.pk}/"):
        assert page.goto(f"{base}{url}").status == 200, url
        widths[url] = page.evaluate("document.documentElement.scrollWidth")
    assert all(w <= 375 for w in widths.values()), widths
