"""Find the documents a text cites: 《title》, 《title》（发文字号）, or a bare 发文字号."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.parse.cells import squeeze
from kg.parse.model import CitedDocument, Span

_CJK = r"\u3400-\u9fff"
# Words a sentence puts right before a bare number ("按照国发〔2016〕55号"); they are not part of the 机关代字.
LEADING_WORDS = ("贯彻落实", "认真落实", "严格落实", "按照", "根据", "依据", "依照", "落实", "贯彻", "执行",
                 "参照", "对照", "详见", "印发", "以及", "和", "及", "与", "见")
MAX_CODE_LEN = 8  # longest 发文机关代字 accepted (e.g. 昆政办函, 国办秘函)

# 代字 + 〔year〕 + serial + 号; spaces and line breaks may fall anywhere between the parts.
_NUMBER = re.compile(
    rf"(?<![{_CJK}])(?P<code>[{_CJK}]+)\s*"
    r"(?:〔|［|\[|【|（|\()\s*(?P<year>\d{4})\s*(?:〕|］|\]|】|）|\))\s*"
    r"(?P<serial>\d+)\s*号"
)
_OPENERS = "（(〔［[【“\"'"
_OPEN_AFTER_TITLE = re.compile(r"\s*(?:（|\(|〔|［|\[|【)\s*")
_CLOSE_AFTER_NUMBER = re.compile(r"\s*(?:）|\)|〕|］|\]|】)")
_TITLE_MARKS = re.compile("[《》。]")  # the only characters that open, close or cut off a title


@dataclass(frozen=True)
class CitationMatch:
    """A citation and where it was printed in the scanned text (character offsets)."""

    start: int
    end: int
    cited: CitedDocument


def find_citations(text: str, first_line: int = 1) -> list[CitedDocument]:
    """Every document cited in ``text``, in printed order; ``first_line`` is the line number of
    ``text``'s first line in its source document."""
    return [match.cited for match in iter_citations(text, first_line)]


def is_document_number(text: str) -> bool:
    """Whether ``text`` (stripped) is one 发文字号 and nothing else, e.g. a notice's own number line."""
    found = _NUMBER.fullmatch(text.strip())
    return found is not None and len(found.group("code")) <= MAX_CODE_LEN


def iter_citations(text: str, first_line: int = 1) -> Iterator[CitationMatch]:
    """Like :func:`find_citations`, with the character offsets of each citation in ``text``."""
    if "《" not in text and "号" not in text:
        return  # most requirement texts cite nothing: every citation prints a 《title》 or a …号 number
    titles = list(_iter_titles(text))
    numbers = [_trim_number(text, m) for m in _NUMBER.finditer(text)]
    used: set[int] = set()
    found: list[tuple[int, int, str | None, str | None]] = []
    for start, end, title in titles:
        number = _number_right_after(text, end, numbers)
        if number is not None:
            used.add(number[0])
            found.append((start, number[2], title, text[number[0]:number[1]]))
        else:
            found.append((start, end, title, None))
    inside_titles = [(s, e) for s, e, _ in titles]
    for n_start, n_end in numbers:
        if n_start in used or any(s <= n_start < e for s, e in inside_titles):
            continue
        found.append((n_start, n_end, None, text[n_start:n_end]))
    for start, end, title, number in sorted(found):
        span = Span(first_line + text.count("\n", 0, start), first_line + text.count("\n", 0, end))
        yield CitationMatch(start, end, CitedDocument(printed_number=number, title=title, span=span))


def _iter_titles(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, title) of each balanced 《…》, doubled marks (《《…》》) read as one title."""
    depth, start = 0, 0
    for mark in _TITLE_MARKS.finditer(text):
        i, char = mark.start(), mark.group()
        if char == "《":
            if depth == 0:
                start = i
            depth += 1
        elif char == "》" and depth > 0:
            depth -= 1
            if depth == 0:
                title = squeeze(_strip_doubled_marks(text[start + 1:i]))
                if title:
                    yield start, i + 1, title
        elif char == "。" and depth > 0:
            depth = 0  # a stray 《 never runs past the end of its sentence


def _strip_doubled_marks(inner: str) -> str:
    """"《A》" → "A" when the marks wrap the whole inner text (a doubled 《《A》》)."""
    while inner.startswith("《") and inner.endswith("》") and _balanced(inner[1:-1]):
        inner = inner[1:-1]
    return inner


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "《") - (char == "》")
        if depth < 0:
            return False
    return depth == 0


def _trim_number(text: str, match: re.Match[str]) -> tuple[int, int]:
    """Offsets of the number without the words a sentence glued in front of its 代字."""
    start, code = match.start("code"), match.group("code")
    if start > 0 and text[start - 1] in _OPENERS:
        return start, match.end()  # "（国办发〔…〕" : the bracket already marks where the 代字 begins
    stripped = True
    while stripped:
        stripped = False
        for word in LEADING_WORDS:
            if code.startswith(word) and len(code) > len(word):
                code, start, stripped = code[len(word):], start + len(word), True
                break
    if len(code) > MAX_CODE_LEN:
        start += len(code) - MAX_CODE_LEN
    return start, match.end()


def _number_right_after(text: str, pos: int, numbers: list[tuple[int, int]]) -> tuple[int, int, int] | None:
    """The number printed in brackets right after a title ending at ``pos``: (start, end, end of the
    closing bracket)."""
    opening = _OPEN_AFTER_TITLE.match(text, pos)
    if opening is None:
        return None
    for n_start, n_end in numbers:
        if n_start == opening.end():
            closing = _CLOSE_AFTER_NUMBER.match(text, n_end)
            return n_start, n_end, closing.end() if closing else n_end
    return None
