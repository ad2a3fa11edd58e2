"""Build orchestration: sources → lift → RDF → dumps + store, written to a temporary folder and swapped in whole."""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing as mp
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from kg import delta as deltas
from kg import describe
from kg.compare import compare_pair, forget_memos, select_pairs
from kg.compare_rdf import write_comparison
from kg.errors import KgError
from kg.files import link_or_copy
from kg.forking import frozen_heap, send_outcome
from kg.incremental import CACHE_DIR, BuildCache, source_sha256
from kg.lift import lift_document
from kg.memory import give_back_freed_memory
from kg.normalise.model import LiftedPlan, PlanSource
from kg.pages import plan_quads
from kg.quads import QuadWriter, RepeatFilter, as_stored, drop_graph_names
from kg.rdf import PlanWriter, provenance
from kg.settings import Settings
from kg.sources import find_sources, read_source
from kg.store import open_store
from kg.store_delta import description_quads, remember_shared, update_store
from kg.vocab import PREFIXES, Minter, comparison_graph

Progress = Callable[[str], None]
T = TypeVar("T")
PARALLEL_MIN_ITEMS = 8  # fewer documents (or pairs) than this are done here: forking costs more

DUMPS = {"graph.trig": ox.RdfFormat.TRIG, "graph.nq": ox.RdfFormat.N_QUADS, "graph.ttl": ox.RdfFormat.TURTLE,
         "graph.nt": ox.RdfFormat.N_TRIPLES, "graph.jsonld": ox.RdfFormat.JSON_LD}


@dataclass
class BuildSummary:
    """Counts a build reports at the end."""

    plans: list[tuple[str, int, str]] = field(default_factory=list)  # (plan slug, requirements, file)
    triples: int = 0
    build_dir: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"  {slug:<28} {n:>4} requirements  ({file})" for slug, n, file in self.plans]
        out.append(f"  {len(self.plans)} plans, {sum(n for _, n, _ in self.plans)} requirements, "
                   f"{self.triples} triples → {self.build_dir}")
        out += [f"  {key}: {value}" for key, value in self.extra.items()]
        return out


def lift_all(paths: Iterable[Path], progress: Progress = lambda _: None, cache: BuildCache | None = None,
             workers: int = 1) -> list[LiftedPlan]:
    """Lift every document; a bad document stops the build with its file (and line) named.

    With a cache, a document whose bytes a previous build lifted (with the same lifter) is not lifted
    again; the others are lifted on ``workers`` processes when there are enough of them to pay for it."""
    paths = list(paths)
    plans: list[LiftedPlan | None] = [_cached_plan(path, cache) for path in paths]
    todo = [path for path, plan in zip(paths, plans) if plan is None]
    lifted = _in_workers(_lift_path, todo, workers)
    try:
        for i, path in enumerate(paths):
            plan, reused = plans[i], plans[i] is not None
            if plan is None:
                plan = next(lifted) or lift_document(read_source(path))  # None: the error is raised here
                if cache is not None:
                    cache.keep_plan(plan)
            progress(f"[{i + 1}/{len(paths)}] {path.name}: {plan.parsed.layout}, {len(plan.requirements)} "
                     f"requirements → {plan.slug}" + (" (reused)" if reused else ""))
            plans[i] = plan
    finally:
        lifted.close()
    return _unique_slugs([p for p in plans if p is not None])


def _cached_plan(path: Path, cache: BuildCache | None) -> LiftedPlan | None:
    if cache is None:
        return None
    try:
        sha256 = source_sha256(path)
    except OSError:
        return None  # read_source names the problem when the document is lifted
    return cache.plan(sha256, path)


def _lift_path(path: Path) -> LiftedPlan | None:
    """In a worker: the lifted plan, or None when lifting fails (the build lifts that document again in
    its own process, so the error is raised there with its traceback: library errors do not pickle)."""
    try:
        return lift_document(read_source(path))
    except Exception:  # noqa: BLE001 - re-raised by the parent, see above
        return None


_FORKED: dict[str, object] = {}  # what forked workers inherit instead of receiving it pickled


