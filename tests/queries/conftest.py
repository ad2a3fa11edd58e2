"""Fixtures of the catalogue tests: the corpus build with plan comparisons, a CLI runner, an API client."""

from __future__ import annotations

import csv
import io
import shutil
from dataclasses import replace

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import Graph

from kg.serve.settings import ServeSettings
from kg.settings import Settings
from tests.conftest import Built

HAS_COMPARISON = "ASK { ?c a <https://w3id.org/zwgk/def#PlanComparison> }"


@pytest.fixture(scope="session")
def comparisons(built: Built):
    """The plan comparisons of the corpus (kg.compare over the lifted plans)."""
    from kg.compare import compare_plans

    return compare_plans(list(built.plans.values()))


@pytest.fixture(scope="session")
def catalogue_settings(built: Built, comparisons, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a corpus build whose store holds the plan comparisons.

    Until the pipeline writes them itself, the session build is copied and the comparison graph added
    to the copy (the session build stays untouched).
    """
    from kg.compare_rdf import write_comparisons
    from kg.store import open_store
    from kg.vocab import Minter, comparison_graph

    if bool(open_store(built.settings.store_path).query(HAS_COMPARISON, use_default_graph_as_union=True)):
        return built.settings
    target = tmp_path_factory.mktemp("catalogue") / "build"
    shutil.copytree(built.build_dir, target)
    minter = Minter(built.settings.base)
    graph = Graph()
    write_comparisons(graph, comparisons, minter)
    store = ox.Store(str(target / "store"))
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode(str(comparison_graph(minter))))
    store.flush()
    del store
    return replace(built.settings, build=target)


@pytest.fixture(scope="session")
def catalogue_store(catalogue_settings: Settings) -> ox.Store:
    from kg.store import open_store

    return open_store(catalogue_settings.store_path)


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="session")
def run_cli(catalogue_settings: Settings):
    """`kg --build-dir … query NAME -p k=v --format csv` → rows as dicts of strings."""
    from kg.cli import cli

    def run(name: str, params: dict[str, str]) -> list[dict[str, str]]:
        args = ["--build-dir", str(catalogue_settings.build), "query", name, "--format", "csv"]
        for key, value in params.items():
            args += ["-p", f"{key}={value}"]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return parse_csv(result.stdout)

    return run


def serve_settings(settings: Settings, **overrides) -> ServeSettings:
    """The server's settings for a build (what create_app and api_router are given)."""
    return ServeSettings.build(env={}, store=str(settings.store_path), queries_dir=str(settings.queries),
                               **overrides)


@pytest.fixture(scope="session")
def api_client(catalogue_settings: Settings, catalogue_store: ox.Store) -> TestClient:
    """A FastAPI app that includes the catalogue router, as kg.serve.app would."""
    from kg.serve.api import api_router

    app = FastAPI()
    app.include_router(api_router(serve_settings(catalogue_settings), catalogue_store))
    return TestClient(app)


@pytest.fixture(scope="session")
def run_api(api_client: TestClient):
    """GET /api/queries/NAME?k=v → rows as dicts of strings (JSON)."""

    def run(name: str, params: dict[str, str]) -> list[dict[str, str]]:
        response = api_client.get(f"/api/queries/{name}", params=params)
        assert response.status_code == 200, response.text
        return response.json()["rows"]

    return run
