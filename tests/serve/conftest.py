"""Fixtures of the endpoint tests: W3C and tiny-plan stores, example queries, real servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from serve_support import (
    EXAMPLE_QUERIES,
    PROJECT,
    ROW_CAP,
    SERVER_TIMEOUT,
    TINY_CORPUS_TRIG,
    build_store,
    running_server,
    w3c_graph_files,
)


@pytest.fixture(scope="session")
def w3c_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The W3C protocol tests' data: data1..3.nt in the named graphs the manifest names."""
    return build_store(tmp_path_factory.mktemp("w3c") / "store", graphs=w3c_graph_files())


@pytest.fixture(scope="session")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two small plans and a shared agency graph (until the real corpus store is built)."""
    return build_store(tmp_path_factory.mktemp("tiny") / "store", trig=TINY_CORPUS_TRIG)


@pytest.fixture(scope="session")
def example_queries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A queries/ folder with headed example queries over the tiny store."""
    folder = tmp_path_factory.mktemp("queries")
    for name, text in EXAMPLE_QUERIES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def w3c_server(w3c_store: Path, example_queries: Path) -> Iterator[str]:
    """A real server over the W3C data; yields the /sparql URL."""
    with running_server(store=str(w3c_store), queries_dir=str(example_queries)) as url:
        yield url


@pytest.fixture(scope="session")
def tiny_server(tiny_store: Path, example_queries: Path) -> Iterator[str]:
    """A real server over the tiny plan store, with a short time limit and a small row cap."""
    with running_server(store=str(tiny_store), queries_dir=str(example_queries), timeout=SERVER_TIMEOUT,
                        max_rows=ROW_CAP) as url:
        yield url


@pytest.fixture(scope="session")
def tiny_client(tiny_store: Path, example_queries: Path) -> Iterator:
    """An in-process client of create_app over the tiny store (same limits as tiny_server)."""
    from fastapi.testclient import TestClient

    from kg.serve.app import create_app
    from kg.serve.pool import LocalBackend
    from kg.serve.settings import ServeSettings

    settings = ServeSettings.build(env={}, store=tiny_store, queries_dir=example_queries,
                                   timeout=SERVER_TIMEOUT, max_rows=ROW_CAP,
                                   templates_dir=PROJECT / "site" / "templates",
                                   static_dir=PROJECT / "site" / "static")
    backend = LocalBackend(settings.store, settings.workers)
    try:
        with TestClient(create_app(settings, backend)) as client:
            yield client
    finally:
        backend.close()
