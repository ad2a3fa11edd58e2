"""Official document (公文) pages: number, title, issuer, flags, and the plans and requirements citing it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kg import vocab as V
from kg.pages.facts import Row, first, group_by, values
from kg.pages.model import Context, SCHEMA_ORG, SiteModel
from kg.pages.requirements import requirement_index

IMPLEMENTS = str(V.implements)


def members(model: SiteModel) -> list[str]:
    return values(model.facts.rows("documents"), "doc")


def build(model: SiteModel) -> Iterator[Context]:
    """The page of every official document a plan implements or cites (those this process renders)."""
    index = requirement_index(model)
    plans = set(values(model.facts.rows("plans"), "plan"))
    cited = group_by(model.facts.rows("citations"), "doc")
    for iri, rows in group_by(model.facts.rows("documents"), "doc").items():
        if not model.mine(iri):
            continue
        label = first(rows, "number") or first(rows, "title") or first(rows, "label") or model.label(iri)
        fields = {
            "document": {"label": label, "number": first(rows, "number"), "titles": values(rows, "title"),
                         "code": first(rows, "code"), "year": first(rows, "year"),
                         "serial": first(rows, "serial"),
                         "organ": model.ref(first(rows, "organ")), "in_title": first(rows, "inTitle"),
                         "conflict": first(rows, "conflict", False), "printed": values(rows, "printed")},
            "citers": _citers(model, cited.get(iri, []), plans, index),
        }
        title = label if not fields["document"]["titles"] or label != fields["document"]["number"] \
            else f"{label} {fields['document']['titles'][0]}"
        yield model.page("document", iri, title, jsonld=_jsonld(iri, fields), **fields)


def _citers(model: SiteModel, rows: list[Row], plans: set[str],
            index: dict[str, Row]) -> list[dict[str, Any]]:
    """Citing plans, each with how it refers to the document (implements, cites) and the requirements
    of it that cite the document."""
    out: dict[str, dict[str, Any]] = {}

    def entry(plan_iri: str) -> dict[str, Any]:
        return out.setdefault(plan_iri, {"plan": model.ref(plan_iri), "implements": False, "cites": False,
                                         "rows": []})

    for row in rows:
        citer = row["citer"]
        if citer in plans:
            entry(citer)["implements" if row["relation"] == IMPLEMENTS else "cites"] = True
        elif citer in index:
            req = index[citer]
            bucket = entry(req["plan"]["iri"])["rows"]
            if req not in bucket:
                bucket.append(req)
    for item in out.values():
        item["rows"].sort(key=lambda r: r["order"] or 0)
    return sorted(out.values(), key=lambda item: item["plan"]["label"])


def _jsonld(iri: str, fields: dict[str, Any]) -> dict[str, Any]:
    doc = fields["document"]
    out: dict[str, Any] = {"@context": SCHEMA_ORG, "@type": "Legislation", "@id": iri,
                           "name": doc["titles"][0] if doc["titles"] else doc["label"], "inLanguage": "zh"}
    if doc["number"]:
        out["legislationIdentifier"] = doc["number"]
    if doc["organ"]:
        out["legislationPassedBy"] = {"@type": "GovernmentOrganization", "@id": doc["organ"]["iri"],
                                      "name": doc["organ"]["label"]}
    if doc["year"]:
        out["dateCreated"] = str(doc["year"])
    return out
