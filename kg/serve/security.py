"""What a query asks for before it runs: form, updates, SERVICE calls, FROM clauses, volatile functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from kg.serve.errors import Forbidden

# Strings, IRIs and comments are recognised first so that keywords inside them are not mistaken for
# syntax (a query may well search for the text "SERVICE" or "INSERT").
_LEXEME = re.compile(
    r'(?P<iri><[^<>"{}|^`\\\s]*>)'
    r"|(?P<string>\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r"|\"(?:[^\"\\\n]|\\.)*\""
    r"|'(?:[^'\\\n]|\\.)*')"
    r"|(?P<comment>\#[^\n]*)"
    r"|(?P<other>[^<\"'\#]+|[<\"'\#])",
    re.DOTALL,
)
_NOT_NAME = r"(?<![?$\w:.-])"  # a keyword, not part of a variable or prefixed name
_PROLOGUE = re.compile(
    r"\s*(?:BASE\s*<[^>]*>|PREFIX\s+(?P<prefix>[A-Za-z][\w.-]*)?:\s*<(?P<ns>[^>]*)>)", re.IGNORECASE)
_FIRST_KEYWORD = re.compile(r"\s*([A-Za-z]+)")
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
# SPARQL 1.1 Update operations (LOAD among them): an endpoint that only reads refuses them all.
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_SERVICE = re.compile(
    _NOT_NAME + r"SERVICE\s+(?:SILENT\s+)?(?P<target><[^>]*>|[?$]\w+|(?P<pfx>[\w.-]*):(?P<local>[\w.-]*))",
    re.IGNORECASE)
_FROM = re.compile(_NOT_NAME + r"FROM\b", re.IGNORECASE)
# Functions whose value changes from one run to the next: such results are never cached.
_RELATIVE_IRI = re.compile(r"<(?![A-Za-z][\w+.-]*:)[^<>\s]*>")
_VOLATILE = re.compile(_NOT_NAME + r"(?:NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)


@dataclass(frozen=True)
class QueryInfo:
    """Facts about a query text, read without running it."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None if not recognised (the parser will say why)
    is_update: bool
    services: tuple[str, ...]  # SERVICE targets: IRIs, or variables as written
    has_dataset_clause: bool  # FROM / FROM NAMED in the query itself
    deterministic: bool  # False if NOW(), RAND(), UUID() … appear
    has_relative_iris: bool = False  # <s>: resolved against the endpoint URL, so part of the cache key

    @property
    def kind(self) -> str | None:
        """The result kind: ``solutions``, ``boolean`` or ``graph``."""
        return {"SELECT": "solutions", "ASK": "boolean", "CONSTRUCT": "graph",
                "DESCRIBE": "graph"}.get(self.form or "")


def skeleton(sparql: str) -> str:
    """The query with comments removed and string contents blanked; IRIs are kept."""
    parts = []
    for m in _LEXEME.finditer(sparql):
        if m.lastgroup == "string":
            parts.append('""')
        elif m.lastgroup == "comment":
            parts.append(" ")
        else:
            parts.append(m.group())
    return "".join(parts)


def inspect_query(sparql: str) -> QueryInfo:
    """Read the form, updates, SERVICE targets, dataset clauses and volatility of a query."""
    text = skeleton(sparql)
    prefixes: dict[str, str] = {}
    pos = 0
    while m := _PROLOGUE.match(text, pos):
        if m.group("ns") is not None:
            prefixes[m.group("prefix") or ""] = m.group("ns")
        pos = m.end()
    first = _FIRST_KEYWORD.match(text, pos)
    keyword = first.group(1).upper() if first else ""
    services = []
    for m in _SERVICE.finditer(text):
        target = m.group("target")
        if m.group("pfx") is not None and m.group("pfx") in prefixes:
            target = f"<{prefixes[m.group('pfx')]}{m.group('local')}>"
        services.append(target)
    return QueryInfo(
        form=keyword if keyword in QUERY_FORMS else None,
        is_update=keyword in UPDATE_KEYWORDS,
        services=tuple(services),
        has_dataset_clause=bool(_FROM.search(text)),
        deterministic=not _VOLATILE.search(text),
        has_relative_iris=bool(_RELATIVE_IRI.search(text)),
    )


def service_host(target: str) -> str | None:
    """``host:port`` (or ``host``) of an http(s) SERVICE IRI; None for variables and other schemes."""
    if not (target.startswith("<") and target.endswith(">")):
        return None
    parts = urlsplit(target[1:-1])
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname


def check_services(info: QueryInfo, allowlist: tuple[str, ...]) -> None:
    """Refuse SERVICE calls unless each names an http(s) IRI whose host is allowlisted.

    A public endpoint must not fetch arbitrary URLs for strangers (server-side request forgery), so a
    variable SERVICE target, which could be bound to anything, is refused too.
    """
    allowed = {a.lower() for a in allowlist}
    for target in info.services:
        host = service_host(target)
        if host is None:
            raise Forbidden(f"SERVICE {target} is not allowed: only http(s) IRIs of allowlisted hosts")
        if host.lower() not in allowed and host.split(":")[0].lower() not in allowed:
            raise Forbidden(f"SERVICE {target} is not allowed: host {host} is not on this endpoint's "
                            "allowlist")


def check_read_only(info: QueryInfo) -> None:
    """Refuse SPARQL Update (INSERT, DELETE, LOAD, CLEAR …) sent as a query."""
    if info.is_update:
        raise Forbidden("SPARQL Update is not accepted: this endpoint is read-only")
