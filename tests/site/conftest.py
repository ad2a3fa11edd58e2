"""Site fixtures: the session build's rendered site, a plain static file server over it, the pages router,
and a tiny build whose labels try to inject markup."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.processes import free_port, stop_process, wait_until_responds
from kg.settings import PROJECT_ROOT, load_settings

ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def site_dir(built) -> Path:
    """build/site/ of the session build: written by `kg build` when it renders the site, else here, once."""
    from kg.site import render_site

    site = built.build_dir / "site"
    if not (site / "index.html").is_file() or not (site / "search-index").is_dir():
        render_site(built.build_dir, built.settings)
    return site


@pytest.fixture(scope="session")
def site_model(built, store):
    from kg.pages import SiteModel

    return SiteModel(store, built.settings)


@pytest.fixture(scope="session")
def static_server(site_dir: Path):
    """`python -m http.server` over build/site/ on a free port: what any static host does."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", str(site_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_responds(url + "index.html", proc, seconds=20)
        yield url
    finally:
        stop_process(proc, 5)


@pytest.fixture(scope="session")
def pages_client(built, store, site_dir):
    """The pages router in an app of its own, with the server's error handler."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from kg.serve.app import protocol_error
    from kg.serve.errors import ProtocolError
    from kg.serve.pages import pages_router

    app = FastAPI()
    app.include_router(pages_router(built.settings, store))
    app.add_exception_handler(ProtocolError, protocol_error)
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- a tiny build whose labels carry markup --------------------------------------------------------
HOSTILE_TITLE = '<script>alert("plan")</script>测试区2099年政务公开工作要点分工方案'
HOSTILE_AGENCY = '区<img src=x onerror=alert(1)>局'
HOSTILE_TEXT = '加强</script><script>alert("req")</script>政策解读'


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory: pytest.TempPathFactory):
    """A build of one made-up plan whose title, agency and requirement text contain HTML, rendered."""
    from rdflib import Dataset, Literal
    from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

    from kg import vocab as V
    from kg.site import render_site
    from kg.store import load_nquads, open_store

    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    source_text = f"{HOSTILE_TITLE}\n\n序号\t具体要求\n1\t{HOSTILE_TEXT}\t{HOSTILE_AGENCY}牵头\n"
    (corpus / "hostile.txt").write_text(source_text, "utf-8")
    import hashlib

    sha = hashlib.sha256(source_text.encode("utf-8")).hexdigest()
    settings = load_settings(build=root / "build", corpus=corpus)
    m = V.Minter(settings.base)
    ds = Dataset()
    g = ds.graph(m.plan_graph("test-2099"))
    plan, req, agency = m.plan("test-2099"), m.requirement("test-2099", "1"), m.agency("test", HOSTILE_AGENCY)
    region, source, assignment = m.region("test"), m.source(sha), m.node(req, "assignment", 1)
    for triple in [
        (plan, RDF.type, V.DivisionOfWorkPlan), (plan, DCTERMS.title, Literal(HOSTILE_TITLE, lang="zh")),
        (plan, RDFS.label, Literal(HOSTILE_TITLE, lang="zh")),
        (plan, V.year, Literal("2099", datatype=XSD.gYear)),
        (plan, V.region, region), (plan, V.hasRequirement, req), (plan, V.sourceDocument, source),
        (region, RDF.type, V.Region), (region, SKOS.prefLabel, Literal("测试区", lang="zh")),
        (source, RDF.type, V.SourceDocument), (source, RDFS.label, Literal("hostile.txt")),
        (source, V.sha256, Literal(sha)),
        (req, RDF.type, V.Requirement), (req, V.inPlan, plan), (req, V.sequenceNumber, Literal(1)),
        (req, V.documentOrder, Literal(1)), (req, V.requirementText, Literal(HOSTILE_TEXT, lang="zh")),
        (req, RDFS.label, Literal(HOSTILE_TITLE + " 第1项", lang="zh")), (req, V.sourceDocument, source),
        (req, V.firstLine, Literal(4)), (req, V.lastLine, Literal(4)), (req, V.assignment, assignment),
        (assignment, RDF.type, V.AgencyAssignment), (assignment, V.agency, agency),
        (assignment, V.role, V.ROLE["lead"]), (assignment, V.valueOrigin, V.Printed),
        (agency, RDF.type, V.Agency), (agency, SKOS.prefLabel, Literal(HOSTILE_AGENCY, lang="zh")),
        (agency, V.region, region),
    ]:
        g.add(triple)
    build = settings.build
    build.mkdir(parents=True)
    ds.serialize(build / "graph.nq", format="nquads", encoding="utf-8")
    union = ds.graph(m.plan_graph("test-2099"))
    union.serialize(build / "graph.nt", format="nt11", encoding="utf-8")
    store = open_store(build / "store", read_only=False)
    load_nquads(store, build / "graph.nq")
    del store
    render_site(build, settings, search=False)
    return settings, {"plan": plan, "requirement": req, "agency": agency}
