"""The published source texts: found in the corpus folder by file name, checked against their SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kg.sources import decode


@dataclass(frozen=True)
class SourceText:
    """One source document as the site shows it."""

    iri: str
    name: str  # file name, the rdfs:label of the zw:SourceDocument
    sha256: str
    path: Path | None  # None when the corpus no longer holds this exact text
    lines: tuple[str, ...]

    @property
    def site_file(self) -> str:
        """Where the text is copied in the site (named by hash: stable, ASCII, one per text)."""
        return f"sources/{self.sha256[:16]}.txt"

    def quote(self, first: int | None, last: int | None) -> list[dict]:
        """Lines first..last (1-based, inclusive) with their numbers; empty when the text is missing."""
        if not self.lines or first is None:
            return []
        last = last if last is not None else first
        return [{"n": n, "text": self.lines[n - 1]} for n in range(first, min(last, len(self.lines)) + 1)]


def load_source(iri: str, name: str, sha256: str, corpus: Path) -> SourceText:
    """The text named `name` in the corpus folder, if its hash still matches the build's."""
    path = corpus / name
    try:
        data = path.read_bytes()
    except OSError:
        return SourceText(iri, name, sha256, None, ())
    if hashlib.sha256(data).hexdigest() != sha256:
        return SourceText(iri, name, sha256, None, ())
    text, _ = decode(data, str(path))
    # the lifter numbers lines after normalising line endings; so do we
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return SourceText(iri, name, sha256, path, tuple(lines))
