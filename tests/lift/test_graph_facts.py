"""A sample of rows from every document, checked in the built graph: agencies and roles, deadline kind and
date, printed vs. inferred, reconstructed alignments, shared document nodes and region-scoped agencies."""

from __future__ import annotations

import pytest

from kg.query import as_table, run_query

PREFIXES = """
PREFIX zw: <https://w3id.org/zwgk/def#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
PLAN = {"panlong": "kunming-panlong-2018", "wuhua": "kunming-wuhua-2019", "chuxiong": "yunnan-chuxiong-2018",
        "panzhihua": "sichuan-panzhihua-2017", "huaiyin": "jinan-huaiyin-2020"}


def select(store, body: str) -> list[dict[str, str]]:
    return as_table(run_query(store, PREFIXES + body)).dicts()


def req(plan: str, seq: int) -> str:
    return f"<http://127.0.0.1:8000/id/plan/{PLAN[plan]}/requirement/{seq}>"


def assignments(store, plan: str, seq: int) -> set[tuple[str, str, str]]:
    rows = select(store, f"""SELECT ?label ?role ?origin WHERE {{
        {req(plan, seq)} zw:assignment ?a . ?a zw:agency/skos:prefLabel ?label ; zw:role ?r ; zw:valueOrigin ?o .
        BIND(STRAFTER(STR(?r), "#") AS ?role) BIND(STRAFTER(STR(?o), "#") AS ?origin) }}""")
    return {(r["label"], r["role"], r["origin"]) for r in rows}


def deadlines(store, plan: str, seq: int) -> set[tuple[str, str, str, str]]:
    rows = select(store, f"""SELECT ?kind ?printed ?due ?origin WHERE {{
        {req(plan, seq)} zw:deadline ?d . ?d a ?k ; zw:printedText ?printed ; zw:valueOrigin ?o .
        OPTIONAL {{ ?d zw:dueDate ?due }} FILTER(?k != zw:Deadline)
        BIND(STRAFTER(STR(?k), "#") AS ?kind) BIND(STRAFTER(STR(?o), "#") AS ?origin) }}""")
    return {(r["kind"], r["printed"], r["due"], r["origin"]) for r in rows}


def test_guofa_2016_55_is_one_node_cited_by_panlong_and_chuxiong(store):
    rows = select(store, """SELECT DISTINCT ?doc ?plan WHERE {
        ?doc zw:documentNumber "国发〔2016〕55号" . ?plan zw:cites ?doc . ?plan zw:year ?y }""")
    assert len({r["doc"] for r in rows}) == 1
    assert {r["plan"].rsplit("/", 1)[-1] for r in rows} == {PLAN["panlong"], PLAN["chuxiong"]}
    # and the requirement that prints it (盘龙 row 35, "国发\n\n〔2016〕55 号" broken over lines) cites it too
    cited = select(store, f"SELECT ?d WHERE {{ {req('panlong', 35)} zw:cites ?d . ?d zw:documentNumber ?n }}")
    assert [r["d"] for r in cited] == [rows[0]["doc"]]


def test_each_district_has_its_own_finance_bureau(store):
    rows = select(store, """SELECT ?agency ?region WHERE {
        ?agency skos:prefLabel "区财政局"@zh ; zw:region/skos:prefLabel ?region }""")
    assert sorted(r["region"] for r in rows) == ["五华区", "槐荫区", "盘龙区"]  # each once: no duplicates
    assert len({r["agency"] for r in rows}) == 3


def test_abbreviation_is_an_alt_label_of_the_canonical_agency(store):
    rows = select(store, """SELECT ?alt WHERE { ?a skos:prefLabel "区政府办公室"@zh ; skos:altLabel ?alt ;
        zw:region/skos:prefLabel "盘龙区"@zh }""")
    assert "区政府办" in {r["alt"] for r in rows}


def test_panlong_row_1_printed_roles(store):
    assert assignments(store, "panlong", 1) == {("区政府办公室", "LeadRole", "Printed"),
                                                ("区级各部门", "ResponsibleRole", "Printed"),
                                                ("各街道办事处", "ResponsibleRole", "Printed")}
    assert deadlines(store, "panlong", 1) == {("PlanYearDeadline", "全年工作", "2018-12-31", "Printed")}


def test_panlong_row_2_values_are_inferred_from_the_merged_cells_of_row_1(store):
    assert ("区政府办公室", "LeadRole", "Inferred") in assignments(store, "panlong", 2)
    assert deadlines(store, "panlong", 2) == {("PlanYearDeadline", "全年工作", "2018-12-31", "Inferred")}
    carried = select(store, f"SELECT DISTINCT ?from WHERE {{ {req('panlong', 2)} zw:assignment/zw:carriedFrom ?from }}")
    assert [r["from"] for r in carried] == [req("panlong", 1)[1:-1]]


def test_panlong_row_35_due_by_year_end_with_the_plan_year(store):
    assert deadlines(store, "panlong", 35) == {("OnOrBeforeDeadline", "12月底前", "2018-12-31", "Printed")}
    inferred_year = select(store, f"SELECT ?y WHERE {{ {req('panlong', 35)} zw:deadline/zw:yearInferred ?y }}")
    assert inferred_year == [{"y": "true"}]


def test_wuhua_row_76_is_due_the_next_year(store):
    assert deadlines(store, "wuhua", 76) == {("OnOrBeforeDeadline", "2020年3月底前", "2020-03-31", "Printed")}


def test_wuhua_records_the_gap_60_to_63(store):
    rows = select(store, f"SELECT ?n WHERE {{ <http://127.0.0.1:8000/id/plan/{PLAN['wuhua']}> "
                         "zw:missingSequenceNumber ?n } ORDER BY ?n")
    assert [r["n"] for r in rows] == ["60", "61", "62", "63"]


def test_wuhua_row_4_guiding_role(store):
    assert ("区委网信办", "GuidingRole", "Printed") in assignments(store, "wuhua", 4)


def test_wuhua_row_7_joint_lead(store):
    roles = assignments(store, "wuhua", 7)
    assert ("区政府新闻办", "LeadRole", "Printed") in roles
    assert ("区政府办公室", "JointLeadRole", "Printed") in roles


def test_chuxiong_row_1(store):
    assert assignments(store, "chuxiong", 1) == {("各县市人民政府", "ResponsibleRole", "Printed"),
                                                 ("州直各部门", "ResponsibleRole", "Printed")}
    assert deadlines(store, "chuxiong", 1) == {("PlanYearDeadline", "全年工作", "2018-12-31", "Printed")}


def test_panzhihua_row_4_is_reconstructed_and_recurring(store):
    rows = select(store, f"""SELECT ?alignment ?confidence ?text WHERE {{ {req('panzhihua', 4)} zw:alignment ?a ;
        zw:alignmentConfidence ?confidence ; zw:requirementText ?text .
        BIND(STRAFTER(STR(?a), "#") AS ?alignment) }}""")
    assert rows[0]["alignment"] == "ReconstructedAlignment"
    assert 0.5 <= float(rows[0]["confidence"]) < 1
    assert rows[0]["text"].startswith("按月公开财政收支情况")
    assert ("市财政局", "LeadRole", "Printed") in assignments(store, "panzhihua", 4)
    (deadline,) = select(store, f"SELECT ?f ?within WHERE {{ {req('panzhihua', 4)} zw:deadline ?d . "
                                "?d zw:frequency ?f . OPTIONAL { ?d <http://www.w3.org/2006/time#hasXSDDuration> ?within } }")
    assert deadline == {"f": "monthly,quarterly", "within": "P20D"}


def test_panzhihua_row_8_printed_row(store):
    assert assignments(store, "panzhihua", 8) == {("市地税局", "LeadRole", "Printed")}
    assert deadlines(store, "panzhihua", 8) == {("OnOrBeforeDeadline", "2017年7月底前", "2017-07-31", "Printed")}


def test_panzhihua_row_9_cooperating_agencies(store):
    roles = assignments(store, "panzhihua", 9)
    assert ("市财政局", "LeadRole", "Printed") in roles
    assert ("市人力资源和社会保障局", "CooperatingRole", "Printed") in roles


def test_panzhihua_row_14_after_an_event(store):
    (row,) = select(store, f"""SELECT ?event ?within WHERE {{ {req('panzhihua', 14)} zw:deadline ?d .
        ?d a zw:AfterEventDeadline ; zw:triggerEvent ?event ;
        <http://www.w3.org/2006/time#hasXSDDuration> ?within }}""")
    assert "国家指导意见印发" in row["event"] and row["within"] == "P60D"


def test_panzhihua_row_30_immediate(store):
    assert {d[0] for d in deadlines(store, "panzhihua", 30)} == {"ImmediateDeadline"}


def test_panzhihua_row_40_has_no_recoverable_text(store):
    rows = select(store, f"SELECT ?t WHERE {{ OPTIONAL {{ {req('panzhihua', 40)} zw:requirementText ?t }} }}")
    assert rows == [{"t": ""}]


def test_huaiyin_rows_have_responsible_agencies_and_no_deadline(store):
    rows = select(store, f"""SELECT ?r (COUNT(?d) AS ?deadlines) WHERE {{
        <http://127.0.0.1:8000/id/plan/{PLAN['huaiyin']}> zw:hasRequirement ?r . OPTIONAL {{ ?r zw:deadline ?d }}
    }} GROUP BY ?r""")
    assert len(rows) == 35 and {r["deadlines"] for r in rows} == {"0"}


@pytest.mark.parametrize("plan", sorted(PLAN))
def test_every_requirement_has_a_source_line_span_and_a_type(store, plan):
    rows = select(store, f"""SELECT ?r ?first ?last (COUNT(?t) AS ?types) WHERE {{
        <http://127.0.0.1:8000/id/plan/{PLAN[plan]}> zw:hasRequirement ?r .
        ?r zw:firstLine ?first ; zw:lastLine ?last . OPTIONAL {{ ?r zw:requirementType ?t }}
    }} GROUP BY ?r ?first ?last""")
    assert rows and all(int(r["first"]) <= int(r["last"]) and int(r["types"]) >= 1 for r in rows)


def test_guofa_2017_47_is_flagged_as_issuer_conflict(store):
    (row,) = select(store, """SELECT ?conflict ?named WHERE { ?d zw:documentNumber "国发〔2017〕47号" ;
        zw:issuerConflict ?conflict ; zw:issuerNamedInTitle ?named }""")
    assert row == {"conflict": "true", "named": "国务院办公厅"}


def test_source_documents_keep_their_checksum(store, built):
    rows = select(store, "SELECT ?label ?sha WHERE { ?s a zw:SourceDocument ; <http://www.w3.org/2000/01/rdf-schema#label> ?label ; zw:sha256 ?sha }")
    assert {r["label"]: r["sha"] for r in rows}["yunnan-kunming-panlong-2018-fengong.txt"] == \
        "cafb7a722969c4eb3d0f7be93ba4a2e5a0ede2406b23410eb55a3dc15511678f"
