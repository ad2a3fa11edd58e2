"""Build orchestration: sources → lift → RDF → dumps + store, written to a temporary folder and swapped in whole."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Dataset

from kg import describe
from kg.compare import compare_plans
from kg.compare_rdf import write_comparisons
from kg.errors import KgError
from kg.lift import lift_document
from kg.normalise.model import LiftedPlan
from kg.rdf import plan_dataset, provenance, union_graph
from kg.settings import Settings
from kg.sources import find_sources, read_source
from kg.store import load_nquads, open_store
from kg.vocab import Minter, comparison_graph

Progress = Callable[[str], None]

DUMPS = {"graph.trig": "trig", "graph.nq": "nquads", "graph.ttl": "turtle", "graph.nt": "nt11",
         "graph.jsonld": "json-ld"}


@dataclass
class BuildSummary:
    """Counts a build reports at the end."""

    plans: list[tuple[str, int, str]] = field(default_factory=list)  # (plan slug, requirements, file)
    triples: int = 0
    build_dir: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"  {slug:<28} {n:>4} requirements  ({file})" for slug, n, file in self.plans]
        out.append(f"  {len(self.plans)} plans, {sum(n for _, n, _ in self.plans)} requirements, "
                   f"{self.triples} triples → {self.build_dir}")
        out += [f"  {key}: {value}" for key, value in self.extra.items()]
        return out


def lift_all(paths: Iterable[Path], progress: Progress = lambda _: None) -> list[LiftedPlan]:
    """Lift every document; a bad document stops the build with its file (and line) named."""
    plans: list[LiftedPlan] = []
    paths = list(paths)
    for i, path in enumerate(paths, 1):
        plan = lift_document(read_source(path))
        progress(f"[{i}/{len(paths)}] {path.name}: {plan.parsed.layout}, "
                 f"{len(plan.requirements)} requirements → {plan.slug}")
        plans.append(plan)
    return _unique_slugs(plans)


def _unique_slugs(plans: list[LiftedPlan]) -> list[LiftedPlan]:
    """Two plans of one region and year (a 要点 and its 分工方案) get their kind in the slug."""
    by_slug: dict[str, list[LiftedPlan]] = {}
    for plan in plans:
        by_slug.setdefault(plan.slug, []).append(plan)
    out = []
    for plan in plans:
        if len(by_slug[plan.slug]) > 1:
            kinds = {p.kind for p in by_slug[plan.slug]}
            if len(kinds) < len(by_slug[plan.slug]):
                others = [p.parsed.source.path for p in by_slug[plan.slug] if p is not plan]
                raise KgError(f"{plan.parsed.source.path}: same region, year and kind as {others[0]}")
            plan = replace(plan, slug=f"{plan.slug}-{plan.kind}")
        out.append(plan)
    return out


def build_dataset(plans: list[LiftedPlan], settings: Settings, started: str) -> Dataset:
    """Plans' named graphs plus the shared graph (ontology, types, provenance, dataset description)."""
    minter = Minter(settings.base)
    ds = plan_dataset(plans, minter)
    write_comparisons(ds.graph(comparison_graph(minter)), compare_plans(plans), minter)
    shared = ds.graph(minter.graph_shared())
    provenance(shared, plans, minter, started, _now())
    for ttl in sorted(settings.ontology.glob("*.ttl")):
        ds.graph(minter.iri(f"graph/ontology/{ttl.stem}")).parse(ttl, format="turtle")
    describe.describe_dataset(shared, ds, plans, minter)
    return ds


def write_dumps(ds: Dataset, folder: Path) -> None:
    """TriG and N-Quads keep the named graphs; Turtle, N-Triples and JSON-LD hold their union."""
    union = union_graph(ds)
    for name, fmt in DUMPS.items():
        if fmt in ("turtle", "nt11", "json-ld"):
            union.serialize(folder / name, format=fmt, encoding="utf-8")
        else:
            ds.serialize(folder / name, format=fmt, encoding="utf-8")


def build(settings: Settings, progress: Progress = lambda _: None) -> BuildSummary:
    """Build everything into a temporary folder beside settings.build, then swap it in whole."""
    started = _now()
    paths = find_sources(settings.corpus)
    if not paths:
        raise KgError(f"{settings.corpus}: no documents (*.txt) to build")
    plans = lift_all(paths, progress)
    settings.build.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=settings.build.parent))
    try:
        progress("writing graph and dumps")
        ds = build_dataset(plans, settings, started)
        write_dumps(ds, tmp)
        progress("loading the store")
        store = open_store(tmp / "store", read_only=False)
        load_nquads(store, tmp / "graph.nq")
        del store
        summary = BuildSummary(plans=[(p.slug, len(p.requirements), Path(p.parsed.source.path).name)
                                      for p in plans], triples=len(ds), build_dir=settings.build)
        for step in _post_build_steps():
            summary.extra.update(step(tmp, settings, plans, progress) or {})
        (tmp / "manifest.json").write_text(json.dumps(_manifest(plans, summary, started), ensure_ascii=False,
                                                      indent=2), "utf-8")
        _swap_in(tmp, settings.build)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


PostBuildStep = Callable[[Path, Settings, list[LiftedPlan], Progress], dict | None]


def _post_build_steps() -> list[PostBuildStep]:
    """Stages that read the freshly built store in the temporary folder: validation, then the site
    (which publishes the validation report)."""
    from kg import site

    return [site.build_step]


def _swap_in(tmp: Path, target: Path) -> None:
    """Replace target by tmp with two renames; the old build is removed only after the swap."""
    old = None
    if target.exists():
        old = target.with_name(f".old-{target.name}-{datetime.now().strftime('%H%M%S%f')}")
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _manifest(plans: list[LiftedPlan], summary: BuildSummary, started: str) -> dict:
    return {"build_id": started, "triples": summary.triples,
            "plans": [{"slug": p.slug, "title": p.parsed.plan_title, "source": Path(p.parsed.source.path).name,
                       "sha256": p.parsed.source.sha256, "requirements": len(p.requirements)} for p in plans]}


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
