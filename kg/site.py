"""Write the static site (build/site/): every page with its RDF alternates, dumps, VoID, sitemap, search.

A rebuild after a few documents changed starts from the previous build's site, hard-linked file by file,
and re-renders only the pages the change affects (kg.pages.affected) and those about the whole build
(home, dataset, sitemap, VoID, search index, dumps, validation copies). The previous build stays live
while this one is assembled, so a linked file is never written in place: a name already there is
unlinked and the file created anew.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import resource
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, unescape

import pyoxigraph as ox
from jinja2 import Environment

from kg import delta as deltas
from kg.delta import BuildDelta
from kg.errors import KgError
from kg.files import link_or_copy
from kg.forking import beside
from kg.pages import RDF_FORMATS, SiteModel, serialise
from kg.pages.affected import affected_pages, relabelled, row_digests
from kg.pages.claims import Claims
from kg.pages.model import canonical_blanks, page_facts
from kg.pages.paths import RDF_SUFFIXES, file_for
from kg.pages.plan_quads import SPLIT_DIR, PlanQuads
from kg.pages.validation import changed_plan_entries
from kg.search import INDEX_DIR, build_search_index
from kg.render import environment, render_page, templates_dir
from kg.settings import Settings
from kg.incremental import CACHE_DIR
from kg.memory import collector_paused, trim_heap
from kg.store import open_store
from kg.validate import QUALITY_FILE
from kg.vocab import Minter

Progress = Callable[[str], None]

# Kinds whose pages describe one resource, so they get .ttl/.nt/.jsonld/.rdf files beside the .html.
DESCRIBED_KINDS = ("plan", "requirement", "agency", "document", "type", "region", "resource", "dataset")
DUMPS = {"graph.ttl": "graph.ttl", "graph.jsonld": "graph.jsonld", "graph.trig": "graph.trig"}
GZIP_LEVEL = 3  # graph.nt.gz: within 20 % of level 6 in size, at half its time
CHUNK = 1 << 20
SITEMAP = "sitemap.xml"
ROWS = "site-rows.json"  # beside site/: each requirement row's digest, which the next build compares
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
STATIC_SKIP = ("yasgui",)  # the SPARQL UI's vendored files: the static site has no endpoint
REPORT_SITE_LINK = re.compile(rb'\b(href|src)="\.\./site/')


@dataclass
class SiteSummary:
    """What `kg site` wrote."""

    out: Path | None
    pages: dict[str, int] = field(default_factory=dict)  # HTML pages by kind
    rdf_files: int = 0
    bytes: int = 0  # written by this build (files linked from the previous build's site are not counted)
    seconds: float = 0.0  # rendering pages and alternates (the benchmark's figure)
    search: str = "not built"
    reused: int = 0  # pages (and their alternates) linked from the previous build's site unchanged
    rendered_by_kind: dict[str, int] = field(default_factory=dict)
    incremental: bool = False  # started from the previous build's site
    cpu_seconds: float = 0.0  # the whole step, rendering workers included (`kg build`)

    @property
    def rendered(self) -> int:
        return self.total_pages - self.reused

    @property
    def total_pages(self) -> int:
        return sum(self.pages.values())

    def __str__(self) -> str:
        """The build summary's line."""
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.pages.items())
        again = ", ".join(f"{n} {kind}" for kind, n in self.rendered_by_kind.items())
        how = (f"{self.rendered} re-rendered ({again}), {self.reused} reused from the previous build"
               if self.incremental else "all rendered")
        return f"{self.total_pages} pages ({kinds}); {how}; search: {self.search}; {self.cpu_seconds:.1f} CPU s"

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.pages.items())
        rate = self.total_pages / self.seconds if self.seconds else 0.0
        return [f"  site: {self.total_pages} pages ({kinds}); {self.rendered} rendered, {self.reused} reused",
                f"  {self.rdf_files} RDF alternates; {self.bytes / 1e6:.1f} MB written → {self.out}",
                f"  rendered in {self.seconds:.2f} s ({rate:.0f} pages/s); search: {self.search}"]


