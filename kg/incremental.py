"""Carry work over from one build to the next: lifted plans, each plan's N-Quads, each comparison's N-Quads.

Every entry is keyed by what made it: the SHA-256 of the source bytes (and, for RDF, the plan's slug and the
base IRI) under a folder named by a hash of the code and data that produce it. A rebuild after one document
changed therefore lifts, maps and compares only what that document touches; a change to the lifter's code
or rules changes the folder name, so nothing stale is ever read. The cache lives in the build folder
(build/cache/) and is rebuilt with it: entries a build uses are hard-linked from the previous build's cache
into the new one, so what no build uses any more disappears with the old build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import replace
from functools import cache
from importlib import metadata
from pathlib import Path

from kg.files import link_or_copy
from kg.normalise.model import LiftedPlan

CACHE_DIR = "cache"
PACKAGE = Path(__file__).resolve().parent
# What each kind of entry is made by (paths inside kg/); a change to any of these files invalidates it.
LIFTING = ("sources.py", "lift.py", "errors.py", "parse", "normalise", "data")
MAPPING = LIFTING + ("rdf.py", "quads.py", "vocab.py")
COMPARING = MAPPING + ("compare.py", "compare_rdf.py")


@cache
def code_version(parts: tuple[str, ...]) -> str:
    """A hash of the files under kg/ named by ``parts``, the Python version and pypinyin's (slugs)."""
    digest = hashlib.sha256(f"{sys.version_info[:2]} pypinyin {_version('pypinyin')}".encode())
    for part in parts:
        root = PACKAGE / part
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def source_sha256(path: Path) -> str:
    """The SHA-256 of a document's bytes (what SourceDoc.sha256 holds once it is read)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def base_key(base: str) -> str:
    return hashlib.sha256(base.encode()).hexdigest()[:12]


class BuildCache:
    """The cache of the build being made (``current``), filled from the previous build's (``previous``).

    ``hits`` and ``misses`` count lookups by kind, for the build summary.
    """

    def __init__(self, current: Path, previous: Path | None = None) -> None:
        self.current = current
        self.previous = previous if previous is not None and previous.is_dir() else None
        self.hits: dict[str, int] = {}
        self.misses: dict[str, int] = {}

    # --- lifted plans ---------------------------------------------------------------------------
    def plan(self, sha256: str, path: Path) -> LiftedPlan | None:
        """The plan lifted from these bytes, if a build lifted them with the same lifter; its source is
        named by ``path`` (the same bytes may have been renamed)."""
        data = self._get("lifted", code_version(LIFTING), f"{sha256}.pickle")
        if data is None:
            return None
        plan: LiftedPlan = pickle.loads(data)
        source = plan.parsed.source
        if source.path != str(path):
            source = replace(source, path=str(path), id=path.stem)
            plan = replace(plan, parsed=replace(plan.parsed, source=source))
        return plan

    def keep_plan(self, plan: LiftedPlan) -> None:
        self._put("lifted", code_version(LIFTING), f"{plan.parsed.source.sha256}.pickle",
                  pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))

    # --- N-Quads of one plan, of one comparison ---------------------------------------------------
    # Found as files, read when written out: a rebuild of 3,200 plans had read all 2.1 GB first.
    def quads(self, plan: LiftedPlan, base: str) -> Path | None:
        return self._find("quads", code_version(MAPPING), _plan_key(plan, base))

    def keep_quads(self, plan: LiftedPlan, base: str, data: bytes) -> None:
        self._put("quads", code_version(MAPPING), _plan_key(plan, base), data)

    def comparison(self, a: LiftedPlan, b: LiftedPlan, base: str) -> Path | None:
        """The file of the comparison's N-Quads (empty when the two plans are not comparable)."""
        return self._find("compared", code_version(COMPARING), _pair_key(a, b, base))

    def keep_comparison(self, a: LiftedPlan, b: LiftedPlan, base: str, data: bytes) -> None:
        self._put("compared", code_version(COMPARING), _pair_key(a, b, base), data)

    def counts(self) -> str:
        kinds = sorted(set(self.hits) | set(self.misses))
        return "; ".join(f"{kind} {self.misses.get(kind, 0)} made, {self.hits.get(kind, 0)} reused"
                         for kind in kinds)

    # --- files ----------------------------------------------------------------------------------
    def _get(self, kind: str, version: str, name: str) -> bytes | None:
        found = self._find(kind, version, name)
        return found.read_bytes() if found is not None else None

    def _find(self, kind: str, version: str, name: str) -> Path | None:
        """The entry's file in this build's cache (linked from the previous build's when only that has it)."""
        folder = f"{kind}-{version}"
        target = self.current / folder / name
        if target.is_file():
            self.hits[kind] = self.hits.get(kind, 0) + 1
            return target
        source = self.previous / folder / name if self.previous else None
        if source is None or not source.is_file():
            self.misses[kind] = self.misses.get(kind, 0) + 1
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(source, target, keep_existing=True)  # an entry is named by what made it
        self.hits[kind] = self.hits.get(kind, 0) + 1
        return target

    def _put(self, kind: str, version: str, name: str, data: bytes) -> None:
        target = self.current / f"{kind}-{version}" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{name}.{os.getpid()}")
        partial.write_bytes(data)
        partial.replace(target)  # a reader never sees half an entry


def _plan_key(plan: LiftedPlan, base: str) -> str:
    return f"{plan.parsed.source.sha256}-{plan.slug}-{base_key(base)}.nq"


def _pair_key(a: LiftedPlan, b: LiftedPlan, base: str) -> str:
    ends = sorted(f"{p.parsed.source.sha256[:24]}{p.slug}" for p in (a, b))
    return hashlib.sha256("|".join([*ends, base]).encode()).hexdigest()[:32] + ".nq"


