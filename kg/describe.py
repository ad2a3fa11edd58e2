"""The dataset's own description: VoID statistics and partitions, DCAT distributions, licence and source."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD

from kg.normalise.model import PlanSource
from kg.vocab import ZW, Minter

LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
DUMP_FORMATS = {"graph.nt.gz": "application/n-triples", "graph.ttl": "text/turtle",
                "graph.jsonld": "application/ld+json", "graph.trig": "application/trig"}


STATS = """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { GRAPH ?g { ?s ?p ?o } }"""
CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c ORDER BY ?c"
PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p"


def describe_dataset(store: ox.Store, plans: Sequence[PlanSource], m: Minter) -> Graph:
    """The VoID/DCAT description of everything in the store, as a small graph for the shared graph."""
    g = Graph()
    d = m.dataset()
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal("政务公开工作要点知识图谱", lang="zh")))
    g.add((d, DCTERMS.title, Literal("Knowledge graph of Chinese open-government work plans", lang="en")))
    g.add((d, DCTERMS.description, Literal(
        "Requirements, agencies, deadlines and cited documents lifted from published 政务公开工作要点 and "
        "分工方案, with the source line of every value.", lang="en")))
    g.add((d, DCTERMS.license, LICENCE))
    g.add((d, VOID.uriSpace, Literal(m.base + "id/")))
    g.add((d, VOID.sparqlEndpoint, m.iri("sparql")))
    g.add((d, VOID.vocabulary, URIRef(str(ZW))))
    g.add((d, FOAF.homepage, m.iri("")))
    for plan in plans:
        g.add((d, DCTERMS.source, m.source(plan.sha256)))
        g.add((d, VOID.subset, m.plan_graph(plan.slug)))
    for name, media in DUMP_FORMATS.items():
        dump = m.iri(f"dumps/{name}")
        g.add((d, VOID.dataDump, dump))
        g.add((d, DCAT.distribution, dump))
        g.add((dump, RDF.type, DCAT.Distribution))
        g.add((dump, DCAT.downloadURL, dump))
        g.add((dump, DCAT.mediaType, Literal(media)))
    _statistics(g, d, store)
    return g


def _statistics(g: Graph, d: URIRef, store: ox.Store) -> None:
    """void:triples and class/property partitions, counted over every named graph by SPARQL."""
    (totals,) = list(store.query(STATS))
    integer = lambda term: Literal(int(term.value), datatype=XSD.integer)  # noqa: E731
    g.add((d, VOID.triples, integer(totals["triples"])))
    g.add((d, VOID.distinctSubjects, integer(totals["subjects"])))
    g.add((d, VOID.distinctObjects, integer(totals["objects"])))
    classes = [(URIRef(row["c"].value), row["n"]) for row in store.query(CLASSES)
               if isinstance(row["c"], ox.NamedNode)]
    properties = [(URIRef(row["p"].value), row["n"]) for row in store.query(PROPERTIES)]
    g.add((d, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    g.add((d, VOID.properties, Literal(len(properties), datatype=XSD.integer)))
    for cls, n in classes:
        part = URIRef(f"{d}/class/{_local(cls)}")
        g.add((d, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, integer(n)))
    for prop, n in properties:
        part = URIRef(f"{d}/property/{_local(prop)}")
        g.add((d, VOID.propertyPartition, part))
        g.add((part, VOID.property, prop))
        g.add((part, VOID.triples, integer(n)))


def _local(iri: URIRef) -> str:
    text = str(iri)
    for prefix, short in (("https://w3id.org/zwgk/def#", "zw-"), ("http://www.w3.org/", "w3-")):
        if text.startswith(prefix):
            text = short + text[len(prefix):]
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)
