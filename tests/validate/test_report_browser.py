"""The HTML report in headless Chromium: nothing hostile runs, nothing overflows, on a laptop and a phone."""

from __future__ import annotations

import pytest

from kg.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
VIEWPORTS = {"laptop": (1280, 800), "phone": (375, 740)}
SLUG = "kunming-ceshi-2019"


@pytest.fixture(scope="module")
def browser():
    from pathlib import Path

    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make system-deps)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_hostile_report_renders_escaped_and_fits(browser, hostile_validated, viewport):
    width, height = VIEWPORTS[viewport]
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((hostile_validated.reports / "report.html").as_uri())
    assert page.evaluate("typeof window.__xss") == "undefined" and not errors
    assert "<script>window.__xss = 1</script>" in page.inner_text(f"#plan-{SLUG} h2")
    # no horizontal scrolling of the page, whatever the content
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # the 10,000-character issuer name stays in a box of bounded height
    boxes = page.eval_on_selector_all(
        ".value", "els => els.map(e => [e.textContent.length, e.getBoundingClientRect().height])")
    long_box = max(boxes)
    assert long_box[0] > 10_000 and long_box[1] < 300
    # every result card lies inside the viewport's width
    overflowing = page.eval_on_selector_all(
        "li.result", f"els => els.filter(e => e.getBoundingClientRect().right > {width}).length")
    assert overflowing == 0
    artifacts = PROJECT_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / f"validation-report-{viewport}.png"))
    page.close()


def test_summary_table_links_to_plan_sections(browser, hostile_validated):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto((hostile_validated.reports / "report.html").as_uri())
    page.click(f'#summary a[href="#plan-{SLUG}"]')
    assert page.evaluate("location.hash") == f"#plan-{SLUG}"
    top = page.evaluate(f"document.getElementById('plan-{SLUG}').getBoundingClientRect().top")
    assert abs(top) < 5
    # Chinese renders with real glyphs: without a CJK font every character is the same box ("tofu")
    same = page.evaluate("""() => {
        const font = getComputedStyle(document.body).fontFamily;
        const draw = ch => { const c = document.createElement('canvas'); c.width = c.height = 40;
            const x = c.getContext('2d'); x.font = '32px ' + font; x.fillText(ch, 2, 32);
            return Array.from(x.getImageData(0, 0, 40, 40).data).join(); };
        return [draw('数') === draw('据'), draw('数') === draw(' ')]; }""")
    assert same == [False, False]
    page.close()


def test_corpus_report_fits_a_phone(browser, corpus_validated):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto((corpus_validated.reports / "report.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    plans = page.eval_on_selector_all("#summary tbody tr th a", "els => els.map(e => e.textContent)")
    assert sum("2020年槐荫区政务公开工作要点" in p for p in plans) == 1 and len(plans) >= 5
    page.close()
