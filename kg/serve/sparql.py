"""APIRouter for /sparql: the SPARQL 1.1 Protocol (query operation), service description and query UI."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from kg.formats import (
    GRAPH_FORMATS,
    HTML,
    choose_result_formats,
    format_by_param,
    format_named,
    negotiate,
    parse_accept,
)
from kg.serve.backend import QueryJob, QueryResult
from kg.serve.cache import cache_key, etag_for, make_job, result_key
from kg.serve.description import describe_service, serialise_description
from kg.serve.errors import BadRequest, Forbidden, NotAcceptable, PayloadTooLarge, UnsupportedMediaType
from kg.serve.security import check_read_only, check_services, inspect_query
from kg.serve.state import ServerState, get_state
from kg.serve.ui import render_query_page

router = APIRouter()
Params = list[tuple[str, str]]

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
TEXT_TYPES = ("text/", "application/sparql-results+xml", "application/rdf+xml")
TRUNCATED_HEADER = "X-Result-Truncated"
ROW_LIMIT_HEADER = "X-Result-Row-Limit"
UPDATE_REFUSED = "SPARQL Update is not accepted: this endpoint is read-only"


@router.api_route("/sparql", methods=["GET", "HEAD"], summary="SPARQL query, service description or UI")
@router.api_route("/sparql/", methods=["GET", "HEAD"], include_in_schema=False)
async def sparql_get(request: Request) -> Response:
    """GET: a query in the URL; without one, the service description (RDF) or the query UI (HTML)."""
    return await answer(request, list(request.query_params.multi_items()))


@router.post("/sparql", summary="SPARQL query by POST (form-encoded or application/sparql-query)")
@router.post("/sparql/", include_in_schema=False)
async def sparql_post(request: Request) -> Response:
    """POST: a form-encoded or direct query; URL parameters (graphs, timeout, format) are merged in."""
    return await answer(request, await read_post_params(request))


def _split_content_type(value: str) -> tuple[str, dict[str, str]]:
    media, *rest = value.split(";")
    params = {}
    for item in rest:
        key, _, val = item.partition("=")
        params[key.strip().lower()] = val.strip().strip('"').lower()
    return media.strip().lower(), params


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing with 413 as soon as it exceeds ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body of {declared} bytes exceeds the limit of {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body exceeds the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"request body is not valid UTF-8: {exc}") from exc


async def read_post_params(request: Request) -> Params:
    """Protocol parameters of a POST: URL parameters plus the form fields or the direct query."""
    header = request.headers.get("content-type")
    if not header:
        raise UnsupportedMediaType(f"POST needs a Content-Type: {FORM} or {SPARQL_QUERY}")
    media, ct_params = _split_content_type(header)
    if media == SPARQL_UPDATE:
        raise Forbidden(UPDATE_REFUSED)
    if media not in (FORM, SPARQL_QUERY):
        raise UnsupportedMediaType(f"unsupported Content-Type {media}: use {FORM} or {SPARQL_QUERY}")
    if ct_params.get("charset", "utf-8") not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"unsupported charset {ct_params['charset']}: queries must be UTF-8")
    body = await _read_body(request, get_state(request).settings.max_request_bytes)
    params = list(request.query_params.multi_items())
    if media == FORM:
        try:
            return params + parse_qsl(_decode(body), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError as exc:
            raise BadRequest(f"form field is not valid UTF-8: {exc}") from exc
    return params + [("query", _decode(body))]


def _values(params: Params, name: str) -> list[str]:
    return [v for k, v in params if k == name]


def _timeout(params: Params, server_limit: float) -> float:
    """The client's ``timeout`` (seconds), capped by the server's limit."""
    values = _values(params, "timeout")
    if not values or not values[-1].strip():
        return server_limit
    try:
        asked = float(values[-1])
    except ValueError:
        raise BadRequest(f"timeout must be a number of seconds, not {values[-1]!r}") from None
    if not asked > 0:
        raise BadRequest("timeout must be a positive number of seconds")
    return min(asked, server_limit)


async def answer(request: Request, params: Params) -> Response:
    """Dispatch a protocol request: update refusal, description/UI, or a query."""
    state = get_state(request)
    if _values(params, "update"):
        raise Forbidden(UPDATE_REFUSED)
    queries = _values(params, "query")
    if not queries:
        if request.method in ("GET", "HEAD"):
            return await describe_or_show_ui(request, state, params)
        raise BadRequest("missing 'query' parameter")
    if len(queries) > 1:
        raise BadRequest("exactly one 'query' parameter is allowed")
    return await run_query(request, state, params, queries[0])


async def run_query(request: Request, state: ServerState, params: Params, sparql: str) -> Response:
    """Check, negotiate, look up the cache, run and answer one query."""
    settings = state.settings
    if len(sparql) > settings.max_query_chars:
        raise PayloadTooLarge(f"query of {len(sparql)} characters exceeds the limit of "
                              f"{settings.max_query_chars}")
    info = inspect_query(sparql)
    check_read_only(info)
    check_services(info, settings.service_allowlist)
    formats = choose_result_formats(request.headers.get("accept"),
                                    _values(params, "format") + _values(params, "output"))
    if info.kind and formats.for_kind(info.kind) is None:
        raise NotAcceptable(f"no acceptable format for a {info.form} result")
    timeout = _timeout(params, settings.timeout)
    job = make_job(sparql, info, formats, settings.max_rows, tuple(_values(params, "default-graph-uri")),
                   tuple(_values(params, "named-graph-uri")), str(request.url.replace(query="", fragment="")))
    etag = result = None
    key = result_key(state.backend.build_id, job, info, formats)
    if key is not None:
        etag = etag_for(key)
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=_cache_headers(settings.cache_max_age, etag))
        result = state.cache.get(key)
    if result is None:
        result = await run_in_threadpool(state.backend.query, job, timeout)
        if key is not None:
            state.cache.put(key, result)
    return _result_response(result, settings.max_rows, settings.cache_max_age, etag)


def _cache_headers(max_age: int, etag: str | None) -> dict[str, str]:
    if etag is None:
        return {"Cache-Control": "no-store", "Vary": "Accept"}
    return {"Cache-Control": f"public, max-age={max_age}", "ETag": etag, "Vary": "Accept"}


def _media_type(fmt_name: str) -> str:
    media = format_named(fmt_name).media_type
    return f"{media}; charset=utf-8" if media.startswith(TEXT_TYPES) else media


def _result_response(result: QueryResult, max_rows: int, max_age: int, etag: str | None) -> Response:
    headers = _cache_headers(max_age, etag)
    headers[TRUNCATED_HEADER] = "true" if result.truncated else "false"
    headers[ROW_LIMIT_HEADER] = str(max_rows)
    return Response(result.body, media_type=_media_type(result.format), headers=headers)


async def describe_or_show_ui(request: Request, state: ServerState, params: Params) -> Response:
    """GET /sparql without a query: the query UI for browsers, the service description for RDF clients."""
    offered = (*GRAPH_FORMATS, HTML)  # Turtle first: a client that accepts anything is a machine
    format_param = (_values(params, "format") or [None])[-1]
    fmt = (format_by_param(format_param, offered) if format_param
           else negotiate(parse_accept(request.headers.get("accept")), offered))
    if fmt is None:
        raise NotAcceptable("the service description is available as Turtle, N-Triples, JSON-LD or "
                            "RDF/XML, the query UI as HTML")
    endpoint_url = str(request.url.replace(query="", fragment=""))
    settings = state.settings
    limits = {"timeout": settings.timeout, "max_rows": settings.max_rows,
              "max_query_chars": settings.max_query_chars}
    if fmt is HTML:
        html = render_query_page(state.templates, endpoint_url=endpoint_url,
                                 static_url=request.scope.get("root_path", "") + "/static",
                                 examples=state.examples, limits=limits)
        return HTMLResponse(html, headers={"Vary": "Accept"})
    stats = await state.statistics()
    graph = describe_service(endpoint_url, stats, federated=bool(settings.service_allowlist),
                             limits=_limits_text(limits))
    body = serialise_description(graph, fmt.name)
    etag = etag_for(cache_key(state.backend.build_id, QueryJob(endpoint_url), fmt.name))
    return Response(body, media_type=_media_type(fmt.name),
                    headers=_cache_headers(settings.cache_max_age, etag))


def _limits_text(limits: dict[str, object]) -> str:
    return (f"Read-only. Queries stop after {limits['timeout']:g} s (a client may ask for less with the "
            f"'timeout' parameter, in seconds); at most {limits['max_rows']} rows or triples are returned, "
            f"and a truncated result says so in the {TRUNCATED_HEADER} header and, in SPARQL JSON, in a "
            f"top-level 'truncated' member. SERVICE is refused unless its host is allowlisted.")
