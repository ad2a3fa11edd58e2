"""The pyoxigraph store: one named graph per plan plus a shared graph, opened read-only for serving."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError


def open_store(path: str | Path, read_only: bool = True) -> ox.Store:
    """Open a built store directory. Read-only stores may be opened by many processes at once."""
    path = Path(path)
    if read_only:
        if not path.is_dir():
            raise KgError(f"{path}: no built store here; run `kg build` first")
        return ox.Store.read_only(str(path))
    path.mkdir(parents=True, exist_ok=True)
    return ox.Store(str(path))


def load_nquads(store: ox.Store, nquads_path: str | Path) -> None:
    """Bulk-load an N-Quads file (named graphs kept) into a writable store."""
    store.bulk_load(path=str(nquads_path), format=ox.RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
