"""`kg build` after one document changed re-validates only what it touches, and gives what a full run gives."""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from kg.findings import SHARED
from kg.settings import Settings, load_settings
from kg.validate import RESULTS_FILE, read_results
from tests.conftest import CORPUS, WUHUA

WUHUA_PLAN = "kunming-wuhua-2019"
WUHUA_ROW = "http://127.0.0.1:8000/id/plan/kunming-wuhua-2019/requirement/{}"


def _without_row(text: str, number: int) -> str:
    """The document without the table row printed as `number` (its cells run to the next row's number)."""
    lines = text.split("\n")
    start = lines.index(f"\t{number}")
    end = lines.index(f"\t{number + 1}", start)
    return "\n".join(lines[:start] + lines[end:])


def _results(build: Path) -> set[tuple]:
    """Focus, path, shape, component, severity, value, messages and plans of every result a build wrote."""
    filed = read_results(build / "validation" / RESULTS_FILE)
    assert filed is not None
    return {f.result.key() + (tuple(sorted(m.n3() for m in f.result.messages)), tuple(sorted(f.plans)))
            for f in filed}


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The corpus built, row 5 of Wuhua's plan deleted, then built again incrementally; and the edited corpus
    built from scratch. The builds stop after validation: the site is not what these tests are about."""
    from kg import pipeline, validate

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "_post_build_steps", lambda: [("validating the build", validate.build_step, False)])
        return _rebuild(load_settings(), tmp_path_factory.mktemp("incremental"), pipeline.build)


def _rebuild(settings: Settings, tmp: Path, build) -> dict[str, object]:
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = replace(settings, corpus=corpus, build=tmp / "build")
    build(settings)
    _file_result_on_a_gone_node(settings)
    before = _results(settings.build)
    edited = corpus / WUHUA.name
    edited.write_text(_without_row(edited.read_text("utf-8"), 5), "utf-8")
    progress: list[str] = []
    again = build(settings, progress.append)
    full = replace(settings, build=tmp / "full")
    build(full)
    return {"before": before, "incremental": _results(settings.build), "full": _results(full.build),
            "summary": again.extra["validation"], "progress": progress}


GONE = "http://127.0.0.1:8000/id/activity/lift-0000000000000000"


def _file_result_on_a_gone_node(settings: Settings) -> None:
    """A result on a node the next build no longer has (as a previous build's lifting run), filed under no
    plan: nothing the change touches leads to it, and it must not be kept."""
    record = {"focus": GONE, "path": None, "value": None, "shape": "https://w3id.org/zwgk/shapes#Gone",
              "component": "http://www.w3.org/ns/shacl#MinCountConstraintComponent",
              "severity": "http://www.w3.org/ns/shacl#Violation", "messages": [], "constraint": None,
              "plans": [SHARED]}
    with gzip.open(settings.build / "validation" / RESULTS_FILE, "at", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


def test_a_result_on_a_node_gone_from_the_data_is_not_kept(rebuilt):
    assert any(r[0] == f"<{GONE}>" for r in rebuilt["before"])
    assert not any(r[0] == f"<{GONE}>" for r in rebuilt["incremental"])


def test_incremental_equals_full(rebuilt):
    assert rebuilt["incremental"] == rebuilt["full"]


def test_only_the_changed_plan_is_revalidated(rebuilt):
    summary = rebuilt["summary"]
    assert summary.revalidated.startswith("re-validated 1 plan, ")
    assert "reused 4 plans" in summary.revalidated
    assert "re-validated 1 plan" in str(summary)
    assert any(line.startswith("validating ") and "nodes near what changed" in line for line in rebuilt["progress"])


def test_the_deleted_row_leaves_a_sequence_gap(rebuilt):
    gaps = {r for r in rebuilt["incremental"] if r[2] == "<https://w3id.org/zwgk/shapes#SequenceGapShape>"}
    row6 = [r for r in gaps if r[0] == f"<{WUHUA_ROW.format(6)}>"]
    assert len(row6) == 1 and row6[0][-1] == (WUHUA_PLAN,)
    assert any("缺 5（第 4 项之后即为第 6 项）" in m for m in row6[0][-2])
    assert not any(r[0] == f"<{WUHUA_ROW.format(6)}>" for r in rebuilt["before"] if r in gaps)


def test_other_plans_results_are_kept(rebuilt):
    """Results filed under the plans that did not change are the previous build's, unchanged (but the one
    on a node gone from the data)."""
    def others(results: set[tuple]) -> set[tuple]:
        return {r for r in results if WUHUA_PLAN not in r[-1] and r[0] != f"<{GONE}>"}

    assert others(rebuilt["incremental"]) == others(rebuilt["before"])
    assert len(others(rebuilt["before"])) > 600


def test_a_node_of_an_unchanged_plan_is_known_to_be_there_without_the_store():
    """Kept results are checked against the store only where their node is not minted under a plan the
    delta left alone (a lifting run, an agency, a node of a changed plan)."""
    from rdflib import BNode, URIRef

    from kg.validate import in_unchanged_plan
    from kg.vocab import Minter

    plans, minter = "http://127.0.0.1:8000/id/plan/", Minter("http://127.0.0.1:8000/")
    changed = frozenset({WUHUA_PLAN})
    assert in_unchanged_plan(URIRef(plans + "kunming-panlong-2019/requirement/3"), minter, changed)
    assert in_unchanged_plan(URIRef(plans + "kunming-panlong-2019"), minter, changed)
    assert not in_unchanged_plan(URIRef(WUHUA_ROW.format(5)), minter, changed)
    assert not in_unchanged_plan(URIRef(plans + WUHUA_PLAN), minter, changed)
    assert not in_unchanged_plan(URIRef(plans + "kunming-wuhua-2019-extra/requirement/1"), minter,
                                 frozenset({"kunming-wuhua-2019-extra"}))
    # a slug is a whole path segment: one that extends a changed plan's slug is another, unchanged plan
    assert in_unchanged_plan(URIRef(plans + WUHUA_PLAN + "-extra/requirement/1"), minter, changed)
    assert not in_unchanged_plan(URIRef(GONE), minter, changed)
    assert not in_unchanged_plan(URIRef("http://127.0.0.1:8000/id/agency/x"), minter, changed)
    assert not in_unchanged_plan(BNode("b1"), minter, changed)
