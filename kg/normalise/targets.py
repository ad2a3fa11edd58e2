"""Quantitative targets and time limits in requirement texts (3个工作日内, 不少于40%), patterns as data."""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from kg.normalise.model import QuantitativeTarget


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    with resources.files("kg.data").joinpath("target-patterns.csv").open(encoding="utf-8") as f:
        return tuple((row["comparator"], re.compile(row["pattern"])) for row in csv.DictReader(f))


def find_targets(text: str) -> list[QuantitativeTarget]:
    """Every target a text sets, in text order; a span matched by one pattern is not matched again."""
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
    return [t for _, t in sorted(found, key=lambda pair: pair[0])]
