"""The site model: every page's context as a plain dict, built from a few queries per kind of page."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import vocab as V
from kg.pages.claims import Claims
from kg.pages.facts import Facts, group_by
from kg.pages.paths import Paths, root_for
from kg.pages.plan_quads import PlanQuads
from kg.pages.sources import SourceText, load_source
from kg.errors import ConfigError
from kg.settings import Settings
from kg.vocab import Minter

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
                 site_dir: Path | None = None, facts: Facts | None = None) -> None:
        from kg.pages import kinds  # the builders import this module

        self.store = store
        self.settings = settings
        self.build_dir = build_dir or settings.build
        self.site_dir = site_dir or self.build_dir / "site"  # where dumps and sources are (being) written
        self.facts = facts or page_facts(store, settings)
        self.paths = Paths(settings.base)
        self.kinds = kinds.KINDS
        self._contexts: dict[str, list[Context]] = {}
        self._by_path: dict[str, tuple[str, str]] = {}  # page path → (kind, iri)
        self._memo: dict[str, Any] = {}
        self._refs: dict[tuple[str, str | None], dict[str, Any]] = {}
        self._described: dict[str, list[ox.Triple]] = {}
        self.fragments: dict[tuple, str] | None = {}  # rendered table rows, shared by pages (None: not kept)
        # The static site renders in worker processes, which share the pages out as they go (`claims`,
        # asked for the kind being rendered), and keep no description once its files are written.
        self.claims: Claims | None = None  # None: every page is this process's
        self.rendering = ""  # the kind of page being rendered
        self.keep_described = True
        # An incremental site re-renders only the pages of these IRIs (kg.pages.affected); None: every page.
        self.only: frozenset[str] | None = None
        # A renderer describes a plan's requirements from the plan's quads in memory (kg.pages.plan_quads).
        self.plan_quads: PlanQuads | None = None
        self._minter = Minter(self.paths.base)
        self.rdf_suffixes = static_rdf_suffixes(settings)
        self._alternates = [a for a in ALTERNATES if a[0] in self.rdf_suffixes]
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
                               for suffix, media, label in self._alternates],
                "fragments": self.fragments, **fields}

    # --- pages -----------------------------------------------------------------------------------
    def mine(self, iri: str, kind: str | None = None) -> bool:
        """Whether this process renders the page of `iri` (of the kind being rendered, unless `kind` says):
        with several renderers, the first to reach a run of pages takes it (kg.pages.claims); a plan's pages
        of one kind are in one run, as they are described from the plan's quads."""
        if self.only is not None and iri not in self.only:
            return False
        if self.claims is None:
            return True
        slug = self._minter.plan_slug(iri)
        return self.claims.take(kind or self.rendering, self._plan_ranks.get(slug) if slug else None)

    def share_pages(self, renderers: int) -> Claims | None:
        """The runs of pages `renderers` processes share (None for one); each sets `claims` to its view."""
        if renderers < 2:
            return None
        pages = {kind: len(self.paths_of(kind)) for kind in self.kinds}
        return Claims(pages, len(self._plan_ranks))

    @cached_property
    def _plan_ranks(self) -> dict[str, int]:
        """Each plan's place among the plans' slugs in order."""
        slugs = {path.split("/")[2] for path, (kind, _) in self._by_path.items() if kind == "plan"}
        return {slug: rank for rank, slug in enumerate(sorted(slugs))}

    def contexts(self, kind: str) -> list[Context]:
        """Every page of one kind (built once)."""
        if kind not in self._contexts:
            self._contexts[kind] = list(self.kinds[kind].build(self))
        return self._contexts[kind]

    def iter_contexts(self, kind: str) -> Iterator[Context]:
        """The pages of one kind this process renders, one at a time and not kept (the static site)."""
        return iter(self.kinds[kind].build(self))

    def context_for(self, path: str) -> Context | None:
        """The context of the page at a site path (``id/plan/x``, or ``type/x/page-2`` of a long listing),
        or None."""
        owner, _, number = path.rpartition("/page-")
        found = self._by_path.get(path) or (self._by_path.get(owner) if number.isdigit() else None)
        if found is None:
            return None
        return next((c for c in self.contexts(found[0]) if c["path"] == path), None)

    def kind_of(self, path: str) -> str | None:
        found = self._by_path.get(path)
        return found[0] if found else None

    def page_iris(self) -> dict[str, str]:
        """Every IRI that has a page, with its page path."""
        return {iri: path for path, (_, iri) in self._by_path.items()}

    def paths_of(self, kind: str) -> list[str]:
        return [path for path, (k, _) in self._by_path.items() if k == kind]

    # --- RDF descriptions (the .ttl/.nt/.jsonld/.rdf alternates) ---------------------------------
    def _triples(self, subject: Any = None, obj: Any = None, store: ox.Store | None = None) -> set[ox.Triple]:
        """Triples matching a pattern in any graph (a shared node is written into every plan's graph)."""
        return {quad.triple for quad in (store or self.store).quads_for_pattern(subject, None, obj, None)}

    def description(self, iri: str) -> list[ox.Triple]:
        """The triples published about one resource: its own; those of the nodes it owns (assignments,
        deadlines and their time:Instant, targets, VoID partitions, DCAT distributions); and those that
        point at it from named resources (who cites a document, which requirements have a type …)."""
        found = self._described.get(iri)
        if found is None:
            found = self._describe(iri)
            if self.keep_described:
                self._described[iri] = found
            else:  # the static site asks twice at most in a row (a generic page, then its files)
                self._described = {iri: found}
        return found

    def _describe(self, iri: str) -> list[ox.Triple]:
        node = ox.NamedNode(iri)
        plan = self.plan_quads.plan_of(iri) if self.plan_quads is not None else None
        if plan is None:
            read = self._triples
        else:  # the plan's quads hold its nodes' triples (kg.pages.plan_quads); other nodes: the store
            plan_iri, plan_store = plan

            def read(subject: Any = None, obj: Any = None) -> set[ox.Triple]:
                term = subject if subject is not None else obj
                inside = isinstance(term, ox.BlankNode) or PlanQuads.holds(plan_iri, term.value)
                return self._triples(subject, obj, plan_store if inside else None)
        own = read(node)
        found = own | {t for t in read(obj=node) if not isinstance(t.subject, ox.BlankNode)}
        for triple in own:
            if triple.predicate in OWNED_LINKS:
                owned = read(triple.object)
                found |= owned
                if triple.predicate == DEADLINE:
                    for inner in owned:
                        if inner.predicate == HAS_END:
                            found |= read(inner.object)
        return canonical_blanks(found)


