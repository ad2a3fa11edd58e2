"""Typed records passed from the parsing stage to normalisation: what a document prints, with provenance.

Nothing here knows about RDF. Line numbers are 1-based and refer to the decoded source text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class SourceDoc:
    """A decoded source document (one plan, as published)."""

    id: str  # stable id: file stem
    path: str
    text: str
    sha256: str  # of the raw bytes
    encoding: str  # utf-8 | utf-8-sig | gb18030
    size: int  # bytes

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


@dataclass(frozen=True)
class Span:
    """Lines ``first``..``last`` (inclusive, 1-based) of the source document."""

    first: int
    last: int

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"bad span {self.first}-{self.last}")

    def union(self, other: Span) -> Span:
        return Span(min(self.first, other.first), max(self.last, other.last))


class Origin(str, Enum):
    """How a value reached a row: printed on it, or carried from a merged cell above (推断)."""

    PRINTED = "printed"
    INFERRED = "inferred"


class Alignment(str, Enum):
    """Whether a row's cells were printed together, or reassembled from a scrambled extraction."""

    PRINTED = "printed"
    RECONSTRUCTED = "reconstructed"


@dataclass(frozen=True)
class Cell:
    """One table cell's text as a reader sees it: pieces joined (no spaces between Chinese characters)."""

    text: str
    span: Span
    origin: Origin = Origin.PRINTED
    carried_from_seq: int | None = None  # 序号 of the row where a carried value was printed


@dataclass(frozen=True)
class TaskGroup:
    """A task heading (工作任务). Level 1 is the outer heading, level 2 the inner one."""

    title: str
    level: int  # 1 or 2
    parent_title: str | None  # title of the level-1 group for level 2, else None
    span: Span  # where it was first printed
    ordinal: int  # 1-based position among groups of the same level and parent, document order


@dataclass(frozen=True)
class Row:
    """One requirement (具体要求) as a careful reader reconstructs it."""

    seq: int | None  # printed 序号; None where the plan has none
    order: int  # 1-based position in document order (always set)
    group_path: tuple[str, ...]  # titles of the task headings, outer first
    text: Cell | None  # None only when the text could not be recovered
    agencies: Cell | None  # 牵头落实单位 / 责任单位 cell
    deadline: Cell | None  # 完成时限 cell
    span: Span  # every line the row's cells came from
    group_origin: Origin = Origin.PRINTED  # INFERRED when the heading was carried down
    alignment: Alignment = Alignment.PRINTED
    confidence: float = 1.0  # how sure a reconstructed alignment is (1.0 when printed)
    notes: tuple[str, ...] = ()  # what the reader had to do, for the data steward


@dataclass(frozen=True)
class CitedDocument:
    """A document a text cites: its number (发文字号) as printed and/or its title (《…》)."""

    printed_number: str | None  # exactly as printed, e.g. "国发\n\n〔2016〕55 号"
    title: str | None  # without 《》
    span: Span


@dataclass(frozen=True)
class Notice:
    """The notice (通知) that issues the plan, or the plan's own header when there is no notice."""

    title: str  # the notice title, or the plan title when there is no notice
    issuer: str | None  # 发文机关, e.g. 攀枝花市人民政府办公室
    printed_number: str | None  # 发文字号 of the notice itself
    date: str | None  # ISO yyyy-mm-dd
    implements: tuple[CitedDocument, ...]  # higher plans / documents it says it implements
    span: Span


@dataclass(frozen=True)
class ParsedPlan:
    """Everything the parsing stage read from one document."""

    source: SourceDoc
    layout: str  # tab-table | prose-attachment | scrambled-table
    plan_title: str  # e.g. 盘龙区2018年政务公开工作要点分工方案
    notice: Notice
    groups: tuple[TaskGroup, ...]
    rows: tuple[Row, ...]
    citations: tuple[CitedDocument, ...] = field(default=())  # every citation anywhere in the document
