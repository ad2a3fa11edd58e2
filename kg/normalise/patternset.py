"""Which of many keyword patterns occur in a text, the plain words among them found in one scan."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# A pattern that sets flags for all of itself ((?i)…) cannot be cut into alternatives.
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


@dataclass(frozen=True)
class PatternSet:
    """Answers "which of these patterns does ``re.search`` find in this text?" for many patterns at once.

    Keyword rules are mostly lists of plain words (基本目录|公开目录|试点). Instead of one scan of the text
    per pattern, every plain word of every pattern is found in one scan, by one regex with a branch per
    first character that tries longer words first. A hit is then the longest word starting at that point,
    and every other word starting there is a prefix of it (公开 of 公开目录): the hit stands for the
    patterns owning it or one of its prefixes. What is more than a plain word (a look-behind, a group)
    stays a regex, searched pattern by pattern.
    """

    words: re.Pattern[str] | None  # every plain word; None when there is none
    owners: dict[str, frozenset[int]]  # word → ids of the patterns owning it or one of its prefixes
    regexes: tuple[tuple[int, re.Pattern[str]], ...]  # (id, the pattern's other alternatives)

    def occurring(self, text: str) -> set[int]:
        """Ids of the patterns that occur in ``text``."""
        found = {key for key, regex in self.regexes if regex.search(text)}
        hit = self.words.search(text) if self.words else None
        while hit is not None:
            found |= self.owners[hit.group()]
            hit = self.words.search(text, hit.start() + 1)  # the next word may overlap this one
        return found


def compile_pattern_set(patterns: Iterable[tuple[int, str]]) -> PatternSet:
    """A PatternSet of (id, regex source) pairs."""
    owners: dict[str, set[int]] = {}
    regexes = []
    for key, pattern in patterns:
        words, rest = split_words(pattern)
        for word in words:
            owners.setdefault(word, set()).add(key)
        if rest is not None:
            regexes.append((key, re.compile(rest)))
    with_prefixes = {word: frozenset(key for prefix, keys in owners.items() if word.startswith(prefix)
                                     for key in keys) for word in owners}
    return PatternSet(_longest_word(owners) if owners else None, with_prefixes, tuple(regexes))


def split_words(pattern: str) -> tuple[tuple[str, ...], str | None]:
    """The plain words among a pattern's alternatives, and its other alternatives as one pattern (None when
    there are none): "热线|12345" → (("热线", "12345"), None); "记者|(?<![新融])媒体" → (("记者",),
    "(?<![新融])媒体"). A pattern occurs in a text exactly when one of its words or its rest does."""
    alternatives = _alternatives(pattern)
    if _GLOBAL_FLAGS.match(pattern) or "(?#" in pattern or not all(map(_compiles, alternatives)):
        return (), pattern  # cannot be cut safely: kept whole
    words = tuple(a for a in alternatives if _is_plain(a))
    rest = [a for a in alternatives if not _is_plain(a)]
    return words, "|".join(rest) if rest else None


def _is_plain(alternative: str) -> bool:
    return bool(alternative) and re.escape(alternative) == alternative  # no character with a regex meaning


def _compiles(alternative: str) -> bool:
    try:
        re.compile(alternative)
    except re.error:
        return False
    return True


def _alternatives(pattern: str) -> list[str]:
    """``pattern`` cut at each | outside groups and character classes."""
    parts: list[str] = []
    start = depth = i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1  # the escaped character means nothing here
        elif char == "[":
            i = _class_end(pattern, i)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return parts + [pattern[start:]]


def _class_end(pattern: str, i: int) -> int:
    """Index of the ] that closes the character class opened at ``i``."""
    i += 1
    if pattern[i:i + 1] == "^":
        i += 1
    if pattern[i:i + 1] == "]":
        i += 1  # a ] first in a class is a member
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def _longest_word(words: Iterable[str]) -> re.Pattern[str]:
    """A regex matching the longest of ``words`` at a point: a branch per first character, longer words
    first within it (the regex engine takes the first branch of an alternation that matches)."""
    by_first: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        by_first.setdefault(word[0], []).append(re.escape(word[1:]))
    branches = (f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items())
    return re.compile("|".join(branches))
