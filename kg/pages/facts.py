"""Run the page queries (site/queries/*.rq) over the store once and hand back rows of plain Python values.

A query whose text says ``# scope: plan ?var`` matches, for each row, only triples about the resource of
one plan that ``?var`` names (its requirement, group …). The static site runs such a query on each plan's
own quads in memory (kg.pages.plan_quads) rather than on the built store, whose terms cost ~10 µs a quad to
read back, and keeps each plan's rows about its own resources: the same rows, in plan order.

A query whose text says ``# order: ?a ?b`` has its rows sorted here by those variables (unbound first, as
SPARQL sorts), then by all their values, so that ties come in one order: pyoxigraph's ORDER BY reads the text
of both terms back from the store at every comparison.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError
from kg.forking import forked_map, reopened
from kg.pages.plan_quads import PlanQuads
from kg.vocab import XSD

INTEGER_TYPES = {str(XSD[name]) for name in (
    "integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger", "unsignedInt")}
BOOLEAN = str(XSD.boolean)
DECIMAL_TYPES = {str(XSD.decimal), str(XSD.double), str(XSD.float)}
PLAN_SCOPE = re.compile(r"^#\s*scope:\s*plan\s+\?(\w+)", re.MULTILINE)
ORDER = re.compile(r"^#[ \t]*order:((?:[ \t]*\?\w+)+)", re.MULTILINE)
PLANS_PER_TASK = 25  # plan-scoped queries are handed to the forked processes this many plans at a time
Solutions = tuple[tuple[str, ...], list[tuple[Any, ...]]]  # a query's variables, each solution's values


class Row:
    """One solution of a page query, its bound variables as slots: 72 bytes for five values where a dict
    takes 184, and the site holds millions of rows, in its process and again in the forked renderer's
    copy. Read as a mapping (``row["plan"]``, ``row.get("region")``, ``"other" in row``; an unbound
    variable is absent, as from a dict) or, in templates, by attribute. Made by row_class per query."""

    __slots__ = ()
    fields: tuple[str, ...] = ()  # the query's variables, in its order

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)

    def __contains__(self, key: str) -> bool:
        return hasattr(self, key)

    def keys(self) -> list[str]:
        return [name for name in self.fields if hasattr(self, name)]

    def items(self) -> list[tuple[str, Any]]:
        return [(name, getattr(self, name)) for name in self.keys()]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __eq__(self, other: object) -> bool:
        return dict(self.items()) == (dict(other.items()) if isinstance(other, (Row, dict)) else other)

    __hash__ = None  # type: ignore[assignment]  # equal by value, as a dict

    def __repr__(self) -> str:
        return f"Row({dict(self.items())!r})"

    def __reduce__(self) -> tuple:  # pickled as its fields and what is set (the class is made per query)
        return _row, (self.fields, tuple(self.items()))


@lru_cache(maxsize=None)
def row_class(fields: tuple[str, ...]) -> type[Row]:
    """The Row class of a query with these variables."""
    clash = sorted(set(fields) & set(dir(Row)))
    if clash:
        raise ValueError(f"variable ?{clash[0]} is a name rows keep for themselves (a method): rename it")
    return type("Row", (Row,), {"__slots__": fields, "fields": fields})


def record(**values: Any) -> Row:
    """A Row of these fields, None values included: the site's summaries built from the rows (a
    requirement as a table shows it, its agencies and deadlines), held by the hundred thousand."""
    return _row(tuple(values), values.items())


def _row(fields: tuple[str, ...], items: Iterable[tuple[str, Any]]) -> Row:
    """A row of these fields with these values set (how a Row is unpickled)."""
    row = row_class(fields)()
    for name, value in items:
        setattr(row, name, value)
    return row


def plain(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Any:
    """A term as a Python value: IRIs and strings as str, numbers as int/float, booleans as bool."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in INTEGER_TYPES:
                return int(term.value)
            if datatype in DECIMAL_TYPES:
                return float(term.value)
        except ValueError:
            return term.value
        if datatype == BOOLEAN:
            return term.value in ("true", "1")
        return term.value
    return str(term)


