"""发文字号 as printed in the five plans → one canonical number; issuers by code and by title."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.normalise.docnumbers import issuer_codes, normalise_citation, number_slug, parse_document_number
from kg.normalise.model import DocumentNumber
from kg.parse.model import CitedDocument, Span

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.mark.parametrize(("printed", "canonical"), [
    ("国发\n\n〔2016〕55 号", "国发〔2016〕55号"),  # 盘龙 331–333
    ("国发〔2016〕55号", "国发〔2016〕55号"),  # 楚雄 247
    ("国发\n\n〔2017〕47 号", "国发〔2017〕47号"),  # 盘龙 580–582
    ("财预〔2014〕36 号", "财预〔2014〕36号"),  # 盘龙 100
    ("〔财预〔2014〕36号〕", "财预〔2014〕36号"),  # 楚雄 106: nested brackets
    ("昆政办函〔2018〕17\n\n号", "昆政办函〔2018〕17号"),  # 盘龙 831–833
    ("五政办通〔2019〕71号", "五政办通〔2019〕71号"),  # 五华 2
    ("昆政办〔2019〕85号", "昆政办〔2019〕85号"),  # 五华 10
    ("槐政办发〔2020〕1号", "槐政办发〔2020〕1号"),  # 槐荫 6
    ("国办发〔2017〕24 号", "国办发〔2017〕24号"),  # 攀枝花 7
    ("川办发〔2017〕40 号", "川办发〔2017〕40号"),  # 攀枝花 7
    ("(国办发〔2016〕61号)", "国办发〔2016〕61号"),  # 攀枝花 177: half-width parentheses around
    ("国办发[2016]80号", "国办发〔2016〕80号"),
    ("国办发【2016】80号", "国办发〔2016〕80号"),
    ("国办发(2016)80号", "国办发〔2016〕80号"),
    ("国办发〔２０１６〕８０号", "国办发〔2016〕80号"),
])
def test_every_printed_variant_has_one_canonical_form(printed: str, canonical: str) -> None:
    number = parse_document_number(printed)
    assert number is not None and number.canonical == canonical


def test_the_two_printings_of_guofa_2016_55_are_one_number() -> None:
    panlong = (CORPUS / "yunnan-kunming-panlong-2018-fengong.txt").read_text(encoding="utf-8")
    chuxiong = (CORPUS / "yunnan-chuxiong-2018-fengong.txt").read_text(encoding="utf-8")
    assert "国发\n\n〔2016〕55 号" in panlong and "国发〔2016〕55号" in chuxiong
    assert parse_document_number("国发\n\n〔2016〕55 号") == parse_document_number("国发〔2016〕55号") \
        == DocumentNumber("国发", 2016, 55)


@pytest.mark.parametrize("printed", ["", "全年工作", "〔2016〕55号", "国发〔16〕55号"])
def test_no_number(printed: str) -> None:
    assert parse_document_number(printed) is None


@pytest.mark.parametrize(("number", "slug"), [
    (DocumentNumber("国发", 2016, 55), "guofa-2016-55"),
    (DocumentNumber("国办发", 2017, 24), "guobanfa-2017-24"),
    (DocumentNumber("五政办通", 2019, 71), "wuzhengbantong-2019-71"),
])
def test_number_slug(number: DocumentNumber, slug: str) -> None:
    assert number_slug(number) == slug


@pytest.mark.parametrize(("code", "organ"), [
    ("国发", "国务院"), ("国办发", "国务院办公厅"), ("国办函", "国务院办公厅"), ("财预", "财政部"),
    ("川办发", "四川省人民政府办公厅"), ("云政办发", "云南省人民政府办公厅"), ("昆政办", "昆明市人民政府办公厅"),
    ("昆政办函", "昆明市人民政府办公厅"), ("五政办通", "五华区人民政府办公室"), ("槐政办发", "槐荫区人民政府办公室"),
])
def test_issuer_codes(code: str, organ: str) -> None:
    assert issuer_codes()[code].organ == organ


def test_title_of_the_guofa_office_names_another_organ_than_its_code() -> None:
    # 盘龙 580–582 and 楚雄 381: a 国务院办公厅 notice cited with a 国发 number
    cited = CitedDocument("国发\n\n〔2017〕47 号", "国务院办公厅关于印发政府网站发展指引的通知", Span(580, 582))
    ref = normalise_citation(cited)
    assert ref.number == DocumentNumber("国发", 2017, 47)
    assert (ref.issuer_by_code, ref.issuer_in_title, ref.issuer_conflict) == ("国务院", "国务院办公厅", True)
    assert ref.span == Span(580, 582)


@pytest.mark.parametrize(("number", "title", "in_title"), [
    # 国务院 is a prefix of 国务院办公厅: the title names the longer organ only when it prints it
    ("国发〔2016〕55号", "国务院关于加快推进“互联网+政务服务”工作的指导意见", "国务院"),
    ("财预〔2014〕36号", "财政部关于深入推进地方预决算公开工作的通知", "财政部"),
    ("国办发〔2016〕80号", "国务院办公厅印发<关于全面推进政务公开工作的意见>实施细则的通知", "国务院办公厅"),
    ("川办发〔2017〕40 号", "四川省人民政府办公厅关于印发四川省2017年政务公开工作要点的通知", "四川省人民政府办公厅"),
    ("昆政办〔2019〕85号", "昆明市人民政府办公厅关于印发昆明市2019年政务公开工作要点分工方案的通知", "昆明市人民政府办公厅"),
    ("昆政办函〔2018〕17号", "昆明市政府信息依申请公开工作规程", None),  # names a place, not an organ
])
def test_consistent_citations(number: str, title: str, in_title: str | None) -> None:
    ref = normalise_citation(CitedDocument(number, title, Span(1, 1)))
    assert ref.issuer_in_title == in_title
    assert ref.issuer_conflict is False


def test_citation_by_title_only() -> None:
    # 盘龙 857: cited without a number
    ref = normalise_citation(CitedDocument(None, "中华人民共和国政府信息公开条例", Span(857, 857)))
    assert (ref.number, ref.title, ref.issuer_by_code, ref.issuer_in_title, ref.issuer_conflict) == (
        None, "中华人民共和国政府信息公开条例", None, None, False)
    assert ref.printed == "《中华人民共和国政府信息公开条例》"


def test_doubled_title_marks_and_pdf_spaces_are_cleaned() -> None:
    # 攀枝花 177 and 7
    assert normalise_citation(CitedDocument(
        None, "《国务院办公厅关于在政务公开工作中进一步做好政务舆情回应的通知》", Span(177, 177))).title \
        == "国务院办公厅关于在政务公开工作中进一步做好政务舆情回应的通知"
    assert normalise_citation(CitedDocument(
        "国办发〔2017〕24 号", "国务院办公厅关于印发 2017 年政务公开工作要点的通知", Span(7, 7))).title \
        == "国务院办公厅关于印发2017年政务公开工作要点的通知"


def test_unknown_code_has_no_issuer_and_no_conflict() -> None:
    ref = normalise_citation(CitedDocument("攀府办发〔2017〕9号", "攀枝花市人民政府办公室关于某事的通知", Span(1, 1)))
    assert ref.number == DocumentNumber("攀府办发", 2017, 9)
    assert (ref.issuer_by_code, ref.issuer_in_title, ref.issuer_conflict) == (None, "攀枝花市人民政府办公室", False)
