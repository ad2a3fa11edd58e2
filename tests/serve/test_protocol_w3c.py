"""The W3C SPARQL 1.1 Protocol tests (query side) and Service Description tests, run over real HTTP."""

from __future__ import annotations

import csv
import http.client
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF
from serve_support import W3C_DIR

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
SRX = "{http://www.w3.org/2005/sparql-results#}"
MANIFEST_PATH_PREFIX = "/sparql/"
RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
             "application/ld+json": "json-ld"}


@dataclass(frozen=True)
class ProtocolRequest:
    """One ht:Request of a manifest entry and what its response must be."""

    method: str
    path: str  # relative to the endpoint: "" or "?query=…"
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: tuple[str, ...]  # "2xx", "3xx", "4xx"
    expected_format: str | None
    expected_boolean: bool | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    requests: tuple[ProtocolRequest, ...]


def _request(g: Graph, node) -> ProtocolRequest:
    path = str(g.value(node, HT.absolutePath))
    assert path.startswith(MANIFEST_PATH_PREFIX)
    headers = ()
    if (hlist := g.value(node, HT.headers)) is not None:
        headers = tuple((str(g.value(h, HT.fieldName)), str(g.value(h, HT.fieldValue)))
                        for h in Collection(g, hlist))
    body = None
    if (b := g.value(node, HT.body)) is not None:
        encoding = str(g.value(b, CNT.characterEncoding) or "UTF-8")
        body = str(g.value(b, CNT.chars)).encode(encoding)
    resp = g.value(node, HT.resp)
    statuses = tuple(sorted(str(s).rsplit("StatusCode", 1)[1] for s in g.objects(resp, MF.expectedStatus)))
    fmt = g.value(resp, MF.expectedFormat)
    boolean = g.value(resp, MF.expectedBoolean)
    return ProtocolRequest(str(g.value(node, HT.methodName)), path[len(MANIFEST_PATH_PREFIX):], headers,
                           body, statuses, str(fmt) if fmt else None,
                           boolean.toPython() if boolean is not None else None)


def load_manifest() -> list[ProtocolTest]:
    """Every mf:ProtocolTest of the manifest, in manifest order."""
    g = Graph().parse(W3C_DIR / "manifest.ttl")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        action = g.value(entry, MF.action)
        requests = tuple(_request(g, r) for r in Collection(g, g.value(action, HT.requests)))
        tests.append(ProtocolTest(str(entry).rsplit("#", 1)[1], requests))
    return tests


ALL_TESTS = load_manifest()
QUERY_TESTS = [t for t in ALL_TESTS if "update" not in t.name]
UPDATE_TESTS = [t for t in ALL_TESTS if "update" in t.name]


