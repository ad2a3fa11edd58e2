"""The site's own search index (kg/search.py): tokenising and sharding on real requirement texts, the index
written and read back, and the whole corpus build: every requirement that says 政策解读 is found."""

from __future__ import annotations

import json

import pytest

from kg.search import (
    KINDS, SearchEntry, bigrams, deltas, entries, find, index_terms, normalise, query_terms, shard_count,
    shard_of, term_hash, write_index,
)

# Real texts: corpus/shandong-jinan-huaiyin-2020-yaodian.txt lines 205 and 61, and a requirement of the
# synthetic benchmark corpus (a recombined corpus row).
HUAIYIN_205 = ("提高经济政策执行效果和发布质量,加强对基层一线政策执行人员的政策解读培训,确保减税降费等经济政策在"
               "实际执行环节不遗漏不走样,及时惠及市场主体。注重增强经济政策解读回应渠道的权威性,进一步提升解读回应实际效果。")
HUAIYIN_61 = ("(一)加强政府网站集约化建设。各街道办事处、区政府各部门要按要求做好区政府网站重点领域信息公开、政策解读、"
              "公众参与、建议提案办理、会议公开等专栏建设和内容维护,创新政务公开多元展现模式,并将法定公开内容全部公开到位。"
              "开展IPV6升级改造,区政府网站全面支持IPV6访问接入。")
OPINION = "积极稳妥做好突发事件舆情回应工作，及时准确发布权威信息"
# All three pairs of 政策解读 (政策 策解 解读), but not the phrase: found by the postings, dropped by the check.
NEAR_MISS = "加强重大决策解读，做好政策发布"
PLAN = "济南市槐荫区2020年政务公开工作要点"


def test_a_text_is_indexed_by_its_pairs_and_its_characters():
    text = "加强对基层一线政策执行人员的政策解读培训"
    pairs = bigrams(text)
    assert {"政策", "策解", "解读", "培训"} <= pairs
    assert len(pairs) == 18  # 20 characters, 19 pairs, 政策 twice
    assert index_terms(text) == pairs | set(text)


def test_punctuation_and_spaces_break_pairs():
    pairs = bigrams(normalise(OPINION))
    assert "工作" in pairs and "及时" in pairs
    assert not {p for p in pairs if "，" in p or "," in p}
    assert "作及" not in pairs  # the comma between 工作 and 及时 is not skipped over
    assert bigrams("政策 解读") == {"政策", "解读"}  # no pair across the space (策 解)


def test_full_width_letters_and_case_are_folded():
    assert normalise("开展ＩＰＶ６升级改造") == "开展ipv6升级改造"
    assert normalise("  政策\u3000解读\n培训 ") == "政策 解读 培训"
    assert "v6" in index_terms(HUAIYIN_61) and "ipv6" not in index_terms(HUAIYIN_61)


def test_a_query_word_is_looked_up_by_its_pairs_or_else_its_characters():
    assert query_terms("政策解读") == {"政策", "策解", "解读"}
    assert query_terms("国发〔2016〕55号") == {"国发", "20", "01", "16", "55", "5号"}
    assert query_terms("区") == {"区"}
    assert query_terms("《》") == set()


def test_term_hash_is_fnv1a_over_code_points():
    assert term_hash("a") == 0xE40C292C  # the published FNV-1a 32-bit value
    assert term_hash("政策") == term_hash("政策") != term_hash("策政")
    assert 0 <= shard_of("政策", 256) < 256


def test_shard_count_grows_in_powers_of_two_and_is_capped():
    assert shard_count(0) == 16
    assert shard_count(1_088_466) == 256  # the 100-plan benchmark site
    assert shard_count(10**12) == 4096


def test_ids_are_stored_as_gaps():
    assert deltas([3, 4, 10]) == [3, 1, 6]


@pytest.fixture
def small_index(tmp_path):
    folder = tmp_path / "search-index"
    found = [SearchEntry("id/plan/p.html", PLAN, "plan", "济南市槐荫区 · 2020"),
             SearchEntry("id/plan/p/requirement/1.html", f"{PLAN} 第1项", "requirement", HUAIYIN_205),
             SearchEntry("id/plan/p/requirement/2.html", f"{PLAN} 第2项", "requirement", HUAIYIN_61),
             SearchEntry("id/plan/p/requirement/3.html", f"{PLAN} 第3项", "requirement", NEAR_MISS),
             SearchEntry("id/plan/p/requirement/4.html", f"{PLAN} 第4项", "requirement", OPINION)]
    meta = write_index(folder, found)
    return folder, meta


def test_the_written_index_finds_exact_phrases_only(small_index):
    folder, meta = small_index
    assert meta["docs"] == 5 and meta["counts"] == {"plan": 1, "requirement": 4}
    hits, _ = find(folder, "政策解读")
    assert [h.url for h in hits] == ["id/plan/p/requirement/1.html", "id/plan/p/requirement/2.html"]
    near = json.loads((folder / "t" / f"{shard_of('策解', meta['termShards'])}.json").read_text("utf-8"))
    assert near["策解"] == [1, 1, 1]  # documents 1, 2 and 3 (the near miss) hold the pair


def test_every_word_must_occur_and_titles_count(small_index):
    folder, _ = small_index
    assert [h.url for h in find(folder, "槐荫 ipv6")[0]] == ["id/plan/p/requirement/2.html"]
    assert [h.kind for h in find(folder, "槐荫区")[0]] == ["plan"] + ["requirement"] * 4  # plans rank first
    assert find(folder, "舆情回应 政策解读")[0] == []


def test_entries_out_of_rank_order_are_refused(tmp_path):
    with pytest.raises(ValueError, match="out of rank order"):
        write_index(tmp_path / "x", [SearchEntry("r.html", "r", "requirement", ""),
                                     SearchEntry("p.html", "p", "plan", "")])


def test_kinds_are_labelled_as_the_pages_label_them():
    assert dict(KINDS)["requirement"] == "具体要求 Requirement"


MENTIONS = """PREFIX zw: <https://w3id.org/zwgk/def#>
SELECT DISTINCT ?req WHERE { ?req zw:requirementText ?text FILTER CONTAINS(?text, "政策解读") }"""


def test_the_corpus_index_finds_every_requirement_that_says_policy_interpretation(site_model, store, tmp_path):
    meta = write_index(tmp_path / "search-index", entries(site_model))
    assert meta["counts"]["plan"] == 5
    hits, _ = find(tmp_path / "search-index", "政策解读")
    found = {h.url.removesuffix(".html") for h in hits if h.kind == "requirement"}
    expected = {"id/" + s["req"].value.split("/id/", 1)[1]
                for s in store.query(MENTIONS, use_default_graph_as_union=True)}
    assert len(expected) == 29
    assert found == expected
    panlong = find(tmp_path / "search-index", "盘龙区2018年政务公开工作要点分工方案")[0]
    assert panlong[0].kind == "plan" and panlong[0].url == "id/plan/kunming-panlong-2018.html"
