"""The site in headless Chromium (Debian's, driven by Playwright): browse home → plan → requirement → agency
→ document and see no console error (search: test_search_browser.py). Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.site.conftest import HOSTILE_TITLE

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PANLONG = "盘龙区2018年政务公开工作要点分工方案"
CITES_55 = """PREFIX zw: <https://w3id.org/zwgk/def#>
SELECT ?req ?seq WHERE {
  ?plan zw:hasRequirement ?req . ?req zw:cites ?doc ; zw:sequenceNumber ?seq ; zw:assignment [] .
  ?doc zw:documentNumber "国发〔2016〕55号" . FILTER (STRENDS(STR(?plan), "/kunming-panlong-2018"))
} ORDER BY ?seq LIMIT 1"""


@pytest.fixture(scope="module")
def browser():
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run `make system-deps` (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and uncaught exceptions."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    page.close()


def test_browse_home_plan_requirement_agency_document(page, static_server, store, artifacts):
    hit = next(iter(store.query(CITES_55, use_default_graph_as_union=True)))
    req_path = hit["req"].value.split("/id/", 1)[1]
    page.goto(static_server + "index.html")
    assert "政务公开工作要点知识图谱" in page.locator("h1").inner_text()
    page.screenshot(path=artifacts / "01-home.png", full_page=True)

    page.get_by_role("link", name=PANLONG).first.click()
    page.wait_for_url(re.compile(r"/id/plan/kunming-panlong-2018\.html$"))
    assert page.locator("h1").inner_text() == PANLONG
    assert page.locator("section.requirements tbody tr:not(.group)").count() == 92
    page.screenshot(path=artifacts / "02-plan.png")

    page.locator(f'section.requirements a[href$="{req_path.rsplit("/", 1)[-1]}.html"]').first.click()
    page.wait_for_url(re.compile(re.escape(req_path) + r"\.html$"))
    assert page.locator("h1").inner_text() == f"{PANLONG} 第{hit['seq'].value}项"
    assert page.locator("pre.quote .line").count() >= 1
    page.screenshot(path=artifacts / "03-requirement.png", full_page=True)

    agency = page.locator("ul.agencies.detailed a[href*='/id/agency/']").first
    name = agency.inner_text()
    agency.click()
    page.wait_for_url(re.compile(r"/id/agency/.+\.html$"))
    assert page.locator("h1").inner_text() == name
    page.screenshot(path=artifacts / "04-agency.png")

    page.go_back()
    page.locator("a[href$='id/document/guofa-2016-55.html']").first.click()
    page.wait_for_url(re.compile(r"/id/document/guofa-2016-55\.html$"))
    assert page.locator("h1").inner_text() == "国发〔2016〕55号"
    assert PANLONG in page.locator("section.citers").inner_text()
    page.screenshot(path=artifacts / "05-document.png", full_page=True)
    assert page.errors == []


def test_hostile_label_is_shown_not_run(page, hostile_build, artifacts):
    settings, iris = hostile_build
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    path = settings.build / "site" / (str(iris["plan"])[len(settings.base):] + ".html")
    page.goto(path.as_uri())
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    assert dialogs == []
    page.screenshot(path=artifacts / "07-escaped-label.png")
