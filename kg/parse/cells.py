"""Join the printed pieces of a table cell into the text a reader sees (no spaces inside Chinese text)."""

from __future__ import annotations

import re
from collections.abc import Sequence

_WHITESPACE = re.compile(r"\s+")
# A deadline phrase is complete when it ends like 12月底前, 出台后, 60日内, 全年工作, 按月度完成, 11月中旬.
_COMPLETE_DEADLINE = re.compile(r"(前|后|内|底|旬|工作|完成|公布)$")
# "印发后" + "60日内完成" is one deadline counted from an event, not two deadlines.
_RELATIVE_DURATION = re.compile(r"^\d+(个|日|天|周|小时|工作日)")


def _is_ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _glue(left: str, right: str) -> str:
    """What goes between two pieces: a space only between two ASCII letters or digits (Windows XP)."""
    if left and right and _is_ascii_alnum(left[-1]) and _is_ascii_alnum(right[0]):
        return " "
    return ""


def squeeze(text: str) -> str:
    """``text`` with each whitespace run removed, or kept as one space between ASCII letters/digits."""
    if not _WHITESPACE.search(text):
        return text  # most pieces print no whitespace at all

    def replace(match: re.Match[str]) -> str:
        start, end = match.span()
        # only the characters on either side of the run decide (the empty string at either end)
        return _glue(text[start - 1] if start else "", text[end:end + 1])

    return _WHITESPACE.sub(replace, text).strip()


def squeezes_to(text: str, word: str) -> bool:
    """Whether ``text`` reads as ``word`` once squeezed (a header cell printed with stray spaces)."""
    return word[:1] in text and squeeze(text) == word  # the cheap test first: most lines are no header


def join_pieces(pieces: Sequence[str]) -> str:
    """One cell's text from its printed pieces (lines), dropping blank pieces."""
    if len(pieces) == 1:
        return squeeze(pieces[0])  # most cells print on one line
    text = ""
    for piece in (squeeze(p) for p in pieces):
        if piece:
            text += _glue(text, piece) + piece
    return text


def join_deadline_pieces(pieces: Sequence[str]) -> str:
    """A 完成时限 cell: like :func:`join_pieces`, but two complete deadlines printed on separate lines
    ("12月底前" / "全年工作") stay apart, joined by a newline, while a phrase broken by the column
    width ("省、市有关" / "文件出台后") is joined."""
    if len(pieces) == 1:
        return squeeze(pieces[0])
    parts: list[str] = []
    for piece in (squeeze(p) for p in pieces):
        if not piece:
            continue
        if parts and _starts_new_deadline(parts[-1], piece):
            parts.append(piece)
        elif parts:
            parts[-1] += _glue(parts[-1], piece) + piece
        else:
            parts.append(piece)
    return "\n".join(parts)


def _starts_new_deadline(before: str, piece: str) -> bool:
    # a lone "前" or "内" is the tail of a broken phrase, not a deadline of its own
    return bool(len(piece) >= 3 and _COMPLETE_DEADLINE.search(before) and _COMPLETE_DEADLINE.search(piece)
                and not _RELATIVE_DURATION.match(piece))
