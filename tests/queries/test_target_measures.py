"""What a quantitative target measures (kg.normalise.targets): lines pasted from the corpus."""

from __future__ import annotations

import pytest

from kg.normalise.targets import find_targets


@pytest.mark.parametrize(("text", "expected"), [
    # 盘龙 2018 第29项 (楚雄 第26项 is the same): both limits of the first clause bound one action
    ("对涉及特别重大、重大突发事件的政务舆情，力争在3小时内、最迟不超过5小时发布权威信息，24小时内举行新闻发布会",
     [("3小时内", "发布权威信息"), ("最迟不超过5小时", "发布权威信息"), ("24小时内", "举行新闻发布会")]),
    # 攀枝花 2017 第116项 (corpus line 186): 、 before the next target ends the first action
    ("严格执行特别重大、重大突发事件最迟5小时内发布权威信息、24小时内举行新闻发布会，并根据进展情况，持续发布权威信息",
     [("最迟5小时", "发布权威信息"), ("24小时内", "举行新闻发布会")]),
    # 楚雄 2018 第32项: a share measures the words before it, lead-in 确保 dropped
    ("推动更多事项在网上办理，确保各级政府部门在线办理事项数量不少于入驻全省政务服务网上大厅事项总数的40%。",
     [("不少于入驻全省政务服务网上大厅事项总数的40%", "各级政府部门在线办理事项数量")]),
    # 五华 2019 第56项 (corpus line 466)
    ("严格按照国务院办公厅、省政府办公厅、市政府办公室要求,将政务公开纳入政府年度综合考评内容，分值权重不低于总分值的4%",
     [("不低于总分值的4%", "分值权重")]),
    # a count names what it counts after it (楚雄 第86项) …
    ("与经济发展、民生问题、社会管理密切相关的部门，年内至少开展1次政府开放日主题活动，强化政府与公众的互动交流",
     [("至少开展1次", "政府开放日主题活动")]),
    # … or, when nothing follows, the action before it (盘龙 第23项)
    ("与宏观经济和民生关系密切的区级有关部门主要负责同志，每年解读重要政策措施不少于1次",
     [("不少于1次", "每年解读重要政策措施")]),
    # a time limit: the action after it (盘龙 第21项)
    ("相关解读材料的公开，应于政策文件印发公开后3个工作日内在政府网站政策解读专栏发布，并在政务新媒体同步推送",
     [("3个工作日内", "在政府网站政策解读专栏发布")]),
])
def test_targets_say_what_they_measure(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(t.printed, t.measures) for t in find_targets(text)] == expected


def test_values_units_and_comparators_are_unchanged() -> None:
    [target] = find_targets("分值权重不低于总分值的4%")
    assert (target.comparator, target.value, target.unit) == ("at-least", 4.0, "%")


def test_measures_are_in_the_graph(built) -> None:
    from kg.query import as_table, run_query
    from kg.store import open_store

    rows = as_table(run_query(open_store(built.settings.store_path), """
        PREFIX zw: <https://w3id.org/zwgk/def#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?printed ?measures WHERE { ?r zw:sequenceNumber 35 ; zw:hasTarget ?t ; zw:inPlan ?plan .
          ?plan zw:region/skos:prefLabel "盘龙区"@zh .
          ?t zw:printedText ?printed ; zw:measures ?measures }""")).rows
    assert rows == [["不少于入驻区政务服务网上大厅事项总数的40%", "政府部门在线办理事项数量"]]
