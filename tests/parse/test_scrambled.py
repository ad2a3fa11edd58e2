"""Recovery of the PDF-scrambled table of 攀枝花市2017年政务公开工作分工方案 (kg.parse.scrambled)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kg.errors import ParseError
from kg.parse.model import Alignment, Origin, Row, SourceDoc
from kg.parse.scrambled import (
    classify_cell,
    is_agency_cell,
    is_deadline_cell,
    is_heading_like,
    looks_like_scrambled_table,
    parse_scrambled_table,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PANZHIHUA = "sichuan-panzhihua-2017-fengong.txt"
L1_GROWTH, L1_OPENNESS = "以政务公开助力稳增长", "增强政务公开实效"


def _load(name: str) -> SourceDoc:
    raw = (CORPUS / name).read_bytes()
    return SourceDoc(id=Path(name).stem, path=str(CORPUS / name), text=raw.decode("utf-8"),
                     sha256=hashlib.sha256(raw).hexdigest(), encoding="utf-8", size=len(raw))


def _inline(text: str) -> SourceDoc:
    return SourceDoc(id="inline", path="<inline>", text=text, sha256="", encoding="utf-8",
                     size=len(text.encode("utf-8")))


@pytest.fixture(scope="module")
def parsed():
    return parse_scrambled_table(_load(PANZHIHUA))


@pytest.fixture(scope="module")
def rows(parsed) -> dict[int, Row]:
    return {row.seq: row for row in parsed[1]}


# --- layout detection ---------------------------------------------------------------------------

def test_detects_the_scrambled_pdf_table():
    assert looks_like_scrambled_table(_load(PANZHIHUA))


@pytest.mark.parametrize("name", [
    "yunnan-kunming-panlong-2018-fengong.txt", "yunnan-kunming-wuhua-2019-fengong.txt",
    "yunnan-chuxiong-2018-fengong.txt", "shandong-jinan-huaiyin-2020-yaodian.txt",
])
def test_other_layouts_are_not_scrambled_tables(name):
    assert not looks_like_scrambled_table(_load(name))


def test_document_without_one_line_header_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_scrambled_table(_inline("各县（区）人民政府：\n\n一、强化组织领导\n"))


# --- the whole table ----------------------------------------------------------------------------

def test_sequence_numbers_are_1_to_134_without_123(parsed):
    seqs = [row.seq for row in parsed[1]]
    assert seqs == [*range(1, 123), *range(124, 135)]
    assert [row.order for row in parsed[1]] == list(range(1, 134))


def test_row_134_is_the_unterminated_last_line(rows):
    # the file ends "…及时更新指南\t\t" with no newline: `wc -l` says 211, the row is on line 212
    assert rows[134].span.first == 212
    assert rows[134].text.text.startswith("在各政府网站显著位置发布政府信息公开指南")


def test_gap_at_123_is_noted_on_124(rows):
    assert any("123 not printed" in note for note in rows[124].notes)


def test_level1_groups_in_document_order(parsed):
    level1 = [g.title for g in parsed[0] if g.level == 1]
    assert level1 == [L1_GROWTH, "以政务公开助力促改革", "以政务公开助力调结构", "以政务公开助力惠民生",
                      "以政务公开助力防风险", L1_OPENNESS]
    level2 = [(g.parent_title, g.ordinal, g.title) for g in parsed[0] if g.level == 2]
    assert (L1_GROWTH, 1, "加强预期引导") in level2
    assert (L1_GROWTH, 2, "推进减税、降费、降低要素成本信息公开") in level2
    assert (L1_OPENNESS, 5, "依法规范依申请公开工作") in level2
    assert len(level2) == 19


def test_reconstructed_rows(parsed):
    reconstructed = {r.seq for r in parsed[1] if r.alignment is Alignment.RECONSTRUCTED}
    assert reconstructed == {*range(1, 7), 18, *range(60, 65), 105, *range(118, 123), 124}


def test_rows_whose_text_was_printed_apart(parsed):
    apart = {r.seq: r.text.span.first for r in parsed[1] if r.text and r.text.span.first != r.span.first}
    assert apart == {1: 34, 2: 35, 3: 36, 4: 37, 5: 38, 6: 39, 18: 62, 105: 179, 124: 206}


def test_rows_without_recoverable_text(parsed):
    missing = [r for r in parsed[1] if r.text is None]
    # line 86 is empty; line 90 prints only headings, lead and deadline, and no text line follows
    assert [r.seq for r in missing] == [40, 42]
    assert all(any("no 具体要求 text could be recovered" in n for n in r.notes) for r in missing)


def test_printed_rows_are_fully_confident_and_reconstructed_ones_are_not(parsed):
    for row in parsed[1]:
        if row.alignment is Alignment.PRINTED:
            assert row.confidence == 1.0, row.seq
        else:
            assert 0 < row.confidence < 1, row.seq
            assert row.notes, row.seq


def test_cells_are_joined_without_line_break_spaces(parsed):
    for row in parsed[1]:
        for cell in (row.text, row.agencies, row.deadline):
            if cell is not None:
                assert not any(a > "\u2e7f" and b == " " for a, b in zip(cell.text, cell.text[1:])), cell.text


def test_carried_cells_stay_inside_their_task_block(rows):
    for row in rows.values():
        for cell in (row.agencies, row.deadline):
            if cell is not None and cell.origin is Origin.INFERRED:
                assert cell.carried_from_seq < row.seq
                assert rows[cell.carried_from_seq].group_path == row.group_path


# --- specific rows ------------------------------------------------------------------------------

ROW_FACTS = [
    # seq, text prefix, agencies, deadline, alignment, confidence range
    (1, "加强政务信息主动公开，定期发布全市经济社会发展信息",
     "市发展改革委、人力资源和社会保障局、财政局、金融办、人民银行攀枝花中心支行等部门按照职责分工分别牵头落实",
     "全年工作", Alignment.RECONSTRUCTED, (0.85, 0.95)),
    (4, "按月公开财政收支情况", "市财政局牵头落实", "每月、每季度后20日内完成", Alignment.RECONSTRUCTED, (0.85, 0.95)),
    (7, "围绕新出台的税制改革和减税降费政策措施", "市财政局、地税局按照职责分工分别牵头落实", "全年工作",
     Alignment.PRINTED, (1.0, 1.0)),
    (18, "围绕群众办事需求，规范各类办事大厅", None, "全年工作", Alignment.RECONSTRUCTED, (0.85, 0.95)),
    (28, "加强市属企业门户网站建设维护", "市国资委牵头落实", "2017年7月底前对企业门户网站开展1次内容保障普查",
     Alignment.PRINTED, (1.0, 1.0)),
    (30, "做好农产品价格信息公开工作", None, "及时转载发布", Alignment.PRINTED, (1.0, 1.0)),
    (33, "按照财政部有关要求，完善地方政府债务领域信息公开", None, None, Alignment.PRINTED, (1.0, 1.0)),
    (59, "公开攀枝花市全面深化河长制工作的意见", "市水务局、环保局牵头落实", None, Alignment.PRINTED, (1.0, 1.0)),
    (60, "进一步推进教育监管信息公开", "市教育体育局牵头落实", "全年工作", Alignment.RECONSTRUCTED, (0.7, 0.85)),
    (93, "加大安全生产监管监察信息公开力度", "市安全监管局牵头落实", "全年工作", Alignment.PRINTED, (1.0, 1.0)),
    (105, "要突出政务微博、微信、移动客户端等新媒体", "各县(区)人民政府,市级各部门负责落实", "全年工作",
     Alignment.RECONSTRUCTED, (0.85, 0.95)),
    (121, "推进政府公报同步上网", "市政府办、市信访局、档案局、文化广电新闻出版局按照职责分工分别牵头落实"
     "各县（区）人民政府、市级各部门负责落实", "2017年11月中旬前", Alignment.RECONSTRUCTED, (0.3, 0.6)),
    (124, "加强对政府信息依申请公开内容的调查核实", "各县（区）人民政府，市级各部门负责落实", "全年工作",
     Alignment.RECONSTRUCTED, (0.6, 0.8)),
    (134, "在各政府网站显著位置发布政府信息公开指南", "各县（区）人民政府，市级各部门负责落实", "全年工作",
     Alignment.PRINTED, (1.0, 1.0)),
]


@pytest.mark.parametrize(("seq", "prefix", "agencies", "deadline", "alignment", "band"), ROW_FACTS,
                         ids=[f"row{f[0]}" for f in ROW_FACTS])
def test_row_facts(rows, seq, prefix, agencies, deadline, alignment, band):
    row = rows[seq]
    assert row.text.text.startswith(prefix)
    assert (row.agencies.text if row.agencies else None) == agencies
    assert (row.deadline.text if row.deadline else None) == deadline
    assert row.alignment is alignment
    assert band[0] <= row.confidence <= band[1]


def test_row1_headings_printed_with_line_break_spaces(rows):
    assert rows[1].group_path == (L1_GROWTH, "加强预期引导")
    assert rows[1].group_origin is Origin.PRINTED
    assert rows[1].span.first == 28 and rows[1].span.last == 34


def test_row4_lead_printed_on_the_text_line(rows):
    assert rows[4].agencies.origin is Origin.PRINTED and rows[4].agencies.span.first == 37
    assert rows[2].agencies.origin is Origin.INFERRED and rows[2].agencies.carried_from_seq == 1


def test_row7_level1_and_level2_in_one_cell(rows):
    assert rows[7].group_path == (L1_GROWTH, "推进减税、降费、降低要素成本信息公开")
    assert rows[7].group_origin is Origin.PRINTED


def test_row13_reprints_level1_only_and_carries_level2(rows):
    assert rows[13].group_path == rows[12].group_path
    assert rows[13].group_origin is Origin.INFERRED


def test_row18_level1_reprint_in_text_slot_is_not_its_text(rows):
    assert rows[18].group_path == ("以政务公开助力促改革", "推进“放管服”改革信息公开")
    assert rows[18].text.span.first == 62
    assert rows[18].agencies is None  # the lead on row 19 is printed below, not carried up


def test_row33_heading_in_text_slot_starts_a_block(rows):
    assert rows[33].group_path == ("以政务公开助力促改革", "推进财税改革信息公开")
    assert rows[32].group_path[-1] == "推进农业供给侧结构性改革信息公开"


def test_row37_text_printed_in_deadline_slot_and_lead_carried(rows):
    assert rows[37].text.text.startswith("制定新产业、新业态、新模式")
    assert rows[37].agencies.origin is Origin.INFERRED and rows[37].agencies.carried_from_seq == 36


def test_deadline_only_line_117_is_merged_cell_of_rows_60_to_64(rows):
    assert rows[60].deadline.origin is Origin.PRINTED and rows[60].deadline.span.first == 117
    for seq in range(61, 65):
        assert rows[seq].deadline.origin is Origin.INFERRED and rows[seq].deadline.carried_from_seq == 60
    assert rows[59].deadline is None


def test_agency_only_lines_195_196_split_rows_118_to_122(rows):
    assert rows[118].agencies.span.first == 195 and rows[118].agencies.origin is Origin.PRINTED
    assert rows[120].agencies.carried_from_seq == 118
    assert rows[121].agencies.span.first == 196 and rows[122].agencies.carried_from_seq == 121
    assert rows[119].deadline.text == "全年工作" and rows[119].deadline.carried_from_seq == 118
    assert rows[122].deadline.text == "2017年11月中旬前"


def test_row124_text_printed_inside_another_block_lowers_confidence(rows):
    assert rows[124].confidence < rows[105].confidence
    assert any("another task block" in note for note in rows[124].notes)


def test_row96_has_only_a_level1_heading(rows):
    assert rows[96].group_path == (L1_OPENNESS,)
    assert rows[96].group_origin is Origin.PRINTED


# --- regressions: offending lines pasted inline -----------------------------------------------------

HEADER = "序号\t工作任务\t具体要求\t牵头落实单位\t完成时限"


def test_regression_heading_rows_then_texts_in_order():
    doc = _inline("\n".join([
        HEADER,
        "1\t以政务公开 助力稳增长\t加强预期 引导\t市发展改革委、人力资源 和社会保障局按照职 责分工分别牵头落 实\t全年工作",
        "2\t\t\t\t2017 年 11 月底前完成",
        "\t\t加强政务信息主动公开，定期发布全市经济社会发展信息\t\t",
        "\t\t按月公开财政收支情况，解读财政收支增减变化情况及原因\t市财政局牵头落实\t",
    ]))
    _, (first, second) = parse_scrambled_table(doc)
    assert first.text.text.startswith("加强政务信息主动公开") and first.text.span.first == 4
    assert first.agencies.text == "市发展改革委、人力资源和社会保障局按照职责分工分别牵头落实"
    assert second.text.text.startswith("按月公开财政收支情况")
    assert second.agencies.text == "市财政局牵头落实" and second.agencies.origin is Origin.PRINTED
    assert second.deadline.text == "2017年11月底前完成"
    assert {first.confidence, second.confidence} == {0.9}


def test_regression_level1_reprinted_in_text_slot():
    doc = _inline("\n".join([
        "序号\t工作任务\t具体要求\t牵头落实单位\t完成时限\t",
        "18\t以政务公开助力促改革\t推进“放管服”改革信息公开\t以政务公开助力促改革\t全年工作\t",
        "19\t\t以清单管理推动简政放权。及时向社会公开各类清单\t\t\t市政府办公室、发展改革委等部门负责落实",
        "\t围绕群众办事需求，规范各类办事大厅的办事指引标识和办事指南\t\t\t\t",
    ]))
    groups, (heading_row, other) = parse_scrambled_table(doc)
    assert [g.title for g in groups] == ["以政务公开助力促改革", "推进“放管服”改革信息公开"]
    assert heading_row.text.text.startswith("围绕群众办事需求")
    assert other.text.text.startswith("以清单管理推动简政放权")


def test_regression_mismatched_counts_lower_confidence_and_leftover_text_becomes_unnumbered_row():
    doc = _inline("\n".join([
        HEADER,
        "7\t以政务公开助力稳增长\t推进减税信息公开\t市财政局牵头落实\t全年工作",
        "\t\t围绕新出台的税制改革和减税降费政策措施，做好集中发布工作\t\t",
        "\t\t市地税局在政府门户网站开设减税降费信息公开专栏，并及时更新\t\t",
    ]))
    _, (row, lost) = parse_scrambled_table(doc)
    assert row.seq == 7 and row.confidence == pytest.approx(0.6)
    assert lost.seq is None and lost.text.text.startswith("市地税局")
    assert lost.alignment is Alignment.RECONSTRUCTED and lost.group_path == row.group_path


# --- cell classifiers ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "全年工作", "2017年11月底前完成", "2017年7月底前", "2017年11月中旬前", "10月15日前", "9月前", "10月底",
    "按月度、季度公布", "按季度、月度公布", "按月度完成", "每季度第一周内", "每月、每季度后20日内完成",
    "国家指导意见印发后60日内完成", "省、市有关文件出台后", "及时转载发布", "2017年7月底前对企业门户网站开展1次内容保障普查",
])
def test_deadline_cells(text):
    assert is_deadline_cell(text)
    assert classify_cell(text) == "deadline"


@pytest.mark.parametrize("text", [
    "及时公布流通领域商品质量抽检结果", "每年公布水质最好和最差的县（区）、区名单以及河道生态补偿情况",
    "市财政局牵头落实", "推进财税改革信息公开", "加强市属企业门户网站建设维护，2017年6月底前对市属国有企业门户网站开展1次内容保障普查",
])
def test_not_deadline_cells(text):
    assert not is_deadline_cell(text)


@pytest.mark.parametrize("text", [
    "市审计局落实", "市财政局、发展改革委分别牵头，人力资源社会保障局、地税局等部门配合",
    "各县(区)人民政府，市级各部门负责落实，市政府新闻办配合", "攀枝花学院、攀枝花机电职业技术学院牵头落实",
    "市发展改革委、人力资源和社会保障局、财政局、金融办、人民银行攀枝花中心支行等部门按照职责分工分别牵头落实",
])
def test_agency_cells(text):
    assert is_agency_cell(text)
    assert classify_cell(text) == "agencies"


@pytest.mark.parametrize("text", [
    "由市国资委根据省国资委《关于推进省属企业信息公开的指导意见》出台市属企业信息公开指导意见，落实市属企业的信息公开工作",
    "市级有关行业主管部门应将对企业作出的行政许可准予、变更、延续、撤销以及行政处罚等信息通过行政权利公开透明运行平台进行归集",
    "研究制定完善市属国有企业信息公开有关制度",
    "全年工作",
])
def test_not_agency_cells(text):
    assert not is_agency_cell(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("以政务公开助力稳增长", True),
    ("推进“放管服”改革信息公开", True),
    ("推进发展新产业、培育新动能工作公开透明", True),
    ("推进就业创业信息公开。多形式、多渠道做好各项就业创业帮扶政策的公开和解读", False),
    ("落实好安全生产不良记录“黑名单”制度，并向社会公布", False),
    ("", False),
])
def test_heading_like(text, expected):
    assert is_heading_like(text) is expected


@pytest.mark.parametrize(("text", "kind"), [
    ("", "empty"),
    ("全年工作", "deadline"),
    ("市统计局牵头落实", "agencies"),
    ("加强预期引导", "heading"),
    ("做好双公示工作，完善行政处罚公示栏目，按时公布专利侵权纠纷行政处理决定、假冒专利行政处罚信息", "text"),
])
def test_classify_cell(text, kind):
    assert classify_cell(text) == kind


def test_regression_deadline_only_line_after_the_rows():
    doc = _inline("\n".join([
        HEADER,
        "60\t\t推进教育卫生计生等领域信息公开\t进一步推进教育监管信息公开，加大国家教育督导评估监测报告发布力度"
        "\t市教育体育局牵头落实",
        "61\t\t\t按照国家、省有关规定，有序公开全面改善贫困地区义务教育薄弱学校基本办学条件\t",
        "\t\t\t\t全年工作",
    ]))
    _, (first, second) = parse_scrambled_table(doc)
    assert first.deadline.text == "全年工作" and first.deadline.span.first == 4
    assert second.deadline.origin is Origin.INFERRED and second.deadline.carried_from_seq == 60
    assert second.alignment is Alignment.RECONSTRUCTED and second.confidence == pytest.approx(0.8)
