"""The national benchmark: one year of all China (~3,200 plans) on one machine, with the real `kg build`.

Run: .venv/bin/python bench/national.py [--sizes 100,1000] [--seed 7] [--work DIR] [--limit SECONDS] [--keep]
     .venv/bin/python bench/national.py --sizes 100,1000,3200        # the full run (targets: ≤ 10 min, ≤ 4 GB)

For each size a synthetic corpus is generated (bench/corpus.py: real rows recombined, invented regions), then

  build     `kg build` on it, as a user runs it (every core, a cold cache, the temporary folder swapped in).
            Its timed progress lines on stderr split it into stages — lift, graph (N-Quads and comparisons),
            store, dumps, validate, site (its search index included), swap (the build swapped in and the
            previous one removed) — and the memory samples taken meanwhile are attributed to
            the stage running at the time. The dumps are written in a process of their own beside
            validation: their stage is the time the build waited for them.
  queries   every catalogue query (queries/*.rq) with its default parameters against the built store, each
            in a process of its own, stopped after 120 s.
  rebuild   one document changed (a deadline moved), then `kg build` again: what the incremental build
            (kg/incremental.py) redoes, stage by stage.

End to end is build + queries. Peak memory is the proportional set size (PSS, /proc/PID/smaps_rollup, Linux)
of the process and its children (pool workers, forked renderers), sampled every 0.2 s, or less often when
a sample costs more (a sample of a 3 GB build takes ~50 ms: the sampler stays under 3 % of a core); PSS
counts pages that forked workers share once. A build that runs longer than --limit seconds or above --max-mb
is stopped and shown as such. Each row gives seconds, the cost per plan (linear growth shows as a constant)
and the peak. No pass/fail exit code: the figures are for reading.

--drop-caches (root, Linux) empties the kernel's page cache before each measured run. On a small VM a page
cache filled by the previous size's gigabytes of pages costs the next run seconds of system time in
reclaim (the same 100-plan site rendered in 9.6 s with 4 s of system time just after the cache was
dropped, in 18-20 s with 16-19 s of it before); with the flag every run starts from the same state.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

BUILD_STAGES = ("lift", "graph", "store", "dumps", "validate", "site", "swap")
TARGET_SECONDS, TARGET_MB = 600, 4096  # for 3,200 plans on a 2-core machine
SAMPLE_EVERY = 0.2  # at least; more when a sample costs more (see SAMPLER_SHARE)
SAMPLER_SHARE = 0.03  # of one core the memory sampler may take: reading smaps_rollup walks the page tables
# of every process (40-130 ms for a build of several GB), which every 0.2 s took a fifth of the 2-core machine
QUERY_LIMIT = 120  # seconds one catalogue query may take
KG = [str(Path(sys.executable).parent / "kg")]  # the installed command, as a user runs it

# Which stage a progress line of `kg build` starts (kg/pipeline.py, kg/validate.py, kg/site.py print them).
STAGE_CUES = (("lift", re.compile(r"^\[\d+/\d+\] ")), ("graph", re.compile(r"^writing the graph|^comparing")),
              ("store", re.compile(r"^loading the store|^updating the store")),
              ("dumps", re.compile(r"^writing dumps|^waiting for the dumps")),
              ("validate", re.compile(r"^validating|^writing \d+ results")),
              ("site", re.compile(r"^writing the site|^rendering pages")),
              ("swap", re.compile(r"^swapping in")))
PROGRESS = re.compile(r"^\[\s*[\d.]+ s\] (.*)$")


@dataclass
class Stage:
    """One stage of a measured build: seconds from its first progress line to the next stage's."""

    seconds: float = 0.0
    peak_mb: float = 0.0
    lines: int = 0


@dataclass
class Run:
    """One measured command: total wall time, peak, and its stages (for `kg build`)."""

    seconds: float
    peak_mb: float
    stages: dict[str, Stage] = field(default_factory=dict)
    stopped: str = ""
    failed: str = ""
    details: dict[str, object] = field(default_factory=dict)


