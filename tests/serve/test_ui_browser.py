"""The query UI in headless Chromium (Debian's chromium, driven by Playwright): run an example query."""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

import pytest
from serve_support import PROJECT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = PROJECT / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not shutil.which(CHROMIUM),
                                 reason="chromium missing: run scripts/install-system-deps.sh")]


@pytest.fixture(scope="module")
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            yield page
        finally:
            browser.close()


def test_ui_runs_an_example_query(tiny_server: str, browser_page) -> None:
    page = browser_page
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(tiny_server))
    requested: list[tuple[str, str]] = []
    page.on("request", lambda request: requested.append((request.method, request.url)))
    page.goto(tiny_server, wait_until="networkidle")
    assert page.locator("button.example").count() == 2

    page.get_by_role("button", name="工作要点与分工方案 · Plans").click()
    row = page.locator(".yasr table tbody tr", has_text="盘龙区2023年政务公开工作要点")
    row.first.wait_for(state="visible", timeout=30_000)
    assert page.locator(".yasr table tbody tr").count() == 2
    assert "2024" in page.locator(".yasr table tbody tr").nth(1).inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sparql-ui.png"), full_page=True)
    outside = [u for _, u in requested if not u.startswith((origin, "data:", "blob:"))]
    assert outside == [], "the UI loaded something from another origin"
    assert ("POST", tiny_server) in requested  # the example ran against this endpoint
