"""The ontology and the type scheme: terms match kg/vocab.py, labels, reuse, HermiT consistency."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

from kg import vocab
from kg.errors import KgError
from kg.reasoner import ONTOLOGY_FILES, check_consistency, explain_inconsistency
from kg.vocab import ELI, ORG, ZW, ZWT

ONTOLOGY, TYPES = ONTOLOGY_FILES
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
DECLARED = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY)


@pytest.fixture(scope="module")
def scheme() -> Graph:
    return Graph().parse(TYPES)


def vocab_terms(namespace: str) -> set[URIRef]:
    """Every term kg/vocab.py names in ``namespace`` (module constants and the ROLE/DEADLINE_CLASS maps)."""
    terms: set[URIRef] = set()
    for value in vars(vocab).values():
        values = value.values() if isinstance(value, dict) else [value]
        terms |= {v for v in values if isinstance(v, URIRef) and str(v).startswith(namespace)}
    return terms


def declared_zw_terms(onto: Graph) -> set[URIRef]:
    return {s for kind in DECLARED for s in onto.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and str(s).startswith(str(ZW))}


def langs(graph: Graph, term: URIRef, prop: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(term, prop) if isinstance(o, Literal)}


# --- header and terms ------------------------------------------------------------------------------
def test_header(onto: Graph) -> None:
    header = URIRef(str(ZW).rstrip("#"))
    assert (header, RDF.type, OWL.Ontology) in onto
    assert langs(onto, header, DCTERMS.title) == {"zh", "en"}
    assert langs(onto, header, DCTERMS.description) == {"zh", "en"}
    assert (header, DCTERMS.license, CC_BY) in onto
    assert onto.value(header, OWL.versionInfo) is not None
    assert onto.value(header, OWL.versionIRI) is not None
    assert onto.value(header, DCTERMS.creator) is not None


def test_ontology_defines_exactly_the_vocab_terms(onto: Graph) -> None:
    used, declared = vocab_terms(str(ZW)), declared_zw_terms(onto)
    assert used - declared == set(), "named in kg/vocab.py but not defined in the ontology"
    assert declared - used == set(), "defined in the ontology but not named in kg/vocab.py"


def test_every_zw_term_has_labels_and_definitions_in_both_languages(onto: Graph) -> None:
    for term in declared_zw_terms(onto):
        assert langs(onto, term, RDFS.label) == {"zh", "en"}, term
        assert langs(onto, term, SKOS.definition) == {"zh", "en"}, term


@pytest.mark.parametrize(("name", "kind"), [
    ("Plan", OWL.Class), ("Deadline", OWL.Class), ("QuantitativeTarget", OWL.Class),
    ("LeadRole", OWL.NamedIndividual), ("Printed", OWL.NamedIndividual),
    ("ReconstructedAlignment", OWL.NamedIndividual), ("agency", OWL.ObjectProperty),
    ("deadline", OWL.ObjectProperty), ("valueOrigin", OWL.ObjectProperty),
    ("requirementText", OWL.DatatypeProperty), ("dueDate", OWL.DatatypeProperty),
    ("alignmentConfidence", OWL.DatatypeProperty), ("year", OWL.DatatypeProperty),
])
def test_term_kinds(onto: Graph, name: str, kind: URIRef) -> None:
    assert (ZW[name], RDF.type, kind) in onto


@pytest.mark.parametrize(("s", "p", "o"), [
    (ZW.Agency, RDFS.subClassOf, ORG.Organization),
    (ZW.CollectiveAgency, RDFS.subClassOf, ORG.Organization),
    (ZW.AgencyRole, RDFS.subClassOf, ORG.Role),
    (ZW.Plan, RDFS.subClassOf, ELI.LegalResource),
    (ZW.OfficialDocument, RDFS.subClassOf, ELI.LegalResource),
    (ZW.Requirement, RDFS.subClassOf, ELI.LegalResourceSubdivision),
    (ZW.cites, RDFS.subPropertyOf, ELI.cites),
    (ZW.implements, RDFS.subPropertyOf, ELI.based_on),
    (ZW.Deadline, RDFS.subClassOf, vocab.TIME.TemporalEntity),
    (ZW.RequirementType, RDFS.subClassOf, SKOS.Concept),
    (ZW.requirementType, RDFS.subPropertyOf, DCTERMS.subject),
    (ZW.SourceDocument, RDFS.subClassOf, PROV.Entity),
    (ZW.LiftingActivity, RDFS.subClassOf, PROV.Activity),
    (ZW.sourceDocument, RDFS.subPropertyOf, PROV.wasDerivedFrom),
    (ZW.Plan, RDFS.subClassOf, PROV.Entity),
    (ZW.Requirement, RDFS.subClassOf, PROV.Entity),
    (ZW.Region, RDFS.subClassOf, DCTERMS.Location),
    (ZW.Agency, OWL.disjointWith, ZW.CollectiveAgency),
    (ZW.Printed, OWL.differentFrom, ZW.Inferred),
    (ZW.dueDate, RDFS.range, vocab.XSD.date),
    (ZW.year, RDFS.range, vocab.XSD.gYear),
])
def test_reuse_and_axioms(onto: Graph, s: URIRef, p: URIRef, o: URIRef) -> None:
    assert (s, p, o) in onto


def test_external_terms_are_declared_so_the_file_is_dl_on_its_own(onto: Graph) -> None:
    superterms = {o for p in (RDFS.subClassOf, RDFS.subPropertyOf) for o in onto.objects(None, p)
                  if isinstance(o, URIRef) and not str(o).startswith(str(ZW))}
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    undeclared = {t for t in superterms if not any((t, RDF.type, k) in onto for k in kinds)}
    assert undeclared == set()


def test_deadline_kinds_are_pairwise_disjoint(onto: Graph) -> None:
    kinds = set(vocab.DEADLINE_CLASS.values())
    member_lists = [set(Collection(onto, onto.value(axiom, OWL.members)))
                    for axiom in onto.subjects(RDF.type, OWL.AllDisjointClasses)]
    assert kinds in member_lists
    assert all((kind, RDFS.subClassOf, ZW.Deadline) in onto for kind in kinds)


def test_roles_are_agency_roles_and_all_different(onto: Graph) -> None:
    roles = set(vocab.ROLE.values())
    assert all((role, RDF.type, ZW.AgencyRole) in onto for role in roles)
    distinct = [set(Collection(onto, onto.value(a, OWL.distinctMembers)))
                for a in onto.subjects(RDF.type, OWL.AllDifferent)]
    assert roles in distinct


def test_functional_properties_are_exactly_the_truly_functional_ones(onto: Graph) -> None:
    functional = set(onto.subjects(RDF.type, OWL.FunctionalProperty))
    assert functional == {ZW.sequenceNumber, ZW.documentNumber, ZW.firstLine, ZW.lastLine, ZW.inPlan}


def test_text_properties_have_no_range_so_zh_literals_stay_consistent(onto: Graph) -> None:
    for prop in (ZW.requirementText, ZW.printedText, ZW.triggerEvent, ZW.unit, ZW.readerNote):
        assert onto.value(prop, RDFS.range) is None, prop


# --- requirement-type scheme -----------------------------------------------------------------------
def concepts(scheme: Graph) -> set[URIRef]:
    return set(scheme.subjects(RDF.type, SKOS.Concept))


def test_vocab_scheme_term_is_the_scheme(scheme: Graph) -> None:
    assert vocab_terms(str(ZWT)) == {vocab.RequirementTypeScheme}
    assert (vocab.RequirementTypeScheme, RDF.type, SKOS.ConceptScheme) in scheme


def test_every_concept_is_complete(scheme: Graph) -> None:
    assert len(concepts(scheme)) >= 45
    notations = []
    for c in concepts(scheme):
        assert (c, RDF.type, ZW.RequirementType) in scheme, c
        assert (c, SKOS.inScheme, ZWT.scheme) in scheme, c
        assert langs(scheme, c, SKOS.prefLabel) == {"zh", "en"}, c
        assert langs(scheme, c, SKOS.definition) == {"zh", "en"}, c
        notations.append(str(scheme.value(c, SKOS.notation)))
    assert len(set(notations)) == len(notations)


def test_broader_and_narrower_are_reciprocal_and_top_concepts_have_no_broader(scheme: Graph) -> None:
    broader = set(scheme.subject_objects(SKOS.broader))
    narrower = {(n, b) for b, n in scheme.subject_objects(SKOS.narrower)}
    assert broader == narrower
    tops = set(scheme.objects(ZWT.scheme, SKOS.hasTopConcept))
    assert tops == set(scheme.subjects(SKOS.topConceptOf, ZWT.scheme))
    assert tops == {c for c in concepts(scheme) if scheme.value(c, SKOS.broader) is None}


@pytest.mark.parametrize(("slug", "zh", "broader"), [
    ("decision-disclosure", "决策公开", "five-publics"),
    ("result-disclosure", "结果公开", "five-publics"),
    ("policy-interpretation", "政策解读", None),
    ("public-concerns", "回应关切", None),
    ("budget", "财政预决算", "key-areas"),
    ("food-and-drugs", "食品药品", "key-areas"),
    ("on-request-disclosure", "依申请公开", None),
    ("government-website", "政府网站", "platforms"),
    ("government-service-platform", "政务服务平台", "platforms"),
    ("confidentiality-review", "保密审查", "safeguards"),
    ("annual-report", "年度报告", "safeguards"),
    ("general", "其他", None),
])
def test_scheme_concepts(scheme: Graph, slug: str, zh: str, broader: str | None) -> None:
    concept = ZWT[slug]
    assert Literal(zh, lang="zh") in set(scheme.objects(concept, SKOS.prefLabel))
    assert scheme.value(concept, SKOS.broader) == (ZWT[broader] if broader else None)


def test_public_concerns_is_also_called_opinion_response(scheme: Graph) -> None:
    assert Literal("舆情回应", lang="zh") in set(scheme.objects(ZWT["public-concerns"], SKOS.altLabel))


# --- HermiT ----------------------------------------------------------------------------------------
PREFIXES = """
@prefix zw: <https://w3id.org/zwgk/def#> . @prefix zwt: <https://w3id.org/zwgk/type/> .
@prefix time: <http://www.w3.org/2006/time#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix ex: <http://example.org/id/> .
"""

# Row 1 of 盘龙区 2018 分工方案 (corpus lines 10-15: 区政府办牵头，区级各部门…分别负责落实 / 全年工作), given
# a second deadline as in a two-deadline cell, and a row 4 made up to hold the other kinds of node: an
# inferred assignment carried from row 1, an after-event deadline, a target, a reconstructed alignment.
SAMPLE = PREFIXES + """
ex:panlong a zw:Region ; zw:adminLevel "county" ; zw:withinRegion ex:kunming .
ex:kunming a zw:Region .
ex:plan a zw:DivisionOfWorkPlan ; dcterms:title "盘龙区2018年政务公开工作要点分工方案"@zh ;
    zw:year "2018"^^xsd:gYear ; zw:region ex:panlong ; zw:layout "tab-table" ;
    zw:issuedBy ex:notice ; zw:implements ex:guofa-2016-55 ; zw:hasRequirement ex:r1 , ex:r4 ;
    zw:hasTaskGroup ex:g1 ; zw:sourceDocument ex:src .
