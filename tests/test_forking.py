"""kg.forking: forked processes read the built store through handles of their own, results come back in order."""

from __future__ import annotations

import os

import pytest

from kg.errors import KgError
from kg.forking import forked_map, reopened

PLAN_GRAPHS = """SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), "/graph/plan/")) }
GROUP BY ?g ORDER BY ?g"""


def test_forked_processes_count_each_plan_graph_as_this_process_does(built, store):
    path = built.settings.store_path
    graphs = [(row["g"].value, int(row["n"].value)) for row in store.query(PLAN_GRAPHS)]
    assert len(graphs) == 5  # the five corpus plans, each in its graph

    def count(graph: str) -> tuple[int, int, bool]:
        here = reopened(store, path)
        (row,) = here.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return os.getpid(), int(row["n"].value), here is store

    forked = list(forked_map(count, [g for g, _ in graphs], workers=2))
    assert [n for _, n, _ in forked] == [n for _, n in graphs]  # in the order asked, whoever counted
    assert {pid for pid, _, _ in forked}.isdisjoint({os.getpid()})
    assert not any(same for _, _, same in forked)  # each child opened the store itself
    alone = list(forked_map(count, [g for g, _ in graphs], workers=1))
    assert alone == [(os.getpid(), n, True) for _, n in graphs]  # no fork: this process and its handle


def test_an_error_in_a_forked_process_reaches_the_caller_whole():
    def fail(name: str) -> str:
        if name == "b":
            raise KgError(f"{name}.rq: page query missing")
        return name

    with pytest.raises(KgError, match=r"^b\.rq: page query missing$"):
        list(forked_map(fail, ["a", "b", "c"], workers=2))
