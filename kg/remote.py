"""The remote backend (an external SPARQL 1.1 server through SPARQLWrapper) and `kg load --endpoint`."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import re
import secrets
import urllib.error
import urllib.parse
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
    except TimeoutError as exc:
        raise QueryTimeout("query stopped after the time limit") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
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


def _challenge(header: str) -> tuple[str, dict[str, str]]:
    """Scheme and parameters of a WWW-Authenticate header."""
    scheme, _, rest = header.partition(" ")
    return scheme.lower(), {k.lower(): v for k, v in re.findall(r'(\w+)="?([^",]*)"?', rest)}


def _authorization(challenge: str, method: str, uri: str, user: str, password: str) -> str:
    """An Authorization header answering a Basic or Digest (MD5, qop=auth) challenge (RFC 7616)."""
    scheme, params = _challenge(challenge)
    if scheme == "basic":
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    md5 = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731, S324 - the protocol's hash
    realm, nonce = params.get("realm", ""), params.get("nonce", "")
    ha1, ha2 = md5(f"{user}:{realm}:{password}"), md5(f"{method}:{uri}")
    fields = {"username": user, "realm": realm, "nonce": nonce, "uri": uri}
    if "auth" in params.get("qop", "").split(","):
        cnonce, nc = secrets.token_hex(8), "00000001"
        fields.update(qop="auth", nc=nc, cnonce=cnonce,
                      response=md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
    else:
        fields["response"] = md5(f"{ha1}:{nonce}:{ha2}")
    if "opaque" in params:
        fields["opaque"] = params["opaque"]
    unquoted = {"qop", "nc"}
    return "Digest " + ", ".join(f"{k}={v}" if k in unquoted else f'{k}="{v}"' for k, v in fields.items())


def _http(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, dict, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = conn_class(parts.hostname, parts.port, timeout=600)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    except OSError as exc:
        raise KgError(f"graph store {parts.netloc} unreachable: {exc}") from exc
    finally:
        conn.close()


def _send_graph_chunk(url: str, graph: str, body: bytes, method: str, user: str | None,
                      password: str | None) -> None:
    """PUT or POST one chunk of N-Triples into a graph.

    Authentication is negotiated with a bodiless request first: a server that challenges only after
    a large body (Virtuoso does) closes the connection while the body is still being sent.
    """
    target = url + ("&" if "?" in url else "?") + urllib.parse.urlencode({"graph": graph})
    headers = {"Content-Type": "application/n-triples"}
    if user:
        status, response_headers, _ = _http("HEAD", target, None, {})
        if status == 401 and "www-authenticate" in response_headers:
            uri = urllib.parse.urlsplit(target)
            headers["Authorization"] = _authorization(response_headers["www-authenticate"], method,
                                                      uri.path + "?" + uri.query, user, password or "")
    status, _, detail = _http(method, target, body, headers)
    if status >= 300:
        raise KgError(f"graph store refused {method} of <{graph}>: HTTP {status} "
                      f"{detail[:500].decode('utf-8', 'replace')}")


def load_endpoint(store_path: str | Path, endpoint: str, *, graph_store: str | None = None,
                  user: str | None = None, password: str | None = None,
                  chunk_triples: int = 50_000) -> dict[str, int]:
    """Push every named graph of a built store into an external server by the Graph Store Protocol.

    Each graph is replaced (PUT of the first chunk, POST of the rest), then counted back over SPARQL;
    a count that differs raises KgError. Returns graph IRI → triples loaded.
    """
    store = open_store(store_path, read_only=True)
    url = graph_store or default_graph_store_url(endpoint)
    loaded: dict[str, int] = {}
    for graph in sorted(store.named_graphs(), key=str):
        if not isinstance(graph, ox.NamedNode):
            continue
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
        for start in range(0, max(len(triples), 1), chunk_triples):
            body = ox.serialize(triples[start:start + chunk_triples], format=ox.RdfFormat.N_TRIPLES) or b""
            _send_graph_chunk(url, graph.value, body, "PUT" if start == 0 else "POST", user, password)
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
