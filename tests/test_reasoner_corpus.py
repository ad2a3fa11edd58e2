"""HermiT (owlready2) finds the ontology plus the graph built from the five real plans consistent."""

from __future__ import annotations

from kg.reasoner import check_consistency


def test_ontology_plus_built_corpus_is_consistent(built):
    nt = built.build_dir / "graph.nt"
    assert nt.stat().st_size > 1_000_000  # the whole corpus, not an empty dump
    check_consistency(nt)  # raises KgError naming the clash otherwise