@dataclass(frozen=True)
class SiteUpdate:
    """What an incremental site starts from: the previous build's site, and what changed since."""

    previous: Path  # the previous build's site/ (live: never written)
    plans: frozenset[str]  # slugs of the changed, added and removed plans
    touched: frozenset[str]  # IRIs whose quads changed (kg.delta)
    relabelled: frozenset[str]  # IRIs whose label changed
    validated: frozenset[str]  # plans whose validation summary entry changed
    rows: dict[str, str] | None  # the previous build's requirement row digests (kg.pages.affected)


def render_site(build_dir: Path, settings: Settings, progress: Progress = lambda _: None,
                search: bool = True, update: SiteUpdate | None = None) -> SiteSummary:
    """Render build_dir/site/ from build_dir/store; the new site replaces the old one only when complete.
    With ``update``, start from the previous site and re-render only the pages the change affects."""
    store = open_store(build_dir / "store")
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=build_dir))
    try:
        if update is not None:
            progress("linking the previous build's site")
            _link_tree(update.previous, tmp)
        summary = _write(store, build_dir, tmp, settings, progress, search, update)
        target = build_dir / "site"
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary.out = target
    return summary


def build_step(build_dir: Path, settings: Settings, plans: list, progress: Progress,
               delta: BuildDelta | None = None) -> dict[str, object]:
    """`kg build`'s site step (for kg.pipeline.register_post_build; register it after validation, whose
    reports the site publishes): render the site into the build folder being assembled, from the previous
    build's site when the delta allows it."""
    started = _cpu_seconds()
    update = site_update(build_dir, settings, plans, delta)
    summary = render_site(build_dir, settings, progress, update=update)
    summary.incremental, summary.cpu_seconds = update is not None, _cpu_seconds() - started
    return {"site": summary}


def site_update(build_dir: Path, settings: Settings, plans: list, delta: BuildDelta | None) -> SiteUpdate | None:
    """How to start from the previous build's site, or None when the site must be rendered in full: no
    delta or one that cannot be trusted, the site's own inputs changed, or no previous site."""
    previous = settings.build / "site"
    if delta is None or delta.full("site") or not (previous / SITEMAP).is_file():
        return None
    return SiteUpdate(previous=previous, plans=delta.plans, touched=delta.touched,
                      relabelled=frozenset(_relabelled(build_dir, settings, plans, delta)),
                      validated=frozenset(changed_plan_entries(settings.build / "validation",
                                                               build_dir / "validation")),
                      rows=_read_rows(settings.build / ROWS))


def _read_rows(path: Path) -> dict[str, str] | None:
    try:
        rows = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return rows if isinstance(rows, dict) else None


def _relabelled(build_dir: Path, settings: Settings, plans: list, delta: BuildDelta) -> set[str]:
    """The IRIs whose label changed in a changed plan's N-Quads (the cache entries kg.delta compares)."""
    old = deltas.previous_plans(settings.build) or {}
    new = {plan.slug: plan.sha256 for plan in plans}
    lines: set[bytes] = set()
    for slug in delta.plans:
        before, after = (deltas.plan_entry(cache, shas[slug], slug, settings.base).read_bytes()
                         if slug in shas else b""
                         for cache, shas in ((settings.build / CACHE_DIR, old), (build_dir / CACHE_DIR, new)))
        lines |= deltas.canonical_lines(before) ^ deltas.canonical_lines(after)
    return relabelled(lines)


