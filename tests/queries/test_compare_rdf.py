"""Plan comparisons as RDF (kg.compare_rdf): qualified correspondence nodes, unmatched links, consistency."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from kg import vocab as V
from kg.compare_rdf import write_comparisons
from kg.rdf import decimal
from kg.reasoner import check_consistency
from kg.vocab import Minter

M = Minter()
PANLONG = "kunming-panlong-2018"
CHUXIONG = "yunnan-chuxiong-2018"


@pytest.fixture(scope="module")
def graph(comparisons) -> Graph:
    g = Graph()
    write_comparisons(g, comparisons, M)
    return g


@pytest.fixture(scope="module")
def node():
    return V.comparison_iri(M, PANLONG, CHUXIONG)


def test_comparison_node(graph: Graph, node) -> None:
    assert (node, RDF.type, V.PlanComparison) in graph
    assert set(graph.objects(node, V.comparedPlan)) == {M.plan(PANLONG), M.plan(CHUXIONG)}
    assert (node, V.comparisonBasis, Literal("same-province-and-year")) in graph
    assert (node, V.sharedRegion, M.region("yun-nan-sheng")) in graph  # the IRI kg.rdf gives 云南省
    assert "same ≥ 0.90" in str(graph.value(node, V.similarityMethod))


def test_same_pair_is_a_qualified_correspondence(graph: Graph, node) -> None:
    pair = V.correspondence_iri(node, "7", "7")
    assert (node, V.hasCorrespondence, pair) in graph
    assert (pair, RDF.type, V.Correspondence) in graph
    assert (pair, V.fromRequirement, M.requirement(PANLONG, "7")) in graph
    assert (pair, V.toRequirement, M.requirement(CHUXIONG, "7")) in graph
    assert (pair, V.relation, V.RELATION["same"]) in graph
    assert graph.value(pair, V.similarity) == decimal(1.0)
    assert str(graph.value(pair, V.similarity)) == "1"  # canonical, as the store writes it back


def test_changed_pair_and_unmatched_requirements(graph: Graph, node) -> None:
    pair = V.correspondence_iri(node, "37", "34")
    assert (pair, V.relation, V.RELATION["changed"]) in graph
    assert (M.requirement(PANLONG, "51"), V.unmatchedIn, node) in graph
    assert len(set(graph.subjects(RDF.type, V.Correspondence))) == 82
    assert len(set(graph.subjects(V.unmatchedIn, node))) == 23  # 10 only in 盘龙 + 13 only in 楚雄


def test_comparison_graph_is_consistent_with_the_ontology(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "comparison.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    check_consistency(path)  # raises KgError when a term is used against its domain, range or datatype
