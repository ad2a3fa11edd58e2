"""Linked-data clients against the real server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from serve_support import EXAMPLE_QUERIES
from SPARQLWrapper import CSV, GET, JSON, JSONLD, POST, RDFXML, TURTLE, XML, SPARQLWrapper

ZW = "https://w3id.org/zwgk/def#"
PLAN_2023 = URIRef("http://127.0.0.1:8000/id/plan/panlong-2023")
TITLE_2023 = Literal("盘龙区2023年政务公开工作要点", lang="zh")
CONSTRUCT_TITLES = (f"CONSTRUCT {{ ?p <{DCTERMS.title}> ?t }} "
                    f"WHERE {{ ?p a <{ZW}Plan> ; <{DCTERMS.title}> ?t }}")


def _wrapper(url: str, query: str, fmt: str, method: str = GET) -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_select_json(tiny_server: str, method: str) -> None:
    doc = _wrapper(tiny_server, EXAMPLE_QUERIES["plans.rq"], JSON, method).queryAndConvert()
    rows = [(b["plan"]["value"], b["title"]["value"], b["year"]["value"]) for b in doc["results"]["bindings"]]
    assert rows == [(str(PLAN_2023), str(TITLE_2023), "2023"),
                    ("http://127.0.0.1:8000/id/plan/panlong-2024", "盘龙区2024年政务公开工作分工方案",
                     "2024")]


def test_sparqlwrapper_select_xml_and_csv(tiny_server: str) -> None:
    dom = _wrapper(tiny_server, EXAMPLE_QUERIES["lead-agencies.rq"], XML).queryAndConvert()
    names = sorted(n.firstChild.data for n in dom.getElementsByTagName("literal")
                   if n.getAttribute("xml:lang") == "zh")
    assert names == ["区政务服务局", "区政府办", "区财政局"]
    text = _wrapper(tiny_server, EXAMPLE_QUERIES["lead-agencies.rq"], CSV).queryAndConvert().decode()
    assert text.splitlines()[0] == "agency,name,requirements"
    assert len(text.splitlines()) == 4


def test_sparqlwrapper_ask(tiny_server: str) -> None:
    query = f"ASK {{ <{PLAN_2023}> a <{ZW}DivisionOfWorkPlan> }}"
    assert _wrapper(tiny_server, query, JSON).queryAndConvert()["boolean"] is False


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD])
def test_sparqlwrapper_construct(tiny_server: str, fmt: str) -> None:
    result = _wrapper(tiny_server, CONSTRUCT_TITLES, fmt).queryAndConvert()
    g = result if isinstance(result, Graph) else Graph().parse(
        data=result, format={TURTLE: "turtle", JSONLD: "json-ld"}[fmt])
    assert (PLAN_2023, DCTERMS.title, TITLE_2023) in g
    assert len(g) == 2


def test_sparqlwrapper_syntax_error_is_reported(tiny_server: str) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match="syntax error"):
        _wrapper(tiny_server, "SELECT * WHERE { ?s ?p }", JSON).query()


def test_rdflib_sparqlstore_query(tiny_server: str) -> None:
    g = Graph(store=SPARQLStore(tiny_server, returnFormat="xml"))
    rows = list(g.query(EXAMPLE_QUERIES["plans.rq"]))
    assert [(r.plan, r.title) for r in rows][0] == (PLAN_2023, TITLE_2023)
    assert rows[1].year.toPython() is not None and str(rows[1].year) == "2024"


def test_rdflib_sparqlstore_triples_and_json(tiny_server: str) -> None:
    g = Graph(store=SPARQLStore(tiny_server, returnFormat="json", method="POST"))
    types = set(g.objects(PLAN_2023, RDF.type))
    assert types == {URIRef(ZW + "Plan"), URIRef(ZW + "WorkPoints")}
    assert (PLAN_2023, DCTERMS.title, TITLE_2023) in g


def test_rdflib_sparqlstore_construct(tiny_server: str) -> None:
    """rdflib's XML result parser takes RDF/XML for graph results (application/xml is its alias)."""
    g = Graph(store=SPARQLStore(tiny_server))
    constructed = g.query(CONSTRUCT_TITLES).graph
    assert (PLAN_2023, DCTERMS.title, TITLE_2023) in constructed
    assert len(constructed) == 2
