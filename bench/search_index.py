"""Time and peak memory of the site's search index (kg.search) for one built store: `python bench/search_index.py
--build DIR --site OUT` (OUT gets OUT/search-index/; the build folder is only read)."""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from kg.pages import SiteModel
from kg.search import INDEX_DIR, entries, write_index
from kg.settings import load_settings
from kg.store import open_store


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=Path, required=True, help="a build folder with store/")
    parser.add_argument("--site", type=Path, required=True, help="where to write search-index/")
    parser.add_argument("--templates", type=Path, help="another site/ folder (its queries/), e.g. with a fix")
    args = parser.parse_args()
    settings = load_settings(build=args.build, site_templates=args.templates)
    started = time.perf_counter()
    model = SiteModel(open_store(args.build / "store"), settings, build_dir=args.build, site_dir=args.site)
    rows = model.facts.rows
    for name in ("labels", "plans", "agencies", "documents", "requirements"):
        rows(name) if name != "labels" else model.labels
    queried = time.perf_counter()
    print(f"model and page queries (shared with the site render): {queried - started:.1f} s, "
          f"peak {peak_mb():.0f} MB")
    folder = args.site / INDEX_DIR
    if folder.exists():
        raise SystemExit(f"{folder} exists")
    args.site.mkdir(parents=True, exist_ok=True)
    meta = write_index(folder, entries(model))
    done = time.perf_counter()
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    files = sum(1 for _ in folder.rglob("*.json"))
    print(f"index: {meta['docs']} pages {meta['counts']}, {meta['postings']} postings, {meta['termShards']} "
          f"term shards; {files} files, {size / 1e6:.0f} MB; {done - queried:.1f} s; peak {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
