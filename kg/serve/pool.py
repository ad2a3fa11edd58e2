"""The local backend: queries run in worker processes over the read-only store, killed at the time limit.

A thread cannot be stopped in the middle of a pyoxigraph query, so every query runs in a worker process
that has opened the store read-only. The server waits for the answer at most until the time limit, then
kills the worker and starts a fresh one; the other workers keep serving meanwhile.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import queue
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.serve.backend import QueryJob, QueryResult, serialise_outcome
from kg.serve.errors import BackendError, BadRequest, Overloaded, ProtocolError, QueryTimeout

log = logging.getLogger(__name__)
BUILD_ID_FILE = "build-id"  # written by the build, if it wants to name its builds itself
WORKER_START_TIMEOUT = 60.0


def _graph_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise BadRequest(f"invalid graph IRI {iri!r}: {exc}") from exc


def run_on_store(store: ox.Store, job: QueryJob) -> QueryResult:
    """Evaluate a job on an open store: the protocol dataset if given, else the union of named graphs."""
    kwargs: dict = {"base_iri": job.base_iri}
    if job.default_graphs or job.named_graphs:
        kwargs["default_graph"] = [_graph_node(g) for g in job.default_graphs]
        kwargs["named_graphs"] = [_graph_node(g) for g in job.named_graphs]
    elif job.union_default_graph:
        kwargs["use_default_graph_as_union"] = True
    try:
        return serialise_outcome(job, store.query(job.sparql, **kwargs))
    except SyntaxError as exc:
        raise BadRequest(f"SPARQL syntax error: {exc}") from exc
    except (ValueError, TypeError) as exc:
        raise BadRequest(f"query cannot be evaluated: {exc}") from exc
    except OSError as exc:  # store read errors, failed SERVICE calls
        raise BackendError(f"query evaluation failed: {exc}") from exc


def _worker_main(store_path: str, conn: Connection) -> None:
    """Worker process: open the store read-only, then answer jobs until the pipe closes."""
    try:
        store = ox.Store.read_only(store_path)
    except OSError as exc:
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", run_on_store(store, job)))
        except ProtocolError as exc:
            conn.send(("error", exc))


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: multiprocessing.context.BaseContext, store_path: str) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(store_path, child), daemon=True,
                                   name="kg-query-worker")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise KgError(f"query worker did not start within {timeout:.0f} s")
        status, message = self.conn.recv()
        if status != "ready":
            self.kill()
            raise KgError(f"query worker cannot open the store: {message}")

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """A fixed number of query worker processes over one store directory."""

    def __init__(self, store_path: str | Path, size: int = 2) -> None:
        self.store_path = str(store_path)
        self._ctx = multiprocessing.get_context("spawn")  # no fork of a process holding threads/locks
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [self._spawn() for _ in range(size)]
        try:
            for worker in workers:
                worker.wait_ready(WORKER_START_TIMEOUT)
        except KgError:
            self.close()
            raise
        for worker in workers:
            self._idle.put(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.store_path)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker and start its replacement in the background."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        if not self._closed:
            threading.Thread(target=self._replace, daemon=True, name="kg-worker-restart").start()

    def _replace(self) -> None:
        try:
            worker = self._spawn()
            worker.wait_ready(WORKER_START_TIMEOUT)
        except KgError:
            log.exception("could not replace a query worker")
            return
        if self._closed:
            worker.kill()
        else:
            self._idle.put(worker)

    def run(self, job: QueryJob, timeout: float) -> QueryResult:
        """Run a job on the next free worker; kill that worker if the time limit passes first."""
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Overloaded(f"every query worker stayed busy for {timeout:g} s; try again later") from None
        remaining = max(0.0, timeout - (time.monotonic() - started))
        try:
            worker.conn.send(job)
            if not worker.conn.poll(remaining):
                self._retire(worker)
                raise QueryTimeout(f"query stopped after the time limit of {timeout:g} s")
            status, payload = worker.conn.recv()
        except (EOFError, OSError) as exc:  # the worker died (out of memory, killed …)
            self._retire(worker)
            raise BackendError(f"query worker failed: {exc}") from exc
        self._idle.put(worker)
        if status == "error":
            raise payload
        return payload

    @property
    def size(self) -> int:
        with self._lock:
            return len(self._all)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


def store_build_id(store_path: str | Path) -> str:
    """An identifier that changes whenever the store's files change (or the build names itself)."""
    path = Path(store_path)
    named = path / BUILD_ID_FILE
    if named.is_file():
        return named.read_text(encoding="utf-8").strip()
    digest = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        stat = f.stat()
        digest.update(f"{f.relative_to(path)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class LocalBackend:
    """Queries over a built pyoxigraph store, evaluated in killable worker processes."""

    def __init__(self, store_path: str | Path, workers: int = 2) -> None:
        if not Path(store_path).is_dir():
            raise KgError(f"{store_path}: no built store here; run `kg build` first")
        self.store_path = Path(store_path)
        self.build_id = store_build_id(store_path)
        self.pool = WorkerPool(store_path, workers)

    def query(self, job: QueryJob, timeout: float) -> QueryResult:
        """Run a job in a worker process within ``timeout`` seconds."""
        return self.pool.run(job, timeout)

    def close(self) -> None:
        """Stop the workers."""
        self.pool.close()
