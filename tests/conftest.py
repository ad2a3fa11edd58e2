"""Session fixtures: the bundled corpus built once into a temporary folder (tests must not mutate it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.normalise.model import LiftedPlan
from kg.settings import PROJECT_ROOT, Settings, load_settings

CORPUS = PROJECT_ROOT / "corpus"
SHARED = PROJECT_ROOT.parent / "shared"

# Corpus files by the plan they hold (file names are the project's own, see corpus/README.md).
PANLONG = CORPUS / "yunnan-kunming-panlong-2018-fengong.txt"
HUAIYIN = CORPUS / "shandong-jinan-huaiyin-2020-yaodian.txt"
WUHUA = CORPUS / "yunnan-kunming-wuhua-2019-fengong.txt"
CHUXIONG = CORPUS / "yunnan-chuxiong-2018-fengong.txt"
PANZHIHUA = CORPUS / "sichuan-panzhihua-2017-fengong.txt"


@dataclass(frozen=True)
class Built:
    settings: Settings
    plans: dict[str, LiftedPlan]  # by corpus file name

    @property
    def build_dir(self) -> Path:
        return self.settings.build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """`kg build` of the bundled corpus, once per session."""
    from kg.pipeline import build, lift_all
    from kg.sources import find_sources

    settings = load_settings(build=tmp_path_factory.mktemp("kg") / "build")
    build(settings)
    plans = {Path(p.parsed.source.path).name: p for p in lift_all(find_sources(CORPUS))}
    return Built(settings, plans)


@pytest.fixture(scope="session")
def store(built: Built):
    from kg.store import open_store

    return open_store(built.settings.store_path)


@pytest.fixture(scope="session")
def requirement_rows(built: Built, store) -> list[dict[str, str]]:
    """queries/requirements.rq over the built store."""
    from kg.query import as_table, resolve_query, run_query

    text, _ = resolve_query("requirements", built.settings.queries)
    return as_table(run_query(store, text)).dicts()
