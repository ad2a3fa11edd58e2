"""Lifting speed: MB/s of source text for the whole corpus, beside the floor (read + split into lines).

Run: .venv/bin/python bench/lift.py [--repeat N] [CORPUS]. Prints a ratio; no pass/fail (target ≥ 5 MB/s per core).

Each timed pass starts with the memos of kg.parse / kg.normalise emptied (the bounded lru_caches that
remember cell and heading texts), as for a corpus never seen; the rule files stay loaded (functools.cache).
A second line shows the same passes with the memos kept warm, as when the same plans are lifted again.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kg.lift import lift_document
from kg.sources import find_sources, read_source


def _floor(paths: list[Path]) -> int:
    size = 0
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        size += len(text.encode("utf-8"))
        text.split("\n")
    return size


def _lift(paths: list[Path]) -> int:
    size = 0
    for path in paths:
        doc = read_source(path)
        lift_document(doc)
        size += doc.size
    return size


def _memo_clearers() -> list[Callable[[], None]]:
    """``cache_clear`` of each text memo of the lifter: the bounded lru_caches of kg.parse / kg.normalise
    (the rule-file loaders are unbounded ``functools.cache``s and stay warm)."""
    clearers = []
    for name, module in list(sys.modules.items()):
        if name.startswith(("kg.parse.", "kg.normalise.")):
            for value in vars(module).values():
                parameters = getattr(value, "cache_parameters", None)
                if parameters is not None and parameters()["maxsize"]:
                    clearers.append(value.cache_clear)
    return clearers


def _time(fn: Callable[[list[Path]], int], paths: list[Path], repeat: int,
          before: Callable[[], None] = lambda: None) -> tuple[float, float, int]:
    """Best wall-clock and best CPU seconds of ``repeat`` runs (CPU time is steadier on a busy machine)."""
    best = best_cpu = float("inf")
    size = 0
    for _ in range(repeat):
        before()
        start, start_cpu = time.perf_counter(), time.process_time()
        size = fn(paths)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    return best, best_cpu, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parent.parent / "corpus"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = find_sources(Path(args.corpus))
    _lift(paths)  # load the rule files, pinyin tables
    clearers = _memo_clearers()

    def forget() -> None:
        for clear in clearers:
            clear()

    floor_s, _, size = _time(_floor, paths, args.repeat)
    lift_s, lift_cpu, _ = _time(_lift, paths, args.repeat, before=forget)
    warm_s, _, _ = _time(_lift, paths, args.repeat)
    mb = size / 1e6
    print(f"corpus: {len(paths)} documents, {mb:.3f} MB")
    print(f"floor (read + split lines): {floor_s * 1000:8.2f} ms  {mb / floor_s:8.1f} MB/s")
    print(f"lift (parse + normalise):   {lift_s * 1000:8.2f} ms  {mb / lift_s:8.1f} MB/s  (one core; "
          f"CPU {lift_cpu * 1000:.2f} ms)")
    print(f"lift, memos warm:           {warm_s * 1000:8.2f} ms  {mb / warm_s:8.1f} MB/s  "
          f"({len(clearers)} memos)")
    print(f"ratio lift/floor: {lift_s / floor_s:.1f}x   target ≥ 5 MB/s per core: "
          f"{'met' if mb / lift_s >= 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
