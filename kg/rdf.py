"""LiftedPlan records → RDF: one named graph per plan, plus the nodes plans share (documents, regions).

One function per entity kind. What a plan owns (the plan, its notice, groups, requirements, assignments,
deadlines, targets, and its links to other nodes) goes into the plan's named graph; nodes that several
plans may share (official documents, regions, agencies, organs, sources) go into the shared graph, so the
union of all graphs holds each of their triples once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, TIME, XSD

from kg import vocab as V
from kg.normalise.docnumbers import number_slug
from kg.normalise.regions import parent_regions
from kg.normalise.model import (AgencyMention, Deadline, DocumentReference, LiftedPlan, LiftedRequirement, PlanSource,
                                QuantitativeTarget, Region)
from kg.parse.model import Alignment, Cell, Origin, Span, TaskGroup
from kg.vocab import ZWT, Minter, slugify


@lru_cache(maxsize=1 << 16)
def zh(text: str) -> Literal:
    """A Chinese literal; remembered, as labels, agency names and printed deadlines repeat on every row."""
    return Literal(text, lang="zh")


@lru_cache(maxsize=1 << 14)
def integer(n: int) -> Literal:
    """An xsd:integer literal (line numbers, orders, 序号); remembered, as the same small numbers recur."""
    return Literal(n)


def decimal(value: float | Decimal) -> Literal:
    """An xsd:decimal in its canonical form (XSD 1.1: no trailing zeros, no point in a whole number), as the
    store writes it back, so that the dumps and the endpoint's answers agree character for character."""
    exact = Decimal(str(value))
    if exact == exact.to_integral_value():
        return Literal(str(int(exact)), datatype=XSD.decimal, normalize=False)
    return Literal(format(exact.normalize(), "f"), datatype=XSD.decimal, normalize=False)


def date_time(stamp: str) -> Literal:
    """An xsd:dateTime with UTC written as Z, its canonical form, as the store writes it back."""
    return Literal(stamp[:-6] + "Z" if stamp.endswith("+00:00") else stamp, datatype=XSD.dateTime, normalize=False)


def origin_iri(origin: Origin) -> URIRef:
    return V.Printed if origin is Origin.PRINTED else V.Inferred


