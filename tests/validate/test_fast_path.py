"""The SPARQL fast path: what it compiles, what it refuses, and that it agrees with pyshacl."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from rdflib import Graph

from kg.settings import PROJECT_ROOT
from kg.shacl import ValidationError, load_shapes
from kg.validate_fast import compile_shapes, run_checks
from kg.validate_reference import validate_graph
from kg.vocab import SH

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix zw: <https://w3id.org/zwgk/def#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix zws: <https://w3id.org/zwgk/shapes#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(PROJECT_ROOT / "shapes")


def _turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def _both(data: Graph, shapes: Graph):
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(ox.parse(data.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES))
    fast = run_checks(store, compile_shapes(shapes))
    reference = validate_graph(data, shapes)
    return fast, reference


def test_every_shape_compiles(shapes):
    checks = compile_shapes(shapes)
    compiled = {c.shape for c in checks}
    targeted = {s for s in shapes.subjects(SH.severity, None)}
    # every shape with a constraint is compiled (node shapes whose only content is sh:property are not)
    with_constraints = {s for s in targeted if set(shapes.predicates(s)) & {
        SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["in"], SH.pattern, SH.sparql, SH.minLength,
        SH.uniqueLang, SH.minInclusive, SH.maxInclusive, SH.languageIn}}
    assert with_constraints <= compiled
    assert len(checks) > 150


def test_unsupported_constraints_are_refused_not_skipped():
    shapes = _turtle("ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
                     "sh:or ( [ sh:class ex:D ] [ sh:class ex:E ] ) .")
    with pytest.raises(ValidationError, match="or"):
        compile_shapes(shapes)


def test_a_query_without_this_is_refused():
    shapes = _turtle('ex:S a sh:NodeShape ; sh:targetClass ex:C ; '
                     'sh:sparql [ sh:select "SELECT ?x WHERE { ?x a ex:C }" ] .')
    with pytest.raises(ValidationError, match=r"\$this"):
        compile_shapes(shapes)


def test_homophone_agencies_merged_into_one_iri_are_a_violation(shapes):
    # 区税务局 and 区水务局 are both qu-shui-wu-ju in pinyin: one IRI, two agencies (seen in 五华 2019)
    data = _turtle("""<http://127.0.0.1:8000/id/agency/kunming-wuhua/qu-shui-wu-ju> a zw:Agency ;
        skos:prefLabel "区税务局"@zh , "区水务局"@zh .""")
    fast, reference = _both(data, shapes)
    for results in (fast, reference):
        found = [(str(r.shape).rsplit("#")[-1], r.severity) for r in results]
        assert found == [("Agency-prefLabel", SH.Violation)]


@pytest.mark.parametrize("number, ok", [("国办发〔2017〕47号", True), ("五政办通〔2019〕71号", True),
                                        ("国发〔2017〕047号", False), ("国发[2017]47号", False),
                                        ("国发〔2017〕47 号", False), ("〔2017〕47号", False)])
def test_document_number_pattern(shapes, number, ok):
    data = _turtle(f'ex:d zw:documentNumber "{number}" .')
    fast, reference = _both(data, shapes)
    for results in (fast, reference):
        pattern = [r for r in results if r.component == SH.PatternConstraintComponent]
        assert bool(pattern) is not ok, results


def test_fast_path_and_pyshacl_agree_on_the_hostile_sample(hostile_validated, shapes):
    from kg.shacl import union_graph
    from kg.validate_fast import load_store

    nquads = hostile_validated.folder / "graph.nq"
    fast = run_checks(load_store(nquads), compile_shapes(shapes))
    reference = validate_graph(union_graph(nquads), shapes)
    def key(result) -> tuple:
        return result.key(), tuple(sorted(str(m) for m in result.messages))

    assert Counter(map(key, fast)) == Counter(map(key, reference))
    assert {r.severity for r in fast} == {SH.Violation, SH.Warning, SH.Info}


CARRIED = """
ex:plan a zw:DivisionOfWorkPlan .
ex:g1 a zw:TaskGroup . ex:g2 a zw:TaskGroup .
ex:r27 zw:inPlan ex:plan ; zw:inGroup ex:g1 ; zw:deadline ex:r27d .
ex:r29 zw:inPlan ex:plan ; zw:inGroup ex:g1 .
ex:r30 zw:inPlan ex:plan ; zw:inGroup ex:g2 ; zw:deadline ex:r30d .
ex:r27d zw:valueOrigin zw:Inferred ; zw:carriedFrom ex:r29 .
ex:r30d zw:valueOrigin zw:Inferred ; zw:carriedFrom ex:r29 .
"""


def test_carrying_is_bound_to_the_task_block(shapes):
    # 盘龙 rows 27–28 take their deadline from row 29, which reprints the block after a page break: fine.
    # A value carried into another task group (row 30 here) is not what a merged cell can do.
    fast, reference = _both(_turtle(CARRIED), shapes)
    for results in (fast, reference):
        flagged = {str(r.focus).rsplit("/", 1)[-1] for r in results
                   if str(r.shape).endswith("CarriedFromElsewhereShape")}
        assert flagged == {"r30d"}


INFERRED = """
ex:plan a zw:DivisionOfWorkPlan .
ex:r28 a zw:Requirement ; zw:inPlan ex:plan ; zw:sequenceNumber 28 ; zw:assignment ex:a28 .
ex:r29 a zw:Requirement ; zw:inPlan ex:plan ; zw:sequenceNumber 29 .
ex:r31 a zw:Requirement ; zw:inPlan ex:plan ; zw:sequenceNumber 31 .
ex:r30 a zw:Requirement ; zw:inPlan ex:plan ; zw:assignment ex:a30 , ex:b30 , ex:c30 .
ex:a28 a zw:AgencyAssignment ; zw:valueOrigin zw:Inferred ; zw:printedText "县政务公开办" ; zw:carriedFrom ex:r29 .
ex:a30 a zw:AgencyAssignment ; zw:valueOrigin zw:Inferred ; zw:printedText "县政府办" ; zw:carriedFrom ex:r31 .
ex:b30 a zw:AgencyAssignment ; zw:valueOrigin zw:Inferred ; zw:carriedFrom ex:nowhere .
ex:c30 a zw:AgencyAssignment ; zw:valueOrigin zw:Printed ; zw:printedText "县财政局" .
"""


def test_an_inferred_value_names_its_text_and_the_row_it_came_from(shapes):
    """InferredAssignmentShape's message: the printed text and the number of the row it was carried from;
    "" and "?" where either is unknown. Each focus node keeps its own (the optional parts are joined)."""
    fast, reference = _both(_turtle(INFERRED), shapes)
    for results in (fast, reference):
        said = {str(r.focus).rsplit("/", 1)[-1]: {str(m) for m in r.messages} for r in results
                if str(r.shape).endswith("InferredAssignmentShape")}
        assert said == {
            "a28": {"“县政务公开办”未印在本行，系沿用第 29 项的合并单元格（推断值）",
                    "“县政务公开办” is not printed on this row: carried down from the merged cell of item 29 (inferred)"},
            "a30": {"“县政府办”未印在本行，系沿用第 31 项的合并单元格（推断值）",
                    "“县政府办” is not printed on this row: carried down from the merged cell of item 31 (inferred)"},
            "b30": {"“”未印在本行，系沿用第 ? 项的合并单元格（推断值）",
                    "“” is not printed on this row: carried down from the merged cell of item ? (inferred)"}}
    # the same through a scope naming the nodes (the incremental run)
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(ox.parse(_turtle(INFERRED).serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES))
    check = next(c for c in compile_shapes(shapes) if str(c.shape).endswith("InferredAssignmentShape"))
    named = "{ VALUES ?this { <http://example.org/a30> <http://example.org/b30> } }"
    scoped = run_checks(store, [replace(check, query=check.for_nodes(named))])
    assert {str(r.focus).rsplit("/", 1)[-1]: {str(m) for m in r.messages} for r in scoped} == \
        {k: v for k, v in said.items() if k in ("a30", "b30")}


OUT_OF_PLACE = """
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:plan a zw:DivisionOfWorkPlan ; zw:year "2019"^^xsd:gYear .
ex:other a zw:DivisionOfWorkPlan ; zw:year "2019"^^xsd:gYear .
ex:g a zw:TaskGroup ; zw:inPlan ex:other .
ex:r1 a zw:Requirement ; zw:inPlan ex:plan ; zw:deadline ex:d1 ; zw:firstLine 7 ; zw:lastLine 9 ;
    zw:sequenceNumber 1 .
