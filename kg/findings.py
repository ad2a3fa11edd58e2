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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Identifier

from kg import vocab as V
from kg.errors import KgError
from kg.pages.paths import Paths
from kg.shacl import Result
from kg.sources import find_sources, read_source
from kg.validate_fast import to_rdflib

SHARED = "shared"  # the bucket of results on nodes no plan graph describes (ontology, type scheme)
MAX_QUOTED_LINES = 12
PLAN_KINDS = (V.DivisionOfWorkPlan, V.WorkPoints, V.Plan)
OWNING = (V.assignment, V.deadline, V.hasTarget)  # a requirement owns these nodes (anchors of its page)
BATCH = 400  # focus nodes per VALUES block


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


def _q(term: Identifier) -> str:
    return term.n3()


def _rows(store: ox.Store, query: str) -> Iterator[dict[str, Identifier]]:
    solutions = store.query(query, use_default_graph_as_union=False)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {n: to_rdflib(solution[n]) for n in names if solution[n] is not None}


def read_plans(store: ox.Store) -> list[PlanInfo]:
    """The plans of a build, one per named graph, with their source file and requirement count."""
    kinds = ", ".join(_q(k) for k in PLAN_KINDS)
    query = f"""SELECT ?g ?plan (SAMPLE(?t) AS ?title) (SAMPLE(?file) AS ?name) (SAMPLE(?sha) AS ?hash)
                       (COUNT(DISTINCT ?r) AS ?n) WHERE {{
        GRAPH ?g {{
            ?plan {_q(RDF.type)} ?kind . FILTER (?kind IN ({kinds}))
            OPTIONAL {{ ?plan {_q(DCTERMS.title)} ?t }}
            OPTIONAL {{ ?plan {_q(V.sourceDocument)} ?src }}
            OPTIONAL {{ ?plan {_q(V.hasRequirement)} ?r }}
        }}
        OPTIONAL {{ GRAPH ?sg {{ ?src {_q(RDFS.label)} ?file ; {_q(V.sha256)} ?sha }} }}
        }} GROUP BY ?g ?plan ORDER BY ?plan"""
    plans = []
    for row in _rows(store, query):
        iri = str(row["plan"])
        plans.append(PlanInfo(iri=iri, slug=iri.rstrip("/").rsplit("/", 1)[-1],
                              title=str(row.get("title", iri)), graph=str(row["g"]),
                              source_file=_str(row.get("name")), sha256=_str(row.get("hash")),
                              requirements=int(row["n"].toPython())))
    return plans


def _str(term: Identifier | None) -> str | None:
    return None if term is None else str(term)


def _values(nodes: Iterable[Identifier]) -> str:
    return " ".join(n.n3() for n in nodes if isinstance(n, (URIRef, Literal)))


def _batches(nodes: list[Identifier]) -> Iterator[str]:
    for i in range(0, len(nodes), BATCH):
        yield _values(nodes[i:i + BATCH])


class Context:
    """Per focus node: the plan graphs describing it, its label, its anchor spans and owning requirement."""

    def __init__(self, store: ox.Store, focus_nodes: set[Identifier]) -> None:
        nodes = sorted((n for n in focus_nodes if not isinstance(n, BNode)), key=str)
        self.graphs: dict[Identifier, set[str]] = defaultdict(set)  # graphs where the node is a subject
        self.linked: dict[Identifier, set[str]] = {}  # graphs where it is an object
        self.labels: dict[Identifier, str] = {}
        self.spans: dict[tuple[Identifier, str], tuple[int, int]] = {}
        self.owner: dict[Identifier, Identifier] = {}
        self.requirements: set[Identifier] = set()
        for values in _batches(nodes):
            self._read(store, values)

    def _read(self, store: ox.Store, values: str) -> None:
        linked: dict[Identifier, set[str]] = defaultdict(set)
        for row in _rows(store, f"SELECT DISTINCT ?f ?g ?as WHERE {{ VALUES ?f {{ {values} }} "
                                f"{{ GRAPH ?g {{ ?f ?p ?o }} BIND (true AS ?as) }} "
                                f"UNION {{ GRAPH ?g {{ ?s ?p ?f }} }} }}"):
            (self.graphs if "as" in row else linked)[row["f"]].add(str(row["g"]))
        self.linked.update(linked)
        labels = f"{_q(RDFS.label)}|{_q(SKOS.prefLabel)}|{_q(DCTERMS.title)}"
        for row in _rows(store, f"SELECT ?f (MIN(STR(?l)) AS ?label) WHERE {{ VALUES ?f {{ {values} }} "
                                f"GRAPH ?g {{ ?f {labels} ?l }} }} GROUP BY ?f"):
            self.labels[row["f"]] = str(row["label"])
        owning = "|".join(_q(p) for p in OWNING)
        for row in _rows(store, f"SELECT ?f ?r WHERE {{ VALUES ?f {{ {values} }} "
                                f"GRAPH ?g {{ ?r {owning} ?f }} }}"):
            self.owner[row["f"]] = row["r"]
        for row in _rows(store, f"SELECT ?f WHERE {{ VALUES ?f {{ {values} }} "
                                f"GRAPH ?g {{ ?f {_q(RDF.type)} {_q(V.Requirement)} }} }}"):
            self.requirements.add(row["f"])
        first, last = _q(V.firstLine), _q(V.lastLine)
        query = f"""SELECT DISTINCT ?f ?g ?a ?b WHERE {{
            VALUES ?f {{ {values} }}
            GRAPH ?g {{
                {{ ?f {first} ?a ; {last} ?b }}
                UNION
                {{ ?anchor ?link ?f . ?anchor {first} ?a ; {last} ?b .
                   FILTER NOT EXISTS {{ ?f {first} ?x }} }}
            }} }}"""
        for row in _rows(store, query):
            key, span = (row["f"], str(row["g"])), (int(row["a"].toPython()), int(row["b"].toPython()))
            self.spans[key] = min(self.spans.get(key, span), span)  # the earliest node that mentions it


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


def gather(store: ox.Store, results: list[Result], corpus: Path, base: str) -> Findings:
    """Findings for every result: one per plan the focus node belongs to (or one under SHARED)."""
    plans = read_plans(store)
    by_graph = {p.graph: p for p in plans}
    context = Context(store, {r.focus for r in results})
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
