"""Every entity of the store has its page, and the pages state what the five real plans say."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kg.pages.model import static_rdf_suffixes
from kg.pages.paths import Paths, file_for

BODY_KIND = re.compile(r'<body class="kind-([a-z]+)"')
PREFIXES = """PREFIX zw: <https://w3id.org/zwgk/def#>
PREFIX zwt: <https://w3id.org/zwgk/type/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# Each kind of page and the store's own answer to "which entities are there?" (written here independently
# of the page queries, so that a page query that misses entities fails the test).
ENTITIES = {
    "plan": "SELECT DISTINCT ?e { VALUES ?c { zw:DivisionOfWorkPlan zw:WorkPoints } ?e a ?c }",
    "requirement": "SELECT DISTINCT ?e { ?e a zw:Requirement }",
    "agency": "SELECT DISTINCT ?e { VALUES ?c { zw:Agency zw:CollectiveAgency } ?e a ?c }",
    "document": "SELECT DISTINCT ?e { ?e a zw:OfficialDocument FILTER NOT EXISTS { ?e a zw:Notice } }",
    "type": "SELECT DISTINCT ?e { { ?e skos:inScheme zwt:scheme } UNION { [] zw:requirementType ?e } }",
    "region": "SELECT DISTINCT ?e { ?e a zw:Region }",
}


def entities(store, kind: str) -> set[str]:
    return {s["e"].value for s in store.query(PREFIXES + ENTITIES[kind], use_default_graph_as_union=True)}


def soup(site_dir: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site_dir / file_for(path)).read_text("utf-8"), "html.parser")


@pytest.fixture(scope="module")
def pages_by_kind(site_dir) -> Counter:
    """HTML pages of the site by the kind their <body> declares."""
    found = (BODY_KIND.search(p.read_text("utf-8")) for p in site_dir.rglob("*.html")
             if not re.fullmatch(r"page-\d+\.html", p.name))  # a long listing's further pages
    return Counter(m.group(1) for m in found if m)


@pytest.mark.parametrize("kind", list(ENTITIES))
def test_every_entity_has_a_page(kind, store, site_dir, built, pages_by_kind):
    paths = Paths(built.settings.base)
    found = entities(store, kind)
    assert found, f"the store has no {kind}"
    missing = [iri for iri in found if not (site_dir / file_for(paths.path(iri))).is_file()]
    assert not missing, f"{len(missing)} {kind} pages missing, e.g. {missing[:3]}"
    assert pages_by_kind[kind] == len(found)


def test_counts_by_kind_of_the_corpus(store):
    assert len(entities(store, "plan")) == 5
    assert len(entities(store, "requirement")) >= 420  # 428-429 rows across the five plans


def test_panlong_plan_page_lists_its_92_requirements(site_dir):
    page = soup(site_dir, "id/plan/kunming-panlong-2018")
    rows = page.select("section.requirements table.reqs tbody tr:not(.group)")
    assert len(rows) == 92
    assert [r.td.get_text(strip=True) for r in rows[:3]] == ["1", "2", "3"]
    assert page.h1.get_text(strip=True) == "盘龙区2018年政务公开工作要点分工方案"
    # the task tree: 着力加强公开解读回应工作 is the first task group, with its sub-groups
    first = page.select_one("section.tree > ol > li")
    assert "着力加强公开解读回应工作" in first.a.get_text()
    assert first.select("ol li")


def test_document_page_lists_panlong_and_chuxiong_as_citing_plans(site_dir):
    page = soup(site_dir, "id/document/guofa-2016-55")
    assert page.h1.get_text(strip=True) == "国发〔2016〕55号"
    citing = {h.a.get_text(strip=True) for h in page.select("section.citer h3")}
    assert citing == {"盘龙区2018年政务公开工作要点分工方案",
                      "楚雄州贯彻落实省政府办公厅2018年政务公开工作要点分工方案"}


def test_issuer_conflict_is_flagged_on_the_document_page(site_dir):
    # 盘龙 and 楚雄 cite 《国务院办公厅关于印发政府网站发展指引的通知》 as 国发〔2017〕47号 (it is 国办发)
    page = soup(site_dir, "id/document/guofa-2017-47")
    warning = page.select_one(".warning")
    assert warning is not None and "国发" in warning.get_text()


def test_requirement_page_quotes_its_source_lines(site_dir, built, store):
    from tests.conftest import PANLONG

    page = soup(site_dir, "id/plan/kunming-panlong-2018/requirement/5")
    text = page.select_one("blockquote.req-text").get_text(strip=True)
    lines = PANLONG.read_text("utf-8").splitlines()
    printed_at = next(n for n, line in enumerate(lines, 1) if text[:20] in line)
    quoted = page.select_one(f"pre.quote #L{printed_at}")
    assert quoted is not None, f"line {printed_at} not quoted"
    assert quoted.select_one(".ln").get_text() == str(printed_at)
    assert text[:20] in quoted.get_text()
    source_link = page.select_one("section.source p a")
    assert source_link["href"].endswith(".txt")
    copy = (site_dir / "id/plan/kunming-panlong-2018/requirement" / source_link["href"]).resolve()
    assert copy.read_text("utf-8-sig").splitlines()[printed_at - 1] == lines[printed_at - 1]


