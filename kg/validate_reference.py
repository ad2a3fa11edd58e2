"""The reference engine: pyshacl over the union of a build's graphs, its report read back as Results.

pyshacl evaluates a SHACL-SPARQL constraint once per focus node and rdflib parses the query text each
time (about 25 ms a parse, nearly all of pyshacl's time on this graph). `memoised_sparql_parsing` caches
the parsed algebra for the duration of a run; evaluation is untouched, so results are pyshacl's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import pyshacl
from rdflib import Graph, Literal
from rdflib.plugins.sparql import processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery

from kg.shacl import Result
from kg.vocab import SH


@lru_cache(maxsize=512)
def _translated(text: str, base: str | None, namespaces: tuple[tuple[str, str], ...]):
    return translateQuery(parseQuery(text), base, dict(namespaces))


@contextmanager
def memoised_sparql_parsing() -> Iterator[None]:
    """rdflib's SPARQL processor with parsed queries cached (same evaluation, no re-parsing)."""
    original = processor.SPARQLProcessor.query

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            namespaces = tuple(sorted((str(k), str(v)) for k, v in (initNs or {}).items()))
            strOrQuery = _translated(strOrQuery, base, namespaces)
        return evalQuery(self.graph, strOrQuery, initBindings, base)

    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


def validate_graph(data: Graph, shapes: Graph, memoise: bool = True) -> list[Result]:
    """Run pyshacl (no inference: the ontology's subclass axioms are part of the data) and read its report."""
    if memoise:
        with memoised_sparql_parsing():
            _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    else:
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    return read_report(report)


def read_report(report: Graph) -> list[Result]:
    """Every sh:ValidationResult of a report graph."""
    results = []
    for node in report.subjects(SH.resultSeverity, None):
        results.append(Result(
            focus=report.value(node, SH.focusNode), path=report.value(node, SH.resultPath),
            value=report.value(node, SH.value), shape=report.value(node, SH.sourceShape),
            component=report.value(node, SH.sourceConstraintComponent),
            severity=report.value(node, SH.resultSeverity),
            messages=tuple(m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal)),
            constraint=report.value(node, SH.sourceConstraint)))
    return results
