"""The validation summary pages show, read from the build's validation/ folder when one was written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.pages.model import SiteModel

SUMMARY_NAMES = ("summary.json", "report.json")


def _load(model: SiteModel) -> dict[str, Any] | None:
    folder = model.build_dir / "validation"
    if not folder.is_dir():
        return None
    data: dict[str, Any] = {}
    for name in SUMMARY_NAMES:
        path = folder / name
        if path.is_file():
            try:
                data = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                data = {}
            break
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    return {"data": data if isinstance(data, dict) else {}, "files": files}


def validation_summary(model: SiteModel) -> dict[str, Any] | None:
    """What validation/ holds: its summary (if any) and the files copied into the site's validation/."""
    return model.memo("validation", lambda: _load(model))


def plan_validation(model: SiteModel, plan_iri: str) -> dict[str, Any] | None:
    """The summary's entry for one plan, when the summary has per-plan counts."""
    summary = validation_summary(model)
    if not summary:
        return None
    plans = summary["data"].get("plans")
    if isinstance(plans, dict):
        entry = plans.get(plan_iri)
        return entry if isinstance(entry, dict) else None
    if isinstance(plans, list):
        return next((p for p in plans
                     if isinstance(p, dict) and plan_iri in (p.get("plan"), p.get("iri"))), None)
    return None


def validation_dir(model: SiteModel) -> Path:
    return model.build_dir / "validation"
