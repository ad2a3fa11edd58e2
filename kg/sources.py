"""Read source documents: locate them, decode UTF-8 / UTF-8 with BOM / GB18030, and hash the bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg.errors import SourceError
from kg.parse.model import SourceDoc

SOURCE_SUFFIXES = (".txt",)
MIN_TEXT_CHARS = 40  # shorter than any real plan's title plus one requirement


def find_sources(folder: Path) -> list[Path]:
    """The documents of a corpus folder, sorted by name (the order never affects IRIs)."""
    if not folder.is_dir():
        raise SourceError(str(folder), "corpus folder does not exist")
    return sorted(p for p in folder.iterdir() if p.suffix in SOURCE_SUFFIXES and p.is_file())


def decode(raw: bytes, path: str) -> tuple[str, str]:
    """Decode the bytes of a plan; returns (text, encoding). Real plans come in all three encodings."""
    if b"\x00" in raw[:4096]:
        raise SourceError(path, "binary file (NUL bytes), not a text document", line=_line_of(raw, b"\x00"))
    if raw.startswith(b"\xef\xbb\xbf"):
        return _strict(raw[3:], "utf-8", path), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            line = raw[: utf8_error.start].count(b"\n") + 1
            raise SourceError(path, "neither UTF-8 nor GB18030 text", line=line) from None


def _strict(raw: bytes, encoding: str, path: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SourceError(path, f"invalid {encoding} after a byte-order mark", line=line) from None


def _line_of(raw: bytes, needle: bytes) -> int:
    return raw[: raw.find(needle)].count(b"\n") + 1


def read_source(path: Path) -> SourceDoc:
    """Read and decode one document; line endings are normalised to \\n so line numbers are stable."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SourceError(str(path), f"cannot read: {error.strerror}") from None
    if not raw.strip():
        raise SourceError(str(path), "empty file")
    text, encoding = decode(raw, str(path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise SourceError(str(path), f"too short to be a plan ({len(text.strip())} characters)")
    return SourceDoc(id=path.stem, path=str(path), text=text, sha256=hashlib.sha256(raw).hexdigest(),
                     encoding=encoding, size=len(raw))
