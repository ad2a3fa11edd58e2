"""Errors raised by the library; only the CLI and the server translate them."""

from __future__ import annotations


class KgError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 2


class ConfigError(KgError):
    """A setting is unknown or has the wrong type."""


class SourceError(KgError):
    """A source document cannot be read or decoded."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple:
        """Pickled as made (the build's steps run in processes of their own and hand errors back)."""
        return type(self), (self.path, self.message, self.line)


class ParseError(SourceError):
    """A document was read but its layout or content cannot be understood."""


class NormaliseError(KgError):
    """A printed value cannot be normalised."""


class QueryError(KgError):
    """A SPARQL query is unknown, malformed or got bad parameters."""
