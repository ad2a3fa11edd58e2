"""The real corpus documents cut into reusable pieces for bench/corpus.py: head, units of rows, tail.

A unit is a stretch of lines a plan can drop or borrow whole without changing how the rest reads: a task
block (rows under the same printed headings, page-break repeats included) of a tab table or a prose
attachment, or a page (header line to header line) of a scrambled PDF table. Each unit knows how many
rows the lifter reads in it in the real document, which is how a generated plan knows its row count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from kg.lift import lift_document
from kg.normalise.model import LiftedPlan
from kg.parse.cells import squeeze
from kg.parse.prose import AGENCY_ENDINGS
from kg.parse.scrambled import classify_cell
from kg.sources import find_sources, read_source

_PLACE_SUFFIX = re.compile(r"(?:彝族自治州|自治州|自治县|壮族自治区|回族自治区|维吾尔自治区|自治区|省|市|州|县|区)$")
_SCRAMBLED_HEADER = re.compile(r"^序号\t")
# The 序号 cell of a row: a tab-led line of digits (tab table), or digits before a tab (PDF table).
_TAB_SEQ = re.compile(r"^(\t\s*)(\d{1,4})(\s*)$")
_PDF_SEQ = re.compile(r"^(\s*)(\d{1,4})(\s*\t)")


@dataclass(frozen=True)
class Unit:
    """Lines first..last (1-based, inclusive) of a template, holding ``rows`` requirement rows."""

    first: int
    last: int
    rows: int


@dataclass(frozen=True)
class Template:
    """A real document ready to be recombined."""

    name: str  # file stem
    layout: str
    lines: tuple[str, ...]
    places: tuple[tuple[str, str], ...]  # (full name, short name) of the region, then its parents, inner first
    level: str  # county | prefecture
    suffix: str  # 区 / 州 / 市: the suffix of the region's name, which its agency names start with
    year: int
    head: int  # last line before the first unit
    units: tuple[Unit, ...]
    tail: int  # first line after the last unit
    agency_lines: frozenset[int]  # lines printing an agency cell (tab table, prose)
    deadline_lines: frozenset[int]  # lines printing a deadline cell (tab table)
    agencies: tuple[str, ...]  # single agencies the document names, with the level prefix (区财政局)
    numbers: tuple[str, ...]  # issuer codes of the 发文字号 it prints (its own and those it cites)

    @property
    def family(self) -> tuple[str, str, str]:
        """Templates of one family can lend each other units: same layout, same level and suffix."""
        return self.layout, self.level, self.suffix

    def seq_pattern(self) -> re.Pattern[str] | None:
        return {"tab-table": _TAB_SEQ, "scrambled-table": _PDF_SEQ}.get(self.layout)


def short_name(place: str) -> str:
    """攀枝花市 → 攀枝花, 楚雄彝族自治州 → 楚雄, 广西壮族自治区 → 广西."""
    return _PLACE_SUFFIX.sub("", place) or place


def load_templates(corpus: Path) -> dict[str, Template]:
    """Every document of ``corpus``, lifted once and cut into units."""
    return {t.name: t for t in map(_template, find_sources(corpus))}


def _template(path: Path) -> Template:
    plan = lift_document(read_source(path))
    lines = tuple(plan.parsed.source.lines)
    units = _pages(plan, lines) if plan.parsed.layout == "scrambled-table" else _blocks(plan)
    region = plan.region
    chain = (region.name, *reversed(region.parents))
    rows = [r.row for r in plan.requirements]
    agency_lines = {n for r in rows if r.agencies and r.agencies.origin.value == "printed"
                    for n in range(r.agencies.span.first, r.agencies.span.last + 1)}
    deadline_lines = {n for r in rows if r.deadline and r.deadline.origin.value == "printed"
                      for n in range(r.deadline.span.first, r.deadline.span.last + 1)}
    suffix = region.name[-1]
    agencies = sorted({m.printed for r in plan.requirements for m in r.agencies
                       if not m.collective and m.printed.startswith(suffix) and 3 <= len(m.printed) <= 12
                       and m.printed.endswith(AGENCY_ENDINGS)})
    codes = sorted({ref.number.issuer_code for ref in (*plan.citations, plan.notice_number)
                    if ref is not None and ref.number is not None})
    return Template(name=path.stem, layout=plan.parsed.layout, lines=lines,
                    places=tuple((p, short_name(p)) for p in chain), level=region.level, suffix=suffix,
                    year=plan.year, head=units[0].first - 1, units=tuple(units), tail=units[-1].last + 1,
                    agency_lines=frozenset(agency_lines), deadline_lines=frozenset(deadline_lines),
                    agencies=tuple(agencies), numbers=tuple(codes))


def _blocks(plan: LiftedPlan) -> list[Unit]:
    """Task blocks: runs of rows under the same headings; a block runs up to the next block's first line."""
    runs = [list(rows) for _, rows in groupby((r.row for r in plan.requirements), key=lambda r: r.group_path)]
    units = []
    for i, run in enumerate(runs):
        last = runs[i + 1][0].span.first - 1 if i + 1 < len(runs) else max(r.span.last for r in run)
        units.append(Unit(run[0].span.first, last, len(run)))
    return units


def _pages(plan: LiftedPlan, lines: tuple[str, ...]) -> list[Unit]:
    """Pages of a scrambled PDF table: each starts at a (repeated) one-line header."""
    starts = [n for n, line in enumerate(lines, start=1) if _SCRAMBLED_HEADER.match(line)]
    end = max(r.row.span.last for r in plan.requirements)
    bounds = list(zip(starts, [s - 1 for s in starts[1:]] + [end]))
    return [Unit(first, last, sum(1 for r in plan.requirements if first <= r.row.span.first <= last))
            for first, last in bounds]


def cell_kind(cell: str) -> str:
    """What a PDF-table cell holds (deadline, agencies, heading, text, empty), as the lifter reads it."""
    return classify_cell(squeeze(cell))
