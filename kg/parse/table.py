"""Read a tab-indented requirement table (one tab-led line per cell, merged cells printed empty) into rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple

from kg.errors import ParseError
from kg.parse.cells import join_deadline_pieces, join_pieces, squeezes_to
from kg.parse.model import Cell, Origin, Row, SourceDoc, Span, TaskGroup

# Columns of a data row: 序号, 工作任务 (two heading levels), 具体要求, 牵头落实单位, 完成时限.
SEQ, LEVEL1, LEVEL2, TEXT, AGENCIES, DEADLINE = range(6)
CELLS_PER_ROW = 6
HEADER_FIRST_CELL = "序号"
HEADER_SEARCH_LINES = 12  # the header's own cells (≤ 6, some broken over lines) come before row 1
_ROW_NUMBER = re.compile(r"\t\s*(\d+)\s*")
# A line of rule characters (the 版记 separator ━━━ / ───) closes the table.
_RULE_LINE = re.compile(r"[\s\u2500-\u257f\u2014\u2015_=＝-]{3,}")


@dataclass
class _RawCell:
    """The printed pieces of one cell and their line numbers, the first from its tab-led line."""

    first: int
    last: int
    pieces: list[str]

    @property
    def span(self) -> Span:
        return Span(self.first, self.last)


@dataclass
class _RawRow:
    """One table row as printed: the line that opened it and its cells in order."""

    start: int
    cells: list[_RawCell] = field(default_factory=list)

    @property
    def span(self) -> Span:
        last = max((c.last for c in self.cells), default=self.start)
        return Span(self.start, last)


def _is_header_cell(content: str) -> bool:
    return squeezes_to(content, HEADER_FIRST_CELL)


def _header_cells(lines: list[str]) -> list[int]:
    """0-based indexes of the ``\\t序号`` lines: the header's first cell, wherever the header recurs."""
    return [i for i, line in enumerate(lines) if line.startswith("\t") and _is_header_cell(line[1:])]


def _header_line_indexes(lines: list[str], header_cells: list[int]) -> list[int]:
    """Those of ``header_cells`` that are followed, after the header's other cells, by a numbered row."""
    return [i for i in header_cells
            if any(_ROW_NUMBER.fullmatch(f) for f in lines[i + 1: i + 1 + HEADER_SEARCH_LINES])]


def looks_like_tab_table(doc: SourceDoc) -> bool:
    """True when the document prints a ``\\t序号`` header line followed by tab-led numbered rows."""
    lines = doc.lines
    headers = _header_line_indexes(lines, _header_cells(lines))
    if not headers:
        return False
    numbered = (line for line in lines[headers[0]:] if _ROW_NUMBER.fullmatch(line))
    return len(list(islice(numbered, 2))) == 2  # two numbered rows are enough


def _raw_rows(doc: SourceDoc) -> list[_RawRow]:
    """Split the table into printed rows, skipping the header wherever it recurs (page breaks)."""
    lines = [line.rstrip("\r") for line in doc.lines]
    header_cells = _header_cells(lines)
    headers = _header_line_indexes(lines, header_cells)
    if not headers:
        raise ParseError(doc.path, "no table header (a tab-led 序号 line followed by numbered rows)", line=1)
    rows: list[_RawRow] = []
    row: _RawRow | None = None
    cell: _RawCell | None = None
    repeats = set(header_cells)
    for index in range(headers[0], len(lines)):
        number, line = index + 1, lines[index]
        if line.startswith("\t"):
            content = line[1:]
            if index in repeats:  # a (repeated) header: its cells belong to no row
                row = cell = None
                continue
            # A numbered line opens a row; so does a 7th cell, for a row whose 序号 is missing.
            if _ROW_NUMBER.fullmatch(line) or (row is not None and len(row.cells) >= CELLS_PER_ROW):
                row = _RawRow(start=number)
                rows.append(row)
            elif row is None:
                continue  # header cells
            cell = _RawCell(number, number, [content])
            row.cells.append(cell)
        elif not line.strip():
            continue  # blank lines separate the pieces of a cell and the rows
        elif _RULE_LINE.fullmatch(line.strip()):
            break
        elif cell is not None:
            cell.pieces.append(line)  # a cell broken across lines
            cell.last = number
    return rows


class _Printed(NamedTuple):
    """A cell value as printed on one row, kept to be carried down a merged cell."""

    cell: Cell
    seq: int | None


