"""Page contexts for the static site and the server: one plain dict per page, built per kind from the store."""

from kg.pages.model import ALTERNATES, SiteModel

__all__ = ["ALTERNATES", "SiteModel"]
