"""The remote backend (an external SPARQL 1.1 server through SPARQLWrapper) and `kg load --endpoint`."""

from __future__ import annotations

import hashlib
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from kg.errors import KgError
from kg.serve.backend import QueryJob, QueryResult, serialise_outcome
from kg.serve.errors import BackendError, BadRequest, QueryTimeout
from kg.serve.security import inspect_query
from kg.store import open_store

# Graphs a Virtuoso database holds for itself; never part of the project's dataset.
SYSTEM_GRAPH_PREFIXES = ("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp#",
                         "http://localuriqaserver/", "http://localhost:8890/")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _term(binding: dict) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple:
    """A SPARQL JSON results term as a pyoxigraph term."""
    kind, value = binding["type"], binding.get("value")
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if kind == "triple":
        return ox.Triple(_term(value["subject"]), _term(value["predicate"]), _term(value["object"]))
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    datatype = binding.get("datatype")  # "typed-literal" is the SPARQL 1.0 JSON spelling
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def _rows(doc: dict) -> tuple[list[str], list[tuple]]:
    variables = doc["head"].get("vars", [])
    rows = [tuple(_term(b[v]) if v in b else None for v in variables) for b in doc["results"]["bindings"]]
    return variables, rows


def _client(endpoint: str, sparql: str, timeout: float, return_format: str) -> SPARQLWrapper:
    """A POST (form-encoded) client: long queries and graph lists do not fit in a URL."""
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setRequestMethod(URLENCODED)
    client.setTimeout(max(1, int(timeout + 0.999)))
    client.setQuery(sparql)
    client.setReturnFormat(return_format)
    return client


def _run(client: SPARQLWrapper) -> dict | bytes:
    """Send the query; map the client's failures to the server's protocol errors."""
    try:
        response = client.query()
        body = response.response.read()
    except QueryBadFormed as exc:
        raise BadRequest(str(exc).split("\n", 1)[-1].strip() or "malformed query") from exc
    except (TimeoutError, socket.timeout) as exc:
        raise QueryTimeout("query stopped after the time limit") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise QueryTimeout("query stopped after the time limit") from exc
        raise BackendError(f"remote endpoint unreachable: {exc.reason}") from exc
    except SPARQLWrapperException as exc:
        raise BackendError(f"remote endpoint failed: {exc}") from exc
    if client.returnFormat == JSON:
        return json.loads(body)
    return body


def select_rows(endpoint: str, sparql: str, timeout: float) -> tuple[list[str], list[tuple]]:
    """Run a SELECT on an endpoint; variables and rows of pyoxigraph terms."""
    return _rows(_run(_client(endpoint, sparql, timeout, JSON)))


class RemoteBackend:
    """Runs queries on an external SPARQL endpoint with the same dataset rules as the local store."""

    def __init__(self, endpoint: str, graph_prefix: str | None = None, timeout: float = 30.0) -> None:
        self.endpoint = endpoint
        self.graph_prefix = graph_prefix
        self.graphs = self._discover_graphs(timeout)
        self.build_id = self._fingerprint(timeout)

    def _select(self, sparql: str, timeout: float) -> tuple[list[str], list[tuple]]:
        return select_rows(self.endpoint, sparql, timeout)

    def _discover_graphs(self, timeout: float) -> tuple[str, ...]:
        _, rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", timeout)
        graphs = sorted(r[0].value for r in rows if isinstance(r[0], ox.NamedNode))
        if self.graph_prefix:
            return tuple(g for g in graphs if g.startswith(self.graph_prefix))
        return tuple(g for g in graphs if not g.startswith(SYSTEM_GRAPH_PREFIXES))

    def _fingerprint(self, timeout: float) -> str:
        """Endpoint, graphs and their sizes: changes when a new build is loaded."""
        digest = hashlib.sha256(self.endpoint.encode())
        if self.graphs:
            values = " ".join(f"<{g}>" for g in self.graphs)
            _, rows = self._select("SELECT ?g (COUNT(*) AS ?n) WHERE { VALUES ?g { " + values +
                                   " } GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g", timeout)
            digest.update(repr([(r[0].value, r[1].value) for r in rows]).encode())
        return digest.hexdigest()[:16]

    def query(self, job: QueryJob, timeout: float) -> QueryResult:
        """Run a job on the remote endpoint, then cap and serialise it like the local backend."""
        form = inspect_query(job.sparql).form
        graph_result = form in ("CONSTRUCT", "DESCRIBE")
        client = _client(self.endpoint, job.sparql, timeout, TURTLE if graph_result else JSON)
        if job.default_graphs or job.named_graphs:
            defaults, named = job.default_graphs, job.named_graphs
        elif job.union_default_graph:
            # The remote default graph would be every graph it holds, system graphs included.
            defaults, named = self.graphs, self.graphs
        else:
            defaults, named = (), ()
        for g in defaults:
            client.addDefaultGraph(g)
        for g in named:
            client.addNamedGraph(g)
        outcome = _run(client)
        if graph_result:
            triples = [q.triple for q in ox.parse(outcome, format=ox.RdfFormat.TURTLE)]
            return serialise_outcome(job, triples)
        if "boolean" in outcome:
            return serialise_outcome(job, bool(outcome["boolean"]))
        variables, rows = _rows(outcome)
        return serialise_outcome(job, rows, variables)

    def close(self) -> None:
        """Nothing to release: each query opens its own connection."""


