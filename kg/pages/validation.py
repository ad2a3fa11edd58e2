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
    # the top-level files only (report, summary, CSV, Turtle): the per-plan report pages under them are
    # linked from each plan's page, and listing them would grow the dataset page with the country
    files = sorted(p.name for p in folder.iterdir() if p.is_file())
    return {"data": data if isinstance(data, dict) else {}, "files": files}


def validation_summary(model: SiteModel) -> dict[str, Any] | None:
    """What validation/ holds: its summary (if any) and the files copied into the site's validation/."""
    return model.memo("validation", lambda: _load(model))


def plan_validation(model: SiteModel, plan_iri: str) -> dict[str, Any] | None:
    """The summary's entry for one plan, when the summary has per-plan counts."""
    summary = validation_summary(model)
    if not summary:
        return None
    return model.memo("validation-by-plan", lambda: plan_entries(summary["data"])).get(plan_iri)


def plan_entries(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The per-plan entries of a validation summary, by plan IRI (a dict by IRI, or a list of entries
    naming their plan)."""
    plans = data.get("plans")
    if isinstance(plans, dict):
        return {iri: entry for iri, entry in plans.items() if isinstance(entry, dict)}
    if isinstance(plans, list):
        return {p.get("plan") or p.get("iri"): p for p in reversed(plans)
                if isinstance(p, dict) and (p.get("plan") or p.get("iri"))}
    return {}


def changed_plan_entries(previous: Path, current: Path) -> set[str]:
    """The plans whose entry differs between two builds' validation/ folders (their plan pages show it)."""
    old, new = (plan_entries(_read_summary(folder)) for folder in (previous, current))
    return {iri for iri in old.keys() | new.keys() if old.get(iri) != new.get(iri)}


def _read_summary(folder: Path) -> dict[str, Any]:
    for name in SUMMARY_NAMES:
        try:
            data = json.loads((folder / name).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        return data if isinstance(data, dict) else {}
    return {}


def validation_dir(model: SiteModel) -> Path:
    return model.build_dir / "validation"
