"""Each plan's quads in a small in-memory store, for describing its requirements on the static site.

Reading a quad back from the built store (RocksDB) costs ~10 µs: the text of each term is a lookup of its
own. Parsing N-Quads costs ~1.3 µs a quad. A requirement's description is ~50 triples and a plan has ~65
requirements, so a renderer describes a plan's requirements from the plan's own quads, loaded once into an
in-memory store (~12 ms a plan), at a quarter of the cost (0.2 ms a requirement instead of 0.8 ms).

The build's quads are split into a file per plan: graph.nq by `kg build`'s dumping process, beside
validation (`prepare`), to which the site adds the quality graph (loaded into the store after graph.nq was
written: together all the store holds); or all by the site when it renders a finished build
(`PlanQuads.split`). A plan's file holds every quad of the plan's graph and every quad, in any graph, that
names one of the plan's IRIs (the plan's own IRI and those under it) or a comparison of the plan with
another (``id/comparison/{plan}--{other}``: its pairs name the other plan's requirements too). So it holds
every triple whose subject or object is one of the plan's resources, the triples of the plan's blank nodes
(the lifter writes them into the plan's graph only) and the whole of its comparisons: what SiteModel reads
to describe one of its resources, and what the plan-scoped page queries match (kg.pages.facts). A node
outside the plan is read from the built store.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.vocab import Minter

SPLIT_DIR = "plan-quads"  # in a build folder being assembled: graph.nq split by plan (`prepare`)
INDEX = "index.json"  # the split's files by slug, written last: a folder without it is not used
FLUSH_BYTES = 32 << 20  # lines held before they are appended to their plans' files
LOAD_FOR = "/requirement/"  # a plan's file is loaded for its requirements, ~65 descriptions a plan


class PlanQuads:
    """The per-plan files, and the plan loaded last (each process that reads them has its own)."""

    def __init__(self, folder: Path, files: dict[str, Path], base: str) -> None:
        self.folder, self.files = folder, files
        self._minter = Minter(base)
        self._slug: str | None = None
        self._store: ox.Store | None = None
        self.loaded = 0  # plan files loaded (a plan's requirements are rendered together, so one each)

    @classmethod
    def split(cls, sources: Iterable[Path], base: str, parent: Path) -> PlanQuads:
        """Every plan's quads, split out of ``sources`` into a temporary folder under ``parent``; `close`
        removes it."""
        folder = Path(tempfile.mkdtemp(prefix=".plan-quads-", dir=parent))
        try:
            files = split_by_plan(_lines(sources), base, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return cls(folder, files, base)

    @classmethod
    def prepared(cls, folder: Path, base: str) -> PlanQuads | None:
        """The split `prepare` wrote into ``folder``, or None when there is none (or it is incomplete)."""
        try:
            index = json.loads((folder / INDEX).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return cls(folder, {slug: folder / name for slug, name in index.items()}, base)

    def add(self, sources: Iterable[Path]) -> None:
        """Append the quads of further files (the quality graph) to the plans' files they name."""
        split_by_plan(_lines(sources), self._minter.base, self.folder, self.files)

    def close(self) -> None:
        """Remove the files; the site's resources are then described from the store again."""
        self._slug, self._store, self.files = None, None, {}
        shutil.rmtree(self.folder, ignore_errors=True)

    def plan_of(self, iri: str) -> tuple[str, ox.Store] | None:
        """(the plan's IRI, its in-memory store) for a resource of a plan whose quads are here: loaded for a
        requirement, and for the plan's other resources while it is the plan loaded last; else None."""
        slug = self._minter.plan_slug(iri)
        if slug is None or (slug != self._slug and (LOAD_FOR not in iri or slug not in self.files)):
            return None
        return self.plan_iri(slug), self.store_of(slug)

    def plan_iri(self, slug: str) -> str:
        return str(self._minter.plan(slug))

    @staticmethod
    def holds(plan_iri: str, iri: str) -> bool:
        """Whether an IRI is the plan's or one of its resources' (under it)."""
        return iri == plan_iri or iri.startswith(plan_iri + "/")

    def store_of(self, slug: str) -> ox.Store:
        """The plan's quads in an in-memory store (loaded unless it is the plan loaded last)."""
        if slug != self._slug or self._store is None:
            self._store = None  # the previous plan's store is let go before the next is loaded
            self._store = ox.Store()
            # lenient: the lines are graph.nq's, which the dumps parsed strictly (a third faster:
            # 7.6 against 11 ms for a plan of 1 MB at 1,000 plans, and each plan is loaded twice)
            self._store.bulk_load(path=str(self.files[slug]), format=ox.RdfFormat.N_QUADS, lenient=True)
            self._slug, self.loaded = slug, self.loaded + 1
        return self._store


def prepare(nquads: Path, base: str, folder: Path) -> None:
    """Split a build's N-Quads by plan into ``folder`` for the site (kg.pipeline runs this beside validation,
    which keeps its critical path a quarter of a minute shorter at 1,000 plans); the index comes last."""
    folder.mkdir()
    files = split_by_plan(_lines([nquads]), base, folder)
    (folder / INDEX).write_text(json.dumps({slug: path.name for slug, path in files.items()}), "utf-8")


def split_by_plan(lines: Iterable[bytes], base: str, folder: Path,
                  files: dict[str, Path] | None = None) -> dict[str, Path]:
    """Write each N-Quads line to the file of every plan it names (``<base>id/plan/{slug}…``, the
    plan's graph ``<base>graph/plan/{slug}``, a comparison ``<base>id/comparison/{slug}--{other}…``),
    appending to ``files`` when given; returns the files by slug."""
    base = Minter(base).base  # as the IRIs were minted: a base given without its final slash gets one
    named = re.compile(rb"<" + re.escape(base.encode()) +
                       rb"(?:(?:id|graph)/plan/([^/>]+)|id/comparison/([^/>]+?)--([^/>]+?)[/>])")
    held: dict[bytes, list[bytes]] = {}  # by slug
    files = {} if files is None else files
    size = 0
    for line in lines:
        if b"/plan/" not in line and b"/comparison/" not in line:
            continue
        for slug in {slug for found in named.findall(line) for slug in found if slug}:
            held.setdefault(slug, []).append(line)
            size += len(line)
        if size > FLUSH_BYTES:
            _flush(held, folder, files)
            size = 0
    _flush(held, folder, files)
    return files


def _flush(held: dict[bytes, list[bytes]], folder: Path, files: dict[str, Path]) -> None:
    """Append the lines held to their plans' files (named by number: a slug need not be a file name)."""
    for slug, lines in held.items():
        if lines:
            path = files.setdefault(slug.decode("utf-8"), folder / f"{len(files)}.nq")
            with path.open("ab") as out:
                out.write(b"".join(lines))
            lines.clear()


def _lines(sources: Iterable[Path]) -> Iterator[bytes]:
    """The N-Quads lines of each source: N-Quads read as it is, TriG (the quality graph) converted."""
    for path in sources:
        if path.suffix == ".nq":
            with path.open("rb") as lines:
                yield from lines
        else:
            quads = ox.parse(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip(".")))
            yield from ox.serialize(quads, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
