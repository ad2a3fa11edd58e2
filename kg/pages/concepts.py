"""Requirement-type (zwt:) and region pages: each lists its requirements, grouped by plan."""

from __future__ import annotations

from typing import Any

from kg.pages.facts import first, group_by, values
from kg.pages.model import Context, SCHEMA_ORG, SiteModel
from kg.pages.requirements import requirement_index


def _by_plan(reqs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    plans: dict[str, dict[str, Any]] = {}
    for req in reqs:
        plans.setdefault(req["plan"]["iri"], {"plan": req["plan"], "rows": []})["rows"].append(req)
    return list(plans.values())


# --- requirement types --------------------------------------------------------------------------------
def type_members(model: SiteModel) -> list[str]:
    return values(model.facts.rows("types"), "type")


def build_types(model: SiteModel) -> list[Context]:
    """The page of every requirement type of the scheme (and any other type a requirement carries)."""
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
    pages = []
    for iri, group in rows.items():
        zh, en = first(group, "zh") or model.label(iri), first(group, "en")
        fields = {"concept": {"zh": zh, "en": en,
                              "def_zh": first(group, "defZh"), "def_en": first(group, "defEn"),
                              "notation": first(group, "notation"),
                              "broader": [model.ref(b) for b in values(group, "broader")],
                              "narrower": [model.ref(n) for n in narrower.get(iri, [])]},
                  "plans": _by_plan(tagged.get(iri, [])), "count": len(tagged.get(iri, []))}
        jsonld = {"@context": SCHEMA_ORG, "@type": "DefinedTerm", "@id": iri, "name": zh,
                  "alternateName": en, "termCode": fields["concept"]["notation"],
                  "description": fields["concept"]["def_zh"]}
        pages.append(model.page("type", iri, zh, title_en=en, jsonld={k: v for k, v in jsonld.items() if v},
                                **fields))
    return pages


# --- regions -----------------------------------------------------------------------------------------
def region_members(model: SiteModel) -> list[str]:
    return values(model.facts.rows("regions"), "region")


def build_regions(model: SiteModel) -> list[Context]:
    """The page of every region: where it lies, what lies in it, its plans, agencies and requirements."""
    index = requirement_index(model)
    rows = group_by(model.facts.rows("regions"), "region")
    parent = {iri: first(group, "parent") for iri, group in rows.items()}
    children: dict[str, list[str]] = {}
    for iri, p in parent.items():
        if p:
            children.setdefault(p, []).append(iri)
    plan_region = {r["plan"]: r.get("region") for r in model.facts.rows("plans")}
    agencies = group_by([r for r in model.facts.rows("agencies") if r.get("region")], "region")
    pages = []
    for iri, group in rows.items():
        within = _descendants(iri, children)
        label = first(group, "label") or model.label(iri)
        plans = [p for p, r in plan_region.items() if r in within]
        reqs = [req for req in index.values() if req["plan"]["iri"] in plans]
        fields = {"region": {"label": label, "level": first(group, "level"), "code": first(group, "code"),
                             "parents": _ancestors(model, iri, parent),
                             "children": [model.ref(c) for c in children.get(iri, [])]},
                  "plans_in": [model.ref(p) for p in plans],
                  "agencies": [model.ref(a) for a in values(agencies.get(iri, []), "agency")],
                  "plans": _by_plan(reqs), "count": len(reqs)}
        jsonld = {"@context": SCHEMA_ORG, "@type": "AdministrativeArea", "@id": iri, "name": label}
        if parent.get(iri):
            jsonld["containedInPlace"] = {"@type": "AdministrativeArea", "@id": parent[iri],
                                          "name": model.label(parent[iri])}
        pages.append(model.page("region", iri, label, jsonld=jsonld, **fields))
    return pages


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
