"""The FastAPI application: wires the /sparql router, static files and error handlers; runs uvicorn."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles

from kg.errors import KgError
from kg.serve import sparql
from kg.serve.backend import Backend
from kg.serve.cache import ResultCache
from kg.serve.errors import ProtocolError
from kg.serve.settings import ServeSettings
from kg.serve.state import ServerState, warm_cache
from kg.serve.ui import load_examples, make_environment

log = logging.getLogger(__name__)
EXPOSED_HEADERS = ["ETag", sparql.TRUNCATED_HEADER, sparql.ROW_LIMIT_HEADER]


async def protocol_error(request: Request, exc: ProtocolError) -> PlainTextResponse:
    """Answer a protocol error with its status and a plain-text message (the parser's, for syntax)."""
    return PlainTextResponse(str(exc) + "\n", status_code=exc.status, headers=exc.headers)


@asynccontextmanager
async def warm_on_startup(app: FastAPI) -> AsyncIterator[None]:
    """Fill the result cache with the example queries in the background while serving starts."""
    if app.state.kg.settings.cache_entries > 0:
        threading.Thread(target=warm_cache, args=(app.state.kg,), daemon=True, name="kg-warm-cache").start()
    yield


def create_app(settings: ServeSettings, backend: Backend, routers: Sequence[APIRouter] = ()) -> FastAPI:
    """The ASGI app serving ``backend`` at /sparql, plus ``routers`` (resource pages, catalogue API).

    The caller owns the backend and closes it.
    """
    app = FastAPI(title="kg SPARQL endpoint", docs_url=None, redoc_url=None, lifespan=warm_on_startup)
    app.state.kg = ServerState(settings=settings, backend=backend,
                               cache=ResultCache(settings.cache_entries, settings.cache_bytes),
                               templates=make_environment(settings.templates_dir),
                               examples=load_examples(settings.queries_dir))
    app.include_router(sparql.router)
    for router in routers:
        app.include_router(router)
    if settings.static_dir.is_dir():
        app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    app.add_exception_handler(ProtocolError, protocol_error)
    # Linked-data tools and YASGUI pages on other origins may query us; nothing here needs credentials.
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD"],
                       allow_headers=["*"], expose_headers=EXPOSED_HEADERS)
    return app


def open_backend(settings: ServeSettings) -> Backend:
    """The local store backend, or the remote one when an endpoint URL is set."""
    if settings.endpoint:
        from kg.remote import RemoteBackend  # SPARQLWrapper only when serving a remote endpoint

        return RemoteBackend(settings.endpoint, settings.remote_graph_prefix, settings.timeout)
    from kg.serve.pool import LocalBackend

    return LocalBackend(settings.store, settings.workers)


def ensure_port_free(host: str, port: int) -> None:
    """Fail early with a clear message, before worker processes start, if the address is taken."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise KgError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def run_server(settings: ServeSettings, routers: Sequence[APIRouter] = ()) -> None:
    """Open the backend, serve until interrupted (with ``routers`` beside /sparql), stop the workers."""
    import uvicorn

    ensure_port_free(settings.host, settings.port)
    backend = open_backend(settings)
    try:
        app = create_app(settings, backend, routers)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                    proxy_headers=True, timeout_keep_alive=30)
    finally:
        backend.close()
