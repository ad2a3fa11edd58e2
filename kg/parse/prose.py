"""Read a prose plan (一、/(一) outline) whose attachment table (任务分解表) is printed as paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.errors import ParseError
from kg.parse.cells import join_pieces, squeeze, squeezes_to
from kg.parse.model import Cell, Origin, Row, SourceDoc, Span, TaskGroup

# Column headings of an attachment table (表头); a run of them, including 具体要求, starts the table.
HEADER_CELLS = frozenset({"序号", "工作任务", "主要任务", "重点任务", "任务", "具体要求", "工作要求",
                          "责任单位", "牵头单位", "牵头落实单位", "责任部门", "配合单位", "完成时限", "备注"})
REQUIREMENT_HEADER = "具体要求"
# An agency name ends like this: 区财政局, 区委编办, 区政府各部门, 各街道办事处, 人民银行…支行 …
AGENCY_ENDINGS = ("局", "办", "委", "部门", "办事处", "中心", "室", "单位", "政府", "机关", "支行", "会",
                  "院", "所", "队", "站", "处", "厅", "社", "馆", "公司", "银行", "机构")
# Role words that may follow a name in a 责任单位 cell (区政府办牵头); not part of the name.
ROLE_SUFFIX = re.compile(r"(?:牵头落实|牵头|负责落实|分别负责|负责|配合|协助|参与|落实)$")
MAX_AGENCY_LEN = 20
MAX_HEADING_LEN = 30  # a task heading is short; longer paragraphs are requirement text
_SENTENCE_MARK = re.compile(r"[。；;！!？?]")
_AGENCY_SEPARATORS = re.compile(r"[、，,；;\s]+")
_OUTLINE_LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、(?P<title>.+)$")


@dataclass(frozen=True)
class _Paragraph:
    line: int
    text: str  # cleaned
    after_gap: bool  # a whitespace-only line (an empty cell, e.g. "\u00a0") came before it


@dataclass
class _Reader:
    """Walks the attachment's paragraphs, carrying task headings down as a reader does."""

    outline: tuple[str, ...]  # keys of the prose plan's 一、 headings
    level1: tuple[str, Span] | None = None
    level2: tuple[str, Span] | None = None
    groups: dict[tuple[int, str | None, str], TaskGroup] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)

    def add_row(self, pending: list[_Paragraph], agencies: list[_Paragraph]) -> None:
        first_text = next((i for i, p in enumerate(pending) if _is_sentence(p.text)), len(pending) - 1)
        headings, texts = pending[:first_text], pending[first_text:]
        printed = self._read_headings(headings) if headings else set()
        path = tuple(h[0] for h in (self.level1, self.level2) if h is not None)
        carried = not printed >= self._levels()
        notes = ("task heading carried down from a merged cell above",) if carried else ()
        text = Cell(join_pieces([p.text for p in texts]), _span(texts))
        agency = Cell(join_pieces([p.text for p in agencies]), _span(agencies))
        self.rows.append(Row(seq=None, order=len(self.rows) + 1, group_path=path, text=text, agencies=agency,
                             deadline=None, span=_span(pending + agencies),
                             group_origin=Origin.INFERRED if carried else Origin.PRINTED, notes=notes))

    def _levels(self) -> set[int]:
        return {level for level, h in ((1, self.level1), (2, self.level2)) if h is not None}

    def _read_headings(self, headings: list[_Paragraph]) -> set[int]:
        """Split the heading paragraphs into a level-1 and a level-2 heading; return the levels printed."""
        level1, level2 = _split_headings(headings, self.outline, has_level1=self.level1 is not None)
        printed = set()
        if level1:
            self.level1, self.level2 = (join_pieces([p.text for p in level1]), _span(level1)), None
            self._register(1, None, self.level1)
            printed.add(1)
        if level2:
            self.level2 = (join_pieces([p.text for p in level2]), _span(level2))
            self._register(2, self.level1[0] if self.level1 else None, self.level2)
            printed.add(2)
        return printed

    def _register(self, level: int, parent: str | None, heading: tuple[str, Span]) -> None:
        key = (level, parent, heading[0])
        if key not in self.groups:
            ordinal = 1 + sum(1 for lv, pa, _ in self.groups if lv == level and pa == parent)
            self.groups[key] = TaskGroup(title=heading[0], level=level, parent_title=parent, span=heading[1],
                                         ordinal=ordinal)


def looks_like_prose_attachment(doc: SourceDoc) -> bool:
    """Whether ``doc`` prints its requirement table as paragraphs (one cell per paragraph, no tabs)."""
    return _table_start(doc.lines) is not None