# --- kg load --endpoint -------------------------------------------------------------------------------

def default_graph_store_url(endpoint: str) -> str:
    """Virtuoso's authenticated Graph Store Protocol endpoint next to its /sparql endpoint."""
    return endpoint.rstrip("/") + "-graph-crud-auth"


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    if not user:
        return urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, user, password or "")
    # Virtuoso asks for digest; other stores for basic. urllib answers whichever is challenged.
    return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords),
                                       urllib.request.HTTPBasicAuthHandler(passwords))


def _send_graph_chunk(opener: urllib.request.OpenerDirector, url: str, graph: str, body: bytes,
                      method: str) -> None:
    target = url + ("&" if "?" in url else "?") + urllib.parse.urlencode({"graph": graph})
    request = urllib.request.Request(target, data=body, method=method,
                                     headers={"Content-Type": "application/n-triples"})
    try:
        with opener.open(request, timeout=600) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:500].decode("utf-8", "replace")
        raise KgError(f"graph store refused {method} of <{graph}>: HTTP {exc.code} {detail}") from exc
    except urllib.error.URLError as exc:
        raise KgError(f"graph store {url} unreachable: {exc.reason}") from exc


def load_endpoint(store_path: str | Path, endpoint: str, *, graph_store: str | None = None,
                  user: str | None = None, password: str | None = None,
                  chunk_triples: int = 50_000) -> dict[str, int]:
    """Push every named graph of a built store into an external server by the Graph Store Protocol.

    Each graph is replaced (PUT of the first chunk, POST of the rest), then counted back over SPARQL;
    a count that differs raises KgError. Returns graph IRI → triples loaded.
    """
    store = open_store(store_path, read_only=True)
    url = graph_store or default_graph_store_url(endpoint)
    opener = _opener(url, user, password)
    loaded: dict[str, int] = {}
    for graph in sorted(store.named_graphs(), key=str):
        if not isinstance(graph, ox.NamedNode):
            continue
        triples = [q.triple for q in store.quads_from_pattern(None, None, None, graph)]
        for start in range(0, max(len(triples), 1), chunk_triples):
            body = ox.serialize(triples[start:start + chunk_triples], format=ox.RdfFormat.N_TRIPLES) or b""
            _send_graph_chunk(opener, url, graph.value, body, "PUT" if start == 0 else "POST")
        loaded[graph.value] = len(triples)
    _verify_counts(endpoint, loaded)
    return loaded


def _verify_counts(endpoint: str, loaded: dict[str, int]) -> None:
    if not loaded:
        return
    values = " ".join(f"<{g}>" for g in loaded)
    _, rows = select_rows(endpoint, "SELECT ?g (COUNT(*) AS ?n) WHERE { VALUES ?g { " + values +
                                        " } GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", 120)
    found = {r[0].value: int(r[1].value) for r in rows}
    wrong = {g: (n, found.get(g, 0)) for g, n in loaded.items() if found.get(g, 0) != n}
    if wrong:
        raise KgError(f"endpoint holds other counts than loaded (graph: loaded, found): {wrong}")
