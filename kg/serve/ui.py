"""The query UI: YASGUI served from site/static, with the queries of queries/ as examples."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from kg.catalogue import CatalogueQuery, load_catalogue
from kg.query import bind_parameters

_WHERE_OPEN = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


@dataclass(frozen=True)
class ExampleQuery:
    """One query of the catalogue as the UI offers it: name, title, description, runnable text."""

    name: str
    title: str
    title_zh: str
    description: str
    query: str


def bind_defaults(cq: CatalogueQuery) -> str:
    """The query text with its parameters' defaults bound, so that it runs as it stands in the editor.

    The catalogue binds parameters as pre-bound variables; in plain text the same values go in a
    VALUES block at the head of the outermost WHERE group, where filters of that group see them.
    Parameters without a default stay unbound (the query then means "any").
    """
    bound = bind_parameters(cq, {})
    if not bound:
        return cq.text
    names = sorted(bound, key=lambda v: v.value)
    values = (f"VALUES ({' '.join('?' + v.value for v in names)}) "
              f"{{ ({' '.join(str(bound[v]) for v in names)}) }}  # parameter defaults")
    header_end = 0
    for line in cq.text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        header_end += len(line)
    m = _WHERE_OPEN.search(cq.text, header_end)
    if m is None:
        return cq.text
    return f"{cq.text[:m.end()]}\n  {values}{cq.text[m.end():]}"


def load_examples(queries_dir: Path) -> list[ExampleQuery]:
    """Every query of the catalogue folder, in name order; a missing folder gives no examples."""
    if not queries_dir.is_dir():
        return []
    return [ExampleQuery(name=cq.name, title=cq.title, title_zh=cq.title_zh, description=cq.description,
                         query=bind_defaults(cq))
            for cq in load_catalogue(queries_dir).values()]


def make_environment(templates_dir: Path) -> Environment:
    """The Jinja environment of the served pages (autoescaped, strict about missing values)."""
    return Environment(loader=FileSystemLoader(str(templates_dir)), autoescape=True,
                       undefined=StrictUndefined)


def render_query_page(env: Environment, *, endpoint_url: str, static_url: str,
                      examples: list[ExampleQuery], limits: dict[str, object]) -> str:
    """The HTML of the query UI."""
    return env.get_template("sparql.html").render(
        endpoint_url=endpoint_url, static_url=static_url.rstrip("/"),
        examples=[asdict(e) for e in examples], limits=limits)
