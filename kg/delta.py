"""What changed since the previous build: changed, added and removed plans and comparisons, the IRIs they touch.

A rebuild after one document changed should redo downstream (store, validation, site) only for what that
document touches. The delta is computed from what kg.incremental already keeps: the previous build's
manifest.json (each plan's slug and sha256) and the N-Quads cache entries of the previous and the new build
(one per plan, one per compared pair, keyed by what made them). The IRIs touched are those that appear as
subject or IRI object in the symmetric difference between a changed plan's (or comparison's) previous and
new N-Quads; blank nodes, which rdflib labels at random on every mapping, are compared by their one-hop
neighbourhood, so a remapped but unchanged deadline does not count as changed.

``everything`` is set when the delta cannot be trusted and every stage must redo all (see BuildDelta).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDF

from kg.incremental import CACHE_DIR, COMPARING, MAPPING, PACKAGE, _version, base_key, code_version
from kg.normalise.model import LiftedPlan
from kg.settings import Settings

MANIFEST = "manifest.json"
_TYPE = ox.NamedNode(str(RDF.type))
STAGES = ("store", "validate", "site")
# What each downstream stage's output depends on besides the data: its code (files under kg/; all of kg/
# for the stages spread over many modules), what it reads (Settings fields) and the packages that shape
# its output. A change to any of them makes that stage redo all.
STAGE_CODE = {"store": ("store_delta.py", "delta.py", "describe.py", "store.py", "rdf.py", "quads.py",
                        "vocab.py", "incremental.py", "pipeline.py", "settings.py"),
              "validate": (".",), "site": (".",)}
STAGE_DATA = {"store": ("ontology",), "validate": ("ontology", "shapes"),
              "site": ("ontology", "site_templates", "queries")}
STAGE_PACKAGES = {"store": ("pyoxigraph",), "validate": ("pyoxigraph", "pyshacl", "rdflib"),
                  "site": ("pyoxigraph", "jinja2", "rdflib")}


@dataclass(frozen=True)
class BuildDelta:
    """The difference between the previous build and this one, as the downstream stages need it.

    ``everything`` — the delta cannot be trusted, every stage redoes all: there is no previous build (or
    its manifest or cache is incomplete), the base IRI changed, or the code that maps or compares plans
    changed (its cache entries are then missing). ``reasons`` says which, for the build summary.
    ``redo`` — stages whose own inputs changed although the data delta is sound (the ontology, the shapes,
    the templates, kg/'s code, a package version): ``full(stage)`` is what a stage asks.
    ``changed``/``added``/``removed`` — plan slugs; a plan whose slug changed is removed and added.
    ``comparisons_added``/``comparisons_removed`` — the comparison cache entries (file names) only the new,
    only the previous build used. ``touched`` — the IRIs (as strings) whose description changed: subject or
    IRI object of a quad that is in one build and not in the other: every IRI whose quads in the store
    differ is in it (and a few more: a shared-graph line a changed plan drops may still come from another
    plan). Empty when ``everything``. Not in it: the lifting activity and the dataset's description
    (kg.describe), which change on every build.
    """

    everything: bool
    reasons: tuple[str, ...] = ()
    redo: frozenset[str] = frozenset()
    changed: frozenset[str] = frozenset()
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    comparisons_added: frozenset[str] = frozenset()
    comparisons_removed: frozenset[str] = frozenset()
    touched: frozenset[str] = field(default=frozenset(), repr=False)

    def full(self, stage: str) -> bool:
        """Whether ``stage`` (one of STAGES) must redo all instead of what ``touched`` names."""
        return self.everything or stage in self.redo

    @property
    def plans(self) -> frozenset[str]:
        """Every plan slug whose named graph changed (changed, added or removed)."""
        return self.changed | self.added | self.removed

    @property
    def nothing(self) -> bool:
        """True when the new build equals the previous one for every stage."""
        return not (self.everything or self.redo or self.plans or self.comparisons_added
                    or self.comparisons_removed)


def redo_all(*reasons: str) -> BuildDelta:
    return BuildDelta(everything=True, reasons=reasons, redo=frozenset(STAGES))


# --- pure functions over N-Quads bytes ----------------------------------------------------------------
def split_quad(line: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """Subject, predicate, object and graph terms of one N-Quads line as kg.quads writes it."""
    head, graph = line.rstrip().removesuffix(b" .").rsplit(b" ", 1)
    subject, rest = head.split(b" ", 1)
    predicate, obj = rest.split(b" ", 1)
    return subject, predicate, obj, graph


def canonical_lines(data: bytes) -> set[bytes]:
    """The distinct lines of an N-Quads blob, each blank node relabelled by its one-hop neighbourhood
    (the quads that point to it and that it points from), so that two mappings of the same plan compare
    equal although rdflib gave their blank nodes random labels."""
    lines = {line for line in data.splitlines() if line.strip()}
    with_blank = [line for line in lines if b"_:" in line]
    if not with_blank:
        return lines
    around: dict[bytes, list[bytes]] = defaultdict(list)
    quads = []
    for line in with_blank:
        s, p, o, g = quad = split_quad(line)
        if not (s.startswith(b"_:") or o.startswith(b"_:")):
            continue  # "_:" inside a literal
        quads.append((line, quad))
        if s.startswith(b"_:"):
            around[s].append(b"out " + p + b" " + _blank(o) + b" " + g)
        if o.startswith(b"_:"):
            around[o].append(b"in " + _blank(s) + b" " + p + b" " + g)
    label = {b: b"_:c" + hashlib.sha256(b"\n".join(sorted(sig))).hexdigest()[:24].encode()
             for b, sig in around.items()}
    for line, (s, p, o, g) in quads:
        lines.discard(line)
        lines.add(b" ".join((label.get(s, s), p, label.get(o, o), g, b".")))
    return lines


def _blank(term: bytes) -> bytes:
    return b"_" if term.startswith(b"_:") else term


def touched_iris(old: bytes, new: bytes) -> set[str]:
    """The IRIs that are subject or IRI object of a quad in one of the two N-Quads blobs but not the other."""
    out: set[str] = set()
    for line in canonical_lines(old) ^ canonical_lines(new):
        s, _, o, _ = split_quad(line)
        out.update(term[1:-1].decode() for term in (s, o) if term.startswith(b"<"))
    return out


# --- the edge: manifests and cache entries --------------------------------------------------------------
def previous_plans(build: Path) -> dict[str, str] | None:
    """The previous build's plans (slug → sha256 of the source), or None without a readable manifest."""
    try:
        manifest = json.loads((build / MANIFEST).read_text("utf-8"))
        return {p["slug"]: p["sha256"] for p in manifest["plans"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def plan_entry(cache: Path, sha256: str, slug: str, base: str) -> Path:
    """Where a build's cache keeps one plan's N-Quads (the name kg.incremental._plan_key gives it)."""
    return cache / f"quads-{code_version(MAPPING)}" / f"{sha256}-{slug}-{base_key(base)}.nq"


def comparison_folder(cache: Path) -> Path:
    """The folder of a build's cache that holds the comparisons it used, one file per compared pair."""
    return cache / f"compared-{code_version(COMPARING)}"


def comparison_entries(cache: Path) -> set[str]:
    """The comparison entries a build used (its cache holds exactly those: kg.incremental links or writes
    an entry only when the build looks it up)."""
    folder = comparison_folder(cache)
    return {p.name for p in folder.glob("*.nq")} if folder.is_dir() else set()


def stage_inputs(settings: Settings) -> dict[str, str]:
    """A fingerprint per downstream stage of what it reads besides the data: the lead keeps it in the
    manifest ("inputs") so the next build can tell whether a stage must redo all."""
    out = {}
    for stage in STAGES:
        digest = hashlib.sha256(_tree_digest([PACKAGE / part for part in STAGE_CODE[stage]]).encode())
        digest.update(_tree_digest([getattr(settings, name) for name in STAGE_DATA[stage]]).encode())
        digest.update(" ".join(f"{p}={_version(p)}" for p in STAGE_PACKAGES[stage]).encode())
        out[stage] = digest.hexdigest()[:16]
    return out


def _tree_digest(roots: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for root in roots:
        files = sorted(root.rglob("*")) if root.is_dir() else [root] if root.is_file() else []
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_delta(previous_build: Path, cache: Path, plans: Sequence[LiftedPlan], settings: Settings,
                previous_inputs: dict[str, str] | None = None) -> BuildDelta:
    """The delta between the build in ``previous_build`` and the one whose cache (filled by
    pipeline.write_quads) is ``cache``. ``previous_inputs`` is the previous manifest's "inputs"
    (stage_inputs); it is read from the manifest when not given, and a stage without one redoes all."""
    old = previous_plans(previous_build)
    if old is None:
        return redo_all("no previous build")
    old_cache, base = previous_build / CACHE_DIR, settings.base
    new = {plan.slug: plan.parsed.source.sha256 for plan in plans}
    missing = [slug for slug, sha in old.items() if not plan_entry(old_cache, sha, slug, base).is_file()]
    if missing:
        return redo_all(f"the previous build's N-Quads of {len(missing)} plan(s) are not in its cache "
                        "(another base IRI, changed mapping code, or no cache)")
    absent = [slug for slug, sha in new.items() if not plan_entry(cache, sha, slug, base).is_file()]
    if absent:
        raise ValueError(f"build_delta runs after write_quads: no N-Quads for {', '.join(absent[:3])}")
    if not comparison_folder(old_cache).is_dir() and any(old_cache.glob("compared-*")):
        return redo_all("the comparison code changed")
    before, after = comparison_entries(old_cache), comparison_entries(cache)
    delta = BuildDelta(
        everything=False, redo=_stages_to_redo(previous_build, settings, previous_inputs),
        changed=frozenset(s for s in old.keys() & new.keys() if old[s] != new[s]),
        added=frozenset(new.keys() - old.keys()), removed=frozenset(old.keys() - new.keys()),
        comparisons_added=frozenset(after - before), comparisons_removed=frozenset(before - after))
    return _with_touched(delta, old, new, old_cache, cache, base)


def _stages_to_redo(previous_build: Path, settings: Settings, previous_inputs: dict | None) -> frozenset[str]:
    if previous_inputs is None:
        try:
            previous_inputs = json.loads((previous_build / MANIFEST).read_text("utf-8")).get("inputs") or {}
        except (OSError, ValueError):
            previous_inputs = {}
    now = stage_inputs(settings)
    return frozenset(stage for stage in STAGES if previous_inputs.get(stage) != now[stage])


def _with_touched(delta: BuildDelta, old: dict[str, str], new: dict[str, str], old_cache: Path,
                  cache: Path, base: str) -> BuildDelta:
    touched: set[str] = set()
    for slug in delta.plans:
        before = plan_entry(old_cache, old[slug], slug, base).read_bytes() if slug in old else b""
        after = plan_entry(cache, new[slug], slug, base).read_bytes() if slug in new else b""
        touched |= touched_iris(before, after)
    before = b"".join((comparison_folder(old_cache) / n).read_bytes() for n in sorted(delta.comparisons_removed))
    after = b"".join((comparison_folder(cache) / n).read_bytes() for n in sorted(delta.comparisons_added))
    touched |= touched_iris(before, after)
    return replace(delta, touched=frozenset(touched))


def neighbours(store: ox.Store, iris: Iterable[str]) -> set[str]:
    """The IRIs one quad away from any of ``iris``, in either direction and any graph, classes left out.

    ``touched`` names the nodes whose own quads changed; a page or a shape that shows a neighbour's data
    needs more: row 13's moved deadline touches its deadline node, not the requirement's lead agency,
    whose page lists the requirement's deadline (requirement → assignment → agency: two calls)."""
    out: set[str] = set()
    for iri in iris:
        node = ox.NamedNode(iri)
        for q in store.quads_for_pattern(node, None, None):
            if isinstance(q.object, ox.NamedNode) and q.predicate != _TYPE:
                out.add(q.object.value)
        out.update(q.subject.value for q in store.quads_for_pattern(None, None, node)
                   if isinstance(q.subject, ox.NamedNode) and q.predicate != _TYPE)
    return out
