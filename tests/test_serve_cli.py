"""`kg serve` as a user starts it: the real command over HTTP on the built corpus, then stopped."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kg.processes import free_port, stop_process, wait_until_responds


@pytest.fixture(scope="module")
def kg_serve(built):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "--build-dir", str(built.build_dir), "serve",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_responds(url + "sparql?query=ASK%7B%7D", proc, why_exited=lambda: proc.stderr.read().decode())
        yield url
    finally:
        stop_process(proc)


def get(url: str, accept: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_sparql_answers_a_catalogue_fact(kg_serve):
    query = urllib.parse.quote('PREFIX zw: <https://w3id.org/zwgk/def#> SELECT (COUNT(?r) AS ?n) WHERE { '
                               '<http://127.0.0.1:8000/id/plan/kunming-panlong-2018> zw:hasRequirement ?r }')
    status, media, body = get(kg_serve + "sparql?query=" + query, "application/sparql-results+json")
    assert status == 200 and "json" in media
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "92"


def test_entity_uri_negotiates_turtle_and_html(kg_serve):
    status, media, body = get(kg_serve + "id/plan/kunming-panlong-2018", "text/turtle")
    assert status == 200 and media.startswith("text/turtle")  # after the 303 to .ttl
    assert "盘龙区2018年政务公开工作要点分工方案" in body.decode()
    status, media, body = get(kg_serve + "id/plan/kunming-panlong-2018", "text/html")
    assert media.startswith("text/html") and "盘龙区" in body.decode()


def test_catalogue_api_runs_a_query(kg_serve):
    status, _, body = get(kg_serve + "api/queries/plans", "application/json")
    result = json.loads(body)
    assert status == 200 and sorted(filter(None, (row["documentNumber"] for row in result["rows"]))) == [
        "五政办通〔2019〕71号", "槐政办发〔2020〕1号"]


def test_second_server_on_the_same_port_fails_cleanly(kg_serve, built):
    port = kg_serve.rsplit(":", 1)[1].strip("/")
    done = subprocess.run([sys.executable, "-m", "kg", "--build-dir", str(built.build_dir), "serve", "--port", port],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr


def test_updates_are_refused(kg_serve):
    data = urllib.parse.urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(kg_serve + "sparql", data=data), timeout=30)
    assert refused.value.code in (400, 403)
