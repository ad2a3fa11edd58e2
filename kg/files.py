"""Sharing a built file with the next build: a hard link where the disk allows it, else a copy."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def link_or_copy(source: str | Path, target: str | Path, keep_existing: bool = False) -> None:
    """``target`` hard-linked to ``source``, else (another disk, no hard links there) a copy. A build's
    files never change once written, so builds may share them.

    A name already at ``target`` is replaced, never written through: it may be a link to a live file of
    the previous build. With ``keep_existing`` it is left as it is instead (a cache entry named by its
    content is the same file)."""
    try:
        os.link(source, target)
    except FileExistsError:
        if keep_existing:
            return
        os.unlink(target)
        link_or_copy(source, target)
    except OSError:  # no hard link possible here: a copy, made as a new file too
        if os.path.lexists(target):
            if keep_existing:
                return
            os.unlink(target)
        shutil.copyfile(source, target)