ex:notice a zw:Notice ; zw:documentNumber "昆政办〔2018〕1号" ; zw:documentYear "2018"^^xsd:gYear ;
    zw:serialNumber 1 ; zw:issuerConflict false .
ex:guofa-2016-55 a zw:OfficialDocument ; zw:documentNumber "国发〔2016〕55号" ; zw:issuerCode "国发" ;
    zw:printedAs "国发\\n\\n〔2016〕55 号" .
ex:g1 a zw:TaskGroup ; zw:groupLevel 1 ; zw:inPlan ex:plan ; zw:valueOrigin zw:Printed .
ex:src a zw:SourceDocument ; zw:sha256 "9f04f195d3e80933" ; zw:encoding "utf-8" .
ex:r1 a zw:Requirement ; zw:inPlan ex:plan ; zw:inGroup ex:g1 ; zw:sequenceNumber 1 ;
    zw:requirementText "将公开透明作为政府工作的基本要求，坚持公开为常态、不公开为例外"@zh ;
    zw:requirementType zwt:decision-disclosure ; zw:firstLine 10 ; zw:lastLine 15 ;
    zw:sourceDocument ex:src ; zw:alignment zw:PrintedAlignment ; zw:alignmentConfidence 1.0 ;
    zw:assignment ex:r1-a1 , ex:r1-a2 ; zw:deadline ex:r1-d1 , ex:r1-d2 .
