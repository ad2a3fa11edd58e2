"""Write a validation run for people and machines: report.ttl (sh:ValidationReport), report.csv, report.html
(a standalone page rendered with site/templates/validation-report.html) and summary.json (the site's figures).
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Identifier

from kg.findings import SHARED, Finding, Findings, PlanInfo
from kg.shacl import SEVERITIES, SEVERITY_NAMES, Result
from kg.vocab import PREFIXES, SH

TEMPLATE = "validation-report.html"
SEVERITY_LABELS = {"violation": ("违规", "Violation"), "warning": ("警告", "Warning"), "info": ("提示", "Info")}
CSV_COLUMNS = ("plan", "severity", "shape", "component", "focus", "label", "path", "value", "message_zh",
               "message_en", "source_file", "first_line", "last_line")


def compact(term: Identifier | None, namespaces: dict[str, str]) -> str:
    """zw:requirementText for a known namespace, the full IRI otherwise, the lexical form of a literal."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, ns in namespaces.items():
            if str(term).startswith(ns) and len(str(term)) > len(ns):
                return f"{prefix}:{str(term)[len(ns):]}"
        return str(term)
    if isinstance(term, BNode):
        return "[]"
    return str(term)


# --- report.ttl ------------------------------------------------------------------------------------

def report_graph(results: list[Result], shapes: Graph) -> Graph:
    """An sh:ValidationReport; it conforms when there is no result of any severity (SHACL's definition)."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for prefix, ns in shapes.namespaces():
        if prefix not in PREFIXES:
            g.bind(prefix, ns)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not results)))
    for result in sorted(results, key=lambda r: r.key()):
        node = BNode()
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, result.focus))
        g.add((node, SH.sourceShape, result.shape))
        g.add((node, SH.sourceConstraintComponent, result.component))
        g.add((node, SH.resultSeverity, result.severity))
        for predicate, term in ((SH.resultPath, result.path), (SH.value, result.value),
                                (SH.sourceConstraint, result.constraint)):
            if term is not None and not isinstance(term, BNode):
                g.add((node, predicate, term))
        for message in result.messages:
            g.add((node, SH.resultMessage, message))
    return g


# --- report.csv ------------------------------------------------------------------------------------

def write_csv(findings: Findings, path: Path, ns: dict[str, str]) -> None:
    """One row per result and plan, sorted like the HTML report."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for f in sorted(findings.findings, key=_sort_key):
            r = f.result
            writer.writerow([f.plan, r.severity_name, compact(r.shape, ns), compact(r.component, ns),
                             str(r.focus), f.label or "", compact(r.path, ns), compact(r.value, ns),
                             r.message("zh"), r.message("en"),
                             f.source_file or "", f.first or "", f.last or ""])


def _sort_key(f: Finding) -> tuple:
    return (f.plan, SEVERITIES.index(f.result.severity) if f.result.severity in SEVERITIES else 9,
            str(f.result.shape), f.first or 0, str(f.result.focus), str(f.result.value))


# --- report.html -----------------------------------------------------------------------------------

def html_context(findings: Findings, shapes: Graph, site_root: str, generated: str, engine: str,
                 ns: dict[str, str]) -> dict[str, Any]:
    """The template's context: the plans × severities table, then plan → severity → shape → results."""
    grouped = findings.by_plan()
    plans = list(findings.plans)
    if grouped.get(SHARED):
        plans.append(PlanInfo(iri="", slug=SHARED, title="共享节点 Shared nodes", graph=""))
    rows = []
    for plan in plans:
        entries = grouped.get(plan.slug, [])
        counts = Counter(f.result.severity_name for f in entries)
        rows.append({"slug": plan.slug, "title": plan.title, "iri": plan.iri, "source": plan.source_file,
                     "requirements": plan.requirements, "counts": counts, "total": len(entries),
                     "complete": _complete_share(plan, entries),
                     "sections": _sections(entries, shapes, site_root, ns)})
    totals = Counter(r.severity_name for r in findings.results)
    return {"generated": generated, "engine": engine, "plans": rows, "totals": totals,
            "total": len(findings.results), "conforms": not findings.results,
            "severities": [{"name": n, "zh": SEVERITY_LABELS[n][0], "en": SEVERITY_LABELS[n][1]}
                           for n in SEVERITY_NAMES.values()]}


