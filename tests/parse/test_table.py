"""Tab-indented requirement tables (盘龙 2018, 五华 2019, 楚雄 2018): rows, merged cells, page-break repeats."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from kg.errors import ParseError
from kg.parse.cells import join_deadline_pieces, join_pieces, squeeze
from kg.parse.model import Origin, Row, SourceDoc, Span, TaskGroup
from kg.parse.table import looks_like_tab_table, parse_tab_table

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PANLONG = "yunnan-kunming-panlong-2018-fengong"
WUHUA = "yunnan-kunming-wuhua-2019-fengong"
CHUXIONG = "yunnan-chuxiong-2018-fengong"


def _doc(name: str) -> SourceDoc:
    path = CORPUS / f"{name}.txt"
    return SourceDoc(id=path.stem, path=str(path), text=path.read_text("utf-8"), sha256="x",
                     encoding="utf-8", size=path.stat().st_size)


def _inline(text: str) -> SourceDoc:
    return SourceDoc(id="inline", path="inline.txt", text=text, sha256="x", encoding="utf-8", size=len(text))


@cache
def _parsed(name: str) -> tuple[tuple[TaskGroup, ...], tuple[Row, ...]]:
    return parse_tab_table(_doc(name))


def _row(name: str, seq: int) -> Row:
    (row,) = [r for r in _parsed(name)[1] if r.seq == seq]
    return row


# --- detection -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [PANLONG, WUHUA, CHUXIONG])
def test_tab_tables_are_recognised(name: str) -> None:
    assert looks_like_tab_table(_doc(name))


@pytest.mark.parametrize("name", ["shandong-jinan-huaiyin-2020-yaodian", "sichuan-panzhihua-2017-fengong"])
def test_other_layouts_are_not_tab_tables(name: str) -> None:
    # 攀枝花 prints "序号\t工作任务…" headers, but not as tab-led cells followed by tab-led numbered rows
    assert not looks_like_tab_table(_doc(name))


def test_a_document_without_a_header_is_refused_with_its_path() -> None:
    with pytest.raises(ParseError, match="inline.txt"):
        parse_tab_table(_inline("\t1\n\t着力\n\t围绕\n\t要求\n\t单位\n\t全年工作\n"))


# --- counts and numbering ----------------------------------------------------------------------------

def test_panlong_has_92_numbered_requirements() -> None:
    rows = _parsed(PANLONG)[1]
    assert [r.seq for r in rows] == list(range(1, 93))
    assert [r.order for r in rows] == list(range(1, 93))


def test_chuxiong_has_95_numbered_requirements() -> None:
    assert [r.seq for r in _parsed(CHUXIONG)[1]] == list(range(1, 96))


def test_wuhua_has_74_requirements_and_its_numbering_skips_60_to_63() -> None:
    rows = _parsed(WUHUA)[1]
    assert [r.seq for r in rows] == list(range(1, 60)) + list(range(64, 79))
    assert _row(WUHUA, 64).order == 60  # order is document position, not the printed 序号


def test_every_row_has_a_text_and_no_reader_notes_about_its_shape() -> None:
    for name in (PANLONG, WUHUA, CHUXIONG):
        for row in _parsed(name)[1]:
            assert row.text is not None and row.text.text, (name, row.seq)
            assert not [n for n in row.notes if "cells printed" in n or "序号 missing" in n], (name, row.seq)


# --- merged cells carried down --------------------------------------------------------------------------

def test_panlong_row_2_carries_lead_and_deadline_from_row_1() -> None:
    row = _row(PANLONG, 2)
    assert row.text.text.startswith("制定出台涉及公共利益、公众权益的政策文件")
    assert row.agencies.text == "区政府办牵头，区级各部门、各街道办事处分别负责落实"
    assert row.agencies.origin is Origin.INFERRED and row.agencies.carried_from_seq == 1
    assert row.agencies.span == Span(14, 14)  # where it was printed
    assert row.deadline.text == "全年工作"
    assert row.deadline.origin is Origin.INFERRED and row.deadline.carried_from_seq == 1
    assert row.group_origin is Origin.INFERRED
    assert row.span == Span(17, 22)


def test_panlong_row_15_carries_its_lead_but_prints_a_deadline_broken_over_two_lines() -> None:
    row = _row(PANLONG, 15)
    assert row.agencies.text == "区财政局牵头，区级各部门、各街道办事处分别负责落实"
    assert row.agencies.origin is Origin.INFERRED and row.agencies.carried_from_seq == 14
    assert row.deadline.text == "省、市有关文件出台后"
    assert row.deadline.origin is Origin.PRINTED and row.deadline.carried_from_seq is None
    assert row.deadline.span == Span(133, 135)
    assert row.span == Span(128, 135)


def test_panlong_row_33_text_is_joined_across_blank_lines() -> None:
    row = _row(PANLONG, 33)
    assert row.text.text == ("建立完善与宣传、网信、公安、通信管理等部门的快速反应和协调联动机制，加强与新闻媒体的沟通联系，"
                             "提高政务舆情回应的主动性、针对性、有效性")
    assert row.text.span == Span(301, 305)
    assert (row.agencies.text, row.agencies.origin) == ("区政府办", Origin.PRINTED)
    deadline = row.deadline
    assert (deadline.text, deadline.origin, deadline.carried_from_seq) == ("全年工作", Origin.INFERRED, 32)


def test_panlong_row_37_carries_its_lead_and_prints_its_deadline() -> None:
    row = _row(PANLONG, 37)
    assert row.text.text.startswith("规范行业系统入驻政务服务网上大厅事项")
    assert row.agencies.text == "区委编办、区政务局、区发改局牵头，区级各部门、各街道办事处分别负责落实"
    assert row.agencies.carried_from_seq == 36
    assert (row.deadline.text, row.deadline.origin) == ("8月底前", Origin.PRINTED)


def test_panlong_row_13_deadline_is_read_without_the_printed_space() -> None:
    row = _row(PANLONG, 13)  # printed "\t10 月底前"
    assert (row.deadline.text, row.deadline.origin) == ("10月底前", Origin.PRINTED)
    assert row.agencies.text == "区政府办牵头，区级相关部门按工作职责分工分别落实"
    assert row.group_path == ("着力加强公开解读回应工作", "围绕重点领域加大主动公开力度")


def test_lead_and_deadline_are_not_carried_into_a_new_task_block() -> None:
    # 盘龙 row 89 opens the block 加强政府信息公开审查工作 with empty lead and deadline cells (lines 956-957)
    row = _row(PANLONG, 89)
    assert row.group_path == ("着力推进政务公开制度化规范化", "加强政府信息公开审查工作")
    assert row.agencies is None and row.deadline is None
    assert row.text.text.startswith("依法保护好个人隐私")


def test_chuxiong_rows_carry_within_their_block() -> None:
    row = _row(CHUXIONG, 27)
    assert row.text.text == "稳妥做好突发事件舆情回应工作，及时准确发布权威信息。"
    assert (row.agencies.text, row.agencies.carried_from_seq) == ("各县市人民政府，州直各部门负责落实", 26)
    assert (row.deadline.text, row.deadline.origin) == ("全年工作", Origin.INFERRED)
    row = _row(CHUXIONG, 15)
    assert (row.agencies.text, row.agencies.origin) == ("州发改委、国土局、政管局牵头落实", Origin.PRINTED)
    assert _row(CHUXIONG, 24).agencies is None  # first row of 围绕社会重大关切加强舆情回应, cells empty


def test_chuxiong_long_deadlines_are_kept_whole() -> None:
    assert _row(CHUXIONG, 80).deadline.text == "新修订的《云南省政府信息公开规定》印发后2个月内"
    assert _row(CHUXIONG, 87).deadline.text == "8月15日前"
    assert _row(CHUXIONG, 87).group_path[1] == "做好基层政务公开标准化规范化试点总结验收工作"
    assert _row(CHUXIONG, 87).group_origin is Origin.INFERRED  # its level-1 heading is carried
    assert _row(CHUXIONG, 36).text.text.startswith("构建全州政务服务数据共享交换平台和统一CA认证体系")


def test_wuhua_two_deadlines_in_one_cell_stay_apart() -> None:
    row = _row(WUHUA, 47)  # "\t12月底前" / "" / "全年工作"
    assert (row.deadline.text, row.deadline.span) == ("12月底前\n全年工作", Span(401, 403))
    assert row.agencies.text == "区政府办公室，区融媒体中心分别负责落实"
    carried = _row(WUHUA, 48).deadline
    assert (carried.text, carried.origin, carried.carried_from_seq) == ("12月底前\n全年工作", Origin.INFERRED, 47)


def test_wuhua_rows() -> None:
    row = _row(WUHUA, 1)
    assert row.text.text.startswith("围绕2019年全区经济社会发展总体要求和主要预期目标")
    assert row.group_path == ("着眼稳定预期，加强政策解读和回应关切", "深入解读重要政策措施")
    assert (row.agencies.text, row.deadline.text) == ("区政府各部门分别负责落实", "全年工作")
    row = _row(WUHUA, 14)
    assert (row.deadline.text, row.deadline.span) == ("10月底", Span(152, 152))  # after two blank lines
    row = _row(WUHUA, 8)
    assert row.agencies.text == "区委网信办加强对主管部门指导，区政府涉及主管部门负责落实"
    assert (row.deadline.text, row.deadline.carried_from_seq) == ("全年工作", 7)


def test_wuhua_table_ends_at_the_rule_before_the_distribution_list() -> None:
    row = _row(WUHUA, 78)
    assert (row.deadline.text, row.deadline.origin) == ("2020年1月中旬", Origin.PRINTED)
    assert row.span == Span(593, 598)  # the ━━━ rule and 抄送 lines (601-) are not part of it
    assert row.agencies.carried_from_seq == 75


# --- page-break repeats and task groups -----------------------------------------------------------------

def test_panlong_page_break_reprints_are_the_running_groups() -> None:
    row = _row(PANLONG, 6)  # "着力加强\n\n公开解读\n\n回应工作" reprinted after a page break
    assert row.group_path == ("着力加强公开解读回应工作", "围绕建设法治政府全面推进政务公开")
    assert row.group_origin is Origin.PRINTED
    # the lead printed on the first row after the break is that row's own
    assert (row.agencies.text, row.agencies.origin) == ("区政府办、区新闻中心牵头，区级各部门、各街道办事处分别负责落实",
                                                        Origin.PRINTED)
    assert _row(PANLONG, 7).agencies.carried_from_seq == 6


def test_panlong_task_groups() -> None:
    groups = _parsed(PANLONG)[0]
    assert [g.title for g in groups if g.level == 1] == [
        "着力加强公开解读回应工作", "着力提升政务服务工作实效", "着力推进政务公开平台建设", "着力推进政务公开制度化规范化"]
    assert len(groups) == 18
    first = groups[0]
    assert (first.span, first.ordinal, first.parent_title) == (Span(11, 11), 1, None)
    inner = [g for g in groups if g.parent_title == "着力加强公开解读回应工作"]
    assert [g.title for g in inner] == ["围绕建设法治政府全面推进政务公开", "围绕重点领域加大主动公开力度",
                                        "围绕稳定市场预期加强政策解读", "围绕社会重大关切加强舆情回应"]
    assert [g.ordinal for g in inner] == [1, 2, 3, 4]
    assert inner[1].span == Span(110, 116)  # first print, broken over blank lines
    row = _row(PANLONG, 20)  # new level-2 heading under a carried level-1 heading
    assert row.group_path == ("着力加强公开解读回应工作", "围绕稳定市场预期加强政策解读")
    assert row.group_origin is Origin.INFERRED


def test_wuhua_heading_printed_broken_and_whole_is_one_group() -> None:
    groups = _parsed(WUHUA)[0]
    level1 = [g.title for g in groups if g.level == 1]
    assert level1[0] == "着眼稳定预期，加强政策解读和回应关切"  # lines 27-31, no blank lines between pieces
    assert len(level1) == 5 and len(groups) == 22
    assert _row(WUHUA, 12).group_path[0] == level1[0]  # printed on one line at row 12
    assert _row(WUHUA, 64).group_path == _row(WUHUA, 59).group_path


def test_chuxiong_task_groups() -> None:
    groups = _parsed(CHUXIONG)[0]
    assert len(groups) == 21
    assert [g.title for g in groups if g.level == 1][-1] == "着力推进政务公开制度化规范化"
    assert [g.title for g in groups if g.level == 2][-1] == "健全公共企事业单位信息公开制度"


# --- regressions with the offending lines inline ---------------------------------------------------------

HEADER = "\t序号 \n\t工作任务\n\t具体要求\n\t牵头落实\n单位\n\t完成时限\n\n"


def _table(*rows: str) -> tuple[tuple[TaskGroup, ...], tuple[Row, ...]]:
    return parse_tab_table(_inline("标题\n\n" + HEADER + "\n".join(rows)))


def test_agency_cell_split_over_lines_is_joined() -> None:
    _, rows = _table("\t32\n\t着力\n\t围绕\n\t充分运用区政府门户网站\n\t区科信局、区新闻中心牵头，区级各\n部门、各街道办事处分别负责落实\n\t全年工作\n")
    assert rows[0].agencies.text == "区科信局、区新闻中心牵头，区级各部门、各街道办事处分别负责落实"
    assert rows[0].agencies.span == Span(14, 15)


def test_header_repeated_mid_table_is_skipped() -> None:
    groups, rows = _table("\t1\n\t甲任务\n\t乙任务\n\t要求一\n\t区政府办\n\t全年工作\n",
                          HEADER + "\t2\n\t甲任务\n\t乙任务\n\t要求二\n\t\n\t\n")
    assert [r.seq for r in rows] == [1, 2]
    assert rows[1].agencies.carried_from_seq == 1 and rows[1].text.text == "要求二"
    assert len(groups) == 2


def test_row_without_a_number_still_exists() -> None:
    _, rows = _table("\t1\n\t甲\n\t乙\n\t要求一\n\t区政府办\n\t全年工作\n",
                     "\t\n\t\n\t\n\t要求二\n\t区财政局\n\t\n", "\t3\n\t\n\t\n\t\n\t\n\t\n")
    assert [(r.seq, r.order) for r in rows] == [(1, 1), (None, 2), (3, 3)]
    assert rows[1].text.text == "要求二" and "序号 missing" in rows[1].notes
    assert rows[1].deadline.carried_from_seq == 1
    assert rows[2].text is None and "no 具体要求 text printed" in rows[2].notes
    # carried from a row that has no 序号: the origin is still an inference, the source row unnamed
    assert (rows[2].agencies.text, rows[2].agencies.origin) == ("区财政局", Origin.INFERRED)
    assert rows[2].agencies.carried_from_seq is None


def test_short_row_is_padded_and_noted() -> None:
    _, rows = _table("\t1\n\t甲\n\t乙\n\t要求一\n")
    assert rows[0].agencies is None and rows[0].deadline is None
    assert "4 cells printed where 6 were expected" in rows[0].notes


def test_new_level1_heading_resets_the_level2_heading() -> None:
    groups, rows = _table("\t1\n\t甲\n\t乙\n\t要求一\n\t区政府办\n\t全年工作\n", "\t2\n\t丙\n\t\n\t要求二\n\t\n\t\n")
    assert rows[1].group_path == ("丙",)
    assert rows[1].agencies is None  # a new task block
    assert [(g.title, g.level, g.parent_title, g.ordinal) for g in groups] == [
        ("甲", 1, None, 1), ("乙", 2, "甲", 1), ("丙", 1, None, 2)]


def test_joining_rules() -> None:
    assert join_pieces(["持续深化政府与社会资本合作（PPP", "", "）项目信息公开"]) == "持续深化政府与社会资本合作（PPP）项目信息公开"
    assert join_pieces(["人力资源 ", "和社会保障局"]) == "人力资源和社会保障局"
    assert join_pieces(["兼容Windows", "XP系统"]) == "兼容Windows XP系统"  # two ASCII alphanumerics keep a space
    assert squeeze("结合条例实施 10 周年") == "结合条例实施10周年"
    assert squeeze("Windows  XP 系统") == "Windows XP系统"
    assert join_deadline_pieces(["省、市有关", "", "文件出台后"]) == "省、市有关文件出台后"
    assert join_deadline_pieces(["12月底前", "", "全年工作"]) == "12月底前\n全年工作"
    assert join_deadline_pieces(["国家指导意见印发后", "60日内完成"]) == "国家指导意见印发后60日内完成"
    assert join_deadline_pieces(["10月底", "前"]) == "10月底前"
