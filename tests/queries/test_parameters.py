"""Catalogue parameters: bound by pyoxigraph substitutions, unbound when empty, filtering when bound.

pyoxigraph refuses a substitution for a variable the SELECT does not project, and BOUND() does not see a
substituted value; the catalogue's queries therefore project every parameter and filter with COALESCE.
"""

from __future__ import annotations

import pytest

from kg.catalogue import CatalogueQuery
from kg.query import as_table, bind_parameters, run_query
from tests.queries.test_catalogue import CATALOGUE

SAMPLE = {"string": "五华区", "integer": "1", "date": "2019-01-01", "decimal": "0.5"}
WITH_REGION = sorted(name for name, q in CATALOGUE.items() if "region" in {p.name for p in q.parameters})


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_runs_as_a_plain_example_without_parameters(name: str, catalogue_store) -> None:
    """The query UI runs the file as it is: unbound parameters must not filter everything out."""
    table = as_table(run_query(catalogue_store, CATALOGUE[name].text))
    assert table.rows, f"{name} returns nothing when its parameters are unbound"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_parameter_can_be_bound(name: str, catalogue_store) -> None:
    query: CatalogueQuery = CATALOGUE[name]
    given = {p.name: SAMPLE[p.type] for p in query.parameters}
    bindings = bind_parameters(query, given)
    assert len(bindings) == len(query.parameters)
    table = as_table(run_query(catalogue_store, query.text, bindings))  # raises if one is not projected
    for param in query.parameters:
        assert param.name in table.columns


@pytest.mark.parametrize("name", WITH_REGION)
def test_region_parameter_filters(name: str, catalogue_store) -> None:
    query = CATALOGUE[name]
    table = as_table(run_query(catalogue_store, query.text, bind_parameters(query, {"region": "盘龙区"})))
    regions = {row["region"] for row in table.dicts()}
    assert regions == {"盘龙区"}, name


def test_empty_default_leaves_the_parameter_unbound() -> None:
    query = CATALOGUE["requirements-by-agency"]
    assert [v.value for v in bind_parameters(query, {})] == ["agency"]
    assert [v.value for v in bind_parameters(query, {"agency": ""})] == []


def test_bound_comparison_filters(catalogue_store) -> None:
    query = CATALOGUE["lead-agencies"]
    ranks = {row["rank"] for row in as_table(run_query(
        catalogue_store, query.text, bind_parameters(query, {"top": "2"}))).dicts()}
    assert ranks == {"1", "2"}