# --- sampling a process tree ---------------------------------------------------------------------------

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


def measured(command: list[str], limit: float, max_mb: float, stage_of_line=None) -> Run:
    """Run ``command``, sampling its memory; with ``stage_of_line``, split its time and peak into the stages
    its stderr lines announce. Stopped after ``limit`` seconds or above ``max_mb`` MB (a shared machine)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=PROJECT, start_new_session=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    current = ["start"]
    marks: list[tuple[float, str]] = [(0.0, "start")]
    tail: list[str] = []

    def read_stderr() -> None:
        for line in child.stderr:
            tail[:] = (tail + [line.rstrip()])[-20:]
            message = PROGRESS.match(line.rstrip())
            stage = stage_of_line(message.group(1)) if message and stage_of_line else None
            if stage and stage != current[0]:
                current[0] = stage
                marks.append((time.perf_counter() - started, stage))

    stdout: list[str] = []

    def read_stdout() -> None:  # drained as it comes: a full pipe would stop the build (1,000 plans' summary)
        stdout.extend(child.stdout)

    readers = [threading.Thread(target=read_stderr, daemon=True), threading.Thread(target=read_stdout, daemon=True)]
    for reader in readers:
        reader.start()
    samples: list[tuple[float, float]] = []
    stopped = ""
    while child.poll() is None:
        now = time.perf_counter() - started
        sampling = time.thread_time()
        samples.append((now, _pss_mb(_children(child.pid))))
        cost = time.thread_time() - sampling
        if now > limit or samples[-1][1] > max_mb:
            stopped = f"{now:.0f} s" if now > limit else f"{samples[-1][1]:.0f} MB"
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            break
        time.sleep(max(SAMPLE_EVERY, cost / SAMPLER_SHARE))
    for reader in readers:
        reader.join(timeout=5)
    out = "".join(stdout)
    total = time.perf_counter() - started
    run = Run(seconds=total, peak_mb=max((mb for _, mb in samples), default=0.0), stopped=stopped,
              stages=_split(marks, samples, total))
    if child.returncode and not stopped:
        run.failed = "\n".join(tail)[-600:]
    run.details["stdout"] = out[-2000:]
    return run


def _split(marks: list[tuple[float, str]], samples: list[tuple[float, float]], total: float) -> dict[str, Stage]:
    """Stage times between consecutive marks (the time before the first mark, Python starting and the
    sources being found, goes to the first stage); each stage's peak from the samples taken in it."""
    stages: dict[str, Stage] = {}
    named = [(t, s) for t, s in marks if s != "start"]
    if not named:
        return stages
    bounds = [0.0] + [t for t, _ in named[1:]] + [total]
    for (_, name), begin, end in zip(named, bounds, bounds[1:]):
        stage = stages.setdefault(name, Stage())
        stage.seconds += end - begin
        stage.lines += 1
        stage.peak_mb = max([stage.peak_mb] + [mb for t, mb in samples if begin <= t <= end])
    return stages


def stage_of(message: str) -> str | None:
    return next((name for name, cue in STAGE_CUES if cue.search(message)), None)


# --- the three measurements ---------------------------------------------------------------------------

def kg_build(corpus: Path, build_dir: Path, limit: float, max_mb: float) -> Run:
    return measured(KG + ["--build-dir", str(build_dir), "build", "--corpus", str(corpus)], limit, max_mb,
                    stage_of)


def catalogue_queries(build_dir: Path, limit: float, max_mb: float) -> Run:
    """Every catalogue query in a process of its own (see --run-queries); the timings come back as JSON."""
    result = build_dir.parent / "queries.json"
    run = measured([sys.executable, __file__, "--run-queries", str(build_dir), "--result", str(result)],
                   limit, max_mb)
    if result.exists() and not run.failed:
        times = json.loads(result.read_text("utf-8"))
        slowest = max(times, key=lambda n: times[n]["seconds"])
        run.details.update(queries=len(times), slowest=f"{slowest} {times[slowest]['seconds']:.1f} s",
                           per_query={n: round(t["seconds"], 2) for n, t in times.items()})
        stopped = [n for n, t in times.items() if t["stopped"]]
        if stopped:
            run.details[f"stopped at {QUERY_LIMIT} s"] = ", ".join(stopped)
    return run