def _in_workers(fn: Callable, items: list, workers: int, inherit: dict | None = None) -> Iterator:
    """``fn`` over ``items``, results in order: in forked worker processes when there are at least
    PARALLEL_MIN_ITEMS items and more than one worker, else here. ``inherit`` is set in _FORKED first."""
    _FORKED.clear()
    _FORKED.update(inherit or {})
    if workers <= 1 or len(items) < PARALLEL_MIN_ITEMS or "fork" not in mp.get_all_start_methods():
        yield from map(fn, items)
        return
    chunk = max(1, min(64, len(items) // (workers * 8)))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"))
    try:
        with frozen_heap():  # the workers are forked by the first submit, inside
            yield from pool.map(fn, items, chunksize=chunk)
    finally:  # also when the caller stops early (a failed document): queued work is dropped
        pool.shutdown(wait=True, cancel_futures=True)


def default_workers() -> int:
    """Every core: lifting, mapping and comparing are CPU-bound and independent per document or pair."""
    return os.cpu_count() or 1


def _unique_slugs(plans: list[LiftedPlan]) -> list[LiftedPlan]:
    """Two plans of one region and year (a 要点 and its 分工方案) get their kind in the slug."""
    by_slug: dict[str, list[LiftedPlan]] = {}
    for plan in plans:
        by_slug.setdefault(plan.slug, []).append(plan)
    out = []
    for plan in plans:
        if len(by_slug[plan.slug]) > 1:
            kinds = {p.kind for p in by_slug[plan.slug]}
            if len(kinds) < len(by_slug[plan.slug]):
                others = [p.parsed.source.path for p in by_slug[plan.slug] if p is not plan]
                raise KgError(f"{plan.parsed.source.path}: same region, year and kind as {others[0]}")
            plan = replace(plan, slug=f"{plan.slug}-{plan.kind}")
        out.append(plan)
    return out


def write_quads(plans: list[LiftedPlan], settings: Settings, started: str, path: Path,
                cache: BuildCache | None = None, workers: int = 1, progress: Progress = lambda _: None,
                ended: str | None = None) -> int:
    """Stream every plan's named graph, the shared graph and the comparisons to an N-Quads file.

    Each plan's quads and each comparison's are made on their own (on ``workers`` processes) and, with a
    cache, taken from the previous build when their inputs did not change. A shared-graph triple several
    plans write (a document they all cite) is written once."""
    minter = Minter(settings.base)
    count = 0
    once = RepeatFilter(minter.graph_shared())
    with path.open("wb") as out:
        for data in _cached_or_made(plans, cache, settings.base, workers, _plan_quads, "quads"):
            data = once(data)
            out.write(data)
            count += data.count(b"\n")
        pairs = select_pairs(plans)
        progress(f"comparing {len(pairs)} pairs of plans")
        for data in _cached_or_made(pairs, cache, settings.base, workers, _comparison_quads, "comparison"):
            out.write(data)
            count += data.count(b"\n")
        writer = QuadWriter(out)
        provenance(writer.graph(minter.graph_shared()), plans, minter, started, ended or _now())
        writer.flush()
    return count + writer.count


def _cached_or_made(items: list, cache: BuildCache | None, base: str, workers: int, make: Callable,
                    kind: str) -> Iterator[bytes]:
    """Each item's N-Quads, from the cache or made by ``make`` (on the workers), in the items' order. A
    cached entry is read when its turn comes, so that only one is held at a time."""
    find = {"quads": lambda p: cache.quads(p, base), "comparison": lambda ab: cache.comparison(*ab, base)}[kind]
    found = [find(item) if cache is not None else None for item in items]
    todo = [i for i, entry in enumerate(found) if entry is None]
    made = _in_workers(make, todo, workers, inherit={"items": items, "base": base})
    try:
        for i, entry in enumerate(found):
            if entry is not None:
                yield entry.read_bytes()
                continue
            data = next(made)
            if cache is not None:
                if kind == "quads":
                    cache.keep_quads(items[i], base, data)
                else:
                    cache.keep_comparison(*items[i], base, data)
            yield data
    finally:
        made.close()


def _plan_quads(index: int) -> bytes:
    """In a worker: one plan's named graph and what it adds to the shared graph, as N-Quads."""
    plan, minter = _FORKED["items"][index], Minter(_FORKED["base"])
    out = io.BytesIO()
    writer = QuadWriter(out)
    PlanWriter(plan, writer.graph(minter.plan_graph(plan.slug)), writer.graph(minter.graph_shared()),
               minter).write()
    writer.flush()
    return out.getvalue()


def _comparison_quads(index: int) -> bytes:
    """In a worker: one pair's comparison as N-Quads (nothing when the two are not comparable)."""
    a, b = _FORKED["items"][index]
    minter = Minter(_FORKED["base"])
    comparison = compare_pair(a, b)
    if comparison is None:
        return b""
    out = io.BytesIO()
    writer = QuadWriter(out)
    write_comparison(writer.graph(comparison_graph(minter)), comparison, minter)
    writer.flush()
    return out.getvalue()


def load_store(folder: Path, quads: Path, plans: Sequence[PlanSource], settings: Settings) -> ox.Store:
    """The pyoxigraph store: the lifted quads, the ontology files in their own graphs, the VoID/DCAT
    description (counted over the loaded store) in the shared graph.

    The ontology and description quads are appended to ``quads`` too, so that the file then holds what the
    store holds: write_dumps publishes it instead of reading the store back."""
    minter = Minter(settings.base)
    store = open_store(folder, read_only=False)
    # lenient: IRIs are not checked again here (32.5 -> 27 s at 1,000 plans); the dumping process parses
    # the same file strictly (write_dumps), and the build fails there if anything in it is malformed
    store.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS, lenient=True)
    ontology = ontology_quads(settings)
    store.bulk_load(input=ontology, format=ox.RdfFormat.N_QUADS)
    description = describe.describe_dataset(store, plans, minter)
    described = _in_graph(ox.parse(input=description.serialize(format="nt11", encoding="utf-8"),
                                   format=ox.RdfFormat.N_TRIPLES), minter.graph_shared())
    store.bulk_load(input=described, format=ox.RdfFormat.N_QUADS)
    with quads.open("ab") as out:
        out.write(ontology + described)
    store.flush()
    store.optimize()
    return store


def ontology_quads(settings: Settings) -> bytes:
    """The ontology files, each in its own named graph, as N-Quads."""
    minter = Minter(settings.base)
    return b"".join(_in_graph(ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True),
                              minter.iri(f"graph/ontology/{ttl.stem}"))
                    for ttl in sorted(settings.ontology.glob("*.ttl")))


