"""完成时限 cells from the five plans: every kind in the domain guide, dates resolved against the plan year."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.normalise.deadlines import read_deadline_cell
from kg.normalise.model import Deadline, DeadlineKind
from kg.parse.model import Cell, Origin, Span

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PANLONG = "yunnan-kunming-panlong-2018-fengong.txt"
WUHUA = "yunnan-kunming-wuhua-2019-fengong.txt"
CHUXIONG = "yunnan-chuxiong-2018-fengong.txt"
PANZHIHUA = "sichuan-panzhihua-2017-fengong.txt"
YEAR = {PANLONG: 2018, WUHUA: 2019, CHUXIONG: 2018, PANZHIHUA: 2017}

K = DeadlineKind


def _read(text: str, plan: str) -> list[Deadline]:
    return read_deadline_cell(Cell(text, Span(1, 1)), YEAR[plan])


# (plan, line, cell text as the parser joins it, kind, due date, year inferred)
DATED = [
    (PANLONG, 15, "全年工作", K.PLAN_YEAR, "2018-12-31", True),
    (PANLONG, 341, "12月底前", K.ON_OR_BEFORE, "2018-12-31", True),
    (PANLONG, 119, "10 月底前", K.ON_OR_BEFORE, "2018-10-31", True),
    (PANLONG, 357, "8月底前", K.ON_OR_BEFORE, "2018-08-31", True),
    (CHUXIONG, 503, "10月15日前", K.ON_OR_BEFORE, "2018-10-15", True),
    (CHUXIONG, 636, "8月15日前", K.ON_OR_BEFORE, "2018-08-15", True),
    # "9 月前": before September begins, so on or before the last day of August
    (CHUXIONG, 538, "9 月前", K.ON_OR_BEFORE, "2018-08-31", True),
    (WUHUA, 152, "10月底", K.ON_OR_BEFORE, "2019-10-31", True),
    # a printed year wins over the plan year, also the next year
    (WUHUA, 584, "2020年3月底前", K.ON_OR_BEFORE, "2020-03-31", False),
    (WUHUA, 598, "2020年1月中旬", K.ON_OR_BEFORE, "2020-01-20", False),
    (PANZHIHUA, 29, "2017 年 11 月底前完成", K.ON_OR_BEFORE, "2017-11-30", False),
    (PANZHIHUA, 43, "2017年7月底前", K.ON_OR_BEFORE, "2017-07-31", False),
    (PANZHIHUA, 196, "2017年11月中旬前", K.ON_OR_BEFORE, "2017-11-20", False),
    (PANZHIHUA, 70, "2017年7月底前对企业门户网站开展1次内容保障普查", K.ON_OR_BEFORE, "2017-07-31", False),
]


@pytest.mark.parametrize(("plan", "line", "text", "kind", "due", "inferred"), DATED)
def test_dated_deadline(plan: str, line: int, text: str, kind: DeadlineKind, due: str,
                        inferred: bool) -> None:
    [deadline] = _read(text, plan)
    assert (deadline.kind, deadline.date, deadline.date_inferred_year) == (kind, due, inferred)
    assert deadline.printed == text  # the whole phrase, trailing words included


# (plan, line, cell text, frequency, within)
RECURRING = [
    (PANLONG, 289, "按月度完成", "monthly", None),
    (PANZHIHUA, 90, "按月度、季度公布", "monthly,quarterly", None),
    (PANZHIHUA, 134, "按季度、月度公布", "monthly,quarterly", None),
    (PANZHIHUA, 151, "每季度第一周内", "quarterly", "P7D"),
    (PANZHIHUA, 31, "每月、每季度 后 20 日内完成", "monthly,quarterly", "P20D"),
    (PANZHIHUA, 32, "每月、每季度 后 28 日内完成", "monthly,quarterly", "P28D"),
]


@pytest.mark.parametrize(("plan", "line", "text", "frequency", "within"), RECURRING)
def test_recurring_deadline(plan: str, line: int, text: str, frequency: str, within: str | None) -> None:
    [deadline] = _read(text, plan)
    assert (deadline.kind, deadline.frequency, deadline.within, deadline.date) == (
        K.RECURRING, frequency, within, None)


# (plan, line, cell text, event, within)
AFTER_EVENT = [
    (PANLONG, 88, "省、市有关文件出台后", "省、市有关文件出台", None),
    (PANLONG, 987, "上级相关制度规定出台后", "上级相关制度规定出台", None),
    (CHUXIONG, 122, "待国家有关文件出台后", "国家有关文件出台", None),
    (CHUXIONG, 94, "待省有关文件出台后", "省有关文件出台", None),
    (CHUXIONG, 685, "省直部门相关制度规定出台后", "省直部门相关制度规定出台", None),
    (PANZHIHUA, 51, "国家指导意见印发后 60 日内完成", "国家指导意见印发", "P60D"),
    (CHUXIONG, 587, "新修订的《云南省政府信息公开规定》印发后2个月内", "新修订的《云南省政府信息公开规定》印发", "P2M"),
]


@pytest.mark.parametrize(("plan", "line", "text", "event", "within"), AFTER_EVENT)
def test_after_event_deadline(plan: str, line: int, text: str, event: str, within: str | None) -> None:
    [deadline] = _read(text, plan)
    assert (deadline.kind, deadline.event, deadline.within, deadline.date) == (
        K.AFTER_EVENT, event, within, None)


@pytest.mark.parametrize(("plan", "line", "text"),
                         [(p, n, t) for p, n, t, *_ in DATED + RECURRING + AFTER_EVENT])
def test_cases_are_printed_in_the_corpus(plan: str, line: int, text: str) -> None:
    assert text in (CORPUS / plan).read_text(encoding="utf-8").split("\n")[line - 1]


def test_phrase_broken_across_lines_panlong_133() -> None:
    # 盘龙 133–135: "省、市有关" / "文件出台后" is one deadline; the parser joins the pieces
    lines = (CORPUS / PANLONG).read_text(encoding="utf-8").split("\n")
    assert [lines[132].strip(), lines[134].strip()] == ["省、市有关", "文件出台后"]
    [deadline] = _read("省、市有关文件出台后", PANLONG)
    assert (deadline.kind, deadline.event) == (K.AFTER_EVENT, "省、市有关文件出台")


def test_immediate_panzhihua_74() -> None:
    [deadline] = _read("及时转载发布", PANZHIHUA)
    assert (deadline.kind, deadline.date, deadline.printed) == (K.IMMEDIATE, None, "及时转载发布")


def test_two_deadlines_in_one_cell_wuhua_401() -> None:
    # 五华 401–403: "12月底前" and "全年工作" printed on two lines of one cell
    lines = (CORPUS / WUHUA).read_text(encoding="utf-8").split("\n")
    assert (lines[400].strip(), lines[402].strip()) == ("12月底前", "全年工作")
    for text in ("12月底前\n全年工作", "12月底前全年工作"):
        first, second = _read(text, WUHUA)
        assert (first.kind, first.date, first.printed) == (K.ON_OR_BEFORE, "2019-12-31", "12月底前")
        assert (second.kind, second.date, second.printed) == (K.PLAN_YEAR, "2019-12-31", "全年工作")


@pytest.mark.parametrize("text", ["长期坚持", "根据上级部署", "13月底前"])
def test_unresolved_keeps_the_printed_text(text: str) -> None:
    [deadline] = _read(text, PANLONG)
    assert (deadline.kind, deadline.printed, deadline.date) == (K.UNRESOLVED, text, None)


@pytest.mark.parametrize(("text", "due"), [
    ("年底前", "2018-12-31"), ("2019年底前", "2019-12-31"), ("11月下旬", "2018-11-30"), ("上半年", "2018-06-30"),
    ("1月前", "2017-12-31"), ("2月底前", "2018-02-28"),
])
def test_more_date_forms(text: str, due: str) -> None:
    [deadline] = _read(text, PANLONG)
    assert (deadline.kind, deadline.date) == (K.ON_OR_BEFORE, due)


def test_empty_cell_has_no_deadline() -> None:
    assert _read("", PANLONG) == []


def test_carried_cell_keeps_its_origin() -> None:
    cell = Cell("全年工作", Span(15, 15), Origin.INFERRED, carried_from_seq=1)
    assert read_deadline_cell(cell, 2018)[0].origin is Origin.INFERRED
