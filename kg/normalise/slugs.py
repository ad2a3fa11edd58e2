"""Readable ASCII slugs from Chinese text (pinyin), for IRIs; pure, no RDF."""

from __future__ import annotations

import re
from urllib.parse import quote

from pypinyin import Style, lazy_pinyin

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _syllables(text: str) -> list[str]:
    # characters pypinyin cannot read (ASCII, punctuation) come back one by one, unchanged
    return [p.lower() for p in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: list(s)) if p.strip()]


def slugify(text: str) -> str:
    """Readable ASCII slug from Chinese or mixed text: 区财政局 → qu-cai-zheng-ju."""
    slug = _NOT_SLUG.sub("-", "-".join(_syllables(text))).strip("-")
    return slug or quote(text, safe="")


def word_slug(text: str) -> str:
    """One pinyin word, syllables run together: 国办发 → guobanfa, 盘龙 → panlong."""
    slug = _NOT_SLUG.sub("-", "".join(_syllables(text))).strip("-")
    return slug or quote(text, safe="")