def _in_graph(triples: Iterable[ox.Quad], graph: str) -> bytes:
    """Default-graph quads as N-Quads in the named graph ``graph``."""
    name = ox.NamedNode(str(graph))
    return ox.serialize(as_stored(ox.Quad(q.subject, q.predicate, q.object, name) for q in triples),
                        format=ox.RdfFormat.N_QUADS)


def write_dumps(store: ox.Store | None, folder: Path, quads: Path | None = None) -> None:
    """TriG and N-Quads keep the named graphs; Turtle, N-Triples and JSON-LD hold their union.

    ``quads`` is the file load_store loaded the store from (it then holds everything the store holds): it
    becomes graph.nq (hard-linked), and the other dumps are re-serialised from it, so the store, which
    costs several µs a quad to read, is not read at all. Without it the store is dumped. Two threads
    (pyoxigraph lets go of the GIL): TriG from the N-Quads; N-Triples (graph names dropped), then Turtle and
    JSON-LD from it."""
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    nquads = folder / "graph.nq"
    if quads is None:
        store.dump(str(nquads), format=ox.RdfFormat.N_QUADS)
    elif not nquads.exists() or not nquads.samefile(quads):
        link_or_copy(quads, nquads)

    def convert(source: str, fmt: ox.RdfFormat, name: str) -> None:
        parsed = ox.parse(path=str(folder / source), format=DUMPS[source])
        ox.serialize(parsed, str(folder / name), format=fmt, prefixes=prefixes)

    def union() -> None:
        drop_graph_names(nquads, folder / "graph.nt")
        for name in ("graph.ttl", "graph.jsonld"):
            convert("graph.nt", DUMPS[name], name)

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dump") as pool:
        for done in [pool.submit(convert, "graph.nq", ox.RdfFormat.TRIG, "graph.trig"), pool.submit(union)]:
            done.result()


class Dumping:
    """write_dumps from the quads file in a process of its own, so that the dumps overlap validation: the
    conversions pass every quad through Python objects, which would hold this process's interpreter. A
    second process splits the quads by plan for the site meanwhile (kg.pages.plan_quads.prepare).
    The quads file becomes graph.nq at once (moved); ``wait`` before reading the other dumps."""

    def __init__(self, folder: Path, quads: Path, base: str) -> None:
        quads.replace(folder / "graph.nq")
        self._pool = ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("spawn"))
        nquads = folder / "graph.nq"
        self._done = [self._pool.submit(write_dumps, None, folder, nquads),
                      self._pool.submit(plan_quads.prepare, nquads, base, folder / plan_quads.SPLIT_DIR)]

    def wait(self) -> None:
        """Until the dumps and the split are written; a failure in either process is raised here."""
        try:
            for done in self._done:
                done.result()
        finally:
            self._pool.shutdown(cancel_futures=True)


