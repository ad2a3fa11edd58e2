"""Assign requirement types (zwt: concepts) to a requirement from keyword rules kept as data."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from kg.errors import KgError
from kg.normalise.patternset import PatternSet, compile_pattern_set

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
    rules = load_rules()
    text_rules = _rule_set("text").occurring(text) if text else set()
    matched = sorted(text_rules | heading_rules(group_path[-1] if group_path else ""))  # rule-file order
    return tuple(dict.fromkeys(rules[i].type for i in matched)) or (FALLBACK_TYPE,)


@lru_cache(maxsize=MEMO_SIZE)
def heading_rules(heading: str) -> frozenset[int]:
    """Indexes of the group rules a task heading matches. Memoised: every row under a heading asks."""
    heading = _WHITESPACE.sub("", heading)
    return frozenset(_rule_set("group").occurring(heading)) if heading else frozenset()


@cache
def _rule_set(applies_to: str) -> PatternSet:
    """The patterns of the rules that look at ``applies_to`` (text | group), by index in :func:`load_rules`:
    their plain words are found in one scan of a text rather than one scan per rule."""
    return compile_pattern_set((i, rule.pattern.pattern) for i, rule in enumerate(load_rules())
                               if rule.applies_to == applies_to)


def rule_types() -> frozenset[str]:
    """Every type slug the rules can assign, plus the fallback."""
    return frozenset(rule.type for rule in load_rules()) | {FALLBACK_TYPE}
