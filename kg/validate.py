"""Validate a build against shapes/: report files for data stewards, DQV measurements, and the exit code.

`validate_build` reads the build's graph.nq, runs the SPARQL fast path (kg/validate_fast.py; pyshacl, the
reference, on request), and writes validation/report.ttl, report.csv, report.html, summary.json,
quality.trig (the DQV measurements, in the named graph <base>graph/quality, for the store) and
results.jsonl.gz (every result with its plans, what the next build reuses).

`kg build` after a few documents changed re-validates incrementally (`build_step` with a kg.delta.BuildDelta):
a result is about its focus node, and every shape reads at most two links away from it (its own triples,
its values' types, the requirement and plan that own a deadline, the plan's other rows). So only the
focus nodes within two links of a changed IRI, and every node of the changed plans' graphs, are checked
again; the previous build's results on all other nodes are kept, which gives what a full run gives.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from kg.delta import BuildDelta, neighbours
from kg.findings import SHARED, Findings, gather
from kg.forking import alongside
from kg.quality import quality_graph
from kg.report import plan_rows, summary_json, write_csv, write_html, write_json, write_report_ttl
from kg.settings import Settings
from kg.shacl import (SEVERITIES, SEVERITY_NAMES, Result, ValidationError, data_file, load_shapes,
                      namespaces_for, severity_of, union_graph)
from kg.validate_fast import Scope, blank_targets, compile_shapes, load_store, run_checks
from kg.vocab import Minter

Progress = Callable[[str], None]
ENGINES = {"fast": "SPARQL fast path on pyoxigraph", "pyshacl": "pyshacl (reference)"}
SITE_ROOT = "../site/"  # from build/validation/ to the site's root
QUALITY_FILE = "quality.trig"
RESULTS_FILE = "results.jsonl.gz"  # one JSON line per result, with the plans it is filed under
HOPS = 2  # how far from its focus node a shape reads (shapes/*.ttl): DeadlineBeforePlanYear reads
# deadline ← requirement → plan, SequenceGapShape row → plan ← other rows


@dataclass
class ValidationSummary:
    """Counts of a validation run by plan × severity (a result on a node two plans share counts for both)."""

    counts: dict[str, Counter] = field(default_factory=dict)  # plan slug (or "shared") → severity name → n
    totals: Counter = field(default_factory=Counter)  # severity name → distinct results
    complete: dict[str, float | None] = field(default_factory=dict)  # plan slug → share of complete rows
    report_dir: Path | None = None
    engine: str = "fast"
    checks: int = 0
    seconds: float = 0.0  # time spent running the shapes (not writing the reports)
    revalidated: str = ""  # what an incremental run checked again and what it reused, "" for a full run

    @property
    def results(self) -> int:
        return sum(self.totals.values())

    def count(self, plan: str, severity: str) -> int:
        return self.counts.get(plan, Counter())[severity]

    def __str__(self) -> str:
        head = ", ".join(f"{self.totals[n]} {n}" for n in SEVERITY_NAMES.values())
        where = f" → {self.report_dir / 'report.html'}" if self.report_dir else ""
        again = f"; {self.revalidated}" if self.revalidated else ""
        return f"{head} ({self.engine}, {self.seconds:.2f} s{again}){where}"

    def lines(self) -> list[str]:
        """What `kg validate` and `kg build` print: the totals, then a row per plan."""
        names = list(SEVERITY_NAMES.values())
        head = ", ".join(f"{self.totals[n]} {n}" for n in names)
        out = [f"  validation ({ENGINES.get(self.engine, self.engine)}): {head}"
               + (f" → {self.report_dir / 'report.html'}" if self.report_dir else ""),
               f"    {'plan':<28}" + "".join(f"{n:>10}" for n in names) + f"{'complete':>10}"]
        for plan, counts in self.counts.items():
            share = self.complete.get(plan)
            out.append(f"    {plan:<28}" + "".join(f"{counts[n]:>10}" for n in names)
                       + (f"{share:>10.1%}" if share is not None else f"{'–':>10}"))
        return out


def fail_exit_code(summary: ValidationSummary, fail_on: str = "violation") -> int:
    """1 when some result is at least as severe as `fail_on` (violation | warning | info), else 0."""
    threshold = SEVERITIES.index(severity_of(fail_on))
    failing = {SEVERITY_NAMES[s] for s in SEVERITIES[:threshold + 1]}
    return 1 if any(summary.totals[name] for name in failing) else 0


def run_engine(build_dir: Path, shapes: Graph, engine: str = "fast", workers: int = 1,
               store: ox.Store | None = None) -> tuple[list[Result], ox.Store, int, float]:
    """Validate a build with one engine; returns (results, the data in a store, checks, seconds).

    The fast path reads `store` when given (the build's own store, which `kg build` has just written and
    holds open: no second copy of the data in memory), else graph.nq loaded into an in-memory store."""
    if store is None or engine == "pyshacl":
        store = load_store(data_file(build_dir))
    started = time.perf_counter()
    if engine == "pyshacl":
        from kg.validate_reference import validate_graph

        graph = union_graph(data_file(build_dir))
        started = time.perf_counter()
        return validate_graph(graph, shapes), store, 0, time.perf_counter() - started
    checks = compile_shapes(shapes)
    return run_checks(store, checks, workers), store, len(checks), time.perf_counter() - started


def validate_build(build_dir: Path, settings: Settings, progress: Progress = lambda _: None,
                   engine: str = "fast", store: ox.Store | None = None) -> ValidationSummary:
    """Validate a build folder (its graph.nq, or the store given) and write its validation/ reports; see
    the module docstring."""
    build_dir = Path(build_dir)
    if engine not in ENGINES:
        raise ValidationError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    on_disk = store is not None and engine == "fast"  # else graph.nq is loaded into an in-memory store
    source = build_dir / "store" if on_disk else build_dir / "graph.nq"
    progress(f"validating {source} ({ENGINES[engine]})")
    shapes = load_shapes(settings.shapes)
    results, store, checks, seconds = run_engine(build_dir, shapes, engine, settings.workers, store)
    return write_validation(build_dir, settings, store, shapes, results, progress,
                            ValidationSummary(engine=engine, checks=checks, seconds=seconds))


def write_validation(build_dir: Path, settings: Settings, store: ox.Store, shapes: Graph, results: list[Result],
                     progress: Progress, run: ValidationSummary) -> ValidationSummary:
    """Write build_dir/validation/ for these results; returns `run` (engine, checks, seconds) with the
    counts filled in. `store` holds the data of build_dir/graph.nq."""
    ns = namespaces_for(shapes)
    engine = run.engine
    progress(f"placing {len(results)} results in their plans and source lines")
    findings = gather(store, results, settings.corpus, settings.base, data_file(build_dir), settings.workers)
    generated = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    rows, minter = plan_rows(findings), Minter(settings.base)
    progress(f"writing {len(results)} results to {build_dir / 'validation'}")
    out = Path(tempfile.mkdtemp(prefix=".validation-", dir=build_dir))  # swapped in whole when written

    def html() -> None:
        write_html(findings, rows, out, settings.site_templates / "templates", shapes, SITE_ROOT, generated,
                   ENGINES[engine], ns)

    def the_rest() -> None:
        write_results(findings, out / RESULTS_FILE)
        write_report_ttl(results, out / "report.ttl", ns)
        write_csv(findings, out / "report.csv", ns)
        write_json(summary_json(findings, rows, ENGINES[engine], generated), out / "summary.json")
        quality_graph(findings, minter, generated, minter.iri("validation/report.ttl"), ns).write(out / QUALITY_FILE)

    # the writers hold the interpreter, and the HTML report takes about as long as all the others: it is
    # written by a forked process meanwhile (at 1,000 plans 15-16 s one after the other, 8-9 s so)
    try:
        alongside(html, the_rest, settings.workers)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    final = _swap_in(out, build_dir / "validation")
    return _summary(findings, rows, final, run)


def _swap_in(folder: Path, target: Path) -> Path:
    """Replace target by folder, so a steward never opens half-written reports."""
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    if target.exists():
        target.rename(old)
    folder.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def _summary(findings: Findings, rows: list[dict], out: Path, run: ValidationSummary) -> ValidationSummary:
    summary = ValidationSummary(report_dir=out, engine=run.engine, checks=run.checks, seconds=run.seconds,
                                revalidated=run.revalidated, totals=Counter(r.severity_name for r in findings.results))
    for row in rows:
        summary.counts[row["slug"]] = Counter({n: row["counts"][n] for n in SEVERITY_NAMES.values()})
        if row["slug"] != SHARED:
            summary.complete[row["slug"]] = row["complete"]
    return summary


def build_step(build_dir: Path, settings: Settings, plans: object, progress: Progress,
               delta: BuildDelta | None = None) -> dict[str, object]:
    """The `kg build` step (kg.pipeline.register_post_build): validate the temporary build folder's store
    (as written, before its quality graph is loaded: the same data as graph.nq) and load its DQV
    measurements into it. Returns {"validation": ValidationSummary}.

    With a delta that leaves validation's inputs unchanged and a previous build that kept its results, only
    what the changed documents can affect is re-validated (see the module docstring)."""
    from kg.store import open_store

    store = open_store(Path(build_dir) / "store")  # read-only: the checks' threads share this handle
    previous = None
    if delta is not None and not delta.full("validate"):
        previous = read_results(settings.build / "validation" / RESULTS_FILE)
    if previous is None:
        summary = validate_build(build_dir, settings, progress, store=store)
    else:
        summary = revalidate(build_dir, settings, store, delta, previous, len(plans), progress)
    del store  # closed before it is opened for writing
    load_quality(open_store(Path(build_dir) / "store", read_only=False), build_dir, settings)
    summary.report_dir = settings.build / "validation"  # where it will be once the build is swapped in
    return {"validation": summary}


def load_quality(store: ox.Store, build_dir: Path, settings: Settings) -> None:
    """Replace the store's quality graph by build_dir/validation/quality.trig."""
    graph = ox.NamedNode(str(Minter(settings.base).iri("graph/quality")))
    if graph in store.named_graphs():
        store.remove_graph(graph)
    store.bulk_load(path=str(Path(build_dir) / "validation" / QUALITY_FILE), format=ox.RdfFormat.TRIG)
    store.flush()


