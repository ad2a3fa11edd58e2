"""The site's offline search index (search-index/): character bigrams in hashed shards, a sharded document table.

Chinese has no spaces, so text is indexed by overlapping character pairs (政策解读 → 政策 策解 解读), as
Lucene's CJK analyzer does, plus single characters for one-character queries. The browser
(site/static/search.js) fetches meta.json, then only the posting shards of the query's terms,
intersects them, and checks the whole query string in the candidates' text, so results are exact
substring matches. The tokenising and sharding functions here are mirrored there: keep them in step.

Layout: ``meta.json``; ``t/<shard>.json`` maps each term to its sorted document ids, delta-encoded;
``d/<n>.json`` holds documents ``n*DOCS_PER_SHARD …`` as ``[url, title, kind, text]``. Document ids follow
KINDS, so ascending ids rank plans first, then agencies, documents and requirements.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import unicodedata
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, partial
from itertools import chain
from operator import methodcaller, sub
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.pages import SiteModel

FORMAT = 1
INDEX_DIR = "search-index"
DOCS_PER_SHARD = 128  # a result page touches a few of these; small keeps each fetch small
POSTINGS_PER_SHARD = 8192  # aimed-at postings per term shard (the common terms make a few larger)
MAX_TERM_SHARDS = 4096
# The searchable kinds in rank order, with the label search.js shows (the pages' own kind line).
KINDS = (("plan", "方案 Plan"), ("agency", "单位 Agency"), ("document", "公文 Official document"),
         ("requirement", "具体要求 Requirement"))
KIND_RANK = {kind: rank for rank, (kind, _) in enumerate(KINDS)}
SPACES = re.compile(r"\s+")
WORD_RUN = re.compile(r"[^\W_]+")  # letters and digits (str.isalnum, search.js \p{L}\p{N}); \w adds "_"


# --- pure: text → terms, term → shard ------------------------------------------------------------
def normalise(text: str) -> str:
    """NFKC (full-width Ｓ２ → s2, 〔 stays), lower case, whitespace runs as one space; search.js does the same."""
    return SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def _runs(text: str) -> list[str]:
    """The runs of word characters of a normalised text."""
    return WORD_RUN.findall(text)


def bigrams(text: str) -> set[str]:
    """Adjacent pairs of word characters of a normalised text."""
    out: set[str] = set()
    for run in _runs(text):
        out.update(map(str.__add__, run, run[1:]))
    return out


def unigrams(text: str) -> set[str]:
    out: set[str] = set()
    for run in _runs(text):
        out.update(run)
    return out


def index_terms(*fields: str) -> set[str]:
    """The terms fields are indexed under: their bigrams and their single characters (no pair spans
    two fields)."""
    out: set[str] = set()
    for run in _runs(normalise("\n".join(fields))):
        out.update(run)
        out.update(map(str.__add__, run, run[1:]))
    return out


def query_terms(word: str) -> set[str]:
    """The terms one query word is looked up by: its bigrams, or its characters when it has no pair."""
    word = normalise(word)
    return bigrams(word) or unigrams(word)


def term_hash(term: str) -> int:
    """FNV-1a (32 bits) over the term's code points; search.js computes the same."""
    h = 0x811C9DC5
    for char in term:
        h = ((h ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return h


def shard_of(term: str, shards: int) -> int:
    return term_hash(term) % shards


def shard_count(postings: int) -> int:
    """A power of two giving about POSTINGS_PER_SHARD postings per shard, at least 16."""
    shards = 16
    while shards < MAX_TERM_SHARDS and shards * POSTINGS_PER_SHARD < postings:
        shards *= 2
    return shards


def deltas(ids: Iterable[int]) -> list[int]:
    """Sorted ids as gaps (first id, then differences): short numbers in the JSON."""
    return list(map(sub, ids, chain((0,), ids)))


# --- what is indexed -------------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchEntry:
    """One searchable page: where it is, what it is called, its kind, and the text searched besides the title."""

    url: str  # relative to the site root (id/plan/x.html)
    title: str
    kind: str  # a key of KINDS
    text: str


def entries(model: SiteModel | BuildFacts) -> Iterator[SearchEntry]:
    """Every searchable page (plans, agencies, documents, requirements), in rank order, from the page
    queries the site renders from (memoised by the model, so a shared model runs no query twice)."""
    rows = model.facts.rows
    yield from _plans(model, rows("plans"))
    yield from _agencies(model, rows("agencies"))
    yield from _documents(model, rows("documents"))
    for row in rows("requirements"):
        url = _page(model, row["req"])
        if url:
            yield SearchEntry(url, row.get("label") or url, "requirement", row.get("text", ""))


def _page(model: SiteModel | BuildFacts, iri: str) -> str | None:
    """The page of a member of a searchable kind (every member has one), relative to the site root."""
    path = model.paths.path(iri)
    return path + ".html" if path else None


def _grouped(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


def _joined(parts: Iterable[object]) -> str:
    """Distinct non-empty parts, in order, joined by a separator that breaks bigrams."""
    return " · ".join(dict.fromkeys(str(p) for p in parts if p))


def _plans(model: SiteModel | BuildFacts, rows: list[dict]) -> Iterator[SearchEntry]:
    for iri, group in _grouped(rows, "plan").items():
        url = _page(model, iri)
        if url:
            row = group[0]
            text = _joined([model.label(row.get("region")) if row.get("region") else None, row.get("year"),
                            *(r.get("noticeTitle") for r in group), *(r.get("number") for r in group)])
            yield SearchEntry(url, row["title"], "plan", text)


def _agencies(model: SiteModel | BuildFacts, rows: list[dict]) -> Iterator[SearchEntry]:
    for iri, group in _grouped(rows, "agency").items():
        url = _page(model, iri)
        if url:
            row = group[0]
            text = _joined([*(r.get("qualified") for r in group), *(r.get("altLabel") for r in group),
                            model.label(row.get("region")) if row.get("region") else None])
            yield SearchEntry(url, row.get("label") or model.label(iri), "agency", text)


def _documents(model: SiteModel | BuildFacts, rows: list[dict]) -> Iterator[SearchEntry]:
    for iri, group in _grouped(rows, "doc").items():
        url = _page(model, iri)
        if url:
            row = group[0]
            text = _joined([*(r.get("number") for r in group), *(f"《{r['title']}》" for r in group
                                                                  if r.get("title"))])
            yield SearchEntry(url, row.get("label") or model.label(iri), "document", text)


# --- writing the index -----------------------------------------------------------------------------
class IndexWriter:
    """Streams documents into d/ shards as they come and keeps only the postings (4 bytes each) in memory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        (folder / "d").mkdir(parents=True)
        (folder / "t").mkdir()
        self.postings: defaultdict[str, array] = defaultdict(partial(array, "I"))
        self.batch: list[list] = []
        self.count = 0
        self.kinds: dict[str, int] = {}
        self.last_rank = 0

    def add(self, entry: SearchEntry) -> None:
        """Entries must come in rank order (KINDS), so that ascending ids rank the results."""
        rank = KIND_RANK[entry.kind]
        if rank < self.last_rank:
            raise ValueError(f"search entry {entry.url} ({entry.kind}) out of rank order")
        self.last_rank = rank
        doc = self.count
        self.count += 1
        self.kinds[entry.kind] = self.kinds.get(entry.kind, 0) + 1
        terms = index_terms(entry.title, entry.text)
        # the loop over terms runs in C (map, deque): appending postings is most of the index's cost
        deque(map(methodcaller("append", doc), map(self.postings.__getitem__, terms)), maxlen=0)
        self.batch.append([entry.url, entry.title, rank, entry.text])
        if len(self.batch) == DOCS_PER_SHARD:
            self._flush_docs()

    def _flush_docs(self) -> None:
        if self.batch:
            shard = (self.count - 1) // DOCS_PER_SHARD
            _write_json(self.folder / "d" / f"{shard}.json", self.batch)
            self.batch = []

    def close(self) -> dict[str, object]:
        """Write the term shards and meta.json; return meta."""
        self._flush_docs()
        total = sum(len(ids) for ids in self.postings.values())
        shards = shard_count(total)
        buckets: list[dict[str, list[int]]] = [{} for _ in range(shards)]
        for term, ids in sorted(self.postings.items()):  # in term order: the same index for the same pages
            buckets[shard_of(term, shards)][term] = deltas(ids)
        self.postings.clear()
        for shard, bucket in enumerate(buckets):
            _write_json(self.folder / "t" / f"{shard}.json", bucket)
        meta = {"format": FORMAT, "docs": self.count, "docsPerShard": DOCS_PER_SHARD, "termShards": shards,
                "postings": total, "kinds": [label for _, label in KINDS], "counts": self.kinds}
        _write_json(self.folder / "meta.json", meta)
        return meta


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")), "utf-8")


def write_index(folder: Path, found: Iterable[SearchEntry]) -> dict[str, object]:
    """Write the index of these entries into folder (which must not exist); return its meta."""
    writer = IndexWriter(folder)
    for entry in found:
        writer.add(entry)
    return writer.close()


def build_search_index(site: Path, model: SiteModel | None = None) -> str:
    """Write site/search-index/ for site/static/search.js; return a status line ("NOT BUILT: …" on failure).

    Pass the SiteModel the site was rendered from: the index is then made from the rows the pages
    were made from, with no query run again. Without it, the store of the build the site is in
    (site/../store) is opened read-only."""
    from kg.errors import KgError

    started = time.perf_counter()
    target = site / INDEX_DIR
    tmp = site / f".{INDEX_DIR}-tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        meta = write_index(tmp, entries(model or BuildFacts(site.resolve().parent)))
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    except (KgError, OSError) as error:  # the site is usable without search; a bug is raised
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(target, ignore_errors=True)  # a previous build's index (linked) would not match
        return f"NOT BUILT: search index failed ({error})"
    seconds = time.perf_counter() - started
    return (f"{meta['docs']} pages, {meta['postings']} postings in {meta['termShards']} shards "
            f"({seconds:.1f} s)")


class BuildFacts:
    """What `entries` reads, from the store of a build without the whole site model (for a site
    indexed on its own): the page queries, page paths and region labels."""

    def __init__(self, build: Path) -> None:
        from kg.pages.facts import Facts
        from kg.pages.paths import Paths
        from kg.settings import load_settings
        from kg.store import open_store

        settings = load_settings(build=build)  # kg.toml and KG_* as for the build
        self.facts = Facts(open_store(build / "store"), settings.site_templates / "queries")
        self.paths = Paths(settings.base)

    @cached_property
    def region_labels(self) -> dict[str, str]:
        return {row["region"]: row["label"] for row in self.facts.rows("regions") if row.get("label")}

    def label(self, iri: str) -> str:
        """Only regions are asked for (the labels of all resources would cost memory at national scale)."""
        return self.region_labels.get(iri) or iri.rsplit("/", 1)[-1]


# --- reading it back (what search.js does; for tests and the benchmark) ----------------------------
def find(folder: Path, query: str) -> tuple[list[SearchEntry], int]:
    """Every page of the index in folder that contains each word of query, best ranked first, and the
    number of bytes of index files read to find them (search.js fetches the same files)."""
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    words = [w for w in dict.fromkeys(normalise(query).split(" ")) if query_terms(w)]
    if not words:
        return [], 0
    read: dict[Path, object] = {}

    def load(path: Path) -> object:
        if path not in read:
            read[path] = json.loads(path.read_text("utf-8"))
        return read[path]

    candidates: list[int] | None = None
    for term in sorted({t for w in words for t in query_terms(w)}):
        table = load(folder / "t" / f"{shard_of(term, meta['termShards'])}.json")
        ids = set(_undelta(table.get(term, [])))
        candidates = sorted(ids if candidates is None else ids.intersection(candidates))
    per, kinds = meta["docsPerShard"], [kind for kind, _ in KINDS]
    found = []
    for doc in candidates or []:
        url, title, rank, text = load(folder / "d" / f"{doc // per}.json")[doc % per]
        if all(w in normalise(title) or w in normalise(text) for w in words):
            found.append(SearchEntry(url, title, kinds[rank], text))
    return found, sum(path.stat().st_size for path in read) + (folder / "meta.json").stat().st_size


def _undelta(gaps: list[int]) -> Iterator[int]:
    doc = 0
    for gap in gaps:
        doc += gap
        yield doc
