"""A large report: report.html keeps the plans × severities table and each plan's results get a page of their
own; `kg build`'s step validates the store in place; report.ttl is written as a stream of Turtle."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.shacl import Result
from kg.vocab import SH
from tests.validate.sample import HOSTILE_LINES

SLUG = "kunming-ceshi-2019"


def _soup(path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def test_a_large_report_gives_each_plan_a_page(tmp_path, monkeypatch):
    from kg import report
    from kg.site import _copy_validation
    from kg.validate import build_step
    from tests.validate import sample

    monkeypatch.setattr(report, "INLINE_LIMIT", 3)  # the hostile plan has 9 results: more than 3
    plan, lines = sample.hostile_plan()
    settings = sample.write_build(plan, lines, tmp_path)
    summary = build_step(settings.build, settings, [plan], lambda _: None)["validation"]
    # validated in the store, as kg build does: the planted problems, as from graph.nq (test_report.py)
    assert dict(summary.counts[SLUG]) == {"violation": 4, "warning": 3, "info": 2}
    folder = settings.build / "validation"

    index = _soup(folder / "report.html")
    assert [a["href"] for a in index.select("#summary tbody th a")] == [f"plan-{SLUG}.html"]
    assert index.select("li.result") == []  # the results are on the plan's page only

    page = _soup(folder / f"plan-{SLUG}.html")
    assert page.select_one("main a")["href"] == "report.html"
    assert page.select_one("#summary") is None
    violations = page.select(f"#plan-{SLUG}-violation li.result")
    assert len(violations) == 4
    lost = next(li for li in violations if li.select_one(".focus a")["href"]
                == f"../site/id/plan/{SLUG}/requirement/3.html")
    assert [td.get_text() for td in lost.select("td.text")] == [HOSTILE_LINES[7]]

    data = json.loads((folder / "summary.json").read_text("utf-8"))
    assert [e["报告 Report"] for e in data["plans"].values()] == [f"validation/plan-{SLUG}.html#plan-{SLUG}"]

    _copy_validation(folder, tmp_path / "site" / "validation")  # as the site publishes it
    copied = (tmp_path / "site" / "validation" / f"plan-{SLUG}.html").read_text("utf-8")
    assert f'href="../id/plan/{SLUG}/requirement/3.html"' in copied and "../site/" not in copied


def test_report_ttl_streams_hostile_literals_that_parse_back(tmp_path):
    from kg.report import write_report_ttl

    # offending values: Turtle's quote, escape and line-break characters inside a value and a message
    value = Literal('他说"""到期"""\\n 第二行\n第三行 \\ end"')
    message = Literal("序号 <b>5</b> 重复 'x' \"y\"", lang="zh")
    focus = URIRef("https://example.org/id/plan/x/requirement/5")
    result = Result(focus=focus, path=URIRef("https://w3id.org/zwgk/def#requirementText"), value=value,
                    shape=URIRef("https://w3id.org/zwgk/shapes#SequenceGapShape"),
                    component=SH.SPARQLConstraintComponent, severity=SH.Warning, messages=(message,))
    path = tmp_path / "report.ttl"
    write_report_ttl([result], path, {"sh": str(SH), "zw": "https://w3id.org/zwgk/def#"})
    g = Graph().parse(path, format="turtle")
    node = g.value(predicate=SH.focusNode, object=focus)
    assert g.value(node, SH.value) == value and g.value(node, SH.resultMessage) == message
    assert g.value(node, SH.resultPath) == URIRef("https://w3id.org/zwgk/def#requirementText")
    report = g.value(predicate=SH.result, object=node)
    assert g.value(report, SH.conforms) == Literal(False)


def test_an_empty_report_conforms(tmp_path):
    from kg.report import write_report_ttl

    write_report_ttl([], tmp_path / "report.ttl", {"sh": str(SH)})
    g = Graph().parse(tmp_path / "report.ttl", format="turtle")
    report = g.value(predicate=RDF.type, object=SH.ValidationReport)
    assert g.value(report, SH.conforms) == Literal(True) and list(g.objects(report, SH.result)) == []
