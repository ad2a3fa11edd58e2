"""build/site/ carries the dumps, VoID with partitions, a sitemap, robots.txt and the source texts."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF, VOID

from kg.vocab import Minter


def test_dumps_hold_the_whole_graph(site_dir, built):
    dumps = site_dir / "dumps"
    assert {p.name for p in dumps.iterdir()} == {"graph.nt.gz", "graph.ttl", "graph.jsonld", "graph.trig"}
    with gzip.open(dumps / "graph.nt.gz", "rt", encoding="utf-8") as packed:
        lines = [line for line in packed if line.strip()]
    assert lines == [line for line in (built.build_dir / "graph.nt").read_text("utf-8").splitlines(True)
                     if line.strip()]
    trig = Dataset()
    trig.parse(dumps / "graph.trig", format="trig")
    plan_graphs = [g for g in trig.graphs() if "/graph/plan/" in str(g.identifier)]
    assert len(plan_graphs) == 5


def test_void_has_class_and_property_partitions(site_dir, built):
    void = Graph().parse(site_dir / "void.ttl", format="turtle")
    dataset = Minter(built.settings.base).dataset()
    assert (dataset, RDF.type, VOID.Dataset) in void
    classes = {void.value(p, VOID["class"]) for p in void.objects(dataset, VOID.classPartition)}
    assert URIRef("https://w3id.org/zwgk/def#Requirement") in classes
    assert list(void.objects(dataset, VOID.propertyPartition))
    dumps = {str(d) for d in void.objects(dataset, VOID.dataDump)}
    assert built.settings.base + "dumps/graph.nt.gz" in dumps
    for dump in dumps:  # every dump the description names is in the site
        assert (site_dir / dump[len(built.settings.base):]).is_file()


def test_sitemap_lists_every_page_under_the_base(site_dir, built):
    tree = ET.parse(site_dir / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in tree.getroot().findall("s:url/s:loc", ns)]
    # every page but a long listing's further pages (type/x/page-2.html …), which its first page links
    pages = [p for p in site_dir.rglob("*.html") if "validation" not in p.parts
             and not re.fullmatch(r"page-\d+\.html", p.name)]
    assert len(urls) == len(set(urls)) == len(pages)
    base = built.settings.base
    assert base + "id/plan/kunming-panlong-2018.html" in urls
    assert all(u.startswith(base) for u in urls)


def test_robots_points_at_the_sitemap(site_dir, built):
    robots = (site_dir / "robots.txt").read_text("utf-8")
    assert "User-agent: *" in robots
    assert f"Sitemap: {built.settings.base}sitemap.xml" in robots


def test_sources_are_copied_and_named_by_hash(site_dir, built):
    copies = sorted(p.name for p in (site_dir / "sources").iterdir())
    manifest = (built.build_dir / "manifest.json").read_text("utf-8")
    assert len(copies) == 5
    assert all(c[:-4] in manifest for c in copies)  # the first 16 hex digits of each source's SHA-256