def parse_prose_attachment(doc: SourceDoc) -> tuple[tuple[TaskGroup, ...], tuple[Row, ...]]:
    """Task groups and requirement rows of the attachment table, read with the help of the prose plan's
    own outline: the table's task headings are the prose's 一、/(一) headings without punctuation.

    Paragraphs come as heading(s), requirement text, responsible agencies (责任单位), repeated; a heading or
    a text may be broken over several paragraphs. There is no 序号 and no deadline column.
    """
    lines = doc.lines
    start = _table_start(lines)
    if start is None:
        raise ParseError(doc.path, "no attachment table header (具体要求) printed as paragraphs", line=1)
    reader = _Reader(outline=_outline(lines[:start - 1]))
    pending: list[_Paragraph] = []
    agencies: list[_Paragraph] = []
    for paragraph in _paragraphs(lines, start):
        if paragraph.text in HEADER_CELLS:
            continue  # header row repeated after a page break
        if agencies and not _continues_agencies(agencies[-1].text, paragraph.text):
            reader.add_row(pending, agencies)
            pending, agencies = [], []
        if agencies or (pending and _is_agency_cell(paragraph.text, pending)):
            agencies.append(paragraph)
        else:
            pending.append(paragraph)
    if agencies:
        reader.add_row(pending, agencies)
    return tuple(reader.groups.values()), tuple(reader.rows)


def _table_start(lines: list[str]) -> int | None:
    """Line number just after the attachment table's header run (工作任务 / 具体要求 / 责任单位)."""
    for number, line in enumerate(lines, start=1):
        if "\t" in line or not squeezes_to(line, REQUIREMENT_HEADER):
            continue
        run = [number]
        for step in (-1, 1):
            for paragraph in _paragraphs(lines, number + step, step=step):
                if paragraph.text not in HEADER_CELLS or "\t" in lines[paragraph.line - 1]:
                    break
                run.append(paragraph.line)
        if len(run) >= 2:
            return max(run) + 1
    return None


def _paragraphs(lines: list[str], start: int, step: int = 1) -> Iterator[_Paragraph]:
    """Non-blank lines from line ``start`` on (or backwards with ``step=-1``), cleaned."""
    gap = False
    number = start
    while 1 <= number <= len(lines):
        raw = lines[number - 1]
        text = squeeze(raw)
        if text:
            yield _Paragraph(number, text, gap)
            gap = False
        elif raw.strip(" \t\r\n"):  # a line of only non-breaking/ideographic spaces: an empty cell
            gap = True
        number += step


def _outline(lines: list[str]) -> tuple[str, ...]:
    """Keys of the prose plan's level-1 headings (一、…), punctuation removed."""
    matches = (_OUTLINE_LEVEL1.match(squeeze(line)) for line in lines)
    return tuple(_key(m.group("title")) for m in matches if m)


def _key(text: str) -> str:
    """A heading without punctuation or spaces: "一、聚焦…领域,推进…" ↔ "聚焦…领域推进…"."""
    return re.sub(r"[\W_]", "", text)


def _split_headings(headings: list[_Paragraph], outline: tuple[str, ...],
                    has_level1: bool) -> tuple[list[_Paragraph], list[_Paragraph]]:
    """(level-1 pieces, level-2 pieces) of a run of heading paragraphs."""
    joined = _key("".join(p.text for p in headings))
    for level1 in sorted(outline, key=len, reverse=True):
        if level1 and joined.startswith(level1):
            count, size = 0, 0
            while count < len(headings) and size < len(level1):
                size += len(_key(headings[count].text))
                count += 1
            if size == len(level1):  # the outline heading ends at a paragraph boundary
                return headings[:count], headings[count:]
    gaps = [i for i, p in enumerate(headings) if i and p.after_gap]
    if not outline and gaps:  # no outline to go by: an empty cell separates the two headings
        return headings[:gaps[0]], headings[gaps[0]:]
    if not has_level1:
        return headings, []
    return [], headings


def _is_sentence(text: str) -> bool:
    return bool(_SENTENCE_MARK.search(text)) or len(text) > MAX_HEADING_LEN


def _agency_items(text: str) -> list[str]:
    return [ROLE_SUFFIX.sub("", item) for item in _AGENCY_SEPARATORS.split(text) if item]


def _is_agency_list(text: str) -> bool:
    """Whether ``text`` is a list of agency names (区财政局、区政府各部门、各街道办事处 …)."""
    items = _agency_items(text)
    return bool(items) and not _SENTENCE_MARK.search(text) and all(
        0 < len(item) <= MAX_AGENCY_LEN and item.endswith(AGENCY_ENDINGS) for item in items)


def _is_agency_cell(text: str, pending: list[_Paragraph]) -> bool:
    """An agency list closes a row once requirement text was read (or, with no sentence printed, when
    it names several agencies)."""
    if not _is_agency_list(text):
        return False
    return any(_is_sentence(p.text) for p in pending) or len(_agency_items(text)) >= 2


def _continues_agencies(before: str, text: str) -> bool:
    """An agency cell broken over paragraphs: the break falls at a separator (…局、 / 区财政局)."""
    return before.endswith(("、", "，", ",")) and _is_agency_list(text)


def _span(paragraphs: list[_Paragraph]) -> Span:
    return Span(paragraphs[0].line, paragraphs[-1].line)
