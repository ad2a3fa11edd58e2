"""The fast path: SHACL shapes compiled to SPARQL SELECT queries and run on pyoxigraph.

Each constraint of each shape becomes one query that finds every violating (focus, value) at once,
instead of one evaluation per focus node. The supported subset is what shapes/ uses (SHACL Core value,
cardinality, string and range constraints on predicate paths, and SHACL-SPARQL constraints); anything
else raises ValidationError, so a shape the fast path cannot honour is never silently skipped.
pyshacl stays the reference (kg/validate_reference.py); tests assert both report the same results.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Identifier

from kg.memory import trim_heap
from kg.shacl import Result, ValidationError
from kg.vocab import SH

# A SPARQL constraint's query for a few focus nodes (an incremental run), where its sh:select, written for
# every node at once, would read every row of the store whatever the scope (shapes/sparql-constraints.ttl).
FEW_NODES_SELECT = URIRef("https://w3id.org/zwgk/shapes#fewNodesSelect")
Cond = Callable[[Identifier], str]  # parameter value → SPARQL condition on ?value that marks a violation

NODE_KINDS: dict[URIRef, str] = {
    SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
# Predicates a shape may carry that are not constraints.
NOT_CONSTRAINTS = {RDF.type, RDFS.label, RDFS.comment, SH.path, SH.message, SH.severity, SH.property,
                   SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.deactivated,
                   SH.name, SH.description, SH.order, SH.group, SH.prefixes, SH.declare}


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a query whose rows are violations, and how to turn them into Results."""

    shape: Identifier
    component: URIRef
    severity: URIRef
    path: URIRef | None
    messages: tuple[Literal, ...]
    query: str
    constraint: Identifier | None = None
    sparql_node_shape: bool = False  # SHACL-SPARQL on a node shape: the value defaults to the focus
    focus: str = ""  # the sub-select of focus nodes as it appears in `query` (replaced to scope the check)
    few: str = ""  # the query for a few focus nodes, when it differs (see Lacks, FEW_NODES_SELECT)

    def scoped(self, scope: Scope | None) -> str:
        """The query, its focus nodes restricted to those of `scope` (all when None)."""
        if scope is None or not self.focus:
            return self.query
        return self.for_nodes(_focus_select(self.focus, scope))

    def for_nodes(self, nodes: str) -> str:
        """The query for the focus nodes `nodes` (a group binding ?this) instead of all of them."""
        return (self.few or self.query).replace(self.focus, nodes)


@dataclass(frozen=True)
class Scope:
    """The focus nodes an incremental validation re-checks: these IRIs, and the blank nodes of these named
    graphs (a blank node cannot be named in a query)."""

    iris: frozenset[str] = frozenset()
    graphs: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.iris or self.graphs)

    def nodes(self) -> str:
        """A SPARQL group binding ?this to the scope's nodes (before any target pattern, so that the query
        starts from the few nodes in scope)."""
        branches = []
        if self.iris:
            branches.append("{ VALUES ?this { " + " ".join(f"<{i}>" for i in sorted(self.iris)) + " } }")
        for graph in sorted(self.graphs):  # a constant graph: read through the graph's index
            branches += [f"{{ GRAPH <{graph}> {{ {quad} }} FILTER (isBlank(?this)) }}"
                         for quad in ("?this ?_sp ?_so", "?_ss ?_sp ?this")]
        return "{ " + (" UNION ".join(branches) or "FILTER (false)") + " }"


# --- compiling ---------------------------------------------------------------------------------------

def compile_shapes(sg: Graph) -> list[Check]:
    """Every active constraint of every targeted shape, as a Check."""
    checks: list[Check] = []
    for shape in sorted(_shapes(sg), key=str):
        if sg.value(shape, SH.deactivated) == Literal(True):
            continue
        focus = _focus_pattern(sg, shape)
        if focus is not None:
            checks.extend(_shape_checks(sg, shape, focus))
    return checks


def _shapes(sg: Graph) -> set[Identifier]:
    shapes = set(sg.subjects(RDF.type, SH.NodeShape)) | set(sg.subjects(RDF.type, SH.PropertyShape))
    shapes |= set(sg.objects(None, SH.property))
    for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        shapes |= set(sg.subjects(target, None))
    return shapes


