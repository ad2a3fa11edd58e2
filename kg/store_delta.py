"""Update a copy of the previous build's store by a BuildDelta instead of bulk-loading everything again.

The copy is a RocksDB checkpoint (pyoxigraph Store.backup: hard links on the same disk). Then, quad for
quad what pipeline.load_store would have loaded: the changed plans' named graphs, the shared graph (a quad
leaves it only when no remaining plan contributes it: the build keeps, per shared-graph line, how many plans
write it), the comparison graph, the lifting activity (kg.rdf.provenance) and the VoID/DCAT description,
whose statistics are carried over from the previous description and corrected by the quads that changed.
The result equals a full load of the same build except for blank-node labels (pyoxigraph relabels blank
nodes on every load) and the activity's start and end times.
"""

from __future__ import annotations

import io
import os
import pickle
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import PROV, RDF, VOID

from kg import describe
from kg import vocab as V
from kg.delta import BuildDelta, comparison_folder, plan_entry, previous_plans
from kg.errors import KgError
from kg.incremental import CACHE_DIR, MAPPING, base_key, code_version
from kg.normalise.model import PlanSource
from kg.quads import QuadWriter
from kg.rdf import provenance
from kg.settings import Settings
from kg.vocab import Minter

STORE_DIR = "store"
NQ = ox.RdfFormat.N_QUADS
TYPE = ox.NamedNode(str(RDF.type))


def copy_store(previous: Path, target: Path) -> ox.Store:
    """A writable copy of a built store: a checkpoint, hard-linked when on the same file system."""
    if target.exists():
        raise KgError(f"{target}: already exists; the store copy needs a new folder")
    source = ox.Store.read_only(str(previous))
    source.backup(str(target))
    del source
    return ox.Store(str(target))


