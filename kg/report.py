"""Write a validation run for people and machines: report.ttl (sh:ValidationReport), report.csv, report.html
(a standalone page rendered with site/templates/validation-report.html) and summary.json (the site's figures).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Identifier

from kg.findings import SHARED, Finding, Findings, PlanInfo
from kg.pages.paths import file_for
from kg.shacl import SEVERITIES, SEVERITY_NAMES, Result
from kg.vocab import SH

TEMPLATE = "validation-report.html"
SEVERITY_LABELS = {"violation": ("违规", "Violation"), "warning": ("警告", "Warning"), "info": ("提示", "Info")}
Escape = Callable[[str], Markup]  # a text escaped for HTML
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


class Compact:
    """`compact` with a memo: a run shows the same shapes, components and paths thousands of times."""

    def __init__(self, namespaces: dict[str, str]) -> None:
        self.namespaces = namespaces
        self.memo: dict[Identifier, str] = {}

    def __call__(self, term: Identifier | None) -> str:
        if term is None or isinstance(term, Literal):
            return compact(term, self.namespaces)
        if term not in self.memo:
            self.memo[term] = compact(term, self.namespaces)
        return self.memo[term]


# --- report.ttl ------------------------------------------------------------------------------------

def write_report_ttl(results: list[Result], path: Path, namespaces: dict[str, str]) -> None:
    """report.ttl, an sh:ValidationReport, written as a stream of Turtle (building an rdflib Graph of 100,000
    results would cost minutes). It conforms when there is no result of any severity (SHACL's definition)."""
    term = _TurtleTerms(namespaces)
    with path.open("w", encoding="utf-8") as out:
        out.writelines(f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in namespaces.items())
        out.write(f"\n[] a sh:ValidationReport ;\n    sh:conforms {'false' if results else 'true'}")
        result_class = term(SH.ValidationResult)
        for result in sorted(results, key=lambda r: r.key()):
            fields = [("a", result_class), ("sh:focusNode", term(result.focus)),
                      ("sh:sourceShape", term(result.shape)),
                      ("sh:sourceConstraintComponent", term(result.component)),
                      ("sh:resultSeverity", term(result.severity))]
            fields += [(name, term(value)) for name, value in (("sh:resultPath", result.path),
                       ("sh:value", result.value), ("sh:sourceConstraint", result.constraint))
                       if value is not None and not isinstance(value, BNode)]
            fields += [("sh:resultMessage", term(message)) for message in result.messages]
            out.write(" ;\n    sh:result [\n" + " ;\n".join(f"        {p} {o}" for p, o in fields) + "\n    ]")
        out.write(" .\n")


class _TurtleTerms:
    """Terms as Turtle: IRIs of a known namespace as prefixed names, the rest as rdflib writes them."""

    LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")

    def __init__(self, namespaces: dict[str, str]) -> None:
        self.namespaces = sorted(namespaces.items(), key=lambda kv: -len(kv[1]))  # the longest match wins
        self.iris: dict[URIRef, str] = {}
        self.literals: dict[tuple[str, str | None, URIRef | None], str] = {}

    def __call__(self, term: Identifier) -> str:
        if isinstance(term, Literal):  # the messages repeat (a few thousand among 100,000 results)
            # keyed by what n3() writes: rdflib's Literal equality ignores the case of a language tag
            key = (str(term), term.language, term.datatype)
            if key not in self.literals:
                self.literals[key] = term.n3()
            return self.literals[key]
        if not isinstance(term, URIRef):
            return term.n3()
        if term not in self.iris:
            self.iris[term] = next((f"{prefix}:{term[len(ns):]}" for prefix, ns in self.namespaces
                                    if term.startswith(ns) and self.LOCAL.fullmatch(term[len(ns):])), term.n3())
        return self.iris[term]


# --- report.csv ------------------------------------------------------------------------------------

def write_csv(findings: Findings, path: Path, ns: dict[str, str]) -> None:
    """One row per result and plan, sorted like the HTML report."""
    short = Compact(ns)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for f in sorted(findings.findings, key=_sort_key):
            r = f.result
            writer.writerow([f.plan, r.severity_name, short(r.shape), short(r.component),
                             str(r.focus), f.label or "", short(r.path), short(r.value),
                             r.message("zh"), r.message("en"),
                             f.source_file or "", f.first or "", f.last or ""])


def _sort_key(f: Finding) -> tuple:
    return (f.plan, SEVERITIES.index(f.result.severity) if f.result.severity in SEVERITIES else 9,
            str(f.result.shape), f.first or 0, str(f.result.focus), str(f.result.value))


# --- report.html -----------------------------------------------------------------------------------

INLINE_LIMIT = 2000  # findings up to which every plan's results are listed in report.html itself
INDEX_PAGE = "report.html"


def plan_rows(findings: Findings) -> list[dict[str, Any]]:
    """The plans × severities table (with the shared bucket when it has results): one row per plan, with
    the page its results are listed on (report.html itself while the report is small, else its own page)."""
    grouped = findings.by_plan()
    plans = list(findings.plans)
    if grouped.get(SHARED):
        plans.append(PlanInfo(iri="", slug=SHARED, title="共享节点 Shared nodes", graph=""))
    split = len(findings.findings) > INLINE_LIMIT
    rows = []
    for plan in plans:
        entries = grouped.get(plan.slug, [])
        rows.append({"slug": plan.slug, "title": plan.title, "iri": plan.iri, "source": plan.source_file,
                     "requirements": plan.requirements, "total": len(entries),
                     "counts": Counter(f.result.severity_name for f in entries),
                     "complete": _complete_share(plan, entries),
                     "page": f"plan-{plan.slug}.html" if split else INDEX_PAGE})
    return rows


def write_html(findings: Findings, rows: list[dict[str, Any]], folder: Path, templates: Path, shapes: Graph,
               site_root: str, generated: str, engine: str, ns: dict[str, str]) -> None:
    """report.html (the table first, then each plan's results grouped by severity and shape) and, for a
    large report, one page per plan holding that plan's results: one template, one code path."""
    template = _environment(templates).get_template(TEMPLATE)
    # a report's messages, paths, components and quoted source lines repeat (100,000 results, a few thousand
    # messages): each escaped once, and the template's autoescape passes the Markup through
    grouped, short, escaped = findings.by_plan(), Compact(ns), lru_cache(maxsize=None)(escape)
    common = {"generated": generated, "engine": engine, "total": len(findings.results),
              "conforms": not findings.results, "totals": Counter(r.severity_name for r in findings.results),
              "severities": [{"name": n, "zh": SEVERITY_LABELS[n][0], "en": SEVERITY_LABELS[n][1]}
                             for n in SEVERITY_NAMES.values()], "index": INDEX_PAGE}
    pages: dict[str, list[dict[str, Any]]] = defaultdict(list)  # page → the plans whose results it lists
    for row in rows:
        pages[row["page"]].append(row)
    for page in [INDEX_PAGE] + sorted(set(pages) - {INDEX_PAGE}):
        details = [{**row, "sections": _sections(grouped.get(row["slug"], []), shapes, site_root, short, escaped)}
                   for row in pages.get(page, [])]
        html = template.render(**common, summary=page == INDEX_PAGE, plans=rows, details=details)
        (folder / file_for(page[:-len(".html")])).write_text(html, "utf-8")


def complete_requirements(plan: PlanInfo, findings: list[Finding]) -> int:
    """Requirements of the plan with no Violation on themselves or on the nodes they own."""
    violation = SH.Violation  # looked up once: a Namespace makes a new URIRef at every attribute access
    broken = {f.requirement for f in findings if f.requirement and f.result.severity == violation}
    return max(0, plan.requirements - len(broken))


def _complete_share(plan: PlanInfo, findings: list[Finding]) -> float | None:
    if not plan.requirements:
        return None
    return complete_requirements(plan, findings) / plan.requirements


@dataclass(slots=True)
class _Group:
    """Results of one shape (attributes, not dict keys: Jinja reads attributes without a failed lookup)."""

    shape: str
    zh: str
    en: str
    count: int
    entries: list[_Entry]


@dataclass(slots=True)
class _Entry:
    """One result as the template lists it."""

    focus: str
    label: str | None
    href: str | None
    path: str
    value: str
    component: str
    zh: str
    en: str
    file: str | None
    first: int | None
    last: int | None
    lines: tuple[tuple[int, str], ...]
    more_lines: int


def _sections(entries: list[Finding], shapes: Graph, site_root: str, short: Compact,
              escaped: Escape) -> list[dict[str, Any]]:
    by_severity: dict[str, dict[Identifier, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in entries:
        by_severity[f.result.severity_name][f.result.shape].append(f)
    sections = []
    for name in SEVERITY_NAMES.values():
        shapes_here = by_severity.get(name, {})
        if not shapes_here:
            continue
        groups = [_Group(short(shape), _label(shapes, shape, "zh", short), _label(shapes, shape, "en", short),
                         len(items), [_entry(f, site_root, short, escaped) for f in sorted(items, key=_sort_key)])
                  for shape, items in sorted(shapes_here.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))]
        sections.append({"name": name, "zh": SEVERITY_LABELS[name][0], "en": SEVERITY_LABELS[name][1],
                         "count": sum(g.count for g in groups), "shapes": groups})
    return sections


def _label(shapes: Graph, shape: Identifier, lang: str, short: Compact) -> str:
    labels = [str(o) for o in shapes.objects(shape, RDFS.label) if getattr(o, "language", None) == lang]
    return labels[0] if labels else short(shape)


def _entry(f: Finding, site_root: str, short: Compact, escaped: Escape) -> _Entry:
    r = f.result
    href = None if f.page is None else f.page if "://" in f.page else site_root + f.page
    lines = tuple((n, escaped(text)) for n, text in f.lines)
    return _Entry(str(r.focus), f.label, href, escaped(short(r.path)), escaped(short(r.value)),
                  escaped(short(r.component)), escaped(r.message("zh")), escaped(r.message("en")), f.source_file,
                  f.first, f.last, lines, f.more_lines)



def _environment(templates: Path) -> Environment:
    """Autoescaped: hostile labels are shown, never run."""
    return Environment(loader=FileSystemLoader(str(templates)), autoescape=select_autoescape(default=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


# --- summary.json ----------------------------------------------------------------------------------

def summary_json(findings: Findings, rows: list[dict[str, Any]], engine: str, generated: str) -> dict[str, Any]:
    """The figures the site shows on the dataset page and on each plan's page (kg/pages/validation.py)."""
    totals = Counter(r.severity_name for r in findings.results)
    plans = {}
    for row in rows:
        if row["slug"] == SHARED:
            continue
        counts, share = row["counts"], row["complete"]
        plans[row["iri"]] = {"违规 Violations": counts["violation"], "警告 Warnings": counts["warning"],
                             "提示 Info": counts["info"],
                             "完整的具体要求 Complete requirements": "–" if share is None else f"{share:.1%}",
                             "报告 Report": f"validation/{row['page']}#plan-{row['slug']}"}
    return {"生成时间 Generated": generated, "引擎 Engine": engine, "结果 Results": len(findings.results),
            "违规 Violations": totals["violation"], "警告 Warnings": totals["warning"],
            "提示 Info": totals["info"], "plans": plans}


def write_json(data: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")