ex:gov-office a zw:Agency ; zw:region ex:panlong ; zw:qualifiedName "盘龙区政府办公室"@zh .
ex:all-depts a zw:CollectiveAgency ; zw:region ex:panlong .
ex:r1-a1 a zw:AgencyAssignment ; zw:agency ex:gov-office ; zw:role zw:LeadRole ;
    zw:printedText "区政府办"@zh ; zw:valueOrigin zw:Printed .
ex:r1-a2 a zw:AgencyAssignment ; zw:agency ex:all-depts ; zw:role zw:ResponsibleRole ;
    zw:valueOrigin zw:Printed .
ex:r1-d1 a zw:PlanYearDeadline ; zw:printedText "全年工作"@zh ; zw:dueDate "2018-12-31"^^xsd:date ;
    time:hasEnd [ a time:Instant ; time:inXSDDate "2018-12-31"^^xsd:date ] ; zw:yearInferred true .
ex:r1-d2 a zw:OnOrBeforeDeadline ; zw:printedText "12月底前"@zh ; zw:dueDate "2018-12-31"^^xsd:date ;
    time:hasEnd [ a time:Instant ; time:inXSDDate "2018-12-31"^^xsd:date ] ; zw:yearInferred true ;
    zw:valueOrigin zw:Printed .
