"""Requirement (具体要求) rows for every table that lists requirements, and the requirement pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kg import vocab as V
from kg.pages.facts import Row, first, group_by, record, values
from kg.pages.model import Context, SCHEMA_ORG, SiteModel

ROLE_ORDER = {str(iri): i for i, iri in enumerate(V.ROLE.values())}
ROLE_KEY = {str(iri): key for key, iri in V.ROLE.items()}
DEADLINE_KIND = {str(iri): key for key, iri in V.DEADLINE_CLASS.items()}
INFERRED = str(V.Inferred)
RECONSTRUCTED = str(V.ReconstructedAlignment)


def _node_number(iri: str) -> int:
    """The number ending a node's IRI (``…/assignment/3`` → 3), else 0."""
    _, slash, tail = iri.rpartition("/")
    return int(tail) if slash and tail.isdecimal() else 0


def requirement_index(model: SiteModel) -> dict[str, Row]:
    """One summary per requirement (what a table row shows), keyed by IRI, in plan and document order."""
    return model.memo("requirement-index", lambda: _index(model))


def _index(model: SiteModel) -> dict[str, Row]:
    assignments = group_by(model.facts.rows("assignments"), "req")
    deadlines = group_by(model.facts.rows("deadlines"), "req")
    types = group_by(model.facts.rows("requirement-types"), "req")
    index: dict[str, Row] = {}
    for row in model.facts.rows("requirements"):
        iri = row["req"]
        index[iri] = record(
            iri=iri, href=model.paths.href(iri), label=row.get("label", ""),
            seq=row.get("seq"), order=row.get("order"), text=row.get("text", ""),
            plan=model.ref(row["plan"]), group=row.get("group"),
            first=row.get("first"), last=row.get("last"), source=row.get("source"),
            reconstructed=row.get("alignment") == RECONSTRUCTED, confidence=row.get("confidence"),
            agencies=_assignments(model, assignments.get(iri, [])),
            deadlines=_deadlines(model, deadlines.get(iri, [])),
            types=[model.ref(t) for t in sorted(values(types.get(iri, []), "type"))],
        )
    model.facts.forget("deadlines", "requirement-types")  # only the index reads them (~55 MB at 1,000 plans)
    return index


def _assignments(model: SiteModel, rows: list[Row]) -> list[Row]:
    out, labels = [], _labels(model)
    for a, group in group_by(rows, "assignment").items():
        role, n = first(group, "role"), _node_number(a)
        out.append(record(anchor=f"assignment-{n}", n=n,
                          agency=model.ref(first(group, "agency")), role=ROLE_KEY.get(role, ""),
                          role_zh=labels(role, "zh"), role_en=labels(role, "en"),
                          printed=first(group, "printed", ""), inferred=first(group, "origin") == INFERRED,
                          carried_from=model.ref(first(group, "carriedFrom"))))
    return sorted(out, key=lambda a: (ROLE_ORDER.get(str(V.ROLE.get(a["role"], "")), 9), a["n"]))


def _deadlines(model: SiteModel, rows: list[Row]) -> list[Row]:
    out, labels = [], _labels(model)
    for d, group in group_by(rows, "deadline").items():
        cls, n = next((c for c in values(group, "class") if c in DEADLINE_KIND), None), _node_number(d)
        out.append(record(anchor=f"deadline-{n}", n=n,
                          kind=DEADLINE_KIND.get(cls or "", ""), kind_zh=labels(cls, "zh"),
                          kind_en=labels(cls, "en"), printed=first(group, "printed", ""),
                          due=first(group, "due"), year_inferred=first(group, "yearInferred", False),
                          event=first(group, "event"), frequency=first(group, "frequency"),
                          within=first(group, "within"), inferred=first(group, "origin") == INFERRED,
                          carried_from=model.ref(first(group, "carriedFrom"))))
    return sorted(out, key=lambda d: d["n"])


def _labels(model: SiteModel) -> Callable[[str | None, str], str]:
    """model.label, kept for the few roles and deadline kinds the index asks about 400,000 times at 1,000
    plans."""
    kept: dict[tuple[str | None, str], str] = model.memo("role-and-kind-labels", dict)

    def label(iri: str | None, lang: str) -> str:
        found = kept.get((iri, lang))
        if found is None:
            found = kept[(iri, lang)] = model.label(iri, lang)
        return found
    return label


