"""Every namespace and ontology term the code uses, named once, and the minting of instance IRIs.

The ontology lives at a fixed namespace (ZW, ``https://w3id.org/zwgk/def#``) so that it does not change
with the deployment; instance data lives under a configurable base (default ``http://127.0.0.1:8000/``).
"""

from __future__ import annotations

import hashlib

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, VOID, XSD

from kg.normalise.slugs import slugify

ZW = Namespace("https://w3id.org/zwgk/def#")
ZWT = Namespace("https://w3id.org/zwgk/type/")  # requirement types (SKOS concept scheme)
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SH = Namespace("http://www.w3.org/ns/shacl#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
SCHEMA = Namespace("https://schema.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

DEFAULT_BASE = "http://127.0.0.1:8000/"

PREFIXES: dict[str, Namespace] = {
    "zw": ZW, "zwt": ZWT, "org": ORG, "eli": ELI, "skos": SKOS, "prov": PROV, "dcterms": DCTERMS,
    "time": TIME, "dcat": DCAT, "void": VOID, "owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD,
    "sh": SH, "dqv": DQV, "schema": SCHEMA,
}

# --- classes -------------------------------------------------------------------------------------
Plan = ZW.Plan  # 政务公开工作要点 / 分工方案
WorkPoints = ZW.WorkPoints  # 工作要点
DivisionOfWorkPlan = ZW.DivisionOfWorkPlan  # 分工方案
OfficialDocument = ZW.OfficialDocument  # a document with a 发文字号, or cited by title
Notice = ZW.Notice  # 印发通知
TaskGroup = ZW.TaskGroup  # 工作任务
Requirement = ZW.Requirement  # 具体要求
RequirementType = ZW.RequirementType  # skos:Concept subclass
Agency = ZW.Agency  # one government body (org:Organization)
CollectiveAgency = ZW.CollectiveAgency  # 区级各部门, 各街道办事处 …
AgencyAssignment = ZW.AgencyAssignment  # qualified relation requirement–agency–role
AgencyRole = ZW.AgencyRole  # org:Role subclass
Deadline = ZW.Deadline  # time:TemporalEntity subclass; kinds below
PlanYearDeadline = ZW.PlanYearDeadline
OnOrBeforeDeadline = ZW.OnOrBeforeDeadline
RecurringDeadline = ZW.RecurringDeadline
AfterEventDeadline = ZW.AfterEventDeadline
ImmediateDeadline = ZW.ImmediateDeadline
UnresolvedDeadline = ZW.UnresolvedDeadline
Region = ZW.Region
SourceDocument = ZW.SourceDocument  # the text file as published (prov:Entity)
LiftingActivity = ZW.LiftingActivity  # prov:Activity: one run of the lifter
ValueOrigin = ZW.ValueOrigin  # printed | inferred
AlignmentKind = ZW.AlignmentKind  # printed | reconstructed
QuantitativeTarget = ZW.QuantitativeTarget

# --- individuals -----------------------------------------------------------------------------------
ROLE = {"lead": ZW.LeadRole, "joint-lead": ZW.JointLeadRole, "responsible": ZW.ResponsibleRole,
        "cooperating": ZW.CooperatingRole, "guiding": ZW.GuidingRole}
DEADLINE_CLASS = {"plan-year": PlanYearDeadline, "on-or-before": OnOrBeforeDeadline,
                  "recurring": RecurringDeadline, "after-event": AfterEventDeadline,
                  "immediate": ImmediateDeadline, "unresolved": UnresolvedDeadline}
Printed = ZW.Printed
Inferred = ZW.Inferred
PrintedAlignment = ZW.PrintedAlignment
ReconstructedAlignment = ZW.ReconstructedAlignment
RequirementTypeScheme = ZWT.scheme

# --- properties ------------------------------------------------------------------------------------
# plan & notice
year = ZW.year  # xsd:gYear
region = ZW.region  # → Region (plans, agencies)
issuedBy = ZW.issuedBy  # Plan → Notice
implements = ZW.implements  # Plan → OfficialDocument (sub of eli:based_on)
cites = ZW.cites  # Plan|Requirement → OfficialDocument (sub of eli:cites)
hasRequirement = ZW.hasRequirement  # Plan → Requirement (inverse of inPlan)
inPlan = ZW.inPlan  # Requirement|TaskGroup → Plan
hasTaskGroup = ZW.hasTaskGroup  # Plan → TaskGroup
missingSequenceNumber = ZW.missingSequenceNumber  # Plan → xsd:integer (gap in printed 序号)
layout = ZW.layout  # Plan → literal: how the source lays the table out
# task groups & requirements
groupLevel = ZW.groupLevel  # TaskGroup → 1|2
parentGroup = ZW.parentGroup  # TaskGroup → TaskGroup
inGroup = ZW.inGroup  # Requirement → TaskGroup (the innermost)
sequenceNumber = ZW.sequenceNumber  # printed 序号
documentOrder = ZW.documentOrder  # position in the document, for sorting
requirementText = ZW.requirementText  # 具体要求 text
requirementType = ZW.requirementType  # → RequirementType (sub of dcterms:subject)
assignment = ZW.assignment  # Requirement → AgencyAssignment
agency = ZW.agency  # AgencyAssignment → org:Organization
role = ZW.role  # AgencyAssignment → AgencyRole
deadline = ZW.deadline  # Requirement → Deadline
hasTarget = ZW.hasTarget  # Requirement → QuantitativeTarget
# deadlines (OWL-Time: time:hasEnd / time:inXSDDate carry the date)
printedText = ZW.printedText  # the text exactly as printed (deadlines, citations)
dueDate = ZW.dueDate  # xsd:date, shortcut of time:hasEnd/time:inXSDDate
triggerEvent = ZW.triggerEvent  # AfterEventDeadline → literal
frequency = ZW.frequency  # RecurringDeadline → literal (monthly, quarterly …)
yearInferred = ZW.yearInferred  # boolean: the due date's year came from the plan year
# targets
comparator = ZW.comparator
targetValue = ZW.targetValue
unit = ZW.unit
# official documents
documentNumber = ZW.documentNumber  # canonical 发文字号
issuerCode = ZW.issuerCode  # 发文机关代字
documentYear = ZW.documentYear  # xsd:gYear
serialNumber = ZW.serialNumber  # xsd:integer
issuingOrgan = ZW.issuingOrgan  # OfficialDocument → org:Organization
issuerNamedInTitle = ZW.issuerNamedInTitle  # literal
issuerConflict = ZW.issuerConflict  # boolean: the title names another organ than the code's
printedAs = ZW.printedAs  # every printed variant of the number or title
# regions & agencies
adminLevel = ZW.adminLevel  # province | prefecture | county
withinRegion = ZW.withinRegion  # Region → Region
divisionCode = ZW.divisionCode  # GB/T 2260
qualifiedName = ZW.qualifiedName  # 盘龙区财政局: the name with the region spelled out
# provenance
sourceDocument = ZW.sourceDocument  # Plan|Requirement → SourceDocument (sub of prov:wasDerivedFrom)
firstLine = ZW.firstLine
lastLine = ZW.lastLine
sha256 = ZW.sha256
encoding = ZW.encoding
valueOrigin = ZW.valueOrigin  # → Printed | Inferred (assignments, deadlines, groups)
carriedFrom = ZW.carriedFrom  # → Requirement whose merged cell was carried down
alignment = ZW.alignment  # Requirement → PrintedAlignment | ReconstructedAlignment
alignmentConfidence = ZW.alignmentConfidence  # xsd:decimal 0..1
readerNote = ZW.readerNote  # what the reader had to do (for the data steward)


# --- minting ---------------------------------------------------------------------------------------
def name_slug(name: str) -> str:
    """Pinyin of a name plus 4 hex of its hash: homophones (区税务局 / 区水务局, both qu-shui-wu-ju) stay apart,
    and the slug still depends on nothing but the name."""
    return f"{slugify(name)}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:4]}"


class Minter:
    """Mints instance IRIs under one base. Every IRI is derived from content, never from file order."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self._plans = str(self.plan(""))

    def plan_slug(self, iri: str) -> str | None:
        """The slug of the plan an IRI is minted under (the plan's own, its notice, groups, requirements
        and their nodes), or None: the slug is the path segment after ``id/plan/``, matched whole."""
        if not iri.startswith(self._plans):
            return None
        return iri[len(self._plans):].split("/", 1)[0] or None

    def iri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def region(self, region_slug: str) -> URIRef:
        return self.iri(f"id/region/{region_slug}")

    def plan(self, plan_slug: str) -> URIRef:
        return self.iri(f"id/plan/{plan_slug}")

    def plan_graph(self, plan_slug: str) -> URIRef:
        return self.iri(f"graph/plan/{plan_slug}")

    def notice(self, plan_slug: str) -> URIRef:
        return self.iri(f"id/plan/{plan_slug}/notice")

    def requirement(self, plan_slug: str, key: str) -> URIRef:
        return self.iri(f"id/plan/{plan_slug}/requirement/{key}")

    def task_group(self, plan_slug: str, path_key: str) -> URIRef:
        return self.iri(f"id/plan/{plan_slug}/group/{path_key}")

    def node(self, parent: URIRef, kind: str, key: str | int) -> URIRef:
        """A node that belongs to one requirement: its deadline, assignments, targets."""
        return URIRef(f"{parent}/{kind}/{key}")

    def agency(self, region_slug: str, name: str) -> URIRef:
        return self.iri(f"id/agency/{region_slug}/{name_slug(name)}")

    def organ(self, name: str) -> URIRef:
        """An issuing organ known from an issuer code (国务院办公厅), outside any plan's region."""
        return self.iri(f"id/organ/{name_slug(name)}")

    def document(self, number_slug: str) -> URIRef:
        return self.iri(f"id/document/{number_slug}")

    def source(self, sha256: str) -> URIRef:
        return self.iri(f"id/source/{sha256[:16]}")

    def dataset(self) -> URIRef:
        return self.iri("id/dataset")

    def graph_shared(self) -> URIRef:
        return self.iri("graph/shared")


# === cross-plan comparison and target measures (issue 6: query catalogue & cross-plan analysis) ========
PlanComparison = ZW.PlanComparison  # 方案逐项比较: two plans compared requirement by requirement
Correspondence = ZW.Correspondence  # qualified link requirement ↔ counterpart, with similarity and relation
CorrespondenceRelation = ZW.CorrespondenceRelation  # Same | Changed
RELATION = {"same": ZW.Same, "changed": ZW.Changed}
comparedPlan = ZW.comparedPlan  # PlanComparison → Plan (two values)
comparisonBasis = ZW.comparisonBasis  # literal: implements-the-other | same-implemented-document | same-province-and-year
sharedDocument = ZW.sharedDocument  # PlanComparison → OfficialDocument both plans implement
sharedRegion = ZW.sharedRegion  # PlanComparison → the province both plans lie in
similarityMethod = ZW.similarityMethod  # literal: the measure and its thresholds
hasCorrespondence = ZW.hasCorrespondence  # PlanComparison → Correspondence
fromRequirement = ZW.fromRequirement  # Correspondence → Requirement (of the first compared plan)
toRequirement = ZW.toRequirement  # Correspondence → Requirement (of the second)
similarity = ZW.similarity  # xsd:decimal 0..1
relation = ZW.relation  # Correspondence → CorrespondenceRelation
unmatchedIn = ZW.unmatchedIn  # Requirement → PlanComparison where it has no counterpart (only in its plan)
measures = ZW.measures  # QuantitativeTarget → literal: what the number measures (在线办理事项数量)


def comparison_iri(minter: Minter, from_plan: str, to_plan: str) -> URIRef:
    """The comparison of two plans (slugs in the comparison's order)."""
    return minter.iri(f"id/comparison/{from_plan}--{to_plan}")


def correspondence_iri(comparison: URIRef, from_key: str, to_key: str) -> URIRef:
    """One pair of counterpart requirements within a comparison."""
    return URIRef(f"{comparison}/pair/{from_key}--{to_key}")


def comparison_graph(minter: Minter) -> URIRef:
    """The named graph holding every plan comparison (they belong to no single plan)."""
    return minter.iri("graph/comparison")
