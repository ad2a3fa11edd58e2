"""Validation speed: pyshacl (the reference) against the SPARQL fast path, on the corpus graph replicated to
100k triples and more (every instance IRI and blank node renamed per copy, the ontology kept once).

Run: .venv/bin/python bench/validate.py [--triples 100000 200000] [--build-dir build] [--workers N]
         [--repeat N] [--reference stock|memoised|both|none]
Builds the corpus first when the build folder has no graph.nq. Prints the ratio pyshacl / fast path
(target ≥ 50×) and checks that both engines report the same results. No pass/fail exit code.
`stock` is pyshacl as released (minutes at 100k triples); `memoised` caches rdflib's parsed SPARQL
queries, which pyshacl re-parses for every focus node (what the test suite uses).

     .venv/bin/python bench/validate.py --national CORPUS [CORPUS ...] [--work DIR]
National scale (corpora from bench/corpus.py): each corpus is copied and built (`kg build` without the site),
one document is changed (bench/national.py's deadline move) and the build re-run; prints the CPU seconds of
the validation step (checks, placing, reports) per plan for the full and the incremental run, the slowest
checks, and whether a full validation of the rebuilt store gives the incremental run's results.
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from kg.settings import load_settings
from kg.shacl import load_shapes, union_graph
from kg.validate_fast import compile_shapes, load_store, run_checks
from kg.validate_reference import validate_graph

ONTOLOGY_GRAPH = re.compile(r"<[^>]*/graph/ontology/[^>]*> \.$")


def corpus_nquads(build_dir: Path) -> Path:
    """The build's graph.nq, building the corpus when there is none."""
    settings = load_settings(build=build_dir)
    if not (settings.build / "graph.nq").is_file():
        from kg.pipeline import build

        build(settings)
    return settings.build / "graph.nq"