def _cpu_seconds() -> float:
    """CPU time of this process and its waited-for children (the rendering workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _write(store: ox.Store, build_dir: Path, out: Path, settings: Settings, progress: Progress,
           search: bool, update: SiteUpdate | None = None) -> SiteSummary:
    summary = SiteSummary(out=out)
    if update is None:  # else linked: the templates (and so the static files) did not change
        _copy_static(settings.site_templates / "static", out / "static")
        summary.bytes += _folder_bytes(out / "static")
    packing = _write_dumps(build_dir, out / "dumps")
    plans = None
    try:
        plans = _plan_quads(build_dir, settings.base, progress)
        progress("running the page queries")
        facts = page_facts(store, settings)
        with collector_paused():
            facts.prefetch(build_dir / "store", settings.workers, plans)
        model = SiteModel(store, settings, build_dir=build_dir, site_dir=out, facts=facts)
        model.plan_quads = plans
        summary.bytes += _copy_sources(model, out)
        workers, described, rows = settings.workers, frozenset[str](), None
        if update is not None:
            affected = affected_pages(model, update.plans, update.touched, update.relabelled, update.validated,
                                      update.rows)
            model.only, described, rows = affected.pages, affected.described, affected.rows
            _remove_gone_pages(model, out)
            workers = 1 if len(model.only) < 2000 else workers  # forking costs more than a few pages
        progress("rendering pages" + (f" ({len(model.only)} of {len(model.page_iris())} re-rendered)"
                                      if model.only is not None else ""))
        started = time.perf_counter()

        def first() -> None:
            """What needs no page, done by this process while the other renderers take the pages."""
            _copy_validation(build_dir / "validation", out / "validation")
            summary.bytes += _folder_bytes(out / "validation")
            if search:
                progress("indexing for search")
                summary.search = build_search_index(out, model)
                summary.bytes += _folder_bytes(out / INDEX_DIR)
                trim_heap()  # its postings let go, before this process renders

        written = _render_pages(model, build_dir / "store", out, workers, first)
        rows = written.rows if rows is None else rows  # a whole site: each renderer's requirements
        alone = _write_descriptions(model, described, out)
        rendered, summary.rdf_files = written.pages, written.rdf_files + alone.rdf_files
        summary.bytes += written.bytes + alone.bytes
        summary.seconds = time.perf_counter() - started
        summary.pages = {kind: len(model.paths_of(kind)) for kind in model.kinds}
        summary.reused = summary.total_pages - sum(rendered.values())
        summary.rendered_by_kind = {kind: n for kind, n in rendered.items() if n}
        model.only = None
        _write_text(build_dir / ROWS, json.dumps(rows, separators=(",", ":"), sort_keys=True))
    finally:
        if plans is not None:
            plans.close()
        packing.join()
    if packing.error is not None:
        raise packing.error
    summary.bytes += _folder_bytes(out / "dumps")
    dataset = str(Minter(settings.base).dataset())
    summary.bytes += _write_rdf(model.description(dataset), out / "void.ttl")
    summary.bytes += _write_ontology(settings.ontology, out)
    summary.bytes += _write_sitemap(model, out)
    robots = f"User-agent: *\nAllow: /\nSitemap: {model.paths.base}sitemap.xml\n"
    summary.bytes += _write_text(out / "robots.txt", robots)
    return summary


def _folder_bytes(folder: Path) -> int:
    """The size of the files under a folder the site copied whole (static files, reports, dumps, index)."""
    total = 0
    for here, _, files in os.walk(folder):
        total += sum(os.stat(os.path.join(here, name)).st_size for name in files)
    return total


@dataclass
class Written:
    """What a rendering worker wrote: pages by kind, RDF alternates, and their bytes (counted as written,
    not by walking the site afterwards: at national scale it has over half a million files)."""

    pages: dict[str, int] = field(default_factory=dict)
    rdf_files: int = 0
    bytes: int = 0
    rows: dict[str, str] = field(default_factory=dict)  # a whole site's: its requirements' row digests


def _render_pages(model: SiteModel, store_path: Path, out: Path, workers: int,
                  first: Callable[[], None] = lambda: None) -> Written:
    """Every page and its RDF alternates, rendered by this process and a forked process per further worker,
    which share the pages out as they go (kg.pages.claims): this process does ``first`` (work that needs
    no page), and meanwhile the others take the pages it would have. A forked renderer ends up copying most
    of the model it reads (reading an object writes its reference count), so this process renders too
    rather than wait beside a third copy."""
    _prepare(model)
    claims = model.share_pages(max(1, workers))
    if claims is None:
        first()
        return _render_taken(model, store_path, out, None, reopen=False)

    def first_then_render() -> Written:
        first()
        return _render_taken(model, store_path, out, claims, reopen=False)

    try:  # the forked renderers inherit the model (never pickled); one killed (for memory) is an error
        here, forked = beside(first_then_render,
                              lambda renderer: _render_taken(model, store_path, out, claims.for_renderer(renderer)),
                              range(1, workers))
    finally:
        model.claims, model.keep_described = None, True
    total = Written(pages={kind: 0 for kind in model.kinds})
    for written in (here, *forked):
        for kind, n in written.pages.items():
            total.pages[kind] += n
        total.rdf_files += written.rdf_files
        total.bytes += written.bytes
        total.rows.update(written.rows)
    return total


def _prepare(model: SiteModel) -> None:
    """Make the lookups the builders share once, before the workers fork (the page queries have run:
    Facts.prefetch)."""
    from kg.pages.requirements import requirement_index

    with collector_paused():
        requirement_index(model)
        _ = model.labels, model.sources
        for kind in model.kinds:  # the first page of each kind makes the lookups its builder memoises
            next(model.iter_contexts(kind), None)


def _render_taken(model: SiteModel, store_path: Path, out: Path, claims: Claims | None,
                  reopen: bool = True) -> Written:
    """The pages this renderer takes (`claims`; None: every page), each written with its alternates as soon
    as it is rendered (none is kept)."""
    if reopen:  # a forked process opens the store anew rather than share the parent's handle
        model.store = model.facts.store = open_store(store_path)
    model.claims, model.keep_described = claims, False
    env = environment(templates_dir(model.settings.site_templates))
    written = _render_kinds(model, env, out)
    if model.only is None:  # a whole site: the digests the next build compares (3 s at 1,000 plans), in parallel
        written.rows = row_digests(model)
    return written


def _plan_quads(build: Path, base: str, progress: Progress) -> PlanQuads | None:
    """Each plan's quads, for the plan-scoped page queries and describing requirements
    (kg.pages.plan_quads): split by `kg build` beside validation, with the quality graph added here, or
    split here; None when the build has no graph.nq (both then read the store)."""
    quality = [q for q in [build / "validation" / QUALITY_FILE] if q.is_file()]
    prepared = PlanQuads.prepared(build / SPLIT_DIR, base)
    if prepared is not None:
        progress("adding the quality graph to the quads split by plan")
        prepared.add(quality)
        return prepared
    if not (build / "graph.nq").is_file():
        return None
    progress("splitting the quads by plan")
    return PlanQuads.split([build / "graph.nq", *quality], base, build)


def _render_kinds(model: SiteModel, env: Environment, out: Path) -> Written:
    """Every page this renderer takes, kind by kind."""
    written, kept = Written(), model.fragments if model.fragments is not None else {}
    for kind in model.kinds:
        model.rendering = kind
        # rendered rows are kept within a kind whose pages repeat them, and let go after it: at 1,000 plans
        # a renderer that kept them for every kind grew by 200 MB at the plan pages alone (65,000 rows)
        model.fragments = kept if model.kinds[kind].rows_repeat else None
        count = 0
        for context in model.iter_contexts(kind):
            if context.get("pager", {}).get("n") == 1:  # the listing may have had more pages before
                _remove_listing_pages(out, context["path"])
            html = render_page(env, context).encode("utf-8")
            written.bytes += _write_bytes(out / file_for(context["path"]), html)
            if context.get("subpage"):
                continue  # a further page of a listing: no resource, no alternates of its own
            count += 1
            if kind in DESCRIBED_KINDS and model.rdf_suffixes:
                triples = model.description(context["iri"])
                for suffix in model.rdf_suffixes:
                    written.bytes += _write_rdf(triples, out / file_for(context["path"], suffix))
                    written.rdf_files += 1
        written.pages[kind] = count
        kept.clear()
        trim_heap()  # the rows let go: else kept by the C allocator for the rest of the rendering
    model.fragments = kept
    return written


def _write_descriptions(model: SiteModel, iris: frozenset[str], out: Path) -> Written:
    """The RDF alternates alone of these IRIs' pages (an incremental site's pages whose HTML is unchanged)."""
    paths, written = model.page_iris(), Written()
    for iri in sorted(iris):
        if model.kind_of(paths[iri]) in DESCRIBED_KINDS:
            triples = model.description(iri)
            for suffix in model.rdf_suffixes:
                written.bytes += _write_rdf(triples, out / file_for(paths[iri], suffix))
                written.rdf_files += 1
    return written


def _write_text(path: Path, text: str) -> int:
    return _write_bytes(path, text.encode("utf-8"))


def _write_bytes(path: Path, data: bytes) -> int:
    """Write a new file (returning its size): one of the same name is unlinked first, as it may be a hard
    link to the previous build's (live) file, which writing in place would change. The file is created
    exclusively, so only a name already there costs an unlink (a fresh site has none: at 1,000 plans the
    unlink of every missing name cost a quarter of a million system calls)."""
    try:
        _create(path, data)
    except FileExistsError:
        path.unlink()
        _create(path, data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        _create(path, data)
    return len(data)


def _create(path: Path, data: bytes) -> None:
    """A new file of these bytes, with three system calls: open() adds fstat, ioctl and lseek, and the
    site creates ~250 files a plan (5,000 files of 8 KB, page cache dropped: 24 µs a file against 28-48)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _link_tree(source: Path, target: Path, rewritten: Callable[[Path], bytes | None] = lambda _: None) -> None:
    """Every file of ``source`` hard-linked (or copied, across disks) at the same place under ``target``;
    a file for which ``rewritten`` gives bytes is written anew with them instead. On plain strings, one
    link() a file: a previous site has ~250 files a plan, and resolving each path (an lstat a component)
    and unlinking a name not there made it 92 µs a file against 23 (256,000 files at 1,000 plans: 23.6 s
    against 6.0; ``cp -al`` takes 4.0-5.8)."""
    source_text, target_text = os.fspath(source), os.fspath(target)
    for folder, _, files in os.walk(source_text):
        here = target_text + folder[len(source_text):]
        os.makedirs(here, exist_ok=True)
        for name in files:
            old, new = os.path.join(folder, name), os.path.join(here, name)
            data = rewritten(Path(old))
            if data is None:
                link_or_copy(old, new)
            else:
                _write_bytes(Path(new), data)


