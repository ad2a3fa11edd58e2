"""APIRouter for the linked-data pages: every entity URI dereferences, with content negotiation.

``GET /id/plan/x`` (the URI itself) answers 303 See Other to the representation the Accept header prefers:
``x.html``, ``x.ttl``, ``x.nt``, ``x.jsonld`` or ``x.rdf``. Those suffixed URLs answer 200 directly, so
clients that cannot set headers pick a format by URL. HTML is rendered live with the templates and page
contexts of the static site (kg.render, kg.pages), so a served page and its static copy are the same page.
"""

from __future__ import annotations

import threading

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from kg.formats import GRAPH_FORMATS, HTML, Format, negotiate, parse_accept
from kg.pages import RDF_FORMATS, SiteModel, serialise
from kg.pages.paths import RDF_SUFFIXES
from kg.pages.requirements import requirement_index
from kg.pages.resources import resource_page
from kg.render import environment, render_page, templates_dir
from kg.serve.errors import NotAcceptable, ProtocolError
from kg.settings import Settings
from kg.vocab import RDF, Minter

SUFFIX_BY_FORMAT = {"html": ".html", "turtle": ".ttl", "ntriples": ".nt", "jsonld": ".jsonld",
                    "rdfxml": ".rdf"}
MEDIA_BY_SUFFIX = {".html": "text/html; charset=utf-8", ".ttl": "text/turtle; charset=utf-8",
                   ".nt": "application/n-triples", ".jsonld": "application/ld+json",
                   ".rdf": "application/rdf+xml"}
RDF_TYPE = ox.NamedNode(str(RDF.type))
OFFERED: tuple[Format, ...] = (HTML, *GRAPH_FORMATS)  # HTML first: browsers send */* among their types


class ResourceNotFound(ProtocolError):
    """No resource with this URI in the build."""

    status = 404


