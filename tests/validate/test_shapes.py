"""The shapes graph itself: valid against the SHACL meta-shapes, bilingual, deliberate severities, and a
shape for every class of the ontology."""

from __future__ import annotations

import pytest
from pyshacl.entrypoints import meta_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.settings import PROJECT_ROOT
from kg.shacl import load_shapes
from kg.vocab import SH, ZW

SHAPES = PROJECT_ROOT / "shapes"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(SHAPES)


def _shapes(g: Graph) -> set:
    return set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))


def test_shapes_conform_to_the_shacl_meta_shapes(shapes):
    conforms, _, text = meta_validate(shapes)
    assert conforms, text


def test_meta_shapes_catch_a_broken_shape(shapes):
    broken = Graph()
    broken += shapes
    broken.add((URIRef("https://w3id.org/zwgk/shapes#Requirement-text"), SH.minCount, Literal("one")))
    conforms, _, _ = meta_validate(broken)
    assert not conforms


def test_every_shape_has_severity_messages_and_labels_in_zh_and_en(shapes):
    for shape in _shapes(shapes):
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape
        for predicate in (SH.message, RDFS.label):
            langs = {o.language for o in shapes.objects(shape, predicate) if isinstance(o, Literal)}
            assert {"zh", "en"} <= langs, f"{shape} {predicate}"


def test_every_shape_file_has_a_named_shape(shapes):
    assert all(isinstance(s, URIRef) for s in _shapes(shapes)), "blank-node shapes cannot be compared"
    files = sorted(p.name for p in SHAPES.glob("*.ttl"))
    assert {"plan.ttl", "requirement.ttl", "agency.ttl", "deadline.ttl", "document.ttl",
            "sparql-constraints.ttl"} <= set(files)


def test_severities_follow_the_stewards_scale(shapes):
    by_severity = {sev: {str(s).rsplit("#", 1)[-1] for s in shapes.subjects(SH.severity, sev)}
                   for sev in (SH.Violation, SH.Warning, SH.Info)}
    # Info only for values a reader inferred from merged cells
    assert by_severity[SH.Info] == {"InferredAssignmentShape", "InferredDeadlineShape"}
    warnings = {"ReconstructedAlignmentShape", "SequenceGapShape", "UnresolvedDeadlineShape"}
    assert warnings <= by_severity[SH.Warning]
    assert {"Requirement-text", "IssuerConflictShape", "DuplicateSequenceShape",
            "DeadlineBeforePlanYearShape"} <= by_severity[SH.Violation]


def test_every_class_of_the_ontology_has_a_shape(shapes):
    ontology = Graph()
    for path in (PROJECT_ROOT / "ontology").glob("*.ttl"):
        ontology.parse(path)
    targeted = set(shapes.objects(None, SH.targetClass))
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(ZW))}
    assert len(classes) > 20
    uncovered = {c for c in classes
                 if not targeted & set(ontology.transitive_objects(c, RDFS.subClassOf))}
    assert not uncovered, sorted(uncovered)


def test_sparql_constraints_project_this_and_avoid_forbidden_clauses(shapes):
    selects = [str(q) for q in shapes.objects(None, SH.select)]
    assert len(selects) >= 15
    for text in selects:
        head = text.split("WHERE", 1)[0]
        assert "$this" in head, text
        for word in ("VALUES", "MINUS", "SERVICE"):
            assert word not in text.upper().replace("SH:VALUES", ""), text
