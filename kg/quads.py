"""Stream triples to an N-Quads file, one named graph at a time, without holding the dataset in memory.

kg/rdf.py writes through anything with an ``add((s, p, o))`` method; a GraphSink is such a thing, so the
same mapping code serves `kg lift` (an rdflib Dataset) and `kg build` (this file, then pyoxigraph).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
FLUSH_EVERY = 50_000  # lines kept before they are encoded and written: one write per plan, not per quad


def nt_term(term: Node) -> str:
    """One term in N-Triples syntax."""
    kind = type(term)  # exact types first: isinstance checks on every term of every quad add up
    if kind is URIRef:
        return f"<{term}>"
    if kind is Literal or isinstance(term, Literal):
        return _literal(term)
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


def _literal(term: Literal) -> str:
    text = f'"{str.translate(term, _ESCAPES)}"'
    language = term.language
    if language:
        return f"{text}@{language}"
    datatype = term.datatype
    if datatype and str(datatype) != XSD_STRING:  # URIRef == str is always False
        return f"{text}^^<{datatype}>"
    return text


class QuadWriter:
    """Writes N-Quads lines to a binary file and counts them; call ``flush`` when done writing."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.written = 0
        self.lines: list[str] = []  # the sinks append to this list; flush empties it in place

    @property
    def count(self) -> int:
        """Quads added so far (written or not)."""
        return self.written + len(self.lines)

    def graph(self, iri: URIRef) -> GraphSink:
        return GraphSink(self, f"<{iri}>")

    def flush(self) -> None:
        """Encode and write the lines kept so far."""
        if self.lines:
            self.out.write("".join(self.lines).encode("utf-8"))
            self.written += len(self.lines)
            self.lines.clear()


class GraphSink:
    """The ``add`` side of an rdflib Graph, for one named graph of a QuadWriter."""

    def __init__(self, writer: QuadWriter, graph_term: str) -> None:
        self.writer = writer
        self.graph_term = graph_term
        self._end = f" {graph_term} .\n"
        self._lines = writer.lines

    def add(self, triple: tuple[Node, Node, Node]) -> None:
        s, p, o = triple
        lines = self._lines
        # subjects are nearly always IRIs, predicates always: written here without a call
        lines.append(f"{f'<{s}>' if type(s) is URIRef else nt_term(s)} <{p}> {nt_term(o)}{self._end}")
        if len(lines) >= FLUSH_EVERY:
            self.writer.flush()


def as_stored(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with each typed literal in the form the store gives it back, its canonical form
    ("1.0"^^xsd:decimal comes back as "1"): for quads parsed from files written by hand (the ontology), so
    that graph.nq and the dumps agree with the endpoint character for character. The lifter writes its
    literals canonically already (kg.rdf.decimal, kg.rdf.date_time)."""
    scratch, here = ox.Store(), ox.NamedNode("urn:x-kg:canonical")

    def stored(term: ox.Literal) -> ox.Literal:
        scratch.add(ox.Quad(here, here, term))
        (back,) = scratch
        scratch.clear()
        return back.object

    return [ox.Quad(q.subject, q.predicate, stored(q.object), q.graph_name)
            if isinstance(q.object, ox.Literal) and not q.object.language and q.object.datatype.value != XSD_STRING
            else q for q in quads]


# --- whole N-Quads files ----------------------------------------------------------------------------
# The graph label ends every line we write ("<s> <p> <o> <g> .\n": literals escape their line breaks, an
# IRI holds no space), so the last " <" of a line starts it.
CHUNK = 1 << 26  # bytes read at a time when rewriting a file


def drop_graph_names(source: Path, target: Path) -> int:
    """N-Triples of the union of an N-Quads file's graphs, line for line (a triple in two graphs is written
    twice, as a CONSTRUCT over the union would); every line must name its graph by IRI. Returns lines."""
    lines = 0
    with source.open("rb") as quads, target.open("wb") as triples:
        rest = b""
        while chunk := quads.read(CHUNK):
            whole = chunk.split(b"\n")  # the last piece runs on into the next chunk
            whole[0] = rest + whole[0]
            rest = whole.pop()
            done = _without_graph(whole, source)
            lines += len(done)
            triples.write(b"".join(done))
        if rest.strip():
            raise ValueError(f"{source}: the last line does not end with a line break")
    return lines


def _without_graph(lines: list[bytes], source: Path) -> list[bytes]:
    """Each N-Quads line (without its line break) as its triple: cut before the last " <", the graph's IRI,
    after which only " ." may follow. A line whose end is not an IRI and " ." names no graph: an error, not
    a wrong triple."""
    cuts = [line.rfind(b" <") for line in lines]
    bad = next((line for line, cut in zip(lines, cuts) if cut < 0 or line.count(b" ", cut + 1) != 1), None)
    if bad is not None:
        raise ValueError(f"{source}: a line names no graph: {bad[:200]!r}")
    return [line[:cut] + b" .\n" for line, cut in zip(lines, cuts)]


class RepeatFilter:
    """Drops the lines of one graph that an earlier call already passed: the shared graph, to which every
    plan adds the documents, regions and agencies it names, gets each of its triples once."""

    def __init__(self, graph: URIRef) -> None:
        self._end = f" <{graph}> .".encode()
        self._seen: set[bytes] = set()

    def __call__(self, data: bytes) -> bytes:
        """``data`` (whole N-Quads lines) without the lines of the graph already passed."""
        if self._end not in data:
            return data
        kept, seen, end = [], self._seen, self._end
        for line in data.split(b"\n"):
            if line.endswith(end):
                if line in seen:
                    continue
                seen.add(line)
            kept.append(line)
        return b"\n".join(kept)
