"""Which plans are compared (kg.compare.select_pairs): a plan and the plan it implements, and each plan with
its nearest siblings, so that comparisons grow with the number of plans and not its square."""

from __future__ import annotations

import zlib
from dataclasses import replace

import pytest

from kg.compare import (IMPLEMENTS_THE_OTHER, SAME_IMPLEMENTED_DOCUMENT, PartnerRule, Relation, Thresholds,
                        comparable_text, compare_pair, load_partner_rule, pair_requirements, plan_sketch,
                        requirement_bigrams, select_pairs)
from kg.normalise.model import DocumentNumber, DocumentReference, LiftedPlan, Region
from tests.conftest import CHUXIONG, HUAIYIN, PANLONG, PANZHIHUA, WUHUA

GUOBANFA_2017_24 = DocumentReference(number=DocumentNumber("国办发", 2017, 24), title=None,
                                     printed="国办发〔2017〕24号", issuer_by_code="国务院办公厅",
                                     issuer_in_title=None, issuer_conflict=False)


@pytest.fixture(scope="module")
def plans(built) -> dict[str, LiftedPlan]:
    return {name: built.plans[path.name] for name, path in
            (("panlong", PANLONG), ("chuxiong", CHUXIONG), ("wuhua", WUHUA), ("huaiyin", HUAIYIN),
             ("panzhihua", PANZHIHUA))}


def slugs(pairs) -> list[tuple[str, str]]:
    return [(a.slug, b.slug) for a, b in pairs]


def moved(plan: LiftedPlan, slug: str, year: int = 2018, region: Region | None = None, **changes) -> LiftedPlan:
    """The plan as if another region (of 云南 by default: 盘龙's region) had printed it in ``year``."""
    return replace(plan, slug=slug, year=year, region=region or plan.region, **changes)


def test_the_corpus_compares_panlong_and_chuxiong_only(plans) -> None:
    assert slugs(select_pairs(list(plans.values()))) == [("kunming-panlong-2018", "yunnan-chuxiong-2018")]


def test_partner_rule_is_data() -> None:
    rule = load_partner_rule()
    assert rule.nearest == 3 and rule.divide_above == 200 and rule.sketch_one_in == 8


def test_a_group_of_nearest_plus_one_is_compared_pair_by_pair(plans) -> None:
    # 云南 2018: 盘龙, 楚雄 and two plans printed there that year (五华's and 淮阴's texts): 4 = 3 + 1 plans
    region = plans["panlong"].region
    group = [plans["panlong"], plans["chuxiong"], moved(plans["wuhua"], "kunming-a-2018", region=region),
             moved(plans["huaiyin"], "kunming-b-2018", region=region)]
    assert len(select_pairs(group)) == 6


def test_in_a_larger_group_each_plan_meets_its_nearest_siblings(plans) -> None:
    # five plans of 云南 2018 (implementing nothing in common); a near copy of 盘龙 (its first 80 rows) is
    # 盘龙's nearest sibling
    region = plans["panlong"].region
    copy = moved(plans["panlong"], "kunming-copy-2018", requirements=plans["panlong"].requirements[:80])
    group = [replace(plan, implements=()) for plan in (
        plans["panlong"], plans["chuxiong"], copy, moved(plans["wuhua"], "kunming-a-2018", region=region),
        moved(plans["huaiyin"], "kunming-b-2018", region=region))]
    rule = PartnerRule(nearest=1, divide_above=200, sketch_one_in=1)
    pairs = slugs(select_pairs(group, rule))
    assert ("kunming-copy-2018", "kunming-panlong-2018") in pairs
    assert len(pairs) <= len(group)  # each plan chose one sibling
    assert {slug for pair in pairs for slug in pair} == {p.slug for p in group}  # and each was chosen
    assert pairs == slugs(select_pairs(list(reversed(group)), rule))  # whatever the order of the documents
    assert len(select_pairs(group, replace(rule, nearest=3))) < 10  # not all 10 pairs of five plans


