"""A prose plan with its 任务分解表 printed as paragraphs (槐荫 2020)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from kg.errors import ParseError
from kg.parse.model import Origin, Row, SourceDoc, Span, TaskGroup
from kg.parse.prose import looks_like_prose_attachment, parse_prose_attachment
from kg.sources import read_source

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
HUAIYIN = "shandong-jinan-huaiyin-2020-yaodian"
L1 = ("聚焦各项重点领域推进精准政务公开", "聚焦行政运行过程推进互动政务公开", "聚焦强化平台建设推进智能政务公开",
      "聚焦规范标准建设推进务实政务公开", "聚焦完善保障机制推进深度政务公开")


def _inline(text: str) -> SourceDoc:
    return SourceDoc(id="inline", path="inline.txt", text=text, sha256="x", encoding="utf-8", size=len(text))


@cache
def _parsed() -> tuple[tuple[TaskGroup, ...], tuple[Row, ...]]:
    return parse_prose_attachment(read_source(CORPUS / f"{HUAIYIN}.txt"))


def _row(order: int) -> Row:
    return _parsed()[1][order - 1]


@pytest.mark.parametrize(("name", "expected"), [
    (HUAIYIN, True), ("yunnan-kunming-panlong-2018-fengong", False),
    ("yunnan-kunming-wuhua-2019-fengong", False),
    ("yunnan-chuxiong-2018-fengong", False), ("sichuan-panzhihua-2017-fengong", False)])
def test_detects_only_the_paragraph_table(name: str, expected: bool) -> None:
    assert looks_like_prose_attachment(read_source(CORPUS / f"{name}.txt")) is expected


def test_thirty_five_requirements_without_seq_or_deadline() -> None:
    rows = _parsed()[1]
    assert len(rows) == 35
    assert [r.order for r in rows] == list(range(1, 36))
    assert all(r.seq is None and r.deadline is None for r in rows)
    assert all(r.text and r.agencies and r.agencies.origin is Origin.PRINTED for r in rows)
    assert [sum(1 for r in rows if r.group_path[0] == title) for title in L1] == [15, 9, 4, 3, 4]


@pytest.mark.parametrize(
    ("order", "text_prefix", "agencies", "group_path", "text_line"),
    [
        (1, "围绕区委“1+543”工作部署", "区政府各部门、各街道办事处", (L1[0], "聚焦中心工作加强信息主动公开"), 143),
        (8, "多渠道公开脱贫攻坚", "区扶贫办、区生态环境分局、区发展改革局、区财政局、区应急局、区公安分局、各街道办事处",
         (L1[0], "聚焦中心工作加强信息主动公开"), 171),
        (10, "加强舆论引导", "区政府有关部门、各街道办事处",
         (L1[0], "聚焦“六稳”“六保”工作做好政策发布、解读回应"), 181),
        (16, "研究制定重大行政决策事项目录", "区政府各部门、各街道办事处", (L1[1], "推进行政决策公开"), 227),
        (18, "更新完善权责清单。", "区委编办", (L1[1], "推进行政管理和服务公开"), 239),
        (25, "做好区政府网站重点领域信息公开", "区政府各部门、各街道办事处", (L1[2], "加强政府网站集约化建设"), 285),
        (29, "做好依申请公开接收", "区政府各部门、各街道办事处", (L1[3], "规范依申请公开工作"), 331),
        (34, "对中共中央办公厅、国务院办公厅", "区政府各部门、各街道办事处", (L1[4], "强化督查评估"), 377),
        (35, "要把学习贯彻政府信息公开条例", "区政府各部门、各街道办事处", (L1[4], "加强业务培训"), 387),
    ],
)
def test_rows(order: int, text_prefix: str, agencies: str, group_path: tuple[str, ...],
              text_line: int) -> None:
    row = _row(order)
    assert row.text is not None and row.text.text.startswith(text_prefix)
    assert row.text.span == Span(text_line, text_line)
    assert row.agencies is not None and row.agencies.text == agencies
    assert row.group_path == group_path


def test_headings_printed_on_first_row_only() -> None:
    assert _row(1).group_origin is Origin.PRINTED and _row(1).span == Span(117, 145)
    assert _row(2).group_origin is Origin.INFERRED and _row(2).span == Span(147, 149)
    assert _row(34).agencies.span == Span(383, 383)  # empty paragraphs between text and agencies


def test_task_groups() -> None:
    groups = _parsed()[0]
    assert [g.title for g in groups if g.level == 1] == list(L1)
    assert sum(1 for g in groups if g.level == 2) == 18
    broken = {g.title: g for g in groups}
    assert broken["推进行政管理和服务公开"].span == Span(231, 233)
    assert broken["规范依申请公开工作"].span == Span(323, 329)
    assert broken["规范依申请公开工作"].parent_title == L1[3] and broken["规范依申请公开工作"].ordinal == 1
    assert broken["聚焦强化平台建设推进智能政务公开"].span == Span(269, 271)


# 槐荫 59–63 and 309–333, trimmed: a level-1 heading and a level-2 heading both broken over paragraphs
OUTLINE = "一、聚焦规范标准建设,推进务实政务公开\n\n(一)规范依申请公开工作。强化法律意识。\n\n"
HEADER = "附件:任务分解表\n\n工作任务\n\n具体要求\n\n责任单位\n\n\u00a0\n\n"


def test_headings_split_by_the_prose_outline() -> None:
    doc = _inline(OUTLINE + HEADER + "聚焦规范标准建设\n\n推进务实政务公开\n\n\u00a0\n\n规范\n\n依申请\n\n公开\n\n工作\n\n"
                  "做好依申请公开接收、登记、办理、调查、答复等各个环节工作。\n\n区政府各部门、各街道办事处\n")
    groups, (row,) = parse_prose_attachment(doc)
    assert row.group_path == ("聚焦规范标准建设推进务实政务公开", "规范依申请公开工作")
    assert [(g.level, g.span) for g in groups] == [(1, Span(15, 17)), (2, Span(21, 27))]


def test_text_and_agency_list_broken_over_paragraphs() -> None:
    doc = _inline(OUTLINE + HEADER + "聚焦规范标准建设推进务实政务公开\n\n规范依申请公开工作\n\n"
                  "做好依申请公开接收、登记、办理、调查、答复等各个环节工作。注重程序规范和\n\n实体规范。\n\n"
                  "区政府办公室、\n\n各街道办事处\n\n完善疑难件办理的会商机制。\n\n区司法局\n")
    _, rows = parse_prose_attachment(doc)
    assert [r.text.text for r in rows] == [
        "做好依申请公开接收、登记、办理、调查、答复等各个环节工作。注重程序规范和实体规范。", "完善疑难件办理的会商机制。"]
    assert [r.agencies.text for r in rows] == ["区政府办公室、各街道办事处", "区司法局"]
    assert rows[1].group_path == rows[0].group_path and rows[1].group_origin is Origin.INFERRED


def test_no_attachment_table_is_an_error() -> None:
    with pytest.raises(ParseError):
        parse_prose_attachment(_inline(OUTLINE + "没有附件。\n"))