def test_requirement_page_marks_inferred_agencies(site_dir):
    # 盘龙 row 5 prints no agency: 区政府办公室 (lead) is carried down from the merged cell of row 4
    page = soup(site_dir, "id/plan/kunming-panlong-2018/requirement/5")
    lead = page.select_one("ul.agencies li.role-lead")
    assert "区政府办公室" in lead.get_text() and "inferred" in lead["class"]
    assert "第4项" in lead.select_one(".origin").get_text()
    row_4 = soup(site_dir, "id/plan/kunming-panlong-2018/requirement/4")
    printed = row_4.select_one("ul.agencies li.role-lead")
    assert "inferred" not in printed["class"]


def test_agency_page_groups_requirements_by_role(site_dir):
    page = soup(site_dir, "id/agency/kunming-panlong/qu-zheng-fu-ban-gong-shi-f0e4")
    assert page.h1.get_text(strip=True) == "区政府办公室"
    roles = [h.contents[0].strip() for h in page.select("section.role-section h2")]
    assert roles[0] == "牵头"
    assert page.select("section.role-section table.reqs tbody tr")


@pytest.mark.parametrize("path, schema_type", [
    ("id/plan/kunming-panlong-2018", "Legislation"),
    ("id/plan/kunming-panlong-2018/requirement/5", "Legislation"),
    ("id/agency/kunming-panlong/qu-zheng-fu-ban-gong-shi-f0e4", "GovernmentOrganization"),
    ("id/document/guofa-2016-55", "Legislation"),
    ("id/dataset", "Dataset"),
])
def test_pages_embed_schema_org_json_ld(site_dir, built, path, schema_type):
    page = soup(site_dir, path)
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == schema_type
    assert data["@id"] == built.settings.base + path
    assert data["name"]


def test_every_entity_page_links_its_rdf_alternates(site_dir, built):
    page = soup(site_dir, "id/plan/kunming-panlong-2018/requirement/5")
    alternates = {link["type"]: link["href"] for link in page.select('link[rel="alternate"]')}
    media = {".ttl": "text/turtle", ".nt": "application/n-triples", ".jsonld": "application/ld+json",
             ".rdf": "application/rdf+xml"}
    # settings.site_rdf chooses the static alternates (Turtle at least); each linked is there beside the page
    assert alternates == {media[suffix]: "5" + suffix for suffix in static_rdf_suffixes(built.settings)}
    assert alternates["text/turtle"] == "5.ttl"
    folder = site_dir / "id/plan/kunming-panlong-2018/requirement"
    assert all((folder / href).is_file() for href in alternates.values())


def test_ontology_page_documents_terms_in_both_languages(site_dir):
    page = soup(site_dir, "ontology")
    term = page.select_one("article#Requirement")
    assert "具体要求" in term.h3.get_text() and "Requirement" in term.h3.get_text()
    assert page.select_one("#type-scheme li")  # the requirement-type scheme as a tree
    assert page.select_one("article#LeadRole")


def test_links_are_relative(site_dir, built):
    page = (site_dir / "id/plan/kunming-panlong-2018.html").read_text("utf-8")
    hrefs = [a["href"] for a in BeautifulSoup(page, "html.parser").select("a[href]")]
    own = [h for h in hrefs if h.startswith(built.settings.base)]
    assert own == [built.settings.base + "sparql"] or not own  # only the endpoint, which static hosts lack
    assert all(not h.startswith("/") for h in hrefs)


def test_requirement_page_shows_its_counterpart_in_the_sister_plan(site_dir):
    # 盘龙 2018 and 楚雄 2018 both implement 云南's 2018 work points and repeat its requirements nearly word
    # for word: 盘龙 row 5 (决策前向社会公布决策草案…) is 楚雄 row 5.
    page = soup(site_dir, "id/plan/kunming-panlong-2018/requirement/5")
    section = page.select_one("section.counterparts")
    assert section is not None
    rows = section.select("tbody tr")
    plans = [r.td.get_text(strip=True) for r in rows]
    assert "楚雄州贯彻落实省政府办公厅2018年政务公开工作要点分工方案" in plans
    link = rows[plans.index("楚雄州贯彻落实省政府办公厅2018年政务公开工作要点分工方案")].select("td a")[1]
    assert link["href"].endswith("yunnan-chuxiong-2018/requirement/5.html")
