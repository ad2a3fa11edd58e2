"""The site's pages shared out among its renderers as they go, rather than halved before they start.

Every renderer (the site's process and a forked one per further core) walks every kind's pages in the same
order and asks of each whether it is its own (`SiteModel.mine`). Pages come in runs: the pages of one kind
of a run of consecutive plans (a sixty-fourth of them; a plan's requirements are described from the plan's
quads, loaded once), or RUN_PAGES pages in a row of a kind otherwise (agencies, documents, types, regions).
Runs of one plan were tried: at 1,000 plans the two renderers, each taking every other plan, spent 156 CPU s
on the requirement pages against 125 for fixed halves and 116 for runs of 16 plans (the pages each renderer
reads of the shared heap and of the store are then spread over all plans). The first renderer to reach a
run takes it, and the others pass over its pages. So a renderer that is slowed, or busy with other work
first (the search index), takes fewer runs: all finish within about a run of one another, where halves
fixed beforehand left one core idle while the other finished its half (~10 s at 3,200 plans,
docs/scaling.md).

The runs' owners are an array in memory the forked renderers share with the process that made it; which
run is which is worked out the same way in every renderer (from the plan's rank, or the page's count
within its kind), so nothing but a run's owner is ever exchanged.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

RUN_PAGES = 64  # pages of a kind not under a plan taken at once (~0.1 s of rendering)
RUNS_OF_PLANS = 64  # a kind's plans are taken in this many runs of consecutive plans


class Claims:
    """Who renders each run of pages: one renderer's view (`renderer`) of an array all renderers share."""

    def __init__(self, pages_by_kind: dict[str, int], plans: int) -> None:
        # each kind's slots: one per run of plans, then one per RUN_PAGES of its pages (all of them, at most)
        self._plans_per_run = max(1, -(-plans // RUNS_OF_PLANS))
        self._plan_runs = -(-plans // self._plans_per_run)
        self._first: dict[str, int] = {}
        size = 0
        for kind, pages in pages_by_kind.items():
            self._first[kind] = size
            size += self._plan_runs + pages // RUN_PAGES + 1
        context = multiprocessing.get_context("fork")
        self._owners: Any = context.RawArray("i", size)  # 0: not taken yet; else the renderer's number + 1
        self._lock: Any = context.Lock()
        self.renderer = 0
        self._known: dict[int, bool] = {}  # slots decided, as this renderer saw them (an owner never changes)
        self._counted: dict[str, int] = {}  # pages not under a plan met so far, by kind

    def for_renderer(self, renderer: int) -> Claims:
        """The same runs as seen by another renderer (made before the fork, or in one process for tests)."""
        other = object.__new__(Claims)
        other._plans_per_run, other._plan_runs = self._plans_per_run, self._plan_runs
        other._first, other._owners, other._lock = self._first, self._owners, self._lock
        other.renderer, other._known, other._counted = renderer, {}, {}
        return other

    def take(self, kind: str, plan_rank: int | None) -> bool:
        """Whether this renderer renders the next page of ``kind`` (under the plan of this rank, or under
        none): its run's owner, taken now if no renderer has taken it. Asked once per page, in page order."""
        if plan_rank is None:
            met = self._counted.get(kind, 0)
            self._counted[kind] = met + 1
            slot = self._first[kind] + self._plan_runs + met // RUN_PAGES
        else:
            slot = self._first[kind] + plan_rank // self._plans_per_run
        return self._owned(slot)

    def _owned(self, slot: int) -> bool:
        known = self._known.get(slot)
        if known is None:
            me = self.renderer + 1
            with self._lock:
                owner = self._owners[slot]
                if owner == 0:
                    self._owners[slot] = owner = me
            known = self._known[slot] = owner == me
        return known
