"""Recover the rows of a PDF table whose extraction scrambled the columns (one tab-separated line per row)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from kg.errors import ParseError
from kg.parse.cells import squeeze
from kg.parse.model import Alignment, Cell, Origin, Row, SourceDoc, Span, TaskGroup

HEADER_FIRST_CELL = "序号"
HEADER_WORDS = ("工作任务", "具体要求", "牵头落实单位", "责任单位", "完成时限")
MIN_HEADER_WORDS = 2  # besides 序号, so that a stray "序号" in prose is not a header
SENTENCE_PUNCTUATION = "，。；：！？,;:!?"  # a heading (工作任务) is a phrase, never a sentence
MAX_HEADING_CHARS = 30
MAX_DEADLINE_CHARS = 40
# How sure a reconstructed alignment is: texts matched in order when the counts agree, or not;
# cells from an unnumbered line spread over the rows above (one line, or several split evenly).
CONFIDENCE_TEXTS_MATCH = 0.9
CONFIDENCE_TEXTS_MISMATCH = 0.6
PENALTY_OTHER_BLOCK = 0.2  # the text line sits under another task block than the row it was given to
CONFIDENCE_ONE_CELL_LINE = 0.8
CONFIDENCE_SPLIT_CELL_LINES = 0.5
CONFIDENCE_UNNUMBERED_ROW = 0.5
_SEQ = re.compile(r"\d{1,4}")
MEMO_SIZE = 4096  # distinct cell texts remembered
_SENTENCE_MARK = re.compile(f"[{re.escape(SENTENCE_PUNCTUATION)}]")


@cache
def _deadline_patterns() -> tuple[re.Pattern[str], ...]:
    with resources.files("kg.data").joinpath("deadline-cell-patterns.csv").open(encoding="utf-8") as f:
        return tuple(re.compile(row["pattern"]) for row in csv.DictReader(f))


@cache
def _agency_cues() -> dict[str, re.Pattern[str]]:
    with resources.files("kg.data").joinpath("agency-cell-cues.csv").open(encoding="utf-8") as f:
        return {row["kind"]: re.compile(row["pattern"]) for row in csv.DictReader(f)}


def is_deadline_cell(text: str) -> bool:
    """True when a joined cell reads as a 完成时限 (全年工作, 11月底前, 按月度…, …后60日内完成, 及时转载发布)."""
    return len(text) <= MAX_DEADLINE_CHARS and any(p.fullmatch(text) for p in _deadline_patterns())


def is_agency_cell(text: str) -> bool:
    """True when a joined cell reads as a 牵头落实单位 list: agency names ending in 落实 / 牵头 / 配合 …"""
    cues = _agency_cues()
    return "。" not in text and bool(cues["ending"].search(text)) and bool(cues["name"].search(text))


def is_heading_like(text: str) -> bool:
    """True when a joined cell could be a task heading (工作任务): short, and not a sentence."""
    return 0 < len(text) <= MAX_HEADING_CHARS and not _SENTENCE_MARK.search(text)


@lru_cache(maxsize=MEMO_SIZE)  # a line's cells are sorted by kind several times over
def classify_cell(text: str) -> str:
    """One of ``empty``, ``deadline``, ``agencies``, ``heading`` or ``text``, from the content alone."""
    if not text:
        return "empty"
    if is_deadline_cell(text):
        return "deadline"
    if is_agency_cell(text):
        return "agencies"
    return "heading" if is_heading_like(text) else "text"


def _split(line: str) -> list[str]:
    return [squeeze(cell) for cell in line.split("\t")]


def _is_header(cells: list[str]) -> bool:
    """Whether a line's joined cells are the table header (序号⇥工作任务⇥具体要求…)."""
    cells = [c for c in cells if c]
    return bool(cells) and cells[0] == HEADER_FIRST_CELL and sum(
        1 for word in HEADER_WORDS if word in cells[1:]) >= MIN_HEADER_WORDS


@dataclass(frozen=True)
class _Line:
    """One table line: its 序号 (None when not printed) and its joined cells after the 序号 cell."""

    number: int  # 1-based line number in the document
    seq: int | None
    cells: tuple[str, ...]

    def of_kind(self, kind: str) -> list[str]:
        return [c for c in self.cells if classify_cell(c) == kind]

    def free(self) -> list[str]:
        return [c for c in self.cells if classify_cell(c) in ("heading", "text")]

    def orphan_text(self, headings: set[str]) -> str | None:
        """The longest free cell of an unnumbered line that is not a reprinted task heading."""
        free = [c for c in self.free() if c not in headings]
        return max(free, key=len) if free else None


