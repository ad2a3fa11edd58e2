"""Every catalogue query against the corpus, through the CLI and through the REST API: specific rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from kg.catalogue import load_catalogue
from kg.settings import PROJECT_ROOT

Rows = list[dict[str, str]]
CATALOGUE = load_catalogue(PROJECT_ROOT / "queries")


def where(rows: Rows, **match: str) -> Rows:
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


def one(rows: Rows, **match: str) -> dict[str, str]:
    found = where(rows, **match)
    assert len(found) == 1, (match, found)
    return found[0]


# --- expectations, one per query: facts read from the documents -----------------------------------------
def check_requirements(rows: Rows) -> None:
    assert len(rows) == 429  # 92 盘龙 + 35 槐荫 + 74 五华 + 95 楚雄 + 133 攀枝花
    first = one(rows, planTitle="盘龙区2018年政务公开工作要点分工方案", seq="1")
    assert first["leadAgencies"] == "区政府办公室"  # corpus line 13: 区政府办牵头
    assert first["deadline"] == "全年工作"


def check_plans(rows: Rows) -> None:
    assert one(rows, region="五华区")["documentNumber"] == "五政办通〔2019〕71号"
    assert one(rows, region="盘龙区")["requirements"] == "92"


def check_legal_references(rows: Rows) -> None:
    citing = {r["planTitle"][:3] for r in where(rows, number="国发〔2016〕55号")}
    assert citing == {"盘龙区", "楚雄州"}


def check_requirements_by_agency(rows: Rows) -> None:
    # 区政府办公室 leads 26 requirements of 盘龙 (区政府办 / 区政府办公室 are one agency)
    assert len(rows) == 26
    assert {r["region"] for r in rows} == {"盘龙区"} and {r["role"] for r in rows} == {"牵头"}
    assert one(rows, seq="1")["origin"] == "原文印刷"  # printed on row 1
    assert one(rows, seq="2")["origin"] == "推断"  # carried down from row 1's merged cell
    assert Counter(r["origin"] for r in rows) == {"推断": 15, "原文印刷": 11}


def check_lead_agencies(rows: Rows) -> None:
    top = {r["region"]: r["agency"] for r in where(rows, rank="1")}
    assert top["盘龙区"] == "区政府办公室" and top["攀枝花市"] == "市财政局"
    assert one(rows, region="盘龙区", rank="1")["leads"] == "26"
    assert one(rows, region="攀枝花市", rank="1")["leads"] == "28"
    # 楚雄: 州政府办公室 and 州政管局 lead 6 requirements each and share rank 1
    assert {r["agency"] for r in where(rows, region="楚雄州", rank="1")} == {"州政府办公室", "州政管局"}
    assert "槐荫区" not in {r["region"] for r in rows}  # its attachment table names no lead (牵头)


def check_due_in_month(rows: Rows) -> None:
    # October 2018: 楚雄 第68项 "10月15日前" (corpus line 503) and six "10月底前"
    assert [r["due"] for r in rows] == ["2018-10-15"] + ["2018-10-31"] * 6
    first = rows[0]
    assert (first["region"], first["seq"], first["printed"]) == ("楚雄州", "68", "10月15日前")
    assert first["kind"] == "限期完成"
    assert first["yearInferred"] == "true"  # the year is the plan year, not printed
    assert {r["seq"] for r in where(rows, region="盘龙区")} == {"13", "51", "60", "61"}


def check_due_before(rows: Rows) -> None:
    # 攀枝花 2017: the "2017年7月底前" rows are the only deadlines before September 2017
    assert {r["due"] for r in rows} == {"2017-07-31"}
    assert {r["region"] for r in rows} == {"攀枝花市"}
    assert {"8", "9", "91"} <= {r["seq"] for r in rows}
    assert one(rows, seq="8")["printed"] == "2017年7月底前"


def check_deadline_kinds(rows: Rows) -> None:
    kinds = {r["kind"]: r for r in rows}
    assert set(kinds) == {"全年工作", "限期完成", "事件后完成", "定期完成"}
    assert kinds["定期完成"]["deadlines"] == "1"  # 第31项 按月度完成
    assert kinds["事件后完成"]["deadlines"] == "3"  # 第10, 15 项 省、市有关文件出台后; 第91项
    assert (kinds["限期完成"]["earliest"], kinds["限期完成"]["latest"]) == ("2018-06-30", "2018-12-31")


def check_event_deadlines(rows: Rows) -> None:
    assert [r["seq"] for r in rows] == ["10", "14", "80", "94"]
    row80 = one(rows, seq="80")
    assert row80["event"] == "新修订的《云南省政府信息公开规定》印发"
    assert row80["within"] == "P2M"  # 印发后2个月内


def check_citing_document(rows: Rows) -> None:
    assert {(r["region"], r["seq"], r["how"]) for r in rows} == {
        ("楚雄州", "32", "cited by a requirement"), ("盘龙区", "35", "cited by a requirement")}
    assert all("国发〔2016〕55号" in r["text"] for r in rows)


def check_most_cited(rows: Rows) -> None:
    assert rows[0]["document"] == "中华人民共和国政府信息公开条例"
    assert rows[0]["plans"] == "3"
    assert one(rows, document="国发〔2016〕55号")["regions"] in ("楚雄州、盘龙区", "盘龙区、楚雄州")
    assert one(rows, document="国发〔2016〕55号")["issuer"] == "国务院"
    assert {r["minPlans"] for r in rows} == {"2"}
    assert len(rows) == 5


def check_issuer_conflicts(rows: Rows) -> None:
    conflict = one(rows, number="国发〔2017〕47号")
    assert (conflict["codeOrgan"], conflict["titleOrgan"]) == ("国务院", "国务院办公厅")
    assert set(conflict["citedBy"].split("、")) == {"盘龙区", "楚雄州"}


def check_requirements_of_type(rows: Rows) -> None:
    # 政府公报: 楚雄 第71-76项 (task 加强政府公报工作), none in 盘龙
    assert [r["seq"] for r in where(rows, region="楚雄州")] == ["71", "72", "73", "74", "75", "76"]
    assert "盘龙区" not in {r["region"] for r in rows}
    assert "国办发〔2018〕22号" in one(rows, region="楚雄州", seq="71")["text"]


def check_types_per_plan(rows: Rows) -> None:
    counts = {r["region"]: int(r["requirements"]) for r in rows}
    assert counts == {"攀枝花市": 7, "楚雄州": 5, "盘龙区": 5, "五华区": 2, "槐荫区": 3}
    assert {r["type"] for r in rows} == {"依申请公开"}


def check_quantitative_targets(rows: Rows) -> None:
    # 盘龙 第29项: "力争在3小时内、最迟不超过5小时发布权威信息，24小时内举行新闻发布会"
    row29 = where(rows, seq="29")
    assert [(r["printed"], r["comparator"], r["value"], r["measures"]) for r in row29] == [
        ("3小时内", "within", "3", "发布权威信息"), ("最迟不超过5小时", "at-most", "5", "发布权威信息"),
        ("24小时内", "within", "24", "举行新闻发布会")]
    assert {r["region"] for r in rows} == {"盘龙区"}


def check_plan_implements(rows: Rows) -> None:
    implemented = {(r["region"], r["document"]) for r in rows}
    assert ("攀枝花市", "国办发〔2017〕24号") in implemented and ("攀枝花市", "川办发〔2017〕40号") in implemented
    assert ("五华区", "昆政办〔2019〕85号") in implemented
    assert ("楚雄州", "省政府办公厅2018年政务公开工作要点") in implemented
    assert one(rows, region="盘龙区")["document"] == ""  # 盘龙's text names no higher plan


def check_plan_completeness(rows: Rows) -> None:
    by_region = {r["region"]: r for r in rows}
    assert by_region["楚雄州"]["complete"] == "95" and by_region["楚雄州"]["completeShare"] == "1"
    assert by_region["槐荫区"]["withDeadline"] == "0"  # the attachment table has no deadline column
    assert by_region["攀枝花市"]["reconstructed"] == "19"


def check_plan_comparison(rows: Rows) -> None:
    assert Counter(r["relation"] for r in rows) == {"相同": 52, "有改动": 30, "仅见于盘龙区": 10, "仅见于楚雄州": 13}
    same = one(rows, seqA="7")
    assert (same["relation"], same["seqB"], same["similarity"]) == ("相同", "7", "1")
    assert same["textA"].startswith("对涉及公众利益、需要社会广泛知晓的电视电话会议")
    changed = one(rows, seqA="37")  # 区、街道、社区三级 → 省、州市、县、乡、村五级
    assert (changed["relation"], changed["seqB"]) == ("有改动", "34")
    assert one(rows, seqA="51")["relation"] == "仅见于盘龙区"  # 企业开办时间再减少一半 (楚雄 has 建筑施工许可 only)
    assert one(rows, seqA="52")["seqB"] == "47"


def check_comparison_summary(rows: Rows) -> None:
    row = one(rows, regionA="盘龙区", regionB="楚雄州")
    assert (row["same"], row["changed"], row["onlyInA"], row["onlyInB"]) == ("52", "30", "10", "13")
    assert row["bases"] == "same-province-and-year"
    assert len(rows) == 1  # no other two plans share a province and year or an implemented document


def check_reconstructed_rows(rows: Rows) -> None:
    assert [r["seq"] for r in rows] == ["118", "119", "120", "121", "122"]
    assert {r["confidence"] for r in rows} == {"0.5"}
    assert one(rows, seq="118")["firstLine"] == "190"


@dataclass(frozen=True)
class Case:
    params: dict[str, str] = field(default_factory=dict)
    check: Callable[[Rows], None] = lambda rows: None


CASES: dict[str, Case] = {
    "requirements": Case({}, check_requirements),
    "plans": Case({}, check_plans),
    "legal-references": Case({}, check_legal_references),
    "requirements-by-agency": Case({"agency": "区政府办公室", "role": "牵头", "region": "盘龙区"},
                                   check_requirements_by_agency),
    "lead-agencies": Case({"top": "1"}, check_lead_agencies),
    "requirements-due-in-month": Case({"month": "10", "year": "2018"}, check_due_in_month),
    "requirements-due-before": Case({"before": "2017-08-31"}, check_due_before),
    "deadline-kinds": Case({"region": "盘龙区"}, check_deadline_kinds),
    "event-and-recurring-deadlines": Case({"region": "楚雄州"}, check_event_deadlines),
    "citing-document": Case({}, check_citing_document),  # default: 国发〔2016〕55号
    "most-cited-documents": Case({"minPlans": "2"}, check_most_cited),
    "issuer-conflicts": Case({}, check_issuer_conflicts),
    "requirements-of-type": Case({"type": "政府公报"}, check_requirements_of_type),
    "types-per-plan": Case({"type": "依申请公开"}, check_types_per_plan),
    "quantitative-targets": Case({"region": "盘龙区", "unit": "小时"}, check_quantitative_targets),
    "plan-implements": Case({}, check_plan_implements),
    "plan-completeness": Case({}, check_plan_completeness),
    "plan-comparison": Case({}, check_plan_comparison),  # default: 盘龙区 and 楚雄州
    "comparison-summary": Case({}, check_comparison_summary),
    "reconstructed-rows": Case({"below": "0.6"}, check_reconstructed_rows),
}


def test_every_catalogue_query_has_a_case() -> None:
    assert set(CASES) == set(CATALOGUE)
    assert len(CATALOGUE) >= 15


@pytest.mark.parametrize("name", sorted(CASES))
def test_query_through_the_cli(name: str, run_cli) -> None:
    CASES[name].check(run_cli(name, CASES[name].params))


@pytest.mark.parametrize("name", sorted(CASES))
def test_query_through_the_api(name: str, run_api) -> None:
    CASES[name].check(run_api(name, CASES[name].params))


TINY_VALIDATED_PLAN = """
@prefix zw: <https://w3id.org/zwgk/def#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dqv: <http://www.w3.org/ns/dqv#> . @prefix ex: <http://example.org/> .
ex:plan zw:year "2018"^^<http://www.w3.org/2001/XMLSchema#gYear> ; zw:region ex:panlong ;
    zw:hasRequirement ex:r1 , ex:r2 .
