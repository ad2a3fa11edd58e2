"""Endpoint benchmark: catalogue queries over HTTP against kg serve and Virtuoso, and throughput.

Run: .venv/bin/python bench/endpoint.py [--store build/store] [--queries queries] [--big 1000000]

For each dataset (the corpus store, and a ~1M-triple graph made by replicating it) the script starts
Virtuoso on 127.0.0.1 with a fresh database, pushes the same graphs into it with `kg load --endpoint`'s
loader, starts `kg serve` over the store, and times every catalogue query on both (median of several runs;
our runs are made uncacheable with a distinct comment so the cache does not flatter us), printing the
ratio kg/Virtuoso and their geometric mean. Then it measures throughput under concurrent clients: cached
repeats, uncached simple queries on kg serve, and the same uncached queries on Virtuoso. Without a built
corpus store, a synthetic plan-shaped dataset stands in for it. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from kg.remote import load_endpoint  # noqa: E402
from kg.serve.ui import load_examples  # noqa: E402
from kg.processes import free_port  # noqa: E402
from kg.serve.virtuoso import virtuoso_instance  # noqa: E402

ZW = "https://w3id.org/zwgk/def#"
BASE = "http://127.0.0.1:8000/"
# Used when queries/ holds no catalogue yet: the kinds of question the catalogue asks.
FALLBACK_QUERIES = {
    "plans": f"SELECT ?plan ?year WHERE {{ ?plan a <{ZW}Plan> ; <{ZW}year> ?year }} ORDER BY ?year ?plan",
    "requirements-per-plan": f"SELECT ?plan (COUNT(?r) AS ?n) WHERE {{ ?r <{ZW}inPlan> ?plan }} "
                             "GROUP BY ?plan ORDER BY DESC(?n) ?plan",
    "lead-agencies": f"SELECT ?agency (COUNT(?r) AS ?n) WHERE {{ ?r <{ZW}assignment> ?a . "
                     f"?a <{ZW}role> <{ZW}LeadRole> ; <{ZW}agency> ?agency }} GROUP BY ?agency "
                     "ORDER BY DESC(?n) ?agency LIMIT 50",
    "text-search": f"SELECT ?r ?text WHERE {{ ?r <{ZW}requirementText> ?text . "
                   "FILTER(CONTAINS(?text, \"预算\")) } ORDER BY ?r LIMIT 100",
    "class-partition": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c",
    "one-requirement": f"SELECT ?p ?o WHERE {{ <{BASE}id/plan/p0/requirement/7> ?p ?o }} ORDER BY ?p ?o",
}
SIMPLE_QUERY = f"SELECT ?p ?o WHERE {{ <{BASE}id/plan/p0/requirement/%d> ?p ?o }}"
TEXTS = ["及时公开预算决算信息", "优化政务服务事项办事指南", "做好政府信息公开年度报告", "加强政策解读"]


def synthetic_quads(target: int) -> Iterator[ox.Quad]:
    """Plan-shaped quads (plans, requirements, assignments, agencies), about ``target`` of them."""
    agencies = [ox.NamedNode(f"{BASE}id/agency/r/agency-{i}") for i in range(200)]
    shared = ox.NamedNode(f"{BASE}graph/shared")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    z = lambda name: ox.NamedNode(ZW + name)  # noqa: E731
    for i, a in enumerate(agencies):
        yield ox.Quad(a, rdf_type, z("Agency"), shared)
        yield ox.Quad(a, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                      ox.Literal(f"区第{i}局", language="zh"), shared)
    made, plan_no = 400, 0
    while made < target:
        plan = ox.NamedNode(f"{BASE}id/plan/p{plan_no}")
        graph = ox.NamedNode(f"{BASE}graph/plan/p{plan_no}")
        yield ox.Quad(plan, rdf_type, z("Plan"), graph)
        yield ox.Quad(plan, z("year"), ox.Literal(str(2015 + plan_no % 10)), graph)
        for r in range(500):
            req = ox.NamedNode(f"{plan.value}/requirement/{r}")
            assignment = ox.NamedNode(f"{req.value}/assignment/1")
            for quad in ((req, rdf_type, z("Requirement")), (req, z("inPlan"), plan),
                         (req, z("sequenceNumber"), ox.Literal(str(r + 1), datatype=ox.NamedNode(
                             "http://www.w3.org/2001/XMLSchema#integer"))),
                         (req, z("requirementText"),
                          ox.Literal(f"{TEXTS[r % 4]}（{plan_no}-{r}）", language="zh")),
                         (req, z("assignment"), assignment), (assignment, rdf_type, z("AgencyAssignment")),
                         (assignment, z("agency"), agencies[(r * 7 + plan_no) % len(agencies)]),
                         (assignment, z("role"), z("LeadRole" if r % 3 else "CooperatingRole"))):
                yield ox.Quad(*quad, graph)
        made += 2 + 500 * 8
        plan_no += 1


def replicated_quads(store: ox.Store, target: int) -> Iterator[ox.Quad]:
    """The store's quads, copied under renamed plan IRIs and graphs until about ``target`` quads."""
    quads = list(store)
    copies = max(1, math.ceil(target / max(1, len(quads))))
    for k in range(copies):
        def rename(term, k=k):
            if isinstance(term, ox.NamedNode) and k and "/plan/" in term.value:
                return ox.NamedNode(term.value.replace("/plan/", f"/plan/copy{k}-", 1))
            return term
        for q in quads:
            yield ox.Quad(rename(q.subject), q.predicate, rename(q.object), rename(q.graph_name))