# --- incremental validation ------------------------------------------------------------------------

@dataclass(frozen=True)
class Filed:
    """A previous build's result and the plans (slugs, or SHARED) its report filed it under."""

    result: Result
    plans: frozenset[str]


def revalidate(build_dir: Path, settings: Settings, store: ox.Store, delta: BuildDelta, previous: list[Filed],
               plan_count: int, progress: Progress) -> ValidationSummary:
    """Validate the nodes the delta can affect, keep the previous results on every other node, and write
    the reports of the union."""
    shapes = load_shapes(settings.shapes)
    checks = compile_shapes(shapes)
    scope = affected_scope(store, delta, Minter(settings.base))
    if not blank_targets(store, checks, scope.graphs):
        scope = replace(scope, graphs=frozenset())
    rechecked = delta.changed | delta.added
    progress(f"validating {len(scope.iris)} nodes near what changed ({len(rechecked)} plans changed or added, "
             f"{len(delta.removed)} removed)")
    started = time.perf_counter()
    fresh = run_checks(store, checks, settings.workers, scope)
    seconds = time.perf_counter() - started
    kept = [f.result for f in previous if not (f.plans & delta.plans) and not in_scope(f.result.focus, scope)]
    minter = Minter(settings.base)
    present = {focus: still_there(store, focus) for focus in {r.focus for r in kept}
               if not in_unchanged_plan(focus, minter, delta.plans)}
    kept = [r for r in kept if present.get(r.focus, True)]
    run = ValidationSummary(engine="fast", checks=len(checks), seconds=seconds, revalidated=(
        f"re-validated {len(rechecked)} plan{'s' if len(rechecked) != 1 else ''}, {len(scope.iris)} nodes; "
        f"reused {plan_count - len(rechecked)} plans, {len(kept)} results"))
    return write_validation(build_dir, settings, store, shapes, kept + fresh, progress, run)


