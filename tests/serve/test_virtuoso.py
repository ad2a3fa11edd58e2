"""The remote backend against a real Virtuoso: `kg load --endpoint`, then the same answers from both."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from serve_support import EXAMPLE_QUERIES, ROW_CAP, SERVER_TIMEOUT, running_server

from kg.remote import RemoteBackend, load_endpoint
from kg.serve.backend import QueryJob
from kg.serve.virtuoso import VirtuosoInstance, virtuoso_available, virtuoso_instance

pytestmark = [pytest.mark.virtuoso, pytest.mark.slow,
              pytest.mark.skipif(not virtuoso_available(),
                                 reason="virtuoso-t missing: run scripts/install-system-deps.sh")]

ZW = "https://w3id.org/zwgk/def#"
GRAPH_PREFIX = "http://127.0.0.1:8000/graph/"
SD_NAME = URIRef("http://www.w3.org/ns/sparql-service-description#name")
TRIPLES = 41  # in the tiny store: 20 + 12 in the plan graphs, 9 in the shared graph
SAME_ANSWER_QUERIES = {
    **EXAMPLE_QUERIES,
    "triples-in-union": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "requirements": f"SELECT ?r ?text ?n WHERE {{ ?r a <{ZW}Requirement> ; <{ZW}requirementText> ?text ;"
                    f" <{ZW}sequenceNumber> ?n }} ORDER BY ?r",
    "ask-plan": f"ASK {{ ?p a <{ZW}DivisionOfWorkPlan> }}",
}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoInstance]:
    """A Virtuoso on 127.0.0.1 with a fresh database, stopped after the module."""
    with virtuoso_instance(tmp_path_factory.mktemp("virtuoso")) as instance:
        yield instance


@pytest.fixture(scope="module")
def loaded(virtuoso: VirtuosoInstance, tiny_store: Path) -> dict[str, int]:
    """The tiny store pushed by the Graph Store Protocol (what `kg load --endpoint` does)."""
    return load_endpoint(tiny_store, virtuoso.sparql_url, graph_store=virtuoso.graph_store_url,
                         user=virtuoso.user, password=virtuoso.password)


@pytest.fixture(scope="module")
def remote_server(virtuoso: VirtuosoInstance, loaded: dict[str, int], example_queries: Path) -> Iterator[str]:
    """`kg serve --endpoint` over the loaded Virtuoso; yields its /sparql URL."""
    with running_server(endpoint=virtuoso.sparql_url, remote_graph_prefix=GRAPH_PREFIX,
                        queries_dir=str(example_queries), timeout=SERVER_TIMEOUT, max_rows=ROW_CAP) as url:
        yield url


def test_load_pushes_every_graph_with_its_triples(loaded: dict[str, int]) -> None:
    assert loaded == {GRAPH_PREFIX + "plan/panlong-2023": 20, GRAPH_PREFIX + "plan/panlong-2024": 12,
                      GRAPH_PREFIX + "shared": 9}


def test_load_replaces_rather_than_duplicates(virtuoso: VirtuosoInstance, loaded: dict[str, int],
                                              tiny_store: Path) -> None:
    again = load_endpoint(tiny_store, virtuoso.sparql_url, graph_store=virtuoso.graph_store_url,
                          user=virtuoso.user, password=virtuoso.password)
    assert again == loaded  # counts are verified against the endpoint inside load_endpoint


def _normalised(response: httpx.Response) -> object:
    doc = response.json()
    if "boolean" in doc:
        return doc["boolean"]
    return doc["results"]["bindings"]


@pytest.mark.parametrize("name", sorted(SAME_ANSWER_QUERIES))
def test_same_results_from_both_backends(tiny_server: str, remote_server: str, name: str) -> None:
    query = SAME_ANSWER_QUERIES[name]
    local = httpx.get(tiny_server, params={"query": query}, timeout=30)
    remote = httpx.get(remote_server, params={"query": query}, timeout=30)
    assert local.status_code == remote.status_code == 200, remote.text
    assert _normalised(remote) == _normalised(local)
    assert _normalised(local) not in ([], None)


def test_same_construct_from_both_backends(tiny_server: str, remote_server: str) -> None:
    query = f"CONSTRUCT {{ ?r <{ZW}agency> ?a }} WHERE {{ ?r <{ZW}assignment> [ <{ZW}agency> ?a ] }}"
    graphs = []
    for url in (tiny_server, remote_server):
        response = httpx.get(url, params={"query": query}, headers={"Accept": "text/turtle"}, timeout=30)
        graphs.append(Graph().parse(data=response.text, format="turtle"))
    assert len(graphs[0]) == 3 and isomorphic(graphs[0], graphs[1])


def test_remote_protocol_dataset_and_errors(remote_server: str) -> None:
    plans = f"SELECT ?p WHERE {{ ?p a <{ZW}Plan> }}"
    response = httpx.get(remote_server, params={"query": plans,
                                                "default-graph-uri": GRAPH_PREFIX + "plan/panlong-2024"})
    assert [b["p"]["value"] for b in response.json()["results"]["bindings"]] == [
        "http://127.0.0.1:8000/id/plan/panlong-2024"]
    assert httpx.get(remote_server, params={"query": "SELECT * WHERE { ?s ?p }"}).status_code == 400
    assert httpx.post(remote_server, data={"update": "DROP ALL"}).status_code == 403


def test_remote_service_description_counts_only_project_graphs(remote_server: str) -> None:
    response = httpx.get(remote_server, headers={"Accept": "application/ld+json"}, timeout=60)
    g = Graph().parse(data=response.text, format="json-ld")
    names = {str(o) for o in g.objects(None, SD_NAME)}
    assert names == {GRAPH_PREFIX + "plan/panlong-2023", GRAPH_PREFIX + "plan/panlong-2024",
                     GRAPH_PREFIX + "shared"}


def test_virtuoso_does_not_truncate_silently(virtuoso: VirtuosoInstance, loaded: dict[str, int]) -> None:
    """Virtuoso's default ResultSetMaxRows (10000) would cut this 41^3-row result silently."""
    backend = RemoteBackend(virtuoso.sparql_url, GRAPH_PREFIX)
    cross = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }"
    result = backend.query(QueryJob(cross, formats={"solutions": "json"}, max_rows=20_000), timeout=120)
    assert result.truncated and result.count == 20_000
    job = QueryJob(cross, formats={"solutions": "json"}, max_rows=TRIPLES ** 3)
    complete = backend.query(job, timeout=120)
    assert not complete.truncated and len(json.loads(complete.body)["results"]["bindings"]) == TRIPLES ** 3
