"""Validation fixtures: the corpus validated once (fast path and pyshacl), and small hand-made builds."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from kg.settings import Settings
from tests.validate import sample


@dataclass(frozen=True)
class Validated:
    """A build validated into its own folder: the summary, the settings used, and the folder."""

    summary: object
    settings: Settings
    folder: Path

    @property
    def reports(self) -> Path:
        return self.folder / "validation"


@pytest.fixture(scope="session")
def corpus_validated(built, tmp_path_factory: pytest.TempPathFactory) -> Validated:
    """The corpus build validated by the fast path into a copy (the shared build stays untouched)."""
    from kg.validate import validate_build

    folder = tmp_path_factory.mktemp("validated")
    shutil.copy(built.build_dir / "graph.nq", folder / "graph.nq")
    settings = replace(built.settings, build=folder)
    return Validated(validate_build(folder, settings), settings, folder)


@pytest.fixture(scope="session")
def corpus_results(corpus_validated: Validated):
    """The fast path's results on the corpus."""
    from kg.shacl import load_shapes
    from kg.validate import run_engine

    results, _, _, _ = run_engine(corpus_validated.folder, load_shapes(corpus_validated.settings.shapes))
    return results


@pytest.fixture(scope="session")
def corpus_store(corpus_validated: Validated):
    from kg.validate_fast import load_store

    return load_store(corpus_validated.folder / "graph.nq")


def _sample(tmp_path_factory, name: str, make) -> Validated:
    from kg.validate import validate_build

    plan, lines = make()
    settings = sample.write_build(plan, lines, tmp_path_factory.mktemp(name))
    return Validated(validate_build(settings.build, settings), settings, settings.build)


@pytest.fixture(scope="session")
def hostile_validated(tmp_path_factory: pytest.TempPathFactory) -> Validated:
    return _sample(tmp_path_factory, "hostile", sample.hostile_plan)


@pytest.fixture(scope="session")
def clean_validated(tmp_path_factory: pytest.TempPathFactory) -> Validated:
    return _sample(tmp_path_factory, "clean", sample.clean_plan)


@pytest.fixture(scope="session")
def warned_validated(tmp_path_factory: pytest.TempPathFactory) -> Validated:
    return _sample(tmp_path_factory, "warned", lambda: sample.clean_plan(reconstructed=True))