def _remove_gone_pages(model: SiteModel, out: Path) -> None:
    """Delete the pages (and alternates, and further listing pages) the previous site had and this build
    has not: those of removed plans, requirements, agencies … The previous sitemap lists its pages."""
    now = {model.paths.base + path + ".html" for path in model.page_iris().values()}
    text = (out / SITEMAP).read_text("utf-8")
    emptied: set[Path] = set()
    for url in re.findall(r"<loc>([^<]*)</loc>", text):
        url = unescape(url)
        if url not in now and url.startswith(model.paths.base) and url.endswith(".html"):
            path = url[len(model.paths.base):-len(".html")]
            for suffix in (".html", *RDF_SUFFIXES):
                (out / file_for(path, suffix)).unlink(missing_ok=True)
            _remove_listing_pages(out, path)
            emptied |= {out / file_for(path, ""), (out / file_for(path, "")).parent}
    for folder in sorted(emptied, key=lambda f: -len(f.parts)):  # a removed plan's folders, deepest first
        while folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def _remove_listing_pages(out: Path, path: str) -> None:
    """The further pages of a listing (``{path}/page-2.html`` …)."""
    folder = out / file_for(path, "")
    for page in folder.glob("page-*.html"):
        page.unlink()


def _write_rdf(triples: list[ox.Triple], path: Path) -> int:
    return _write_bytes(path, serialise(triples, path.suffix))