def update_store(folder: Path, previous_build: Path, cache: Path, delta: BuildDelta,
                 plans: Sequence[PlanSource], settings: Settings, started: str, ended: str) -> ox.Store:
    """The store of this build in ``folder``: the previous build's store updated by ``delta``.

    ``cache`` is this build's cache folder once pipeline.write_quads has filled it; ``started`` and
    ``ended`` time the lifting activity as write_quads would have. Call only when not
    ``delta.full("store")``."""
    if delta.full("store"):
        raise KgError("update_store: this build's delta cannot be trusted; load the store in full")
    m = Minter(settings.base)
    store = copy_store(previous_build / STORE_DIR, folder)
    quality = ox.NamedNode(str(m.iri("graph/quality")))  # the previous validation's; this build loads its own
    if quality in store.named_graphs():
        store.remove_graph(quality)
    statistics = Statistics.read(store, m)
    for quad in _description(store, m):  # not counted in its own statistics, so removed first
        store.remove(quad)
    removed, added = _plan_changes(store, delta, plans, previous_build / CACHE_DIR, cache, m)
    shared_removed, shared_added = _shared_changes(delta, plans, previous_build, cache, m)
    comparison_removed, comparison_added = _comparison_changes(delta, previous_build / CACHE_DIR, cache)
    removed += shared_removed + comparison_removed + _old_provenance(store, m)
    added += shared_added + comparison_added + _new_provenance(plans, m, started, ended)
    _apply(store, _quads(removed), _quads(added), statistics)
    counted = statistics if statistics is not None else store  # else counted again, over the whole store
    description = describe.describe_dataset(counted, plans, m)
    store.load(input=description.serialize(format="nt11", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode(str(m.graph_shared())))
    store.flush()
    return store


# --- what changes ---------------------------------------------------------------------------------------
def _plan_changes(store: ox.Store, delta: BuildDelta, plans: Sequence[PlanSource], old_cache: Path,
                  cache: Path, m: Minter) -> tuple[list, list[bytes]]:
    """Every quad of the changed and removed plans' named graphs out (blank nodes included, as the store
    labels them), the new plans' graph lines in; _apply keeps what is in both."""
    removed: list = []
    for slug in delta.changed | delta.removed:
        removed += store.quads_for_pattern(None, None, None, ox.NamedNode(str(m.plan_graph(slug))))
    added: list[bytes] = []
    for plan in plans:
        if plan.slug in delta.changed or plan.slug in delta.added:
            graph = f"<{m.plan_graph(plan.slug)}> .".encode()
            blob = plan_entry(cache, plan.sha256, plan.slug, m.base).read_bytes()
            added += [line for line in blob.splitlines() if line.endswith(graph)]
    return removed, added


def _shared_changes(delta: BuildDelta, plans: Sequence[PlanSource], previous_build: Path, cache: Path,
                    m: Minter) -> tuple[list[bytes], list[bytes]]:
    """Shared-graph lines no plan writes any more, and lines no plan wrote before; the contributor counts
    are carried from build to build in the cache (recounted from every plan's entry when missing)."""
    old_cache, suffix = previous_build / CACHE_DIR, _shared_suffix(m)
    counts = _read_counts(old_cache, m.base)
    old_shas = previous_plans(previous_build) or {}
    if counts is None:
        counts = Counter()
        for slug, sha in old_shas.items():
            counts.update(_shared_lines(plan_entry(old_cache, sha, slug, m.base).read_bytes(), suffix))
    before = set(counts)
    for slug in delta.changed | delta.removed:
        counts.subtract(_shared_lines(plan_entry(old_cache, old_shas[slug], slug, m.base).read_bytes(), suffix))
    for plan in plans:
        if plan.slug in delta.changed or plan.slug in delta.added:
            sha = plan.sha256
            counts.update(_shared_lines(plan_entry(cache, sha, plan.slug, m.base).read_bytes(), suffix))
    gone = [line for line in before if counts[line] <= 0]
    counts = Counter({line: n for line, n in counts.items() if n > 0})  # none below 0 is ever added
    _write_counts(cache, m.base, counts)
    return gone, [line for line in counts if line not in before]


def _comparison_changes(delta: BuildDelta, old_cache: Path, cache: Path) -> tuple[list[bytes], list[bytes]]:
    """Lines of the comparisons only the previous build used, and of those only this one uses (each
    comparison writes quads about its own nodes only, so no other comparison shares a line)."""
    old = {line for name in delta.comparisons_removed
           for line in (comparison_folder(old_cache) / name).read_bytes().splitlines()}
    new = {line for name in delta.comparisons_added
           for line in (comparison_folder(cache) / name).read_bytes().splitlines()}
    return list(old - new), list(new - old)


def _old_provenance(store: ox.Store, m: Minter) -> list:
    """The lifting activity of the previous build and the plans' links to it, in the shared graph."""
    shared = ox.NamedNode(str(m.graph_shared()))
    activities = [q.subject for q in store.quads_for_pattern(None, TYPE, ox.NamedNode(str(V.LiftingActivity)),
                                                             shared)]
    out: list = []
    for activity in activities:
        out += store.quads_for_pattern(activity, None, None, shared)
        out += store.quads_for_pattern(None, ox.NamedNode(str(PROV.wasGeneratedBy)), activity, shared)
    return out


def _new_provenance(plans: Sequence[PlanSource], m: Minter, started: str, ended: str) -> list[bytes]:
    out = io.BytesIO()
    writer = QuadWriter(out)
    provenance(writer.graph(m.graph_shared()), plans, m, started, ended)
    writer.flush()
    return out.getvalue().splitlines()


def description_quads(store: ox.Store, settings: Settings) -> bytes:
    """The dataset's VoID/DCAT description in the store, as N-Quads (for the dumps)."""
    return ox.serialize(_description(store, Minter(settings.base)), format=NQ)


def _description(store: ox.Store, m: Minter) -> list:
    """The quads describe.describe_dataset wrote: about the dataset, its partitions and its dumps."""
    dataset = ox.NamedNode(str(m.dataset()))
    subjects = [dataset, *(ox.NamedNode(str(m.iri(f"dumps/{name}"))) for name in describe.DUMP_FORMATS)]
    subjects += _objects(store, dataset, VOID.classPartition) + _objects(store, dataset, VOID.propertyPartition)
    shared = ox.NamedNode(str(m.graph_shared()))
    return [q for subject in subjects for q in store.quads_for_pattern(subject, None, None, shared)]


# --- shared-graph contributor counts ----------------------------------------------------------------------
def _shared_suffix(m: Minter) -> bytes:
    return f" <{m.graph_shared()}> .".encode()


def _shared_lines(blob: bytes, suffix: bytes) -> set[bytes]:
    """The distinct shared-graph lines of one plan's N-Quads (without their line ends)."""
    return {line for line in blob.splitlines() if line.endswith(suffix)}


def _counts_path(cache: Path, base: str) -> Path:
    return cache / f"shared-{code_version(MAPPING)}" / f"{base_key(base)}.pickle"


def _read_counts(cache: Path, base: str) -> Counter | None:
    try:
        counts = pickle.loads(_counts_path(cache, base).read_bytes())
    except Exception:  # noqa: BLE001 - a missing or corrupt file: the caller counts again
        return None
    return counts if isinstance(counts, Counter) else None


def _write_counts(cache: Path, base: str, counts: Counter) -> None:
    path = _counts_path(cache, base)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(pickle.dumps(counts, protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(path)


def remember_shared(cache: Path, plans: Sequence[PlanSource], base: str) -> None:
    """After a full load: count each shared-graph line's plans, so that the next build's update_store
    need not read every plan's entry (it does when this was not called)."""
    suffix, counts = _shared_suffix(Minter(base)), Counter()
    for plan in plans:
        counts.update(_shared_lines(plan_entry(cache, plan.sha256, plan.slug, base).read_bytes(),
                                    suffix))
    _write_counts(cache, base, counts)


# --- applying the change, keeping the statistics ------------------------------------------------------------
def _quads(items: Iterable) -> list[ox.Quad]:
    """Quads from store quads and N-Quads lines (blank-node labels of lines kept as written)."""
    quads, lines = [], []
    for item in items:
        (lines if isinstance(item, bytes) else quads).append(item)
    if lines:
        quads += ox.parse(input=b"\n".join(lines) + b"\n", format=NQ)
    return quads


def _apply(store: ox.Store, removed: list[ox.Quad], added: list[ox.Quad], statistics: Statistics | None) -> None:
    """Remove, then add; the statistics follow the net change. A quad both removed and added is taken out
    and put back: Python compares terms as written, the store by value ("1.0" and "1" are one xsd:decimal)."""
    removed, added = list(set(removed)), list(set(added))
    before = statistics.presence(store, removed + added) if statistics is not None else None
    out = [q for q in removed if q in store]
    for quad in out:
        store.remove(quad)
    new = [q for q in added if q not in store]
    store.extend(new)
    if statistics is not None:
        statistics.update(store, before, out, new)


class Statistics:
    """The counts describe.describe_dataset reads by SPARQL over the whole store, kept up to date instead:
    it answers describe's three queries (so the description's layout stays describe's)."""

    def __init__(self, triples: int, subjects: int, objects: int, classes: Counter, properties: Counter) -> None:
        self.triples, self.subjects, self.objects = triples, subjects, objects
        self.classes, self.properties = classes, properties

    @classmethod
    def read(cls, store: ox.Store, m: Minter) -> Statistics | None:
        """The statistics of the previous build's description; None when it has none (or a default graph,
        which describe does not count)."""
        d, value = ox.NamedNode(str(m.dataset())), _value_reader(store)
        if any(True for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())):
            return None
        totals = [value(d, VOID[name]) for name in ("triples", "distinctSubjects", "distinctObjects")]
        if None in totals:
            return None
        classes, properties = Counter(), Counter()
        for part in _objects(store, d, VOID.classPartition):
            classes[value(part, VOID["class"], raw=True)] = value(part, VOID.entities)
        for part in _objects(store, d, VOID.propertyPartition):
            properties[value(part, VOID.property, raw=True)] = value(part, VOID.triples)
        return cls(*totals, classes, properties)

    def presence(self, store: ox.Store, quads: list[ox.Quad]) -> dict[tuple, bool]:
        """Whether each subject, object and (subject, class) the quads name is in the store now."""
        keys = {("s", q.subject) for q in quads} | {("o", q.object) for q in quads}
        keys |= {("c", q.subject, q.object) for q in quads if q.predicate == TYPE}
        return {key: _present(store, key) for key in keys}

    def update(self, store: ox.Store, before: dict[tuple, bool], removed: list[ox.Quad],
               added: list[ox.Quad]) -> None:
        self.triples += len(added) - len(removed)
        self.properties.update(q.predicate for q in added)
        self.properties.subtract(q.predicate for q in removed)
        for key, was in before.items():
            change = int(_present(store, key)) - int(was)
            if key[0] == "s":
                self.subjects += change
            elif key[0] == "o":
                self.objects += change
            elif isinstance(key[2], ox.NamedNode):
                self.classes[key[2]] += change

    def query(self, text: str) -> list[dict]:
        """describe's STATS, CLASSES and PROPERTIES answered from the counts."""
        n = lambda count: ox.Literal(str(count), datatype=ox.NamedNode(str(XSD_INTEGER)))  # noqa: E731
        if text == describe.STATS:
            return [{"triples": n(self.triples), "subjects": n(self.subjects), "objects": n(self.objects)}]
        if text == describe.CLASSES:
            return [{"c": c, "n": n(k)} for c, k in sorted(self.classes.items(), key=_by_value) if k > 0]
        if text == describe.PROPERTIES:
            return [{"p": p, "n": n(k)} for p, k in sorted(self.properties.items(), key=_by_value) if k > 0]
        raise KgError(f"Statistics cannot answer this query: {text[:60]}")


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _by_value(item: tuple) -> str:
    return item[0].value


def _present(store: ox.Store, key: tuple) -> bool:
    if key[0] == "s":
        pattern = (key[1], None, None)
    elif key[0] == "o":
        pattern = (None, None, key[1])
    else:
        pattern = (key[1], TYPE, key[2])
    return any(True for _ in store.quads_for_pattern(*pattern))


def _objects(store: ox.Store, subject: ox.NamedNode, predicate) -> list:
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(str(predicate)), None)]


def _value_reader(store: ox.Store):
    def value(subject, predicate, raw: bool = False):
        found = _objects(store, subject, predicate)
        if len(found) != 1:
            return None
        return found[0] if raw else int(found[0].value)
    return value