def send(endpoint: str, req: ProtocolRequest, extra_headers: tuple[tuple[str, str], ...] = ()
         ) -> tuple[int, str, bytes]:
    """Send exactly the manifest's request (no headers added by a client library)."""
    url = urlsplit(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.putrequest(req.method, url.path + req.path, skip_accept_encoding=True)
        for name, value in (*req.headers, *extra_headers):
            conn.putheader(name, value)
        if req.body is not None:
            conn.putheader("Content-Length", str(len(req.body)))
        conn.endheaders(req.body)
        resp = conn.getresponse()
        return resp.status, (resp.getheader("Content-Type") or "").split(";")[0].strip(), resp.read()
    finally:
        conn.close()


def _boolean(content_type: str, body: bytes) -> bool:
    if content_type == "application/sparql-results+json":
        return json.loads(body)["boolean"]
    assert content_type == "application/sparql-results+xml", content_type
    return ET.fromstring(body).find(f"{SRX}boolean").text == "true"


def _check_tabular(content_type: str, body: bytes) -> None:
    assert content_type in RESULT_TYPES, content_type
    if content_type == "application/sparql-results+json":
        doc = json.loads(body)
        assert doc["head"]["vars"] == ["value"] and doc["results"]["bindings"][0]["value"]["value"] == "1"
    elif content_type == "application/sparql-results+xml":
        assert ET.fromstring(body).find(f"{SRX}results") is not None
    else:
        delimiter = "," if content_type == "text/csv" else "\t"
        rows = list(csv.reader(io.StringIO(body.decode()), delimiter=delimiter))
        assert rows[0][0].lstrip("?") == "value"


def _check_rdf(content_type: str, body: bytes) -> None:
    assert content_type in RDF_TYPES, content_type
    Graph().parse(data=body, format=RDF_TYPES[content_type])


@pytest.mark.parametrize("test", QUERY_TESTS, ids=[t.name for t in QUERY_TESTS])
def test_w3c_protocol(w3c_server: str, test: ProtocolTest) -> None:
    for req in test.requests:
        status, content_type, body = send(w3c_server, req)
        assert f"{status // 100}xx" in req.statuses, (status, body[:300])
        if req.expected_format == "boolean":
            value = _boolean(content_type, body)
            assert value is (req.expected_boolean if req.expected_boolean is not None else value)
        elif req.expected_format == "tabular":
            _check_tabular(content_type, body)
        elif req.expected_format == "RDF":
            _check_rdf(content_type, body)


def test_manifest_has_twenty_query_side_tests() -> None:
    assert len(ALL_TESTS) == 34
    assert len(QUERY_TESTS) == 20


def test_query_syntax_error_carries_parser_message(w3c_server: str) -> None:
    syntax = next(t for t in QUERY_TESTS if t.name == "bad_query_syntax").requests[0]
    status, content_type, body = send(w3c_server, syntax)
    assert status == 400 and content_type == "text/plain"
    assert b"syntax error" in body and b"1:" in body  # the parser's position, e.g. "error at 1:6"


def _carries_update(req: ProtocolRequest) -> bool:
    content_type = dict((k.lower(), v) for k, v in req.headers).get("content-type", "")
    return ("update=" in req.path or content_type.startswith("application/sparql-update")
            or (req.body or b"").startswith(b"update="))


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=[t.name for t in UPDATE_TESTS])
def test_w3c_update_requests_are_refused(w3c_server: str, test: ProtocolTest) -> None:
    """The endpoint is read-only: every update-side request that carries an update gets a 4xx."""
    carrying = [r for r in test.requests if _carries_update(r) or r.statuses == ("4xx",)]
    assert carrying, test.name
    for req in carrying:
        status, _, body = send(w3c_server, req)
        assert 400 <= status < 500, (status, body[:200])


# --- Service description tests (their manifest gives names only; the meaning is implemented here) ----

SD_MANIFEST = Graph().parse(W3C_DIR / "service-description-manifest.ttl")
SD_TESTS = sorted(str(e).rsplit("#", 1)[1] for e in SD_MANIFEST.subjects(RDF.type, MF.ServiceDescriptionTest))

# The SD vocabulary's classes and properties, with the domains and ranges the schema test checks.
SD_CLASSES = {"Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime",
              "EntailmentProfile", "GraphCollection", "Dataset", "Graph", "NamedGraph"}
SD_PROPERTIES = {  # property: (domain, range); None when the schema leaves it open
    "endpoint": ("Service", None), "feature": ("Service", "Feature"),
    "defaultEntailmentRegime": ("Service", "EntailmentRegime"),
    "supportedEntailmentProfile": ("Service", "EntailmentProfile"),
    "extensionFunction": ("Service", "Function"), "extensionAggregate": ("Service", "Aggregate"),
    "languageExtension": ("Service", None), "supportedLanguage": ("Service", "Language"),
    "propertyFeature": ("Service", None), "defaultDataset": ("Service", "Dataset"),
    "availableGraphs": ("Service", "GraphCollection"), "resultFormat": ("Service", None),
    "inputFormat": ("Service", None), "defaultGraph": ("Dataset", "Graph"),
    "namedGraph": ("GraphCollection", "NamedGraph"), "name": ("NamedGraph", None),
    "graph": ("NamedGraph", "Graph"), "entailmentRegime": (None, "EntailmentRegime"),
    "defaultSupportedEntailmentProfile": (None, "EntailmentProfile"),
}
SD_SUPERCLASSES = {"Dataset": "GraphCollection"}  # sd:Dataset ⊑ sd:GraphCollection
SD_INSTANCES = {SD.SPARQL10Query: "Language", SD.SPARQL11Query: "Language", SD.SPARQL11Update: "Language",
                SD.UnionDefaultGraph: "Feature", SD.BasicFederatedQuery: "Feature",
                SD.DereferencesURIs: "Feature", SD.RequiresDataset: "Feature", SD.EmptyGraphs: "Feature"}