def build_store(path: Path, quads: Iterator[ox.Quad]) -> int:
    """Bulk-load quads into a new store; returns the quad count."""
    store = ox.Store(str(path))
    store.bulk_extend(quads)
    store.flush()
    count = len(store)
    del store
    return count


@contextmanager
def kg_server(store: Path, queries: Path) -> Iterator[str]:
    """`python -m kg.serve` over the store on a free port (big row cap, as Virtuoso is configured)."""
    port = free_port()
    env = {**os.environ, "KG_STORE": str(store), "KG_PORT": str(port), "KG_MAX_ROWS": "1000000",
           "KG_TIMEOUT": "120", "KG_QUERIES_DIR": str(queries), "KG_WORKERS": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "kg.serve"], cwd=PROJECT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        for _ in range(600):
            try:
                request("GET", url, "ASK {}")
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def request(method: str, url: str, query: str, conn: http.client.HTTPConnection | None = None) -> bytes:
    """One SPARQL JSON request; reuses ``conn`` (keep-alive) when given."""
    parts = urllib.parse.urlsplit(url)
    own = conn is None
    conn = conn or http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    try:
        body = urllib.parse.urlencode({"query": query})
        headers = {"Accept": "application/sparql-results+json"}
        if method == "GET":
            conn.request("GET", f"{parts.path}?{body}", headers=headers)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request("POST", parts.path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}: {data[:300]!r}")
        return data
    finally:
        if own:
            conn.close()


def time_query(url: str, query: str, runs: int, unique: bool) -> float:
    """Median seconds of ``runs`` POSTs after one warm-up (distinct comments defeat our cache)."""
    request("POST", url, query + ("\n# warm-up" if unique else ""))
    times = []
    for i in range(runs):
        text = query + (f"\n# run {i} {time.monotonic_ns()}" if unique else "")
        start = time.perf_counter()
        request("POST", url, text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def throughput(url: str, make_query, clients: int, seconds: float) -> float:
    """Requests per second completed by ``clients`` keep-alive clients within ``seconds``."""
    parts = urllib.parse.urlsplit(url)
    counts = [0] * clients
    deadline = time.monotonic() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        n = 0
        while time.monotonic() < deadline:
            request("GET", url, make_query(k, n), conn)
            n += 1
        counts[k] = n
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - start)


def catalogue(queries_dir: Path) -> dict[str, str]:
    """The project's catalogue queries, or the fallback set when there are none yet."""
    examples = load_examples(queries_dir)
    return {e.name: e.query for e in examples} or dict(FALLBACK_QUERIES)


