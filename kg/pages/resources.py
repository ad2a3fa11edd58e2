"""Generic pages for the resources that have no page of their own kind: notices, task groups, source
documents and lifting runs. They show the resource's RDF description as a property table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from kg import vocab as V
from kg.pages.facts import group_by, values
from kg.pages.model import Context, SCHEMA_ORG, SiteModel
from kg.pages.requirements import requirement_index

TYPE = str(V.RDF.type)
IN_GROUP = str(V.inGroup)


def members(model: SiteModel) -> list[str]:
    return values(model.facts.rows("resources"), "thing")


def build(model: SiteModel) -> Iterator[Context]:
    """One generic page per resource (those this process renders), in IRI order: a plan's task groups and
    notice follow one another, so its graph is read once."""
    index = requirement_index(model)
    classes = group_by(model.facts.rows("resources"), "thing")
    for iri in sorted(classes):
        if model.mine(iri):
            yield resource_page(model, iri, values(classes[iri], "class"), index)


def _rows_by_group(model: SiteModel, index: dict[str, dict]) -> dict[str, list[dict[str, Any]]]:
    """Requirements under each task group, in document order."""
    def make() -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for req in index.values():
            if req["group"]:
                out.setdefault(req["group"], []).append(req)
        for rows in out.values():
            rows.sort(key=lambda r: r["order"] or 0)
        return out
    return model.memo("requirements-by-group", make)


def resource_page(model: SiteModel, iri: str, classes: list[str], index: dict[str, dict]) -> Context:
    """The context of a generic page, from the resource's description."""
    outgoing: dict[str, list[dict[str, Any]]] = {}
    incoming: dict[str, list[dict[str, Any]]] = {}
    for triple in model.description(iri):
        s, p, o = triple.subject, triple.predicate.value, triple.object
        if isinstance(s, ox.NamedNode) and s.value == iri and p != TYPE:
            outgoing.setdefault(p, []).append(term_value(model, o))
        elif isinstance(o, ox.NamedNode) and o.value == iri and isinstance(s, ox.NamedNode) and p != IN_GROUP:
            incoming.setdefault(p, []).append(term_value(model, s))
    label = model.label(iri)
    source = model.source_ref(iri)
    rows = _rows_by_group(model, index).get(iri, [])
    return model.page(
        "resource", iri, label, classes=[model.ref(c) for c in classes],
        properties=[{"ref": model.ref(p), "objects": v} for p, v in outgoing.items()],
        incoming=[{"ref": model.ref(p), "objects": v} for p, v in incoming.items()],
        source=source, rows=rows,
        jsonld={"@context": SCHEMA_ORG, "@type": "Thing", "@id": iri, "name": label})


def term_value(model: SiteModel, term: Any) -> dict[str, Any]:
    """How a property value shows: a link for IRIs, the text (and its language or datatype) for literals."""
    if isinstance(term, ox.NamedNode):
        return {"ref": model.ref(term.value)}
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        return {"text": term.value, "lang": term.language,
                "datatype": None if term.language or datatype == "string" else datatype}
    return {"text": "（空白节点 blank node）", "lang": None, "datatype": None}