def _targets(sg: Graph, shape: Identifier) -> list[str]:
    patterns = [f"?this rdf:type/rdfs:subClassOf* {c.n3()} ." for c in sg.objects(shape, SH.targetClass)]
    patterns += [f"BIND ({n.n3()} AS ?this)" for n in sg.objects(shape, SH.targetNode)]
    patterns += [f"?this {p.n3()} ?_t ." for p in sg.objects(shape, SH.targetSubjectsOf)]
    patterns += [f"?_t {p.n3()} ?this ." for p in sg.objects(shape, SH.targetObjectsOf)]
    if (shape, RDF.type, RDFS.Class) in sg:  # implicit class target
        patterns.append(f"?this rdf:type/rdfs:subClassOf* {shape.n3()} .")
    return patterns


def _focus_pattern(sg: Graph, shape: Identifier) -> str | None:
    """A sub-select of the shape's focus nodes (its own targets and those of the shapes that use it)."""
    parents = list(sg.subjects(SH.property, shape))
    if len(parents) > 1:
        raise ValidationError(f"shape {shape}: used by {len(parents)} node shapes; the fast path needs one")
    patterns = _targets(sg, shape) + [p for parent in parents for p in _targets(sg, parent)]
    if not patterns:
        return None
    union = " UNION ".join("{ " + p + " }" for p in patterns)
    return f"{FOCUS_HEAD}{union}{FOCUS_TAIL}"


FOCUS_HEAD = "{ SELECT DISTINCT ?this WHERE { "


FOCUS_TAIL = " } }"


def targets_of(focus: str) -> str:
    """The target patterns (a UNION) of a focus sub-select made by _focus_pattern."""
    return focus[len(FOCUS_HEAD):-len(FOCUS_TAIL)]


def _focus_select(focus: str, scope: Scope) -> str:
    """A focus sub-select (from _focus_pattern) restricted to the scope's nodes: the nodes first, each tested
    against the targets (FILTER EXISTS), so that pyoxigraph starts from the few nodes in scope instead of
    listing every target of the country and joining."""
    return f"{FOCUS_HEAD}{scope.nodes()} FILTER EXISTS {{ {targets_of(focus)} }}{FOCUS_TAIL}"


def blank_targets(store: ox.Store, checks: list[Check], graphs: Iterable[str]) -> bool:
    """Whether a blank node of these named graphs is a focus node of some check (no shape targets one
    today; the scope then needs no per-graph scan of blank nodes). Each graph's blank nodes are listed,
    then each is asked against every check's targets with ``?this`` bound to it: a lookup per pattern.
    Left unbound, the targets list every target of the country to join with (1.8 s a graph at 1,000
    plans, against 0.04)."""
    sets = sorted({targets_of(c.focus) for c in checks if c.focus})
    if not sets:
        return False
    ask = PROLOGUE + "ASK { " + " UNION ".join("{ " + targets + " }" for targets in sets) + " }"
    this = ox.Variable("this")
    for graph in sorted(graphs):
        blanks = store.query(f"SELECT DISTINCT ?this WHERE {{ GRAPH <{graph}> {{ {{ ?this ?_p ?_o }} UNION "
                             f"{{ ?_s ?_p ?this }} }} FILTER (isBlank(?this)) }}")
        for row in blanks:
            if store.query(ask, use_default_graph_as_union=True, substitutions={this: row["this"]}):
                return True
    return False


def _shape_checks(sg: Graph, shape: Identifier, focus: str) -> Iterable[Check]:
    path = sg.value(shape, SH.path)
    if path is not None and not isinstance(path, URIRef):
        raise ValidationError(f"shape {shape}: only predicate paths are compiled, not {path!r}")
    severity = sg.value(shape, SH.severity) or SH.Violation
    messages = tuple(m for m in sg.objects(shape, SH.message) if isinstance(m, Literal))
    base = dict(shape=shape, severity=severity, path=path, messages=messages)
    for param, arg in sorted(sg.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))):
        if param in NOT_CONSTRAINTS:
            continue
        if param == SH.sparql:
            yield _sparql_check(sg, shape, arg, focus, base)
        elif param in VALUE_CONDITIONS:
            component, cond = VALUE_CONDITIONS[param]
            violated = cond(_arg(sg, arg))
            yield _check(component, focus, base, *(_value_query(focus, path, violated, few) for few in (False, True)))
        elif param in COUNT_QUERIES:
            component, build = COUNT_QUERIES[param]
            yield _check(component, focus, base, *(build(focus, path, arg, shape, few) for few in (False, True)))
        else:
            raise ValidationError(f"shape {shape}: {param} is not supported by the fast path")


