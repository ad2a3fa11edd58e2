"""The build delta: which plans, comparisons and IRIs a changed document touches, and when to redo all."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from kg.delta import (BuildDelta, build_delta, canonical_lines, plan_entry, previous_plans, stage_inputs,
                      touched_iris)
from kg.incremental import CACHE_DIR, BuildCache, _plan_key
from kg.normalise.model import LiftedPlan
from kg.pipeline import lift_all, write_quads
from kg.settings import Settings, load_settings
from kg.sources import decode, find_sources
from tests.conftest import CORPUS, HUAIYIN, PANLONG

STARTED = "2024-01-01T00:00:00+00:00"
BASE = "http://127.0.0.1:8000/"
PLAN = f"{BASE}id/plan/kunming-panlong-2018"
# corpus/yunnan-kunming-panlong-2018-fengong.txt line 119 is the deadline cell of row 13: "\t10 月底前"
DEADLINE_CELL, MOVED_CELL = "\t10 月底前", "\t9 月底前"


@dataclass(frozen=True)
class Build:
    """A build made by the test: its folder (manifest.json, cache/), settings and plans."""

    folder: Path
    settings: Settings
    plans: list[LiftedPlan]

    @property
    def cache(self) -> Path:
        return self.folder / CACHE_DIR


def make_build(corpus: Path, folder: Path, previous: Build | None = None, **settings) -> Build:
    """What pipeline.build does up to the store: lift and map with the cache, then the manifest with the
    fields kg.delta reads (each plan's slug and sha256, the stages' inputs)."""
    settings = load_settings(corpus=corpus, build=folder, **settings)
    cache = BuildCache(folder / CACHE_DIR, previous=previous.cache if previous else None)
    plans = lift_all(find_sources(corpus), cache=cache, workers=1)
    folder.mkdir(parents=True, exist_ok=True)
    write_quads(plans, settings, STARTED, folder / "lifted.nq", cache)
    manifest = {"plans": [{"slug": p.slug, "sha256": p.parsed.source.sha256} for p in plans],
                "inputs": stage_inputs(settings)}
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return Build(folder, settings, plans)


def move_deadline(path: Path) -> None:
    text, encoding = decode(path.read_bytes(), str(path))
    assert text.count(DEADLINE_CELL) == 1
    path.write_bytes(text.replace(DEADLINE_CELL, MOVED_CELL).encode(encoding))


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Build, BuildDelta]:
    """The corpus built, one deadline of 盘龙's plan moved, built again from the first build's cache."""
    root = tmp_path_factory.mktemp("delta")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    first = make_build(corpus, root / "first")
    move_deadline(corpus / PANLONG.name)
    second = make_build(corpus, root / "second", previous=first)
    return first, second, build_delta(first.folder, second.cache, second.plans, second.settings)


# --- touched_iris over bytes ------------------------------------------------------------------------------
G = "<http://x/graph/plan/p>"
DEADLINE = f"""<http://x/id/plan/p/requirement/1> <http://x/def#deadline> <http://x/id/plan/p/requirement/1/deadline/1> {G} .
<http://x/id/plan/p/requirement/1/deadline/1> <http://www.w3.org/2006/time#hasEnd> _:N9b1c {G} .
_:N9b1c <http://www.w3.org/2006/time#inXSDDate> "2018-10-31"^^<http://www.w3.org/2001/XMLSchema#date> {G} .
"""


def test_blank_nodes_relabelled_on_every_mapping_touch_nothing():
    relabelled = DEADLINE.replace("_:N9b1c", "_:Nf00d")
    assert touched_iris(DEADLINE.encode(), relabelled.encode()) == set()


def test_a_moved_date_behind_a_blank_node_touches_the_deadline_that_owns_it():
    moved = DEADLINE.replace("_:N9b1c", "_:Nf00d").replace("2018-10-31", "2018-09-30")
    assert touched_iris(DEADLINE.encode(), moved.encode()) == {"http://x/id/plan/p/requirement/1/deadline/1"}


def test_a_literal_that_prints_an_underscore_colon_is_not_a_blank_node():
    line = f'<http://x/a> <http://x/def#printedText> "见附件_:1 和 <b>" {G} .\n'.encode()
    assert canonical_lines(line) == {line.rstrip(b"\n")}
    assert touched_iris(line, b"") == {"http://x/a"}


def test_a_removed_quad_touches_its_subject_and_its_iri_object_only():
    old = DEADLINE.encode()
    new = b"\n".join(old.splitlines()[1:])
    assert touched_iris(old, new) == {"http://x/id/plan/p/requirement/1",
                                      "http://x/id/plan/p/requirement/1/deadline/1"}


# --- the corpus: one deadline of 盘龙 moved -----------------------------------------------------------------
def test_only_the_changed_plan_and_its_comparisons_changed(builds):
    first, second, delta = builds
    assert not delta.everything and delta.redo == frozenset()
    assert delta.changed == {"kunming-panlong-2018"} and not delta.added and not delta.removed
    # 盘龙 is compared with 楚雄 only (same province and year): that one pair, compared again
    assert len(delta.comparisons_added) == len(delta.comparisons_removed) == 1


def test_the_moved_deadline_is_the_only_deadline_touched(builds):
    _, _, delta = builds
    assert [iri for iri in delta.touched if "/deadline/" in iri] == [f"{PLAN}/requirement/13/deadline/1"]
    assert PLAN in delta.touched


def test_no_other_plan_agency_or_document_is_touched(builds):
    first, second, delta = builds
    old_source = f"{BASE}id/source/{_sha(first, 'kunming-panlong-2018')[:16]}"
    new_source = f"{BASE}id/source/{_sha(second, 'kunming-panlong-2018')[:16]}"
    # the source node is named by the document's hash: the old one goes, the new one comes
    assert {old_source, new_source} <= delta.touched
    ours = {iri for iri in delta.touched if iri.startswith(BASE)}
    assert {iri for iri in ours if not iri.startswith(PLAN)} == {old_source, new_source}
    # and the classes of the nodes that went and came: the source, the deadline's time:Instant
    assert delta.touched - ours == {"https://w3id.org/zwgk/def#SourceDocument",
                                    "http://www.w3.org/2006/time#Instant"}


def test_every_requirement_names_its_source_so_all_of_the_plans_requirements_are_touched(builds):
    """zw:sourceDocument points at id/source/<sha256 of the file>: editing one cell re-points every
    requirement of that plan (and of no other), which is what the site must re-render."""
    first, second, delta = builds
    requirements = {iri for iri in delta.touched if iri.rsplit("/", 2)[-2] == "requirement"}
    (panlong,) = [p for p in second.plans if p.slug == "kunming-panlong-2018"]
    assert f"{PLAN}/requirement/13" in requirements
    assert len(requirements) == len(panlong.requirements)


def test_a_rebuild_of_the_same_corpus_changes_nothing(builds, tmp_path):
    _, second, _ = builds
    third = make_build(second.settings.corpus, tmp_path / "third", previous=second)
    delta = build_delta(second.folder, third.cache, third.plans, third.settings)
    assert delta.nothing and delta.touched == frozenset()


def test_a_removed_document_touches_its_region_and_agencies(builds, tmp_path):
    _, second, _ = builds
    corpus = tmp_path / "corpus"
    shutil.copytree(second.settings.corpus, corpus)
    (corpus / HUAIYIN.name).unlink()
    third = make_build(corpus, tmp_path / "third", previous=second)
    delta = build_delta(second.folder, third.cache, third.plans, third.settings)
    assert delta.removed == {"jinan-huaiyin-2020"} and not delta.changed and not delta.added
    assert {f"{BASE}id/plan/jinan-huaiyin-2020", f"{BASE}id/region/jinan-huaiyin"} <= delta.touched
    assert any(iri.startswith(f"{BASE}id/agency/jinan-huaiyin/") for iri in delta.touched)
    assert not any(iri.startswith(PLAN) for iri in delta.touched)


# --- when the delta cannot be trusted --------------------------------------------------------------------
def test_without_a_previous_build_everything_is_redone(builds, tmp_path):
    _, second, _ = builds
    delta = build_delta(tmp_path / "nothing-here", second.cache, second.plans, second.settings)
    assert delta.everything and delta.full("site") and delta.reasons == ("no previous build",)


def test_another_base_iri_redoes_everything(builds, tmp_path):
    first, _, _ = builds
    other = make_build(first.settings.corpus, tmp_path / "other", previous=first, base="https://example.org/")
    delta = build_delta(first.folder, other.cache, other.plans, other.settings)
    assert delta.everything and "another base IRI" in delta.reasons[0]


def test_changed_shapes_redo_validation_only(builds, tmp_path):
    _, second, _ = builds
    shapes = tmp_path / "shapes"
    shutil.copytree(second.settings.shapes, shapes)
    (shapes / "extra.ttl").write_text("# one more shape file\n", "utf-8")
    settings = replace(second.settings, shapes=shapes)
    delta = build_delta(second.folder, second.cache, second.plans, settings)
    assert not delta.everything and delta.redo == {"validate"}
    assert delta.full("validate") and not delta.full("site") and not delta.full("store")


def test_plan_entry_names_the_file_kg_incremental_writes(builds):
    _, second, _ = builds
    plan = second.plans[0]
    path = plan_entry(second.cache, plan.parsed.source.sha256, plan.slug, second.settings.base)
    assert path.name == _plan_key(plan, second.settings.base) and path.is_file()
    assert previous_plans(second.folder) == {p.slug: p.parsed.source.sha256 for p in second.plans}


def _sha(build: Build, slug: str) -> str:
    return next(p.parsed.source.sha256 for p in build.plans if p.slug == slug)
