"""kg.forking: forked processes read the built store through handles of their own, results come back in order."""

from __future__ import annotations

import gc
import os

import pytest

from kg.errors import KgError
from kg.forking import alongside, beside, forked_map, reopened
from kg.memory import collector_paused
from kg.pipeline import PARALLEL_MIN_ITEMS, _in_workers, in_own_process

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


def test_forked_children_leave_the_inherited_objects_to_the_collector_of_the_parent():
    """A child whose collector visited the inherited objects would copy every memory page holding one (at
    1,000 plans validation's two readers held 665 MB each instead of ~300): they are frozen in the child."""
    held = [{"row": n} for n in range(50_000)]  # a parent holding many objects, as the build's steps do
    frozen = list(forked_map(lambda _: gc.get_freeze_count(), [0, 1], workers=2))
    assert all(count > len(held) for count in frozen), frozen
    assert in_own_process(lambda _: gc.get_freeze_count(), lambda _: None) > len(held)
    lifters = list(_in_workers(_frozen, list(range(PARALLEL_MIN_ITEMS)), workers=2))  # the lifting pool
    assert all(count > len(held) for count in lifters), lifters
    assert gc.get_freeze_count() == 0  # the parent's own collector is back as it was
    assert len(held) == 50_000


def _frozen(_: object) -> int:
    return gc.get_freeze_count()


def test_a_fresh_step_runs_in_a_new_interpreter_and_its_errors_come_back():
    """kg build lifts and loads its store in a spawned process: RocksDB waits forever when a store is
    created in a child forked from a process that used one before (this test session has)."""
    pid, frozen = in_own_process(_pid_and_frozen, lambda _: None, fresh=True)
    assert pid != os.getpid() and frozen == 0  # nothing inherited, nothing to freeze
    with pytest.raises(KgError, match="plan-00001.txt, line 12"):
        in_own_process(_fail, lambda _: None, fresh=True)


def _pid_and_frozen(_: object) -> tuple[int, int]:
    return os.getpid(), gc.get_freeze_count()


def _fail(_: object) -> None:
    raise KgError("plan-00001.txt, line 12: no numbered requirement")


def test_alongside_runs_one_part_in_a_child_and_raises_its_error_or_its_death(tmp_path):
    def mark(name: str):
        return lambda: (tmp_path / name).write_text(str(os.getpid()))

    alongside(mark("forked"), mark("here"), workers=2)
    assert (tmp_path / "here").read_text() == str(os.getpid())
    assert (tmp_path / "forked").read_text() not in {"", str(os.getpid())}  # written by another process
    alongside(mark("forked-alone"), mark("here-alone"), workers=1)
    assert (tmp_path / "forked-alone").read_text() == str(os.getpid())  # no fork with one worker

    def fail() -> None:
        raise KgError("report.html: template missing")

    with pytest.raises(KgError, match="report.html: template missing"):
        alongside(fail, mark("here-again"), workers=2)
    assert (tmp_path / "here-again").is_file()  # this process's part ran all the same
    with pytest.raises(KgError, match="exit code -9"):  # a child killed (for memory) is an error, not a hang
        alongside(lambda: os.kill(os.getpid(), 9), lambda: None, workers=2)


def test_a_forked_process_killed_in_a_map_is_an_error_not_a_wait():
    def die_at_one(n: int) -> int:
        if n == 1:
            os.kill(os.getpid(), 9)
        return n

    with pytest.raises(KgError, match="ended without a result"):
        list(forked_map(die_at_one, [0, 1, 2, 3], workers=2))
    assert list(forked_map(lambda n: n * 2, [0, 1, 2, 3], workers=2)) == [0, 2, 4, 6]  # the next map works


def test_beside_returns_this_process_result_and_each_child_s_in_item_order():
    mine, theirs = beside(lambda: ("here", os.getpid()), lambda shard: (shard, os.getpid()), [1, 2, 3])
    assert mine == ("here", os.getpid())
    assert [shard for shard, _ in theirs] == [1, 2, 3]
    assert len({pid for _, pid in theirs} | {os.getpid()}) == 4  # a process of its own each

    def fail_at_two(shard: int) -> int:
        if shard == 2:
            raise KgError(f"shard {shard}: a template is missing")
        return shard

    with pytest.raises(KgError, match="shard 2: a template is missing"):
        beside(lambda: None, fail_at_two, [1, 2, 3])
    with pytest.raises(KgError, match="exit code -9"):  # a renderer killed for memory: an error, not a hang
        beside(lambda: None, lambda shard: os.kill(os.getpid(), 9) if shard == 2 else shard, [1, 2])


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    # the site makes its page rows with the collector paused; an error inside must not leave it off, and a
    # caller that had turned it off keeps it off
    assert gc.isenabled()
    with pytest.raises(ValueError):
        with collector_paused():
            assert not gc.isenabled()
            raise ValueError("a page query failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
