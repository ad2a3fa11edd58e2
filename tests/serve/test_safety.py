"""Bad input against the real server: malformed, huge, unknown Accept, updates, SERVICE, runaway queries."""

from __future__ import annotations

import socket
import threading
import uuid

import httpx
import pytest
from serve_support import SERVER_TIMEOUT

ZW = "https://w3id.org/zwgk/def#"
PLAN_COUNT = f"SELECT (COUNT(?p) AS ?n) WHERE {{ ?p a <{ZW}Plan> }}"
# Twelve-fold cross product of ~50 triples: about 10^20 combinations, minutes to centuries of work.
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(12)) + " }")


def _plan_count(url: str, note: str = "") -> int:
    # A distinct comment makes a distinct cache key, so the query really reaches a worker.
    response = httpx.get(url, params={"query": PLAN_COUNT + f" # {note}"}, timeout=30)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_malformed_query_is_400_with_parser_message(tiny_server: str) -> None:
    response = httpx.get(tiny_server, params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert "syntax error" in response.text and "1:" in response.text


def test_query_longer_than_cap_is_413(tiny_server: str) -> None:
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    response = httpx.post(tiny_server, data={"query": huge})
    assert response.status_code == 413


def test_body_larger_than_cap_is_413(tiny_server: str) -> None:
    body = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 400_000
    response = httpx.post(tiny_server, content=body, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_unknown_accept_is_406(tiny_server: str) -> None:
    response = httpx.get(tiny_server, params={"query": PLAN_COUNT}, headers={"Accept": "application/pdf"})
    assert response.status_code == 406


def test_unknown_post_media_type_is_415(tiny_server: str) -> None:
    response = httpx.post(tiny_server, content=PLAN_COUNT, headers={"Content-Type": "application/json"})
    assert response.status_code == 415


@pytest.mark.parametrize("how", ["get-update", "form-update", "direct-update", "insert-as-query",
                                 "load-as-query", "drop-as-query"])
def test_update_attempts_are_refused_and_change_nothing(tiny_server: str, how: str) -> None:
    insert = f"INSERT DATA {{ GRAPH <urn:x:g> {{ <urn:x:evil> a <{ZW}Plan> }} }}"
    requests = {
        "get-update": lambda: httpx.get(tiny_server, params={"update": insert}),
        "form-update": lambda: httpx.post(tiny_server, data={"update": insert}),
        "direct-update": lambda: httpx.post(tiny_server, content=insert,
                                            headers={"Content-Type": "application/sparql-update"}),
        "insert-as-query": lambda: httpx.post(tiny_server, data={"query": insert}),
        "load-as-query": lambda: httpx.get(tiny_server, params={"query": "LOAD <http://127.0.0.1:9/x.ttl>"}),
        "drop-as-query": lambda: httpx.get(tiny_server, params={"query": "DROP ALL"}),
    }
    response = requests[how]()
    assert response.status_code == 403
    assert "read-only" in response.text
    assert _plan_count(tiny_server, how) == 2


def test_service_to_loopback_is_refused_without_any_connection(tiny_server: str) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        response = httpx.get(tiny_server, params={"query": query})
        assert response.status_code == 403
        assert "allowlist" in response.text
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody called the loopback address
    finally:
        listener.close()


def test_service_with_variable_endpoint_is_refused(tiny_server: str) -> None:
    query = "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:1/> } SERVICE ?e { ?s ?p ?o } }"
    assert httpx.get(tiny_server, params={"query": query}).status_code == 403


def test_runaway_query_is_stopped_while_other_clients_are_served(tiny_server: str) -> None:
    outcome: dict[str, httpx.Response] = {}
    started = threading.Event()

    def run_away() -> None:
        started.set()
        outcome["runaway"] = httpx.get(tiny_server, params={"query": RUNAWAY + f" # {uuid.uuid4()}"},
                                       timeout=120)

    thread = threading.Thread(target=run_away)
    thread.start()
    started.wait()
    served_meanwhile = [_plan_count(tiny_server, f"meanwhile {i} {uuid.uuid4()}") for i in range(3)]
    runaway_still_running = thread.is_alive()
    thread.join(timeout=120)
    assert served_meanwhile == [2, 2, 2]
    assert runaway_still_running, "the runaway query ended before the other clients were answered"
    response = outcome["runaway"]
    assert response.status_code == 503
    assert f"time limit of {float(SERVER_TIMEOUT):g} s" in response.text
    # The killed worker is replaced: the server goes on answering.
    assert [_plan_count(tiny_server, f"after {i} {uuid.uuid4()}") for i in range(4)] == [2, 2, 2, 2]


def test_client_timeout_is_capped_by_server_limit(tiny_server: str) -> None:
    response = httpx.get(tiny_server, params={"query": RUNAWAY + f" # {uuid.uuid4()}", "timeout": "1"},
                         timeout=120)
    assert response.status_code == 503 and "time limit of 1 s" in response.text
    capped = httpx.get(tiny_server, params={"query": RUNAWAY + f" # {uuid.uuid4()}", "timeout": "3600"},
                       timeout=120)
    assert capped.status_code == 503 and f"time limit of {float(SERVER_TIMEOUT):g} s" in capped.text
