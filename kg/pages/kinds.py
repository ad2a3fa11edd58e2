"""The kinds of page, each with the query that lists its members and the builder of its contexts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kg.pages import agencies, concepts, documents, front, plans, requirements, resources


@dataclass(frozen=True)
class Kind:
    """One kind of page: its template, who its members are, how to build their contexts."""

    template: str
    members: Callable  # (SiteModel) -> list[str] of IRIs
    build: Callable  # (SiteModel) -> list[dict]


KINDS: dict[str, Kind] = {
    "home": Kind("index.html", front.home_members, front.build_home),
    "plan": Kind("plan.html", plans.members, plans.build),
    "requirement": Kind("requirement.html", requirements.members, requirements.build),
    "agency": Kind("agency.html", agencies.members, agencies.build),
    "document": Kind("document.html", documents.members, documents.build),
    "type": Kind("type.html", concepts.type_members, concepts.build_types),
    "region": Kind("region.html", concepts.region_members, concepts.build_regions),
    "resource": Kind("resource.html", resources.members, resources.build),
    "dataset": Kind("dataset.html", front.dataset_members, front.build_dataset),
    "ontology": Kind("ontology.html", front.ontology_members, front.build_ontology),
    "search": Kind("search.html", front.search_members, front.build_search),
}
