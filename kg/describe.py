"""The dataset's own description: VoID statistics and partitions, DCAT distributions, licence and source."""

from __future__ import annotations

from collections import Counter

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD

from kg.normalise.model import LiftedPlan
from kg.vocab import ZW, Minter

LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
DUMP_FORMATS = {"graph.nt.gz": "application/n-triples", "graph.ttl": "text/turtle",
                "graph.jsonld": "application/ld+json", "graph.trig": "application/trig"}


def describe_dataset(g: Graph, ds: Dataset, plans: list[LiftedPlan], m: Minter) -> URIRef:
    """Write the VoID/DCAT description of everything in ds into g."""
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
        g.add((d, DCTERMS.source, m.source(plan.parsed.source.sha256)))
        g.add((d, VOID.subset, m.plan_graph(plan.slug)))
    for name, media in DUMP_FORMATS.items():
        dump = m.iri(f"dumps/{name}")
        g.add((d, VOID.dataDump, dump))
        g.add((d, DCAT.distribution, dump))
        g.add((dump, RDF.type, DCAT.Distribution))
        g.add((dump, DCAT.downloadURL, dump))
        g.add((dump, DCAT.mediaType, Literal(media)))
    _statistics(g, d, ds)
    return d


def _statistics(g: Graph, d: URIRef, ds: Dataset) -> None:
    """void:triples and class/property partitions, counted over every graph (this one excluded)."""
    classes: Counter = Counter()
    properties: Counter = Counter()
    subjects, objects, total = set(), set(), 0
    for s, p, o, _ in ds.quads((None, None, None, None)):
        total += 1
        properties[p] += 1
        subjects.add(s)
        if not isinstance(o, Literal):
            objects.add(o)
        if p == RDF.type:
            classes[o] += 1
    g.add((d, VOID.triples, Literal(total, datatype=XSD.integer)))
    g.add((d, VOID.distinctSubjects, Literal(len(subjects), datatype=XSD.integer)))
    g.add((d, VOID.distinctObjects, Literal(len(objects), datatype=XSD.integer)))
    g.add((d, VOID.classes, Literal(len(classes), datatype=XSD.integer)))
    g.add((d, VOID.properties, Literal(len(properties), datatype=XSD.integer)))
    for cls, n in sorted(classes.items()):
        part = URIRef(f"{d}/class/{_local(cls)}")
        g.add((d, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for prop, n in sorted(properties.items()):
        part = URIRef(f"{d}/property/{_local(prop)}")
        g.add((d, VOID.propertyPartition, part))
        g.add((part, VOID.property, prop))
        g.add((part, VOID.triples, Literal(n, datatype=XSD.integer)))


def _local(iri: URIRef) -> str:
    text = str(iri)
    for prefix, short in (("https://w3id.org/zwgk/def#", "zw-"), ("http://www.w3.org/", "w3-")):
        if text.startswith(prefix):
            text = short + text[len(prefix):]
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)
