"""Helpers of the endpoint tests: stores built from the W3C data and from a tiny plan snippet, and real
servers on free ports (python -m kg.serve in a subprocess, polled until it answers, stopped afterwards)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from kg.processes import free_port, stop_process, wait_until_responds
from rdflib import Graph, Namespace
from rdflib.namespace import RDFS

PROJECT = Path(__file__).resolve().parents[2]
W3C_DIR = PROJECT.parent / "shared" / "w3c-sparql11-protocol"
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
BASE = "http://127.0.0.1:8000/"
SERVER_TIMEOUT = "3"  # seconds; short so that the runaway-query test ends soon
ROW_CAP = "50"

# A two-plan slice of the kind of graph the lifter builds: one named graph per plan plus a shared graph.
TINY_CORPUS_TRIG = """
@prefix zw: <https://w3id.org/zwgk/def#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <http://127.0.0.1:8000/id/> .

<http://127.0.0.1:8000/graph/shared> {
  id:agency\\/panlong\\/qu-cai-zheng-ju a zw:Agency, org:Organization ; skos:prefLabel "区财政局"@zh .
  id:agency\\/panlong\\/qu-zheng-wu-fu-wu-ju a zw:Agency, org:Organization ;
      skos:prefLabel "区政务服务局"@zh .
  id:agency\\/panlong\\/qu-zheng-fu-ban a zw:Agency, org:Organization ; skos:prefLabel "区政府办"@zh .
}
<http://127.0.0.1:8000/graph/plan/panlong-2023> {
  id:plan\\/panlong-2023 a zw:Plan, zw:WorkPoints ; dcterms:title "盘龙区2023年政务公开工作要点"@zh ;
      zw:year "2023"^^xsd:gYear .
  id:plan\\/panlong-2023\\/requirement\\/1 a zw:Requirement ; zw:inPlan id:plan\\/panlong-2023 ;
      zw:sequenceNumber 1 ; zw:requirementText "及时公开预算决算信息。"@zh ;
      zw:assignment id:plan\\/panlong-2023\\/requirement\\/1\\/assignment\\/1 .
  id:plan\\/panlong-2023\\/requirement\\/1\\/assignment\\/1 a zw:AgencyAssignment ;
      zw:agency id:agency\\/panlong\\/qu-cai-zheng-ju ; zw:role zw:LeadRole .
  id:plan\\/panlong-2023\\/requirement\\/2 a zw:Requirement ; zw:inPlan id:plan\\/panlong-2023 ;
      zw:sequenceNumber 2 ; zw:requirementText "优化政务服务事项办事指南。"@zh ;
      zw:assignment id:plan\\/panlong-2023\\/requirement\\/2\\/assignment\\/1 .
  id:plan\\/panlong-2023\\/requirement\\/2\\/assignment\\/1 a zw:AgencyAssignment ;
      zw:agency id:agency\\/panlong\\/qu-zheng-wu-fu-wu-ju ; zw:role zw:LeadRole .
}
<http://127.0.0.1:8000/graph/plan/panlong-2024> {
  id:plan\\/panlong-2024 a zw:Plan, zw:DivisionOfWorkPlan ;
      dcterms:title "盘龙区2024年政务公开工作分工方案"@zh ;
      zw:year "2024"^^xsd:gYear .
  id:plan\\/panlong-2024\\/requirement\\/1 a zw:Requirement ; zw:inPlan id:plan\\/panlong-2024 ;
      zw:sequenceNumber 1 ; zw:requirementText "做好政府信息公开年度报告。"@zh ;
      zw:assignment id:plan\\/panlong-2024\\/requirement\\/1\\/assignment\\/1 .
  id:plan\\/panlong-2024\\/requirement\\/1\\/assignment\\/1 a zw:AgencyAssignment ;
      zw:agency id:agency\\/panlong\\/qu-zheng-fu-ban ; zw:role zw:LeadRole .
}
"""

EXAMPLE_QUERIES = {
    "plans.rq": """# title: 工作要点与分工方案 · Plans
# description: Every plan with its title and year,
# description: oldest first.
PREFIX zw: <https://w3id.org/zwgk/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?plan ?title ?year WHERE { ?plan a zw:Plan ; dcterms:title ?title ; zw:year ?year } ORDER BY ?year
""",
    "lead-agencies.rq": """# title: 牵头单位 · Lead agencies
# description: How many requirements each agency takes on in a role (default: lead, 牵头).
# param: role | iri | https://w3id.org/zwgk/def#LeadRole | the agency's role
PREFIX zw: <https://w3id.org/zwgk/def#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?agency ?name (COUNT(?req) AS ?requirements) WHERE {
  ?req zw:assignment [ zw:agency ?agency ; zw:role ?role ] .
  ?agency skos:prefLabel ?name .
} GROUP BY ?agency ?name ORDER BY DESC(?requirements) ?name
""",
}


def build_store(path: Path, graphs: dict[str, Path] | None = None, trig: str | None = None) -> Path:
    """Write a store: N-Triples files into the named graphs given, and/or a TriG snippet."""
    store = ox.Store(str(path))
    for graph, nt_file in (graphs or {}).items():
        store.load(path=str(nt_file), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    if trig:
        store.load(trig.encode("utf-8"), format=ox.RdfFormat.TRIG)
    store.flush()
    del store  # closes the writable handle before the server's workers open it read-only
    return path


def w3c_graph_files() -> dict[str, Path]:
    """Graph name → data file, as the manifest's ut:graphData entries name them."""
    manifest = Graph().parse(W3C_DIR / "manifest.ttl")
    graphs = {}
    for data in manifest.objects(None, UT.graphData):
        label = manifest.value(data, RDFS.label)
        file_iri = manifest.value(data, UT.graph)
        graphs[str(label)] = W3C_DIR / Path(str(file_iri)).name
    return graphs


@contextmanager
def running_server(**settings: str) -> Iterator[str]:
    """Run ``python -m kg.serve`` with KG_* settings on a free port; yield its /sparql URL."""
    port = free_port()
    env = {**os.environ, "KG_HOST": "127.0.0.1", "KG_PORT": str(port),
           "KG_TEMPLATES_DIR": str(PROJECT / "site" / "templates"),
           "KG_STATIC_DIR": str(PROJECT / "site" / "static")}
    env.update({"KG_" + k.upper(): v for k, v in settings.items()})
    proc = subprocess.Popen([sys.executable, "-m", "kg.serve"], cwd=PROJECT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        wait_until_responds(url + "?query=ASK%7B%7D", proc, why_exited=lambda: proc.stderr.read().decode(errors="replace"))
        yield url
    finally:
        stop_process(proc)