@lru_cache(maxsize=1)  # detection and parsing read the same document one after the other
def _pages(doc: SourceDoc) -> tuple[tuple[_Line, ...], ...]:
    """The table lines of each page; a page starts at a repeated header line."""
    pages: list[list[_Line]] = []
    for number, line in enumerate(doc.lines, start=1):
        if "\t" not in line:  # table lines, the header's too, always have tabs; prose has none
            continue
        cells = _split(line)
        if _is_header(cells):
            pages.append([])
            continue
        if not pages or not any(cells):
            continue
        seq = int(cells[0]) if _SEQ.fullmatch(cells[0]) else None
        pages[-1].append(_Line(number, seq, tuple(cells[1:] if seq is not None else cells)))
    return tuple(map(tuple, pages))


def looks_like_scrambled_table(doc: SourceDoc) -> bool:
    """True when whole table rows are printed one per line, cells separated by tabs, under a one-line
    header (序号⇥工作任务⇥具体要求⇥牵头落实单位⇥完成时限): the shape a PDF extraction leaves."""
    rows = [line for page in _pages(doc) for line in page if line.seq is not None and len(line.cells) >= 2]
    return len(rows) >= 2


@dataclass(eq=False)
class _Work:
    """A row being reassembled; frozen into a Row at the end."""

    seq: int | None
    line: int
    page: int
    path: tuple[str, ...]
    group_origin: Origin
    text: Cell | None = None
    agencies: Cell | None = None
    deadline: Cell | None = None
    lines: set[int] = field(default_factory=set)
    alignment: Alignment = Alignment.PRINTED
    confidence: float = 1.0
    notes: list[str] = field(default_factory=list)

    def reconstructed(self, confidence: float, note: str) -> None:
        self.alignment = Alignment.RECONSTRUCTED
        self.confidence = min(self.confidence, confidence)
        self.notes.append(note)


@dataclass
class _RowCells:
    """What one numbered line prints, sorted by content: headings, text, agencies, deadline."""

    level1: str | None = None
    level2: str | None = None
    text: str | None = None
    agencies: str | None = None
    deadline: str | None = None
    notes: list[str] = field(default_factory=list)


def _read_line(line: _Line, first_on_page: bool, running_level1: str | None,
               running_level2: str | None) -> _RowCells:
    """Sort a numbered line's cells by content. The first row of a page reprints the level-1 heading
    (工作任务) first, and may reprint a level-2 heading alone; elsewhere a lone free cell is the text."""
    out = _RowCells()
    free = line.free()
    if first_on_page and free and is_heading_like(free[0]) and free[0] != running_level2 and not (
            running_level1 and free[0].startswith(running_level1)):
        out.level1 = free.pop(0)
    level1 = out.level1 or running_level1
    remaining = []
    for cell in free:
        if level1 and cell == level1:  # a reprint, also when it lands in the 具体要求 slot
            out.level1 = level1
        elif level1 and cell.startswith(level1) and is_heading_like(cell):  # "一级 二级" in one cell
            out.level1, out.level2 = level1, cell[len(level1):]
        else:
            remaining.append(cell)
    if len(remaining) >= 3 and out.level1 is None and all(map(is_heading_like, remaining[:2])):
        out.level1, out.level2 = remaining.pop(0), remaining.pop(0)  # a new level-1 block mid-page
    if len(remaining) == 1 and first_on_page and out.level2 is None and is_heading_like(remaining[0]):
        out.level2 = remaining.pop()
    if remaining:
        out.text = remaining.pop(max(range(len(remaining)), key=lambda i: len(remaining[i])))
        others = remaining
        if others and out.level2 is None and is_heading_like(others[0]):
            out.level2 = others.pop(0)
        out.notes += [f"cell ignored: {c!r}" for c in others]
    for kind in ("agencies", "deadline"):
        printed = line.of_kind(kind)
        if printed:
            setattr(out, kind, printed[0])
            out.notes += [f"second {kind} cell ignored: {c!r}" for c in printed[1:]]
    return out


@dataclass
class _Headings:
    """Running task headings; each heading registered once as a TaskGroup."""

    level1: str | None = None
    level2: str | None = None
    groups: dict[tuple[int, str | None, str], TaskGroup] = field(default_factory=dict)

    def update(self, printed: _RowCells, line: int) -> tuple[tuple[str, ...], Origin]:
        if printed.level1 and printed.level1 != self.level1:
            self.level1, self.level2 = printed.level1, None
            self._register(1, None, printed.level1, line)
        if printed.level2 and printed.level2 != self.level2:
            self.level2 = printed.level2
            self._register(2, self.level1, printed.level2, line)
        carried = (self.level1 and not printed.level1) or (self.level2 and not printed.level2)
        path = tuple(t for t in (self.level1, self.level2) if t)
        return path, Origin.INFERRED if carried else Origin.PRINTED

    def _register(self, level: int, parent: str | None, title: str, line: int) -> None:
        key = (level, parent, title)
        if key not in self.groups:
            ordinal = 1 + sum(1 for lv, pa, _ in self.groups if lv == level and pa == parent)
            self.groups[key] = TaskGroup(title=title, level=level, parent_title=parent,
                                         span=Span(line, line), ordinal=ordinal)