def run_queries(build_dir: Path) -> dict[str, dict]:
    """In the measured child: each query in a forked process, stopped after QUERY_LIMIT seconds (a query
    the store's planner gets wrong must not hide the others)."""
    import multiprocessing as mp

    from kg.catalogue import load_catalogue
    from kg.settings import load_settings

    times = {}
    for name, query in load_catalogue(load_settings().queries).items():
        receive, send = mp.Pipe(duplex=False)
        child = mp.get_context("fork").Process(target=_one_query, args=(build_dir, query, send))
        started = time.perf_counter()
        child.start()
        rows = receive.recv() if receive.poll(QUERY_LIMIT) else None
        child.kill()
        child.join()
        times[name] = {"seconds": min(QUERY_LIMIT, time.perf_counter() - started), "rows": rows,
                       "stopped": rows is None}
    return times


def _one_query(build_dir: Path, query, send) -> None:
    from kg.query import bind_parameters, run_query
    from kg.store import open_store

    result = run_query(open_store(build_dir / "store"), query.text, bind_parameters(query, {}))
    send.send(sum(1 for _ in result) if hasattr(result, "__iter__") else 1)


def change_one_document(corpus: Path) -> Path:
    """Move a deadline month in the middle plan of the corpus (its bytes, hence its SHA-256, change)."""
    from kg.sources import decode

    files = sorted(corpus.glob("*.txt"))
    path = files[len(files) // 2]
    text, encoding = decode(path.read_bytes(), str(path))
    for old, new in (("12月底前", "11月底前"), ("全年工作", "12月底前"), ("月底前", "月中旬前")):
        if old in text:
            text = text.replace(old, new, 1)
            break
    else:
        text += "\n"
    path.write_bytes(text.encode(encoding))
    return path


# --- one size, and the table ------------------------------------------------------------------------------

def settle(drop_caches: bool) -> None:
    """Write dirty pages out, and with ``drop_caches`` empty the page cache (the module docstring says why)."""
    os.sync()
    if drop_caches:
        try:
            Path("/proc/sys/vm/drop_caches").write_text("3\n")
        except OSError as error:
            print(f"  (page cache not dropped: {error.strerror})", file=sys.stderr, flush=True)


def bench_size(n: int, seed: int, work: Path, limit: float, max_mb: float, drop_caches: bool = False) -> dict:
    from bench.corpus import generate

    corpus, build_dir = work / f"corpus-{n}", work / f"build-{n}" / "build"
    shutil.rmtree(build_dir.parent, ignore_errors=True)  # the first build is a cold one: no previous build, no cache
    started = time.perf_counter()
    specs = generate(n, seed, corpus)
    size = sum((corpus / s.file).stat().st_size for s in specs)
    print(f"\n{n} plans: {sum(s.rows for s in specs)} requirement rows, {size / 1e6:.1f} MB of text "
          f"(generated in {time.perf_counter() - started:.1f} s) → {corpus}", flush=True)
    settle(drop_caches)
    runs = {"build": kg_build(corpus, build_dir, limit, max_mb)}
    _print_run("build", runs["build"], n)
    if not (runs["build"].failed or runs["build"].stopped):
        settle(drop_caches)
        runs["queries"] = catalogue_queries(build_dir, limit, max_mb)
        _print_run("queries", runs["queries"], n)
        changed = change_one_document(corpus)
        settle(drop_caches)
        runs["rebuild"] = kg_build(corpus, build_dir, limit, max_mb)
        runs["rebuild"].details["changed"] = changed.name
        _print_run("rebuild", runs["rebuild"], n)
    return {"plans": n, "requirements": sum(s.rows for s in specs), "MB": size / 1e6,
            "runs": {name: asdict(run) for name, run in runs.items()}}


def _print_run(name: str, run: Run, n: int) -> None:
    print(f"  {name:<9} {_cell(run.seconds, run.peak_mb, n, run.stopped or run.failed)}", flush=True)
    for stage, measured_stage in run.stages.items():
        print(f"    {stage:<9} {_cell(measured_stage.seconds, measured_stage.peak_mb, n)}", flush=True)
    details = {k: v for k, v in run.details.items() if k not in ("stdout", "per_query")}
    if details:
        print(f"    {details}", flush=True)
    if run.failed:
        print(f"    FAILED:\n{run.failed}", file=sys.stderr, flush=True)


def _cell(seconds: float, peak: float, n: int, problem: str = "") -> str:
    mark = f"  STOPPED/FAILED ({problem[:60]})" if problem else ""
    return f"{seconds:9.1f} s {seconds / n * 1000:8.1f} ms/plan  peak {peak:6.0f} MB{mark}"


def print_table(sizes: list[dict]) -> None:
    """Seconds, ms per plan and peak MB per stage and size. '>' marks a lower bound (something stopped)."""
    print(f"\n{'':<16}" + "".join(f"{str(s['plans']) + ' plans: s':>16}{'ms/plan':>10}{'peak MB':>10}"
                                   for s in sizes))
    rows = [(f"  {stage}", "build", stage) for stage in BUILD_STAGES]
    rows += [("kg build", "build", None), ("queries", "queries", None), ("end to end", None, None),
             ("rebuild (1 doc)", "rebuild", None)]
    for label, run_name, stage in rows:
        cells = []
        for size in sizes:
            runs, n = size["runs"], size["plans"]
            picked = [runs[r] for r in (("build", "queries") if run_name is None else (run_name,)) if r in runs]
            if stage is not None:
                picked = [dict(r["stages"][stage], stopped="", failed="") for r in picked if stage in r["stages"]]
            if not picked:
                cells.append(f"{'–':>16}{'':>20}")
                continue
            seconds = sum(r["seconds"] for r in picked)
            bounded = any(r["stopped"] or r["failed"] or any(k.startswith("stopped at") for k in
                                                              r.get("details", {})) for r in picked)
            peak = max(r["peak_mb"] for r in picked)
            cells.append(f"{'>' if bounded else ' ':>4}{seconds:11.1f}s{seconds / n * 1000:10.1f}{peak:10.0f}")
        print(f"{label:<16}" + "".join(cells))
    print(f"targets at 3,200 plans: end to end ≤ {TARGET_SECONDS} s, peak ≤ {TARGET_MB} MB. '>': a lower bound "
          "(the build was stopped, or a query was).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000", help="comma-separated numbers of plans")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default .build-bench-national/)")
    parser.add_argument("--limit", type=float, default=1800, help="seconds a build may run before it is stopped")
    parser.add_argument("--max-mb", type=float, default=8192, help="MB a build may use before it is stopped")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and builds")
    parser.add_argument("--drop-caches", action="store_true",
                        help="empty the page cache before each measured run (needs root; see above)")
    parser.add_argument("--run-queries", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_queries:  # the measured child of catalogue_queries
        args.result.write_text(json.dumps(run_queries(args.run_queries), ensure_ascii=False), "utf-8")
        return
    work = args.work or PROJECT / ".build-bench-national"
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    try:
        for n in sizes:
            results.append(bench_size(n, args.seed, work, args.limit, args.max_mb, args.drop_caches))
            (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    finally:
        if results:
            print_table(results)
        if not args.keep:
            for n in sizes:
                shutil.rmtree(work / f"corpus-{n}", ignore_errors=True)
                shutil.rmtree(work / f"build-{n}", ignore_errors=True)


if __name__ == "__main__":
    main()