def members(model: SiteModel) -> list[str]:
    return [row["req"] for row in model.facts.rows("requirements")]


def build(model: SiteModel) -> Iterator[Context]:
    """The page of every requirement (those this process renders)."""
    index = requirement_index(model)
    groups = model.memo("groups-by-iri", lambda: {r["group"]: r for r in model.facts.rows("groups")})
    cites = model.memo("citations-by-citer", lambda: group_by(model.facts.rows("citations"), "citer"))
    extras = model.memo("extras-by-req", lambda: group_by(model.facts.rows("requirement-extras"), "req"))
    counterparts = model.memo("counterparts-by-req", lambda: group_by(model.facts.rows("counterparts"), "req"))
    by_plan = model.memo("requirements-by-plan", lambda: _by_plan(index))
    position = model.memo("position-in-plan", lambda: {
        iri: i for siblings in by_plan.values() for i, iri in enumerate(siblings)})
    for iri, req in index.items():
        if not model.mine(iri):
            continue
        siblings, i = by_plan[req["plan"]["iri"]], position[iri]
        source = model.sources.get(req["source"] or "")
        yield model.page(
            "requirement", iri, req["label"], req=req,
            group_path=_group_path(model, groups, req["group"]),
            citations=[model.ref(doc) for doc in values(cites.get(iri, []), "doc")],
            notes=sorted(values(extras.get(iri, []), "note")),  # the rows come in no particular order
            targets=sorted(values(extras.get(iri, []), "targetText")),
            source=model.source_ref(req["source"]),
            counterparts=_counterparts(model, counterparts.get(iri, []), index),
            unmatched=[model.ref(c) for c in sorted(values(counterparts.get(iri, []), "unmatchedIn"))],
            quote=source.quote(req["first"], req["last"]) if source else [],
            previous=model.ref(siblings[i - 1]) if i > 0 else None,
            next=model.ref(siblings[i + 1]) if i + 1 < len(siblings) else None,
            jsonld=_jsonld(model, req))


def _counterparts(model: SiteModel, rows: list[Row], index: dict[str, Row]) -> list[dict[str, Any]]:
    """The same requirement in other plans, most similar first (written by the plan comparisons)."""
    out = []
    for row in rows:
        other = index.get(row.get("other", ""))
        if other is None:
            continue
        out.append({"req": other, "relation_zh": model.label(row.get("relation")),
                    "relation_en": model.label(row.get("relation"), "en"),
                    "similarity": row.get("similarity"),
                    "comparison": model.ref(row.get("comparison"))})
    # most similar first; then by plan and place in it, whatever order the rows came in
    return sorted(out, key=lambda c: (-(c["similarity"] or 0), c["req"]["plan"]["iri"], c["req"]["order"] or 0,
                                      c["req"]["iri"]))


def _by_plan(index: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for iri, req in index.items():
        out.setdefault(req["plan"]["iri"], []).append(iri)
    return out


def _group_path(model: SiteModel, groups: dict[str, dict], group: str | None) -> list[dict[str, Any]]:
    """Outer group first: 工作任务 → sub-heading."""
    path = []
    while group and group in groups and len(path) < 5:
        path.insert(0, model.ref(group, groups[group]["label"]))
        group = groups[group].get("parent")
    return path


def _jsonld(model: SiteModel, req: dict[str, Any]) -> dict[str, Any]:
    """schema.org: a requirement is a provision (Legislation) that is part of its plan."""
    doc: dict[str, Any] = {"@context": SCHEMA_ORG, "@type": "Legislation", "@id": req["iri"],
                           "name": req["label"], "inLanguage": "zh", "legislationType": "具体要求",
                           "isPartOf": {"@id": req["plan"]["iri"], "@type": "Legislation",
                                        "name": req["plan"]["label"]}}
    if req["text"]:
        doc["text"] = req["text"]
    if req["types"]:
        doc["about"] = [{"@type": "DefinedTerm", "@id": t["iri"], "name": t["label"]} for t in req["types"]]
    agencies = [a["agency"] for a in req["agencies"] if a["agency"]]
    if agencies:
        doc["legislationResponsible"] = [
            {"@type": "GovernmentOrganization", "@id": a["iri"], "name": a["label"]} for a in agencies]
    return doc
