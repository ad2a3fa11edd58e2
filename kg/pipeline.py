"""Build orchestration: sources → lift → RDF → dumps + store, written to a temporary folder and swapped in whole."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from kg import describe
from kg.compare import compare_plans
from kg.compare_rdf import write_comparisons
from kg.errors import KgError
from kg.lift import lift_document
from kg.normalise.model import LiftedPlan
from kg.quads import QuadWriter
from kg.rdf import PlanWriter, provenance
from kg.settings import Settings
from kg.sources import find_sources, read_source
from kg.store import open_store
from kg.vocab import PREFIXES, Minter, comparison_graph

Progress = Callable[[str], None]

DUMPS = {"graph.trig": ox.RdfFormat.TRIG, "graph.nq": ox.RdfFormat.N_QUADS, "graph.ttl": ox.RdfFormat.TURTLE,
         "graph.nt": ox.RdfFormat.N_TRIPLES, "graph.jsonld": ox.RdfFormat.JSON_LD}


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


def write_quads(plans: list[LiftedPlan], settings: Settings, started: str, path: Path) -> int:
    """Stream every plan's named graph, the shared graph and the comparisons to an N-Quads file."""
    minter = Minter(settings.base)
    with path.open("wb") as out:
        writer = QuadWriter(out)
        shared = writer.graph(minter.graph_shared())
        for plan in plans:
            PlanWriter(plan, writer.graph(minter.plan_graph(plan.slug)), shared, minter).write()
        write_comparisons(writer.graph(comparison_graph(minter)), compare_plans(plans), minter)
        provenance(shared, plans, minter, started, _now())
    return writer.count


def load_store(folder: Path, quads: Path, plans: list[LiftedPlan], settings: Settings) -> ox.Store:
    """The pyoxigraph store: the lifted quads, the ontology files in their own graphs, the VoID/DCAT
    description (counted over the loaded store) in the shared graph."""
    minter = Minter(settings.base)
    store = open_store(folder, read_only=False)
    store.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
    for ttl in sorted(settings.ontology.glob("*.ttl")):
        store.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE,
                        to_graph=ox.NamedNode(str(minter.iri(f"graph/ontology/{ttl.stem}"))))
    description = describe.describe_dataset(store, plans, minter)
    store.bulk_load(input=description.serialize(format="nt11", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode(str(minter.graph_shared())))
    store.flush()
    store.optimize()
    return store


UNION = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def write_dumps(store: ox.Store, folder: Path) -> None:
    """TriG and N-Quads keep the named graphs; Turtle, N-Triples and JSON-LD hold their union."""
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    for name, fmt in DUMPS.items():
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            store.dump(str(folder / name), format=fmt, prefixes=prefixes if fmt is ox.RdfFormat.TRIG else None)
        else:
            ox.serialize(store.query(UNION), str(folder / name), format=fmt,
                         prefixes=None if fmt is ox.RdfFormat.N_TRIPLES else prefixes)


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
        progress("writing the graph")
        lifted = tmp / "lifted.nq"
        write_quads(plans, settings, started, lifted)
        progress("loading the store")
        store = load_store(tmp / "store", lifted, plans, settings)
        lifted.unlink()
        progress("writing dumps")
        write_dumps(store, tmp)
        triples = len(store)
        del store  # the later steps open the store read-only
        summary = BuildSummary(plans=[(p.slug, len(p.requirements), Path(p.parsed.source.path).name)
                                      for p in plans], triples=triples, build_dir=settings.build)
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
    from kg import site, validate

    return [validate.build_step, site.build_step]


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
