"""The notice (关于印发……的通知) wrapping each corpus plan: title, issuer, 发文字号, date, implemented plans."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from kg.parse.model import Notice, SourceDoc, Span
from kg.parse.notice import parse_notice
from kg.sources import read_source

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PANLONG = "yunnan-kunming-panlong-2018-fengong"
HUAIYIN = "shandong-jinan-huaiyin-2020-yaodian"
WUHUA = "yunnan-kunming-wuhua-2019-fengong"
CHUXIONG = "yunnan-chuxiong-2018-fengong"
PANZHIHUA = "sichuan-panzhihua-2017-fengong"


@cache
def _notice(name: str) -> tuple[Notice, str]:
    return parse_notice(read_source(CORPUS / f"{name}.txt"))


def _inline(text: str) -> SourceDoc:
    return SourceDoc(id="inline", path="inline.txt", text=text, sha256="x", encoding="utf-8", size=len(text))


@pytest.mark.parametrize(
    ("name", "title", "issuer", "number", "date", "plan_title", "span"),
    [
        (PANLONG, "盘龙区2018年政务公开工作要点分工方案", None, None, None,
         "盘龙区2018年政务公开工作要点分工方案", Span(1, 1)),
        (HUAIYIN, "槐荫区人民政府办公室关于印发2020年槐荫区政务公开工作要点的通知", "槐荫区人民政府办公室",
         "槐政办发〔2020〕1号", "2020-08-27", "2020年槐荫区政务公开工作要点", Span(3, 28)),
        (WUHUA, "昆明市五华区人民政府办公室关于印发五华区2019年政务公开工作要点分工方案的通知",
         "昆明市五华区人民政府办公室", "五政办通〔2019〕71号", None, "五华区2019年政务公开工作要点分工方案",
         Span(1, 15)),
        (CHUXIONG, "楚雄州人民政府办公室关于印发楚雄州贯彻落实省政府办公厅2018年政务公开工作要点分工方案的通知",
         "楚雄州人民政府办公室", None, None, "楚雄州贯彻落实省政府办公厅2018年政务公开工作要点分工方案",
         Span(1, 17)),
        (PANZHIHUA, "攀枝花市人民政府办公室关于印发攀枝花市2017年政务公开工作分工方案的通知",
         "攀枝花市人民政府办公室", None, "2017-07-03", "攀枝花市2017年政务公开工作分工方案", Span(3, 23)),
    ],
)
def test_notice_facts(name: str, title: str, issuer: str | None, number: str | None, date: str | None,
                      plan_title: str, span: Span) -> None:
    notice, plan = _notice(name)
    assert (notice.title, notice.issuer, notice.printed_number, notice.date) == (title, issuer, number, date)
    assert plan == plan_title
    assert notice.span == span


@pytest.mark.parametrize(
    ("name", "implements"),
    [
        (PANLONG, []),
        (HUAIYIN, []),
        (WUHUA, [("昆政办〔2019〕85号", "昆明市人民政府办公厅关于印发昆明市2019年政务公开工作要点分工方案的通知")]),
        (PANZHIHUA, [("国办发〔2017〕24 号", "国务院办公厅关于印发2017年政务公开工作要点的通知"),
                     ("川办发〔2017〕40 号", "四川省人民政府办公厅关于印发四川省2017年政务公开工作要点的通知")]),
        # named in the plan title only, without a number; "省" is left for the normaliser to resolve
        (CHUXIONG, [(None, "省政府办公厅2018年政务公开工作要点")]),
    ],
)
def test_implements(name: str, implements: list[tuple[str | None, str]]) -> None:
    notice, _ = _notice(name)
    assert [(c.printed_number, c.title) for c in notice.implements] == implements


def test_implemented_plan_lines() -> None:
    assert [c.span for c in _notice(PANZHIHUA)[0].implements] == [Span(7, 7), Span(7, 7)]
    assert _notice(CHUXIONG)[0].implements[0].span == Span(2, 3)  # "…贯彻落实省政府办公厅" / "2018年…的通知"


def test_plan_itself_is_not_implemented() -> None:
    # 五华 10 cites its own plan 《五华区2019年政务公开工作要点分工方案》 after the purpose clause
    titles = [c.title for c in _notice(WUHUA)[0].implements]
    assert "五华区2019年政务公开工作要点分工方案" not in titles


def test_web_page_chrome_is_ignored() -> None:
    doc = _inline("无障碍阅读 关怀版 返回首页\n政府信息公开\n"
                  "槐荫区人民政府办公室关于印发2020年槐荫区政务公开工作要点的通知\n"
                  "11370104597024629Y-A/2020-3956126\n综合政务、政务公开\n槐政办发〔2020〕1号\n槐荫区政府办公室\n"
                  "2020-08-27\n2020-08-27\n有效\n\n字号:\n\n打印整页 打印内容 分享\n\n各街道办事处,区政府各部门:\n\n"
                  "《2020年槐荫区政务公开工作要点》已经区政府同意,现印发给你们,请认真贯彻落实。\n\n"
                  "槐荫区人民政府办公室\n\n(此件公开发布)\n\n2020年槐荫区政务公开工作要点\n")
    notice, plan = parse_notice(doc)
    assert notice.title.startswith("槐荫区人民政府办公室关于印发")
    assert notice.date == "2020-08-27"  # no date under the signature: the page's metadata date
    assert notice.printed_number == "槐政办发〔2020〕1号"
    assert plan == "2020年槐荫区政务公开工作要点"


def test_issuer_from_signature_when_title_has_none() -> None:
    doc = _inline("关于印发某区2021年政务公开工作要点的通知\n\n各街道办事处、区级各部门：\n\n"
                  "现将《某区2021年政务公开工作要点》印发给你们，请认真贯彻落实。\n\n某区人民政府办公室\n"
                  "二〇二一年三月十五日\n\n某区2021年政务公开工作要点\n")
    notice, plan = parse_notice(doc)
    assert notice.issuer == "某区人民政府办公室"
    assert notice.date == "2021-03-15"
    assert plan == "某区2021年政务公开工作要点"


def test_title_broken_after_issuer_line() -> None:
    # 五华 1–8, pasted: 版头, 发文字号, a rule, then the title over three lines
    doc = _inline("昆明市五华区人民政府办公室文件\n五政办通〔2019〕71号\n━━━━━━━━━━━━\n昆明市五华区人民政府办公室\n"
                  "关于印发五华区2019年政务公开工作要点\n分工方案的通知\n\n各街道办事处、区属各局办、各直属单位：\n")
    notice, plan = parse_notice(doc)
    assert notice.title == "昆明市五华区人民政府办公室关于印发五华区2019年政务公开工作要点分工方案的通知"
    assert notice.issuer == "昆明市五华区人民政府办公室"
    assert plan == "五华区2019年政务公开工作要点分工方案"