def _check(component: URIRef, focus: str, base: dict, query: str, few: str) -> Check:
    """A Check, with its query for a few focus nodes only when that differs (see Lacks)."""
    return Check(component=component, query=query, few="" if few == query else few, focus=focus, **base)


def _arg(sg: Graph, arg: Identifier) -> Identifier | list[Identifier]:
    """A parameter value; RDF lists (sh:in, sh:languageIn) become Python lists."""
    if arg == RDF.nil or (isinstance(arg, BNode) and sg.value(arg, RDF.first) is not None):
        return list(Collection(sg, arg))
    return arg


PROLOGUE = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n" \
           "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


class Lacks(str):
    """A violation condition met by the values that lack a pattern. Over every focus node it is written as
    MINUS, one anti-join, where FILTER NOT EXISTS costs pyoxigraph a path evaluation per value (13× slower
    on 50,000 assignments); for a few focus nodes (`few`, an incremental run) as FILTER NOT EXISTS, which
    does not enumerate the pattern over the whole store. The same solutions: ?value (?this) is bound on
    the left and is the only variable the pattern shares with it."""


def _lacking(pattern: str, few: bool) -> str:
    return f"FILTER NOT EXISTS {{ {pattern} }}" if few else f"MINUS {{ {pattern} }}"


def _value_query(focus: str, path: URIRef | None, violated: str, few: bool = False) -> str:
    values = f"?this {path.n3()} ?value ." if path is not None else "BIND (?this AS ?value)"
    test = _lacking(violated, few) if isinstance(violated, Lacks) else f"FILTER ({violated})"
    if few or path is None:
        return f"{PROLOGUE}SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} {test} }}"
    # over every focus node: the predicate's values tested first, then joined with the focus nodes (see _grouped)
    return f"{PROLOGUE}SELECT DISTINCT ?this ?value WHERE {{ {{ SELECT ?this ?value WHERE {{ {values} {test} }} }} {focus} }}"


def _same_term_any(value_list: list[Identifier]) -> str:
    return " || ".join(f"sameTerm(?value, {v.n3()})" for v in value_list) or "false"


def _compare(op: str) -> Cond:
    # SHACL: a value that cannot be compared is a violation too
    return lambda limit: f"!COALESCE(?value {op} {limit.n3()}, false)"


def _datatype(dt: Identifier) -> str:
    return f"!(isLiteral(?value) && datatype(?value) = {dt.n3()})"


def _lang_in(langs: list[Identifier]) -> str:
    tests = " || ".join(f'langMatches(lang(?value), {Literal(str(t)).n3()})' for t in langs) or "false"
    return f"!(isLiteral(?value) && ({tests}))"


def _pattern(regex: Identifier) -> str:
    return f"isBlank(?value) || !REGEX(STR(?value), {Literal(str(regex)).n3()})"


VALUE_CONDITIONS: dict[URIRef, tuple[URIRef, Cond]] = {
    SH["class"]: (SH.ClassConstraintComponent,
                  lambda c: Lacks(f"?value rdf:type/rdfs:subClassOf* {c.n3()}")),
    SH.datatype: (SH.DatatypeConstraintComponent, _datatype),
    SH.nodeKind: (SH.NodeKindConstraintComponent, lambda k: f"!{NODE_KINDS[k]}"),
    SH["in"]: (SH.InConstraintComponent, lambda values: f"!({_same_term_any(values)})"),
    SH.pattern: (SH.PatternConstraintComponent, _pattern),
    SH.minLength: (SH.MinLengthConstraintComponent,
                   lambda n: f"isBlank(?value) || STRLEN(STR(?value)) < {int(n)}"),
    SH.maxLength: (SH.MaxLengthConstraintComponent,
                   lambda n: f"isBlank(?value) || STRLEN(STR(?value)) > {int(n)}"),
    SH.minInclusive: (SH.MinInclusiveConstraintComponent, _compare(">=")),
    SH.maxInclusive: (SH.MaxInclusiveConstraintComponent, _compare("<=")),
    SH.minExclusive: (SH.MinExclusiveConstraintComponent, _compare(">")),
    SH.maxExclusive: (SH.MaxExclusiveConstraintComponent, _compare("<")),
    SH.languageIn: (SH.LanguageInConstraintComponent, _lang_in),
}


