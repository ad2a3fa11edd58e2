"""The site model: every page's context as a plain dict, built from a few queries per kind of page."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import vocab as V
from kg.pages.facts import Facts, group_by
from kg.pages.paths import Paths, root_for
from kg.pages.sources import SourceText, load_source
from kg.settings import Settings

# What a resource's description takes in besides its own triples.
OWNED_LINKS = {ox.NamedNode(str(p)) for p in (V.assignment, V.deadline, V.hasTarget, V.VOID.classPartition,
                                                V.VOID.propertyPartition, V.DCAT.distribution)}
DEADLINE = ox.NamedNode(str(V.deadline))
HAS_END = ox.NamedNode(str(V.TIME.hasEnd))
SCHEMA_ORG = str(V.SCHEMA)  # the @context of the JSON-LD every page embeds
# The RDF serialisations of a description, by file suffix, and the prefixes Turtle and RDF/XML use.
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD,
               ".rdf": ox.RdfFormat.RDF_XML}
PREFIXES = {name: str(ns) for name, ns in V.PREFIXES.items()}
# RDF alternates every entity page links (suffix, media type, label).
ALTERNATES = ((".ttl", "text/turtle", "Turtle"), (".nt", "application/n-triples", "N-Triples"),
              (".jsonld", "application/ld+json", "JSON-LD"), (".rdf", "application/rdf+xml", "RDF/XML"))
Context = dict[str, Any]


class SiteModel:
    """Page contexts for one built store; each kind is built once, on first use, and kept."""

    def __init__(self, store: ox.Store, settings: Settings, build_dir: Path | None = None,
                 site_dir: Path | None = None) -> None:
        from kg.pages import kinds  # the builders import this module

        self.store = store
        self.settings = settings
        self.build_dir = build_dir or settings.build
        self.site_dir = site_dir or self.build_dir / "site"  # where dumps and sources are (being) written
        self.facts = Facts(store, settings.site_templates / "queries")
        self.paths = Paths(settings.base)
        self.kinds = kinds.KINDS
        self._contexts: dict[str, list[Context]] = {}
        self._by_path: dict[str, tuple[str, str]] = {}  # page path → (kind, iri)
        self._memo: dict[str, Any] = {}
        self._refs: dict[tuple[str, str | None], dict[str, Any]] = {}
        self._described: dict[str, list[ox.Triple]] = {}
        self.fragments: dict[tuple, str] = {}  # rendered table rows, shared by the pages of this model
        for kind, spec in self.kinds.items():
            for iri in spec.members(self):
                path = self.paths.path(iri)
                if path is not None:
                    self.paths.known.add(path)
                    self._by_path[path] = (kind, iri)

    # --- lookups shared by the builders ---------------------------------------------------------
    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        """A value several builders share (the requirement index …), made once."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @cached_property
    def labels(self) -> dict[str, dict[str, str]]:
        return {row["thing"]: row for row in self.facts.rows("labels")}

    def label(self, iri: str | None, lang: str = "zh") -> str:
        """The label to show for an IRI: Chinese first, then untagged, then English, then the IRI's tail."""
        if not iri:
            return ""
        found = self.labels.get(iri, {})
        order = ("zh", "plain", "en") if lang == "zh" else ("en", "plain", "zh")
        for key in order:
            if found.get(key):
                return found[key]
        return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def ref(self, iri: str | None, label: str | None = None) -> dict[str, Any] | None:
        """A link to a resource: its IRI, its root-relative href (None if it has no page) and labels.
        Shared between contexts (templates only read them), so each is made once."""
        if not iri:
            return None
        key = (iri, label)
        found = self._refs.get(key)
        if found is None:
            found = self._refs[key] = {"iri": iri, "href": self.paths.href(iri),
                                       "label": label or self.label(iri),
                                       "label_en": self.labels.get(iri, {}).get("en")}
        return found

    @cached_property
    def sources(self) -> dict[str, SourceText]:
        return {row["source"]: load_source(row["source"], row["label"], row["sha"], self.settings.corpus)
                for row in self.facts.rows("sources")}

    def source_ref(self, iri: str | None) -> dict[str, Any] | None:
        source = self.sources.get(iri or "")
        if source is None:
            return None
        return {"iri": source.iri, "name": source.name, "sha256": source.sha256,
                "href": source.site_file if source.path else None, "page": self.paths.href(source.iri)}

    def page(self, kind: str, iri: str, title: str, **fields: Any) -> Context:
        """The fields every page has; `fields` adds the kind's own."""
        path = self.paths.path(iri) or kind
        return {"kind": kind, "iri": iri, "path": path, "root": root_for(path), "title": title,
                "title_en": fields.pop("title_en", None), "base": self.paths.base,
                "page_url": self.paths.base + path + ".html",
                "alternates": [{"href": path.rsplit("/", 1)[-1] + suffix, "media": media, "label": label}
                               for suffix, media, label in ALTERNATES],
                "searchable": kind in ("plan", "requirement", "agency", "document"),
                "fragments": self.fragments, **fields}

    # --- pages -----------------------------------------------------------------------------------
    def contexts(self, kind: str) -> list[Context]:
        """Every page of one kind (built once)."""
        if kind not in self._contexts:
            self._contexts[kind] = self.kinds[kind].build(self)
        return self._contexts[kind]

    def context_for(self, path: str) -> Context | None:
        """The context of the page at a site path (``id/plan/x``), or None."""
        found = self._by_path.get(path)
        if found is None:
            return None
        kind, iri = found
        return next((c for c in self.contexts(kind) if c["iri"] == iri), None)

    def kind_of(self, path: str) -> str | None:
        found = self._by_path.get(path)
        return found[0] if found else None

    def paths_of(self, kind: str) -> list[str]:
        return [path for path, (k, _) in self._by_path.items() if k == kind]

    # --- RDF descriptions (the .ttl/.nt/.jsonld/.rdf alternates) ---------------------------------
    def _triples(self, subject: Any = None, obj: Any = None) -> set[ox.Triple]:
        """Triples matching a pattern in any graph (a shared node is written into every plan's graph)."""
        return {quad.triple for quad in self.store.quads_for_pattern(subject, None, obj, None)}

    def description(self, iri: str) -> list[ox.Triple]:
        """The triples published about one resource: its own; those of the nodes it owns (assignments,
        deadlines and their time:Instant, targets, VoID partitions, DCAT distributions); and those that
        point at it from named resources (who cites a document, which requirements have a type …)."""
        if iri not in self._described:
            self._described[iri] = self._describe(iri)
        return self._described[iri]

    def _describe(self, iri: str) -> list[ox.Triple]:
        node = ox.NamedNode(iri)
        own = self._triples(node)
        found = own | {t for t in self._triples(obj=node) if not isinstance(t.subject, ox.BlankNode)}
        for triple in own:
            if triple.predicate in OWNED_LINKS:
                owned = self._triples(triple.object)
                found |= owned
                if triple.predicate == DEADLINE:
                    for inner in owned:
                        if inner.predicate == HAS_END:
                            found |= self._triples(inner.object)
        # grouped by subject and predicate: the serialisers abbreviate runs (Turtle ; and , JSON-LD objects)
        return sorted(found, key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))


def serialise(triples: list[ox.Triple], suffix: str) -> bytes:
    """A description as the file with this suffix (``.ttl .nt .jsonld .rdf``) holds it."""
    return ox.serialize(triples, format=RDF_FORMATS[suffix], prefixes=PREFIXES)


Builder = Callable[[SiteModel], list[Context]]
__all__ = ["ALTERNATES", "RDF_FORMATS", "Context", "SiteModel", "group_by", "serialise"]
