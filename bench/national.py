"""The national benchmark: one year of all China (~3,200 plans) on one machine, stage by stage.

Run: .venv/bin/python bench/national.py [--sizes 100,1000] [--seed 7] [--work DIR] [--limit SECONDS]
         [--no-search] [--keep]
     .venv/bin/python bench/national.py --sizes 100,1000,3200        # the full run (targets: ≤ 10 min, ≤ 4 GB)

For each size a synthetic corpus is generated (bench/corpus.py: real rows recombined, invented regions), then
each stage of a build runs in a process of its own, so that its time and its peak memory are its own:

  lift      every document parsed and normalised (kg.pipeline.lift_all, on every core; cache cold)
  graph     every plan's named graph and every comparison as N-Quads (kg.pipeline.write_quads)
  store     the pyoxigraph store bulk-loaded, VoID/DCAT counted over it (kg.pipeline.load_store)
  dumps     TriG, N-Quads, Turtle, N-Triples, JSON-LD (kg.pipeline.write_dumps)
  validate  SHACL fast path and the reports (kg.validate.build_step)
  site      every page and its RDF alternates (kg.site.render_site, without the search index)
  search    the pagefind index of the site (kg.site.build_search_index)
  queries   every catalogue query (queries/*.rq) with its default parameters, against the store
  rebuild   lift + graph + store + dumps again after one document changed, with the first run's cache
            (kg.incremental): what an incremental `kg build` redoes before validation and the site

Peak memory is the proportional set size (PSS, /proc/PID/smaps_rollup, Linux) of the stage's process and
its children (pool workers, pagefind), sampled every 0.2 s; PSS counts pages forked workers share once.
A stage that runs longer than --limit seconds or above --max-mb is stopped and shown as such (a catalogue
query after 120 s). Each row gives the seconds,
the cost per plan (so linear growth shows as a constant) and the peak. No pass/fail exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

STAGES = ("lift", "graph", "store", "dumps", "validate", "site", "search", "queries", "rebuild")
END_TO_END = ("lift", "graph", "store", "dumps", "validate", "site", "search", "queries")
TARGET_SECONDS, TARGET_MB = 600, 4096  # for 3,200 plans on a 2-core machine
SAMPLE_EVERY = 0.2
QUERY_LIMIT = 120  # seconds one catalogue query may take


# --- one stage, in its own process ------------------------------------------------------------------

def run_stage(stage: str, corpus: Path, build_dir: Path) -> dict:
    """Run one stage on an existing build folder; returns what it measured (seconds of the stage's work)."""
    from kg.settings import load_settings

    settings = load_settings(build=build_dir, corpus=corpus)
    build_dir.mkdir(parents=True, exist_ok=True)
    if stage in ("queries", "search", "site", "validate", "dumps"):
        return STAGE_RUNNERS[stage](settings)
    return STAGE_RUNNERS[stage](settings, corpus)


def _plans(settings, corpus: Path, cache_dir: Path, workers: int):
    from kg.incremental import BuildCache
    from kg.pipeline import lift_all
    from kg.sources import find_sources

    cache = BuildCache(cache_dir, previous=None)
    return lift_all(find_sources(corpus), cache=cache, workers=workers), cache


def _lift(settings, corpus: Path) -> dict:
    from kg.pipeline import default_workers

    started = time.perf_counter()
    plans, _ = _plans(settings, corpus, settings.build / "cache", default_workers())
    return {"seconds": time.perf_counter() - started, "requirements": sum(len(p.requirements) for p in plans)}


def _graph(settings, corpus: Path) -> dict:
    from kg.pipeline import comparable_pairs, default_workers, write_quads

    plans, cache = _plans(settings, corpus, settings.build / "cache", 1)
    started = time.perf_counter()
    quads = write_quads(plans, settings, "2024-01-01T00:00:00+00:00", settings.build / "lifted.nq", cache,
                        default_workers())
    return {"seconds": time.perf_counter() - started, "quads written": quads,
            "comparisons": len(comparable_pairs(plans))}


def _store(settings, corpus: Path) -> dict:
    from kg.pipeline import load_store

    plans, _ = _plans(settings, corpus, settings.build / "cache", 1)
    started = time.perf_counter()
    store = load_store(settings.build / "store", settings.build / "lifted.nq", plans, settings)
    return {"seconds": time.perf_counter() - started, "triples": len(store)}


def _dumps(settings) -> dict:
    from kg.pipeline import write_dumps
    from kg.store import open_store

    started = time.perf_counter()
    write_dumps(open_store(settings.build / "store"), settings.build)
    sizes = {p.name: p.stat().st_size for p in settings.build.glob("graph.*")}
    return {"seconds": time.perf_counter() - started, "MB": round(sum(sizes.values()) / 1e6)}


def _validate(settings) -> dict:
    from kg import validate

    started = time.perf_counter()
    summary = validate.build_step(settings.build, settings, [], lambda _: None)["validation"]
    return {"seconds": time.perf_counter() - started, "checks seconds": round(summary.seconds, 1),
            "results": summary.results}


def _site(settings) -> dict:
    from kg.site import render_site

    started = time.perf_counter()
    summary = render_site(settings.build, settings, search=False)
    return {"seconds": time.perf_counter() - started, "pages": summary.total_pages,
            "RDF files": summary.rdf_files, "MB": round(summary.bytes / 1e6)}


def _search(settings) -> dict:
    from kg.site import build_search_index

    started = time.perf_counter()
    status = build_search_index(settings.build / "site")
    return {"seconds": time.perf_counter() - started, "status": status[:60]}


def _queries(settings) -> dict:
    """Each query in a forked process of its own, stopped after QUERY_LIMIT seconds (a query the store's
    planner gets wrong must not hide the others)."""
    import multiprocessing as mp

    from kg.catalogue import load_catalogue

    times, stopped = {}, []
    for name, query in load_catalogue(settings.queries).items():
        receive, send = mp.Pipe(duplex=False)
        child = mp.get_context("fork").Process(target=_one_query, args=(settings, query, send))
        started = time.perf_counter()
        child.start()
        if receive.poll(QUERY_LIMIT):
            times[name] = receive.recv()
        else:
            times[name] = (QUERY_LIMIT, 0)
            stopped.append(name)
        child.kill()
        child.join()
        times[name] = (min(times[name][0], time.perf_counter() - started), times[name][1])
    slowest = max(times, key=lambda n: times[n][0])
    return {"seconds": sum(t for t, _ in times.values()), "queries": len(times),
            "slowest": f"{slowest} {times[slowest][0]:.1f} s",
            **({f"stopped at {QUERY_LIMIT} s": ", ".join(stopped)} if stopped else {})}


def _one_query(settings, query, send) -> None:
    from kg.query import bind_parameters, run_query
    from kg.store import open_store

    started = time.perf_counter()
    result = run_query(open_store(settings.build / "store"), query.text, bind_parameters(query, {}))
    rows = sum(1 for _ in result) if hasattr(result, "__iter__") else 1
    send.send((time.perf_counter() - started, rows))


def _rebuild(settings, corpus: Path) -> dict:
    """One document changed (a deadline moved), then what `kg build` redoes up to the store and dumps."""
    from kg.incremental import BuildCache
    from kg.pipeline import default_workers, lift_all, load_store, write_dumps, write_quads
    from kg.sources import find_sources

    changed = _change_one_document(corpus)
    folder = settings.build / "rebuild"
    started = time.perf_counter()
    cache = BuildCache(folder / "cache", previous=settings.build / "cache")
    workers = default_workers()
    plans = lift_all(find_sources(corpus), cache=cache, workers=workers)
    write_quads(plans, settings, "2024-01-02T00:00:00+00:00", folder / "lifted.nq", cache, workers)
    store = load_store(folder / "store", folder / "lifted.nq", plans, settings)
    write_dumps(store, folder)
    return {"seconds": time.perf_counter() - started, "changed": changed.name, "reused": cache.counts()}


def _change_one_document(corpus: Path) -> Path:
    """Move a deadline month in the middle plan of the corpus (its bytes, hence its SHA-256, change)."""
    from kg.sources import decode

    path = sorted(corpus.glob("*.txt"))[len(list(corpus.glob("*.txt"))) // 2]
    raw = path.read_bytes()
    text, encoding = decode(raw, str(path))
    for old, new in (("12月底前", "11月底前"), ("全年工作", "12月底前"), ("月底前", "月中旬前")):
        if old in text:
            text = text.replace(old, new, 1)
            break
    else:
        text += "\n"
    path.write_bytes(text.encode(encoding))
    return path


STAGE_RUNNERS = {"lift": _lift, "graph": _graph, "store": _store, "dumps": _dumps, "validate": _validate,
                 "site": _site, "search": _search, "queries": _queries, "rebuild": _rebuild}


# --- the driver: a process per stage, sampled ---------------------------------------------------------

def _children(pid: int) -> list[int]:
    """pid and its descendants (from /proc/*/stat)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def _pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total / 1024


def measure(stage: str, corpus: Path, build_dir: Path, limit: float, max_mb: float) -> dict:
    """Run a stage in a child process; its result, wall time and peak PSS, or a note that it was stopped
    (after ``limit`` seconds, or above ``max_mb`` MB: the machine is shared)."""
    result_file = build_dir.parent / f"{stage}.json"
    command = [sys.executable, __file__, "--stage", stage, "--corpus", str(corpus), "--build", str(build_dir),
               "--result", str(result_file)]
    started = time.perf_counter()
    child = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, _pss_mb(_children(child.pid)))
        wall = time.perf_counter() - started
        if wall > limit or peak > max_mb:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            return {"stopped": f"{wall:.0f} s" if wall > limit else f"{peak:.0f} MB", "wall": wall,
                    "peak_mb": peak}
        time.sleep(SAMPLE_EVERY)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        return {"failed": (child.stderr.read() if child.stderr else "").strip()[-400:], "wall": wall,
                "peak_mb": peak}
    result = json.loads(result_file.read_text("utf-8"))
    return {**result, "wall": wall, "peak_mb": peak}


def bench_size(n: int, seed: int, work: Path, limit: float, max_mb: float, search: bool) -> dict:
    from bench.corpus import generate

    corpus, build_dir = work / f"corpus-{n}", work / f"build-{n}" / "build"
    started = time.perf_counter()
    specs = generate(n, seed, corpus)
    made = time.perf_counter() - started
    size = sum((corpus / s.file).stat().st_size for s in specs)
    print(f"\n{n} plans: {sum(s.rows for s in specs)} requirement rows, {size / 1e6:.1f} MB of text "
          f"(generated in {made:.1f} s) → {corpus}", flush=True)
    results = {}
    for stage in STAGES:
        if stage == "search" and not search:
            continue
        results[stage] = measure(stage, corpus, build_dir, limit, max_mb)
        print(f"  {stage:<9} {_cell(results[stage], n)}  {_details(results[stage])}", flush=True)
    return {"plans": n, "requirements": sum(s.rows for s in specs), "MB": size / 1e6, "stages": results}


def _cell(result: dict, n: int) -> str:
    if result.get("stopped"):
        return f"> {result['wall']:7.0f} s (stopped at {result['stopped']})  peak {result['peak_mb']:6.0f} MB"
    if "failed" in result:
        return f"FAILED after {result['wall']:.0f} s"
    seconds = result["seconds"]
    return f"{seconds:9.1f} s {seconds / n * 1000:8.1f} ms/plan  peak {result['peak_mb']:6.0f} MB"


def _details(result: dict) -> str:
    skip = {"seconds", "wall", "peak_mb", "stopped"}
    return ", ".join(f"{k}: {v}" for k, v in result.items() if k not in skip)


def _bounded(result: dict) -> bool:
    """Whether a stage's seconds are only a lower bound (it, or one of its queries, was stopped)."""
    return bool(result.get("stopped")) or "failed" in result or any(k.startswith("stopped at") for k in result)


def print_table(sizes: list[dict]) -> None:
    """Seconds, ms per plan and peak MB per stage and size; end to end; the targets. '>' marks a lower
    bound: the stage (or one of its queries) was stopped."""
    print(f"\n{'stage':<12}" + "".join(f"{str(s['plans']) + ' plans:':>14}{'ms/plan':>10}{'peak MB':>10}"
                                       for s in sizes))
    for stage in STAGES + ("end to end",):
        cells = []
        for size in sizes:
            n, stages = size["plans"], size["stages"]
            done = [stages[s] for s in END_TO_END if s in stages] if stage == "end to end" else \
                [stages[stage]] if stage in stages else []
            if not done:
                cells.append(f"{'–':>14}{'':>20}")
                continue
            seconds = sum(r.get("seconds", r["wall"]) for r in done)
            mark = ">" if any(map(_bounded, done)) else " "
            peak = max(r["peak_mb"] for r in done)
            cells.append(f"{mark}{seconds:12.1f}s{seconds / n * 1000:10.1f}{peak:10.0f}")
        print(f"{stage:<12}" + "".join(cells))
    print(f"targets at 3,200 plans: end to end ≤ {TARGET_SECONDS} s, peak ≤ {TARGET_MB} MB (end to end: every "
          "stage but rebuild; its peak: the largest stage's). '>': a lower bound, something was stopped.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000", help="comma-separated numbers of plans")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default .build-bench-national/)")
    parser.add_argument("--limit", type=float, default=1800, help="seconds a stage may run before it is stopped")
    parser.add_argument("--max-mb", type=float, default=8192, help="MB a stage may use before it is stopped")
    parser.add_argument("--no-search", action="store_true", help="skip the pagefind index (needs Node.js)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and builds")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:  # a child: one stage
        result = run_stage(args.stage, args.corpus, args.build)
        args.result.write_text(json.dumps(result, ensure_ascii=False, default=str), "utf-8")
        return
    work = args.work or PROJECT / ".build-bench-national"
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    try:
        for n in sizes:
            results.append(bench_size(n, args.seed, work, args.limit, args.max_mb, not args.no_search))
            (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    finally:
        if results:
            print_table(results)
        if not args.keep:
            import shutil

            for n in sizes:
                shutil.rmtree(work / f"corpus-{n}", ignore_errors=True)
                shutil.rmtree(work / f"build-{n}", ignore_errors=True)


if __name__ == "__main__":
    main()
