"""Validate a build against shapes/: report files for data stewards, DQV measurements, and the exit code.

`validate_build` reads the build's graph.nq, runs the SPARQL fast path (kg/validate_fast.py; pyshacl, the
reference, on request), and writes validation/report.ttl, report.csv, report.html, summary.json and
quality.trig (the DQV measurements, in the named graph <base>graph/quality, for the store).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.findings import SHARED, Findings, gather
from kg.quality import quality_dataset
from kg.report import html_context, render_html, report_graph, summary_json, write_csv, write_json
from kg.settings import Settings
from kg.shacl import (SEVERITIES, SEVERITY_NAMES, Result, ValidationError, data_file, load_shapes,
                      namespaces_for, severity_of, union_graph)
from kg.validate_fast import compile_shapes, load_store, run_checks
from kg.vocab import Minter

Progress = Callable[[str], None]
ENGINES = {"fast": "SPARQL fast path on pyoxigraph", "pyshacl": "pyshacl (reference)"}
SITE_ROOT = "../site/"  # from build/validation/ to the site's root
QUALITY_FILE = "quality.trig"


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

    @property
    def results(self) -> int:
        return sum(self.totals.values())

    def count(self, plan: str, severity: str) -> int:
        return self.counts.get(plan, Counter())[severity]

    def __str__(self) -> str:
        head = ", ".join(f"{self.totals[n]} {n}" for n in SEVERITY_NAMES.values())
        where = f" → {self.report_dir / 'report.html'}" if self.report_dir else ""
        return f"{head} ({self.engine}, {self.seconds:.2f} s){where}"

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


def run_engine(build_dir: Path, shapes: Graph, engine: str = "fast",
               workers: int = 1) -> tuple[list[Result], ox.Store, int, float]:
    """Validate graph.nq with one engine; returns (results, the data in a store, checks, seconds)."""
    nquads = data_file(build_dir)
    store = load_store(nquads)
    started = time.perf_counter()
    if engine == "pyshacl":
        from kg.validate_reference import validate_graph

        graph = union_graph(nquads)
        started = time.perf_counter()
        return validate_graph(graph, shapes), store, 0, time.perf_counter() - started
    checks = compile_shapes(shapes)
    return run_checks(store, checks, workers), store, len(checks), time.perf_counter() - started


def validate_build(build_dir: Path, settings: Settings, progress: Progress = lambda _: None,
                   engine: str = "fast") -> ValidationSummary:
    """Validate a build folder and write its validation/ reports; see the module docstring."""
    build_dir = Path(build_dir)
    if engine not in ENGINES:
        raise ValidationError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    progress(f"validating {build_dir / 'graph.nq'} ({ENGINES[engine]})")
    shapes = load_shapes(settings.shapes)
    results, store, checks, seconds = run_engine(build_dir, shapes, engine, settings.workers)
    ns = namespaces_for(shapes)
    findings = gather(store, results, settings.corpus, settings.base)
    generated = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    out = Path(tempfile.mkdtemp(prefix=".validation-", dir=build_dir))  # swapped in whole when written
    progress(f"writing {len(results)} results to {build_dir / 'validation'}")
    report_graph(results, shapes).serialize(out / "report.ttl", format="turtle", encoding="utf-8")
    write_csv(findings, out / "report.csv", ns)
    context = html_context(findings, shapes, SITE_ROOT, generated, ENGINES[engine], ns)
    (out / "report.html").write_text(render_html(context, settings.site_templates / "templates"), "utf-8")
    write_json(summary_json(findings, ENGINES[engine], generated), out / "summary.json")
    minter = Minter(settings.base)
    quality = quality_dataset(findings, minter, generated, minter.iri("validation/report.ttl"), ns)
    quality.serialize(out / QUALITY_FILE, format="trig", encoding="utf-8")
    final = _swap_in(out, build_dir / "validation")
    return _summary(findings, context, final, engine, checks, seconds)


def _swap_in(folder: Path, target: Path) -> Path:
    """Replace target by folder, so a steward never opens half-written reports."""
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    if target.exists():
        target.rename(old)
    folder.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def _summary(findings: Findings, context: dict, out: Path, engine: str, checks: int,
             seconds: float) -> ValidationSummary:
    summary = ValidationSummary(report_dir=out, engine=engine, checks=checks, seconds=seconds,
                                totals=Counter(r.severity_name for r in findings.results))
    for row in context["plans"]:
        summary.counts[row["slug"]] = Counter({n: row["counts"][n] for n in SEVERITY_NAMES.values()})
        if row["slug"] != SHARED:
            summary.complete[row["slug"]] = row["complete"]
    return summary


def build_step(build_dir: Path, settings: Settings, plans: object, progress: Progress) -> dict[str, object]:
    """The `kg build` step (kg.pipeline.register_post_build): validate the temporary build folder and load
    its DQV measurements into its store. Returns {"validation": ValidationSummary}."""
    from kg.store import open_store

    summary = validate_build(build_dir, settings, progress)
    store = open_store(Path(build_dir) / "store", read_only=False)
    load_quality(store, build_dir, settings)
    del store  # closes the store before the build folder is swapped in
    summary.report_dir = settings.build / "validation"  # where it will be once the build is swapped in
    return {"validation": summary}


def load_quality(store: ox.Store, build_dir: Path, settings: Settings) -> None:
    """Replace the store's quality graph by build_dir/validation/quality.trig."""
    graph = ox.NamedNode(str(Minter(settings.base).iri("graph/quality")))
    if graph in store.named_graphs():
        store.remove_graph(graph)
    store.bulk_load(path=str(Path(build_dir) / "validation" / QUALITY_FILE), format=ox.RdfFormat.TRIG)
    store.flush()
