"""Work shared out to forked processes: the site's page queries, which read the built store, and
validation's placing of results, which reads graph.nq.

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from kg.store import open_store

Item = TypeVar("Item")
Result = TypeVar("Result")

# What the forked processes inherit: set just before the fork, cleared after (never pickled).
_INHERITED: dict[str, Any] = {}
_OPENED: dict[tuple[int, str], ox.Store] = {}


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def forked_map(function: Callable[[Item], Result], items: Sequence[Item], workers: int) -> Iterator[Result]:
    """function(item) for every item, in item order, computed by up to ``workers`` forked processes (here,
    one after the other, with fewer than two workers or items, or where fork is not available). Results
    are yielded as they arrive in order, so the caller can let each go before the next is unpickled."""
    if workers < 2 or len(items) < 2 or not can_fork():
        yield from (function(item) for item in items)
        return
    _INHERITED.update(function=function, items=items, parent=os.getpid())
    try:
        with frozen_heap(), multiprocessing.get_context("fork").Pool(min(workers, len(items))) as pool:
            yield from pool.imap(_call, range(len(items)))
    finally:
        _INHERITED.clear()


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
