"""Write the static site (build/site/): every page with its RDF alternates, dumps, VoID, sitemap, search."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox

from kg.errors import KgError
from kg.pages import RDF_FORMATS, SiteModel, serialise
from kg.pages.paths import file_for
from kg.render import environment, render_page, templates_dir
from kg.settings import Settings
from kg.store import open_store
from kg.vocab import Minter

Progress = Callable[[str], None]

# Kinds whose pages describe one resource, so they get .ttl/.nt/.jsonld/.rdf files beside the .html.
DESCRIBED_KINDS = ("plan", "requirement", "agency", "document", "type", "region", "resource", "dataset")
DUMPS = {"graph.ttl": "graph.ttl", "graph.jsonld": "graph.jsonld", "graph.trig": "graph.trig"}
PAGEFIND = "pagefind@1.6.0"  # npm package; its binary comes from a platform package of the same registry
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
STATIC_SKIP = ("yasgui",)  # the SPARQL UI's vendored files: the static site has no endpoint
REPORT_SITE_LINK = re.compile(r'\b(href|src)="\.\./site/')


@dataclass
class SiteSummary:
    """What `kg site` wrote."""

    out: Path | None
    pages: dict[str, int] = field(default_factory=dict)  # HTML pages by kind
    rdf_files: int = 0
    bytes: int = 0
    seconds: float = 0.0  # rendering pages and alternates (the benchmark's figure)
    search: str = "not built"

    @property
    def total_pages(self) -> int:
        return sum(self.pages.values())

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.pages.items())
        rate = self.total_pages / self.seconds if self.seconds else 0.0
        return [f"  site: {self.total_pages} pages ({kinds})",
                f"  {self.rdf_files} RDF alternates; {self.bytes / 1e6:.1f} MB → {self.out}",
                f"  rendered in {self.seconds:.2f} s ({rate:.0f} pages/s); search: {self.search}"]


class FileWriter:
    """Writes files on a few threads: creating thousands of small files is I/O-bound, rendering is not."""

    def __init__(self, threads: int = 4) -> None:
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="site-writer")
        self.folders: set[Path] = set()
        self.pending: list[Future] = []

    def _folder(self, path: Path) -> None:
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)

    def text(self, path: Path, text: str) -> None:
        self._folder(path)
        self.pending.append(self.pool.submit(path.write_bytes, text.encode("utf-8")))

    def rdf(self, path: Path, triples: list[ox.Triple]) -> None:
        """Serialised on the writing thread as well, off the rendering loop."""
        self._folder(path)
        self.pending.append(self.pool.submit(_write_rdf, triples, path))

    def close(self) -> None:
        """Wait for every write; the first failure is raised."""
        try:
            for future in self.pending:
                future.result()
        finally:
            self.pool.shutdown(wait=True)


def render_site(build_dir: Path, settings: Settings, progress: Progress = lambda _: None,
                search: bool = True) -> SiteSummary:
    """Render build_dir/site/ from build_dir/store; the new site replaces the old one only when complete."""
    store = open_store(build_dir / "store")
    tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=build_dir))
    try:
        summary = _write(store, build_dir, tmp, settings, progress, search)
        target = build_dir / "site"
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary.out = target
    summary.bytes = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    return summary


def build_step(build_dir: Path, settings: Settings, plans: list, progress: Progress) -> dict[str, object]:
    """`kg build`'s site step (for kg.pipeline.register_post_build; register it after validation, whose
    reports the site publishes): render the site into the build folder being assembled."""
    summary = render_site(build_dir, settings, progress)
    kinds = ", ".join(f"{n} {kind}" for kind, n in summary.pages.items())
    return {"site": f"{summary.total_pages} pages ({kinds}); search: {summary.search}"}


def _write(store: ox.Store, build_dir: Path, out: Path, settings: Settings, progress: Progress,
           search: bool) -> SiteSummary:
    summary = SiteSummary(out=out)
    _copy_static(settings.site_templates / "static", out / "static")
    _write_dumps(build_dir, out / "dumps")
    model = SiteModel(store, settings, build_dir=build_dir, site_dir=out)
    _copy_sources(model, out)
    _copy_validation(build_dir / "validation", out / "validation")
    progress("rendering pages")
    started = time.perf_counter()
    env = environment(templates_dir(settings.site_templates))
    writer = FileWriter()
    try:
        for kind in model.kinds:
            contexts = model.contexts(kind)
            for context in contexts:
                writer.text(out / file_for(context["path"]), render_page(env, context))
                if kind in DESCRIBED_KINDS:
                    triples = model.description(context["iri"])
                    for suffix in RDF_FORMATS:
                        writer.rdf(out / file_for(context["path"], suffix), triples)
                        summary.rdf_files += 1
            summary.pages[kind] = len(contexts)
    finally:
        writer.close()
    summary.seconds = time.perf_counter() - started
    dataset = str(Minter(settings.base).dataset())
    _write_rdf(model.description(dataset), out / "void.ttl")
    _write_ontology(settings.ontology, out)
    _write_sitemap(model, out)
    robots = f"User-agent: *\nAllow: /\nSitemap: {model.paths.base}sitemap.xml\n"
    (out / "robots.txt").write_text(robots, "utf-8")
    if search:
        progress("indexing for search (pagefind)")
        summary.search = build_search_index(out)
    return summary


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, "utf-8")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


def _write_rdf(triples: list[ox.Triple], path: Path) -> None:
    data = serialise(triples, path.suffix)
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _copy_static(source: Path, target: Path) -> None:
    if not source.is_dir():
        raise KgError(f"{source}: the site's static folder is missing")
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*STATIC_SKIP))


def _write_dumps(build_dir: Path, target: Path) -> None:
    """The build's dumps, published: N-Triples gzipped, Turtle, JSON-LD and TriG as written by the build."""
    target.mkdir(parents=True, exist_ok=True)
    nt = build_dir / "graph.nt"
    if not nt.is_file():
        raise KgError(f"{nt}: no N-Triples dump in the build; run `kg build` first")
    with nt.open("rb") as raw, gzip.open(target / "graph.nt.gz", "wb", compresslevel=6) as packed:
        shutil.copyfileobj(raw, packed)
    for name, published in DUMPS.items():
        if (build_dir / name).is_file():
            shutil.copyfile(build_dir / name, target / published)


