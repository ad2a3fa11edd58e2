"""Work shared out to forked processes: the site's page queries, which read the built store, and
validation's placing of results, which reads graph.nq (`forked_map`); the site's renderers and
validation's HTML report, while this process does its own share (`beside`, `alongside`). A forked process
that dies (killed for memory) is an error in each, never a wait.

pyoxigraph lets go of the interpreter while it evaluates a query, but turning a million solutions into
Python values holds it: one process converts on one core. A forked process inherits what the parent
prepared (the function and its arguments are never pickled) and sends back only its result.

Two rules every caller keeps:
- a forked process never uses its parent's store handle (RocksDB is not fork-safe): it opens the store
  anew, read-only, with `reopened`; an in-memory store is read as inherited (it is plain memory);
- the parent holds no writable handle on the store while children read it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from kg.errors import KgError
from kg.store import open_store

Item = TypeVar("Item")
Result = TypeVar("Result")
Mine = TypeVar("Mine")

# What the forked processes inherit: set just before the fork, cleared after (never pickled).
_INHERITED: dict[str, Any] = {}
_OPENED: dict[tuple[int, str], ox.Store] = {}


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def forked_map(function: Callable[[Item], Result], items: Sequence[Item], workers: int) -> Iterator[Result]:
    """function(item) for every item, in item order, computed by up to ``workers`` forked processes (here,
    one after the other, with fewer than two workers or items, or where fork is not available). Results
    are yielded as they arrive in order, so the caller can let each go before the next is unpickled.
    A process that dies without a result (killed for memory) is a KgError: a multiprocessing Pool would
    wait for its task forever, an executor knows its worker is gone."""
    if workers < 2 or len(items) < 2 or not can_fork():
        yield from (function(item) for item in items)
        return
    _INHERITED.update(function=function, items=items, parent=os.getpid())
    try:
        with frozen_heap():  # the executor forks its workers at the first task, within this
            pool = ProcessPoolExecutor(min(workers, len(items)), mp_context=multiprocessing.get_context("fork"))
            try:
                yield from pool.map(_call, range(len(items)))
            except BrokenProcessPool:
                raise KgError("a forked process ended without a result (killed, perhaps for memory)") from None
            finally:
                pool.shutdown(cancel_futures=True)
    finally:
        _INHERITED.clear()


def alongside(forked: Callable[[], object], here: Callable[[], object], workers: int) -> None:
    """forked() in a forked process while here() runs in this one; both here, one after the other, with
    fewer than two workers or where fork is not available. One child, not a pool of two: a forked process
    copies the pages of what it reads of the parent's heap (validation's writers on two forked processes
    raised its peak at 3,200 plans by 800 MB, 4033978)."""
    if workers < 2:
        forked()
        here()
        return
    beside(here, lambda _: forked(), [None])


def beside(here: Callable[[], Mine], function: Callable[[Item], Result],
           items: Sequence[Item]) -> tuple[Mine, list[Result]]:
    """here() in this process while function(item) runs for each item in a forked process of its own (it
    inherits both, nothing is pickled but the results); returns here()'s result and theirs, in item
    order. A child's error is raised here, and a child that dies without a word (killed for memory) is a
    KgError with its exit code, where a multiprocessing Pool would wait for it forever. When here() fails,
    the children are killed. Where fork is not available, all run here, one after the other."""
    if not can_fork():
        return here(), [function(item) for item in items]
    children = []
    try:
        # frozen while here() runs too: this process's collector, visiting what its children share, would
        # write every object's header and so copy the memory pages it shares with them
        with frozen_heap():
            for item in items:
                reader, writer = multiprocessing.Pipe(duplex=False)
                child = multiprocessing.get_context("fork").Process(
                    target=_run_and_send, args=(partial(function, item), writer), name="kg-beside")
                child.start()
                writer.close()
                children.append((child, reader))
            mine = here()
        results = [_outcome(child, reader) for child, reader in children]
    except BaseException:
        for child, _ in children:
            child.kill()
        raise
    finally:
        for child, reader in children:
            child.join()
            reader.close()
    return mine, results


def _outcome(child: multiprocessing.process.BaseProcess, reader: Connection) -> Any:
    """What a child of `beside` sent: its result, or its error raised."""
    try:
        kind, value = reader.recv()
    except EOFError:
        child.join()
        raise KgError(f"a forked process ended without a result (exit code {child.exitcode})") from None
    if kind == "failed":
        raise value
    return value


def _run_and_send(function: Callable[[], object], writer: Connection) -> None:
    """A child of `beside`: run, then send the outcome."""
    try:
        outcome: tuple[str, object] = ("done", function())
    except BaseException as error:  # handed to the parent, which raises it
        outcome = ("failed", error)
    send_outcome(writer, outcome)


def send_outcome(writer: Connection, outcome: tuple[str, object]) -> None:
    """Send a forked process's outcome ("done", value) or ("failed", error) to its parent; what the parent
    could not unpickle is sent as a KgError saying what it was."""
    try:
        pickle.loads(pickle.dumps(outcome))
        writer.send(outcome)
    except Exception:  # noqa: BLE001 - an outcome that cannot be pickled: say what it was
        writer.send(("failed", KgError(str(outcome[1]) or f"{outcome[1]!r}")))


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Fork inside this: what the parent holds stays shared with its children. A forked child's garbage
    collector would otherwise visit every inherited object (writing its header) and so copy every memory
    page holding one: hundreds of MB per child, whatever the child reads."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _call(index: int) -> Any:
    return _INHERITED["function"](_INHERITED["items"][index])


def reopened(store: ox.Store, path: Path | None) -> ox.Store:
    """The store to read in forked_map's function: in a forked process the on-disk store at ``path`` opened
    read-only (once per process); ``store`` itself in the parent, or when it is in memory (``path`` None),
    whose pages the fork shares."""
    if path is None or _INHERITED.get("parent", os.getpid()) == os.getpid():
        return store
    key = (os.getpid(), str(path))
    if key not in _OPENED:
        _OPENED[key] = open_store(path)
    return _OPENED[key]
