"""Validation results placed in context: the plans they concern, the source lines they came from, and the
page a data steward opens to fix them.

A result concerns every plan whose named graph describes its focus node, or else every plan whose graph
links to it (documents, agencies and regions live in the shared graph; a document two plans cite is listed
under both). Its source lines are the focus node's own span, or else the span of the node that
links to it in that plan (a deadline quotes its requirement's lines, a cited document the first row
citing it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Identifier

from kg import vocab as V
from kg.errors import KgError
from kg.forking import forked_map
from kg.pages.paths import Paths
from kg.shacl import Result
from kg.sources import find_sources, read_source
from kg.validate_fast import to_oxigraph

SHARED = "shared"  # the bucket of results on nodes no plan graph describes (ontology, type scheme)
MAX_QUOTED_LINES = 12
FORK_FROM = 64 << 20  # bytes of N-Quads: below this, forking costs more than reading them here
SCAN_BLOCK = 16 << 20  # bytes of N-Quads parsed at a time
PLAN_KINDS = (V.DivisionOfWorkPlan, V.WorkPoints, V.Plan)
OWNING = (V.assignment, V.deadline, V.hasTarget)  # a requirement owns these nodes (anchors of its page)
FIRST_LINE, LAST_LINE = ox.NamedNode(str(V.firstLine)), ox.NamedNode(str(V.lastLine))
LABELS_OX = {ox.NamedNode(str(p)) for p in (RDFS.label, SKOS.prefLabel, DCTERMS.title)}
OWNING_OX = {ox.NamedNode(str(p)) for p in OWNING}
TYPE_OX, REQUIREMENT_OX = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(V.Requirement))
TITLE_OX, LABEL_OX, SHA256_OX = (ox.NamedNode(str(p)) for p in (DCTERMS.title, RDFS.label, V.sha256))
SUBJECT_ROLES = {FIRST_LINE: "line", LAST_LINE: "line", TYPE_OX: "type", **{p: "label" for p in LABELS_OX}}
SOURCE_DOCUMENT_OX, HAS_REQUIREMENT_OX = ox.NamedNode(str(V.sourceDocument)), ox.NamedNode(str(V.hasRequirement))


@dataclass(frozen=True)
class PlanInfo:
    """One plan as the report names it."""

    iri: str
    slug: str
    title: str
    graph: str
    source_file: str | None = None
    sha256: str | None = None
    requirements: int = 0


@dataclass(frozen=True)
class Finding:
    """One result as listed under one plan, with what the steward needs to act on it."""

    result: Result
    plan: str  # plan slug, or SHARED
    label: str | None  # the focus node's label
    first: int | None  # source lines quoted
    last: int | None
    source_file: str | None
    lines: tuple[tuple[int, str], ...] = ()
    more_lines: int = 0  # lines of the span not quoted
    page: str | None = None  # site-root-relative page of the focus (or of the requirement owning it)
    requirement: str | None = None  # the requirement the result is about, if any


@dataclass
class Findings:
    """Every result of a run, with its plans and context."""

    plans: list[PlanInfo]
    results: list[Result]
    findings: list[Finding] = field(default_factory=list)

    def by_plan(self) -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.findings:
            grouped[finding.plan].append(finding)
        return grouped


def read_plans(store: ox.Store) -> list[PlanInfo]:
    """The plans of a build, one per named graph, with their source file and requirement count (index
    lookups: a SPARQL GROUP BY over every requirement costs seconds per hundred plans)."""
    typed = {(q.subject, q.graph_name) for kind in PLAN_KINDS
             for q in store.quads_for_pattern(None, TYPE_OX, ox.NamedNode(str(kind)), None)
             if isinstance(q.graph_name, ox.NamedNode)}
    plans = []
    for plan, graph in sorted(typed, key=lambda pg: (pg[0].value, pg[1].value)):
        title = _first(store, plan, TITLE_OX, graph)
        source_file = sha256 = None
        for source in _objects(store, plan, SOURCE_DOCUMENT_OX, graph):
            for quad in store.quads_for_pattern(source, LABEL_OX, None, None):
                sha = _first(store, source, SHA256_OX, quad.graph_name)
                if sha is not None and isinstance(quad.graph_name, ox.NamedNode):
                    source_file, sha256 = quad.object.value, sha
                    break
        requirements = len(set(_objects(store, plan, HAS_REQUIREMENT_OX, graph)))
        plans.append(PlanInfo(iri=plan.value, slug=plan.value.rstrip("/").rsplit("/", 1)[-1],
                              title=title or plan.value, graph=graph.value, source_file=source_file,
                              sha256=sha256, requirements=requirements))
    return plans


def _objects(store: ox.Store, subject: ox.Term, predicate: ox.NamedNode, graph: ox.NamedNode) -> list[ox.Term]:
    return [q.object for q in store.quads_for_pattern(subject, predicate, None, graph)]


def _first(store: ox.Store, subject: ox.Term, predicate: ox.NamedNode, graph: ox.NamedNode) -> str | None:
    return next((q.object.value for q in store.quads_for_pattern(subject, predicate, None, graph)), None)


class Context:
    """Per focus node: the plan graphs describing it, its label, its anchor spans and owning requirement."""

    def __init__(self) -> None:
        self.graphs: dict[Identifier, set[str]] = defaultdict(set)  # graphs where the node is a subject
        self.linked: dict[Identifier, set[str]] = {}  # graphs where it is an object
        self.labels: dict[Identifier, str] = {}
        self.spans: dict[tuple[Identifier, str], tuple[int, int]] = {}
        self.owner: dict[Identifier, Identifier] = {}
        self.requirements: set[Identifier] = set()

    def parts(self) -> tuple:
        """Everything read, for comparing two readings."""
        return self.graphs, self.linked, self.labels, self.spans, self.owner, self.requirements


Lines = tuple[int | None, int | None]  # a node's earliest first and last line in one graph


@dataclass
class Scan:
    """What one pass over a share of the quads found, in plain values that cross processes cheaply (an
    oxigraph term is rebuilt and its IRI checked when unpickled): focus nodes by their index, graphs by IRI,
    other nodes by their N-Triples text. The lines of every node of a plan graph are kept, since a node
    linking to a focus node may be read in another share."""

    graphs: dict[int, set[str]] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)
    requirements: set[int] = field(default_factory=set)
    anchors: dict[int, dict[str, list[str]]] = field(default_factory=dict)  # graph → nodes linking to it
    owners: dict[int, str] = field(default_factory=dict)
    lines: dict[tuple[str, str], Lines] = field(default_factory=dict)  # (node, graph) → lines

    def add(self, other: Scan) -> None:
        for node, graphs in other.graphs.items():
            self.graphs.setdefault(node, set()).update(graphs)
        for node, label in other.labels.items():
            self.labels[node] = min(label, self.labels.get(node, label))
        for node, owner in other.owners.items():
            self.owners[node] = min(owner, self.owners.get(node, owner))  # one in practice
        self.requirements |= other.requirements
        for node, by_graph in other.anchors.items():
            for graph, linkers in by_graph.items():
                self.anchors.setdefault(node, {}).setdefault(graph, []).extend(linkers)
        for key, lines in other.lines.items():
            self.lines[key] = _earliest(self.lines.get(key, (None, None)), lines)


def read_context(nquads: Path, focus_nodes: set[Identifier], plan_graphs: set[str], workers: int) -> Context:
    """The Context of these focus nodes, from one pass over the build's N-Quads (graph.nq: what the store
    was loaded from), cut into one byte range per worker, each read by a forked process.

    Looking each node up in the store instead cost two index scans and a string lookup per term of every
    quad found: at 1,000 plans, 96k results, 27 s on two cores."""
    nodes = sorted((n for n in focus_nodes if not isinstance(n, BNode)), key=str)
    focus = {to_oxigraph(node): index for index, node in enumerate(nodes)}
    size = nquads.stat().st_size
    shares = 1 if workers < 2 or size < FORK_FROM else workers
    bounds = [size * i // shares for i in range(shares + 1)]
    read = partial(_scan, nquads, focus, {ox.NamedNode(g) for g in plan_graphs})
    scan = Scan()
    for part in forked_map(read, list(zip(bounds, bounds[1:])), workers):
        scan.add(part)
    return _context(scan, nodes, [str(term) for term in focus])  # focus keeps the nodes' order


def _scan(nquads: Path, focus: dict[ox.Term, int], plans: set[ox.NamedNode], share: tuple[int, int]) -> Scan:
    """One share's facts (see Scan). A requirement's text is long: a quad's object is read as text only for
    the few predicates used."""
    scan = Scan()
    lines: dict[tuple[str, str], list[list[int]]] = {}
    for quad in read_share(nquads, *share):
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode):
            continue
        subject, predicate, value = quad.subject, quad.predicate, quad.object
        role = SUBJECT_ROLES.get(predicate)
        if role == "line" and graph in plans:  # spans are quoted from plans only
            lines.setdefault((str(subject), graph.value), ([], []))[predicate == LAST_LINE].append(int(value.value))
        node = focus.get(subject)
        if node is not None:
            scan.graphs.setdefault(node, set()).add(graph.value)
            if role == "label" and not isinstance(value, ox.BlankNode):
                scan.labels[node] = min(value.value, scan.labels.get(node, value.value))
            elif role == "type" and value == REQUIREMENT_OX:
                scan.requirements.add(node)
        node = focus.get(value)
        if node is not None:
            scan.anchors.setdefault(node, {}).setdefault(graph.value, []).append(str(subject))
            if predicate in OWNING_OX:
                scan.owners[node] = min(str(subject), scan.owners.get(node, str(subject)))
    scan.lines = {key: (min(firsts, default=None), min(lasts, default=None)) for key, (firsts, lasts) in lines.items()}
    return scan


def read_share(nquads: Path, start: int, end: int) -> Iterator[ox.Quad]:
    """The quads of the lines that begin in bytes start..end of an N-Quads file, parsed a block at a time.
    Lenient: the file is the build's own; the dumps parse it strictly (kg.pipeline.write_dumps), and the
    build fails there if anything in it is malformed."""
    with nquads.open("rb") as file:
        if start:
            file.seek(start - 1)
            file.readline()  # the line under way at `start` belongs to the share before
        at = file.tell()
        while at < end:
            block = file.read(min(SCAN_BLOCK, end - at))
            if not block:
                return
            if not block.endswith(b"\n"):
                block += file.readline()  # the last line begun is this share's: finish it
            at += len(block)
            yield from ox.parse(input=block, format=ox.RdfFormat.N_QUADS, lenient=True)


def _context(scan: Scan, nodes: list[Identifier], texts: list[str]) -> Context:
    """The Context a scan gives (`texts`: the nodes' N-Triples text, as Scan keys their lines): a node's
    span in a plan graph is its own first and last lines, else those of the earliest node of that graph
    linking to it (a deadline: its requirement's)."""
    context = Context()
    for index, (node, text) in enumerate(zip(nodes, texts)):
        graphs = scan.graphs.get(index, set())
        if graphs:
            context.graphs[node] = graphs
        if index in scan.labels:
            context.labels[node] = scan.labels[index]
        if index in scan.requirements:
            context.requirements.add(node)
        anchors = scan.anchors.get(index, {})
        if anchors:
            context.linked[node] = set(anchors)
        if index in scan.owners:
            context.owner[node] = _node(scan.owners[index])
        for graph in graphs | set(anchors):
            own = scan.lines.get((text, graph), (None, None))
            spans = [own] if own[0] is not None else \
                [lines for anchor in anchors.get(graph, ()) if (lines := scan.lines.get((anchor, graph)))]
            spans = [span for span in spans if None not in span]
            if spans:
                context.spans[(node, graph)] = min(spans)
    return context


def _earliest(one: Lines, other: Lines) -> Lines:
    first, last = (min((n for n in pair if n is not None), default=None) for pair in zip(one, other))
    return first, last


def _node(text: str) -> Identifier:
    """An IRI or blank node from its N-Triples text."""
    return URIRef(text[1:-1]) if text.startswith("<") else BNode(text[2:])


class SourceTexts:
    """The corpus documents' lines, found by the SHA-256 (else the file name) a build recorded."""

    def __init__(self, corpus: Path) -> None:
        self.by_sha: dict[str, list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        try:
            paths = find_sources(corpus)
        except KgError:
            paths = []  # no corpus at hand: the report quotes no lines
        for path in paths:
            try:
                doc = read_source(path)
            except KgError:
                continue
            self.by_sha[doc.sha256] = doc.lines
            self.by_name[path.name] = doc.lines

    def lines(self, plan: PlanInfo | None, first: int, last: int) -> tuple[tuple[tuple[int, str], ...], int]:
        """Lines first..last (capped) with their numbers, and how many were left out."""
        if plan is None:
            return (), 0
        text = self.by_sha.get(plan.sha256 or "") or self.by_name.get(plan.source_file or "")
        if not text:
            return (), 0
        stop = min(last, len(text), first + MAX_QUOTED_LINES - 1)
        quoted = tuple((n, text[n - 1]) for n in range(first, stop + 1))
        return quoted, max(0, min(last, len(text)) - stop)


def gather(store: ox.Store, results: list[Result], corpus: Path, base: str, nquads: Path,
           workers: int = 1) -> Findings:
    """Findings for every result: one per plan the focus node belongs to (or one under SHARED). The plans
    are read from the store, the focus nodes' context from ``nquads``, the same data (see read_context)."""
    plans = read_plans(store)
    by_graph = {p.graph: p for p in plans}
    context = read_context(nquads, {r.focus for r in results}, set(by_graph), workers)
    texts = SourceTexts(corpus)
    paths = Paths(base)
    paths.known = {p for n in set(context.graphs) | set(context.owner.values()) if (p := paths.path(str(n)))}
    out = Findings(plans=plans, results=results)
    for result in results:
        graphs = sorted(g for g in context.graphs.get(result.focus, ()) if g in by_graph) or \
            sorted(g for g in context.linked.get(result.focus, ()) if g in by_graph) or [None]
        for graph in graphs:
            out.findings.append(_finding(result, by_graph.get(graph), context, texts, paths))
    return out


def _finding(result: Result, plan: PlanInfo | None, context: Context, texts: SourceTexts,
             paths: Paths) -> Finding:
    focus = result.focus
    span = context.spans.get((focus, plan.graph)) if plan else None
    lines, more = texts.lines(plan, *span) if span else ((), 0)
    owner = context.owner.get(focus)
    requirement = focus if focus in context.requirements else owner
    page = paths.href(str(focus)) if isinstance(focus, URIRef) else None
    return Finding(result=result, plan=plan.slug if plan else SHARED, label=context.labels.get(focus),
                   first=span[0] if span else None, last=span[1] if span else None,
                   source_file=plan.source_file if plan else None, lines=lines, more_lines=more, page=page,
                   requirement=str(requirement) if requirement is not None else None)