ex:panlong skos:prefLabel "盘龙区"@zh .
ex:r1 zw:requirementText "将公开透明作为政府工作的基本要求"@zh ; zw:assignment ex:a1 ; zw:deadline ex:d1 .
ex:r2 zw:requirementText "积极稳妥做好突发事件舆情回应工作"@zh .
ex:m1 a dqv:QualityMeasurement ; dqv:computedOn ex:plan ; dqv:value 0.5 ;
    dqv:isMeasurementOf <http://example.org/id/quality/metric/complete-requirements> .
ex:m2 a dqv:QualityMeasurement ; dqv:computedOn ex:plan ; dqv:value 3 ;
    dqv:isMeasurementOf <http://example.org/id/quality/metric/violations> .
"""


def test_plan_completeness_reads_the_validation_measurements() -> None:
    import pyoxigraph as ox

    from kg.query import as_table, run_query

    store = ox.Store()
    store.load(TINY_VALIDATED_PLAN.encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("http://example.org/graph/quality"))
    [row] = as_table(run_query(store, CATALOGUE["plan-completeness"].text)).dicts()
    assert (row["requirements"], row["complete"], row["completeShare"]) == ("2", "1", "0.5")
    assert (row["validatedComplete"], row["violations"]) == ("0.5", "3")
