"""Requirement-type (zwt:) and region pages: each lists its requirements, grouped by plan, PAGE_ROWS to a
page: a type's listing grows with the country (2,000 rows at 1,000 plans), so the first rows are on the
type's page and the rest on type/x/page-2.html …, each linking the first, previous, next and last."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg.pages.facts import first, group_by, values
from kg.pages.model import Context, SCHEMA_ORG, SiteModel
from kg.pages.paths import root_for
from kg.pages.requirements import requirement_index

PAGE_ROWS = 200  # requirement rows per page of a listing: a page stays under ~1 MB however many plans


def listing_pages(page: Context, rows: list[dict[str, Any]]) -> Iterator[Context]:
    """A listing page split into pages of PAGE_ROWS rows: the first at the resource's own path (with its
    RDF alternates), the others at ``{path}/page-{n}`` (``subpage``: they describe no resource of their own)."""
    chunks = [rows[i:i + PAGE_ROWS] for i in range(0, len(rows), PAGE_ROWS)] or [[]]
    path, count = page["path"], len(chunks)

    def href(n: int) -> str:
        return (path if n == 1 else f"{path}/page-{n}") + ".html"

    for n, chunk in enumerate(chunks, 1):
        here = page if n == 1 else {**page, "path": f"{path}/page-{n}", "root": root_for(f"{path}/page-{n}"),
                                    "page_url": page["base"] + href(n), "alternates": [], "subpage": True,
                                    "title": f"{page['title']}（第{n}页）"}
        start = (n - 1) * PAGE_ROWS
        here["plans"] = _by_plan(chunk)
        here["pager"] = {"n": n, "of": count, "start": start + 1, "end": start + len(chunk), "total": len(rows),
                         "first": href(1) if n > 1 else None, "previous": href(n - 1) if n > 1 else None,
                         "next": href(n + 1) if n < count else None, "last": href(count) if n < count else None}
        yield here


def _by_plan(reqs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    plans: dict[str, dict[str, Any]] = {}
    for req in reqs:
        plans.setdefault(req["plan"]["iri"], {"plan": req["plan"], "rows": []})["rows"].append(req)
    return list(plans.values())


# --- requirement types --------------------------------------------------------------------------------
def type_members(model: SiteModel) -> list[str]:
    return values(model.facts.rows("types"), "type")


def build_types(model: SiteModel) -> Iterator[Context]:
    """The page of every requirement type of the scheme (and any other type a requirement carries) that this
    process renders."""
    index = requirement_index(model)
    rows = group_by(model.facts.rows("types"), "type")
    narrower: dict[str, list[str]] = {}
    for iri, group in rows.items():
        for broader in values(group, "broader"):
            narrower.setdefault(broader, []).append(iri)
    tagged: dict[str, list[dict[str, Any]]] = {}
    for req in index.values():
        for t in req["types"]:
            tagged.setdefault(t["iri"], []).append(req)
    for iri, group in rows.items():
        if not model.mine(iri):
            continue
        zh, en = first(group, "zh") or model.label(iri), first(group, "en")
        fields = {"concept": {"zh": zh, "en": en,
                              "def_zh": first(group, "defZh"), "def_en": first(group, "defEn"),
                              "notation": first(group, "notation"),
                              "broader": [model.ref(b) for b in values(group, "broader")],
                              "narrower": [model.ref(n) for n in narrower.get(iri, [])]},
                  "count": len(tagged.get(iri, []))}
        jsonld = {"@context": SCHEMA_ORG, "@type": "DefinedTerm", "@id": iri, "name": zh,
                  "alternateName": en, "termCode": fields["concept"]["notation"],
                  "description": fields["concept"]["def_zh"]}
        yield from listing_pages(model.page("type", iri, zh, title_en=en,
                                            jsonld={k: v for k, v in jsonld.items() if v}, **fields),
                                 tagged.get(iri, []))


# --- regions -----------------------------------------------------------------------------------------
def region_members(model: SiteModel) -> list[str]:
    return values(model.facts.rows("regions"), "region")


def build_regions(model: SiteModel) -> Iterator[Context]:
    """The page of every region (those this process renders): where it lies, what lies in it, its plans,
    agencies and requirements."""
    index = requirement_index(model)
    rows = group_by(model.facts.rows("regions"), "region")
    parent = {iri: first(group, "parent") for iri, group in rows.items()}
    children: dict[str, list[str]] = {}
    for iri, p in parent.items():
        if p:
            children.setdefault(p, []).append(iri)
    plan_region = {r["plan"]: r.get("region") for r in model.facts.rows("plans")}
    order = {plan: i for i, plan in enumerate(plan_region)}
    plans_of: dict[str | None, list[str]] = {}
    for plan, region in plan_region.items():
        plans_of.setdefault(region, []).append(plan)
    position = {req_iri: i for i, req_iri in enumerate(index)}
    reqs_of: dict[str, list[dict[str, Any]]] = {}
    for req in index.values():
        reqs_of.setdefault(req["plan"]["iri"], []).append(req)
    agencies = group_by([r for r in model.facts.rows("agencies") if r.get("region")], "region")
    for iri, group in rows.items():
        if not model.mine(iri):
            continue
        label = first(group, "label") or model.label(iri)
        plans = sorted((p for r in _descendants(iri, children) for p in plans_of.get(r, [])), key=order.get)
        reqs = sorted((req for p in plans for req in reqs_of.get(p, [])), key=lambda r: position[r["iri"]])
        fields = {"region": {"label": label, "level": first(group, "level"), "code": first(group, "code"),
                             "parents": _ancestors(model, iri, parent),
                             "children": [model.ref(c) for c in children.get(iri, [])]},
                  "plans_in": [model.ref(p) for p in plans],
                  "agencies": [model.ref(a) for a in values(agencies.get(iri, []), "agency")],
                  "count": len(reqs)}
        jsonld = {"@context": SCHEMA_ORG, "@type": "AdministrativeArea", "@id": iri, "name": label}
        if parent.get(iri):
            jsonld["containedInPlace"] = {"@type": "AdministrativeArea", "@id": parent[iri],
                                          "name": model.label(parent[iri])}
        yield from listing_pages(model.page("region", iri, label, jsonld=jsonld, **fields), reqs)



def _descendants(iri: str, children: dict[str, list[str]]) -> set[str]:
    out, todo = set(), [iri]
    while todo:
        current = todo.pop()
        if current not in out:
            out.add(current)
            todo.extend(children.get(current, []))
    return out


def _ancestors(model: SiteModel, iri: str, parent: dict[str, str | None]) -> list[dict[str, Any]]:
    out, current = [], parent.get(iri)
    while current and len(out) < 6:
        out.insert(0, model.ref(current))
        current = parent.get(current)
    return out
