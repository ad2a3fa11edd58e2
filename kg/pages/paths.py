"""Where each resource lives in the site: page paths mirror the IRI paths, so the site works from any host.

An entity IRI ``{base}id/plan/x`` has its page at ``id/plan/x.html`` and its RDF at ``id/plan/x.ttl``
(and ``.nt .jsonld .rdf``); requirement types (``zwt:slug``) live at ``type/slug.html``; ontology terms
are anchors of ``ontology.html``. Nodes a requirement owns (its assignments, deadlines, targets) are
anchors of its page. Paths are relative to the site root; templates prefix them with the page's
``root`` (``../../``).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from kg.vocab import ZW, ZWT, RequirementTypeScheme

ONTOLOGY_IRI = str(ZW).rstrip("#")  # https://w3id.org/zwgk/def
OWNED = re.compile(r"^(?P<owner>.+)/(?P<kind>assignment|deadline|target)/(?P<n>\d+)$")
PARTITION = re.compile(r"^(?P<owner>.+/id/dataset)/(?P<kind>class|property)/(?P<name>[^/]+)$")
RDF_SUFFIXES = (".ttl", ".nt", ".jsonld", ".rdf")


class Paths:
    """Maps IRIs to site paths under one base; `known` holds the paths that have a page."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.known: set[str] = set()

    def path(self, iri: str) -> str | None:
        """The page path (no suffix) an IRI is published at, or None when it is not ours."""
        if iri.startswith(self.base):
            return iri[len(self.base):] or "index"
        if iri.startswith(str(ZWT)):
            return "type/" + iri[len(str(ZWT)):]
        if iri == ONTOLOGY_IRI or iri.startswith(str(ZW)):
            return "ontology"
        return None

    def iri(self, path: str) -> str:
        """The inverse of `path` for entity pages: ``id/plan/x`` → ``{base}id/plan/x``."""
        if path.startswith("type/"):
            return str(ZWT) + path[len("type/"):]
        if path == "ontology":
            return ONTOLOGY_IRI
        return self.base + path

    def href(self, iri: str | None) -> str | None:
        """Root-relative link to an IRI's page (with an anchor where it is part of a page); absolute for
        IRIs outside the site; None for our IRIs that have no page (nothing to link to)."""
        if not iri or iri.startswith("_:"):
            return None
        if iri.startswith(str(ZW)):
            return "ontology.html#" + iri[len(str(ZW)):]
        if iri == ONTOLOGY_IRI:
            return "ontology.html"
        if iri == str(RequirementTypeScheme):
            return "ontology.html#type-scheme"
        if iri.startswith(self.base):
            owned = OWNED.match(iri) or PARTITION.match(iri)
            if owned:
                owner = self.href(owned.group("owner"))
                anchor = f"{owned.group('kind')}-{owned.groups()[-1]}"
                return f"{owner}#{anchor}" if owner else None
        path = self.path(iri)
        if path is None:
            return iri if iri.startswith(("http://", "https://")) else None
        return f"{path}.html" if path in self.known else None


def root_for(path: str) -> str:
    """The relative prefix from a page back to the site root: ``id/plan/x`` → ``../../``."""
    return "../" * path.count("/")


def file_for(path: str, suffix: str = ".html") -> str:
    """The file a page path is written to; percent-escapes in slugs become the characters a server decodes."""
    return unquote(path) + suffix
