"""Validation of the bundled corpus: the facts the issue names, checked against the lifter's own records."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from rdflib import Literal

from kg.parse.model import Alignment, Origin
from kg.shacl import load_shapes, union_graph
from kg.validate import fail_exit_code
from kg.validate_fast import to_rdflib
from kg.validate_reference import validate_graph
from kg.vocab import SH, Minter
from tests.conftest import CHUXIONG, HUAIYIN, PANLONG, PANZHIHUA, WUHUA


def _shape(result) -> str:
    return str(result.shape).rsplit("#", 1)[-1]


def _of(results, shape: str) -> list:
    return [r for r in results if _shape(r) == shape]


def _with_messages(result) -> tuple:
    """What both engines must agree on, messages included (pyshacl drops their language tags)."""
    return result.key(), tuple(sorted(str(m) for m in result.messages))


def _csv(validated) -> list[dict[str, str]]:
    with (validated.reports / "report.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _focus_set(store, query: str) -> set:
    return {to_rdflib(s["n"]) for s in store.query(query, use_default_graph_as_union=True)}


def test_fast_path_and_pyshacl_report_the_same_results(corpus_validated, corpus_results):
    nquads = corpus_validated.folder / "graph.nq"
    reference = validate_graph(union_graph(nquads), load_shapes(corpus_validated.settings.shapes))
    assert Counter(map(_with_messages, corpus_results)) == Counter(map(_with_messages, reference))
    assert {r.severity for r in reference} == {SH.Violation, SH.Warning, SH.Info}


def test_wuhua_gap_60_to_63_is_reported(built, corpus_results):
    slug = built.plans[WUHUA.name].slug
    item_64 = Minter(built.settings.base).requirement(slug, "64")
    gaps = [r for r in _of(corpus_results, "SequenceGapShape") if str(r.focus).startswith(f"{item_64[:-3]}")]
    assert [(r.focus, r.value, r.severity) for r in gaps] == [(item_64, Literal(64), SH.Warning)]
    assert "缺 60–63" in gaps[0].message("zh") and "60–63 missing" in gaps[0].message("en")


def test_every_gap_the_lifter_recorded_is_reported_at_the_row_after_it(built, corpus_results):
    minter = Minter(built.settings.base)
    expected = set()
    for plan in built.plans.values():
        printed = sorted(r.row.seq for r in plan.requirements if r.row.seq is not None)
        for missing in plan.missing_seq:
            expected.add(minter.requirement(plan.slug, str(min(s for s in printed if s > missing))))
    assert expected, "the corpus has gaps (五华 60–63)"
    assert {r.focus for r in _of(corpus_results, "SequenceGapShape")} == expected


def test_wuhua_gap_quotes_the_source_line_of_item_64(corpus_validated, built):
    # yunnan-kunming-wuhua-2019-fengong.txt line 491 is "\t64", the first row after the gap
    rows = [r for r in _csv(corpus_validated) if r["shape"] == "zws:SequenceGapShape"
            and r["plan"] == built.plans[WUHUA.name].slug]
    assert [(r["value"], r["first_line"]) for r in rows] == [("64", "491")]
    html = (corpus_validated.reports / "report.html").read_text("utf-8")
    assert '<td class="ln">491</td><td class="text">\t64</td>' in html


def test_guofa_2017_47_is_flagged_under_both_plans_that_cite_it(corpus_validated, corpus_results, built):
    conflicts = [r for r in _of(corpus_results, "IssuerConflictShape") if "guofa-2017-47" in str(r.focus)]
    assert len(conflicts) == 1
    result = conflicts[0]
    assert (result.severity, result.value) == (SH.Violation, Literal("国务院办公厅", lang="zh"))
    assert "国发〔2017〕47号" in result.message("zh") and "国务院" in result.message("en")
    rows = [r for r in _csv(corpus_validated) if r["shape"] == "zws:IssuerConflictShape"
            and r["focus"] == str(result.focus)]
    assert {r["plan"] for r in rows} == {built.plans[PANLONG.name].slug, built.plans[CHUXIONG.name].slug}
    # 楚雄 line 381: 认真落实《国务院办公厅关于印发政府网站发展指引的通知》（国发〔2017〕47号）
    chuxiong = next(r for r in rows if r["plan"] == built.plans[CHUXIONG.name].slug)
    assert int(chuxiong["first_line"]) <= 381 <= int(chuxiong["last_line"])


def test_every_value_carried_from_a_merged_cell_is_info(corpus_store, corpus_results, built):
    zw = "https://w3id.org/zwgk/def#"
    for link, shape in (("assignment", "InferredAssignmentShape"), ("deadline", "InferredDeadlineShape")):
        inferred = _focus_set(corpus_store, f"SELECT ?n WHERE {{ ?r <{zw}{link}> ?n . "
                                            f"?n <{zw}valueOrigin> <{zw}Inferred> }}")
        reported = [r for r in _of(corpus_results, shape)]
        assert inferred and {r.focus for r in reported} == inferred
        assert len(reported) == len(inferred) and {r.severity for r in reported} == {SH.Info}
    assert {_shape(r) for r in corpus_results if r.severity == SH.Info} == {"InferredAssignmentShape",
                                                                            "InferredDeadlineShape"}
    # the lifter's own count for 盘龙: agencies not printed on their row
    panlong = built.plans[PANLONG.name]
    carried = sum(1 for req in panlong.requirements for a in req.agencies if a.origin is Origin.INFERRED)
    reported = _of(corpus_results, "InferredAssignmentShape")
    assert carried == sum(1 for r in reported if f"/{panlong.slug}/" in str(r.focus))


def test_every_reconstructed_row_of_the_scrambled_table_is_a_warning(corpus_results, built):
    plan = built.plans[PANZHIHUA.name]
    minter = Minter(built.settings.base)
    reconstructed = {minter.requirement(plan.slug, r.key) for r in plan.requirements
                     if r.row.alignment is Alignment.RECONSTRUCTED}
    reported = _of(corpus_results, "ReconstructedAlignmentShape")
    assert reconstructed and {r.focus for r in reported} == reconstructed
    assert {r.severity for r in reported} == {SH.Warning}
    others = [p for p in built.plans.values() if p is not plan]
    assert not any(r.row.alignment is Alignment.RECONSTRUCTED for p in others for r in p.requirements)


def test_a_requirement_without_text_is_a_violation(corpus_results, built):
    minter = Minter(built.settings.base)
    textless = {minter.requirement(p.slug, r.key) for p in built.plans.values() for r in p.requirements
                if r.row.text is None or not r.row.text.text}
    reported = [r for r in _of(corpus_results, "Requirement-text")
                if r.component == SH.MinCountConstraintComponent]
    assert {r.focus for r in reported} == textless
    assert {r.severity for r in reported} <= {SH.Violation}


def test_counts_by_plan_and_severity_match_the_csv(corpus_validated, built):
    summary = corpus_validated.summary
    rows = _csv(corpus_validated)
    assert set(summary.counts) >= {p.slug for p in built.plans.values()}
    for slug, counts in summary.counts.items():
        for severity in ("violation", "warning", "info"):
            assert counts[severity] == sum(1 for r in rows if r["plan"] == slug and r["severity"] == severity)
    prose = built.plans[HUAIYIN.name].slug  # paragraphs, no table: nothing is carried from merged cells
    assert prose not in {r["plan"] for r in rows if r["severity"] == "info"}
    assert summary.lines()[0].startswith("  validation (")


def test_exit_codes_on_the_corpus(corpus_validated):
    summary = corpus_validated.summary
    assert summary.totals["violation"] > 0
    assert [fail_exit_code(summary, level) for level in ("violation", "warning", "info")] == [1, 1, 1]


@pytest.mark.parametrize("name", ["report.ttl", "report.html", "report.csv", "summary.json", "quality.trig"])
def test_the_report_files_are_written(corpus_validated, name):
    assert (corpus_validated.reports / name).stat().st_size > 1000


def test_kg_build_writes_the_validation_reports(built):
    reports = built.build_dir / "validation"
    assert {p.name for p in reports.glob("report.*")} == {"report.ttl", "report.html", "report.csv"}, \
        "kg build does not run validation yet: wire kg.validate.validate_build into kg/pipeline.py"