def _copy_static(source: Path, target: Path) -> None:
    if not source.is_dir():
        raise KgError(f"{source}: the site's static folder is missing")
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*STATIC_SKIP))


class _Packing(threading.Thread):
    """Gzips the N-Triples dump beside the rendering (zlib lets go of the interpreter while it works)."""

    def __init__(self, source: Path, target: Path) -> None:
        super().__init__(name="site-dump-gzip", daemon=True)
        self.source, self.target = source, target
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with (self.source.open("rb") as raw, self.target.open("wb") as out,
                  gzip.GzipFile(fileobj=out, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as packed):
                shutil.copyfileobj(raw, packed, CHUNK)  # mtime 0: the same graph gives the same bytes
        except BaseException as error:  # handed to the caller by _write
            self.error = error


def _write_dumps(build_dir: Path, target: Path) -> _Packing:
    """The build's dumps, published: N-Triples gzipped (on a thread: join the one returned), Turtle,
    JSON-LD and TriG as written by the build (hard-linked when the site is on the same disk)."""
    shutil.rmtree(target, ignore_errors=True)  # a previous build's (linked) dumps: unlinked, not rewritten
    target.mkdir(parents=True, exist_ok=True)
    nt = build_dir / "graph.nt"
    if not nt.is_file():
        raise KgError(f"{nt}: no N-Triples dump in the build; run `kg build` first")
    for name, published in DUMPS.items():
        if (build_dir / name).is_file():
            link_or_copy((build_dir / name).resolve(), target / published)
    packing = _Packing(nt, target / "graph.nt.gz")
    packing.start()
    return packing


def _copy_sources(model: SiteModel, out: Path) -> int:
    """Each source text as UTF-8 (with a byte-order mark, so browsers pick the encoding without a header).
    A text is named by its hash, so one already there (linked from the previous site) is the same."""
    wanted = {source.site_file for source in model.sources.values() if source.path is not None}
    for old in (out / "sources").glob("*.txt"):
        if f"sources/{old.name}" not in wanted:
            old.unlink()
    written = 0
    for source in model.sources.values():
        if source.path is not None and not (out / source.site_file).is_file():
            written += _write_text(out / source.site_file, "\ufeff" + "\n".join(source.lines))
    return written


def _copy_validation(source: Path, target: Path) -> None:
    """The validation reports, published at validation/. The HTML report links pages relative to
    build/validation/ (``../site/id/…``); inside the site the same pages are at ``../id/…``, so the HTML
    is written anew, and the other files (report.ttl, .csv …: half the bytes) are linked, as validation
    writes new files rather than change them (at 1,000 plans 1.5 s against 3.0)."""
    shutil.rmtree(target, ignore_errors=True)  # the previous build's copies (linked): unlinked
    if source.is_dir():
        _link_tree(source, target, _rebased_report)


def _rebased_report(path: Path) -> bytes | None:
    """An HTML report with its links to the site's pages rebased (on bytes: no UTF-8 to decode); None for
    the other files, which are linked as they are."""
    return REPORT_SITE_LINK.sub(rb'\1="../', path.read_bytes()) if path.suffix == ".html" else None


def _write_ontology(folder: Path, out: Path) -> int:
    """ontology.ttl (and .nt/.jsonld/.rdf): every file of ontology/ merged, the ontology page's alternates."""
    triples: list[ox.Triple] = []
    for path in sorted(folder.glob("*.ttl")):
        triples.extend(q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    triples = canonical_blanks(triples)
    return sum(_write_rdf(triples, out / f"ontology{suffix}") for suffix in RDF_FORMATS)


def _write_sitemap(model: SiteModel, out: Path) -> int:
    """sitemap.xml: absolute URLs under the configured base (the sitemap protocol wants them absolute)."""
    urls = [model.paths.base + path + ".html" for kind in model.kinds for path in model.paths_of(kind)]
    body = "\n".join(f"  <url><loc>{escape(u)}</loc></url>" for u in urls)
    return _write_text(out / SITEMAP, '<?xml version="1.0" encoding="UTF-8"?>\n'
                               f'<urlset xmlns="{SITEMAP_NS}">\n'
                               f"{body}\n</urlset>\n")
