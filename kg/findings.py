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
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Identifier

from kg import vocab as V
from kg.errors import KgError
from kg.forking import forked_map, reopened
from kg.pages.paths import Paths
from kg.shacl import Result
from kg.sources import find_sources, read_source
from kg.validate_fast import to_oxigraph, to_rdflib

SHARED = "shared"  # the bucket of results on nodes no plan graph describes (ontology, type scheme)
MAX_QUOTED_LINES = 12
FORK_FROM = 5000  # focus nodes: below this, forking costs more than reading them here
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
    """Per focus node: the plan graphs describing it, its label, its anchor spans and owning requirement.

    Read by index lookups (pyoxigraph's quads_for_pattern), a few per node, never by a query whose plan may
    scan the store: the cost grows with the number of results and the links of their nodes only."""

    def __init__(self, store: ox.Store, focus_nodes: set[Identifier], plan_graphs: set[str]) -> None:
        self.graphs: dict[Identifier, set[str]] = defaultdict(set)  # graphs where the node is a subject
        self.linked: dict[Identifier, set[str]] = {}  # graphs where it is an object
        self.labels: dict[Identifier, str] = {}
        self.spans: dict[tuple[Identifier, str], tuple[int, int]] = {}
        self.owner: dict[Identifier, Identifier] = {}
        self.requirements: set[Identifier] = set()
        self._store = store
        self._plan_graphs = {ox.NamedNode(g) for g in plan_graphs}
        self._anchor_spans: dict[tuple[ox.Term, ox.NamedNode], tuple[int, int] | None] = {}
        for node in sorted((n for n in focus_nodes if not isinstance(n, BNode)), key=str):
            self._read(node, to_oxigraph(node))

    def parts(self) -> tuple:
        """What was read (for a forked reader to send back: no store handle, no memo)."""
        return self.graphs, self.linked, self.labels, self.spans, self.owner, self.requirements

    def add(self, parts: tuple) -> None:
        """Take in what another reader read about other nodes."""
        graphs, linked, labels, spans, owner, requirements = parts
        for node, found in graphs.items():
            self.graphs[node].update(found)
        self.linked.update(linked)
        self.labels.update(labels)
        self.spans.update(spans)
        self.owner.update(owner)
        self.requirements |= requirements

    def _read(self, node: Identifier, term: ox.Term) -> None:
        own = self._subject(node, term) if not isinstance(node, Literal) else {}
        anchors: dict[ox.NamedNode, list[ox.Term]] = defaultdict(list)  # graph → nodes linking to this one
        for quad in self._store.quads_for_pattern(None, None, term, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                anchors[quad.graph_name].append(quad.subject)
                if quad.predicate in OWNING_OX:
                    self.owner[node] = to_rdflib(quad.subject)
        if anchors:
            self.linked[node] = {g.value for g in anchors}
        for graph in (set(own) | set(anchors)) & self._plan_graphs:  # spans are quoted from plans only
            firsts, lasts = own.get(graph, ((), ()))
            # its own lines, else those of the earliest node that mentions it (a deadline: its requirement's)
            spans = [(a, b) for a in firsts for b in lasts] if firsts else \
                [s for anchor in anchors.get(graph, ()) if (s := self._span(anchor, graph))]
            if spans:
                self.spans[(node, graph.value)] = min(spans)

    def _subject(self, node: Identifier, term: ox.Term) -> dict[ox.NamedNode, tuple[list[int], list[int]]]:
        """The node's own triples: its graphs, label, type, and line numbers per graph (a quad's object is
        read only for the few predicates used: a requirement's text is long)."""
        lines: dict[ox.NamedNode, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        labels = []
        graphs = set()
        for quad in self._store.quads_for_pattern(term, None, None, None):
            graph = quad.graph_name
            if not isinstance(graph, ox.NamedNode):
                continue
            graphs.add(graph)
            role = SUBJECT_ROLES.get(quad.predicate)
            if role is None:
                continue
            value = quad.object
            if role == "line":
                lines[graph][quad.predicate == LAST_LINE].append(int(value.value))
            elif role == "label":
                if not isinstance(value, ox.BlankNode):
                    labels.append(value.value)
            elif value == REQUIREMENT_OX:
                self.requirements.add(node)
        if graphs:
            self.graphs[node].update(g.value for g in graphs)
        if labels:
            self.labels[node] = min(labels)
        return lines

    def _span(self, anchor: ox.Term, graph: ox.NamedNode) -> tuple[int, int] | None:
        """The earliest (first, last) line pair an anchor node records in one graph (memoised)."""
        key = (anchor, graph)
        if key not in self._anchor_spans:
            firsts = [int(q.object.value) for q in self._store.quads_for_pattern(anchor, FIRST_LINE, None, graph)]
            lasts = [int(q.object.value) for q in self._store.quads_for_pattern(anchor, LAST_LINE, None, graph)] \
                if firsts else []
            self._anchor_spans[key] = min(((a, b) for a in firsts for b in lasts), default=None)
        return self._anchor_spans[key]


def read_context(store: ox.Store, focus_nodes: set[Identifier], plan_graphs: set[str],
                 store_path: Path | None, workers: int) -> Context:
    """The Context of these focus nodes, read by `workers` forked processes, each a run of the nodes in
    IRI order (a requirement's assignments and deadlines stay together, and so do the lookups of its lines).
    ``store_path``: where the store is on disk (kg.forking.reopened); None for an in-memory store. At 1,000
    plans this is 96k results, 20 s on one core."""
    nodes = sorted((n for n in focus_nodes if not isinstance(n, BNode)), key=str)
    if workers < 2 or len(nodes) < FORK_FROM:
        return Context(store, set(nodes), plan_graphs)
    # Each reader is handed its share as text laid out together, and makes the terms itself: reading the
    # results' own terms would write their reference counts, and so copy every page of results it touched.
    texts = [str(n) if isinstance(n, URIRef) else n for n in nodes]  # (a literal focus is rare: kept)
    size = -(-len(texts) // workers)

    def read(share: list[str | Identifier]) -> tuple:
        own = {URIRef(text) if type(text) is str else text for text in share}
        return Context(reopened(store, store_path), own, plan_graphs).parts()

    context = Context(store, set(), plan_graphs)
    for part in forked_map(read, [texts[i:i + size] for i in range(0, len(texts), size)], workers):
        context.add(part)
    return context


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


def gather(store: ox.Store, results: list[Result], corpus: Path, base: str, store_path: Path | None = None,
           workers: int = 1) -> Findings:
    """Findings for every result: one per plan the focus node belongs to (or one under SHARED). With
    several workers the store is read in forked processes (see read_context for ``store_path``)."""
    plans = read_plans(store)
    by_graph = {p.graph: p for p in plans}
    context = read_context(store, {r.focus for r in results}, set(by_graph), store_path, workers)
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
