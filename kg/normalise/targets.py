"""Quantitative targets and time limits in requirement texts (3个工作日内, 不少于40%), patterns as data."""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

from kg.normalise.model import QuantitativeTarget

_DIGIT = re.compile(r"\d")


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    with resources.files("kg.data").joinpath("target-patterns.csv").open(encoding="utf-8") as f:
        return tuple((row["comparator"], re.compile(row["pattern"])) for row in csv.DictReader(f))


def find_targets(text: str) -> list[QuantitativeTarget]:
    """Every target a text sets, in text order, with what it measures; a span is matched once only."""
    if not _DIGIT.search(text):
        return []  # most requirement texts set no number: a target prints its value in digits (float below)
    found: list[tuple[int, QuantitativeTarget]] = []
    taken: list[range] = []
    for comparator, pattern in _patterns():
        for match in pattern.finditer(text):
            span = range(match.start(), match.end())
            if any(span.start < t.stop and t.start < span.stop for t in taken):
                continue
            taken.append(span)
            unit = match.group("unit").removeprefix("个") if match.group("unit") != "个" else "个"
            found.append((match.start(), QuantitativeTarget(
                printed=match.group(0), comparator=comparator, value=float(match.group("value")), unit=unit)))
    found.sort(key=lambda pair: pair[0])
    spans = sorted(taken, key=lambda r: r.start)
    return [replace(t, measures=measured_words(text, span, t.unit, spans))
            for (_, t), span in zip(found, spans)]


# --- what a target measures ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MeasureRules:
    """kg/data/target-measures.toml: which side of the number names what it measures."""

    after: frozenset[str]
    after_else_before: frozenset[str]
    breaks: str
    lead_in: tuple[str, ...]


@cache
def _measure_rules() -> MeasureRules:
    data = tomllib.loads(resources.files("kg.data").joinpath("target-measures.toml").read_text("utf-8"))
    return MeasureRules(frozenset(data["after"]), frozenset(data["after_else_before"]), data["breaks"],
                        tuple(sorted(data["lead_in"], key=len, reverse=True)))


def measured_words(text: str, span: range, unit: str, targets: list[range]) -> str | None:
    """The words a careful reader names as what the number measures (see kg/data/target-measures.toml).

    Other targets printed in the same clause are skipped over: in "3小时内、最迟不超过5小时发布权威信息"
    both limits measure 发布权威信息.
    """
    rules = _measure_rules()
    after = _clause_after(text, span.stop, targets, rules)
    if unit in rules.after:
        return after
    if unit in rules.after_else_before and after:
        return after
    return _clause_before(text, span.start, targets, rules)


def _blank_targets(text: str, targets: list[range]) -> str:
    """The text with every target replaced by NUL characters (kept in place so that offsets hold)."""
    chars = list(text)
    for span in targets:
        chars[span.start:span.stop] = "\0" * len(span)
    return "".join(chars)


def _clause_after(text: str, start: int, targets: list[range], rules: MeasureRules) -> str | None:
    rest = _blank_targets(text, targets)[start:].lstrip("、\0")
    # a clause break ends the words, and so does 、 before the next target ("5小时内发布权威信息、24小时内…")
    end = next((i for i, ch in enumerate(rest) if ch in rules.breaks or rest.startswith("、\0", i)), len(rest))
    return _tidy(rest[:end], rules)


def _clause_before(text: str, stop: int, targets: list[range], rules: MeasureRules) -> str | None:
    head = _blank_targets(text, targets)[:stop]
    begin = max((i for i, ch in enumerate(head) if ch in rules.breaks), default=-1) + 1
    return _tidy(head[begin:], rules)


def _tidy(words: str, rules: MeasureRules) -> str | None:
    words = words.replace("\0", "").strip()
    stripped = True
    while stripped and words:
        stripped = False
        for lead in rules.lead_in:
            if words.startswith(lead):
                words, stripped = words[len(lead):].strip(), True
                break
    return words or None
