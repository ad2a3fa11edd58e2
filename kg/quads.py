"""Stream triples to an N-Quads file, one named graph at a time, without holding the dataset in memory.

kg/rdf.py writes through anything with an ``add((s, p, o))`` method; a GraphSink is such a thing, so the
same mapping code serves `kg lift` (an rdflib Dataset) and `kg build` (this file, then pyoxigraph).
"""

from __future__ import annotations

from typing import IO

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_term(term: Node) -> str:
    """One term in N-Triples syntax."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


class QuadWriter:
    """Writes N-Quads lines to a binary file and counts them."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.count = 0

    def graph(self, iri: URIRef) -> GraphSink:
        return GraphSink(self, f"<{iri}>")


class GraphSink:
    """The ``add`` side of an rdflib Graph, for one named graph of a QuadWriter."""

    def __init__(self, writer: QuadWriter, graph_term: str) -> None:
        self.writer = writer
        self.graph_term = graph_term

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        s, p, o = triple
        line = f"{nt_term(s)} {nt_term(p)} {nt_term(o)} {self.graph_term} .\n"
        self.writer.out.write(line.encode("utf-8"))
        self.writer.count += 1
