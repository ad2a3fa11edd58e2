"""Entity URIs dereference through the pages router: 303 by Accept, then parseable RDF or the HTML page."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg import vocab as V

# One entity of every kind (path under the base, or under /type/ for the w3id requirement types).
ENTITIES = {
    "plan": ("id/plan/kunming-panlong-2018", V.DivisionOfWorkPlan),
    "requirement": ("id/plan/kunming-panlong-2018/requirement/5", V.Requirement),
    "agency": ("id/agency/kunming-panlong/qu-zheng-fu-ban-gong-shi-f0e4", V.Agency),
    "document": ("id/document/guofa-2016-55", V.OfficialDocument),
    "type": ("type/policy-interpretation", V.RequirementType),
    "region": ("id/region/kunming-panlong", V.Region),
    "task group": ("id/plan/kunming-panlong-2018/group/1", V.TaskGroup),
    "notice": ("id/plan/kunming-wuhua-2019/notice", V.Notice),
}
FORMATS = {"text/turtle": ("ttl", "turtle"), "application/n-triples": ("nt", "nt"),
           "application/ld+json": ("jsonld", "json-ld"), "application/rdf+xml": ("rdf", "xml")}


def iri_of(built, path: str) -> URIRef:
    if path.startswith("type/"):
        return V.ZWT[path[len("type/"):]]
    return URIRef(built.settings.base + path)


@pytest.mark.parametrize("kind", list(ENTITIES))
@pytest.mark.parametrize("media_type", list(FORMATS))
def test_uri_answers_303_to_parseable_rdf(pages_client, built, kind, media_type):
    path, cls = ENTITIES[kind]
    suffix, rdflib_format = FORMATS[media_type]
    response = pages_client.get("/" + path, headers={"Accept": media_type}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == path.rsplit("/", 1)[-1] + "." + suffix
    assert "Accept" in response.headers["vary"]
    document = pages_client.get(f"/{path}.{suffix}")
    assert document.status_code == 200
    assert document.headers["content-type"].startswith(media_type)
    graph = Graph().parse(data=document.text, format=rdflib_format)
    assert (iri_of(built, path), RDF.type, cls) in graph


@pytest.mark.parametrize("kind", list(ENTITIES))
def test_browsers_get_the_html_page(pages_client, kind):
    path, _ = ENTITIES[kind]
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = pages_client.get("/" + path, headers={"Accept": accept})  # follows the 303
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f'<link rel="alternate" type="text/turtle" href="{path.rsplit("/", 1)[-1]}.ttl"' in response.text


def test_served_page_is_the_static_page(pages_client, site_dir):
    served = pages_client.get("/id/plan/kunming-panlong-2018/requirement/5.html").text
    static = (site_dir / "id/plan/kunming-panlong-2018/requirement/5.html").read_text("utf-8")
    assert served == static


def test_requirement_description_carries_its_deadline_and_assignments(pages_client, built):
    req = URIRef(built.settings.base + "id/plan/kunming-panlong-2018/requirement/5")
    graph = Graph().parse(data=pages_client.get("/id/plan/kunming-panlong-2018/requirement/5.ttl").text,
                          format="turtle")
    deadline = graph.value(req, V.deadline)
    assert str(graph.value(deadline, V.printedText)) == "全年工作"
    assert graph.value(deadline, V.valueOrigin) == V.Inferred
    agencies = {graph.value(a, V.agency) for a in graph.objects(req, V.assignment)}
    assert URIRef(built.settings.base + "id/agency/kunming-panlong/qu-zheng-fu-ban-gong-shi-f0e4") in agencies


def test_nodes_a_requirement_owns_redirect_to_its_page(pages_client):
    response = pages_client.get("/id/plan/kunming-panlong-2018/requirement/5/deadline/1.html",
                                follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/id/plan/kunming-panlong-2018/requirement/5.html#deadline-1"


@pytest.mark.parametrize("url, accept, status", [
    ("/id/plan/no-such-plan", "text/turtle", 404),
    ("/id/plan/no-such-plan.ttl", None, 404),
    ("/id/plan/kunming-panlong-2018", "image/png", 406),
    ("/id/plan/kunming-panlong-2018.pdf", None, 404),
])
def test_unknown_resources_and_formats(pages_client, url, accept, status):
    response = pages_client.get(url, headers={"Accept": accept} if accept else {}, follow_redirects=False)
    assert response.status_code == status


def test_ontology_and_dataset_description(pages_client):
    response = pages_client.get("/def", headers={"Accept": "text/turtle"}, follow_redirects=True)
    graph = Graph().parse(data=response.text, format="turtle")
    assert (V.Requirement, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in graph
    void = Graph().parse(data=pages_client.get("/", headers={"Accept": "text/turtle"}).text, format="turtle")
    assert list(void.subjects(RDF.type, V.VOID.Dataset))


def test_further_pages_of_a_long_listing_are_served(pages_client):
    """云南省 lists 261 requirements: 200 on its page, the rest on page-2, which the server renders too."""
    response = pages_client.get("/id/region/yunnan/page-2.html")
    assert response.status_code == 200
    assert "201–261 / 261" in response.text
    assert pages_client.get("/id/region/yunnan/page-3.html").status_code == 404
