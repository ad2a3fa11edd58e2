"""PatternSet (kg.normalise.patternset) finds exactly the patterns re.search finds, for the real type rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.normalise.patternset import compile_pattern_set, split_words
from kg.normalise.reqtypes import load_rules

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.mark.parametrize("pattern, words, rest", [
    ("热线|12345|12315", ("热线", "12345", "12315"), None),
    ("新闻发布|发布会|(?<![新融])媒体|记者", ("新闻发布", "发布会", "记者"), "(?<![新融])媒体"),
    ("(信息公开|政务公开)[^。；]{0,6}年度报告|年报", ("年报",), "(信息公开|政务公开)[^。；]{0,6}年度报告"),
    (r"审批改革|互联网\+政务服务", ("审批改革",), r"互联网\+政务服务"),
    ("[|]|x", ("x",), "[|]"),  # a | inside a character class is no alternative
    ("(?i)app|网站", (), "(?i)app|网站"),  # global flags: kept whole
])
def test_split_words(pattern: str, words: tuple[str, ...], rest: str | None) -> None:
    assert split_words(pattern) == (words, rest)


def test_overlapping_words_are_all_found() -> None:
    # 公开目录 contains 公开 at its start and 目录 inside: all three rules occur
    patterns = compile_pattern_set([(0, "公开"), (1, "公开目录|基本目录"), (2, "目录"), (3, "试点")])
    assert patterns.occurring("编制政务公开目录") == {0, 1, 2}
    assert patterns.occurring("") == set()


def test_real_rules_on_every_corpus_line() -> None:
    rules = load_rules()
    for applies_to in ("text", "group"):
        indexed = [(i, rule.pattern) for i, rule in enumerate(rules) if rule.applies_to == applies_to]
        patterns = compile_pattern_set((i, pattern.pattern) for i, pattern in indexed)
        for path in CORPUS.glob("*.txt"):
            for line in path.read_text(encoding="utf-8").split("\n"):
                text = re.sub(r"\s+", "", line)
                assert patterns.occurring(text) == {i for i, pattern in indexed if pattern.search(text)}, text
