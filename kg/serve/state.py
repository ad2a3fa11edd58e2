"""What the request handlers share: settings, backend, cache, templates, examples, statistics."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from fastapi import Request
from jinja2 import Environment
from starlette.concurrency import run_in_threadpool

from kg.serve.backend import Backend
from kg.serve.cache import ResultCache
from kg.serve.description import DatasetStatistics, compute_statistics
from kg.serve.settings import ServeSettings
from kg.serve.ui import ExampleQuery


@dataclass
class ServerState:
    """Per-application state, kept on ``app.state.kg``."""

    settings: ServeSettings
    backend: Backend
    cache: ResultCache
    templates: Environment
    examples: list[ExampleQuery]
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


def get_state(request: Request) -> ServerState:
    """The state of the application serving this request."""
    return request.app.state.kg
