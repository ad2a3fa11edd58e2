"""Run SPARQL against the built store: a catalogue name, a .rq path or inline text; parameters bound safely."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from kg.catalogue import CatalogueQuery, load_catalogue, parse_query_file
from kg.errors import QueryError

XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Table:
    """SELECT results as plain strings, for the CLI and the tests."""

    columns: list[str]
    rows: list[list[str]]

    def dicts(self) -> list[dict[str, str]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def resolve_query(query: str, catalogue_dir: Path) -> tuple[str, CatalogueQuery | None]:
    """QUERY may be a .rq path, a catalogue name, or inline SPARQL."""
    path = Path(query)
    if query.endswith(".rq"):
        if not path.is_file():
            raise QueryError(f"{query}: no such query file")
        cq = parse_query_file(path)
        return cq.text, cq
    catalogue = load_catalogue(catalogue_dir)
    if query in catalogue:
        return catalogue[query].text, catalogue[query]
    if any(word in query.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        return query, None
    raise QueryError(f"{query!r} is neither a .rq file, a catalogue query ({', '.join(catalogue)}) nor SPARQL")


def bind_parameters(cq: CatalogueQuery | None, given: dict[str, str]) -> dict[ox.Variable, ox.Literal | ox.NamedNode]:
    """Typed values for the query's declared parameters (defaults filled in); unknown or ill-typed → QueryError."""
    declared = {p.name: p for p in cq.parameters} if cq else {}
    unknown = set(given) - set(declared)
    if unknown:
        known = ", ".join(declared) or "none"
        raise QueryError(f"unknown parameter(s) {', '.join(sorted(unknown))} (this query takes: {known})")
    bound: dict[ox.Variable, ox.Literal | ox.NamedNode] = {}
    for name, param in declared.items():
        value = given.get(name, param.default)
        if value is None or value == "":
            continue
        bound[ox.Variable(name)] = _typed(name, param.type, value)
    return bound


def _typed(name: str, kind: str, value: str) -> ox.Literal | ox.NamedNode:
    try:
        if kind == "integer":
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        if kind == "decimal":
            return ox.Literal(str(Decimal(value)), datatype=ox.NamedNode(XSD + "decimal"))
        if kind == "date":
            return ox.Literal(dt.date.fromisoformat(value).isoformat(), datatype=ox.NamedNode(XSD + "date"))
        if kind == "iri":
            if not value.startswith(("http://", "https://")):
                raise ValueError
            return ox.NamedNode(value)
    except (ValueError, InvalidOperation):
        raise QueryError(f"parameter {name}: {value!r} is not a valid {kind}") from None
    return ox.Literal(value, language="zh") if _is_cjk(value) else ox.Literal(value)


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def run_query(store: ox.Store, text: str, bindings: dict | None = None):
    """Run against the union of the plans' graphs."""
    try:
        return store.query(text, use_default_graph_as_union=True, substitutions=bindings or None)
    except SyntaxError as error:
        raise QueryError(f"SPARQL syntax error: {error}") from None
    except (RuntimeError, ValueError) as error:  # e.g. a substituted variable the query does not project
        raise QueryError(f"query failed: {error}") from None


def as_table(result) -> Table:
    """SELECT solutions → Table of strings (IRIs and literal values, unbound = '')."""
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("not a SELECT query")
    columns = [v.value for v in result.variables]
    rows = [[_plain(solution[c]) for c in columns] for solution in result]
    return Table(columns, rows)


def _plain(term) -> str:
    if term is None:
        return ""
    return term.value


def format_result(result, fmt: str) -> str:
    """table | csv | json for SELECT/ASK; Turtle for CONSTRUCT/DESCRIBE."""
    if isinstance(result, ox.QueryBoolean):
        return json.dumps({"boolean": bool(result)}) if fmt == "json" else str(bool(result)).lower()
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(result, format=ox.RdfFormat.TURTLE).decode("utf-8")
    if fmt == "csv":
        return result.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8")
    if fmt == "json":
        return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8")
    return render_table(as_table(result))


def render_table(table: Table, max_width: int = 60) -> str:
    """A plain-text table; long cells are cut with … (use csv or json for full values)."""
    def cut(s: str) -> str:
        s = s.replace("\n", " ")
        return s if len(s) <= max_width else s[: max_width - 1] + "…"

    rows = [[cut(c) for c in row] for row in table.rows]
    widths = [max([_width(c) for c in [col] + [r[i] for r in rows]]) for i, col in enumerate(table.columns)]
    line = lambda cells: " | ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths))  # noqa: E731
    out = [line(table.columns), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    out.append(f"({len(rows)} rows)")
    return "\n".join(out)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if "\u1100" <= ch and (ch <= "\u115f" or "\u2e80" <= ch <= "\ua4cf" or
                                        "\uac00" <= ch <= "\ud7a3" or "\uf900" <= ch <= "\ufaff" or
                                        "\ufe30" <= ch <= "\ufe4f" or "\uff00" <= ch <= "\uff60" or
                                        "\uffe0" <= ch <= "\uffe6") else 1 for ch in text)
