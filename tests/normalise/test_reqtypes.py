"""Requirement types from keyword rules, on requirement texts pasted from the corpus."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from kg.errors import KgError
from kg.normalise.reqtypes import FALLBACK_TYPE, parse_rules, classify_requirement, load_rules, rule_types
from kg.reasoner import ONTOLOGY_FILES
from kg.vocab import ZWT

# (corpus file:line, requirement text, types it must get, types it must not get)
REAL_TEXTS = [
    ("yunnan-kunming-wuhua-2019-fengong.txt:42",
     "严格执行《五华区行政机关政策文件解读工作实施办法》，按照“谁起草、谁解读”原则，切实做到政策性文件与解读方案、"
     "解读材料同步组织、同步审签、同步部署，确保解读材料于政策文件公开后3个工作日内在政府网站政策解读专栏发布，"
     "并做好政策文件的相互链接",
     {"policy-interpretation", "government-website"}, set()),
    ("sichuan-panzhihua-2017-fengong.txt:76",
     "深入推进预决算公开，在本级政府或财政部门网站设立预决算公开统一专栏，集中公开政府预决算、部门预决算，"
     "对公开内容进行分类、分级，并实时更新完善，方便公众查阅和监督",
     {"budget", "government-website"}, set()),
    ("sichuan-panzhihua-2017-fengong.txt:187",
     "规范网站建设管理，各级政府办公室是本级政府网站建设管理的第一责任主体，负责本级政府门户网站建设以及对本地"
     "政府网站的监督和管理。做好日常监测和季度抽查，及时公开抽查情况和网站存在的突出问题",
     {"government-website"}, set()),
    ("sichuan-panzhihua-2017-fengong.txt:36",
     "加强市内外舆情的收集研判，客观及时、有说服力地发声，解疑释惑，澄清事实，预防涉及我市经济发展的不实信息"
     "误导广大群众，合理引导社会舆论和经济社会发展预期",
     {"public-concerns"}, set()),
    ("yunnan-chuxiong-2018-fengong.txt:240",
     "开展政务舆情应对工作效果评估，建立问责制度，对重大政务舆情处置不力、回应不妥当、报告不及时的涉事责任单位"
     "及有关责任人员，要予以通报批评或约谈整改。",
     {"public-concerns", "evaluation"}, set()),
    # 依申请公开 named only as one of the 公开属性: about deciding disclosure, not about handling requests
    ("yunnan-kunming-panlong-2018-fengong.txt:27",
     "区级各部门、各街道拟制公文时，应当明确主动公开、脱密后公开、依申请公开、删减后公开、不予公开等公开属性，"
     "随公文一并报本机关负责人审签；脱密后公开、依申请公开、删减后公开和不予公开的，要依法依规说明理由，"
     "公文审签前应先送本机关政务公开工作机构审查",
     {"confidentiality-review"}, {"on-request-disclosure"}),
    ("yunnan-chuxiong-2018-fengong.txt:606",
     "进一步规范依申请公开工作，建立健全接收、登记、办理、答复等流程，加强与法制部门沟通协调，确保各种答复合法"
     "规范，依法保障公民、法人和其他组织获取政府信息的权利。",
     {"on-request-disclosure"}, set()),
    # "除依法需要保密的以外" is the usual disclosure clause, not a confidentiality review
    ("yunnan-kunming-panlong-2018-fengong.txt:13",
     "将公开透明作为政府工作的基本要求，坚持公开为常态、不公开为例外，政府全体会议和常务会议讨论决定的事项、"
     "政府及其部门制定的政策，除依法需要保密的以外应及时公开，以促进依法行政和政策落地见效，充分保障人民群众的"
     "知情权、参与权、表达权和监督权",
     {"decision-disclosure"}, {"confidentiality-review"}),
    # 新媒体 is not the press
    ("sichuan-panzhihua-2017-fengong.txt:179",
     "要突出政务微博、微信、移动客户端等新媒体应用广泛的优势, 加强新媒体信息发布平台运用, 及时发布权威政务信息",
     {"new-media", "platforms"}, {"press-release"}),
    # the housing fund's annual report is not the open-government annual report
    ("sichuan-panzhihua-2017-fengong.txt:150", "定期公开住房公积金年度报告", {"housing-security"}, {"annual-report"}),
    ("yunnan-kunming-wuhua-2019-fengong.txt:596",
     "区级各部门在2019年12月15日前向区政府办公室提交本行政机关上一年度政府信息公开工作年度报告并向社会公布",
     {"annual-report"}, set()),
    ("yunnan-chuxiong-2018-fengong.txt:113",
     "按照国务院和省政府统一部署要求，制定出台全州推进重大建设项目批准和实施、公共资源配置、社会公益事业建设等"
     "重点领域政府信息公开的实施意见或方案",
     {"key-areas", "major-construction-projects", "public-resource-allocation",
      "social-welfare-undertakings"}, set()),
    ("sichuan-panzhihua-2017-fengong.txt:194",
     "加强政府热线电话管理，推进政府服务热线资源整合，积极探索公众参与新模式，积极适应互联网发展形势要求，不断"
     "拓展政府网站的民意征集、网民留言办理等互动功能，积极利用新媒体搭建公众参与新平台",
     {"hotline", "public-participation", "government-website", "new-media"}, set()),
    ("yunnan-chuxiong-2018-fengong.txt:662",
     "严格执行信息公开保密审查制度，对拟公开的政府信息，依法依规开展保密审查。重点做好对公开内容表述、公开时机、"
     "公开方式的研判，避免发生信息发布失信、影响社会稳定等问题。",
     {"confidentiality-review"}, {"management-disclosure"}),
]


@pytest.mark.parametrize(("where", "text", "must", "must_not"), REAL_TEXTS, ids=[r[0] for r in REAL_TEXTS])
def test_real_texts(where: str, text: str, must: set[str], must_not: set[str]) -> None:
    types = set(classify_requirement(text, ()))
    assert must <= types, f"{where}: missing {must - types}"
    assert not types & must_not, f"{where}: wrongly typed {types & must_not}"


def test_every_real_text_gets_a_real_type_not_the_fallback() -> None:
    for where, text, _, _ in REAL_TEXTS:
        assert FALLBACK_TYPE not in classify_requirement(text, ()), where


def test_innermost_heading_types_a_row_whose_text_names_no_topic() -> None:
    # 楚雄 row 79 (yunnan-chuxiong-2018-fengong.txt:578) under 加强政府信息依申请公开平台建设 (line 563)
    text = "加强与法制、信访、法院等部门和单位的协调联动，畅通内部工作流转与衔接。"
    assert classify_requirement(text, ()) == (FALLBACK_TYPE,)
    types = classify_requirement(text, ("着力推进政务公开制度化规范化", "加强政府信息依申请公开平台建设"))
    assert set(types) == {"on-request-disclosure", "platforms"}


def test_prose_plan_heading_names_two_of_the_five_publics() -> None:
    # 槐荫 attachment table (shandong-jinan-huaiyin-2020-yaodian.txt:235), under the heading printed as
    # 推进行政 / 管理和服务公开 on lines 231-233; 推进行政执行和结果公开 is the next heading (line 263)
    text = "编制行政机关机构职能目录。"
    types = classify_requirement(text, ("聚焦行政运行过程推进互动政务公开", "推进行政管理和服务公开"))
    assert set(types) == {"management-disclosure", "service-disclosure"}
    types = classify_requirement(text, ("聚焦行政运行过程推进互动政务公开", "推进行政执行和结果公开"))
    assert set(types) == {"implementation-disclosure", "result-disclosure"}


def test_outer_heading_alone_does_not_type_the_row() -> None:
    # 盘龙 row 2 (lines 17-22): the outer heading 着力加强公开解读回应工作 is too broad to type it
    text = "制定出台涉及公共利益、公众权益的政策文件，要对公开信息作出明确规定，使政策执行更加阳光透明"
    types = classify_requirement(text, ("着力加强公开解读回应工作", "围绕建设法治政府全面推进政务公开"))
    assert "policy-interpretation" not in types and "public-concerns" not in types
    inner = classify_requirement(text, ("着力加强公开解读回应工作", "围绕稳定市场预期加强政策解读"))
    assert "policy-interpretation" in inner


def test_text_broken_by_spaces_and_line_breaks_still_matches() -> None:
    # 攀枝花's PDF extraction breaks words: "人力资源 和社会保障局", "预决 算"
    assert "budget" in classify_requirement("深入推进预决 算公开，\n在本级政府网站设立专栏", ())


def test_types_come_once_each_in_rule_file_order() -> None:
    types = classify_requirement("做好政策解读，加强舆情回应，及时回应关切，深入解读政策", ())
    assert types == ("policy-interpretation", "public-concerns")


def test_no_rule_matches_gives_the_fallback() -> None:
    assert classify_requirement("", ()) == (FALLBACK_TYPE,)
    assert classify_requirement("请认真贯彻落实。", ("一、",)) == (FALLBACK_TYPE,)


# --- the rules file and the scheme -----------------------------------------------------------------
@pytest.fixture(scope="module")
def scheme_concepts() -> set[str]:
    graph = Graph().parse(ONTOLOGY_FILES[1])
    return {str(c).removeprefix(str(ZWT)) for c in graph.subjects(RDF.type, SKOS.Concept)}


def test_every_rule_type_is_a_concept_of_the_scheme(scheme_concepts: set[str]) -> None:
    assert rule_types() - scheme_concepts == set()


def test_every_concept_of_the_scheme_has_a_rule(scheme_concepts: set[str]) -> None:
    assert scheme_concepts - rule_types() == set()


def test_rules_file_rows_are_well_formed() -> None:
    text = resources.files("kg.data").joinpath("requirement-type-rules.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == len(load_rules()) >= 60
    assert {row["applies_to"] for row in rows} == {"text", "group"}


def test_a_bad_rule_is_a_kg_error_naming_its_line() -> None:
    with pytest.raises(KgError, match=r"requirement-type-rules.csv:3: bad pattern"):
        parse_rules("type,pattern,applies_to,note\nbudget,预算,text,\nbudget,预算(,text,\n")
    with pytest.raises(KgError, match=r"requirement-type-rules.csv:2: need"):
        parse_rules("type,pattern,applies_to,note\nbudget,预算,title,\n")
