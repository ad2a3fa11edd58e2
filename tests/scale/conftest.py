"""A 12-plan synthetic corpus (bench/corpus.py, seed 10: every template, layout and encoding), made once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SEED = 10
PLANS = 12


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated corpus folder (plans and manifest.json); tests copy it before changing anything."""
    from bench.corpus import generate

    out = tmp_path_factory.mktemp("synthetic") / "corpus"
    generate(PLANS, SEED, out)
    return out


@pytest.fixture
def corpus_copy(synthetic: Path, tmp_path: Path) -> Path:
    """A copy of the synthetic corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(synthetic, target)
    return target