ex:r4 a zw:Requirement ; zw:inPlan ex:plan ; zw:sequenceNumber 4 ;
    zw:alignment zw:ReconstructedAlignment ; zw:alignmentConfidence 0.8 ;
    zw:assignment [ a zw:AgencyAssignment ; zw:agency ex:all-depts ; zw:role zw:ResponsibleRole ;
                    zw:valueOrigin zw:Inferred ; zw:carriedFrom ex:r1 ] ;
    zw:deadline [ a zw:AfterEventDeadline ; zw:triggerEvent "国家指导意见印发"@zh ;
                  time:hasXSDDuration "P60D"^^xsd:duration ] ;
    zw:hasTarget [ a zw:QuantitativeTarget ; zw:comparator "within" ; zw:targetValue 3 ;
                   zw:unit "工作日"@zh ] .
"""


def write(tmp_path: Path, text: str, name: str = "data.ttl") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_hermit_finds_the_ontology_and_scheme_consistent() -> None:
    check_consistency()  # raises KgError otherwise


def test_hermit_finds_a_realistic_plan_consistent(tmp_path: Path) -> None:
    check_consistency(write(tmp_path, SAMPLE))


def test_agency_and_collective_is_inconsistent_and_named(tmp_path: Path) -> None:
    bad = PREFIXES + "ex:all-depts a zw:Agency , zw:CollectiveAgency .\n"
    with pytest.raises(KgError) as caught:
        check_consistency(write(tmp_path, bad))
    message = str(caught.value)
    assert "inconsistent" in message
    assert "ex:all-depts is both" in message
    assert "zw:Agency" in message and "zw:CollectiveAgency" in message


def test_two_sequence_numbers_and_a_confidence_above_one_are_reported(tmp_path: Path) -> None:
    bad = SAMPLE + "ex:r1 zw:sequenceNumber 2 .\nex:r4 zw:alignmentConfidence 1.5 .\n"
    with pytest.raises(KgError) as caught:
        check_consistency(write(tmp_path, bad))
    message = str(caught.value)
    assert "functional zw:sequenceNumber" in message and "ex:r1 has several values" in message
    assert "zw:alignmentConfidence" in message and "ex:r4 zw:alignmentConfidence" in message


def test_range_implied_type_clash_is_explained_without_hermit() -> None:
    # a role node typed as a deadline kind: zw:role's range makes it an AgencyRole too
    graph = Graph().parse(ONTOLOGY).parse(data=PREFIXES + """
ex:a zw:role ex:odd . ex:odd a zw:RecurringDeadline .
""", format="turtle")
    assert any("ex:odd is both" in line and "zw:AgencyRole" in line
               for line in explain_inconsistency(graph))


def test_unreadable_data_file_is_a_kg_error(tmp_path: Path) -> None:
    with pytest.raises(KgError, match="cannot read RDF"):
        check_consistency(write(tmp_path, "this is not turtle", "broken.ttl"))
