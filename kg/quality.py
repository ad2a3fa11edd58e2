"""DQV quality measurements of a validation run, in their own named graph (`<base>graph/quality`).

Per plan (and for the whole dataset): the share of complete requirements (no Violation on the requirement
or the nodes it owns), the number of results of each severity, and the number of results of each shape.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Identifier

from kg.findings import Findings
from kg.rdf import date_time, decimal
from kg.report import complete_requirements, compact
from kg.shacl import SEVERITY_NAMES, Result
from kg.validate_fast import to_oxigraph
from kg.vocab import DQV, PREFIXES, Minter

# metric slug → (zh label, en label, zh definition, en definition, datatype, dimension)
METRICS = {
    "complete-requirements": ("完整的具体要求占比", "Share of complete requirements",
                              "没有违规结果（含其分工、时限、指标）的具体要求占全部具体要求的比例",
                              "Requirements with no Violation on themselves or their assignments, deadlines "
                              "and targets, as a share of all requirements", XSD.decimal, "completeness"),
    "violations": ("违规数", "Violations", "SHACL 违规结果数：错误或缺失",
                   "Number of SHACL results of severity Violation: wrong or missing", XSD.integer,
                   "conformance"),
    "warnings": ("警告数", "Warnings", "SHACL 警告结果数：需人工核对",
                 "Number of SHACL results of severity Warning: needs a human look", XSD.integer,
                 "conformance"),
    "infos": ("提示数", "Info", "SHACL 提示结果数：推断值，备查",
              "Number of SHACL results of severity Info: inferred values, for the record", XSD.integer,
              "conformance"),
}
DIMENSIONS = {"completeness": ("完整性", "Completeness"), "conformance": ("合规性", "Conformance to the shapes")}
SEVERITY_METRIC = {"violation": "violations", "warning": "warnings", "info": "infos"}


class QualityGraph:
    """The triples of the quality graph, in order and without repeats, written as TriG by pyoxigraph
    (an rdflib Dataset and its TriG writer cost seconds per hundred plans)."""

    def __init__(self, name: URIRef) -> None:
        self.name = name
        self.triples: dict[tuple[Identifier, Identifier, Identifier], None] = {}

    def add(self, triple: tuple[Identifier, Identifier, Identifier]) -> None:
        self.triples[triple] = None

    def __contains__(self, triple: tuple[Identifier, Identifier, Identifier]) -> bool:
        return triple in self.triples

    def __len__(self) -> int:
        return len(self.triples)

    def write(self, path: Path) -> None:
        """TriG, the triples in the named graph."""
        graph = to_oxigraph(self.name)
        quads = (ox.Quad(*(to_oxigraph(t) for t in triple), graph) for triple in self.triples)
        ox.serialize(quads, str(path), format=ox.RdfFormat.TRIG,
                     prefixes={prefix: str(ns) for prefix, ns in PREFIXES.items()})


def quality_graph(findings: Findings, minter: Minter, generated: str, report_iri: URIRef,
                  ns: dict[str, str]) -> QualityGraph:
    """Metrics, dimensions and one measurement per plan × metric (and per dataset × metric)."""
    g = QualityGraph(minter.iri("graph/quality"))
    _metrics(g, minter)
    grouped = findings.by_plan()
    stamp = date_time(generated)
    for plan in findings.plans:
        entries = grouped.get(plan.slug, [])
        values: dict[str, Literal] = {}
        if plan.requirements:
            share = Decimal(complete_requirements(plan, entries)) / Decimal(plan.requirements)
            values["complete-requirements"] = decimal(round(share, 4))
        _add_counts(values, Counter(f.result.severity_name for f in entries),
                    _shape_counts((f.result for f in entries), ns))
        _measure(g, minter, URIRef(plan.iri), f"plan/{plan.slug}", values, stamp, report_iri)
    values = {}
    _add_counts(values, Counter(r.severity_name for r in findings.results), _shape_counts(findings.results, ns))
    _measure(g, minter, minter.dataset(), "dataset", values, stamp, report_iri)
    return g


def _shape_counts(results: Iterable[Result], ns: dict[str, str]) -> Counter:
    by_shape = Counter(r.shape for r in results)
    return Counter({compact(shape, ns): n for shape, n in by_shape.items()})


def _add_counts(values: dict[str, Literal], severities: Counter, shapes: Counter) -> None:
    for name in SEVERITY_NAMES.values():
        values[SEVERITY_METRIC[name]] = Literal(severities[name], datatype=XSD.integer)
    for shape, n in shapes.items():
        local = shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1].split(":", 1)[-1]
        values["shape/" + local] = Literal(n, datatype=XSD.integer)


def _metrics(g: QualityGraph, minter: Minter) -> None:
    for slug, (zh_label, en_label) in DIMENSIONS.items():
        dim = minter.iri(f"id/quality/dimension/{slug}")
        g.add((dim, RDF.type, DQV.Dimension))
        g.add((dim, SKOS.prefLabel, Literal(zh_label, lang="zh")))
        g.add((dim, SKOS.prefLabel, Literal(en_label, lang="en")))
    for slug, (zh_label, en_label, zh_def, en_def, datatype, dimension) in METRICS.items():
        metric = minter.iri(f"id/quality/metric/{slug}")
        g.add((metric, RDF.type, DQV.Metric))
        g.add((metric, SKOS.prefLabel, Literal(zh_label, lang="zh")))
        g.add((metric, SKOS.prefLabel, Literal(en_label, lang="en")))
        g.add((metric, SKOS.definition, Literal(zh_def, lang="zh")))
        g.add((metric, SKOS.definition, Literal(en_def, lang="en")))
        g.add((metric, DQV.expectedDataType, datatype))
        g.add((metric, DQV.inDimension, minter.iri(f"id/quality/dimension/{dimension}")))


def _shape_metric(g: QualityGraph, minter: Minter, slug: str) -> URIRef:
    """A per-shape metric, declared the first time a shape has results."""
    metric = minter.iri(f"id/quality/metric/{slug}")
    if (metric, RDF.type, DQV.Metric) not in g:
        shape = slug.split("/", 1)[1]
        g.add((metric, RDF.type, DQV.Metric))
        g.add((metric, SKOS.prefLabel, Literal(f"{shape} 的结果数", lang="zh")))
        g.add((metric, SKOS.prefLabel, Literal(f"Results of shape {shape}", lang="en")))
        g.add((metric, DQV.expectedDataType, XSD.integer))
        g.add((metric, DQV.inDimension, minter.iri("id/quality/dimension/conformance")))
    return metric


def _measure(g: QualityGraph, minter: Minter, target: URIRef, key: str, values: dict[str, Literal], stamp: Literal,
             report_iri: URIRef) -> None:
    for slug, value in values.items():
        metric = _shape_metric(g, minter, slug) if slug.startswith("shape/") else \
            minter.iri(f"id/quality/metric/{slug}")
        m = minter.iri(f"id/quality/{key}/{slug}")
        g.add((m, RDF.type, DQV.QualityMeasurement))
        g.add((m, DQV.computedOn, target))
        g.add((m, DQV.isMeasurementOf, metric))
        g.add((m, DQV.value, value))
        g.add((m, PROV.generatedAtTime, stamp))
        g.add((m, PROV.wasDerivedFrom, report_iri))
        g.add((m, RDFS.label, Literal(f"{slug} · {key}")))
        g.add((target, DQV.hasQualityMeasurement, m))
    g.add((report_iri, DCTERMS.format, Literal("text/turtle")))
