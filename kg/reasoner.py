"""Check that the ontology plus instance data are consistent, with HermiT (through owlready2)."""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import owlready2
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.util import guess_format

from kg.errors import KgError

ONTOLOGY_DIR = Path(__file__).resolve().parents[1] / "ontology"
ONTOLOGY_FILES = (ONTOLOGY_DIR / "zwgk.ttl", ONTOLOGY_DIR / "requirement-types.ttl")
QUAD_FORMATS = {"trig", "nquads", "trix"}
MAX_REPORTED = 20  # culprits named in one error message

# Literal datatypes that fit a declared range (OWL 2 numbers share one value space).
_INTEGERS = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
             XSD.positiveInteger, XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort}
_FITS = {XSD.integer: _INTEGERS, XSD.decimal: _INTEGERS | {XSD.decimal},
         XSD.boolean: {XSD.boolean}, XSD.string: {XSD.string, None}}


def check_consistency(*graph_files: Path, ontology: Sequence[Path] = ONTOLOGY_FILES) -> None:
    """Raise KgError unless HermiT finds ``ontology`` plus ``graph_files`` consistent.

    Also raises when a named class is unsatisfiable. The error names the individuals and classes at
    fault where a structural check can find them (disjoint types, functional values, datatypes).
    Files may be in any RDF syntax rdflib reads (named graphs are merged).
    """
    if shutil.which(owlready2.JAVA_EXE) is None:
        raise KgError(f"HermiT needs Java, and {owlready2.JAVA_EXE!r} is not on the PATH")
    graph = load_merged([*ontology, *graph_files])
    with tempfile.TemporaryDirectory(prefix="kg-hermit-") as tmp:
        # owlready2 reads N-Triples or RDF/XML, not Turtle
        merged = Path(tmp) / "merged.nt"
        graph.serialize(merged, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(merged.as_uri()).load()
            unsatisfiable = _run_hermit(world, graph)
        finally:
            world.close()
    if unsatisfiable:
        raise KgError("unsatisfiable classes: " + ", ".join(sorted(unsatisfiable)))


def load_merged(files: Iterable[Path]) -> Graph:
    """All triples of ``files`` in one graph; raises KgError naming a file that cannot be read."""
    graph = Graph()
    for path in files:
        fmt = guess_format(str(path))
        if fmt is None:
            raise KgError(f"{path}: unknown RDF syntax (use .ttl, .nt, .nq, .trig, .rdf or .jsonld)")
        try:
            if fmt in QUAD_FORMATS:
                dataset = Dataset()
                dataset.parse(path, format=fmt)
                for s, p, o, _ in dataset.quads():
                    graph.add((s, p, o))
            else:
                graph.parse(path, format=fmt)
        except (OSError, SyntaxError, ValueError) as err:
            raise KgError(f"{path}: cannot read RDF: {err}") from err
    return graph


def _run_hermit(world: owlready2.World, graph: Graph) -> list[str]:
    """Run HermiT on ``world``; return the unsatisfiable classes, raise KgError on inconsistency."""
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0,
                                       ignore_unsupported_datatypes=True)
    except owlready2.OwlReadyInconsistentOntologyError:
        raise KgError(_inconsistency_message(graph)) from None
    except owlready2.OwlReadyJavaError as err:
        raise KgError(f"HermiT failed: {str(err)[:2000]}") from None
    return [cls.iri for cls in world.inconsistent_classes()]


def _inconsistency_message(graph: Graph) -> str:
    culprits = explain_inconsistency(graph)
    if not culprits:
        return ("HermiT found the graph inconsistent; no simple cause found "
                "(checked disjoint types, functional properties and datatypes)")
    shown = culprits[:MAX_REPORTED]
    more = f"\n  … and {len(culprits) - MAX_REPORTED} more" if len(culprits) > MAX_REPORTED else ""
    return "HermiT found the graph inconsistent:\n  " + "\n  ".join(shown) + more


# --- structural explanation ------------------------------------------------------------------------
def explain_inconsistency(graph: Graph) -> list[str]:
    """Simple causes of inconsistency a data steward can act on, one line each.

    HermiT only says "inconsistent"; this names the culprits for the common cases: an individual
    whose asserted or domain/range-implied types are disjoint, two values of a functional property
    that cannot be equal, and literals outside their property's datatype.
    """
    name = _namer(graph)
    return sorted(set(_disjoint_types(graph, name) + _functional_clashes(graph, name)
                      + _datatype_clashes(graph, name)))


def _namer(graph: Graph):
    def name(term) -> str:
        return term.n3(graph.namespace_manager) if isinstance(term, (URIRef, Literal)) else str(term)
    return name


def _closure(start: set, edges: dict) -> set:
    """``start`` plus everything reachable through ``edges``."""
    seen, todo = set(start), list(start)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _named_edges(graph: Graph, predicate: URIRef) -> dict:
    edges: dict = defaultdict(set)
    for s, o in graph.subject_objects(predicate):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            edges[s].add(o)
    return edges


