"""Agency cells from the five plans: roles from verbs, prefix distribution, collectives, canonical names."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.normalise.agencies import canonical_name, is_collective, read_agency_cell
from kg.normalise.model import Region, Role
from kg.parse.model import Cell, Origin, Span

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PANLONG = "yunnan-kunming-panlong-2018-fengong.txt"
WUHUA = "yunnan-kunming-wuhua-2019-fengong.txt"
CHUXIONG = "yunnan-chuxiong-2018-fengong.txt"
PANZHIHUA = "sichuan-panzhihua-2017-fengong.txt"
HUAIYIN = "shandong-jinan-huaiyin-2020-yaodian.txt"

REGIONS = {
    PANLONG: Region("盘龙区", "county", ("云南省", "昆明市"), "530103", "kunming-panlong"),
    WUHUA: Region("五华区", "county", ("云南省", "昆明市"), "530102", "kunming-wuhua"),
    CHUXIONG: Region("楚雄州", "prefecture", ("云南省",), "5323", "yunnan-chuxiong"),
    PANZHIHUA: Region("攀枝花市", "prefecture", ("四川省",), "5104", "sichuan-panzhihua"),
    HUAIYIN: Region("槐荫区", "county", ("山东省", "济南市"), "370104", "jinan-huaiyin"),
}

L, J, R, C, G = Role.LEAD, Role.JOINT_LEAD, Role.RESPONSIBLE, Role.COOPERATING, Role.GUIDING

# (plan, line, cell as printed, [(name, printed, role, collective)])
CASES = [
    (PANLONG, 14, "区政府办牵头，区级各部门、各街道办事处分别负责落实", [
        ("区政府办公室", "区政府办", L, False), ("区级各部门", "区级各部门", R, True),
        ("各街道办事处", "各街道办事处", R, True)]),
    (PANLONG, 35, "区政府办公室牵头，各街道办事处分别负责落实", [
        ("区政府办公室", "区政府办公室", L, False), ("各街道办事处", "各街道办事处", R, True)]),
    (PANLONG, 73, "区委编办牵头，区级各部门、各街道办事处分别负责落实", [
        ("区委编办", "区委编办", L, False), ("区级各部门", "区级各部门", R, True),
        ("各街道办事处", "各街道办事处", R, True)]),
    (PANLONG, 546, "区编办牵头，区级各部门、各街道办事处分别负责落实", [
        ("区委编办", "区编办", L, False), ("区级各部门", "区级各部门", R, True),
        ("各街道办事处", "各街道办事处", R, True)]),
    (PANLONG, 87, "区市监局落实", [("区市场监管局", "区市监局", R, False)]),
    (PANLONG, 94, "区级各行政执法机关分别负责落实", [("区级各行政执法机关", "区级各行政执法机关", R, True)]),
    (PANLONG, 118, "区政府办牵头，区级相关部门按工作职责分工分别落实", [
        ("区政府办公室", "区政府办", L, False), ("区级相关部门", "区级相关部门", R, True)]),
    (PANLONG, 172, "区扶贫办、区民政局、区市监局、区环保局按职能分别落实", [
        ("区扶贫办", "区扶贫办", R, False), ("区民政局", "区民政局", R, False),
        ("区市场监管局", "区市监局", R, False), ("区环境保护局", "区环保局", R, False)]),
    (PANLONG, 288, "区新闻中心牵头，区级有关部门、各街道办事处分别负责落实", [
        ("区新闻中心", "区新闻中心", L, False), ("区级有关部门", "区级有关部门", R, True),
        ("各街道办事处", "各街道办事处", R, True)]),
    (PANLONG, 306, "区政府办", [("区政府办公室", "区政府办", R, False)]),
    (PANLONG, 349, "区委编办、区政务局、区发改局牵头，区级各部门、各街道办事处分别负责落实", [
        ("区委编办", "区委编办", L, False), ("区政务局", "区政务局", L, False),
        ("区发展改革局", "区发改局", L, False), ("区级各部门", "区级各部门", R, True),
        ("各街道办事处", "各街道办事处", R, True)]),
    (PANLONG, 374, "区政务局牵头，区级各相关部门分别负责落实", [
        ("区政务局", "区政务局", L, False), ("区级各相关部门", "区级各相关部门", R, True)]),
    (PANLONG, 443, "区委编办牵头,区级各部门分别落实", [
        ("区委编办", "区委编办", L, False), ("区级各部门", "区级各部门", R, True)]),
    (PANLONG, 500, "区委编办、区政务局、区发改局", [
        ("区委编办", "区委编办", R, False), ("区政务局", "区政务局", R, False),
        ("区发展改革局", "区发改局", R, False)]),
    (PANLONG, 535, "区住建局、区发改局牵头，区级相关部门依职责落实", [
        ("区住房城乡建设局", "区住建局", L, False), ("区发展改革局", "区发改局", L, False),
        ("区级相关部门", "区级相关部门", R, True)]),
    # a name without prefix between prefixed ones takes the 区 of the list
    (PANLONG, 986, "区教育局、区环保局、区文体旅局、卫计局、区住建局分别落实", [
        ("区教育局", "区教育局", R, False), ("区环境保护局", "区环保局", R, False),
        ("区文体旅局", "区文体旅局", R, False), ("区卫计局", "区卫计局", R, False),
        ("区住房城乡建设局", "区住建局", R, False)]),
    (WUHUA, 36, "区政府各部门分别负责落实", [("区政府各部门", "区政府各部门", R, True)]),
    (WUHUA, 63, "区委网信办加强对主管部门指导，区政府各部门负责落实", [
        ("区委网信办", "区委网信办", G, False), ("区政府各部门", "区政府各部门", R, True)]),
    (WUHUA, 98, "区委网信办加强对主管部门指导，区政府涉及主管部门负责落实", [
        ("区委网信办", "区委网信办", G, False), ("区政府涉及主管部门", "区政府涉及主管部门", R, True)]),
    (WUHUA, 91, "区政府新闻办会同区政府办共同牵头，区级各部门分别负责落实", [
        ("区政府新闻办", "区政府新闻办", L, False), ("区政府办公室", "区政府办", J, False),
        ("区级各部门", "区级各部门", R, True)]),
    (CHUXIONG, 30, "各县市人民政府，州直各部门负责落实", [
        ("各县市人民政府", "各县市人民政府", R, True), ("州直各部门", "州直各部门", R, True)]),
    (CHUXIONG, 51, "州政府办公室、各县市政府办公室分别负责落实", [
        ("州政府办公室", "州政府办公室", R, False), ("各县市人民政府办公室", "各县市政府办公室", R, True)]),
    (CHUXIONG, 100, "各行政执法机关负责落实", [("各行政执法机关", "各行政执法机关", R, True)]),
    (PANZHIHUA, 37, "市财政局牵头落实", [("市财政局", "市财政局", L, False)]),
    (PANZHIHUA, 39, "市审计局落实", [("市审计局", "市审计局", R, False)]),
    (PANZHIHUA, 44, "市财政局、发展改革委分别牵头，人力资源社会保障局、地税局等部门配合", [
        ("市财政局", "市财政局", L, False), ("市发展改革委", "市发展改革委", L, False),
        ("市人力资源和社会保障局", "市人力资源社会保障局", C, False), ("市地税局", "市地税局", C, False)]),
    (PANZHIHUA, 50, "市发展改革委、公共资源交易中心牵头，会同市农牧局、林业局、水务局、环保局等部门落实", [
        ("市发展改革委", "市发展改革委", L, False), ("市公共资源交易中心", "市公共资源交易中心", L, False),
        ("市农牧局", "市农牧局", J, False), ("市林业局", "市林业局", J, False),
        ("市水务局", "市水务局", J, False), ("市环境保护局", "市环保局", J, False)]),
    (PANZHIHUA, 120, "攀枝花学院、攀枝花机电职业技术学院牵头落实", [
        ("攀枝花学院", "攀枝花学院", L, False),
        ("攀枝花机电职业技术学院", "攀枝花机电职业技术学院", L, False)]),
    (PANZHIHUA, 131, "市食品药品监督管理局牵头，各县（区）政府落实", [
        ("市食品药品监督管理局", "市食品药品监督管理局", L, False),
        ("各县（区）人民政府", "各县（区）政府", R, True)]),
    (PANZHIHUA, 159, "各县(区)人民政府， 市级各部门负责落实", [
        ("各县（区）人民政府", "各县(区)人民政府", R, True), ("市级各部门", "市级各部门", R, True)]),
    (PANZHIHUA, 168, "各县(区)人民政府， 市级各部门负责落实， 市政府新闻办配合", [
        ("各县（区）人民政府", "各县(区)人民政府", R, True), ("市级各部门", "市级各部门", R, True),
        ("市政府新闻办", "市政府新闻办", C, False)]),
    (HUAIYIN, 157, "区人力资源社会保障局、区教育和体育局、区退役军人局、各街道办事处", [
        ("区人力资源和社会保障局", "区人力资源社会保障局", R, False),
        ("区教育和体育局", "区教育和体育局", R, False), ("区退役军人局", "区退役军人局", R, False),
        ("各街道办事处", "各街道办事处", R, True)]),
    (HUAIYIN, 249, "区政府有关部门、各街道办事处", [
        ("区政府有关部门", "区政府有关部门", R, True), ("各街道办事处", "各街道办事处", R, True)]),
]


def _expect(cell_text: str, plan: str) -> list[tuple[str, str, Role, bool]]:
    mentions = read_agency_cell(Cell(cell_text, Span(1, 1)), REGIONS[plan])
    return [(m.name, m.printed, m.role, m.collective) for m in mentions]


@pytest.mark.parametrize(("plan", "line", "text", "expected"), CASES,
                         ids=[f"{plan.split('-')[-3]}-{line}" for plan, line, _, _ in CASES])
def test_agency_cell(plan: str, line: int, text: str, expected: list) -> None:
    assert _expect(text, plan) == expected


@pytest.mark.parametrize(("plan", "line", "text"), [(p, n, t) for p, n, t, _ in CASES])
def test_cases_are_printed_in_the_corpus(plan: str, line: int, text: str) -> None:
    printed = (CORPUS / plan).read_text(encoding="utf-8").split("\n")[line - 1]
    assert text in printed


def test_prefix_distributes_over_a_list_chuxiong_line_128() -> None:
    # 楚雄 128 (domain guide): "州发改委、国土局、政管局牵头落实" names 州发改委, 州国土局, 州政管局
    mentions = _expect("州发改委、国土局、政管局牵头落实", CHUXIONG)
    assert [(printed, role) for _, printed, role, _ in mentions] == [
        ("州发改委", L), ("州国土局", L), ("州政管局", L)]
    assert [name for name, *_ in mentions] == ["州发展改革委", "州国土资源局", "州政管局"]


def test_prefix_does_not_distribute_over_complete_names_panzhihua_line_28() -> None:
    # 攀枝花 28: the PDF put spaces inside the names; 人民银行攀枝花中心支行 takes no 市
    text = "市发展改革委、人力资源 和社会保障局、财 政局、金融办、人 民银行攀枝花中心 支行等部门按照职 责分工分别牵头落 实"
    assert text in (CORPUS / PANZHIHUA).read_text(encoding="utf-8")
    assert _expect(text, PANZHIHUA) == [
        ("市发展改革委", "市发展改革委", L, False),
        ("市人力资源和社会保障局", "市人力资源和社会保障局", L, False),
        ("市财政局", "市财政局", L, False), ("市金融办", "市金融办", L, False),
        ("人民银行攀枝花中心支行", "人民银行攀枝花中心支行", L, False)]


def test_generic_tail_after_deng_is_kept_only_as_a_collective() -> None:
    # 楚雄 114: "等州直各有关部门" names a collective; 攀枝花 44: "等部门" names nobody
    mentions = _expect("州政府办公室，州发改委、财政局、民政局、政管局等州直各有关部门按职责分工分别落实", CHUXIONG)
    assert [printed for _, printed, _, _ in mentions] == [
        "州政府办公室", "州发改委", "州财政局", "州民政局", "州政管局", "州直各有关部门"]
    assert mentions[-1][3] is True
    assert "部门" not in [printed for _, printed, _, _ in _expect("市财政局、地税局等部门配合", PANZHIHUA)]


def test_bare_place_borrows_the_office_of_the_next_item() -> None:
    # 楚雄 635: "楚雄市、姚安县人民政府" are two governments, and neither takes the 州 prefix
    mentions = _expect("州政府办公室牵头，州直有关部门，楚雄市、姚安县人民政府负责落实", CHUXIONG)
    assert [(name, role, coll) for name, _, role, coll in mentions] == [
        ("州政府办公室", L, False), ("州直有关部门", R, True),
        ("楚雄市人民政府", R, False), ("姚安县人民政府", R, False)]


def test_he_separates_only_after_a_complete_name() -> None:
    # 五华: "区委网信办和区科信局" are two; 攀枝花 195: "市政府新闻办和政务服务中心" are two, prefix distributed
    assert [n for n, *_ in _expect("区委网信办和区科信局牵头，区政府各部门分别负责落实，做到谁发布、谁负责", WUHUA)] == [
        "区委网信办", "区科信局", "区政府各部门"]
    text = "市电子政务办、市政府新闻办和政务服务中心按照职责分工分别牵头落实各县（区）人民政府、市级各部门负责落实"
    assert [(n, role) for n, _, role, _ in _expect(text, PANZHIHUA)] == [
        ("市电子政务办", L), ("市政府新闻办", L), ("市政务服务中心", L),
        ("各县（区）人民政府", R), ("市级各部门", R)]


def test_scrambled_task_heading_in_the_agency_column_is_no_agency() -> None:
    # 攀枝花 57: the extraction put the task heading in the 牵头落实单位 column
    assert _expect("以政务公开助力促改革", PANZHIHUA) == []
    assert _expect("全年工作", PANZHIHUA) == []


def test_same_name_in_two_regions_stays_the_same_name() -> None:
    # 盘龙 101 and 五华 both print 区财政局: the region, not the name, tells them apart
    panlong = read_agency_cell(Cell("区财政局牵头，区级各部门、各街道办事处分别负责落实", Span(101, 101)),
                               REGIONS[PANLONG])
    wuhua = read_agency_cell(Cell("区财政局牵头落实", Span(1, 1)), REGIONS[WUHUA])
    assert panlong[0].name == wuhua[0].name == "区财政局"


def test_carried_cell_keeps_its_origin() -> None:
    cell = Cell("区政府办牵头，区级各部门分别负责落实", Span(185, 185), Origin.INFERRED, carried_from_seq=20)
    assert {m.origin for m in read_agency_cell(cell, REGIONS[PANLONG])} == {Origin.INFERRED}


@pytest.mark.parametrize(("printed", "canonical"), [
    ("区政府办", "区政府办公室"), ("区政府办公室", "区政府办公室"), ("市政府办", "市政府办公室"),
    ("区编办", "区委编办"), ("区委编办", "区委编办"), ("区市监局", "区市场监管局"),
    ("区人社局", "区人力资源和社会保障局"), ("各县(区)政府", "各县（区）人民政府"), ("区财政局", "区财政局"),
])
def test_canonical_name(printed: str, canonical: str) -> None:
    assert canonical_name(printed) == canonical


@pytest.mark.parametrize("name", ["区级各部门", "各街道办事处", "区政府各部门", "州直各部门", "各县市人民政府",
                                  "市级各部门", "各行政执法机关", "区级相关部门", "区级有关部门", "各县（区）人民政府"])
def test_collectives(name: str) -> None:
    assert is_collective(name)


@pytest.mark.parametrize("name", ["区财政局", "区政府办公室", "人民银行攀枝花中心支行", "攀枝花学院", "区新闻中心"])
def test_single_agencies_are_no_collectives(name: str) -> None:
    assert not is_collective(name)