def bench_dataset(label: str, store: Path, queries: dict[str, str], queries_dir: Path, args) -> None:
    """Load into Virtuoso, serve, time each query on both, print ratios and throughput."""
    with tempfile.TemporaryDirectory(prefix="bench-virtuoso-") as vdir, virtuoso_instance(Path(vdir)) as v:
        started = time.perf_counter()
        loaded = load_endpoint(store, v.sparql_url, graph_store=v.graph_store_url, user=v.user,
                               password=v.password, chunk_triples=100_000)
        print(f"\n== {label}: {sum(loaded.values()):,} triples in {len(loaded)} graphs "
              f"(Virtuoso load {time.perf_counter() - started:.1f} s)")
        with kg_server(store, queries_dir) as kg_url:
            print(f"{'query':28} {'kg ms':>9} {'virtuoso ms':>12} {'kg/virtuoso':>12} {'kg cached ms':>13}")
            ratios = []
            cached_ratios = []
            for name, text in queries.items():
                ours = time_query(kg_url, text, args.runs, unique=True)
                cached = time_query(kg_url, text, args.runs, unique=False)
                try:
                    theirs = time_query(v.sparql_url, text, args.runs, unique=False)
                except RuntimeError as exc:  # Virtuoso cannot compile some SPARQL 1.1 queries
                    print(f"{name[:28]:28} {ours * 1e3:9.1f} {'error':>12} {'-':>12} {cached * 1e3:13.2f}"
                          f"  ({str(exc).split(':', 3)[-1][:60].strip()})")
                    continue
                ratios.append(ours / theirs)
                cached_ratios.append(cached / theirs)
                print(f"{name[:28]:28} {ours * 1e3:9.1f} {theirs * 1e3:12.1f} {ours / theirs:12.2f} "
                      f"{cached * 1e3:13.2f}")
            for label_, values in (("uncached", ratios), ("cached", cached_ratios)):
                geo = math.exp(sum(math.log(r) for r in values) / len(values))
                print(f"geometric mean kg/virtuoso ({label_}, {len(values)} queries): {geo:.2f}"
                      "  (<1: kg serve faster)")
            fixed = SIMPLE_QUERY % 7
            varied = lambda k, n: SIMPLE_QUERY % ((k * 7919 + n) % 500)  # noqa: E731
            unique = lambda k, n: f"{SIMPLE_QUERY % (n % 500)} # {k}-{n}"  # noqa: E731
            print(f"throughput, {args.clients} clients, {args.seconds:g} s each:")
            runs = (("kg serve, one cached query", kg_url, lambda k, n: fixed),
                    ("kg serve, 500 distinct (cached)", kg_url, varied),
                    ("kg serve, never cached", kg_url, unique),
                    ("virtuoso, same 500 distinct", v.sparql_url, varied))
            for what, url, make in runs:
                print(f"  {what:34} {throughput(url, make, args.clients, args.seconds):8.0f} q/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=PROJECT / "build" / "store")
    parser.add_argument("--queries", type=Path, default=PROJECT / "queries")
    parser.add_argument("--big", type=int, default=1_000_000, help="triples in the large graph")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    queries = catalogue(args.queries)
    with tempfile.TemporaryDirectory(prefix="bench-kg-") as tmp:
        tmp = Path(tmp)
        if args.store.is_dir():
            corpus, label = args.store, "corpus"
            source = ox.Store.read_only(str(args.store))
            big_quads = replicated_quads(source, args.big)
        else:
            corpus, label = tmp / "corpus", "synthetic corpus (no build/store yet)"
            build_store(corpus, synthetic_quads(40_000))
            big_quads = synthetic_quads(args.big)
        print(f"catalogue: {len(queries)} queries from "
              f"{'queries/' if load_examples(args.queries) else 'the fallback set'}")
        bench_dataset(label, corpus, queries, args.queries, args)
        size = build_store(tmp / "big", big_quads)
        bench_dataset(f"large graph ({size:,} quads)", tmp / "big", queries, args.queries, args)


if __name__ == "__main__":
    main()