class LinkedDataPages:
    """Answers page and RDF requests from one SiteModel over the read-only store of a build."""

    def __init__(self, settings: Settings, store: ox.Store) -> None:
        self.settings = settings
        self.store = store
        self.site_dir = settings.build / "site"
        self.env = environment(templates_dir(settings.site_templates))
        self._model: SiteModel | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> SiteModel:
        """Built on first use; the build's store never changes while it is served."""
        with self._lock:
            if self._model is None:
                self._model = SiteModel(self.store, self.settings)
            return self._model

    # --- handlers ----------------------------------------------------------------------------------
    def entity(self, request: Request, rest: str) -> Response:
        """/id/…: the URI of a plan, requirement, agency, region, document, group, notice, source …"""
        return self._answer(request, "id/" + rest)

    def requirement_type(self, request: Request, rest: str) -> Response:
        """/type/…: requirement types (https://w3id.org/zwgk/type/… redirects here)."""
        return self._answer(request, "type/" + rest)

    def ontology(self, request: Request, suffix: str = "") -> Response:
        """/ontology and /def (the ontology namespace redirects here), /ontology.html, /ontology.ttl …"""
        return self._answer(request, "ontology" + suffix)

    def home(self, request: Request) -> Response:
        """/ and /index.html: the home page (RDF clients are sent to the VoID description)."""
        fmt = self._negotiate(request)
        if fmt.name != "html":
            return _see_other("void.ttl")
        return self._html("index")

    def ontology_as(self, request: Request, ext: str) -> Response:
        return self._answer(request, f"ontology.{ext}")

    def search(self, request: Request) -> Response:
        return self._html("search")

    def void(self, request: Request) -> Response:
        """The dataset's VoID/DCAT description, as void.ttl of the static site."""
        return self._rdf(self.model.paths.path(str(Minter(self.settings.base).dataset())) or "", ".ttl")

    def sitemap(self, request: Request) -> Response:
        return self._site_file("sitemap.xml")

    def robots(self, request: Request) -> Response:
        return self._site_file("robots.txt")

    # Files of build/site/ the pages link to: dumps, the search index, source texts, validation reports.
    def dumps(self, request: Request, rest: str) -> Response:
        return self._site_file(f"dumps/{rest}")

    def search_index(self, request: Request, rest: str) -> Response:
        return self._site_file(f"search-index/{rest}")

    def sources(self, request: Request, rest: str) -> Response:
        return self._site_file(f"sources/{rest}")

    def validation(self, request: Request, rest: str) -> Response:
        return self._site_file(f"validation/{rest}")

    def _site_file(self, rest: str) -> Response:
        path = (self.site_dir / rest).resolve()
        if not path.is_relative_to(self.site_dir.resolve()) or not path.is_file():
            raise ResourceNotFound(f"/{rest}: not in this build's site (run `kg site`)")
        # a gzipped dump is a gzip file to clients (no Content-Encoding: they keep it packed)
        return FileResponse(path, media_type="application/gzip" if path.suffix == ".gz" else None)

    # --- negotiation -------------------------------------------------------------------------------
    def _answer(self, request: Request, path: str) -> Response:
        stem, suffix = _split_suffix(path)
        if suffix == ".html":
            return self._html(stem)
        if suffix:
            return self._rdf(stem, suffix)
        if not self._exists(stem):
            raise ResourceNotFound(f"/{stem}: no such resource in this build")
        fmt = self._negotiate(request)
        name = stem.rsplit("/", 1)[-1]
        return _see_other(name + SUFFIX_BY_FORMAT[fmt.name])

    def _negotiate(self, request: Request) -> Format:
        fmt = negotiate(parse_accept(request.headers.get("accept")), OFFERED)
        if fmt is None:
            offered = ", ".join(f.media_type for f in OFFERED)
            raise NotAcceptable(f"no acceptable representation; this resource is available as {offered}")
        return fmt

    def _exists(self, stem: str) -> bool:
        model = self.model
        return model.kind_of(stem) is not None or bool(model.description(model.paths.iri(stem)))

    def _html(self, stem: str) -> Response:
        model = self.model
        context = model.context_for(stem)
        if context is None:
            iri = model.paths.iri(stem)
            anchor = model.paths.href(iri)
            if anchor and "#" in anchor:  # a node shown on its owner's page (an assignment, a deadline …)
                return _see_other("/" + anchor)
            triples = model.description(iri)
            if not triples:
                raise ResourceNotFound(f"/{stem}: no such resource in this build")
            node = ox.NamedNode(iri)
            classes = [t.object.value for t in triples if t.subject == node and t.predicate == RDF_TYPE
                       and isinstance(t.object, ox.NamedNode)]
            context = resource_page(model, iri, classes, requirement_index(model))
        return HTMLResponse(render_page(self.env, context), headers={"Vary": "Accept"})

    def _rdf(self, stem: str, suffix: str) -> Response:
        if suffix not in RDF_FORMATS:
            raise ResourceNotFound(f"/{stem}{suffix}: unknown suffix (try .html .ttl .nt .jsonld .rdf)")
        if stem == "ontology":
            triples = self._ontology_triples()
        else:
            triples = self.model.description(self.model.paths.iri(stem))
        if not triples:
            raise ResourceNotFound(f"/{stem}: no such resource in this build")
        page = stem.rsplit("/", 1)[-1] + ".html"
        return Response(serialise(triples, suffix), media_type=MEDIA_BY_SUFFIX[suffix],
                        headers={"Link": f'<{page}>; rel="alternate"; type="text/html"'})

    def _ontology_triples(self) -> list[ox.Triple]:
        triples: list[ox.Triple] = []
        for path in sorted(self.settings.ontology.glob("*.ttl")):
            triples.extend(q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        return triples


def _split_suffix(path: str) -> tuple[str, str]:
    """``id/plan/x.ttl`` → (``id/plan/x``, ``.ttl``); a path without a known suffix has none."""
    for suffix in (".html", *RDF_SUFFIXES):
        if path.endswith(suffix):
            return path[: -len(suffix)], suffix
    return path, ""


def _see_other(location: str) -> Response:
    """303 to another representation; Vary, because the target depends on the Accept header."""
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})


def pages_router(settings: Settings, store: ox.Store) -> APIRouter:
    """The router to include in the server app: entity URIs, site pages and the files pages link to."""
    pages = LinkedDataPages(settings, store)
    router = APIRouter()
    get = ["GET", "HEAD"]
    router.add_api_route("/", pages.home, methods=get, summary="Home page (RDF clients: 303 to void.ttl)")
    router.add_api_route("/index.html", pages.home, methods=get, include_in_schema=False)
    router.add_api_route("/search.html", pages.search, methods=get, summary="Search page")
    router.add_api_route("/id/{rest:path}", pages.entity, methods=get,
                         summary="Dereference an entity URI (303 by Accept), or a representation by suffix")
    router.add_api_route("/type/{rest:path}", pages.requirement_type, methods=get,
                         summary="Dereference a requirement type")
    router.add_api_route("/ontology", pages.ontology, methods=get, summary="The ontology (303 by Accept)")
    router.add_api_route("/def", pages.ontology, methods=get, include_in_schema=False)
    router.add_api_route("/ontology.{ext}", pages.ontology_as, methods=get, include_in_schema=False)
    router.add_api_route("/void.ttl", pages.void, methods=get, summary="VoID/DCAT description of the dataset")
    router.add_api_route("/sitemap.xml", pages.sitemap, methods=get, include_in_schema=False)
    router.add_api_route("/robots.txt", pages.robots, methods=get, include_in_schema=False)
    for folder, handler in (("dumps", pages.dumps), ("search-index", pages.search_index), ("sources", pages.sources),
                            ("validation", pages.validation)):
        router.add_api_route(f"/{folder}/{{rest:path}}", handler, methods=get, include_in_schema=False)
    return router
