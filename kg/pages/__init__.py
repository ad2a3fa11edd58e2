"""Page contexts for the static site and the server: a plain dict per page, built per kind from the store."""

from kg.pages.model import ALTERNATES, RDF_FORMATS, SiteModel, serialise

__all__ = ["ALTERNATES", "RDF_FORMATS", "SiteModel", "serialise"]
