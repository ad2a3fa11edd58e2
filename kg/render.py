"""The one Jinja environment (site/templates) that renders both the static site and the served pages.

Autoescaping is on and undefined names raise, so a label such as ``<script>`` is shown, never run, and a
template that asks for a field its context lacks fails loudly instead of printing nothing.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, pass_context
from jinja2.runtime import Context as JinjaContext
from markupsafe import Markup, escape

from kg.pages.kinds import KINDS

DICT_ATTRIBUTES = frozenset(dir(dict))  # the only attributes a plain dict has: its methods

ROLE_CLASSES = {"lead": "role-lead", "joint-lead": "role-lead", "responsible": "role-resp",
                "cooperating": "role-coop", "guiding": "role-guide"}


@pass_context
def url(ctx: JinjaContext, href: str | None) -> str | None:
    """A root-relative href made relative to the page being rendered; absolute links pass through."""
    if href is None:
        return None
    if "://" in href:
        return href
    return ctx["root"] + href


@pass_context
def link(ctx: JinjaContext, ref: dict[str, Any] | None, text: str | None = None) -> Markup:
    """An anchor to a resource's page (its label as text), or the bare label when it has no page.

    A Python global rather than a macro: pages call it thousands of times, and a macro call costs ten times
    as much."""
    if ref is None:
        return Markup("–")
    label = escape(text or ref["label"])
    href = ref["href"]
    if href is None:
        return label
    if "://" not in href:
        href = ctx["root"] + href
    return Markup(f'<a href="{escape(href)}">{label}</a>')


@pass_context
def requirement_rows(ctx: JinjaContext, rows: list[dict[str, Any]], show_plan: bool = False) -> Markup:
    """The rows of a requirement table (_req_row.html), each rendered once per page depth and kept in
    the page's `fragments` cache, when it has one: a requirement's row repeats on the pages of its types,
    regions and cited documents."""
    cache, root = ctx["fragments"], ctx["root"]
    template = ctx.environment.get_template("_req_row.html")
    if cache is None:  # rows this kind of page lists once (kg.pages.kinds.Kind.rows_repeat)
        return Markup("".join(template.render(r=row, root=root, show_plan=show_plan) for row in rows))
    out = []
    for row in rows:
        key = (row["iri"], root, show_plan)
        html = cache.get(key)
        if html is None:
            html = cache[key] = template.render(r=row, root=root, show_plan=show_plan)
        out.append(html)
    return Markup("".join(out))


def filesize(size: int | None) -> str:
    """1234567 → '1.2 MB'."""
    if size is None:
        return "–"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


class PageEnvironment(Environment):
    """Jinja, with ``page.title`` on a context dict looked up as the item it is.

    Jinja tries an attribute first and falls back to the item once AttributeError is raised; page contexts
    are plain dicts, so every field a template shows raised and caught an exception (a fifth of the time
    spent in templates). A plain dict's only attributes are its class's, so this returns what Jinja would."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@lru_cache(maxsize=8)
def environment(templates: Path) -> Environment:
    """The Jinja environment over a templates folder (one per folder, templates compiled once)."""
    env = PageEnvironment(loader=FileSystemLoader(str(templates)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    # JSON-LD blocks keep Chinese readable; |tojson still escapes < > & ' so no label can end the <script>
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    env.globals["url"] = url
    env.globals["link"] = link
    env.globals["requirement_rows"] = requirement_rows
    env.globals["role_class"] = ROLE_CLASSES
    env.filters["filesize"] = filesize
    return env


def templates_dir(site_folder: Path) -> Path:
    """settings.site_templates is the site/ folder; the templates are in its templates/."""
    return site_folder / "templates"


def template_for(env: Environment, kind: str) -> Template:
    """The compiled template of one kind of page."""
    return env.get_template(KINDS[kind].template)


def render_page(env: Environment, context: dict[str, Any]) -> str:
    """Render one page context with its kind's template."""
    return template_for(env, context["kind"]).render(context)
