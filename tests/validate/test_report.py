"""Reports of hand-made builds: what a steward reads, hostile content escaped, DQV figures, exit codes."""

from __future__ import annotations

import csv
import json

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal
from rdflib.namespace import RDF

from kg.shacl import ValidationError
from kg.validate import fail_exit_code
from kg.vocab import DQV, SH, Minter
from tests.validate.sample import HOSTILE_LINES, HOSTILE_TITLE, LONG_ISSUER

SLUG = "kunming-ceshi-2019"


@pytest.fixture(scope="module")
def soup(hostile_validated) -> BeautifulSoup:
    return BeautifulSoup((hostile_validated.reports / "report.html").read_text("utf-8"), "html.parser")


def test_summary_counts_the_planted_problems(hostile_validated):
    s = hostile_validated.summary
    # violations: lost text, deadline before 2019, 国发〔2017〕47号 and the long title's conflict
    assert dict(s.counts[SLUG]) == {"violation": 4, "warning": 3, "info": 2}
    assert s.complete[SLUG] == 0.75  # requirement 3 has the only violations of the four


def test_report_ttl_is_a_shacl_report_with_bilingual_messages(hostile_validated):
    g = Graph().parse(hostile_validated.reports / "report.ttl")
    report = g.value(predicate=RDF.type, object=SH.ValidationReport)
    assert g.value(report, SH.conforms) == Literal(False)
    results = list(g.objects(report, SH.result))
    assert len(results) == hostile_validated.summary.results == 9  # 4 + 3 + 2, nothing shared
    for r in results:
        assert {m.language for m in g.objects(r, SH.resultMessage)} == {"zh", "en"}


