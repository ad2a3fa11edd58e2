"""Typed records produced by normalisation: agencies with roles, deadlines, document numbers, types.

Still no RDF here: kg/rdf.py turns these into triples.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from kg.parse.model import Origin, ParsedPlan, Row, Span


class Role(str, Enum):
    """An agency's role on a requirement, read from the verbs of the agency cell."""

    LEAD = "lead"  # 牵头
    JOINT_LEAD = "joint-lead"  # 会同
    RESPONSIBLE = "responsible"  # 负责落实 / 落实 / 分别落实 / 负责
    COOPERATING = "cooperating"  # 配合 / 协助
    GUIDING = "guiding"  # 加强指导


@dataclass(frozen=True)
class AgencyMention:
    """One agency named in an agency cell, normalised within the plan's region."""

    name: str  # canonical name within the region, e.g. 区政府办公室 (from 区政府办)
    printed: str  # as printed, after prefix distribution, e.g. 州国土局 (from "州发改委、国土局")
    role: Role
    collective: bool  # 区级各部门, 各街道办事处 … : a collective, not one agency
    origin: Origin  # printed on the row or carried from a merged cell


class DeadlineKind(str, Enum):
    """The kinds of 完成时限 a plan prints."""

    PLAN_YEAR = "plan-year"  # 全年工作
    ON_OR_BEFORE = "on-or-before"  # 12月底前, 2020年3月底前
    RECURRING = "recurring"  # 按月度完成, 每季度第一周内
    AFTER_EVENT = "after-event"  # 省、市有关文件出台后, 印发后60日内
    IMMEDIATE = "immediate"  # 及时转载发布
    UNRESOLVED = "unresolved"  # printed, but no rule understood it


@dataclass(frozen=True)
class Deadline:
    """One deadline read from a 完成时限 cell (a cell may hold two)."""

    kind: DeadlineKind
    printed: str  # the part of the cell this deadline was read from
    date: str | None  # ISO date the work is due on or before (ON_OR_BEFORE, PLAN_YEAR: year end)
    origin: Origin
    event: str | None = None  # AFTER_EVENT: the triggering event, e.g. 国家指导意见印发
    within: str | None = None  # AFTER_EVENT / RECURRING: an xsd:duration such as P60D
    frequency: str | None = None  # RECURRING: monthly | quarterly | weekly | yearly (comma-joined)
    date_inferred_year: bool = False  # the year was not printed and came from the plan year


@dataclass(frozen=True)
class DocumentNumber:
    """A 发文字号 in canonical form: issuer code + 〔year〕 + serial + 号."""

    issuer_code: str  # 发文机关代字, e.g. 国办发
    year: int
    serial: int

    @property
    def canonical(self) -> str:
        return f"{self.issuer_code}〔{self.year}〕{self.serial}号"


@dataclass(frozen=True)
class DocumentReference:
    """A cited or issuing official document, normalised."""

    number: DocumentNumber | None  # None when cited by title only
    title: str | None
    printed: str  # the citation as printed (number and/or title)
    issuer_by_code: str | None  # organ the issuer code belongs to (from kg/data/issuer-codes.csv)
    issuer_in_title: str | None  # organ the title names, when it names one
    issuer_conflict: bool  # the title names one organ, the code belongs to another
    span: Span | None = None


@dataclass(frozen=True)
class Region:
    """The administrative region a plan belongs to; it scopes the plan's agency names."""

    name: str  # 盘龙区
    level: str  # province | prefecture | county
    parents: tuple[str, ...]  # outermost first, e.g. (云南省, 昆明市)
    code: str | None  # GB/T 2260 division code when known
    slug: str  # ASCII, for IRIs


@dataclass(frozen=True)
class QuantitativeTarget:
    """A number a requirement text sets: 3个工作日内, 不少于40%."""

    printed: str
    comparator: str  # at-least | at-most | within | equal
    value: float
    unit: str  # 工作日 | 日 | 小时 | % | 次 …
    measures: str | None = None  # what the number measures, e.g. 在线办理事项数量 (words printed around it)


@dataclass(frozen=True)
class LiftedRequirement:
    """A parsed row with every carried value normalised: the unit kg/rdf.py turns into triples."""

    row: Row
    key: str  # IRI key within the plan: the printed 序号, or u<order> where none is printed
    agencies: tuple[AgencyMention, ...]
    deadlines: tuple[Deadline, ...]
    citations: tuple[DocumentReference, ...]
    types: tuple[str, ...]  # requirement-type slugs
    targets: tuple[QuantitativeTarget, ...] = ()


@dataclass(frozen=True)
class LiftedPlan:
    """One plan, parsed and normalised."""

    parsed: ParsedPlan
    slug: str  # IRI key, e.g. kunming-panlong-2018
    year: int
    kind: str  # division-of-work (分工方案) | work-points (工作要点)
    region: Region
    notice_number: DocumentReference | None  # the notice's own 发文字号
    implements: tuple[DocumentReference, ...]
    citations: tuple[DocumentReference, ...]  # every document the plan cites, notice included
    requirements: tuple[LiftedRequirement, ...]
    missing_seq: tuple[int, ...]  # gaps in the printed 序号 sequence

    @property
    def sha256(self) -> str:
        """The SHA-256 of the source document."""
        return self.parsed.source.sha256


class PlanSource(Protocol):
    """What loading the store needs of a plan: its slug and its document's SHA-256 (a LiftedPlan, or the
    record kept once the lifted plans are let go)."""

    @property
    def slug(self) -> str: ...

    @property
    def sha256(self) -> str: ...