def test_a_plan_is_compared_with_the_plan_it_implements(plans) -> None:
    # 五华 2019 implements 昆明's 分工方案 (昆政办〔2019〕85号), which the corpus lacks. Had 五华 implemented
    # 槐荫's 要点 (its notice: 槐政办发〔2020〕1号), the two would be compared, though of other provinces and years
    huaiyin = plans["huaiyin"]
    assert huaiyin.notice_number is not None and huaiyin.notice_number.printed.endswith("（槐政办发〔2020〕1号）")
    child = replace(plans["wuhua"], implements=(*plans["wuhua"].implements, huaiyin.notice_number))
    assert compare_pair(plans["wuhua"], huaiyin) is None
    comparison = compare_pair(child, huaiyin)
    assert comparison is not None and comparison.bases == (IMPLEMENTS_THE_OTHER,)
    assert slugs(select_pairs([child, huaiyin, plans["panzhihua"]], PartnerRule(1, 2, 8))) == \
        [("jinan-huaiyin-2020", "kunming-wuhua-2019")]


def test_a_very_large_group_is_compared_within_each_province(plans) -> None:
    # 盘龙, 楚雄 (云南) and 攀枝花 (四川) implementing 国办发〔2017〕24号 in three different years
    group = [replace(plans["panlong"], implements=(GUOBANFA_2017_24,)),
             replace(plans["chuxiong"], year=2019, implements=(GUOBANFA_2017_24,)),
             replace(plans["panzhihua"], implements=(GUOBANFA_2017_24,))]
    assert len(select_pairs(group, PartnerRule(nearest=2, divide_above=3, sketch_one_in=8))) == 3
    pairs = select_pairs(group, PartnerRule(nearest=1, divide_above=2, sketch_one_in=8))
    assert slugs(pairs) == [("kunming-panlong-2018", "yunnan-chuxiong-2018")]
    assert compare_pair(*pairs[0]).bases == (SAME_IMPLEMENTED_DOCUMENT,)


def _with_texts(plan: LiftedPlan, *texts: str) -> LiftedPlan:
    """The plan with its first requirements' texts replaced by ``texts`` (and only those requirements)."""
    reqs = [replace(r, row=replace(r.row, text=replace(r.row.text, text=t)))
            for r, t in zip(plan.requirements, texts)]
    return replace(plan, requirements=tuple(reqs))


def test_a_score_at_the_changed_threshold_is_kept_by_the_size_filter(plans) -> None:
    # 3 of 10 bigrams shared: 0.300, exactly `changed`, though the sizes differ by 3 to 10
    a = _with_texts(plans["panlong"], "政务公开")
    b = _with_texts(plans["chuxiong"], "政务公开工作要点分工方")
    pairs, unmatched = pair_requirements(a, b, Thresholds("test", 0.9, 0.3))
    assert [(p.similarity, p.relation) for p in pairs] == [(0.3, Relation.CHANGED)] and not unmatched
    # 2 of 7: 0.286, below
    c = _with_texts(plans["chuxiong"], "政务公开工作要点")
    pairs, unmatched = pair_requirements(_with_texts(plans["panlong"], "政务公"), c, Thresholds("t", 0.9, 0.3))
    assert not pairs and len(unmatched) == 2


def test_comparable_text_drops_whitespace_and_punctuation() -> None:
    # 盘龙 2018 第59项 prints “政府网站集约化” with quotes in some plans
    assert comparable_text(" 推进“政府网站集约化”建设，\t加强管理。") == "推进政府网站集约化建设加强管理"


def test_a_sketch_is_the_sampled_bigrams_of_every_requirement_text(plans) -> None:
    # the sketch is gathered in one pass over the texts; it must hold what its definition says: the union of
    # the requirements' bigram sets, one bigram in eight kept by CRC-32
    for plan in plans.values():
        whole = frozenset().union(*(grams for _, grams in requirement_bigrams(plan)))
        sampled = {gram for gram in whole if zlib.crc32(gram.encode("utf-8")) % 8 == 0}
        assert plan_sketch(plan, 8) == sampled and 0 < len(sampled) < len(whole) / 4
    assert len(plan_sketch(plans["panlong"], 1)) == len(frozenset().union(
        *(grams for _, grams in requirement_bigrams(plans["panlong"])))) > 1000
