"""Plan comparisons → RDF: a zw:PlanComparison per compared pair, a zw:Correspondence per counterpart pair,
and zw:unmatchedIn for requirements found in one plan only.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from kg import vocab as V
from kg.compare import Correspondence, PlanComparison
from kg.rdf import decimal, document_iri, zh
from kg.vocab import Minter

BASIS_LABEL = {"same-implemented-document": "落实同一上级文件", "same-province-and-year": "同省同年",
               "implements-the-other": "一方落实另一方"}


def write_comparisons(graph: Graph, comparisons: list[PlanComparison], minter: Minter) -> None:
    """Write every comparison into ``graph`` (the pipeline passes vocab.comparison_graph's graph)."""
    for comparison in comparisons:
        write_comparison(graph, comparison, minter)


def write_comparison(g: Graph, comparison: PlanComparison, m: Minter) -> URIRef:
    """One comparison node, its correspondences, and the unmatched requirements' links to it."""
    node = V.comparison_iri(m, comparison.from_plan, comparison.to_plan)
    g.add((node, RDF.type, V.PlanComparison))
    bases = "、".join(BASIS_LABEL.get(b, b) for b in comparison.bases)
    g.add((node, RDFS.label, zh(f"{comparison.titles[0]}与{comparison.titles[1]}逐项比较（{bases}）")))
    for slug in (comparison.from_plan, comparison.to_plan):
        g.add((node, V.comparedPlan, m.plan(slug)))
    for basis in comparison.bases:
        g.add((node, V.comparisonBasis, Literal(basis)))
    for ref in comparison.shared_documents:
        g.add((node, V.sharedDocument, document_iri(m, ref)))
    if comparison.province is not None:
        g.add((node, V.sharedRegion, m.region(comparison.province[1])))
    g.add((node, V.similarityMethod, Literal(comparison.method)))
    for pair in comparison.correspondences:
        g.add((node, V.hasCorrespondence, _correspondence(g, node, pair, m)))
    for item in comparison.unmatched:
        g.add((m.requirement(item.plan, item.key), V.unmatchedIn, node))
    return node


def _correspondence(g: Graph, comparison: URIRef, pair: Correspondence, m: Minter) -> URIRef:
    node = V.correspondence_iri(comparison, pair.from_key, pair.to_key)
    g.add((node, RDF.type, V.Correspondence))
    g.add((node, V.fromRequirement, m.requirement(pair.from_plan, pair.from_key)))
    g.add((node, V.toRequirement, m.requirement(pair.to_plan, pair.to_key)))
    g.add((node, V.similarity, decimal(pair.similarity)))
    g.add((node, V.relation, V.RELATION[pair.relation.value]))
    return node