class PlanWriter:
    """Writes one plan's triples into a graph."""

    def __init__(self, plan: LiftedPlan, graph: Graph, shared: Graph, minter: Minter) -> None:
        self.plan = plan
        self.g = graph
        self.shared = shared
        self.m = minter
        self.plan_iri = minter.plan(plan.slug)
        self.source_iri = minter.source(plan.parsed.source.sha256)
        self.requirement_iris: dict[int, URIRef] = {}  # by printed 序号, for carriedFrom links
        # shared nodes this plan already wrote: an agency or document is named on many rows of a plan
        self.agencies: dict[tuple[str, str, bool], URIRef] = {}
        self.documents: dict[DocumentReference, URIRef] = {}

    def write(self) -> None:
        self._plan()
        self._source()
        region_iri = write_region(self.shared, self.m, self.plan.region)
        self.g.add((self.plan_iri, V.region, region_iri))
        group_iris = self._groups()
        for req in self.plan.requirements:
            if req.row.seq is not None:
                self.requirement_iris[req.row.seq] = self.m.requirement(self.plan.slug, req.key)
        for req in self.plan.requirements:
            self._requirement(req, group_iris)

    # --- plan, notice, source ---------------------------------------------------------------------
    def _plan(self) -> None:
        p, g, plan = self.plan_iri, self.g, self.plan
        g.add((p, RDF.type, V.DivisionOfWorkPlan if plan.kind == "division-of-work" else V.WorkPoints))
        g.add((p, DCTERMS.title, zh(plan.parsed.plan_title)))
        g.add((p, RDFS.label, zh(plan.parsed.plan_title)))
        g.add((p, V.year, Literal(str(plan.year), datatype=XSD.gYear)))
        g.add((p, V.layout, Literal(plan.parsed.layout)))
        g.add((p, V.sourceDocument, self.source_iri))
        for n in plan.missing_seq:
            g.add((p, V.missingSequenceNumber, integer(n)))
        notice = self._notice()
        g.add((p, V.issuedBy, notice))
        for ref in plan.implements:
            g.add((p, V.implements, self._document(ref)))
        for ref in plan.citations:
            g.add((p, V.cites, self._document(ref)))

    def _notice(self) -> URIRef:
        n, g, notice = self.m.notice(self.plan.slug), self.g, self.plan.parsed.notice
        g.add((n, RDF.type, V.Notice))
        g.add((n, DCTERMS.title, zh(notice.title)))
        g.add((n, RDFS.label, zh(notice.title)))
        if notice.date:
            g.add((n, DCTERMS.issued, Literal(notice.date, datatype=XSD.date)))
        if notice.issuer:
            issuer = _agency_iri(self.m.base, self.plan.region.slug, notice.issuer)
            self.shared.add((issuer, RDF.type, V.Agency))
            self.shared.add((issuer, SKOS.prefLabel, zh(notice.issuer)))
            self.shared.add((issuer, RDFS.label, zh(notice.issuer)))
            self.shared.add((issuer, V.region, self.m.region(self.plan.region.slug)))
            g.add((n, DCTERMS.publisher, issuer))
            g.add((n, V.issuingOrgan, issuer))
            g.add((self.plan_iri, DCTERMS.publisher, issuer))
        if self.plan.notice_number and self.plan.notice_number.number:
            number = self.plan.notice_number.number
            g.add((n, V.documentNumber, Literal(number.canonical)))
            g.add((n, V.issuerCode, Literal(number.issuer_code)))
            g.add((n, V.documentYear, Literal(str(number.year), datatype=XSD.gYear)))
            g.add((n, V.serialNumber, Literal(number.serial)))
            g.add((n, V.printedAs, Literal(self.plan.notice_number.printed)))
        self._span(n, notice.span)
        return n

    def _source(self) -> None:
        s, g, src = self.source_iri, self.shared, self.plan.parsed.source
        g.add((s, RDF.type, V.SourceDocument))
        g.add((s, RDFS.label, Literal(src.path.rsplit("/", 1)[-1])))
        g.add((s, V.sha256, Literal(src.sha256)))
        g.add((s, V.encoding, Literal(src.encoding)))
        g.add((s, DCTERMS.extent, Literal(src.size)))
        g.add((s, DCTERMS.format, Literal("text/plain")))

    # --- groups & requirements ---------------------------------------------------------------------
    def _groups(self) -> dict[tuple[str, ...], URIRef]:
        iris: dict[tuple[str, ...], URIRef] = {}
        outer_ordinal: dict[str, int] = {}
        for group in self.plan.parsed.groups:
            if group.level == 1:
                outer_ordinal[group.title] = group.ordinal
                path: tuple[str, ...] = (group.title,)
                key = str(group.ordinal)
            else:
                parent = group.parent_title or ""
                path = (parent, group.title)
                key = f"{outer_ordinal.get(parent, 0)}.{group.ordinal}"
            iri = self.m.task_group(self.plan.slug, key)
            iris[path] = iri
            self._group(iri, group, iris.get(path[:-1]) if len(path) > 1 else None)
        return iris

    def _group(self, iri: URIRef, group: TaskGroup, parent: URIRef | None) -> None:
        g = self.g
        g.add((iri, RDF.type, V.TaskGroup))
        g.add((iri, RDFS.label, zh(group.title)))
        g.add((iri, V.groupLevel, integer(group.level)))
        g.add((iri, V.documentOrder, integer(group.ordinal)))
        g.add((iri, V.inPlan, self.plan_iri))
        g.add((self.plan_iri, V.hasTaskGroup, iri))
        if parent is not None:
            g.add((iri, V.parentGroup, parent))
        self._span(iri, group.span)

    def _requirement(self, req: LiftedRequirement, group_iris: dict[tuple[str, ...], URIRef]) -> None:
        r, g, row = self.m.requirement(self.plan.slug, req.key), self.g, req.row
        g.add((r, RDF.type, V.Requirement))
        g.add((r, V.inPlan, self.plan_iri))
        g.add((self.plan_iri, V.hasRequirement, r))
        g.add((r, V.documentOrder, integer(row.order)))
        label = f"{self.plan.parsed.plan_title} 第{row.seq}项" if row.seq is not None else \
            f"{self.plan.parsed.plan_title} 第{row.order}条（无序号）"
        g.add((r, RDFS.label, zh(label)))
        if row.seq is not None:
            g.add((r, V.sequenceNumber, integer(row.seq)))
        if row.text is not None:
            g.add((r, V.requirementText, zh(row.text.text)))
        group = group_iris.get(row.group_path)
        if group is not None:
            g.add((r, V.inGroup, group))
        g.add((r, V.sourceDocument, self.source_iri))
        self._span(r, row.span)
        g.add((r, V.alignment, V.PrintedAlignment if row.alignment is Alignment.PRINTED
               else V.ReconstructedAlignment))
        g.add((r, V.alignmentConfidence, decimal(round(row.confidence, 2))))
        for note in row.notes:
            g.add((r, V.readerNote, zh(note)))
        for slug in req.types:
            g.add((r, V.requirementType, ZWT[slug]))
        for i, mention in enumerate(req.agencies, 1):
            self._assignment(r, i, mention, row.agencies)
        for i, deadline in enumerate(req.deadlines, 1):
            self._deadline(r, i, deadline, row.deadline)
        for ref in req.citations:
            g.add((r, V.cites, self._document(ref)))
        for i, target in enumerate(req.targets, 1):
            self._target(r, i, target)

    def _assignment(self, r: URIRef, i: int, mention: AgencyMention, cell: Cell | None) -> None:
        a, g = self.m.node(r, "assignment", i), self.g
        key = (mention.name, mention.printed, mention.collective)
        agency = self.agencies.get(key)
        if agency is None:
            agency = self.agencies[key] = write_agency(self.shared, self.m, self.plan.region, mention)
        g.add((r, V.assignment, a))
        g.add((a, RDF.type, V.AgencyAssignment))
        g.add((a, V.agency, agency))
        g.add((a, V.role, V.ROLE[mention.role.value]))
        g.add((a, V.printedText, zh(mention.printed)))
        self._origin(a, mention.origin, cell)

    def _deadline(self, r: URIRef, i: int, deadline: Deadline, cell: Cell | None) -> None:
        d, g = self.m.node(r, "deadline", i), self.g
        g.add((r, V.deadline, d))
        g.add((d, RDF.type, V.DEADLINE_CLASS[deadline.kind.value]))
        g.add((d, V.printedText, zh(deadline.printed)))
        if deadline.date:
            end = BNode()
            g.add((d, V.dueDate, Literal(deadline.date, datatype=XSD.date)))
            g.add((d, TIME.hasEnd, end))
            g.add((end, RDF.type, TIME.Instant))
            g.add((end, TIME.inXSDDate, Literal(deadline.date, datatype=XSD.date)))
            g.add((d, V.yearInferred, Literal(deadline.date_inferred_year)))
        if deadline.event:
            g.add((d, V.triggerEvent, zh(deadline.event)))
        if deadline.within:
            g.add((d, TIME.hasXSDDuration, Literal(deadline.within, datatype=XSD.duration)))
        if deadline.frequency:
            g.add((d, V.frequency, Literal(deadline.frequency)))
        self._origin(d, deadline.origin, cell)

    def _target(self, r: URIRef, i: int, target: QuantitativeTarget) -> None:
        t, g = self.m.node(r, "target", i), self.g
        g.add((r, V.hasTarget, t))
        g.add((t, RDF.type, V.QuantitativeTarget))
        g.add((t, V.printedText, zh(target.printed)))
        g.add((t, V.comparator, Literal(target.comparator)))
        g.add((t, V.targetValue, decimal(target.value)))
        g.add((t, V.unit, zh(target.unit)))
        if target.measures:
            g.add((t, V.measures, zh(target.measures)))

    def _origin(self, node: URIRef, origin: Origin, cell: Cell | None) -> None:
        self.g.add((node, V.valueOrigin, origin_iri(origin)))
        if origin is Origin.INFERRED and cell is not None and cell.carried_from_seq is not None:
            source_row = self.requirement_iris.get(cell.carried_from_seq)
            if source_row is not None:
                self.g.add((node, V.carriedFrom, source_row))

    def _span(self, node: URIRef, span: Span) -> None:
        self.g.add((node, V.firstLine, integer(span.first)))
        self.g.add((node, V.lastLine, integer(span.last)))

    def _document(self, ref: DocumentReference) -> URIRef:
        """The document's node, its triples written into the shared graph once per plan."""
        iri = self.documents.get(ref)
        if iri is None:
            iri = self.documents[ref] = write_document(self.shared, self.m, ref)
        return iri


