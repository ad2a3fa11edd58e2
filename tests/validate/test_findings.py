"""Placing results: the context of their focus nodes, read from the build's N-Quads in shares by forked
processes, is the one read in one pass."""

from __future__ import annotations

from kg import findings
from kg.findings import read_context, read_plans, read_share


def test_forked_readers_read_the_context_one_reader_reads(corpus_results, corpus_validated, corpus_store,
                                                          monkeypatch):
    monkeypatch.setattr(findings, "FORK_FROM", 0)  # the corpus is too small to fork for
    nquads = corpus_validated.folder / "graph.nq"
    graphs = {plan.graph for plan in read_plans(corpus_store)}
    focus = {result.focus for result in corpus_results}
    alone, forked = (read_context(nquads, focus, graphs, workers) for workers in (1, 3))
    assert forked.parts() == alone.parts()
    # what the report shows of an inferred agency: its row, found through the requirement that owns it
    inferred = [r.focus for r in corpus_results if "/assignment/" in str(r.focus)]
    assert inferred
    for node in inferred:
        assert str(forked.owner[node]) == str(node).split("/assignment/")[0]
        assert any(key[0] == node for key in forked.spans)


def test_shares_of_the_quads_hold_every_line_once(corpus_validated, monkeypatch):
    """Cut anywhere, even inside a line or right after one, the shares hold each quad once."""
    monkeypatch.setattr(findings, "SCAN_BLOCK", 4096)  # many blocks a share, each cut inside a line
    nquads = corpus_validated.folder / "graph.nq"
    size = nquads.stat().st_size
    whole = list(read_share(nquads, 0, size))
    data = nquads.read_bytes()
    first_line = data.index(b"\n") + 1
    for cut in (1, first_line - 1, first_line, first_line + 1, size // 2, size - 1):
        assert list(read_share(nquads, 0, cut)) + list(read_share(nquads, cut, size)) == whole, cut
    assert len(whole) == data.count(b"\n")