@dataclass
class _Reader:
    """What a reader keeps in mind going down the table: running headings, merged lead/deadline cells."""

    level1: _Printed | None = None
    level2: _Printed | None = None
    agencies: _Printed | None = None
    deadline: _Printed | None = None
    groups: dict[tuple[int, str | None, str], TaskGroup] = field(default_factory=dict)

    def read(self, raw: _RawRow, order: int) -> Row:
        cells = [_joined(c, column) for column, c in enumerate(raw.cells[:CELLS_PER_ROW])]
        cells += [None] * (CELLS_PER_ROW - len(cells))
        seq_text = cells[SEQ].text if cells[SEQ] else ""
        seq = int(seq_text) if seq_text.isdecimal() else None
        notes = _shape_notes(raw, seq_text)
        self._read_headings(cells[LEVEL1], cells[LEVEL2], seq)
        path = tuple(p.cell.text for p in (self.level1, self.level2) if p is not None)
        printed_path = all(cells[column] is not None
                           for column, running in ((LEVEL1, self.level1), (LEVEL2, self.level2)) if running)
        if not printed_path:
            notes.append("task heading carried down from a merged cell above")
        if cells[TEXT] is None:
            notes.append("no 具体要求 text printed")
        agencies = self._cell_or_carried("agencies", cells[AGENCIES], seq, notes)
        deadline = self._cell_or_carried("deadline", cells[DEADLINE], seq, notes)
        return Row(seq=seq, order=order, group_path=path, text=cells[TEXT], agencies=agencies,
                   deadline=deadline, span=raw.span,
                   group_origin=Origin.PRINTED if printed_path else Origin.INFERRED, notes=tuple(notes))

    def _read_headings(self, level1: Cell | None, level2: Cell | None, seq: int | None) -> None:
        """Update the running headings; a heading reprinted after a page break is the running one."""
        block = self._block()
        if level1 is not None and (self.level1 is None or level1.text != self.level1.cell.text):
            self.level1, self.level2 = _Printed(level1, seq), None
            self._register(1, None, level1)
        if level2 is not None and (self.level2 is None or level2.text != self.level2.cell.text):
            self.level2 = _Printed(level2, seq)
            self._register(2, self.level1.cell.text if self.level1 else None, level2)
        if self._block() != block:  # lead and deadline cells are merged within one task block only
            self.agencies = self.deadline = None

    def _block(self) -> tuple[str | None, str | None]:
        return (self.level1.cell.text if self.level1 else None,
                self.level2.cell.text if self.level2 else None)

    def _register(self, level: int, parent: str | None, heading: Cell) -> None:
        key = (level, parent, heading.text)
        if key not in self.groups:
            ordinal = 1 + sum(1 for lv, pa, _ in self.groups if lv == level and pa == parent)
            self.groups[key] = TaskGroup(title=heading.text, level=level, parent_title=parent,
                                         span=heading.span, ordinal=ordinal)

    def _cell_or_carried(self, name: str, printed: Cell | None, seq: int | None,
                         notes: list[str]) -> Cell | None:
        """The printed cell (remembered for the rows below), else the merged cell above in this block."""
        if printed is not None:
            setattr(self, name, _Printed(printed, seq))
            return printed
        above: _Printed | None = getattr(self, name)
        if above is None:
            notes.append(f"no {name} printed and no merged cell above in this task block")
            return None
        where = f"序号 {above.seq}" if above.seq is not None else "the row above"
        notes.append(f"{name} carried from {where} (merged cell)")
        return Cell(text=above.cell.text, span=above.cell.span, origin=Origin.INFERRED,
                    carried_from_seq=above.seq)


def _joined(raw: _RawCell, column: int) -> Cell | None:
    """A printed cell as a reader sees it, or None when it is empty (a merged cell spans it)."""
    text = join_deadline_pieces(raw.pieces) if column == DEADLINE else join_pieces(raw.pieces)
    return Cell(text=text, span=raw.span) if text else None


def _shape_notes(raw: _RawRow, seq_text: str) -> list[str]:
    notes = []
    if not seq_text.isdecimal():
        notes.append(f"序号 missing or unreadable ({seq_text!r})" if seq_text else "序号 missing")
    if len(raw.cells) != CELLS_PER_ROW:
        notes.append(f"{len(raw.cells)} cells printed where {CELLS_PER_ROW} were expected")
    return notes


def parse_tab_table(doc: SourceDoc) -> tuple[tuple[TaskGroup, ...], tuple[Row, ...]]:
    """Task groups and requirement rows of a tab-indented table, merged cells carried down as inferences.

    Task headings are carried down always; lead (牵头落实单位) and deadline (完成时限) cells only within
    the same task block (same level-2 heading). ``group_origin`` is PRINTED only when every heading in
    the row's ``group_path`` was printed on the row itself.
    """
    reader = _Reader()
    rows = tuple(reader.read(raw, order) for order, raw in enumerate(_raw_rows(doc), start=1))
    return tuple(reader.groups.values()), rows
