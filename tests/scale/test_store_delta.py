"""Updating the previous store by the delta gives, quad for quad, the store a full load makes."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.delta import BuildDelta, build_delta, canonical_lines, neighbours, touched_iris
from kg.pipeline import load_store
from kg.store_delta import _counts_path, update_store
from tests.conftest import CORPUS, HUAIYIN, PANLONG
from tests.scale.test_delta import BASE, PLAN, STARTED, Build, make_build, move_deadline

ENDED = ox.NamedNode("http://www.w3.org/ns/prov#endedAtTime")
SHARED = ox.NamedNode(f"{BASE}graph/shared")


def nquads(store_dir: Path) -> set[bytes]:
    """A store's quads as N-Quads lines, blank nodes named by their neighbourhood (pyoxigraph gives them new
    labels on every load)."""
    store = ox.Store.read_only(str(store_dir))
    return canonical_lines(ox.serialize(store, format=ox.RdfFormat.N_QUADS))


def full_store(build: Build, folder: Path) -> tuple[Path, str]:
    """pipeline.load_store of the build into ``folder``, and when write_quads said the lifting ended."""
    store = load_store(folder, build.folder / "lifted.nq", build.plans, build.settings)
    (ended,) = [q.object.value for q in store.quads_for_pattern(None, ENDED, None)]
    del store
    return folder, ended


def updated_store(previous: Build, build: Build, ended: str) -> tuple[Path, BuildDelta]:
    """update_store of ``previous``'s store into ``build``'s folder (where the next update looks for it)."""
    delta = build_delta(previous.folder, build.cache, build.plans, build.settings)
    store = update_store(build.folder / "store", previous.folder, build.cache, delta, build.plans,
                         build.settings, STARTED, ended)
    del store
    return build.folder / "store", delta


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The corpus loaded in full; 盘龙's deadline of row 13 moved; then 槐荫's plan removed: each later
    store updated from the one before, and loaded in full beside it."""
    root = tmp_path_factory.mktemp("store-delta")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    first = make_build(corpus, root / "first")
    full_store(first, first.folder / "store")
    move_deadline(corpus / PANLONG.name)
    second = make_build(corpus, root / "second", previous=first)
    full_second, ended = full_store(second, root / "full-second")
    out = {"first": first.folder / "store", "full-second": full_second}
    out["second"], out["delta-second"] = updated_store(first, second, ended)
    (corpus / HUAIYIN.name).unlink()
    third = make_build(corpus, root / "third", previous=second)
    full_third, ended = full_store(third, root / "full-third")
    out["third"], _ = updated_store(second, third, ended)
    out.update({"full-third": full_third, "second-cache": second.cache, "third-cache": third.cache})
    return out


def test_the_updated_store_is_the_full_load_after_a_changed_document(chain):
    updated, full = nquads(chain["second"]), nquads(chain["full-second"])
    assert len(full) > 20000
    assert updated == full


def test_the_updated_store_is_the_full_load_after_a_removed_document(chain):
    assert nquads(chain["third"]) == nquads(chain["full-third"])


def test_the_moved_deadline_is_in_the_updated_store_and_not_in_the_previous(chain):
    due = ox.NamedNode("https://w3id.org/zwgk/def#dueDate")
    deadline = ox.NamedNode(f"{PLAN}/requirement/13/deadline/1")
    dates = {name: [q.object.value for q in ox.Store.read_only(str(chain[name])).quads_for_pattern(
        deadline, due, None)] for name in ("first", "second")}
    assert dates == {"first": ["2018-10-31"], "second": ["2018-09-30"]}


def test_a_shared_node_goes_with_its_last_plan_only(chain):
    """槐荫 is the only plan in 济南; 昆明 has two plans (盘龙, 五华): one removed plan takes 济南 with it."""
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def regions(name: str) -> set[str]:
        store = ox.Store.read_only(str(chain[name]))
        return {q.subject.value for q in store.quads_for_pattern(None, kind, None, SHARED)
                if q.subject.value.startswith(f"{BASE}id/region/")}

    assert {f"{BASE}id/region/shandong-jinan", f"{BASE}id/region/yunnan-kunming"} <= regions("second")
    assert f"{BASE}id/region/shandong-jinan" not in regions("third")
    assert f"{BASE}id/region/yunnan-kunming" in regions("third")


def test_the_build_keeps_how_many_plans_write_each_shared_line(chain):
    counts = pickle.loads(_counts_path(chain["third-cache"], BASE).read_bytes())
    kunming = [n for line, n in counts.items() if line.startswith(f"<{BASE}id/region/yunnan-kunming> ".encode())]
    assert kunming and set(kunming) == {2}  # 盘龙 and 五华
    assert not any(line.startswith(f"<{BASE}id/region/shandong-jinan> ".encode()) for line in counts)


def test_the_previous_store_is_left_as_it_was(chain):
    assert nquads(chain["first"]) != nquads(chain["second"])
    store = ox.Store.read_only(str(chain["first"]))
    assert any(True for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(f"{BASE}graph/plan/jinan-huaiyin-2020")))


def test_a_touched_requirement_does_not_touch_its_agencies_but_their_pages_are_two_quads_away(chain):
    """Row 13's moved deadline changes quads of row 13's deadline node only (and, through the new source
    hash, of every 盘龙 requirement): the agencies assigned to row 13 — whose pages list it — keep their
    quads. A stage that shows neighbours' data widens ``touched`` with kg.delta.neighbours."""
    store = ox.Store.read_only(str(chain["second"]))
    agency = ox.NamedNode("https://w3id.org/zwgk/def#agency")
    assignments = neighbours(store, [f"{PLAN}/requirement/13"])
    agencies = {q.object.value for a in assignments for q in store.quads_for_pattern(ox.NamedNode(a), agency, None)}
    touched = chain["delta-second"].touched
    assert agencies and all(a.startswith(f"{BASE}id/agency/kunming-panlong/") for a in agencies)
    assert not agencies & touched
    assert agencies <= neighbours(store, neighbours(store, touched))


def test_every_iri_whose_quads_changed_in_the_store_is_touched(chain):
    """What the store's two versions differ in is within the delta's ``touched`` — but for the lifting
    activity (named by every source's hash, so every plan's prov:wasGeneratedBy changes) and the dataset's
    description, new on every build: what validation and the site redo covers every other change."""
    every_build = (f"<{BASE}id/activity/", f"<{BASE}id/dataset", f"<{BASE}dumps/")

    def dump(name: str) -> bytes:
        data = ox.serialize(ox.Store.read_only(str(chain[name])), format=ox.RdfFormat.N_QUADS)
        return b"\n".join(line for line in data.splitlines()
                          if not any(part.encode() in line for part in every_build))

    changed = touched_iris(dump("first"), dump("full-second"))
    assert f"{PLAN}/requirement/13/deadline/1" in changed
    assert changed <= chain["delta-second"].touched