def write_region(g: Graph, m: Minter, region: Region) -> URIRef:
    """A region and the chain of regions it lies in."""
    iri = _region_node(g, m, region)
    child = iri
    for parent in reversed(parent_regions(region)):
        parent_iri = _region_node(g, m, parent)
        g.add((child, V.withinRegion, parent_iri))
        child = parent_iri
    return iri


def _region_node(g: Graph, m: Minter, region: Region) -> URIRef:
    iri = m.region(region.slug)
    g.add((iri, RDF.type, V.Region))
    g.add((iri, SKOS.prefLabel, zh(region.name)))
    g.add((iri, RDFS.label, zh(region.name)))
    g.add((iri, V.adminLevel, Literal(region.level)))
    if region.code:
        g.add((iri, V.divisionCode, Literal(region.code)))
    return iri


def write_agency(g: Graph, m: Minter, region: Region, mention: AgencyMention) -> URIRef:
    """An agency scoped by the plan's region; printed spellings other than the canonical are altLabels."""
    iri = _agency_iri(m.base, region.slug, mention.name)
    g.add((iri, RDF.type, V.CollectiveAgency if mention.collective else V.Agency))
    g.add((iri, SKOS.prefLabel, zh(mention.name)))
    g.add((iri, RDFS.label, zh(mention.name)))
    g.add((iri, V.region, m.region(region.slug)))
    qualified = qualify_name(mention.name, region)
    if qualified != mention.name:
        g.add((iri, V.qualifiedName, zh(qualified)))
    if mention.printed != mention.name:
        g.add((iri, SKOS.altLabel, zh(mention.printed)))
    return iri