def replicate(nquads: Path, base: str, target: int, out: Path) -> int:
    """Copies of the graph with renamed instance IRIs (…/id/x → …/r3/id/x) until `target` triples."""
    lines = nquads.read_text("utf-8").splitlines()
    ontology = [line for line in lines if ONTOLOGY_GRAPH.search(line)]
    data = [line for line in lines if not ONTOLOGY_GRAPH.search(line)]
    copies = max(1, -(-(target - len(ontology)) // len(data)))
    with out.open("w", encoding="utf-8") as handle:
        handle.write("\n".join(ontology) + "\n")
        for i in range(copies):
            prefix = f"<{base}r{i}/"
            for line in data:
                handle.write(line.replace(f"<{base}", prefix).replace("_:", f"_:r{i}x") + "\n")
    return len(ontology) + copies * len(data)


def run(nquads: Path, shapes, reference: str, workers: int, repeat: int) -> None:
    start = time.perf_counter()
    store = load_store(nquads)
    load_fast = time.perf_counter() - start
    checks = compile_shapes(shapes)
    fast_s = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fast = run_checks(store, checks, workers)
        fast_s = min(fast_s, time.perf_counter() - start)
    graph = union_graph(nquads)
    print(f"  {len(graph):,} triples (union); {len(checks)} compiled checks")
    threads = f"{workers} thread{'s' if workers > 1 else ''}"
    print(f"  fast path (best of {repeat}, {threads}): load {load_fast:6.2f} s, "
          f"validate {fast_s:8.2f} s, {len(fast):,} results")
    timings = {"stock": [("pyshacl", False)], "memoised": [("pyshacl, parsed queries cached", True)],
               "none": []}.get(reference, [("pyshacl", False), ("pyshacl, parsed queries cached", True)])
    for label, memoise in timings:
        start = time.perf_counter()
        reference = validate_graph(graph, shapes, memoise=memoise)
        ref_s = time.perf_counter() - start
        same = Counter(r.key() for r in fast) == Counter(r.key() for r in reference)
        print(f"  {label}: {ref_s:8.2f} s, {len(reference):,} results ({'same' if same else 'DIFFERENT'})")
        print(f"  ratio {label} / fast path: {ref_s / fast_s:,.0f}×   target ≥ 50×: "
              f"{'met' if ref_s / fast_s >= 50 else 'NOT met'}")


def cpu() -> float:
    """CPU seconds of this process and its threads (the checks run on threads, the lift in forked workers)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def national(corpus: Path, work: Path, resume: bool = False, compare: bool = True) -> None:
    """Full and incremental validation of one synthetic corpus, as `kg build` runs them."""
    from national import change_one_document
    from kg import pipeline, validate
    from kg.store import open_store
    from kg.validate_fast import compile_shapes, run_checks

    spent: list[tuple[float, float, str]] = []  # (CPU s, wall s, how) of each validation step

    def timed_step(build_dir, settings, plans, progress, delta):
        started, wall = cpu(), time.perf_counter()
        out = validate.build_step(build_dir, settings, plans, progress, delta)
        spent.append((cpu() - started, time.perf_counter() - wall, out["validation"].revalidated or "full"))
        return out

    pipeline._post_build_steps = lambda: [("validating the build", timed_step, False)]  # no site: validation alone
    settings = replace(load_settings(build=work / "build"), corpus=work / "corpus")
    if not (resume and (work / "build" / "manifest.json").is_file()):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(corpus, work / "corpus")
        pipeline.build(settings)
    n = len(list((work / "corpus").glob("*.txt")))
    changed = change_one_document(work / "corpus")
    pipeline.build(settings)
    print(f"{n} plans ({corpus}); changed {changed.name}")
    for seconds, wall, how in spent:
        print(f"  validation step: {seconds:7.1f} s CPU {seconds / n * 1000:7.1f} ms/plan ({wall:6.1f} s wall)  {how}")
    if not compare:
        return
    store = open_store(settings.build / "store")
    checks = compile_shapes(load_shapes(settings.shapes))
    timings = []
    full: list = []
    for check in checks:
        started = cpu()
        full += run_checks(store, [check])
        timings.append((cpu() - started, str(check.shape).rsplit("#", 1)[-1], str(check.component).rsplit("#", 1)[-1]))
    print(f"  checks alone, full: {sum(t for t, _, _ in timings):.1f} s CPU; slowest: "
          + ", ".join(f"{shape} {comp.removesuffix('ConstraintComponent')} {t:.1f} s"
                      for t, shape, comp in sorted(timings, reverse=True)[:4]))
    kept = validate.read_results(settings.build / "validation" / validate.RESULTS_FILE) or []
    same = Counter(r.key() + tuple(r.messages) for r in full) == \
        Counter(f.result.key() + tuple(f.result.messages) for f in kept)
    print(f"  incremental results {'equal' if same else 'DIFFER FROM'} a full validation of the rebuilt store "
          f"({len(kept):,} results)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triples", type=int, nargs="+", default=[100_000])
    parser.add_argument("--build-dir", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=1, help="threads running the compiled queries")
    parser.add_argument("--repeat", type=int, default=3, help="fast path runs; the best is kept")
    parser.add_argument("--reference", choices=["stock", "memoised", "both", "none"], default="stock",
                        help="which pyshacl to time against the fast path")
    parser.add_argument("--national", type=Path, nargs="+", default=None,
                        help="synthetic corpora (bench/corpus.py): full and incremental validation at scale")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-validate",
                        help="where --national copies and builds each corpus")
    parser.add_argument("--resume", action="store_true",
                        help="with --national: start from the work folder's build when there is one")
    parser.add_argument("--no-compare", action="store_true",
                        help="with --national: skip timing each check and comparing with a full validation")
    args = parser.parse_args()
    if args.national:
        for corpus in args.national:
            national(corpus, args.work / corpus.name, args.resume, not args.no_compare)
        return
    settings = load_settings(build=args.build_dir)
    nquads = corpus_nquads(settings.build)
    shapes = load_shapes(settings.shapes)
    with tempfile.TemporaryDirectory() as tmp:
        for target in args.triples:
            out = Path(tmp) / f"graph-{target}.nq"
            quads = replicate(nquads, settings.base, target, out)
            print(f"corpus × replicas: {quads:,} quads")
            run(out, shapes, args.reference, args.workers, args.repeat)


if __name__ == "__main__":
    main()