ex:r2 a zw:Requirement ; zw:inPlan ex:plan ; zw:deadline ex:d2 ; zw:firstLine 10 ; zw:lastLine 10 ;
    zw:sequenceNumber 2 .
ex:r3 a zw:Requirement ; zw:inPlan ex:plan ; zw:deadline ex:d3 ; zw:firstLine 12 ; zw:lastLine 11 ;
    zw:inGroup ex:g ; zw:sequenceNumber 2 .
ex:r4 a zw:Requirement ; zw:inPlan ex:plan ; zw:sequenceNumber 5 .
ex:r5 a zw:Requirement ; zw:inPlan ex:other ; zw:sequenceNumber 5 .
ex:points a zw:WorkPoints ; zw:year "2019"^^xsd:gYear .
ex:r6 a zw:Requirement ; zw:inPlan ex:points ; zw:sequenceNumber 1 .
ex:d1 zw:dueDate "2018-06-30"^^xsd:date .
ex:d2 a zw:OnOrBeforeDeadline ; zw:dueDate "2020-12-31"^^xsd:date .
ex:d3 zw:dueDate "2021-01-31"^^xsd:date .
"""


@pytest.mark.parametrize("shape, flagged", [
    ("DeadlineBeforePlanYearShape", {"d1"}), ("DeadlineAfterWindowShape", {"d3"}),
    ("LineSpanOrderShape", {"r3"}), ("GroupInOtherPlanShape", {"r3"}), ("DuplicateSequenceShape", {"r2", "r3"}),
    ("SequenceGapShape", {"r4"}), ("DeadlineMissingShape", {"r4", "r5"}), ("DeadlineKindShape", {"d1", "d3"})])
def test_constraints_joined_by_hashing_flag_what_they_did(shapes, shape, flagged):
    # these constraints read each predicate in a sub-select of its own (kg.validate_fast._join_focus): the
    # focus nodes are joined outside them, and each flags only its own nodes, as pyshacl does
    fast, reference = _both(_turtle(OUT_OF_PLACE), shapes)
    for results in (fast, reference):
        assert {str(r.focus).rsplit("/", 1)[-1] for r in results if str(r.shape).endswith(shape)} == flagged


def test_blank_targets_finds_a_blank_focus_node_of_a_changed_graph():
    """An incremental run scans a changed plan's graph for blank nodes only when some check targets one:
    a blank node typed (in any graph) with a target class counts; one that no shape targets does not."""
    import pyoxigraph as ox

    from kg.validate_fast import blank_targets

    checks = compile_shapes(_turtle("ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
                                    "sh:property [ sh:path ex:p ; sh:minCount 1 ] ."))
    store = ox.Store()
    store.extend(ox.parse("""
        <http://example.org/a> <http://example.org/q> _:typed <http://example.org/g1> .
        _:typed <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/C> <http://example.org/g2> .
        <http://example.org/b> <http://example.org/q> _:plain <http://example.org/g3> .
        _:plain <http://example.org/q> "x" <http://example.org/g3> .
        """, format=ox.RdfFormat.N_QUADS))
    assert blank_targets(store, checks, ["http://example.org/g1"])
    assert blank_targets(store, checks, ["http://example.org/g3", "http://example.org/g2"])
    assert not blank_targets(store, checks, ["http://example.org/g3"])
    assert not blank_targets(store, checks, ["http://example.org/none"])


def test_every_check_asked_about_a_few_nodes_finds_what_it_finds_for_all(shapes):
    """An incremental run asks each check about the nodes in its scope only, with the query for a few nodes
    (SequenceGapShape's own zws:fewNodesSelect among them): each finds, for those nodes, what the check over
    every node finds. r4 follows 2 with 5 in its plan; r5 is the first row of the other plan (no gap)."""
    import pyoxigraph as ox

    from kg.validate_fast import Scope

    store = ox.Store()
    store.extend(ox.parse(_turtle(OUT_OF_PLACE).serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES))
    checks = compile_shapes(shapes)
    assert any(c.few and "GROUP BY ?plan" in c.few for c in checks if str(c.shape).endswith("SequenceGapShape"))
    scope = frozenset(f"http://example.org/{name}" for name in ("r4", "r5", "r2", "d1", "plan"))
    everything = {r.key() for r in run_checks(store, checks) if str(r.focus) in scope}
    scoped = run_checks(store, checks, scope=Scope(iris=scope))
    assert {r.key() for r in scoped} == everything
    gaps = {str(r.focus).rsplit("/", 1)[-1] for r in scoped if str(r.shape).endswith("SequenceGapShape")}
    assert gaps == {"r4"}