def _cell(text: str | None, line: int) -> Cell | None:
    return Cell(text=text, span=Span(line, line)) if text else None


def _read_numbered(pages: tuple[tuple[_Line, ...], ...], headings: _Headings) -> list[_Work]:
    """Every numbered row with what its own line prints; headings carried down across pages."""
    rows: list[_Work] = []
    for page_no, page in enumerate(pages):
        numbered = [line for line in page if line.seq is not None]
        for line in numbered:
            printed = _read_line(line, line is numbered[0], headings.level1, headings.level2)
            path, origin = headings.update(printed, line.number)
            work = _Work(seq=line.seq, line=line.number, page=page_no, path=path, group_origin=origin,
                         text=_cell(printed.text, line.number), agencies=_cell(printed.agencies, line.number),
                         deadline=_cell(printed.deadline, line.number), lines={line.number},
                         notes=printed.notes)
            if origin is Origin.INFERRED:
                work.notes.append("task heading carried down from a merged cell above")
            if rows and rows[-1].seq is not None and line.seq > rows[-1].seq + 1:
                missing = range(rows[-1].seq + 1, line.seq)
                work.notes.append(f"序号 {', '.join(map(str, missing))} not printed before this row")
            rows.append(work)
    return rows


def _preceding(rows: list[_Work], line: int) -> _Work | None:
    before = [r for r in rows if r.line < line]
    return before[-1] if before else None


def _attach_texts(rows: list[_Work], orphans: list[tuple[_Line, str]]) -> list[_Work]:
    """Give a page's unnumbered text lines, in order, to the rows above them that print no text.
    A text line left over is read as a row that lost its 序号; returns such rows."""
    missing = [r for r in rows if r.text is None]
    counts = f"{len(missing)} rows without text, {len(orphans)} unnumbered text lines on the page"
    base = CONFIDENCE_TEXTS_MATCH if len(missing) == len(orphans) else CONFIDENCE_TEXTS_MISMATCH
    unnumbered: list[_Work] = []
    for orphan, text in orphans:
        target = next((r for r in missing if r.line < orphan.number and r.text is None), None)
        above = _preceding(rows, orphan.number)
        if target is None:
            unnumbered.append(_unnumbered_row(orphan, text, above))
            continue
        target.text = _cell(text, orphan.number)
        target.lines.add(orphan.number)
        confidence = base
        note = f"具体要求 text printed apart on line {orphan.number}, matched in order ({counts})"
        if above is not None and above.path != target.path:
            confidence -= PENALTY_OTHER_BLOCK
            note += f"; the line is printed inside another task block ({' / '.join(above.path)})"
        target.reconstructed(confidence, note)
        for kind in ("agencies", "deadline"):
            printed = orphan.of_kind(kind)
            if printed and getattr(target, kind) is None:
                setattr(target, kind, _cell(printed[0], orphan.number))
            elif printed:
                target.notes.append(f"{kind} also printed on line {orphan.number} ignored: {printed[0]!r}")
    return unnumbered


def _unnumbered_row(orphan: _Line, text: str, above: _Work | None) -> _Work:
    work = _Work(seq=None, line=orphan.number, page=above.page if above else -1,
                 path=above.path if above else (), group_origin=Origin.INFERRED,
                 text=_cell(text, orphan.number), lines={orphan.number})
    for kind in ("agencies", "deadline"):
        printed = orphan.of_kind(kind)
        setattr(work, kind, _cell(printed[0], orphan.number) if printed else None)
    work.reconstructed(CONFIDENCE_UNNUMBERED_ROW, "unnumbered text line and no row on its page lacks a "
                       "text: read as a row whose 序号 was lost")
    return work