def affected_scope(store: ox.Store, delta: BuildDelta, minter: Minter) -> Scope:
    """The focus nodes whose results may differ from the previous build's: the IRIs the delta touched and
    those within HOPS links of them (walking through the build's own nodes only: a vocabulary term such as
    zw:Inferred links every row of the country, but no shape reads who else uses a term), and every node
    of the changed and added plans' named graphs (their blank nodes through the graph)."""
    data = str(minter.iri("id/"))
    iris, frontier = set(delta.touched), set(delta.touched)
    for _ in range(HOPS):
        frontier = neighbours(store, sorted(i for i in frontier if i.startswith(data))) - iris
        iris |= frontier
    graphs = {str(minter.plan_graph(slug)) for slug in delta.changed | delta.added}
    for graph in graphs:
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            iris.update(t.value for t in (quad.subject, quad.object) if isinstance(t, ox.NamedNode))
    return Scope(iris=frozenset(iris), graphs=frozenset(graphs))


def still_there(store: ox.Store, focus: Identifier) -> bool:
    """Whether a previous result's focus node is still in the data: a node no plan's graph holds any more
    (a node outside the delta's reach, such as the previous build's lifting run) has no results."""
    if not isinstance(focus, URIRef):
        return True  # a blank node is kept or dropped with its plan
    node = ox.NamedNode(str(focus))
    return any(next(iter(store.quads_for_pattern(*pattern)), None) is not None
               for pattern in ((node, None, None), (None, None, node)))


