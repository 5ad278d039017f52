"""End-to-end: a real browser (Debian's Chromium driven by Playwright, no browser download) logs in, sees the
dashboard, and is denied another cluster's page. Screenshots go to test-artifacts/."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def browser_page(chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return page, errors


def test_login_dashboard_and_denied_access(transactional_demo, live_server, browser_page):
    page, console_errors = browser_page
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{base}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "hanoi.canbo")
    page.fill("#id_password", "ThiDua@2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert page.locator("h1").inner_text().startswith("Xin chào")
    assert page.get_by_role("link", name="Cụm thi đua các thành phố trực thuộc Trung ương").count() >= 1
    assert page.locator(".role-secretariat").count() >= 1  # Hà Nội was head in 2015 and 2020
    page.screenshot(path=str(ARTIFACTS / "e2e-dashboard.png"), full_page=True)

    page.get_by_role("link", name="2025").first.click()
    assert "Thành phố Huế" in page.content()
    page.screenshot(path=str(ARTIFACTS / "e2e-cluster-year-2025.png"), full_page=True)

    response = page.goto(f"{base}/clusters/CT-KHOI-KT/")
    assert response.status == 404
    assert "Không tìm thấy" in page.content()
    page.screenshot(path=str(ARTIFACTS / "e2e-denied.png"), full_page=True)

    # Every asset loaded from this server, and the strict CSP blocked none of them (the one error allowed is
    # the deliberate 404 above).
    assert [e for e in console_errors if "404" not in e] == [], console_errors
    assert len([e for e in console_errors if "404" in e]) <= 1, console_errors
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex"

    # On a 375 px phone the cluster-year page (documents panel) and the covenant signing page (signatures,
    # SHA-256, documents) scroll their wide tables inside their own box: the page is never wider than the screen.
    page.set_viewport_size({"width": 375, "height": 800})
    widths = {}
    for url in ("/clusters/TPTW/2020/", "/covenant/TPTW/2020/signing/", "/covenant/TPTW/2025/signing/"):
        assert page.goto(f"{base}{url}").status == 200, url
        widths[url] = page.evaluate("document.documentElement.scrollWidth")
    assert all(w <= 375 for w in widths.values()), widths


def test_irreversible_action_asks_first(transactional_demo, live_server, browser_page):
    """A form marked data-confirm asks in the browser (static/thidua/app.js, every page): dismissing the question
    sends nothing; accepting it sends the form."""
    from thidua.accounts.models import RoleGrant

    page, console_errors = browser_page
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "ThiDua@2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/accounts/roles/")
    active = RoleGrant.objects.filter(revoked_at__isnull=True).count()
    form = page.locator("form[data-confirm]").first
    form.locator("input[name=reason]").fill("Kiểm thử hỏi lại")
    questions: list[str] = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    form.locator("button[type=submit]").click()
    page.wait_for_timeout(300)
    assert questions and questions[0].startswith("Thu hồi vai trò")
    assert RoleGrant.objects.filter(revoked_at__isnull=True).count() == active
    page.once("dialog", lambda d: answer(d, True))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert len(questions) == 2
    assert RoleGrant.objects.filter(revoked_at__isnull=True).count() == active - 1
    assert not console_errors, console_errors