def _attach_cell_lines(rows: list[_Work], lines: list[_Line]) -> None:
    """Unnumbered lines printing only agencies and/or a deadline: merged cells of the rows just above
    (same task block, same page) that lack that cell; several such lines split those rows evenly."""
    for anchor, cluster in _clusters(rows, lines):
        kind = "agencies" if any(line.of_kind("agencies") for line in cluster) else "deadline"
        run: list[_Work] = []
        for work in reversed(rows[: rows.index(anchor) + 1]):
            if work.path != anchor.path or getattr(work, kind) is not None:
                break
            run.insert(0, work)
        share = -(-len(run) // len(cluster)) if run else 0
        confidence = CONFIDENCE_ONE_CELL_LINE if len(cluster) == 1 else CONFIDENCE_SPLIT_CELL_LINES
        for i, line in enumerate(cluster):
            group = run[i * share: (i + 1) * share]
            if not group:
                printed = " / ".join(c for c in line.cells if c)
                anchor.notes.append(f"unnumbered line {line.number} ({printed}) could not be attached: "
                                    "no row above lacks that cell")
                continue
            _spread(group, line, confidence, len(cluster))


def _clusters(rows: list[_Work], lines: list[_Line]) -> list[tuple[_Work, list[_Line]]]:
    """Cell-only lines grouped by the numbered row printed just above them."""
    clusters: list[tuple[_Work, list[_Line]]] = []
    for line in lines:
        anchor = _preceding(rows, line.number)
        if anchor is None:
            continue
        if clusters and clusters[-1][0] is anchor:
            clusters[-1][1].append(line)
        else:
            clusters.append((anchor, [line]))
    return clusters


def _spread(group: list[_Work], line: _Line, confidence: float, lines_in_cluster: int) -> None:
    seqs = f"序号 {group[0].seq}–{group[-1].seq}" if len(group) > 1 else f"序号 {group[0].seq}"
    how = ("one merged cell" if lines_in_cluster == 1
           else f"{lines_in_cluster} such lines split the rows evenly: a guess")
    for kind in ("agencies", "deadline"):
        printed = line.of_kind(kind)
        lacking = [w for w in group if getattr(w, kind) is None]
        if not printed or not lacking:
            continue
        setattr(lacking[0], kind, _cell(printed[0], line.number))
        lacking[0].lines.add(line.number)
        for work in lacking[1:]:
            setattr(work, kind, Cell(text=printed[0], span=Span(line.number, line.number),
                                     origin=Origin.INFERRED, carried_from_seq=lacking[0].seq))
        for work in lacking:
            work.reconstructed(confidence, f"{kind} printed on unnumbered line {line.number} after the rows; "
                               f"read as the merged cell of {seqs} ({how})")


def _carry_down(rows: list[_Work]) -> None:
    """Fill missing agencies / deadline from the nearest row above in the same task block (merged cell)."""
    above: dict[str, tuple[Cell, int | None]] = {}
    block: tuple[str, ...] | None = None
    for work in rows:
        if work.path != block:
            above, block = {}, work.path
        for kind in ("agencies", "deadline"):
            cell: Cell | None = getattr(work, kind)
            if cell is not None:
                source = work.seq if cell.origin is Origin.PRINTED else cell.carried_from_seq
                above[kind] = (cell, source)
            elif kind in above:
                printed, source = above[kind]
                setattr(work, kind, Cell(text=printed.text, span=printed.span, origin=Origin.INFERRED,
                                         carried_from_seq=source))
                where = f"序号 {source}" if source is not None else "an unnumbered row above"
                work.notes.append(f"{kind} carried from {where} (merged cell)")
            else:
                work.notes.append(f"no {kind} printed and no merged cell above in this task block")


def _freeze(work: _Work, order: int) -> Row:
    if work.text is None:
        work.notes.append("no 具体要求 text could be recovered: none printed on the row and no unnumbered "
                          "text line left on its page")
    return Row(seq=work.seq, order=order, group_path=work.path, text=work.text, agencies=work.agencies,
               deadline=work.deadline, span=Span(min(work.lines), max(work.lines)),
               group_origin=work.group_origin, alignment=work.alignment,
               confidence=round(work.confidence, 2), notes=tuple(work.notes))


def parse_scrambled_table(doc: SourceDoc) -> tuple[tuple[TaskGroup, ...], tuple[Row, ...]]:
    """Task groups and requirement rows of a PDF table whose columns were scrambled by extraction.

    Cells are classified by content, not position. Rows printing no text get the page's unnumbered text
    lines in order (alignment RECONSTRUCTED, confidence < 1); agency- or deadline-only lines become merged
    cells of the rows above; lead and deadline cells are carried down within a task block (INFERRED).
    """
    pages = _pages(doc)
    if not pages:
        raise ParseError(doc.path, "no one-line table header (序号⇥工作任务⇥具体要求…) found", line=1)
    headings = _Headings()
    rows = _read_numbered(pages, headings)
    if not rows:
        raise ParseError(doc.path, "table header found but no numbered rows", line=len(doc.lines))
    titles = {group.title for group in headings.groups.values()}
    extra: list[_Work] = []
    for page_no, page in enumerate(pages):
        on_page = [r for r in rows if r.page == page_no]
        unnumbered = [(line, line.orphan_text(titles)) for line in page if line.seq is None]
        extra += _attach_texts(on_page, [(line, text) for line, text in unnumbered if text])
        _attach_cell_lines(on_page, [line for line, text in unnumbered
                                     if not text and (line.of_kind("agencies") or line.of_kind("deadline"))])
    rows = sorted(rows + extra, key=lambda w: w.line)
    _carry_down(rows)
    return tuple(headings.groups.values()), tuple(_freeze(w, i) for i, w in enumerate(rows, start=1))