def in_unchanged_plan(focus: Identifier, minter: Minter, changed: frozenset[str]) -> bool:
    """Whether a focus node is minted under a plan the delta left alone: its quads are that plan's,
    unchanged, so it is still in the data without asking the store (at 1,000 plans 94,515 of the 94,762
    previous focus nodes; asking the store for all took 5-10 s)."""
    slug = minter.plan_slug(str(focus)) if isinstance(focus, URIRef) else None
    return slug is not None and slug not in changed


def in_scope(focus: Identifier, scope: Scope) -> bool:
    """Whether a previous result's focus node is re-checked (a blank node: only through its plan)."""
    return isinstance(focus, URIRef) and str(focus) in scope.iris


def write_results(findings: Findings, path: Path) -> None:
    """results.jsonl.gz: each result once, with the plans its findings are filed under."""
    plans: dict[int, set[str]] = {}
    for finding in findings.findings:
        plans.setdefault(id(finding.result), set()).add(finding.plan)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for r in findings.results:
            record = {"focus": _encode(r.focus), "path": _encode(r.path), "value": _encode(r.value),
                      "shape": _encode(r.shape), "component": _encode(r.component),
                      "severity": _encode(r.severity), "messages": [_encode(m) for m in r.messages],
                      "constraint": _encode(r.constraint), "plans": sorted(plans.get(id(r), ()))}
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def read_results(path: Path) -> list[Filed] | None:
    """The results a previous build wrote (write_results), or None when it wrote none or they cannot be read
    (the build then validates in full)."""
    decode = _Decoder()
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            return [_filed(json.loads(line), decode) for line in lines]
    except (OSError, EOFError, ValueError, KeyError, TypeError):
        return None


def _filed(record: dict, decode: Callable[[object], Identifier | None]) -> Filed:
    result = Result(focus=decode(record["focus"]), path=decode(record["path"]), value=decode(record["value"]),
                    shape=decode(record["shape"]), component=decode(record["component"]),
                    severity=decode(record["severity"]), messages=tuple(decode(m) for m in record["messages"]),
                    constraint=decode(record["constraint"]))
    return Filed(result, frozenset(record["plans"]))


class _Decoder:
    """_decode, each distinct value made once: the shapes, components, severities and messages of the
    results repeat (96,000 results at 1,000 plans), and an rdflib Literal is slow to make."""

    def __init__(self) -> None:
        self._made: dict[object, Identifier | None] = {}

    def __call__(self, value: object) -> Identifier | None:
        key = value if value is None or isinstance(value, str) else tuple(sorted(value.items()))  # type: ignore[union-attr]
        if key not in self._made:
            self._made[key] = _decode(value)
        return self._made[key]


def _encode(term: Identifier | None) -> object:
    """An rdflib term as JSON: an IRI as its string, a blank node {"b": id}, a literal {"l", "lang"/"dt"}."""
    if term is None or isinstance(term, URIRef):
        return None if term is None else str(term)
    if isinstance(term, BNode):
        return {"b": str(term)}
    out = {"l": str(term)}
    if term.language:
        out["lang"] = term.language
    elif term.datatype is not None:
        out["dt"] = str(term.datatype)
    return out


def _decode(value: object) -> Identifier | None:
    if value is None:
        return None
    if isinstance(value, str):
        return URIRef(value)
    if "b" in value:
        return BNode(value["b"])
    return Literal(value["l"], lang=value.get("lang"), datatype=URIRef(value["dt"]) if "dt" in value else None)