def _min_count(focus: str, path: URIRef | None, n: Identifier, shape: Identifier, few: bool = False) -> str:
    p = _need_path(path, shape, "sh:minCount")
    if int(n) == 1:  # see Lacks
        return f"{PROLOGUE}SELECT ?this WHERE {{ {focus} {_lacking(f'?this {p} ?v', few)} }}"
    return (f"{PROLOGUE}SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {p} ?v }} }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(n)})")


def _max_count(focus: str, path: URIRef | None, n: Identifier, shape: Identifier, few: bool = False) -> str:
    p = _need_path(path, shape, "sh:maxCount")
    return _grouped(focus, "?this", f"?this {p} ?v", f"COUNT(DISTINCT ?v) > {int(n)}", few)


def _grouped(focus: str, keys: str, pattern: str, having: str, few: bool) -> str:
    """The focus nodes whose values matching `pattern`, grouped by `keys`, meet `having`. Over every focus
    node the values are grouped first, in one pass over the predicate's index, and the few groups that
    meet the condition are then joined with the focus nodes: grouping after the join looked up each focus
    node's values one by one (at 1,000 plans a maxCount on 156,000 assignments: 0.96 s against 0.24).
    A small class on a common predicate loses a little (a notice's firstLine: 0.08 → 0.24 s), the maxCount
    checks as a whole gain (13.0 → 7.5 s). For a few focus nodes (an incremental run) they come first, so
    as not to group the whole store."""
    if few:
        return f"{PROLOGUE}SELECT {keys} WHERE {{ {focus} {pattern} }} GROUP BY {keys} HAVING ({having})"
    return f"{PROLOGUE}SELECT {keys} WHERE {{ {{ SELECT {keys} WHERE {{ {pattern} }} GROUP BY {keys} " \
           f"HAVING ({having}) }} {focus} }}"


def _has_value(focus: str, path: URIRef | None, v: Identifier, shape: Identifier, few: bool = False) -> str:
    values = f"?this {path.n3()} ?x ." if path is not None else "BIND (?this AS ?x)"
    return (f"{PROLOGUE}SELECT ?this WHERE {{ {focus} "
            f"FILTER NOT EXISTS {{ {values} FILTER (sameTerm(?x, {v.n3()})) }} }}")


def _unique_lang(focus: str, path: URIRef | None, flag: Identifier, shape: Identifier, few: bool = False) -> str:
    p = _need_path(path, shape, "sh:uniqueLang")
    if flag != Literal(True):
        return f"{PROLOGUE}SELECT ?this WHERE {{ FILTER (false) }}"
    # one result per focus and duplicated language tag, without a value (as pyshacl reports it); counted
    # per tag rather than by pairing each value with the others (5× faster on 1,000 plans' agencies)
    return (f"{PROLOGUE}SELECT ?this ?lang WHERE {{ {focus} ?this {p} ?a . FILTER (LANG(?a) != \"\") "
            f"BIND (LCASE(LANG(?a)) AS ?lang) }} GROUP BY ?this ?lang HAVING (COUNT(DISTINCT ?a) > 1)")


def _need_path(path: URIRef | None, shape: Identifier, param: str) -> str:
    if path is None:
        raise ValidationError(f"shape {shape}: {param} needs sh:path")
    return path.n3()


COUNT_QUERIES = {
    SH.minCount: (SH.MinCountConstraintComponent, _min_count),
    SH.maxCount: (SH.MaxCountConstraintComponent, _max_count),
    SH.hasValue: (SH.HasValueConstraintComponent, _has_value),
    SH.uniqueLang: (SH.UniqueLangConstraintComponent, _unique_lang),
}

# --- SHACL-SPARQL ------------------------------------------------------------------------------------

