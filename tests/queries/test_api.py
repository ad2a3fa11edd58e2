"""The REST API over the catalogue (kg.serve.api): listing, JSON and CSV, parameter errors, OpenAPI."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kg.serve.api import api_router
from tests.queries.conftest import parse_csv, serve_settings


def test_listing_documents_every_query_and_its_parameters(api_client: TestClient) -> None:
    response = api_client.get("/api/queries")
    assert response.status_code == 200
    queries = {q["name"]: q for q in response.json()["queries"]}
    assert len(queries) >= 15
    agency = queries["requirements-by-agency"]
    assert agency["title_zh"] == "按单位和角色查具体要求"
    assert [(p["name"], p["type"], p["default"]) for p in agency["parameters"]] == [
        ("agency", "string", "区政府办公室"), ("role", "string", None), ("region", "string", None)]
    assert agency["url"].endswith("/api/queries/requirements-by-agency")


def test_json_result_names_the_bound_parameters(api_client: TestClient) -> None:
    response = api_client.get("/api/queries/lead-agencies", params={"region": "盘龙区", "top": "2"})
    assert response.status_code == 200
    body = response.json()
    assert body["parameters"] == {"region": "盘龙区", "top": "2"}
    assert body["columns"][:4] == ["region", "rank", "agency", "leads"]
    assert [(r["agency"], r["leads"]) for r in body["rows"]] == [("区政府办公室", "26"), ("区新闻中心", "13")]
    assert body["truncated"] is False


@pytest.mark.parametrize("how", [{"headers": {"Accept": "text/csv"}}, {"params": {"format": "csv"}}])
def test_csv_by_accept_header_or_format_parameter(api_client: TestClient, how: dict) -> None:
    params = {"document": "财预〔2014〕36号", **how.get("params", {})}
    response = api_client.get("/api/queries/citing-document", params=params, headers=how.get("headers"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = parse_csv(response.text)
    assert {(r["region"], r["seq"]) for r in rows} == {("盘龙区", "12"), ("楚雄州", "12")}


def test_default_parameters_apply(api_client: TestClient) -> None:
    body = api_client.get("/api/queries/requirements-due-in-month").json()
    assert body["parameters"] == {"month": "10"}  # year and kind have no default: left unbound
    assert {r["due"][5:7] for r in body["rows"]} == {"10"}


def test_unknown_parameter_is_a_400_that_names_it(api_client: TestClient) -> None:
    response = api_client.get("/api/queries/lead-agencies", params={"agnecy": "区财政局"})
    assert response.status_code == 400
    assert "agnecy" in response.json()["detail"] and "top" in response.json()["detail"]


@pytest.mark.parametrize(("name", "params", "named"), [
    ("requirements-due-in-month", {"month": "十月"}, "month"),
    ("requirements-due-before", {"before": "2018-13-01"}, "before"),
    ("reconstructed-rows", {"below": "half"}, "below"),
])
def test_ill_typed_parameter_is_a_400_that_names_it(api_client: TestClient, name, params, named) -> None:
    response = api_client.get(f"/api/queries/{name}", params=params)
    assert response.status_code == 400
    assert named in response.json()["detail"]


def test_unknown_query_and_format(api_client: TestClient) -> None:
    assert api_client.get("/api/queries/no-such-query").status_code == 404
    response = api_client.get("/api/queries/plans", params={"format": "xml"})
    assert response.status_code == 400 and "csv or json" in response.json()["detail"]


def test_parameter_given_twice_is_refused(api_client: TestClient) -> None:
    response = api_client.get("/api/queries/lead-agencies?top=1&top=2")
    assert response.status_code == 400 and "top" in response.json()["detail"]


def test_values_are_bound_not_spliced(api_client: TestClient) -> None:
    # a value that would break out of a string literal if it were pasted into the query text
    sneaky = '区政府办公室" } UNION { ?s ?p ?o } #'
    response = api_client.get("/api/queries/requirements-by-agency", params={"agency": sneaky})
    assert response.status_code == 200
    assert response.json()["rows"] == []


def test_row_limit_truncates_and_says_so(catalogue_settings, catalogue_store) -> None:
    app = FastAPI()
    app.include_router(api_router(serve_settings(catalogue_settings, max_rows=3), catalogue_store))
    response = TestClient(app).get("/api/queries/requirements")
    assert len(response.json()["rows"]) == 3 and response.json()["truncated"] is True
    assert response.headers["X-Result-Truncated"] == "true"


def test_without_a_local_store_queries_answer_503(catalogue_settings) -> None:
    app = FastAPI()
    app.include_router(api_router(serve_settings(catalogue_settings), None))
    client = TestClient(app)
    assert client.get("/api/queries").status_code == 200
    assert client.get("/api/queries/plans").status_code == 503


def test_openapi_documents_both_routes(api_client: TestClient) -> None:
    schema = api_client.get("/openapi.json").json()
    assert {"/api/queries", "/api/queries/{name}"} <= set(schema["paths"])
    run = schema["paths"]["/api/queries/{name}"]["get"]
    assert {"200", "400", "404"} <= set(run["responses"])
    assert "text/csv" in run["responses"]["200"]["content"]


def test_router_composes_with_the_server_app(catalogue_settings, catalogue_store) -> None:
    """The wiring kg.serve.app.create_app needs: include api_router beside the /sparql router."""
    from kg.serve.app import create_app

    class NoBackend:
        build_id = "test"

        def query(self, job, timeout):  # pragma: no cover - the catalogue API does not use the backend
            raise AssertionError("not used")

        def close(self) -> None:
            pass

    settings = serve_settings(catalogue_settings)
    app = create_app(settings, NoBackend())
    if not any(getattr(route, "path", "") == "/api/queries" for route in app.routes):
        app.include_router(api_router(settings, catalogue_store))
    rows = TestClient(app).get("/api/queries/comparison-summary").json()["rows"]
    assert [(r["regionA"], r["regionB"], r["same"]) for r in rows] == [("盘龙区", "楚雄州", "52")]
