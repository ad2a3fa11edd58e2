"""Merged cells whose text the printer put on a later row: after a page break, a merged lead or deadline
cell is reprinted on the first row of the new page, so the block's earlier rows share it."""

from __future__ import annotations

from dataclasses import replace

from kg.parse.model import Cell, Origin, Row

CARRIED_CELLS = ("agencies", "deadline")


def backfill_from_page_repeats(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """Give rows at the start of a task block that print no lead/deadline the value printed on the block's
    page-break repeat (a later row of the same block that reprints the block's headings). Only such a row
    proves the merged cell spans the rows above it; any other empty cell stays empty."""
    out = list(rows)
    for start, end in _blocks(out):
        for name in CARRIED_CELLS:
            _backfill_block(out, start, end, name)
    return tuple(out)


def _blocks(rows: list[Row]) -> list[tuple[int, int]]:
    """Index ranges [start, end) of consecutive rows under the same task headings."""
    blocks, start = [], 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i].group_path != rows[start].group_path:
            blocks.append((start, i))
            start = i
    return blocks


def _backfill_block(rows: list[Row], start: int, end: int, name: str) -> None:
    empty = []
    for i in range(start, end):
        cell: Cell | None = getattr(rows[i], name)
        if cell is not None:
            source = rows[i]
            is_repeat = i > start and source.group_origin is Origin.PRINTED and cell.origin is Origin.PRINTED
            if is_repeat and empty:
                for j in empty:
                    filled = replace(cell, origin=Origin.INFERRED, carried_from_seq=source.seq)
                    note = (f"{name} taken from the merged cell reprinted on row {source.seq or source.order} "
                            "after a page break")
                    rows[j] = replace(rows[j], **{name: filled}, notes=_drop_missing_note(rows[j].notes, name)
                                      + (note,))
            return
        empty.append(i)


def _drop_missing_note(notes: tuple[str, ...], name: str) -> tuple[str, ...]:
    return tuple(n for n in notes if not n.startswith(f"no {name} printed"))