THIS = re.compile(r"[$?]this\b")
WHERE_BRACE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _sparql_check(sg: Graph, shape: Identifier, constraint: Identifier, focus: str, base: dict) -> Check:
    """A sh:select query joined with the shape's focus nodes instead of pre-binding $this per node.

    The focus nodes are joined in every group that projects $this (a sub-select too): pyoxigraph evaluates
    a sub-select on its own, so a per-row aggregate scoped to a few nodes must see the scope inside."""
    select = sg.value(constraint, SH.select)
    if select is None:
        raise ValidationError(f"shape {shape}: sh:sparql without sh:select")
    text = _select_text(shape, select)
    few = sg.value(constraint, FEW_NODES_SELECT)
    few_text = text if few is None else _select_text(shape, few)
    prefixes = _prefixes(sg, constraint)
    messages = tuple(m for m in sg.objects(constraint, SH.message) if isinstance(m, Literal))
    return Check(component=SH.SPARQLConstraintComponent, query=prefixes + _join_focus(text, focus, inner=False),
                 few=prefixes + _join_focus(few_text, focus, inner=True), constraint=constraint,
                 sparql_node_shape=base["path"] is None, focus=focus,
                 **{**base, "messages": messages + base["messages"]})


def _select_text(shape: Identifier, select: Identifier) -> str:
    """A constraint's SELECT with $this as ?this; refused when it uses what is not compiled or does not
    project ?this."""
    text = str(select)
    if re.search(r"[$?]PATH\b|[$?]shapesGraph\b|[$?]currentShape\b", text):
        raise ValidationError(f"shape {shape}: $PATH, $shapesGraph, $currentShape are not compiled")
    text = THIS.sub("?this", text)
    head = text[:WHERE_BRACE.search(text).start()] if WHERE_BRACE.search(text) else text[:text.find("{")]
    if "?this" not in head and "*" not in head:
        raise ValidationError(f"shape {shape}: the query must project $this")
    return text


SELECT_WHERE = re.compile(r"\bSELECT\b(?P<head>[^{]*?)\bWHERE\s*\{", re.IGNORECASE | re.DOTALL)


def _join_focus(text: str, focus: str, inner: bool) -> str:
    """The query with the focus sub-select inserted at the start of the outermost SELECT … WHERE {, and
    with `inner` of each sub-select that projects ?this and uses it too.

    The outermost join alone gives the same solutions: a sub-select projecting ?this is grouped by it, and
    the join drops the rows of other nodes. Over every focus node it is the faster: sub-selects that read
    one predicate each are joined by hashing (at 1,000 plans a constraint on 79,000 carried values took 2 s
    instead of 9). For a few focus nodes (`inner`, an incremental run) pyoxigraph, which evaluates a
    sub-select on its own, must see the scope inside, or it reads every row of the store. A sub-select that
    projects ?this without using it (to satisfy pyshacl, which pre-binds $this) is evaluated on its own:
    the rows of a plan, joined by ?plan."""
    matches = [m for m in SELECT_WHERE.finditer(text) if re.search(r"\?this\b|\*", m.group("head"))
               and re.search(r"\?this\b", _body(text, m.end()))]
    if not matches:
        match = WHERE_BRACE.search(text) or re.search(r"\{", text)
        return text[:match.end()] + f" {focus} " + text[match.end():]
    # the query's own SELECT comes first in its text: matches[0] is the outermost
    for match in reversed(matches if inner else matches[:1]):  # from the end, so earlier offsets stay valid
        text = text[:match.end()] + f" {focus} " + text[match.end():]
    return text


def _body(text: str, start: int) -> str:
    """The text of the group that opens just before `start`, up to its closing brace."""
    depth = 1
    for at in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[at], 0)
        if depth == 0:
            return text[start:at]
    return text[start:]


def _prefixes(sg: Graph, constraint: Identifier) -> str:
    lines = {"rdf": RDF, "rdfs": RDFS}
    for ontology in sg.objects(constraint, SH.prefixes):
        for decl in sg.objects(ontology, SH.declare):
            lines[str(sg.value(decl, SH.prefix))] = str(sg.value(decl, SH.namespace))
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in lines.items())


# --- running -----------------------------------------------------------------------------------------

def load_store(nquads: Path) -> ox.Store:
    """An in-memory pyoxigraph store holding every named graph of the N-Quads file."""
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    return store


