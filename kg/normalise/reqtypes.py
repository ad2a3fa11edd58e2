"""Assign requirement types (zwt: concepts) to a requirement from keyword rules kept as data."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from kg.errors import KgError

RULES_FILE = "requirement-type-rules.csv"
FALLBACK_TYPE = "general"  # 其他: no rule matched
APPLIES_TO = ("text", "group")
MEMO_SIZE = 1024  # distinct task headings remembered
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class TypeRule:
    """One row of the rules file: requirements whose text (or heading) matches ``pattern`` get ``type``."""

    type: str  # slug of a zwt: concept, e.g. policy-interpretation
    pattern: re.Pattern[str]
    applies_to: str  # text | group


@cache
def load_rules() -> tuple[TypeRule, ...]:
    """The rules of ``kg/data/requirement-type-rules.csv``, in file order (read once)."""
    source = resources.files("kg.data").joinpath(RULES_FILE).read_text(encoding="utf-8")
    return tuple(parse_rules(source))


def parse_rules(source: str) -> list[TypeRule]:
    """Rules from CSV text (``type,pattern,applies_to,note``); KgError names a bad row's line."""
    rules = []
    reader = csv.DictReader(io.StringIO(source))
    for row in reader:
        line_no = reader.line_num
        slug, pattern, applies_to = ((row.get(key) or "").strip() for key in ("type", "pattern", "applies_to"))
        if not slug or not pattern or applies_to not in APPLIES_TO:
            raise KgError(f"{RULES_FILE}:{line_no}: need a type, a pattern and applies_to in {APPLIES_TO}")
        try:
            compiled = re.compile(pattern)
        except re.error as err:
            raise KgError(f"{RULES_FILE}:{line_no}: bad pattern {pattern!r}: {err}") from err
        rules.append(TypeRule(slug, compiled, applies_to))
    return rules


def classify_requirement(text: str, group_path: tuple[str, ...]) -> tuple[str, ...]:
    """Type slugs of one requirement, in rule-file order; ``("general",)`` when no rule matches.

    Text rules look at the requirement text. Group rules look only at the innermost task heading: the
    outer heading of a two-level plan (着力加强公开解读回应工作) is too broad to type every row under it,
    while the inner one (围绕稳定市场预期加强政策解读) says what its rows are about.
    """
    # printed line breaks and stray spaces split words ("人力资源 和社会保障局"): match without them
    text = _WHITESPACE.sub("", text)
    heading = _WHITESPACE.sub("", group_path[-1]) if group_path else ""
    rules = load_rules()
    matched = sorted([*_matching_rules(text, "text"), *heading_rules(heading)])  # rule-file order
    return tuple(dict.fromkeys(rules[i].type for i in matched)) or (FALLBACK_TYPE,)


@lru_cache(maxsize=MEMO_SIZE)
def heading_rules(heading: str) -> tuple[int, ...]:
    """Indexes of the group rules a task heading matches. Memoised: every row under a heading asks."""
    return tuple(_matching_rules(heading, "group"))


def _matching_rules(subject: str, applies_to: str) -> list[int]:
    """Indexes (in :func:`load_rules`) of the ``applies_to`` rules whose pattern occurs in ``subject``."""
    if not subject:
        return []
    return [i for i, pattern in _patterns(applies_to) if pattern.search(subject)]


@cache
def _patterns(applies_to: str) -> tuple[tuple[int, re.Pattern[str]], ...]:
    """(index, pattern) of the rules that look at ``applies_to`` (text | group)."""
    return tuple((i, rule.pattern) for i, rule in enumerate(load_rules()) if rule.applies_to == applies_to)


def rule_types() -> frozenset[str]:
    """Every type slug the rules can assign, plus the fallback."""
    return frozenset(rule.type for rule in load_rules()) | {FALLBACK_TYPE}
