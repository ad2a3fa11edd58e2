"""Cited documents: 《title》（发文字号）, titles alone, bare numbers, as printed in the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.parse.citations import find_citations, is_document_number
from kg.parse.model import CitedDocument, Span
from kg.sources import read_source

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.mark.parametrize(
    ("text", "title", "number"),
    [
        # 盘龙 331–333: the number broken over lines inside a table cell
        ("\t按照《国务院关于加快推进“互联网+政务服务”工作的指导意见》（国发\n\n〔2016〕55 号）要求，依托",
         "国务院关于加快推进“互联网+政务服务”工作的指导意见", "国发\n\n〔2016〕55 号"),
        # 盘龙 100: a space before 号
        ("按照《财政部关于深入推进地方预决算公开工作的通知》（财预〔2014〕36 号）要求补充完",
         "财政部关于深入推进地方预决算公开工作的通知", "财预〔2014〕36 号"),
        # 楚雄 106: nested brackets instead of parentheses
        ("按照《财政部关于深入推进地方预决算公开工作的通知》〔财预〔2014〕36号〕要求补",
         "财政部关于深入推进地方预决算公开工作的通知", "财预〔2014〕36号"),
        # 攀枝花 177: doubled title marks, half-width parentheses
        ("严格落实《《国务院办公厅关于在政务公开工作中进一步做好政务舆情回应的通知》》(国办发〔2016〕61号)要求, 各级",
         "国务院办公厅关于在政务公开工作中进一步做好政务舆情回应的通知", "国办发〔2016〕61号"),
        # 攀枝花 160: a title quoting a title with <…>
        ("严格落实《国务院办公厅印发<关于全面推进政务公开工作的意见>实施细则的通知》（国办发〔2016〕80号），做好",
         "国务院办公厅印发<关于全面推进政务公开工作的意见>实施细则的通知", "国办发〔2016〕80号"),
        # 攀枝花 7: extraction spaces inside the title and the number
        ("为贯彻落实《国务院办公厅关于印发 2017 年政务公开工作要点的通知》（国办发〔2017〕24 号）和",
         "国务院办公厅关于印发2017年政务公开工作要点的通知", "国办发〔2017〕24 号"),
        # 盘龙 832–834: the serial and 号 on different lines
        ("\t认真落实《昆明市政府信息依申请公开工作规程》（昆政办函〔2018〕17\n\n号），进一步规范",
         "昆明市政府信息依申请公开工作规程", "昆政办函〔2018〕17\n\n号"),
        # 楚雄 6: a title followed by a parenthesis that is not a number
        ("《楚雄州贯彻落实省政府办公厅2018年政务公开工作要点分工方案》（以下简称分工方案）已经州人民政府同意",
         "楚雄州贯彻落实省政府办公厅2018年政务公开工作要点分工方案", None),
        # 五华 2: a bare number line (the notice's own 发文字号)
        ("五政办通〔2019〕71号", None, "五政办通〔2019〕71号"),
        # a bare number inside a sentence: the verb before it is not part of the 代字
        ("按照国发〔2016〕55号要求，", None, "国发〔2016〕55号"),
        # in brackets the whole run is the 代字, even when it starts like a conjunction (和政发 …)
        ("（和政发〔2019〕3号）", None, "和政发〔2019〕3号"),
        # 槐荫 6 (web-page metadata)
        ("槐政办发〔2020〕1号", None, "槐政办发〔2020〕1号"),
    ],
)
def test_citation_variants(text: str, title: str | None, number: str | None) -> None:
    (cited,) = find_citations(text)
    assert cited.title == title
    assert cited.printed_number == number


def test_span_counts_lines_from_first_line() -> None:
    text = "\t按照《国务院关于加快推进“互联网+政务服务”工作的指导意见》（国发\n\n〔2016〕55 号）要求"
    (cited,) = find_citations(text, first_line=332)
    assert cited.span == Span(332, 334)


def test_titles_without_numbers_are_kept_in_order() -> None:
    # 楚雄 585
    text = ("贯彻落实《中华人民共和国政府信息公开条例》、《云南省政府信息公开规定》和"
            "《楚雄州实施<中华人民共和国政府信息公开条例>配套制度》，")
    assert [c.title for c in find_citations(text)] == [
        "中华人民共和国政府信息公开条例", "云南省政府信息公开规定",
        "楚雄州实施<中华人民共和国政府信息公开条例>配套制度"]
    assert all(c.printed_number is None for c in find_citations(text))


@pytest.mark.parametrize("text", ["2018年底前完成", "于每年3月31日前", "（2018）", "每月、每季度后20日内完成",
                                  "《未闭合的书名号。后文"])
def test_no_citation(text: str) -> None:
    assert find_citations(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("五政办通〔2019〕71号", True), (" 槐政办发〔2020〕1号\n", True), ("国发\n\n〔2016〕55 号", True),
    ("各街道办事处,区政府各部门:", False), ("2020-08-27", False), ("（国发〔2016〕55号）", False)])
def test_is_document_number(text: str, expected: bool) -> None:
    assert is_document_number(text) is expected


def test_numbers_cited_by_panlong() -> None:
    cited = find_citations(read_source(CORPUS / "yunnan-kunming-panlong-2018-fengong.txt").text)
    numbered = [(c.printed_number, c.span) for c in cited if c.printed_number]
    assert numbered == [("财预〔2014〕36 号", Span(100, 100)), ("国发\n\n〔2016〕55 号", Span(331, 333)),
                        ("国发\n\n〔2017〕47 号", Span(580, 582)), ("昆政办函〔2018〕17\n\n号", Span(831, 833))]
    assert CitedDocument(None, "云南省政府信息公开规定", Span(857, 857)) in cited


def test_citations_in_panzhihua_table() -> None:
    cited = find_citations(read_source(CORPUS / "sichuan-panzhihua-2017-fengong.txt").text)
    assert [c.printed_number for c in cited if c.printed_number] == [
        "国办发〔2017〕24 号", "川办发〔2017〕40 号", "国办发〔2016〕80号", "国办发〔2016〕61号",
        "国办发〔2016〕80号", "国办发〔2016〕80号", "国办发〔2016〕61号"]
    assert len(cited) == 10
