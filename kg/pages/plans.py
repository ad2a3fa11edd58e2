"""Plan pages: the notice's metadata, what the plan implements, its task tree and its requirement table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg import vocab as V
from kg.pages.facts import Row, first, group_by, values
from kg.pages.model import Context, SCHEMA_ORG, SiteModel
from kg.pages.requirements import requirement_index
from kg.pages.validation import plan_validation

IMPLEMENTS = str(V.implements)


def members(model: SiteModel) -> list[str]:
    return values(model.facts.rows("plans"), "plan")


def build(model: SiteModel) -> Iterator[Context]:
    """The page of every plan (those this process renders)."""
    plans = group_by(model.facts.rows("plans"), "plan")
    gaps = group_by(model.facts.rows("plan-gaps"), "plan")
    cites = model.memo("citations-by-citer", lambda: group_by(model.facts.rows("citations"), "citer"))
    groups = group_by(model.facts.rows("groups"), "plan")
    reqs = _requirements_by_plan(model)
    for iri, rows in plans.items():
        if not model.mine(iri):
            continue
        row = rows[0]
        links = cites.get(iri, [])
        plan_reqs = reqs.get(iri, [])
        fields = {
            "plan": {"title": row["title"], "kind_zh": row.get("kindZh"), "kind_en": row.get("kindEn"),
                     "year": row.get("year"), "layout": row.get("layout"),
                     "region": model.ref(row.get("region")), "publisher": model.ref(row.get("publisher")),
                     "missing": values(gaps.get(iri, []), "missing")},
            "notice": _notice(model, rows),
            "implements": [model.ref(d) for d in values(
                [r for r in links if r["relation"] == IMPLEMENTS], "doc")],
            "cites": [model.ref(d) for d in values(
                [r for r in links if r["relation"] != IMPLEMENTS], "doc")],
            "source": model.source_ref(row.get("source")),
            "sections": (sections := _sections(model, plan_reqs)),
            "tree": _tree(model, groups.get(iri, []), plan_reqs,
                          {a for section in sections for a in section["anchors"]}),
            "count": len(plan_reqs),
            "validation": plan_validation(model, iri),
        }
        yield model.page("plan", iri, row["title"], title_en=row.get("kindEn"),
                         jsonld=_jsonld(model, iri, fields), **fields)


def _requirements_by_plan(model: SiteModel) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for req in requirement_index(model).values():
        out.setdefault(req["plan"]["iri"], []).append(req)
    return out


def _notice(model: SiteModel, rows: list[Row]) -> dict[str, Any] | None:
    notice = first(rows, "notice")
    if notice is None:
        return None
    return {"ref": model.ref(notice), "title": first(rows, "noticeTitle"), "issued": first(rows, "issued"),
            "number": first(rows, "number"), "printed": first(rows, "numberPrinted"),
            "first": first(rows, "noticeFirst"), "last": first(rows, "noticeLast")}


def _group_key(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _tree(model: SiteModel, rows: list[Row], reqs: list[dict[str, Any]],
          anchors: set[str]) -> list[dict[str, Any]]:
    """Level-1 task groups with their sub-groups, each with the number of requirements under it and a link
    to its place in the requirement table (or to its own page when no requirement sits under it)."""
    counts: dict[str, int] = {}
    for req in reqs:
        if req["group"]:
            counts[req["group"]] = counts.get(req["group"], 0) + 1
    nodes = {r["group"]: {"ref": model.ref(r["group"], r["label"]),
                          "anchor": a if (a := "group-" + _group_key(r["group"])) in anchors else None,
                          "count": counts.get(r["group"], 0), "children": [], "parent": r.get("parent"),
                          "level": r.get("level", 1), "order": r.get("order", 0)} for r in rows}
    top = []
    for node in sorted(nodes.values(), key=lambda n: (n["level"], n["order"])):
        parent = nodes.get(node["parent"] or "")
        (parent["children"] if parent else top).append(node)
    for node in nodes.values():
        node["total"] = node["count"] + sum(c["count"] for c in node["children"])
    return top


def _sections(model: SiteModel, reqs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive requirements under one group, in document order, for the requirement table."""
    groups = model.memo("groups-by-iri", lambda: {r["group"]: r for r in model.facts.rows("groups")})
    sections: list[dict[str, Any]] = []
    for req in reqs:
        if not sections or sections[-1]["group"] != req["group"]:
            path, group = [], req["group"]
            while group in groups and len(path) < 5:
                path.insert(0, model.ref(group, groups[group]["label"]))
                group = groups[group].get("parent")
            sections.append({"group": req["group"], "path": path, "rows": [], "anchors": []})
        sections[-1]["rows"].append(req)
    seen: set[str] = set()
    for section in sections:  # each group of the path is anchored where its first requirement is
        for group in section["path"]:
            anchor = "group-" + _group_key(group["iri"])
            if anchor not in seen:
                seen.add(anchor)
                section["anchors"].append(anchor)
    return sections


def _jsonld(model: SiteModel, iri: str, fields: dict[str, Any]) -> dict[str, Any]:
    """schema.org Legislation: the plan, its publisher, region, the documents it implements and cites."""
    plan, notice = fields["plan"], fields["notice"]
    doc: dict[str, Any] = {"@context": SCHEMA_ORG, "@type": "Legislation", "@id": iri,
                           "name": plan["title"], "inLanguage": "zh", "legislationType": plan["kind_zh"]}
    if plan["year"]:
        doc["temporalCoverage"] = str(plan["year"])
    if notice and notice["issued"]:
        doc["legislationDate"] = notice["issued"]
    if notice and notice["number"]:
        doc["legislationIdentifier"] = notice["number"]
    if plan["publisher"]:
        doc["legislationPassedBy"] = {"@type": "GovernmentOrganization", "@id": plan["publisher"]["iri"],
                                      "name": plan["publisher"]["label"]}
    if plan["region"]:
        doc["legislationJurisdiction"] = {"@type": "AdministrativeArea", "@id": plan["region"]["iri"],
                                          "name": plan["region"]["label"]}
    if fields["implements"]:
        doc["isBasedOn"] = [{"@type": "Legislation", "@id": d["iri"], "name": d["label"]}
                            for d in fields["implements"]]
    if fields["cites"]:
        doc["citation"] = [{"@type": "Legislation", "@id": d["iri"], "name": d["label"]}
                           for d in fields["cites"]]
    return doc
