"""APIRouter for /api/queries: the query catalogue as a REST API, results as JSON or CSV.

Parameters come from the URL query string and are bound as typed RDF terms through pyoxigraph
substitutions (kg.query.bind_parameters), never spliced into the SPARQL text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kg.catalogue import CatalogueQuery, load_catalogue
from kg.errors import QueryError
from kg.formats import parse_accept
from kg.query import Table, as_table, bind_parameters, run_query

FORMAT_PARAM = "format"  # reserved: chooses the representation, never a query parameter
CSV_TYPE = "text/csv"
TRUNCATED_HEADER = "X-Result-Truncated"  # as /sparql says it


class ParameterInfo(BaseModel):
    """One declared parameter of a catalogue query."""

    name: str
    type: str = Field(description="string | integer | date | iri | decimal")
    default: str | None = Field(description="value used when the request does not give one; null: unbound")
    description: str


class QueryInfo(BaseModel):
    """One catalogue query, as listed by GET /api/queries."""

    name: str
    title: str
    title_zh: str
    description: str
    parameters: list[ParameterInfo]
    url: str = Field(description="where to run it: GET this URL, adding ?name=value for parameters")


class Catalogue(BaseModel):
    queries: list[QueryInfo]


class QueryResult(BaseModel):
    """The result of one catalogue query: column names and one object per row (plain string values)."""

    query: str
    title: str
    parameters: dict[str, str] = Field(description="the values bound, defaults included")
    columns: list[str]
    rows: list[dict[str, str]] = Field(description="unbound values are empty strings")
    truncated: bool = Field(description="true when more rows exist than the server's row limit")


class ErrorBody(BaseModel):
    detail: str


def query_info(query: CatalogueQuery, base_url: str) -> QueryInfo:
    """The listing entry of one query."""
    return QueryInfo(name=query.name, title=query.title, title_zh=query.title_zh,
                     description=query.description,
                     parameters=[ParameterInfo(name=p.name, type=p.type, default=p.default,
                                               description=p.description) for p in query.parameters],
                     url=f"{base_url.rstrip('/')}/api/queries/{query.name}")


def wants_csv(request: Request) -> bool:
    """format=csv (or json) wins; otherwise the Accept header decides, JSON by default."""
    asked = request.query_params.get(FORMAT_PARAM)
    if asked is not None:
        if asked.lower() not in ("csv", "json"):
            raise HTTPException(400, f"format must be csv or json, not {asked!r}")
        return asked.lower() == "csv"
    for media in parse_accept(request.headers.get("accept")):
        if media.q <= 0:
            continue
        if (media.type, media.subtype) == ("text", "csv"):
            return True
        if media.subtype in ("json", "*"):
            return False
    return False


def table_csv(table: Table) -> str:
    """The table as CSV with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return out.getvalue()


class CatalogueSettings(Protocol):
    """The settings the router reads (kg.serve.settings.ServeSettings has them)."""

    queries_dir: Path  # the catalogue folder
    max_rows: int  # rows returned at most


@dataclass(frozen=True)
class CatalogueApi:
    """What the handlers need: the catalogue folder, the row limit and the store (None: remote backend)."""

    folder: Path
    max_rows: int
    store: ox.Store | None


def api_router(settings: CatalogueSettings, store: ox.Store | None) -> APIRouter:
    """The /api/queries router over ``store`` (opened read-only), with the catalogue of settings.queries_dir.

    Without a local store (the server queries a remote endpoint) the listing works and queries answer 503:
    catalogue parameters are bound by pyoxigraph substitutions, which a remote endpoint does not offer.
    """
    api = CatalogueApi(Path(settings.queries_dir), settings.max_rows, store)
    router = APIRouter(prefix="/api/queries", tags=["query catalogue"])

    @router.get("", response_model=Catalogue, summary="List the query catalogue")
    def list_queries(request: Request) -> Catalogue:
        """Every query of the catalogue with its titles (en, zh), description and parameters."""
        return list_catalogue(api, request)

    @router.get("/{name}", response_model=QueryResult, summary="Run a catalogue query", responses=RESPONSES)
    async def run_catalogue_query(name: str, request: Request) -> Response:
        """Run the query NAME with parameters from the query string (``?agency=区财政局``); declared
        parameters not given take their defaults. ``format=csv`` or ``Accept: text/csv`` answers CSV."""
        return await run_named_query(api, name, request)

    return router


RESPONSES: dict = {200: {"content": {CSV_TYPE: {}}, "description": "JSON (default) or CSV"},
                   400: {"model": ErrorBody, "description": "unknown or ill-typed parameter"},
                   404: {"model": ErrorBody, "description": "no such query"},
                   503: {"model": ErrorBody, "description": "no local store to query"}}


def list_catalogue(api: CatalogueApi, request: Request) -> Catalogue:
    """The catalogue listing, with each query's URL on this server."""
    base = str(request.base_url)
    return Catalogue(queries=[query_info(q, base) for q in _catalogue(api.folder).values()])


async def run_named_query(api: CatalogueApi, name: str, request: Request) -> Response:
    """Bind the request's parameters, run the query in a thread, answer JSON or CSV."""
    query = _catalogue(api.folder).get(name)
    if query is None:
        raise HTTPException(404, f"no catalogue query named {name!r}")
    as_csv = wants_csv(request)
    try:
        bindings = bind_parameters(query, _given(request))
    except QueryError as error:
        raise HTTPException(400, str(error)) from None
    if api.store is None:
        raise HTTPException(503, "the query catalogue API needs the local store; this server queries a "
                                 "remote endpoint")
    table, truncated = await run_in_threadpool(_run, api.store, query, bindings, api.max_rows)
    if as_csv:
        return Response(table_csv(table), media_type=f"{CSV_TYPE}; charset=utf-8",
                        headers={TRUNCATED_HEADER: str(truncated).lower()})
    bound = {var.value: term.value for var, term in bindings.items()}
    body = QueryResult(query=query.name, title=query.title, parameters=bound, columns=table.columns,
                       rows=table.dicts(), truncated=truncated)
    return JSONResponse(body.model_dump(), headers={TRUNCATED_HEADER: str(truncated).lower()})


def _catalogue(folder: Path) -> dict[str, CatalogueQuery]:
    try:
        return load_catalogue(folder)
    except QueryError as error:  # a malformed header in queries/: the server's fault, said plainly
        raise HTTPException(500, str(error)) from None


def _given(request: Request) -> dict[str, str]:
    """Query-string parameters other than ``format``; a parameter given twice is refused."""
    given: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key == FORMAT_PARAM:
            continue
        if key in given:
            raise HTTPException(400, f"parameter {key} given more than once")
        given[key] = value
    return given


def _run(store: ox.Store, query: CatalogueQuery, bindings: dict, max_rows: int) -> tuple[Table, bool]:
    try:
        table = as_table(run_query(store, query.text, bindings))
    except (QueryError, RuntimeError) as error:  # pyoxigraph: a parameter missing from the projection
        raise HTTPException(500, f"catalogue query {query.name} cannot run: {error}") from None
    truncated = len(table.rows) > max_rows
    return Table(table.columns, table.rows[:max_rows]), truncated
