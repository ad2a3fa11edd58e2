"""Facts read from the five real plans, checked on the built graph through queries/requirements.rq."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

PLAN_TITLES = {
    "panlong": "盘龙区2018年政务公开工作要点分工方案",
    "chuxiong": "楚雄州贯彻落实省政府办公厅2018年政务公开工作要点分工方案",
    "wuhua": "五华区2019年政务公开工作要点分工方案",
    "huaiyin": "2020年槐荫区政务公开工作要点",
    "panzhihua": "攀枝花市2017年政务公开工作分工方案",
}


@pytest.fixture(scope="module")
def rows_by_plan(requirement_rows) -> dict[str, list[dict[str, str]]]:
    by_title = defaultdict(list)
    for row in requirement_rows:
        by_title[row["planTitle"]].append(row)
    return {key: by_title[title] for key, title in PLAN_TITLES.items()}


def seqs(rows) -> list[int]:
    return [int(r["seq"]) for r in rows if r["seq"]]


def row(rows, seq: int) -> dict[str, str]:
    (found,) = [r for r in rows if r["seq"] == str(seq)]
    return found


def test_requirements_query_has_exactly_the_documented_columns(requirement_rows):
    assert list(requirement_rows[0]) == ["plan", "planTitle", "seq", "text", "leadAgencies", "otherAgencies",
                                         "deadline"]


def test_five_plans_are_built(rows_by_plan):
    assert all(rows_by_plan[key] for key in PLAN_TITLES), {k: len(v) for k, v in rows_by_plan.items()}


def test_panlong_has_92_numbered_requirements_in_order(rows_by_plan):
    assert seqs(rows_by_plan["panlong"]) == list(range(1, 93))


def test_chuxiong_has_95_numbered_requirements(rows_by_plan):
    assert seqs(rows_by_plan["chuxiong"]) == list(range(1, 96))


def test_wuhua_has_74_requirements_skipping_60_to_63(rows_by_plan):
    numbers = seqs(rows_by_plan["wuhua"])
    assert len(numbers) == 74
    assert numbers == [n for n in range(1, 79) if n not in (60, 61, 62, 63)]


def test_huaiyin_has_35_unnumbered_requirements_without_deadline(rows_by_plan):
    rows = rows_by_plan["huaiyin"]
    assert len(rows) == 35
    assert all(r["seq"] == "" and r["deadline"] == "" and r["text"] for r in rows)


def test_panzhihua_is_numbered_to_134_without_123(rows_by_plan):
    numbers = seqs(rows_by_plan["panzhihua"])
    assert numbers == [n for n in range(1, 135) if n != 123]  # 134 is the last line, with no final newline


def test_every_row_keeps_document_order(rows_by_plan):
    for key in ("panlong", "chuxiong", "wuhua", "panzhihua"):
        numbers = seqs(rows_by_plan[key])
        assert numbers == sorted(numbers), key


def test_panlong_row_1_lead_and_others(rows_by_plan):
    r = row(rows_by_plan["panlong"], 1)
    assert r["text"].startswith("将公开透明作为政府工作的基本要求")
    assert r["leadAgencies"] == "区政府办公室"
    assert set(r["otherAgencies"].split("；")) == {"区级各部门", "各街道办事处"}
    assert r["deadline"] == "全年工作"


def test_panlong_row_2_carries_lead_and_deadline_from_row_1(rows_by_plan):
    r = row(rows_by_plan["panlong"], 2)
    assert r["text"].startswith("制定出台涉及公共利益、公众权益的政策文件")
    assert r["leadAgencies"] == "区政府办公室"
    assert r["deadline"] == "全年工作"


def test_panlong_row_15_prints_its_own_deadline(rows_by_plan):
    r = row(rows_by_plan["panlong"], 15)
    assert r["deadline"] == "省、市有关文件出台后"
    assert r["leadAgencies"] == "区财政局"


def test_panlong_row_10_after_event_and_responsible_only(rows_by_plan):
    r = row(rows_by_plan["panlong"], 10)
    assert r["leadAgencies"] == ""
    assert r["otherAgencies"] == "区市场监管局"  # printed 区市监局
    assert r["deadline"] == "省、市有关文件出台后"


def test_chuxiong_prefix_distributes_over_the_list(rows_by_plan):
    # printed "州发改委、国土局、政管局牵头落实": the 州 prefix distributes; abbreviations become altLabels
    leads = [set(r["leadAgencies"].split("；")) for r in rows_by_plan["chuxiong"]]
    assert {"州发展改革委", "州国土资源局", "州政管局"} in leads


def test_wuhua_row_1(rows_by_plan):
    r = row(rows_by_plan["wuhua"], 1)
    assert r["text"].startswith("围绕2019年全区经济社会发展总体要求和主要预期目标")
    assert r["otherAgencies"] == "区政府各部门"
    assert r["deadline"] == "全年工作"


def test_panzhihua_rows_1_to_6_get_the_texts_printed_apart(rows_by_plan):
    rows = rows_by_plan["panzhihua"]
    assert row(rows, 1)["text"].startswith("加强政务信息主动公开，定期发布全市经济社会发展信息")
    assert row(rows, 4)["text"].startswith("按月公开财政收支情况")
    assert row(rows, 4)["leadAgencies"] == "市财政局"
    assert row(rows, 6)["text"].startswith("全面公开审计法律法规规章")


def test_panzhihua_row_8_prints_a_dated_deadline(rows_by_plan):
    r = row(rows_by_plan["panzhihua"], 8)
    assert r["text"] == "市地税局在政府门户网站开设减税降费信息公开专栏"
    assert r["leadAgencies"] == "市地税局"
    assert r["deadline"] == "2017年7月底前"


def test_huaiyin_first_requirement(rows_by_plan):
    r = rows_by_plan["huaiyin"][0]
    assert r["text"].startswith("围绕区委“1+543”工作部署")
    assert set(r["otherAgencies"].split("；")) == {"区政府各部门", "各街道办事处"}


def test_no_requirement_text_contains_a_tab_or_blank_line(requirement_rows):
    assert not [r for r in requirement_rows if "\t" in r["text"] or "\n\n" in r["text"]]


def test_counts_per_plan(rows_by_plan):
    counts = Counter({k: len(v) for k, v in rows_by_plan.items()})
    assert counts == {"panlong": 92, "chuxiong": 95, "wuhua": 74, "huaiyin": 35, "panzhihua": 133}