def _types(g: Graph, node) -> set[str]:
    found = {str(t).rsplit("#", 1)[1] for t in g.objects(node, RDF.type) if str(t).startswith(str(SD))}
    if node in SD_INSTANCES:
        found.add(SD_INSTANCES[node])
    return found | {SD_SUPERCLASSES[c] for c in found if c in SD_SUPERCLASSES}


def _fetch_description(endpoint: str) -> tuple[int, str, Graph]:
    req = ProtocolRequest("GET", "", (), None, ("2xx",), "RDF", None)
    status, content_type, body = send(endpoint, req, (("Accept", "text/turtle, application/rdf+xml;q=0.9"),))
    g = Graph()
    if content_type in RDF_TYPES:
        g.parse(data=body, format=RDF_TYPES[content_type])
    return status, content_type, g


def _sd_returns_rdf(endpoint: str) -> None:
    status, content_type, g = _fetch_description(endpoint)
    assert status == 200 and content_type in RDF_TYPES and len(g) > 0


def _sd_has_endpoint_triple(endpoint: str) -> None:
    _, _, g = _fetch_description(endpoint)
    services = set(g.subjects(SD.endpoint, URIRef(endpoint)))
    assert services and all((s, RDF.type, SD.Service) in g for s in services)


def _sd_conforms_to_schema(endpoint: str) -> None:
    _, _, g = _fetch_description(endpoint)
    used = {p for p in g.predicates() if str(p).startswith(str(SD))}
    assert used, "no sd: terms at all"
    for s, p, o in g:
        if str(p).startswith(str(SD)):
            name = str(p).rsplit("#", 1)[1]
            assert name in SD_PROPERTIES, f"sd:{name} is not in the SD vocabulary"
            domain, range_ = SD_PROPERTIES[name]
            assert domain is None or domain in _types(g, s), f"subject of sd:{name} is not an sd:{domain}"
            assert range_ is None or range_ in _types(g, o), f"object of sd:{name} is not an sd:{range_}"
        if p == RDF.type and str(o).startswith(str(SD)):
            assert str(o).rsplit("#", 1)[1] in SD_CLASSES, f"{o} is not an SD class"


SD_RUNNERS = {"returns-rdf": _sd_returns_rdf, "has-endpoint-triple": _sd_has_endpoint_triple,
              "conforms-to-schema": _sd_conforms_to_schema}


@pytest.mark.parametrize("name", SD_TESTS)
def test_w3c_service_description(w3c_server: str, name: str) -> None:
    SD_RUNNERS[name](w3c_server)


def test_service_description_manifest_has_three_tests() -> None:
    assert set(SD_TESTS) == set(SD_RUNNERS)


def test_service_description_counts_the_w3c_graphs(w3c_server: str) -> None:
    """VoID figures: three one-triple graphs, one class (foaf:Document) with three instances."""
    _, _, g = _fetch_description(w3c_server)
    default = next(g.objects(next(g.objects(None, SD.defaultDataset)), SD.defaultGraph))
    assert g.value(default, VOID.triples).toPython() == 3
    partitions = {g.value(p, VOID["class"]): g.value(p, VOID.entities).toPython()
                  for p in g.objects(default, VOID.classPartition)}
    assert partitions == {URIRef("http://xmlns.com/foaf/0.1/Document"): 3}
    names = {str(g.value(n, SD.name)) for n in g.objects(None, SD.namedGraph)}
    assert names == {f"http://kasei.us/2009/09/sparql/data/data{i}.rdf" for i in (1, 2, 3)}
