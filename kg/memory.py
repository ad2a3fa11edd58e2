"""Giving freed memory back to the system.

The build's later steps run in forked processes, and a forked process shares its parent's pages until it
writes them: every page the parent keeps, used or not, counts in the build's memory while its children run.
Python and the C allocator keep what was freed for reuse; these hand it back.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def give_back_freed_memory() -> None:
    """Collect garbage and return the freed heap to the system. After the store is loaded the build's
    process has freed the lifted plans but keeps their pages, and every step after is a fork of it: pages
    kept but unused count in the build's memory for the rest of the build."""
    gc.collect()
    trim_heap()


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection in here, for making millions of records that stay (the site's page rows and
    its requirement index): they hold no cycles, and every collection of the oldest generation visits
    every object of the heap again, a number that grows with the records. At 1,000 plans the site's
    process spent 3.6 s of its 30 s of page queries collecting, and 1.5 s of the index's 5.4."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def trim_heap() -> None:
    """Return the memory freed since to the system (glibc's malloc_trim; elsewhere nothing). The C
    allocator keeps what a query's evaluation freed, in the arena of the thread that ran it, for reuse:
    after validation's checks at 1,000 plans a process held 1,080 MB, of which 690 MB were free."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return getattr(ctypes.CDLL("libc.so.6"), "malloc_trim", None)
    except OSError:
        return None


_MALLOC_TRIM = _malloc_trim()
