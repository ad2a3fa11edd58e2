"""Detect a document's layout and read its notice, task groups and requirement rows."""

from __future__ import annotations

from collections.abc import Callable

from kg.errors import ParseError
from kg.parse.carry import backfill_from_page_repeats
from kg.parse.citations import find_citations
from kg.parse.model import ParsedPlan, Row, SourceDoc, TaskGroup
from kg.parse.notice import parse_notice
from kg.parse.prose import looks_like_prose_attachment, parse_prose_attachment
from kg.parse.scrambled import looks_like_scrambled_table, parse_scrambled_table
from kg.parse.table import looks_like_tab_table, parse_tab_table

Parser = Callable[[SourceDoc], tuple[tuple[TaskGroup, ...], tuple[Row, ...]]]

# Most specific first: a scrambled PDF table also has tabs, a prose plan has neither.
LAYOUTS: tuple[tuple[str, Callable[[SourceDoc], bool], Parser], ...] = (
    ("tab-table", looks_like_tab_table, parse_tab_table),
    ("scrambled-table", looks_like_scrambled_table, parse_scrambled_table),
    ("prose-attachment", looks_like_prose_attachment, parse_prose_attachment),
)


def detect_layout(doc: SourceDoc) -> tuple[str, Parser]:
    """The first layout whose detector accepts the document."""
    for name, accepts, parser in LAYOUTS:
        if accepts(doc):
            return name, parser
    raise ParseError(doc.path, "unknown layout: no requirement table (序号 rows, or an attachment "
                     "任务分解表) was found", line=1)


def parse_document(doc: SourceDoc) -> ParsedPlan:
    """Read one decoded document into a ParsedPlan."""
    layout, parser = detect_layout(doc)
    notice, plan_title = parse_notice(doc)
    groups, rows = parser(doc)
    rows = backfill_from_page_repeats(rows)
    if not rows:
        raise ParseError(doc.path, f"layout {layout} detected but no requirement rows could be read "
                         "(truncated document?)", line=len(doc.lines))
    notice_text = "\n".join(doc.lines[notice.span.first - 1: notice.span.last])
    return ParsedPlan(source=doc, layout=layout, plan_title=plan_title, notice=notice, groups=groups,
                      rows=rows, citations=tuple(find_citations(notice_text, notice.span.first)))
