"""Labels are data, never markup: a title, agency name or requirement text holding HTML shows as text."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from kg.pages.paths import Paths, file_for
from tests.site.conftest import HOSTILE_AGENCY, HOSTILE_TEXT, HOSTILE_TITLE


def page(settings, iri) -> tuple[str, BeautifulSoup]:
    html = (settings.build / "site" / file_for(Paths(settings.base).path(str(iri)))).read_text("utf-8")
    return html, BeautifulSoup(html, "html.parser")


def test_plan_title_with_a_script_tag_is_escaped(hostile_build):
    settings, iris = hostile_build
    html, soup = page(settings, iris["plan"])
    assert '<script>alert("plan")' not in html
    assert "&lt;script&gt;alert(" in html
    assert soup.h1.get_text() == HOSTILE_TITLE
    # the only scripts are the JSON-LD block: nothing the label brought in
    scripts = soup.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert json.loads(scripts[0].string)["name"] == HOSTILE_TITLE


def test_requirement_text_cannot_close_the_json_ld_block(hostile_build):
    settings, iris = hostile_build
    html, soup = page(settings, iris["requirement"])
    assert "</script><script>" not in html
    data = json.loads(soup.find("script", type="application/ld+json").string)
    assert data["text"] == HOSTILE_TEXT
    assert soup.select_one("blockquote.req-text").get_text() == HOSTILE_TEXT
    # the quoted source line is escaped too
    assert HOSTILE_TEXT in soup.select_one("pre.quote").get_text()


def test_agency_name_with_an_img_tag_is_escaped(hostile_build):
    settings, iris = hostile_build
    html, soup = page(settings, iris["agency"])
    assert "<img" not in html
    assert soup.h1.get_text() == HOSTILE_AGENCY
    assert not soup.find("img")
