"""Parallel and incremental builds: the same graph as a serial full build, redoing only what a change touches."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import SourceError
from kg.incremental import BuildCache
from kg.compare import select_pairs
from kg.pipeline import lift_all, write_quads
from kg.settings import load_settings
from kg.sources import decode, find_sources

STARTED = "2024-01-01T00:00:00+00:00"
ENDED = "http://www.w3.org/ns/prov#endedAtTime"  # the one value that differs between two runs
CHANGED = "plan-00004.txt"  # made from 五华's plan: its deadline cells print 12月底前


def canonical(nquads: Path) -> set[tuple[str, ...]]:
    """The quads of a file as a set of strings, blank nodes named by the quads that point at them
    (each deadline's time:Instant is a blank node: new labels on every run)."""
    quads = [q for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS) if q.predicate.value != ENDED]
    names: dict[str, str] = {}
    for q in quads:
        if isinstance(q.object, ox.BlankNode):
            names.setdefault(q.object.value, f"[{q.subject} {q.predicate} {q.graph_name}]")

    def term(t) -> str:
        return names.get(t.value, str(t)) if isinstance(t, ox.BlankNode) else str(t)

    return {(term(q.subject), str(q.predicate), term(q.object), str(q.graph_name)) for q in quads}


def move_a_deadline(path: Path) -> None:
    """12月底前 → 11月底前 in the first deadline cell that prints it, in the file's own encoding."""
    text, encoding = decode(path.read_bytes(), str(path))
    assert "\t12月底前" in text
    path.write_bytes(text.replace("\t12月底前", "\t11月底前", 1).encode(encoding))


@pytest.fixture
def runs(corpus_copy: Path, tmp_path: Path):
    """A first build with a cache, one document changed, a second build from the first one's cache, and a
    serial full build of the changed corpus without any cache."""
    settings = load_settings(build=tmp_path / "build", corpus=corpus_copy)
    first = BuildCache(tmp_path / "cache-1")
    write_quads(lift_all(find_sources(corpus_copy), cache=first, workers=2), settings, STARTED,
                tmp_path / "first.nq", first, workers=2)
    move_a_deadline(corpus_copy / CHANGED)
    second = BuildCache(tmp_path / "cache-2", previous=tmp_path / "cache-1")
    plans = lift_all(find_sources(corpus_copy), cache=second, workers=2)
    write_quads(plans, settings, STARTED, tmp_path / "second.nq", second, workers=2)
    full = lift_all(find_sources(corpus_copy))
    write_quads(full, settings, STARTED, tmp_path / "full.nq")
    return plans, second, tmp_path


def test_a_rebuild_lifts_and_maps_only_the_changed_document(runs):
    plans, second, _ = runs
    assert (second.misses["lifted"], second.hits["lifted"]) == (1, 11)
    assert (second.misses["quads"], second.hits["quads"]) == (1, 11)


def test_a_rebuild_compares_again_only_the_pairs_with_the_changed_plan(runs):
    plans, second, _ = runs
    (changed,) = [p for p in plans if Path(p.parsed.source.path).name == CHANGED]
    pairs = select_pairs(plans)
    with_changed = [pair for pair in pairs if changed in pair]
    assert with_changed and len(with_changed) < len(pairs)
    assert second.misses["compared"] == len(with_changed)
    assert second.hits["compared"] == len(pairs) - len(with_changed)


def test_the_rebuilt_graph_is_the_full_serial_build_of_the_changed_corpus(runs):
    _, _, folder = runs
    rebuilt, full = canonical(folder / "second.nq"), canonical(folder / "full.nq")
    assert rebuilt == full
    assert rebuilt != canonical(folder / "first.nq")


def test_the_rebuilt_graph_holds_the_moved_deadline(runs):
    _, _, folder = runs
    first, second = canonical(folder / "first.nq"), canonical(folder / "second.nq")
    printed = "<https://w3id.org/zwgk/def#printedText>"
    gained = {q[2] for q in second - first if q[1] == printed}
    assert '"11月底前"@zh' in gained


def test_comparable_pairs_are_the_pairs_compare_plans_compares(synthetic):
    from kg.compare import compare_pair, compare_plans
    from kg.settings import PROJECT_ROOT

    for folder in (synthetic, PROJECT_ROOT / "corpus"):
        plans = lift_all(find_sources(folder))
        expected = [(c.from_plan, c.to_plan) for c in compare_plans(plans)]
        pairs = select_pairs(plans)
        assert [(a.slug, b.slug) for a, b in pairs] == expected
        assert all(compare_pair(a, b) is not None for a, b in pairs)
    assert len(expected) == 1  # the bundled corpus: 盘龙 2018 and 楚雄 2018 (云南, 2018)


def test_a_renamed_document_is_not_lifted_again_but_keeps_its_new_name(corpus_copy, tmp_path):
    first = BuildCache(tmp_path / "cache-1")
    lift_all(find_sources(corpus_copy), cache=first)
    (corpus_copy / "plan-00003.txt").rename(corpus_copy / "renamed.txt")
    second = BuildCache(tmp_path / "cache-2", previous=tmp_path / "cache-1")
    plans = lift_all(find_sources(corpus_copy), cache=second)
    assert second.misses.get("lifted", 0) == 0
    assert [p.parsed.source.path for p in plans if p.parsed.source.path.endswith("renamed.txt")] == \
        [str(corpus_copy / "renamed.txt")]


def test_a_bad_document_among_many_lifted_in_parallel_is_named(corpus_copy):
    bad = corpus_copy / "plan-00007.txt"
    bad.write_text("某某县2019年政务公开工作要点\n\n本文没有表格，也没有序号，只有一段说明文字，用来检验出错时的提示。\n", "utf-8")
    with pytest.raises(SourceError) as error:
        lift_all(find_sources(corpus_copy), workers=2)
    assert "plan-00007.txt" in str(error.value)


def test_the_cache_lives_in_the_build_and_is_carried_into_the_next(corpus_copy, tmp_path):
    from kg.pipeline import build

    small = tmp_path / "small"
    small.mkdir()
    for name in sorted(p.name for p in corpus_copy.glob("plan-*.txt"))[:2]:
        shutil.copy(corpus_copy / name, small / name)
    settings = load_settings(build=tmp_path / "build", corpus=small)
    build(settings)
    first_id = (settings.build / "store" / "build-id").read_text("utf-8")
    summary = build(settings)
    assert (settings.build / "store" / "build-id").read_text("utf-8") != first_id  # the server's ETags change
    assert summary.extra["reused from the previous build"].startswith("compared 0 made")
    assert "lifted 0 made, 2 reused" in summary.extra["reused from the previous build"]
    assert sorted(p.name.split("-")[0] for p in (settings.build / "cache").iterdir()) == \
        ["compared", "lifted", "quads", "shared"]  # shared: each shared-graph line's plans, for update_store
    assert summary.extra["store"].startswith("updated from the previous build: 0 plans changed")