def run_checks(store: ox.Store, checks: list[Check], workers: int = 1, scope: Scope | None = None) -> list[Result]:
    """Run every check over the union of the store's graphs; results come in the order of the checks.
    With a scope, only the results on the scope's focus nodes (what an incremental validation re-checks).

    pyoxigraph evaluates queries outside the GIL, so a few threads use a few cores."""
    jobs = [(check, check.query) for check in checks] if scope is None else scoped_queries(store, checks, scope)

    def run(job: tuple[Check, str]) -> list[Result]:
        check, query = job
        results = list(_results(check, store.query(query, use_default_graph_as_union=True)))
        trim_heap()  # what the evaluation freed, else kept: at 1,000 plans 690 MB after all checks
        return results

    if workers <= 1:
        return [r for job in jobs for r in run(job)]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="shacl") as pool:
        return [r for results in pool.map(run, jobs) for r in results]


def scoped_queries(store: ox.Store, checks: list[Check], scope: Scope) -> list[tuple[Check, str]]:
    """Each check with its query restricted to its own focus nodes in the scope, and none for a check that
    has no focus node there. The focus nodes are found once per distinct target set (a few dozen queries,
    not one per check), then named in the check's query."""
    if scope.empty:
        return []
    found: dict[str, list[ox.Term]] = {}
    for focus in sorted({c.focus for c in checks if c.focus}):
        rows = store.query(f"{PROLOGUE}SELECT ?this WHERE {{ {_focus_select(focus, scope)} }}",
                           use_default_graph_as_union=True)
        found[focus] = [row["this"] for row in rows]
    jobs = []
    for check in checks:
        nodes = found.get(check.focus)
        if nodes is None or any(isinstance(n, ox.BlankNode) for n in nodes):  # a blank node cannot be named
            jobs.append((check, check.scoped(scope)))
        elif nodes:
            named = "{ VALUES ?this { " + " ".join(str(n) for n in nodes) + " } }"
            jobs.append((check, check.for_nodes(named)))
    return jobs


def validate_store(store: ox.Store, shapes: Graph, workers: int = 1) -> list[Result]:
    """Compile the shapes and run them: the fast path in one call."""
    return run_checks(store, compile_shapes(shapes), workers)


def _results(check: Check, solutions: ox.QuerySolutions) -> Iterable[Result]:
    names = [v.value for v in solutions.variables]
    sparql = check.component == SH.SPARQLConstraintComponent
    terms: dict[ox.Term, Identifier] = {}  # a check's rows repeat their values (a plan, a path, an agency)
    seen: set[tuple] = set()
    # the same few messages over and over (at 1,000 plans 93,831 results, 5,763 distinct texts): each made once
    placeholders = sorted({name for message in check.messages for name in PLACEHOLDER.findall(str(message))})
    formatted: dict[tuple, tuple[Literal, ...]] = {}
    for solution in solutions:
        row = {}
        for name in names:
            term = solution[name]
            if term is not None:
                converted = terms.get(term)
                if converted is None:
                    converted = terms[term] = to_rdflib(term)
                row[name] = converted
        key = tuple(row.get(name) for name in names)  # rdflib terms compare as their N-Triples forms do
        if key in seen:
            continue
        seen.add(key)
        focus = row["this"]
        value = row.get("value")
        if sparql:
            if value is None and check.sparql_node_shape:
                value = focus
            path = row.get("path", check.path)
            bound = {**row, "this": focus, "path": path, "value": value}
            wording = tuple(None if bound.get(name) is None else str(bound[name]) for name in placeholders)
            messages = formatted.get(wording)
            if messages is None:
                messages = formatted[wording] = tuple(_format(m, bound) for m in check.messages)
        else:
            path, messages = check.path, check.messages
        yield Result(focus=focus, path=path if isinstance(path, URIRef) else None, value=value,
                     shape=check.shape, component=check.component, severity=check.severity,
                     messages=messages, constraint=check.constraint)


PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")


def _format(message: Literal, bound: dict[str, Identifier | None]) -> Literal:
    """{?var} and {$var} replaced by the binding's lexical form, as pyshacl does (unbound ones left as is)."""
    def value(match: re.Match) -> str:
        term = bound.get(match.group(1))
        return match.group(0) if term is None else str(term)

    return Literal(PLACEHOLDER.sub(value, str(message)), lang=message.language)


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Identifier:
    """A pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


def to_oxigraph(term: Identifier) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as the equal pyoxigraph term (the inverse of to_rdflib)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
