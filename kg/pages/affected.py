"""Which pages a build delta affects: what an incremental site re-renders (every other page is reused).

A page shows more than its resource's own triples, so the IRIs whose quads changed (``delta.touched``)
are only the start:
- an owned node (assignment, deadline, target, VoID partition) is shown on its owner's page;
- a requirement's row (its text, agencies, deadlines, types) is shown on its plan's, agencies', types',
  regions' (and their ancestors'), citing documents' and task group's pages, and on the pages of the
  requirements that list it as a counterpart: requirement → assignment → agency is three quads away from
  a moved deadline, too far for a blind walk (three hops of kg.delta.neighbours reach every requirement
  of a type), so rows are followed through the requirement index instead;
- a relabelled resource (a plan's new title) shows on every page that links it, and in the rows of the
  requirements that carry it (a plan's, an agency's);
- every page of a changed plan is re-rendered (its requirements link one another), but a row counts as
  changed only when its digest differs from the previous build's (``row_digests``): a corrected line
  gives the document a new hash, which touches every requirement of it (its source), not their rows;
- the old side needs nothing more: a quad that is gone names both its ends in ``touched`` (the agency a
  requirement no longer has), and pages of IRIs gone from the store are deleted by the caller.
The pages that aggregate over everything (home, dataset, lifting runs) are always re-rendered. The
lifting run is named by all the sources it read, so every plan and source links a new one: their RDF
alternates are rewritten (``Affected.described``), and their HTML only where it shows the description
(the generic pages of kg.pages.resources).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from kg import vocab as V
from kg.delta import neighbours
from kg.pages.facts import Row, group_by, values
from kg.pages.model import SiteModel
from kg.pages.paths import OWNED, PARTITION
from kg.pages.requirements import requirement_index
from kg.vocab import Minter

LIFTING = str(V.LiftingActivity)
LABELS = {str(p) for p in (V.RDFS.label, V.SKOS.prefLabel, V.SKOS.altLabel, V.DCTERMS.title)}


def owner(iri: str) -> str:
    """The resource whose page shows a node: an assignment's requirement, a partition's dataset …"""
    while match := OWNED.match(iri) or PARTITION.match(iri):
        iri = match.group("owner")
    return iri


@dataclass(frozen=True)
class Affected:
    """What an incremental site rewrites: the pages of ``pages`` (with their alternates), and the RDF
    alternates alone of ``described``."""

    pages: frozenset[str]
    described: frozenset[str]
    rows: dict[str, str]  # every requirement row's digest in this build (row_digests)


OWN_FIELDS = ("source", "first", "last")  # of a requirement's index entry: shown on its own page only


def row_digest(req: Row) -> str:
    """What a requirement's row shows on other pages (its kg.pages.requirements.requirement_index entry
    but for OWN_FIELDS), as a short hash."""
    shown = {key: value for key, value in req.items() if key not in OWN_FIELDS}
    text = json.dumps(shown, sort_keys=True, ensure_ascii=False, default=_as_json)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _as_json(value: object) -> object:
    return dict(value.items()) if isinstance(value, Row) else str(value)


def row_digests(model: SiteModel) -> dict[str, str]:
    """The digest of every requirement row whose page this process rendered (kept beside the site for the
    next build's affected_pages)."""
    return {iri: row_digest(req) for iri, req in requirement_index(model).items()
            if model.mine(iri, "requirement")}


def affected_pages(model: SiteModel, plans: Iterable[str], touched: Iterable[str], relabelled: Iterable[str],
                   always: Iterable[str] = (), previous_rows: dict[str, str] | None = None) -> Affected:
    """The IRIs whose pages must be re-rendered: ``plans`` are the slugs of the changed, added and removed
    plans, ``touched`` the IRIs whose quads changed, ``relabelled`` those whose label changed,
    ``always`` pages to re-render whatever changed (a plan whose validation summary changed),
    ``previous_rows`` the previous build's row digests (None: every candidate row counts as changed)."""
    index = requirement_index(model)
    has_page = model.page_iris()
    minter, plans = Minter(model.paths.base), set(plans)
    plan_iris = {str(minter.plan(slug)) for slug in plans}
    relabelled = set(relabelled)
    runs = _runs(model)
    out = {owner(iri) for iri in touched} | set(always) | runs | {
        model.paths.base, str(minter.dataset())}
    out |= {iri for iri in has_page if minter.plan_slug(iri) in plans}
    # a row is made from its requirement's own quads, all in its plan's graph: a requirement of an
    # unchanged plan is touched only by a comparison (its counterparts), which shows on its own page
    rows = {iri for iri in out if iri in index and index[iri]["plan"]["iri"] in plan_iris}
    if relabelled:
        # the pages that show a relabelled IRI: its neighbours', or their owners' (an assignment's requirement)
        out |= {owner(iri) for iri in neighbours(model.store, relabelled)}
        rows |= {req["iri"] for req in index.values() if shown_in_row(req) & relabelled}
    digests = dict(previous_rows or {})
    digests = {iri: digest for iri, digest in digests.items() if iri in index}
    for iri in rows:
        digests[iri] = row_digest(index[iri])
    if previous_rows is not None:
        rows = {iri for iri in rows if previous_rows.get(iri) != digests[iri]}
    out |= _showing_rows(model, rows, index)
    out |= _regions_around(model, out)
    linked = neighbours(model.store, runs)
    generic = set(model.paths_of("resource"))
    out |= {iri for iri in linked if has_page.get(iri) in generic}
    return Affected(pages=frozenset(iri for iri in out if iri in has_page),
                    described=frozenset(iri for iri in linked - out if iri in has_page), rows=digests)


def shown_in_row(req: dict) -> set[str]:
    """The IRIs whose labels a requirement's row shows: its plan, group, types, agencies and the rows its
    assignments and deadlines were carried from."""
    shown = {req["plan"]["iri"], *(t["iri"] for t in req["types"])}
    if req["group"]:
        shown.add(req["group"])
    for part in (*req["agencies"], *req["deadlines"]):
        shown.update(ref["iri"] for ref in (part.get("agency"), part.get("carried_from")) if ref)
    return shown


def _runs(model: SiteModel) -> set[str]:
    """The lifting runs: they carry the build's time."""
    return {r["thing"] for r in model.facts.rows("resources") if r.get("class") == LIFTING}


def _showing_rows(model: SiteModel, rows: set[str], index: dict[str, Row]) -> set[str]:
    """The pages that show the row of one of ``rows`` (requirement IRIs)."""
    citing = model.memo("citations-by-citer", lambda: group_by(model.facts.rows("citations"), "citer"))
    listed_by = model.memo("counterparts-by-other", lambda: group_by(
        (r for r in model.facts.rows("counterparts") if "other" in r), "other"))
    out: set[str] = set()
    for iri in rows:
        req = index.get(iri)
        if req is None:
            continue
        out.add(req["plan"]["iri"])
        out.update(a["agency"]["iri"] for a in req["agencies"] if a["agency"])
        out.update(t["iri"] for t in req["types"])
        out.update(values(citing.get(iri, []), "doc"))
        out.update(values(listed_by.get(iri, []), "req"))
        if req["group"]:
            out.add(req["group"])
    return out


def _regions_around(model: SiteModel, iris: set[str]) -> set[str]:
    """The regions whose pages list one of ``iris`` (a plan and its rows, an agency), with every region
    above them (a region's page lists what its descendants hold)."""
    plans = {r["plan"]: r.get("region") for r in model.facts.rows("plans")}
    agencies = {r["agency"]: r.get("region") for r in model.facts.rows("agencies") if r.get("region")}
    parent = {r["region"]: r.get("parent") for r in model.facts.rows("regions")}
    found = {plans.get(iri) or agencies.get(iri) for iri in iris} | {iri for iri in iris if iri in parent}
    out: set[str] = set()
    for region in found:
        while region and region not in out:
            out.add(region)
            region = parent.get(region)
    return out


def relabelled(changed_lines: Iterable[bytes]) -> set[str]:
    """The subjects of changed N-Quads lines that give a label (rdfs:label, skos:prefLabel, dcterms:title)."""
    from kg.delta import split_quad

    out: set[str] = set()
    for line in changed_lines:
        s, p, _, _ = split_quad(line)
        if s.startswith(b"<") and p[1:-1].decode() in LABELS:
            out.add(s[1:-1].decode())
    return out


__all__ = ["Affected", "affected_pages", "owner", "relabelled", "row_digest", "row_digests"]
