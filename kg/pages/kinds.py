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
    # Its pages list requirement rows that other pages of the kind list again (a requirement under each of
    # its types, its region and the regions above): the static site keeps each row rendered while it
    # renders the kind. A plan's or a task group's rows are listed once, and keeping them cost memory only.
    rows_repeat: bool = False


KINDS: dict[str, Kind] = {
    "home": Kind("index.html", front.home_members, front.build_home),
    "plan": Kind("plan.html", plans.members, plans.build),
    "requirement": Kind("requirement.html", requirements.members, requirements.build),
    "agency": Kind("agency.html", agencies.members, agencies.build),
    "document": Kind("document.html", documents.members, documents.build, rows_repeat=True),
    "type": Kind("type.html", concepts.type_members, concepts.build_types, rows_repeat=True),
    "region": Kind("region.html", concepts.region_members, concepts.build_regions, rows_repeat=True),
    "resource": Kind("resource.html", resources.members, resources.build),
    "dataset": Kind("dataset.html", front.dataset_members, front.build_dataset),
    "ontology": Kind("ontology.html", front.ontology_members, front.build_ontology),
    "search": Kind("search.html", front.search_members, front.build_search),
}