def _copy_sources(model: SiteModel, out: Path) -> None:
    """Each source text as UTF-8 (with a byte-order mark, so browsers pick the encoding without a header)."""
    for source in model.sources.values():
        if source.path is not None:
            _write_text(out / source.site_file, "\ufeff" + "\n".join(source.lines))


def _copy_validation(source: Path, target: Path) -> None:
    """The validation reports, published at validation/. The HTML report links pages relative to
    build/validation/ (``../site/id/…``); inside the site the same pages are at ``../id/…``."""
    if not source.is_dir():
        return
    shutil.copytree(source, target)
    for report in target.rglob("*.html"):
        text = report.read_text("utf-8")
        report.write_text(REPORT_SITE_LINK.sub(r'\1="../', text), "utf-8")


def _write_ontology(folder: Path, out: Path) -> None:
    """ontology.ttl (and .nt/.jsonld/.rdf): every file of ontology/ merged, the ontology page's alternates."""
    triples: list[ox.Triple] = []
    for path in sorted(folder.glob("*.ttl")):
        triples.extend(q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    for suffix in RDF_FORMATS:
        _write_rdf(triples, out / f"ontology{suffix}")


def _write_sitemap(model: SiteModel, out: Path) -> None:
    """sitemap.xml: absolute URLs under the configured base (the sitemap protocol wants them absolute)."""
    urls = [model.paths.base + path + ".html" for kind in model.kinds for path in model.paths_of(kind)]
    body = "\n".join(f"  <url><loc>{escape(u)}</loc></url>" for u in urls)
    (out / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                                     f'<urlset xmlns="{SITEMAP_NS}">\n'
                                     f"{body}\n</urlset>\n", "utf-8")


def build_search_index(site: Path) -> str:
    """Index the pages marked data-pagefind-body with pagefind (from npm, run by npx); it segments Chinese.

    A site without its search index is still a site: when Node.js is missing or pagefind fails, the
    returned status says so (`kg site` and `kg build` print it) and search.html tells its reader."""
    npx = shutil.which("npx")
    if npx is None:
        return "NOT BUILT: npx not found (install Node.js and npm, then run `kg site`)"
    command = [npx, "--yes", "--prefer-offline", PAGEFIND, "--site", str(site), "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"NOT BUILT: pagefind did not run ({error})"
    if done.returncode != 0:
        return f"NOT BUILT: pagefind failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-300:]}"
    return f"pagefind ({PAGEFIND})"
