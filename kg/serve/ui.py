"""The query UI: YASGUI served from site/static, with the queries of queries/ as examples."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

_HEADER_FIELD = re.compile(r"#\s*(?P<key>[A-Za-z][\w-]*)\s*:\s*(?P<value>.*)")


@dataclass(frozen=True)
class ExampleQuery:
    """One file of queries/: its name, the title and description of its comment header, its text."""

    name: str
    title: str
    description: str
    query: str


def parse_query_header(text: str) -> dict[str, str]:
    """Read ``# key: value`` lines of a query's leading comment block.

    A comment line without a ``key:`` continues the previous field (long descriptions wrap).
    """
    fields: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _HEADER_FIELD.fullmatch(stripped)
        if m:
            key = m.group("key").lower()
            fields[key] = m.group("value").strip()
        elif key is not None:
            more = stripped.lstrip("#").strip()
            if more:
                fields[key] = f"{fields[key]} {more}".strip()
    return fields


def load_examples(queries_dir: Path) -> list[ExampleQuery]:
    """Every ``*.rq`` file of the folder, sorted by file name; a missing folder gives no examples."""
    if not queries_dir.is_dir():
        return []
    examples = []
    for path in sorted(queries_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = parse_query_header(text)
        examples.append(ExampleQuery(name=path.stem, title=header.get("title", path.stem),
                                     description=header.get("description", ""), query=text))
    return examples


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