def page_facts(store: ox.Store, settings: Settings) -> Facts:
    """The page queries (site/queries/*.rq) over a store."""
    return Facts(store, settings.site_templates / "queries")


def canonical_blanks(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples with each blank node labelled by a hash of its surroundings, sorted: the store labels
    blank nodes anew on every load, and a description should be the same file whatever build wrote it.
    Labels are refined from the neighbours' labels until they tell no more nodes apart (an RDF list's
    nodes differ only further along); nodes still alike are interchangeable, and get a counter."""
    triples = list(triples)
    blanks = {term for t in triples for term in (t.subject, t.object) if isinstance(term, ox.BlankNode)}
    if not blanks:
        return sorted(triples, key=_triple_key)
    # Only the triples at a blank node tell it apart; their other terms' text is the same every round.
    edges = [(t.subject, str(t.subject), str(t.predicate), t.object, str(t.object))
             for t in triples if t.subject in blanks or t.object in blanks]
    label = {b: "" for b in blanks}
    distinct = 1
    while True:
        signature: dict[ox.BlankNode, list[str]] = {b: [label[b]] for b in blanks}
        for subject, subject_text, predicate, obj, obj_text in edges:
            s, o = label.get(subject, subject_text), label.get(obj, obj_text)
            if subject in signature:
                signature[subject].append(f"> {predicate} {o}")
            if obj in signature:
                signature[obj].append(f"< {s} {predicate}")
        label = {b: hashlib.sha256("\n".join(sorted(sig)).encode()).hexdigest()[:24] for b, sig in signature.items()}
        if len(set(label.values())) == distinct:
            break
        distinct = len(set(label.values()))
    seen: dict[str, int] = {}
    named: dict[ox.BlankNode, ox.BlankNode] = {}
    for b in sorted(blanks, key=lambda b: label[b]):
        n = seen[label[b]] = seen.get(label[b], -1) + 1
        named[b] = ox.BlankNode(f"b{label[b]}" + (f"x{n}" if n else ""))
    out = [ox.Triple(named.get(t.subject, t.subject), t.predicate, named.get(t.object, t.object))
           if t.subject in named or t.object in named else t for t in triples]
    # grouped by subject and predicate: the serialisers abbreviate runs (Turtle ; and , JSON-LD objects)
    return sorted(out, key=_triple_key)


def _triple_key(t: ox.Triple) -> tuple[str, str, str]:
    return t.subject.value, t.predicate.value, str(t.object)


def static_rdf_suffixes(settings: Settings) -> tuple[str, ...]:
    """The RDF alternates the static site writes (settings.site_rdf), as file suffixes in RDF_FORMATS order."""
    wanted = {"." + name.strip().lstrip(".").lower() for name in settings.site_rdf}
    unknown = wanted - set(RDF_FORMATS)
    if unknown:
        raise ConfigError(f"setting site_rdf: unknown format(s) {', '.join(sorted(unknown))}; "
                          f"choose from {', '.join(s[1:] for s in RDF_FORMATS)}")
    return tuple(suffix for suffix in RDF_FORMATS if suffix in wanted)


def serialise(triples: list[ox.Triple], suffix: str) -> bytes:
    """A description as the file with this suffix (``.ttl .nt .jsonld .rdf``) holds it."""
    return ox.serialize(triples, format=RDF_FORMATS[suffix], prefixes=PREFIXES)


Builder = Callable[[SiteModel], list[Context]]
__all__ = ["ALTERNATES", "RDF_FORMATS", "Context", "SiteModel", "group_by", "serialise"]
