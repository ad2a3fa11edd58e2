"""The site served by a plain static file server: crawled from the home page, no internal link is broken."""

from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action"}


class PageLinks(HTMLParser):
    """The links of a page and the ids its elements carry (fragment targets)."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        target = attributes.get(LINK_ATTRIBUTES.get(tag, ""))
        if target and not target.startswith(("data:", "mailto:", "javascript:")):
            self.links.append(target)


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def crawl(start: str) -> tuple[dict[str, int], dict[str, set[str]], list[tuple[str, str]]]:
    """Fetch every internal URL reachable from start, level by level on a few threads (the server is
    threaded): statuses, ids per HTML page, (page, link) pairs."""
    host = urlsplit(start).netloc
    statuses: dict[str, int] = {}
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    level = [start]
    with ThreadPoolExecutor(max_workers=8) as pool:
        while level:
            fetched = list(pool.map(fetch, level))
            following: dict[str, None] = {}
            for url, (status, content_type, body) in zip(level, fetched, strict=True):
                statuses[url] = status
                if status != 200 or content_type != "text/html":
                    continue
                parser = PageLinks()
                parser.feed(body.decode("utf-8"))
                ids[url] = parser.ids
                for link in parser.links:
                    absolute = urljoin(url, link)
                    if urlsplit(absolute).netloc != host:
                        continue
                    links.append((url, absolute))
                    page, _ = urldefrag(absolute)
                    if page not in statuses:
                        following.setdefault(page, None)
            level = [u for u in following if u not in statuses]
    return statuses, ids, links


def test_no_broken_internal_links(static_server, site_dir):
    statuses, ids, links = crawl(static_server + "index.html")
    broken = sorted(url for url, status in statuses.items() if status != 200)
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:5]}"
    missing_anchors = sorted({(page, link) for page, link in links
                              if "#" in link and urldefrag(link)[0] in ids
                              and urldefrag(link)[1] not in ids[urldefrag(link)[0]]})
    assert not missing_anchors, f"links to missing anchors, e.g. {missing_anchors[:5]}"
    # the crawl reached every page of the site: nothing is an orphan
    html_files = {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")}
    reached = {urlsplit(u).path.lstrip("/") for u, s in statuses.items() if s == 200 and u.endswith(".html")}
    assert html_files - reached == set()