def _disjoint_pairs(graph: Graph) -> set[frozenset]:
    pairs = {frozenset((a, b)) for a, b in graph.subject_objects(OWL.disjointWith)
             if isinstance(a, URIRef) and isinstance(b, URIRef)}
    for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = [_named_members(graph, m) for m in Collection(graph, graph.value(axiom, OWL.members))]
        for i, left in enumerate(members):
            for right in members[i + 1:]:
                pairs |= {frozenset((a, b)) for a in left for b in right}
    return pairs


def _named_members(graph: Graph, member) -> set:
    """A class expression in an AllDisjointClasses axiom: a named class or a union of named classes."""
    if isinstance(member, URIRef):
        return {member}
    union = graph.value(member, OWL.unionOf)
    return {m for m in Collection(graph, union) if isinstance(m, URIRef)} if union is not None else set()


def _inferred_types(graph: Graph) -> dict:
    """Each node's asserted types plus those implied by rdfs:domain/range, closed under rdfs:subClassOf."""
    superclasses = _named_edges(graph, RDFS.subClassOf)
    superproperties = _named_edges(graph, RDFS.subPropertyOf)
    domains, ranges = _named_edges(graph, RDFS.domain), _named_edges(graph, RDFS.range)
    object_properties = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    types: dict = defaultdict(set)
    for s, p, o in graph:
        if p == RDF.type:
            if isinstance(o, URIRef):
                types[s].add(o)
            continue
        for prop in _closure({p}, superproperties):
            types[s] |= domains.get(prop, set())
            if prop in object_properties and not isinstance(o, Literal):
                types[o] |= ranges.get(prop, set())
    return {node: _closure(found, superclasses) for node, found in types.items()}


def _disjoint_types(graph: Graph, name) -> list[str]:
    pairs = _disjoint_pairs(graph)
    found = []
    for node, classes in _inferred_types(graph).items():
        ordered = sorted(classes)
        for i, a in enumerate(ordered):
            found += [f"{name(node)} is both {name(a)} and {name(b)}, which are disjoint"
                      for b in ordered[i + 1:] if frozenset((a, b)) in pairs]
    return found


def _different_individuals(graph: Graph) -> set[frozenset]:
    pairs = {frozenset((a, b)) for a, b in graph.subject_objects(OWL.differentFrom)}
    for axiom in graph.subjects(RDF.type, OWL.AllDifferent):
        members = list(Collection(graph, graph.value(axiom, OWL.distinctMembers)))
        pairs |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:]}
    return pairs


def _functional_clashes(graph: Graph, name) -> list[str]:
    different = _different_individuals(graph)
    found = []
    for prop in set(graph.subjects(RDF.type, OWL.FunctionalProperty)):
        values: dict = defaultdict(set)
        for s, o in graph.subject_objects(prop):
            values[s].add(o)
        for s, objects in values.items():
            literals = {_literal_value(o) for o in objects if isinstance(o, Literal)}
            nodes = [o for o in objects if not isinstance(o, Literal)]
            clash = len(literals) > 1 or any(frozenset((a, b)) in different
                                             for i, a in enumerate(nodes) for b in nodes[i + 1:])
            if clash:
                shown = ", ".join(sorted(name(o) for o in objects))
                found.append(f"{name(s)} has several values of functional {name(prop)}: {shown}")
    return found


def _literal_value(literal: Literal):
    """A key equal for equal values (1 and 1.0 are one number in OWL 2), else the lexical form."""
    value = literal.toPython()
    return (str(literal), literal.language, literal.datatype) if isinstance(value, Literal) else value


def _datatype_clashes(graph: Graph, name) -> list[str]:
    found = []
    for prop, declared in graph.subject_objects(RDFS.range):
        if (prop, RDF.type, OWL.DatatypeProperty) not in graph:
            continue
        base, low, high = _datatype_bounds(graph, declared)
        if base not in _FITS:
            continue  # dates, years, durations: HermiT does not check them here either
        for s, value in graph.subject_objects(prop):
            if not _fits(value, base, low, high):
                found.append(f"{name(s)} {name(prop)} {name(value)}: not a {name(declared)}"
                             if isinstance(declared, URIRef) else
                             f"{name(s)} {name(prop)} {name(value)}: outside the range of {name(prop)}")
    return found


def _datatype_bounds(graph: Graph, declared) -> tuple:
    """A named datatype, or a restriction on one with xsd:minInclusive/maxInclusive facets."""
    if isinstance(declared, URIRef):
        return declared, None, None
    base, low, high = graph.value(declared, OWL.onDatatype), None, None
    restrictions = graph.value(declared, OWL.withRestrictions)
    for facet in Collection(graph, restrictions) if restrictions is not None else ():
        # not `or`: a Literal 0 is falsy
        low = _first(graph.value(facet, XSD.minInclusive), low)
        high = _first(graph.value(facet, XSD.maxInclusive), high)
    return base, low, high


def _first(value, default):
    return default if value is None else value


def _fits(value, base: URIRef, low, high) -> bool:
    if not isinstance(value, Literal) or getattr(value, "ill_typed", False):
        return False
    if base == XSD.string:
        return value.language is None and value.datatype in _FITS[base]
    if value.datatype not in _FITS[base]:
        return False
    number = value.toPython()
    if isinstance(number, (int, Decimal)) and not isinstance(number, bool):
        return (low is None or number >= low.toPython()) and (high is None or number <= high.toPython())
    return True
