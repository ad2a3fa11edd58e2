"""The site's own search (site/static/search.js over search-index/) in headless Chromium: 政策解读 finds every
requirement that says it, search.js tokenises and hashes as kg/search.py does, and a text with markup in it
is shown as text."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.processes import free_port, stop_process, wait_until_responds
from kg.search import INDEX_DIR, build_search_index, normalise, query_terms, term_hash
from tests.site.conftest import HOSTILE_TEXT
from tests.site.test_browser import browser, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

MENTIONS = """PREFIX zw: <https://w3id.org/zwgk/def#>
SELECT DISTINCT ?req WHERE { ?req zw:requirementText ?text FILTER CONTAINS(?text, "政策解读") }"""
# Words of real requirement texts (corpus/shandong-jinan-huaiyin-2020-yaodian.txt lines 45, 61, 205), and
# some that NFKC and case folding change.
WORDS = ["政策解读", "聚焦“六稳”“六保”工作", "开展IPV6升级改造", "ＩＰＶ６", "国发〔2016〕55号", "区", "《》",
         "减税降费", "𠀀字"]


def _index(site) -> None:
    """search-index/ in a rendered site, made on its own from the build's store when the site lacks it."""
    if not (site / INDEX_DIR / "meta.json").is_file():
        status = build_search_index(site)
        assert not status.startswith("NOT BUILT"), status


@pytest.fixture(scope="module")
def indexed_server(site_dir, static_server):
    _index(site_dir)
    return static_server


def test_search_lists_every_requirement_that_says_policy_interpretation(page, indexed_server, store,  # noqa: F811
                                                                        artifacts):
    page.goto(indexed_server + "index.html")
    page.locator("form.big-search input[name=q]").fill("政策解读")
    page.locator("form.big-search button").click()
    page.wait_for_selector("#search-results li", timeout=20_000)
    items = page.locator("#search-results li").all_inner_texts()
    assert items and all("政策解读" in item for item in items)
    assert "具体要求 Requirement" in page.locator("#search-results .result-kind").all_inner_texts()
    assert page.locator("#search-results mark").first.inner_text() == "政策解读"
    page.screenshot(path=artifacts / "06-search.png")
    urls = page.evaluate("""async () => {
        const search = await import(new URL("static/search.js", document.baseURI).href);
        return (await search.searchAll("政策解读")).map(d => d.path);
    }""")
    expected = {"id/" + s["req"].value.split("/id/", 1)[1] + ".html"
                for s in store.query(MENTIONS, use_default_graph_as_union=True)}
    assert len(expected) == 29
    assert expected <= set(urls)
    assert f"{len(urls)} 条结果" in page.locator("#search-status").inner_text()
    assert page.errors == []


def test_search_js_tokenises_and_hashes_as_the_indexer(page, indexed_server):  # noqa: F811
    page.goto(indexed_server + "search.html")
    seen = page.evaluate("""async (words) => {
        const search = await import(new URL("static/search.js", document.baseURI).href);
        return words.map(w => [search.normalise(w), search.queryTerms(w).map(t => [t, search.termHash(t)])]);
    }""", WORDS)
    for word, (normalised, hashed) in zip(WORDS, seen):
        assert normalised == normalise(word), word
        assert dict(hashed) == {t: term_hash(t) for t in query_terms(word)}, word


def test_search_shows_markup_in_a_requirement_as_text(page, hostile_build, artifacts):  # noqa: F811
    settings, _ = hostile_build
    site = settings.build / "site"
    _index(site)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_responds(url + "search.html", server, seconds=20)
        page.goto(url + "search.html?q=政策解读")
        page.wait_for_selector("#search-results li", timeout=20_000)
        assert HOSTILE_TEXT in page.locator("#search-results .excerpt").inner_text()
        assert page.locator("#search-results script, #search-results img").count() == 0
        page.screenshot(path=artifacts / "08-search-escaped.png")
    finally:
        stop_process(server, 5)
    assert dialogs == []
