"""Run the page queries (site/queries/*.rq) over the store once and hand back rows of plain Python values."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError
from kg.forking import forked_map, reopened
from kg.vocab import XSD

INTEGER_TYPES = {str(XSD[name]) for name in (
    "integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger", "unsignedInt")}
BOOLEAN = str(XSD.boolean)
DECIMAL_TYPES = {str(XSD.decimal), str(XSD.double), str(XSD.float)}

Row = dict[str, Any]


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
        self._iris: dict[str, str] = {}  # one str per IRI across all rows: they repeat by the million

    def text(self, name: str) -> str:
        if name not in self._texts:
            path = self.queries_dir / f"{name}.rq"
            try:
                self._texts[name] = path.read_text("utf-8")
            except OSError as error:
                raise KgError(f"{path}: page query missing ({error.strerror})") from None
        return self._texts[name]

    def solutions(self, name: str, **bindings: str) -> Iterable[ox.QuerySolution]:
        """Raw solutions of a page query; keyword arguments bind variables to IRIs."""
        substitutions = {ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()}
        try:
            return self.store.query(self.text(name), use_default_graph_as_union=True,
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

    def prefetch(self, store_path: Path, workers: int) -> None:
        """Run every page query now, ``workers`` at a time in forked processes (the static site: the queries
        take a minute at 1,000 plans, and one process evaluates and converts rows on one core). Each process
        opens the store anew and sends its rows back pickled, which costs a few per cent of making them."""
        names = sorted(path.stem for path in self.queries_dir.glob("*.rq"))

        def run(name: str) -> list[Row]:
            self.store = reopened(self.store, store_path)  # in a forked process: its own handle
            return self._rows(name, {})

        for name, rows in zip(names, forked_map(run, names, workers)):
            self._cache[(name, ())] = [self._shared(row) for row in rows]

    def _shared(self, row: Row) -> Row:
        """A row from another process, its strings made the ones other rows hold (pickling keeps that
        within one query's rows, not across queries)."""
        strings = self._iris
        for key, value in row.items():
            if type(value) is str:
                row[key] = strings.setdefault(value, value)
        return row

    def _rows(self, name: str, bindings: dict[str, str]) -> list[Row]:
        result = self.solutions(name, **bindings)
        names = [v.value for v in result.variables]
        rows = []
        iris, named = self._iris, ox.NamedNode
        for solution in result:
            row = {}
            for n, term in zip(names, solution):  # a solution iterates its values in variable order
                if term is not None:
                    if type(term) is named:
                        value = term.value
                        row[n] = iris.setdefault(value, value)
                    else:
                        row[n] = plain(term)
            rows.append(row)
        return rows


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


def first(rows: Iterable[Row], column: str, default: Any = None) -> Any:
    """The first value of a column across rows (for single-valued properties)."""
    for row in rows:
        if column in row:
            return row[column]
    return default