class Facts:
    """The page queries by name, each run at most once per binding (the store of a build never changes)."""

    def __init__(self, store: ox.Store, queries_dir: Path) -> None:
        self.store = store
        self.queries_dir = queries_dir
        self._texts: dict[str, str] = {}
        self._cache: dict[tuple, list[Row]] = {}
        self._strings: dict[str, str] = {}  # one str per IRI or text across all rows (Facts._made)

    def text(self, name: str) -> str:
        if name not in self._texts:
            path = self.queries_dir / f"{name}.rq"
            try:
                self._texts[name] = path.read_text("utf-8")
            except OSError as error:
                raise KgError(f"{path}: page query missing ({error.strerror})") from None
        return self._texts[name]

    def plan_key(self, name: str) -> str | None:
        """The variable of a plan-scoped query (``# scope: plan ?var``), else None."""
        found = PLAN_SCOPE.search(self.text(name))
        return found.group(1) if found else None

    def order(self, name: str) -> tuple[str, ...]:
        """The variables a query's rows are sorted by (``# order: ?a ?b``), else ()."""
        found = ORDER.search(self.text(name))
        return tuple(re.findall(r"\?(\w+)", found.group(1))) if found else ()

    def solutions(self, name: str, store: ox.Store | None = None, **bindings: str) -> Iterable[ox.QuerySolution]:
        """Raw solutions of a page query (over ``store``, else the built store); keyword arguments bind
        variables to IRIs."""
        substitutions = {ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()}
        try:
            return (store or self.store).query(self.text(name), use_default_graph_as_union=True,
                                               substitutions=substitutions or None)
        except SyntaxError as error:
            raise KgError(f"{self.queries_dir / name}.rq: {error}") from None

    def rows(self, name: str, **bindings: str) -> list[Row]:
        """Solutions as dicts of plain values (unbound variables are absent), memoised."""
        key = (name, tuple(sorted(bindings.items())))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._rows(name, bindings)
        return found

    def forget(self, *names: str) -> None:
        """Let go of the rows of these queries (unbound) once folded into something else; asked for again,
        they are queried again."""
        for name in names:
            self._cache.pop((name, ()), None)

    def prefetch(self, store_path: Path, workers: int, plans: PlanQuads | None = None) -> None:
        """Run every page query now, ``workers`` at a time in forked processes (the static site: the queries
        take a minute at 1,000 plans, and one process evaluates and converts rows on one core). Each process
        opens the store anew and sends its solutions back as tuples of plain values, which pickle in C;
        this process makes them rows. With ``plans``, the plan-scoped queries run plan by plan on each
        plan's quads."""
        names = sorted(path.stem for path in self.queries_dir.glob("*.rq"))
        scoped = [name for name in names if plans is not None and self.plan_key(name)]
        slugs = sorted(plans.files) if plans is not None and scoped else []
        tasks: list[str | tuple[str, ...]] = [name for name in names if name not in scoped]
        tasks += [tuple(slugs[i:i + PLANS_PER_TASK]) for i in range(0, len(slugs), PLANS_PER_TASK)]

        def run(task: str | tuple[str, ...]) -> dict[str, Solutions]:
            self.store = reopened(self.store, store_path)  # in a forked process: its own handle
            return {task: self._solutions(task, {})} if isinstance(task, str) else \
                self._plan_solutions(scoped, task, plans)

        for name in names:  # made anew, even if asked before
            self._cache[(name, ())] = []
        for found in forked_map(run, tasks, workers):  # plans in runs of slug order: rows stay in plan order
            for name, solutions in found.items():
                self._cache[(name, ())].extend(self._made(name, solutions))
        for name in names:
            self._cache[(name, ())] = self._sorted(name, self._cache[(name, ())])

    def _plan_solutions(self, names: list[str], slugs: tuple[str, ...], plans: PlanQuads | None) -> dict[str, Solutions]:
        """The solutions of plan-scoped queries for these plans, each run on the plan's own quads and kept
        for the rows about the plan's resources."""
        assert plans is not None
        out: dict[str, Solutions] = {}
        for slug in slugs:
            store, plan = plans.store_of(slug), plans.plan_iri(slug)
            for name in names:
                fields, found = self._solutions(name, {}, store)
                key = self.plan_key(name)
                if key not in fields:
                    raise KgError(f"{self.queries_dir / name}.rq: '# scope: plan ?{key}' names no variable it selects")
                at = fields.index(key)
                kept = out.setdefault(name, (fields, []))[1]
                kept += [values for values in found if type(value := values[at]) is str and plans.holds(plan, value)]
        return out

    def _rows(self, name: str, bindings: dict[str, str], store: ox.Store | None = None) -> list[Row]:
        return self._sorted(name, self._made(name, self._solutions(name, bindings, store)))

    def _sorted(self, name: str, rows: list[Row]) -> list[Row]:
        """The rows in the query's ``# order``: unbound first, then numbers by value, then text (IRIs and
        literals alike, as plain values), ties by every value the row holds."""
        order = self.order(name)
        if not order:
            return rows

        def key(row: Row) -> tuple:
            ordered = tuple(_order_key(row.get(field)) for field in order)
            return ordered + tuple((field, str(value)) for field, value in row.items())

        return sorted(rows, key=key)

    def _solutions(self, name: str, bindings: dict[str, str], store: ox.Store | None = None) -> Solutions:
        """A query's variables, and each solution's values in their order (None where unbound)."""
        result = self.solutions(name, store, **bindings)
        fields = tuple(v.value for v in result.variables)
        named = ox.NamedNode
        return fields, [tuple(term.value if type(term) is named else plain(term) for term in solution)
                        for solution in result]  # a solution iterates its values in variable order

    def _made(self, name: str, solutions: Solutions) -> list[Row]:
        """Rows of solutions, each string the one other rows hold (IRIs and labels repeat by the million)."""
        fields, found = solutions
        try:
            make = row_class(fields)
        except ValueError as error:
            raise KgError(f"{self.queries_dir / name}.rq: {error}") from None
        strings, rows = self._strings, []
        for values in found:
            row = make()
            for field, value in zip(fields, values):
                if value is not None:
                    setattr(row, field, strings.setdefault(value, value) if type(value) is str else value)
            rows.append(row)
        return rows


def _order_key(value: Any) -> tuple:
    """A plain value's place in a sort: a column may mix numbers and text (a malformed xsd:integer stays
    text), which Python does not compare."""
    if value is None:
        return (0, 0, "")
    if isinstance(value, (int, float)):
        return (1, value, "")
    return (2, 0, str(value))


def group_by(rows: Iterable[Row], key: str) -> dict[str, list[Row]]:
    """Rows indexed by one column, in query order."""
    out: dict[str, list[Row]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def values(rows: Iterable[Row], column: str) -> list[Any]:
    """The distinct values of one column, in order of appearance."""
    seen: dict[Any, None] = {}
    for row in rows:
        if column in row:
            seen.setdefault(row[column], None)
    return list(seen)


_ABSENT = object()


def first(rows: Iterable[Row], column: str, default: Any = None) -> Any:
    """The first value of a column across rows (for single-valued properties)."""
    for row in rows:
        value = row.get(column, _ABSENT)  # one lookup: the requirement index asks 1.2 M times at 1,000 plans
        if value is not _ABSENT:
            return value
    return default