def build(settings: Settings, progress: Progress = lambda _: None) -> BuildSummary:
    """Build everything into a temporary folder beside settings.build, then swap it in whole.

    What the previous build lifted, mapped and compared is reused (kg.incremental) when its inputs did not
    change; the rest runs on every core."""
    started = _now()
    paths = find_sources(settings.corpus)
    if not paths:
        raise KgError(f"{settings.corpus}: no documents (*.txt) to build")
    settings.build.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=settings.build.parent))
    try:
        loaded = in_own_process(partial(_lift_and_load, tmp, settings, paths, started), progress, fresh=True)
        summary = BuildSummary(plans=[(p.slug, p.requirements, p.source) for p in loaded.built],
                               triples=loaded.triples, build_dir=settings.build)
        summary.extra["reused from the previous build"] = loaded.reused
        summary.extra["store"] = loaded.how
        progress("writing dumps (in the background)")
        dumping = Dumping(tmp, loaded.quads, settings.base)
        _post_build(tmp, settings, loaded.built, loaded.delta, dumping, summary, progress)
        shutil.rmtree(tmp / plan_quads.SPLIT_DIR, ignore_errors=True)  # the site's, not the build's
        manifest = _manifest(loaded.built, summary, started) | {"inputs": deltas.stage_inputs(settings)}
        manifest = json.dumps(manifest, ensure_ascii=False, indent=2)
        (tmp / "manifest.json").write_text(manifest, "utf-8")
        _name_store(tmp / "store", manifest)
        progress("swapping in the build (the previous one is removed after)")
        _swap_in(tmp, settings.build)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


@dataclass(frozen=True)
class Loaded:
    """What lifting, mapping and loading the store leave for the later steps."""

    built: list[BuiltPlan]
    delta: deltas.BuildDelta
    quads: Path  # every quad of the store, for the dumps
    triples: int
    reused: str  # what came from the previous build's cache
    how: str  # how the store was made


def _lift_and_load(tmp: Path, settings: Settings, paths: list[Path], started: str, progress: Progress) -> Loaded:
    """Lift, map and load the store, in a process of its own (kg.build runs it with in_own_process): the
    lifted plans (some 300 kB each) and what freeing them leaves scattered in the heap go back to the
    system with the process, instead of staying in the build's process beside validation and the site."""
    cache = BuildCache(tmp / CACHE_DIR, previous=settings.build / CACHE_DIR)
    workers = default_workers()
    plans = lift_all(paths, progress, cache, workers)
    progress("writing the graph")
    lifted, lifted_at = tmp / "lifted.nq", _now()
    write_quads(plans, settings, started, lifted, cache, workers, progress, ended=lifted_at)
    delta = deltas.build_delta(settings.build, tmp / CACHE_DIR, plans, settings)
    built = _let_go(plans)  # the store needs only each plan's slug and document: no lifted plan beside it
    del plans
    give_back_freed_memory()
    store, how = _store(tmp, lifted, built, settings, delta, (started, lifted_at), progress)
    triples = len(store)
    del store  # closed: the later steps open it read-only
    return Loaded(built, delta, lifted, triples, cache.counts(), how)


def _post_build(tmp: Path, settings: Settings, built: list[BuiltPlan], delta: deltas.BuildDelta,
                dumping: Dumping | None, summary: BuildSummary, progress: Progress) -> None:
    """The steps after the store, into summary.extra; the dumps (being written beside them) are waited for
    before the first step that reads them, and in any case before returning."""
    try:
        for stage, step, reads_dumps in _post_build_steps():
            if reads_dumps and dumping is not None:
                progress("waiting for the dumps")
                dumping.wait()
                dumping = None
            progress(stage)
            run = partial(_run_step, step, tmp, settings, built, delta)
            summary.extra.update(in_own_process(run, progress) or {})
    finally:
        if dumping is not None:
            dumping.wait()


def _run_step(step: PostBuildStep, tmp: Path, settings: Settings, built: list[BuiltPlan], delta: deltas.BuildDelta,
              progress: Progress) -> dict | None:
    return step(tmp, settings, built, progress, delta)


def in_own_process(run: Callable[[Progress], T], progress: Progress, fresh: bool = False) -> T:
    """``run(progress)`` in a forked process, and what it returns (or raises): the memory a step takes goes
    back to the system when it ends, so a build's peak is its largest step's rather than all of theirs
    (Python keeps what it freed for itself). Its progress lines come back through a pipe. Where fork is not
    available, run here.

    ``fresh``: in a new interpreter (spawned; ``run`` is pickled) rather than a fork. RocksDB is not
    fork-safe: creating a store in a child forked from a process that has used one before (a test session,
    a program calling kg.build twice) can wait forever for background threads the child does not have."""
    method = "spawn" if fresh else "fork"
    if method not in mp.get_all_start_methods():
        return run(progress)
    reader, writer = mp.Pipe(duplex=False)
    process = mp.get_context(method).Process(target=_step, args=(run, writer), name="kg-step")
    with frozen_heap():  # a forked child inherits this process's heap without copying it
        process.start()
    writer.close()
    try:
        while (message := reader.recv())[0] == "progress":
            progress(message[1])
    except EOFError:
        process.join()
        raise KgError(f"a build step ended without a result (exit code {process.exitcode})") from None
    process.join()
    if message[0] == "failed":
        raise message[1]
    return message[1]