def complete_requirements(plan: PlanInfo, findings: list[Finding]) -> int:
    """Requirements of the plan with no Violation on themselves or on the nodes they own."""
    broken = {f.requirement for f in findings if f.result.severity == SH.Violation and f.requirement}
    return max(0, plan.requirements - len(broken))


def _complete_share(plan: PlanInfo, findings: list[Finding]) -> float | None:
    if not plan.requirements:
        return None
    return complete_requirements(plan, findings) / plan.requirements


def _sections(entries: list[Finding], shapes: Graph, site_root: str,
              ns: dict[str, str]) -> list[dict[str, Any]]:
    by_severity: dict[str, dict[Identifier, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in entries:
        by_severity[f.result.severity_name][f.result.shape].append(f)
    sections = []
    for name in SEVERITY_NAMES.values():
        shapes_here = by_severity.get(name, {})
        if not shapes_here:
            continue
        groups = [{"shape": compact(shape, ns), "zh": _label(shapes, shape, "zh", ns),
                   "en": _label(shapes, shape, "en", ns), "count": len(items),
                   "entries": [_entry(f, site_root, ns) for f in sorted(items, key=_sort_key)]}
                  for shape, items in sorted(shapes_here.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))]
        sections.append({"name": name, "zh": SEVERITY_LABELS[name][0], "en": SEVERITY_LABELS[name][1],
                         "count": sum(g["count"] for g in groups), "shapes": groups})
    return sections


def _label(shapes: Graph, shape: Identifier, lang: str, ns: dict[str, str]) -> str:
    labels = [str(o) for o in shapes.objects(shape, RDFS.label) if getattr(o, "language", None) == lang]
    return labels[0] if labels else compact(shape, ns)


def _entry(f: Finding, site_root: str, ns: dict[str, str]) -> dict[str, Any]:
    r = f.result
    href = None if f.page is None else f.page if "://" in f.page else site_root + f.page
    return {"focus": str(r.focus), "label": f.label, "href": href,
            "path": compact(r.path, ns), "value": compact(r.value, ns), "component": compact(r.component, ns),
            "zh": r.message("zh"), "en": r.message("en"), "file": f.source_file, "first": f.first,
            "last": f.last, "lines": f.lines, "more_lines": f.more_lines}


def render_html(context: dict[str, Any], templates: Path) -> str:
    """Render the standalone report page (autoescaped: hostile labels are shown, never run)."""
    env = Environment(loader=FileSystemLoader(str(templates)), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template(TEMPLATE).render(**context)


# --- summary.json ----------------------------------------------------------------------------------

def summary_json(findings: Findings, engine: str, generated: str) -> dict[str, Any]:
    """The figures the site shows on the dataset page and on each plan's page (kg/pages/validation.py)."""
    totals = Counter(r.severity_name for r in findings.results)
    grouped = findings.by_plan()
    plans = {}
    for plan in findings.plans:
        entries = grouped.get(plan.slug, [])
        counts = Counter(f.result.severity_name for f in entries)
        share = _complete_share(plan, entries)
        plans[plan.iri] = {"违规 Violations": counts["violation"], "警告 Warnings": counts["warning"],
                           "提示 Info": counts["info"],
                           "完整的具体要求 Complete requirements": "–" if share is None else f"{share:.1%}",
                           "报告 Report": f"validation/report.html#plan-{plan.slug}"}
    return {"生成时间 Generated": generated, "引擎 Engine": engine, "结果 Results": len(findings.results),
            "违规 Violations": totals["violation"], "警告 Warnings": totals["warning"],
            "提示 Info": totals["info"], "plans": plans}


def write_json(data: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")

