"""Catalogue queries rewritten for a national store (OPTIONAL + BOUND, sub-SELECTs, a LIMIT): the corpus rows
that a careless rewrite would change."""

from __future__ import annotations

import pyoxigraph as ox

from kg.query import as_table, bind_parameters, run_query
from tests.queries.test_catalogue import CATALOGUE


def rows(store, name: str, **params: str) -> list[dict[str, str]]:
    query = CATALOGUE[name]
    return as_table(run_query(store, query.text, bind_parameters(query, params))).dicts()


def test_due_in_month_kind_still_filters(catalogue_store) -> None:
    # October 2018 has only 限期完成 deadlines (楚雄 "10月15日前", six "10月底前"): a bound kind that no
    # October deadline has must give nothing (the kind's label is joined as OPTIONAL + a witness variable)
    assert rows(catalogue_store, "requirements-due-in-month", month="10", year="2018", kind="全年工作") == []
    dated = rows(catalogue_store, "requirements-due-in-month", month="10", year="2018", kind="限期完成")
    assert [r["due"] for r in dated] == ["2018-10-15"] + ["2018-10-31"] * 6


def test_due_in_month_lists_each_deadline_kind_once(catalogue_store) -> None:
    # December: 全年工作 (the plan year's end) and 限期完成 rows, each labelled once, in Chinese
    december = rows(catalogue_store, "requirements-due-in-month", month="12", year="2018")
    assert {r["kind"] for r in december} == {"全年工作", "限期完成"}
    assert {r["origin"] for r in december} <= {"原文印刷", "推断"}


def test_due_before_kind_filters(catalogue_store) -> None:
    yearly = rows(catalogue_store, "requirements-due-before", before="2018-12-31", kind="全年工作")
    assert yearly and {r["kind"] for r in yearly} == {"全年工作"}
    assert {r["due"][5:] for r in yearly} == {"12-31"}


def test_requirements_order_and_agencies(catalogue_store) -> None:
    every = rows(catalogue_store, "requirements")
    panlong = [r for r in every if r["planTitle"] == "盘龙区2018年政务公开工作要点分工方案"]
    assert len(panlong) == 92 and panlong[0]["seq"] == "1"
    assert panlong[0]["leadAgencies"] == "区政府办公室"  # corpus line 13: 区政府办牵头
    # every plan, in title order: 2020年槐荫区… (digits sort first) before 五华, 攀枝花, 楚雄, 盘龙
    titles = list(dict.fromkeys(r["planTitle"] for r in every))
    assert titles == sorted(titles) and len(titles) == 5
    # 槐荫's attachment table has no deadline column: its rows are listed, deadline empty
    huaiyin = [r for r in every if r["planTitle"] == "2020年槐荫区政务公开工作要点"]
    assert len(huaiyin) == 35 and {r["deadline"] for r in huaiyin} == {""}


def test_requirements_is_capped_at_a_page() -> None:
    assert "LIMIT 1000" in CATALOGUE["requirements"].text


def test_citing_document_by_title(catalogue_store) -> None:
    cited = rows(catalogue_store, "citing-document", document="财预〔2014〕36号")
    assert {(r["region"], r["seq"]) for r in cited} == {("盘龙区", "12"), ("楚雄州", "12")}


def test_reconstructed_rows_keep_their_notes(catalogue_store) -> None:
    rebuilt = rows(catalogue_store, "reconstructed-rows", below="0.6")
    assert [r["seq"] for r in rebuilt] == ["118", "119", "120", "121", "122"]
    assert all(r["notes"] for r in rebuilt)


def test_citing_document_in_the_notice_only() -> None:
    # the corpus has no such citation: two plans cite 国发〔2016〕55号, one by a requirement, the other in its
    # notice alone, and a third implements it (the notice-only branch takes away the plans whose requirements
    # cite the document, a MINUS since it ran plan by plan)
    store = ox.Store()
    store.load(input=NOTICE_ONLY.encode(), format=ox.RdfFormat.TURTLE)
    query = CATALOGUE["citing-document"]
    table = as_table(run_query(store, query.text, bind_parameters(query, {})))
    assert {(r["region"], r["how"], r["seq"]) for r in table.dicts()} == {
        ("甲区", "cited by a requirement", "3"), ("乙区", "cited in the notice", ""), ("丙区", "implements", "")}


NOTICE_ONLY = """
@prefix zw: <https://w3id.org/zwgk/def#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix : <https://example.org/> .
:doc a zw:OfficialDocument ; rdfs:label "国发〔2016〕55号"@zh .
:a dcterms:title "甲" ; zw:region :ra ; zw:cites :doc . :ra skos:prefLabel "甲区"@zh .
:a-3 zw:inPlan :a ; zw:cites :doc ; zw:documentOrder 3 ; zw:sequenceNumber "3" .
:b dcterms:title "乙" ; zw:region :rb ; zw:cites :doc . :rb skos:prefLabel "乙区"@zh .
:b-1 zw:inPlan :b ; zw:documentOrder 1 ; zw:sequenceNumber "1" .
:c dcterms:title "丙" ; zw:region :rc ; zw:implements :doc . :rc skos:prefLabel "丙区"@zh .
"""
