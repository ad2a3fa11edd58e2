"""Placing results: the context of their focus nodes read by forked processes is the one read in one."""

from __future__ import annotations

import pytest

from kg import findings
from kg.findings import read_context, read_plans


@pytest.mark.parametrize("on_disk", [False, True], ids=["in-memory store", "built store"])
def test_forked_readers_read_the_context_one_reader_reads(corpus_results, corpus_store, built, store,
                                                          monkeypatch, on_disk):
    monkeypatch.setattr(findings, "FORK_FROM", 0)  # the corpus has too few results to fork for
    data, path = (store, built.settings.store_path) if on_disk else (corpus_store, None)
    graphs = {plan.graph for plan in read_plans(data)}
    focus = {result.focus for result in corpus_results}
    alone, forked = (read_context(data, focus, graphs, path, workers) for workers in (1, 2))
    assert forked.parts() == alone.parts()
    # what the report shows of an inferred agency: its row, found through the requirement that owns it
    inferred = [r.focus for r in corpus_results if "/assignment/" in str(r.focus)]
    assert inferred
    for node in inferred:
        assert str(forked.owner[node]) == str(node).split("/assignment/")[0]
        assert any(key[0] == node for key in forked.spans)
