"""In-memory result cache keyed by query, dataset, format and build: the store never changes under it."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from kg.formats import ResultFormats
from kg.serve.backend import QueryJob, QueryResult, job_formats
from kg.serve.security import QueryInfo


def cache_key(build_id: str, job: QueryJob, format_name: str | None) -> str:
    """A digest naming one representation of one query's result on one build."""
    material = [build_id, job.sparql, list(job.default_graphs), list(job.named_graphs), format_name,
                job.max_rows, job.union_default_graph, job.base_iri]
    return hashlib.sha256(json.dumps(material, ensure_ascii=False).encode("utf-8")).hexdigest()


def make_job(sparql: str, info: QueryInfo, formats: ResultFormats, max_rows: int,
             default_graphs: tuple[str, ...] = (), named_graphs: tuple[str, ...] = (),
             endpoint_url: str | None = None) -> QueryJob:
    """The job for a checked query; the endpoint URL is its base IRI only if it has relative IRIs."""
    return QueryJob(sparql, default_graphs, named_graphs, job_formats(formats), max_rows,
                    union_default_graph=not info.has_dataset_clause,
                    base_iri=endpoint_url if info.has_relative_iris else None)


def result_key(build_id: str, job: QueryJob, info: QueryInfo, formats: ResultFormats) -> str | None:
    """The cache key of a job's result, or None when the result may differ between runs."""
    if not info.kind or not info.deterministic or info.services:
        return None
    fmt = formats.for_kind(info.kind)
    return cache_key(build_id, job, fmt.name if fmt else None)


def etag_for(key: str) -> str:
    """A strong ETag: the same query on the same build always gives the same bytes."""
    return f'"{key[:32]}"'


class ResultCache:
    """A thread-safe LRU of serialised results, bounded by entry count and total bytes."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, QueryResult] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> QueryResult | None:
        """The cached result, marked as recently used; None if absent."""
        with self._lock:
            result = self._entries.get(key)
            if result is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return result

    def put(self, key: str, result: QueryResult) -> None:
        """Keep a result unless it alone would take more than an eighth of the budget."""
        size = len(result.body)
        if self.max_entries <= 0 or size > self.max_bytes // 8:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = result
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)

    def __len__(self) -> int:
        return len(self._entries)
