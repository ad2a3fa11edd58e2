"""The SPARQL Service Description of /sparql, with VoID statistics of the default dataset."""

from __future__ import annotations

import json
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD

from kg.formats import GRAPH_FORMATS, RESULT_FORMATS
from kg.serve.backend import Backend, QueryJob
from kg.vocab import SD

# The W3C's unique IRIs for formats (sd:resultFormat values). TODO(lead): move to kg/vocab.py.
FORMATS = Namespace("http://www.w3.org/ns/formats/")
FORMAT_IRIS = {
    "json": FORMATS.SPARQL_Results_JSON, "xml": FORMATS.SPARQL_Results_XML,
    "csv": FORMATS.SPARQL_Results_CSV, "tsv": FORMATS.SPARQL_Results_TSV,
    "turtle": FORMATS.Turtle, "ntriples": FORMATS["N-Triples"], "jsonld": FORMATS["JSON-LD"],
    "rdfxml": FORMATS.RDF_XML,
}
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}

# Statistics are read through the backend, so the remote backend describes itself the same way.
STATISTICS_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "classes": "SELECT ?x (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?x } GROUP BY ?x ORDER BY ?x",
    "properties": "SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?x ?o } GROUP BY ?x ORDER BY ?x",
    "graphs": "SELECT ?x (COUNT(*) AS ?n) WHERE { GRAPH ?x { ?s ?p ?o } } GROUP BY ?x ORDER BY ?x",
}


@dataclass(frozen=True)
class DatasetStatistics:
    """VoID figures of the default dataset (the union of the named graphs) and of each named graph."""

    triples: int
    classes: tuple[tuple[str, int], ...]  # class IRI, instances
    properties: tuple[tuple[str, int], ...]  # property IRI, triples
    graphs: tuple[tuple[str, int], ...]  # named graph IRI, triples


def _select_counts(backend: Backend, sparql: str, timeout: float) -> list[tuple[str, int]]:
    job = QueryJob(sparql, formats={"solutions": "json"}, max_rows=1_000_000)
    doc = json.loads(backend.query(job, timeout).body)
    rows = []
    for b in doc["results"]["bindings"]:
        rows.append((b["x"]["value"] if "x" in b else "", int(b["n"]["value"])))
    return rows


def compute_statistics(backend: Backend, timeout: float) -> DatasetStatistics:
    """Count triples, class instances, property uses and named-graph sizes through the backend."""
    triples = _select_counts(backend, STATISTICS_QUERIES["triples"], timeout)
    return DatasetStatistics(
        triples=triples[0][1] if triples else 0,
        classes=tuple(_select_counts(backend, STATISTICS_QUERIES["classes"], timeout)),
        properties=tuple(_select_counts(backend, STATISTICS_QUERIES["properties"], timeout)),
        graphs=tuple(_select_counts(backend, STATISTICS_QUERIES["graphs"], timeout)),
    )


def describe_service(endpoint_url: str, stats: DatasetStatistics, *, federated: bool = False,
                     limits: str = "") -> Graph:
    """The service description graph: endpoint, language, features, formats and the default dataset."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("formats", FORMATS)
    service, dataset, default_graph = BNode("service"), BNode("dataset"), BNode("defaultGraph")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint_url)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if federated:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
        g.add((service, SD.resultFormat, FORMAT_IRIS[fmt.name]))
    if limits:
        g.add((service, RDFS.comment, Literal(limits)))
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default_graph))
    _describe_graph(g, default_graph, stats.triples)
    g.add((default_graph, VOID.classes, Literal(len(stats.classes), datatype=XSD.integer)))
    g.add((default_graph, VOID.properties, Literal(len(stats.properties), datatype=XSD.integer)))
    for i, (cls, count) in enumerate(stats.classes):
        part = BNode(f"class{i}")
        g.add((default_graph, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))
    for i, (prop, count) in enumerate(stats.properties):
        part = BNode(f"property{i}")
        g.add((default_graph, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(count, datatype=XSD.integer)))
    for i, (name, count) in enumerate(stats.graphs):
        named, graph = BNode(f"named{i}"), BNode(f"graph{i}")
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        _describe_graph(g, graph, count)
    return g


def _describe_graph(g: Graph, node: BNode, triples: int) -> None:
    g.add((node, RDF.type, SD.Graph))
    g.add((node, RDF.type, VOID.Dataset))
    g.add((node, VOID.triples, Literal(triples, datatype=XSD.integer)))


def serialise_description(graph: Graph, format_name: str) -> bytes:
    """The description in one of the graph formats of kg.formats."""
    return graph.serialize(format=RDFLIB_FORMATS[format_name], encoding="utf-8")
