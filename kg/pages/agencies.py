"""Agency pages: the region, the names an agency is printed under, and its requirements by role."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from kg import vocab as V
from kg.pages.facts import Row, first, group_by, values
from kg.pages.model import Context, SCHEMA_ORG, SiteModel
from kg.pages.requirements import ROLE_KEY, ROLE_ORDER, requirement_index

COLLECTIVE = str(V.CollectiveAgency)


def members(model: SiteModel) -> list[str]:
    return values(model.facts.rows("agencies"), "agency")


def build(model: SiteModel) -> Iterator[Context]:
    """The page of every agency, collective and issuing organ (those this process renders)."""
    index = requirement_index(model)
    by_agency = model.memo("assignments-by-agency", lambda: group_by(model.facts.rows("assignments"), "agency"))
    issued = group_by(model.facts.rows("issued"), "agency")
    for iri, rows in group_by(model.facts.rows("agencies"), "agency").items():
        if not model.mine(iri):
            continue
        label = first(rows, "label") or model.label(iri)
        assigned = by_agency.get(iri, [])
        printed = Counter(r["printed"] for r in assigned if r.get("printed"))
        fields = {
            "agency": {"label": label, "collective": COLLECTIVE in values(rows, "class"),
                       "qualified": first(rows, "qualified"), "region": model.ref(first(rows, "region")),
                       "alt_labels": [a for a in values(rows, "altLabel") if a != label],
                       "printed": [{"name": n, "count": c}  # most often first, then by name
                                   for n, c in sorted(printed.items(), key=lambda nc: (-nc[1], nc[0]))]},
            "roles": _roles(model, assigned, index),
            "issued": [model.ref(t) for t in values(issued.get(iri, []), "thing")],
            "count": len(values(assigned, "req")),
        }
        yield model.page("agency", iri, label, jsonld=_jsonld(iri, fields), **fields)


def _roles(model: SiteModel, assigned: list[Row], index: dict[str, Row]) -> list[dict[str, Any]]:
    """Requirements grouped by role (lead first), then by plan."""
    out = []
    for role, rows in sorted(group_by(assigned, "role").items(), key=lambda kv: ROLE_ORDER.get(kv[0], 9)):
        reqs = sorted((index[r] for r in values(rows, "req") if r in index),
                      key=lambda req: (req["plan"]["label"], req["order"] or 0))
        plans: dict[str, dict[str, Any]] = {}
        for req in reqs:
            plans.setdefault(req["plan"]["iri"], {"plan": req["plan"], "rows": []})["rows"].append(req)
        inferred = {r["req"] for r in rows if r.get("origin") == str(V.Inferred)}
        out.append({"role": ROLE_KEY.get(role, ""), "role_zh": model.label(role),
                    "role_en": model.label(role, "en"),
                    "count": len(reqs), "plans": list(plans.values()), "inferred": sorted(inferred)})
    return out


def _jsonld(iri: str, fields: dict[str, Any]) -> dict[str, Any]:
    agency = fields["agency"]
    doc: dict[str, Any] = {"@context": SCHEMA_ORG, "@id": iri, "name": agency["label"],
                           "@type": "Organization" if agency["collective"] else "GovernmentOrganization"}
    names = [n for n in [agency["qualified"], *agency["alt_labels"]] if n]
    if names:
        doc["alternateName"] = names
    if agency["region"]:
        doc["areaServed"] = {"@type": "AdministrativeArea", "@id": agency["region"]["iri"],
                             "name": agency["region"]["label"]}
    return doc
