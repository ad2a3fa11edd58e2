"""Static-site speed and size: pages per second (target ≥ 1,000) and what build/site/ weighs.

Run: .venv/bin/python bench/site.py [--repeat N] [--build-dir DIR] [--rdf ttl,nt] [--workers N]. Without --build-dir the corpus is built
into a scratch folder beside the project (gitignored .build-bench-*), because file creation in /tmp can be far
slower than the disk the site is published from. Prints figures; no pass/fail.

Three rates are given, each over the same HTML pages:
  templates  — rendering the page contexts with the compiled templates (in memory);
  in memory  — everything from the store: page queries, contexts, templates and RDF alternates;
  to disk    — `render_site` without the search index: the above plus writing every file, in the
               configured number of worker processes (settings.workers), with the RDF alternates of
               settings.site_rdf (--rdf; "" for none).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from kg.pages import SiteModel, serialise
from kg.pipeline import build
from kg.render import environment, render_page, templates_dir
from kg.settings import PROJECT_ROOT, Settings, load_settings
from kg.site import DESCRIBED_KINDS, build_search_index, render_site
from kg.store import open_store


def _in_memory(settings: Settings) -> tuple[float, float, int]:
    """(seconds for everything in memory, seconds for the templates alone, pages)."""
    store = open_store(settings.store_path)
    env = environment(templates_dir(settings.site_templates))
    started = time.perf_counter()
    model = SiteModel(store, settings)
    contexts = [c for kind in model.kinds for c in model.contexts(kind)]
    templates = 0.0
    for context in contexts:
        t = time.perf_counter()
        render_page(env, context)
        templates += time.perf_counter() - t
        if context["kind"] in DESCRIBED_KINDS:
            triples = model.description(context["iri"])
            for suffix in model.rdf_suffixes:
                serialise(triples, suffix)
    return time.perf_counter() - started, templates, len(contexts)


def _sizes(site: Path) -> Counter:
    parts: Counter = Counter()
    for path in site.rglob("*"):
        if path.is_file():
            top = path.relative_to(site).parts[0]
            part = top if top in ("dumps", "search-index", "sources", "static", "validation") else path.suffix or "other"
            parts[part] += path.stat().st_size
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, default=None, help="an existing build (with store/)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rdf", default=None, help="RDF alternates to write (settings.site_rdf), e.g. ttl")
    parser.add_argument("--workers", type=int, default=None, help="rendering processes (settings.workers)")
    args = parser.parse_args()
    scratch = None
    overrides = {"site_rdf": args.rdf, "workers": args.workers}
    if args.build_dir is None:
        scratch = Path(tempfile.mkdtemp(prefix=".build-bench-", dir=PROJECT_ROOT))
        settings = load_settings(build=scratch / "build", **overrides)
        print(f"building the corpus into {settings.build} …")
        build(settings)
    else:
        settings = load_settings(build=args.build_dir, **overrides)
    try:
        _in_memory(settings)  # warm: imports, compiled templates, pinyin tables
        memory = min((_in_memory(settings) for _ in range(args.repeat)), key=lambda r: r[0])
        disk = min((render_site(settings.build, settings, search=False) for _ in range(args.repeat)),
                   key=lambda s: s.seconds)
        started = time.perf_counter()
        search = build_search_index(settings.build / "site")
        search_s = time.perf_counter() - started
        total, templates, pages = memory
        print(f"pages: {disk.total_pages}  ({', '.join(f'{n} {k}' for k, n in disk.pages.items())})")
        print(f"RDF alternates: {disk.rdf_files}")
        print(f"templates : {templates * 1000:8.1f} ms  {pages / templates:8.0f} pages/s")
        print(f"in memory : {total * 1000:8.1f} ms  {pages / total:8.0f} pages/s  "
              "(queries, contexts, templates, RDF)")
        print(f"to disk   : {disk.seconds * 1000:8.1f} ms  {disk.total_pages / disk.seconds:8.0f} pages/s  "
              f"(+ writing {disk.total_pages + disk.rdf_files} files)")
        print(f"search index: {search_s:.1f} s ({search})")
        sizes = _sizes(settings.build / "site")
        print(f"site size: {sum(sizes.values()) / 1e6:.1f} MB  "
              + ", ".join(f"{part} {size / 1e6:.1f} MB" for part, size in sizes.most_common()))
        print(f"target ≥ 1,000 pages/s: templates {'met' if pages / templates >= 1000 else 'NOT met'}, "
              f"in memory {'met' if pages / total >= 1000 else 'NOT met'}, "
              f"to disk {'met' if disk.total_pages / disk.seconds >= 1000 else 'NOT met'}")
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
