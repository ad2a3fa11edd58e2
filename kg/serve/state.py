"""What the request handlers share: settings, backend, cache, templates, examples, statistics."""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field

from fastapi import Request
from jinja2 import Environment
from starlette.concurrency import run_in_threadpool

from kg.formats import choose_result_formats
from kg.serve.backend import Backend
from kg.serve.cache import ResultCache, make_job, result_key
from kg.serve.description import DatasetStatistics, compute_statistics
from kg.serve.errors import ProtocolError
from kg.serve.security import inspect_query
from kg.serve.settings import ServeSettings
from kg.serve.ui import ExampleQuery

log = logging.getLogger(__name__)


@dataclass
class ServerState:
    """Per-application state, kept on ``app.state.kg``."""

    settings: ServeSettings
    backend: Backend
    cache: ResultCache
    templates: Environment
    examples: list[ExampleQuery]
    warmed: threading.Event = field(default_factory=threading.Event)
    _statistics: dict[str, DatasetStatistics] = field(default_factory=dict)
    _statistics_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def statistics(self) -> DatasetStatistics:
        """VoID statistics of the current build, computed once (they cannot change within a build)."""
        build = self.backend.build_id
        async with self._statistics_lock:
            if build not in self._statistics:
                stats = await run_in_threadpool(compute_statistics, self.backend, self.settings.timeout)
                self._statistics = {build: stats}
            return self._statistics[build]


def warm_cache(state: ServerState) -> int:
    """Run every example query once in the default formats and keep the results: the store does not
    change within a build, so the catalogue is answered from memory from the first request on.
    Returns how many results were cached; failures are logged and skipped."""
    formats = choose_result_formats(None)
    cached = 0
    try:
        for example in state.examples:
            info = inspect_query(example.query)
            job = make_job(example.query, info, formats, state.settings.max_rows)
            key = result_key(state.backend.build_id, job, info, formats)
            if key is None or info.has_relative_iris or state.cache.get(key) is not None:
                continue
            try:
                state.cache.put(key, state.backend.query(job, state.settings.timeout))
                cached += 1
            except ProtocolError as exc:
                log.warning("example %s not cached: %s", example.name, exc)
    finally:
        state.warmed.set()
    return cached


def get_state(request: Request) -> ServerState:
    """The state of the application serving this request."""
    return request.app.state.kg
