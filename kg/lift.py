"""Assemble one plan: parsed rows + normalisers → LiftedPlan. Pure: no I/O, no RDF."""

from __future__ import annotations

import re

from kg.errors import ParseError
from kg.normalise.agencies import read_agency_cell
from kg.normalise.deadlines import read_deadline_cell
from kg.normalise.docnumbers import normalise_citation
from kg.normalise.model import DocumentReference, LiftedPlan, LiftedRequirement, Region
from kg.normalise.regions import identify_region
from kg.normalise.reqtypes import classify_requirement
from kg.normalise.targets import find_targets
from kg.parse.layout import parse_document
from kg.parse.citations import find_citations
from kg.parse.model import CitedDocument, ParsedPlan, Row, SourceDoc

YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
WORK_POINTS = "工作要点"  # a plan whose title ends in 分工方案 / 任务分解 divides work; else it states points
DIVISION_MARKERS = ("分工方案", "任务分解", "分解表", "责任分工")


def lift_document(doc: SourceDoc) -> LiftedPlan:
    """Parse and normalise one document."""
    return lift_parsed(parse_document(doc))


def lift_parsed(parsed: ParsedPlan) -> LiftedPlan:
    """Normalise a parsed plan: region, year, agencies, deadlines, citations, types."""
    year = plan_year(parsed)
    region = identify_region(parsed.plan_title, parsed.notice.issuer)
    requirements = _lift_rows(parsed.rows, region, year)
    _check_unique_keys(parsed, requirements)
    notice_number = None
    if parsed.notice.printed_number:
        notice_number = normalise_citation(CitedDocument(parsed.notice.printed_number, parsed.notice.title,
                                                         parsed.notice.span))
    return LiftedPlan(
        parsed=parsed,
        slug=f"{region.slug}-{year}",
        year=year,
        kind="division-of-work" if any(m in parsed.plan_title for m in DIVISION_MARKERS) else "work-points",
        region=region,
        notice_number=notice_number,
        implements=tuple(normalise_citation(c) for c in parsed.notice.implements),
        citations=_plan_citations(parsed, requirements, notice_number),
        requirements=requirements,
        missing_seq=sequence_gaps(parsed.rows),
    )


def plan_year(parsed: ParsedPlan) -> int:
    """The plan year: the year printed in the plan title (else the notice title)."""
    for title in (parsed.plan_title, parsed.notice.title):
        match = YEAR_IN_TITLE.search(title or "")
        if match:
            return int(match.group(1))
    raise ParseError(parsed.source.path, f"no year in the plan title {parsed.plan_title!r}",
                     line=parsed.notice.span.first)


def sequence_gaps(rows: tuple[Row, ...]) -> tuple[int, ...]:
    """Numbers missing from the printed 序号 sequence between its first and last number."""
    printed = sorted({r.seq for r in rows if r.seq is not None})
    if not printed:
        return ()
    present = set(printed)
    return tuple(n for n in range(printed[0], printed[-1] + 1) if n not in present)


def _lift_rows(rows: tuple[Row, ...], region: Region, year: int) -> tuple[LiftedRequirement, ...]:
    """Normalise the rows column by column: each normaliser reads every row in turn (faster than row by row,
    as one normaliser's rules and code stay in the processor's caches)."""
    texts = [row.text.text if row.text else "" for row in rows]
    agencies = [tuple(read_agency_cell(row.agencies, region)) if row.agencies else () for row in rows]
    deadlines = [tuple(read_deadline_cell(row.deadline, year)) if row.deadline else () for row in rows]
    citations = [tuple(normalise_citation(c) for c in find_citations(text, row.text.span.first)) if row.text
                 else () for text, row in zip(texts, rows)]
    types = [classify_requirement(text, row.group_path) for text, row in zip(texts, rows)]
    targets = [tuple(find_targets(text)) for text in texts]
    return tuple(
        LiftedRequirement(row=row, key=str(row.seq) if row.seq is not None else f"u{row.order}",
                          agencies=row_agencies, deadlines=row_deadlines, citations=row_citations,
                          types=row_types, targets=row_targets)
        for row, row_agencies, row_deadlines, row_citations, row_types, row_targets
        in zip(rows, agencies, deadlines, citations, types, targets))


def _check_unique_keys(parsed: ParsedPlan, requirements: tuple[LiftedRequirement, ...]) -> None:
    seen: dict[str, LiftedRequirement] = {}
    for req in requirements:
        if req.key in seen:
            raise ParseError(parsed.source.path, f"序号 {req.key} printed twice (first at line "
                             f"{seen[req.key].row.span.first})", line=req.row.span.first)
        seen[req.key] = req


def _plan_citations(parsed: ParsedPlan, requirements: tuple[LiftedRequirement, ...],
                    notice_number: DocumentReference | None) -> tuple[DocumentReference, ...]:
    """Every document the plan cites; the plan itself (named in its own notice) is not a citation."""
    refs = [normalise_citation(c) for c in parsed.notice.implements]
    refs += [normalise_citation(c) for c in parsed.citations]
    refs += [c for req in requirements for c in req.citations]
    own_titles = {parsed.plan_title, parsed.notice.title}
    own_number = notice_number.number if notice_number else None
    return tuple(r for r in refs if r.title not in own_titles and (r.number is None or r.number != own_number))