def test_report_csv_rows(hostile_validated):
    with (hostile_validated.reports / "report.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    gap = next(r for r in rows if r["shape"] == "zws:SequenceGapShape")
    assert (gap["severity"], gap["value"], gap["first_line"], gap["source_file"]) == \
        ("warning", "7", "9", "ceshi-2019-hostile.txt")
    assert "4–6" in gap["message_zh"] and "4–6" in gap["message_en"]


def test_plans_by_severities_table_comes_first(soup):
    table = soup.select_one("#summary table.summary")
    cells = [td.get_text(strip=True) for td in table.select("tbody tr")[0].select("td")]
    assert cells == ["4", "3", "2", "75.0%"]
    assert soup.find("section", id="summary").find_next("section")["id"] == f"plan-{SLUG}"


def test_hostile_content_is_escaped(hostile_validated, soup):
    html = (hostile_validated.reports / "report.html").read_text("utf-8")
    assert soup.find("script") is None and soup.find("img") is None
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html
    assert HOSTILE_TITLE in soup.select_one(f"#plan-{SLUG} h2").get_text()
    assert LONG_ISSUER in soup.get_text()  # shown whole, in a scrolling box


def test_results_link_to_pages_and_quote_source_lines(soup):
    results = soup.select(f"#plan-{SLUG}-violation li.result")
    by_href = {a["href"] for li in results for a in li.select(".focus a")}
    assert f"../site/id/plan/{SLUG}/requirement/3.html" in by_href  # the lost text
    assert f"../site/id/plan/{SLUG}/requirement/3.html#deadline-1" in by_href  # the deadline it owns
    lost = next(li for li in results if li.select_one(".focus a")["href"].endswith("requirement/3.html"))
    assert [(td.get_text(), tx.get_text()) for td, tx in
            zip(lost.select("td.ln"), lost.select("td.text"))] == [("8", HOSTILE_LINES[7])]


def test_info_groups_start_closed_and_problems_open(soup):
    for section, is_open in (("violation", True), ("warning", True), ("info", False)):
        details = soup.select(f"#plan-{SLUG}-{section} details.shape")
        assert details and all(d.has_attr("open") is is_open for d in details)


def test_quality_measurements(hostile_validated):
    ds = Dataset()
    ds.parse(hostile_validated.reports / "quality.trig", format="trig")
    minter = Minter(hostile_validated.settings.base)
    g = ds.graph(minter.iri("graph/quality"))
    plan = minter.plan(SLUG)

    def value(metric: str):
        for m in g.subjects(DQV.computedOn, plan):
            if g.value(m, DQV.isMeasurementOf) == minter.iri(f"id/quality/metric/{metric}"):
                return g.value(m, DQV.value)
        return None

    assert value("violations") == Literal(4)
    assert value("infos") == Literal(2)
    assert value("complete-requirements").toPython() == pytest.approx(0.75)
    assert value("shape/SequenceGapShape") == Literal(1)
    assert (minter.iri("id/quality/metric/violations"), RDF.type, DQV.Metric) in g


def test_summary_json_feeds_the_plan_pages(hostile_validated):
    data = json.loads((hostile_validated.reports / "summary.json").read_text("utf-8"))
    entry = data["plans"][str(Minter(hostile_validated.settings.base).plan(SLUG))]
    assert entry["违规 Violations"] == 4 and entry["报告 Report"].endswith(f"#plan-{SLUG}")


def test_exit_codes_per_fail_on(hostile_validated, warned_validated, clean_validated):
    levels = ("violation", "warning", "info")
    assert [fail_exit_code(hostile_validated.summary, x) for x in levels] == [1, 1, 1]
    assert [fail_exit_code(warned_validated.summary, x) for x in levels] == [0, 1, 1]
    assert [fail_exit_code(clean_validated.summary, x) for x in levels] == [0, 0, 1]
    with pytest.raises(ValidationError):
        fail_exit_code(clean_validated.summary, "error")


def test_kg_validate_command(hostile_validated, warned_validated, clean_validated):
    from kg.cli import cli

    if "validate" not in cli.commands:
        pytest.skip("kg validate is not wired into kg/cli.py yet")
    runner = CliRunner()
    expected = {"violation": (1, 0, 0), "warning": (1, 1, 0), "info": (1, 1, 1)}
    for level, codes in expected.items():
        for validated, code in zip((hostile_validated, warned_validated, clean_validated), codes):
            args = ["--build-dir", str(validated.folder), "validate", "--fail-on", level]
            result = runner.invoke(cli, args, env={"KG_CORPUS": str(validated.settings.corpus)})
            assert result.exit_code == code, (level, validated.folder, result.output)
    usage = runner.invoke(cli, ["--build-dir", str(clean_validated.folder), "validate", "--fail-on", "x"])
    assert usage.exit_code == 2


def test_build_step_validates_and_loads_the_quality_graph(tmp_path):
    import pyoxigraph as ox

    from kg.store import open_store
    from kg.validate import build_step
    from tests.validate import sample

    plan, lines = sample.clean_plan()
    settings = sample.write_build(plan, lines, tmp_path)
    out = build_step(settings.build, settings, [plan], lambda _: None)
    assert out["validation"].totals["info"] == 1
    assert str(out["validation"]).startswith("0 violation, 0 warning, 1 info")
    store = open_store(settings.build / "store")
    quality = ox.NamedNode(str(Minter(settings.base).iri("graph/quality")))
    assert quality in set(store.named_graphs())
    assert len(list(store.quads_for_pattern(None, None, None, quality))) > 50


def test_a_failed_report_writer_leaves_no_half_written_validation_folder(corpus_validated, corpus_store, tmp_path,
                                                                         monkeypatch):
    """validation/ is swapped in whole: the HTML report failing in its forked process leaves the previous
    reports as they were and no temporary folder."""
    import shutil
    from dataclasses import replace

    from kg import validate
    from kg.errors import KgError
    from kg.shacl import load_shapes

    build = tmp_path / "build"
    shutil.copytree(corpus_validated.folder, build)
    before = (build / "validation" / "report.csv").read_bytes()
    results = [filed.result for filed in validate.read_results(build / "validation" / validate.RESULTS_FILE)]
    settings = replace(corpus_validated.settings, build=build, workers=2)

    def broken(*_args, **_kwargs) -> None:
        raise KgError("report.html: the template is broken")

    monkeypatch.setattr(validate, "write_html", broken)
    with pytest.raises(KgError, match="template is broken"):
        validate.write_validation(build, settings, corpus_store, load_shapes(settings.shapes), results,
                                  lambda _: None, validate.ValidationSummary(engine="fast"))
    assert list(build.glob(".validation-*")) == []
    assert (build / "validation" / "report.csv").read_bytes() == before