def _step(run: Callable[[Progress], T], writer: Connection) -> None:
    """In_own_process's child: run, then send the outcome (or the error) through the pipe."""
    try:
        outcome = ("done", run(lambda line: writer.send(("progress", line))))
    except BaseException as error:  # handed to the parent, which raises it
        outcome = ("failed", error)
    send_outcome(writer, outcome)


def _store(tmp: Path, lifted: Path, plans: list[BuiltPlan], settings: Settings, delta: deltas.BuildDelta,
           times: tuple[str, str], progress: Progress) -> tuple[ox.Store, str]:
    """This build's store in tmp/store and how it was made: the previous build's store updated by the delta
    when it can be trusted (seconds instead of minutes at national scale), else everything bulk-loaded.
    Either way ``lifted`` then holds every quad of the store, for write_dumps."""
    if delta.full("store"):
        progress("loading the store")
        store = load_store(tmp / "store", lifted, plans, settings)
        remember_shared(tmp / CACHE_DIR, plans, settings.base)
        return store, "loaded in full (" + ("; ".join(delta.reasons) or "its inputs changed") + ")"
    progress(f"updating the store ({len(delta.plans)} plans changed, {len(delta.comparisons_added)} "
             f"comparisons added, {len(delta.comparisons_removed)} removed)")
    store = update_store(tmp / "store", settings.build, tmp / CACHE_DIR, delta, plans, settings, *times)
    with lifted.open("ab") as out:
        out.write(ontology_quads(settings) + description_quads(store, settings))
    return store, (f"updated from the previous build: {len(delta.changed)} plans changed, {len(delta.added)} "
                   f"added, {len(delta.removed)} removed")


@dataclass(frozen=True)
class BuiltPlan:
    """What the steps after the store (validation, the site, the manifest) need of a lifted plan."""

    slug: str
    title: str
    source: str  # the document's file name
    sha256: str  # of the document
    requirements: int


def _let_go(plans: list[LiftedPlan]) -> list[BuiltPlan]:
    """The plans as BuiltPlan records, and the comparison memos and the workers' inheritance emptied, so
    that the lifted plans (some 300 kB each, a GB for a year of the whole country) are freed before the
    store is loaded (at 1,000 plans the store stage's peak went from 2,459 to 2,130 MB)."""
    built = [BuiltPlan(p.slug, p.parsed.plan_title, Path(p.parsed.source.path).name, p.sha256,
                       len(p.requirements)) for p in plans]
    forget_memos()
    _FORKED.clear()
    return built


PostBuildStep = Callable[[Path, Settings, list[BuiltPlan], Progress, "deltas.BuildDelta"], dict | None]


def _post_build_steps() -> list[tuple[str, PostBuildStep, bool]]:
    """Stages that read the freshly built store in the temporary folder, with the progress line that
    starts each and whether it reads the dumps: validation, then the site (which publishes the validation
    report and the dumps)."""
    from kg import site, validate

    return [("validating the build", validate.build_step, False), ("writing the site", site.build_step, True)]


def _name_store(store: Path, manifest: str) -> None:
    """The store's build id, which the server puts in its cache keys and ETags: named by the build, so that
    copies of the store on several replicas answer with the same ETags however they were copied."""
    from kg.serve.pool import BUILD_ID_FILE

    (store / BUILD_ID_FILE).write_text(hashlib.sha256(manifest.encode()).hexdigest()[:16], "utf-8")


def _swap_in(tmp: Path, target: Path) -> None:
    """Replace target by tmp with two renames; the old build is removed only after the swap."""
    old = None
    if target.exists():
        old = target.with_name(f".old-{target.name}-{datetime.now().strftime('%H%M%S%f')}")
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _manifest(plans: list[BuiltPlan], summary: BuildSummary, started: str) -> dict:
    return {"build_id": started, "triples": summary.triples,
            "plans": [{"slug": p.slug, "title": p.title, "source": p.source, "sha256": p.sha256,
                       "requirements": p.requirements} for p in plans]}


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
