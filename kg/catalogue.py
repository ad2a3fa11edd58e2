"""The query catalogue: `queries/*.rq` files with a comment header (title, description, parameters).

Header lines, before the first non-comment line:

    # title: Every requirement of every plan, in document order
    # title-zh: 全部具体要求（按文件顺序）
    # description: One row per requirement …
    # param: agency | string | 区财政局 | label of the agency (exact match)

Parameters are bound as typed RDF terms to SPARQL variables (``?agency``) through pyoxigraph's substitutions
(SEP-0007), never spliced into the text. A bound variable must be projected by the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.errors import QueryError

PARAM_TYPES = ("string", "integer", "date", "iri", "decimal")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # one of PARAM_TYPES
    default: str | None
    description: str


@dataclass(frozen=True)
class CatalogueQuery:
    name: str  # file stem
    title: str
    title_zh: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path


HEADER = re.compile(r"^#\s*(?P<key>[\w-]+)\s*:\s*(?P<value>.*)$")


def parse_query_file(path: Path) -> CatalogueQuery:
    """Read one .rq file and its header."""
    text = path.read_text("utf-8")
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        match = HEADER.match(line)
        if not match:
            continue
        key, value = match.group("key").lower(), match.group("value").strip()
        if key == "param":
            params.append(_parse_param(value, path, lineno))
        else:
            fields[key] = (fields[key] + " " + value) if key in fields else value
    if "title" not in fields:
        raise QueryError(f"{path}:1: the header has no '# title:' line")
    return CatalogueQuery(name=path.stem, title=fields["title"], title_zh=fields.get("title-zh", fields["title"]),
                          description=fields.get("description", ""), parameters=tuple(params), text=text,
                          path=path)


def _parse_param(value: str, path: Path, lineno: int) -> Parameter:
    parts = [p.strip() for p in value.split("|")]
    if len(parts) != 4 or parts[1] not in PARAM_TYPES:
        raise QueryError(f"{path}:{lineno}: '# param:' wants 'name | {'/'.join(PARAM_TYPES)} | default | "
                         f"description', got {value!r}")
    return Parameter(name=parts[0], type=parts[1], default=parts[2] or None, description=parts[3])


def load_catalogue(folder: Path) -> dict[str, CatalogueQuery]:
    """Every query of the catalogue by name, in name order."""
    return {q.name: q for q in (parse_query_file(p) for p in sorted(folder.glob("*.rq")))}
