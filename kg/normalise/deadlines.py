"""完成时限 cells → deadlines: plan year, on or before a date, recurring, after an event, immediate."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from kg.normalise.model import Deadline, DeadlineKind
from kg.parse.model import Cell, Origin

# --- the rules, tried in this order at each position of a cell ------------------------------------
_YEAR = r"(?:(?P<year>\d{4})年)?"
_DONE = r"(?:完成|公布|公开|发布|报送|更新)?"
_BEFORE = r"(?P<before>前|以前|之前|内|止)?"
_WITHIN = r"(?:(?P<n>\d+)(?P<unit>个?工作日|日|天|周|个?月|年)内)?"
_PERIOD = r"(?:月度?|季度?|周|年度?|半年)"

PATTERNS: dict[str, str] = {
    # 12月底前, 10月15日前, 9月前, 11月中旬前, 2020年3月底前, 10月底, 2020年1月中旬
    "month": _YEAR + r"(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日|(?P<end>底|末)|(?P<third>上|中|下)旬|份)?"
             + _BEFORE + _DONE,
    # 年底前, 2018年底前, 2020年年底前
    "year_end": r"(?:(?P<year>\d{4})年?)?年(?:底|末)" + _BEFORE + _DONE,
    "within_year": _YEAR + r"年内" + _DONE,  # 年内完成
    "half_year": _YEAR + r"(?P<half>上|下)半年" + _BEFORE + _DONE,  # 上半年
    "quarter": _YEAR + r"第?(?P<quarter>[一二三四1-4])季度(?:末|底)?" + _BEFORE + _DONE,  # 三季度末前
    # 按月度完成, 按月度、季度公布, 每季度第一周内, 每月、每季度后20日内完成
    "recurring": r"(?P<periods>(?:按|每)" + _PERIOD + r"(?:[、，,和及]?(?:按|每)?" + _PERIOD + r")*)"
                 + r"(?:(?P<first_week>第一周内)|后?" + _WITHIN + r")" + _DONE,
    "plan_year": r"全年(?:工作|完成|推进|实施)?",  # 全年工作
    "immediate": r"(?:及时|即时|立即|随时|实时)[\u4e00-\u9fff]{0,6}",  # 及时转载发布
    # 省、市有关文件出台后, 待国家有关文件出台后, 国家指导意见印发后60日内完成, 《…》印发后2个月内
    "after_event": r"待?(?P<event>[^，,；;。]{1,40}?(?:出台|印发|发布|下发|公布|制定|修订|实施|批复|召开|明确))后"
                   + _WITHIN + _DONE,
}
_RULES = {name: re.compile(pattern) for name, pattern in PATTERNS.items()}
_SEPARATORS = re.compile(r"[、，,；;。\s]+")
_FREQUENCY = (("周", "weekly"), ("季", "quarterly"), ("半年", "half-yearly"), ("月", "monthly"), ("年", "yearly"))
_FREQUENCY_ORDER = ("weekly", "monthly", "quarterly", "half-yearly", "yearly")
_THIRD_END = {"上": 10, "中": 20}  # 上旬 ends on the 10th, 中旬 on the 20th, 下旬 with the month
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
MEMO_SIZE = 4096  # distinct cell texts remembered


@dataclass(frozen=True)
class _Reading:
    """What one rule read: kind and fields of a Deadline, without printed text and origin."""

    kind: DeadlineKind
    date: str | None = None
    event: str | None = None
    within: str | None = None
    frequency: str | None = None
    date_inferred_year: bool = False


def read_deadline_cell(cell: Cell, plan_year: int) -> list[Deadline]:
    """Every deadline a 完成时限 cell prints, dates resolved against ``plan_year``.

    A cell may hold two deadlines on two lines ("12月底前" / "全年工作"); text no rule understands gives
    one UNRESOLVED deadline that keeps the printed text.
    """
    return list(read_deadline_text(cell.text, plan_year, cell.origin))


@lru_cache(maxsize=MEMO_SIZE)
def read_deadline_text(text: str, plan_year: int, origin: Origin) -> tuple[Deadline, ...]:
    """The deadlines of a 完成时限 cell's text (see :func:`read_deadline_cell`). Memoised: a plan prints the
    same few deadlines (全年工作, 12月底前) on most of its rows."""
    deadlines: list[Deadline] = []
    for line in (part.strip() for part in text.split("\n")):
        if line:
            deadlines += _read_line(line, plan_year, origin)
    return tuple(deadlines)


def _read_line(line: str, plan_year: int, origin: Origin) -> list[Deadline]:
    """The deadlines of one line: consecutive phrases, each read by the first rule that matches it."""
    compact, where = _compact(line)
    found: list[tuple[int, int, _Reading]] = []
    pos = _skip_separators(compact, 0)
    while pos < len(compact):
        hit = _read_at(compact, pos, plan_year)
        if hit:
            end, reading = hit
            found.append((pos, end, reading))
            pos = _skip_separators(compact, end)
        elif found:
            pos = _next_phrase(compact, pos)  # words after a deadline belong to it (…前对企业门户网站开展普查)
        else:
            break
    if not found:
        return [Deadline(kind=DeadlineKind.UNRESOLVED, printed=line, date=None, origin=origin)]
    ends = [start for start, _, _ in found[1:]] + [len(compact)]
    return [_deadline(reading, _original(line, where, start, end), origin)
            for (start, _, reading), end in zip(found, ends)]


def _read_at(text: str, pos: int, plan_year: int) -> tuple[int, _Reading] | None:
    for name, rule in _RULES.items():
        match = rule.match(text, pos)
        if match:
            reading = _READERS[name](match, plan_year)
            if reading:
                return match.end(), reading
    return None


def _next_phrase(text: str, pos: int) -> int:
    """Start of the next phrase after a separator that a rule can read, or the end of the text."""
    for sep in _SEPARATORS.finditer(text, pos):
        if any(rule.match(text, sep.end()) for rule in _RULES.values()):
            return sep.end()
    return len(text)


def _skip_separators(text: str, pos: int) -> int:
    match = _SEPARATORS.match(text, pos)
    return match.end() if match else pos


def _compact(line: str) -> tuple[str, list[int]]:
    """``line`` without whitespace, and for each kept character its index in ``line``."""
    where = [i for i, char in enumerate(line) if not char.isspace()]
    return "".join(line[i] for i in where), where


def _original(line: str, where: list[int], start: int, end: int) -> str:
    """The printed text of compact characters ``start``..``end``, with its own spacing, trimmed."""
    return line[where[start]:where[end - 1] + 1].rstrip("、，,；;。 ")


def _deadline(reading: _Reading, printed: str, origin: Origin) -> Deadline:
    return Deadline(kind=reading.kind, printed=printed, date=reading.date, origin=origin,
                    event=reading.event, within=reading.within, frequency=reading.frequency,
                    date_inferred_year=reading.date_inferred_year)


# --- readers: one per rule; None when the match is not a real date --------------------------------
def _on_or_before(year: str | None, plan_year: int, day: Callable[[int], date]) -> _Reading | None:
    try:
        due = day(int(year) if year else plan_year)
    except ValueError:
        return None
    return _Reading(DeadlineKind.ON_OR_BEFORE, date=due.isoformat(), date_inferred_year=not year)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _read_month(m: re.Match[str], plan_year: int) -> _Reading | None:
    month = int(m["month"])

    def day(year: int) -> date:
        if m["day"]:
            return date(year, month, int(m["day"]))
        if m["third"] in _THIRD_END:
            return date(year, month, _THIRD_END[m["third"]])
        if not m["end"] and not m["third"] and m["before"] in ("前", "以前", "之前"):
            return date(year, month, 1) - timedelta(days=1)  # 9月前: before September begins
        return _month_end(year, month)  # 10月底, 11月下旬, 10月, 10月内

    return _on_or_before(m["year"], plan_year, day)


def _read_year_end(m: re.Match[str], plan_year: int) -> _Reading | None:
    return _on_or_before(m["year"], plan_year, lambda year: date(year, 12, 31))


def _read_half_year(m: re.Match[str], plan_year: int) -> _Reading | None:
    return _on_or_before(m["year"], plan_year, lambda year: _month_end(year, 6 if m["half"] == "上" else 12))


def _read_quarter(m: re.Match[str], plan_year: int) -> _Reading | None:
    return _on_or_before(m["year"], plan_year, lambda year: _month_end(year, 3 * _QUARTER[m["quarter"]]))


def _duration(n: str | None, unit: str | None) -> str | None:
    """An xsd:duration for N日/天/周/个月/年; None for 工作日 (working days are no fixed duration)."""
    if not n or not unit or "工作日" in unit:
        return None
    if unit in ("日", "天"):
        return f"P{int(n)}D"
    if unit == "周":
        return f"P{7 * int(n)}D"
    return f"P{int(n)}Y" if unit == "年" else f"P{int(n)}M"


def _read_recurring(m: re.Match[str], plan_year: int) -> _Reading:
    periods = m["periods"]
    found = set()
    for word, frequency in _FREQUENCY:
        if word in periods:
            found.add(frequency)
            periods = periods.replace(word, "")  # 半年 is not also 年
    frequency = ",".join(f for f in _FREQUENCY_ORDER if f in found)
    within = "P7D" if m["first_week"] else _duration(m["n"], m["unit"])
    return _Reading(DeadlineKind.RECURRING, frequency=frequency, within=within)


def _read_plan_year(m: re.Match[str], plan_year: int) -> _Reading:
    return _Reading(DeadlineKind.PLAN_YEAR, date=f"{plan_year}-12-31", date_inferred_year=True)


def _read_immediate(m: re.Match[str], plan_year: int) -> _Reading:
    return _Reading(DeadlineKind.IMMEDIATE)


def _read_after_event(m: re.Match[str], plan_year: int) -> _Reading:
    return _Reading(DeadlineKind.AFTER_EVENT, event=m["event"], within=_duration(m["n"], m["unit"]))


_READERS: dict[str, Callable[[re.Match[str], int], _Reading | None]] = {
    "month": _read_month, "year_end": _read_year_end, "within_year": _read_year_end,
    "half_year": _read_half_year, "quarter": _read_quarter, "recurring": _read_recurring,
    "plan_year": _read_plan_year, "immediate": _read_immediate, "after_event": _read_after_event,
}
