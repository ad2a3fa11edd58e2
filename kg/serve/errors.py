"""Errors of the SPARQL server; each carries the HTTP status it is answered with."""

from __future__ import annotations

from kg.errors import KgError


class ProtocolError(KgError):
    """A request the endpoint answers with an error status and a plain-text message."""

    status = 400
    headers: dict[str, str] = {}


class BadRequest(ProtocolError):
    """Malformed request or query (the parser's message is the text)."""

    status = 400


class Forbidden(ProtocolError):
    """Understood but refused: updates, SERVICE to hosts not allowlisted."""

    status = 403


class NotAcceptable(ProtocolError):
    """No representation matches the Accept header or the format parameter."""

    status = 406


class PayloadTooLarge(ProtocolError):
    """Request body or query text over the configured cap."""

    status = 413


class UnsupportedMediaType(ProtocolError):
    """POST body that is neither a form nor application/sparql-query in UTF-8."""

    status = 415


class QueryTimeout(ProtocolError):
    """The query ran past its time limit and its worker was stopped."""

    status = 503


class Overloaded(ProtocolError):
    """Every worker stayed busy for the whole time limit."""

    status = 503
    headers = {"Retry-After": "5"}


class BackendError(ProtocolError):
    """The store or the remote endpoint failed."""

    status = 502