@lru_cache(maxsize=1 << 16)
def _agency_iri(base: str, region_slug: str, name: str) -> URIRef:
    """Minter.agency, remembered: its pinyin slug costs more than all of the agency's triples."""
    return Minter(base).agency(region_slug, name)


LEVEL_PREFIXES = ("区", "县", "市", "州", "省", "旗", "盟")


def qualify_name(name: str, region: Region) -> str:
    """区财政局 in 盘龙区 → 盘龙区财政局: the level prefix spelled out with the region's name."""
    if name and name[0] in LEVEL_PREFIXES and region.name.endswith(name[0]) and \
            not name.startswith(region.name):
        return region.name + name[1:]
    return name


def document_iri(m: Minter, ref: DocumentReference) -> URIRef:
    """One IRI per document: from the canonical number, or from the title when none is printed."""
    return _document_iri(m.base, ref)


@lru_cache(maxsize=1 << 16)
def _document_iri(base: str, ref: DocumentReference) -> URIRef:
    m = Minter(base)
    if ref.number is not None:
        return m.document(number_slug(ref.number))
    return m.document("title/" + slugify(ref.title or ref.printed)[:120])


def write_document(g: Graph, m: Minter, ref: DocumentReference) -> URIRef:
    iri = document_iri(m, ref)
    g.add((iri, RDF.type, V.OfficialDocument))
    g.add((iri, V.printedAs, Literal(ref.printed)))
    if ref.title:
        g.add((iri, DCTERMS.title, zh(ref.title)))
    if ref.number is not None:
        g.add((iri, V.documentNumber, Literal(ref.number.canonical)))
        g.add((iri, V.issuerCode, Literal(ref.number.issuer_code)))
        g.add((iri, V.documentYear, Literal(str(ref.number.year), datatype=XSD.gYear)))
        g.add((iri, V.serialNumber, Literal(ref.number.serial)))
        g.add((iri, RDFS.label, zh(ref.number.canonical)))
    else:
        g.add((iri, RDFS.label, zh(ref.title or ref.printed)))
    if ref.issuer_by_code:
        organ = m.organ(ref.issuer_by_code)
        g.add((organ, RDF.type, V.Agency))
        g.add((organ, SKOS.prefLabel, zh(ref.issuer_by_code)))
        g.add((organ, RDFS.label, zh(ref.issuer_by_code)))
        g.add((iri, V.issuingOrgan, organ))
    if ref.issuer_in_title:
        g.add((iri, V.issuerNamedInTitle, zh(ref.issuer_in_title)))
    if ref.number is not None and ref.issuer_in_title is not None:
        g.add((iri, V.issuerConflict, Literal(ref.issuer_conflict)))
    return iri


def union_graph(ds: Dataset) -> Graph:
    """Every graph of the dataset merged into one, prefixes kept (for the single-graph dumps)."""
    union = Graph()
    for prefix, ns in ds.namespaces():
        union.bind(prefix, ns)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def plan_dataset(plans: list[LiftedPlan], minter: Minter) -> Dataset:
    """Every plan in its own named graph."""
    ds = Dataset()
    for prefix, ns in V.PREFIXES.items():
        ds.bind(prefix, ns)
    shared = ds.graph(minter.graph_shared())
    for plan in plans:
        graph = ds.graph(minter.plan_graph(plan.slug))
        PlanWriter(plan, graph, shared, minter).write()
    return ds


def provenance(g: Graph, plans: Sequence[PlanSource], minter: Minter, started: str, ended: str) -> None:
    """The lifting activity: which sources it used and which plans it generated."""
    # named by what it read, so the IRI is stable across rebuilds of the same corpus
    inputs = hashlib.sha256("".join(sorted(p.sha256 for p in plans)).encode()).hexdigest()
    activity = minter.iri(f"id/activity/lift-{inputs[:16]}")
    g.add((activity, RDF.type, V.LiftingActivity))
    g.add((activity, PROV.startedAtTime, date_time(started)))
    g.add((activity, PROV.endedAtTime, date_time(ended)))
    for plan in plans:
        g.add((activity, PROV.used, minter.source(plan.sha256)))
        g.add((minter.plan(plan.slug), PROV.wasGeneratedBy, activity))
