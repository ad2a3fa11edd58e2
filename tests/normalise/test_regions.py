"""Regions from plan titles and issuers: the five corpus plans, and the general rule for unseen plans."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kg.errors import NormaliseError
from kg.normalise.model import Region
from kg.normalise.regions import identify_region
from kg.normalise.slugs import slugify, word_slug

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("title", "issuer", "expected"), [
    ("盘龙区2018年政务公开工作要点分工方案", None,
     Region("盘龙区", "county", ("云南省", "昆明市"), "530103", "kunming-panlong")),
    # year first
    ("2020年槐荫区政务公开工作要点", "槐荫区人民政府办公室",
     Region("槐荫区", "county", ("山东省", "济南市"), "370104", "jinan-huaiyin")),
    ("五华区2019年政务公开工作要点分工方案", "昆明市五华区人民政府办公室",
     Region("五华区", "county", ("云南省", "昆明市"), "530102", "kunming-wuhua")),
    # 省政府办公厅 later in the title is not a region inside 楚雄州
    ("楚雄州贯彻落实省政府办公厅2018年政务公开工作要点分工方案", "楚雄州人民政府办公室",
     Region("楚雄州", "prefecture", ("云南省",), "532300", "yunnan-chuxiong")),
    # spaces from the PDF extraction
    ("攀枝花市 2017 年政务公开工作分工方案", "攀枝花市人民政府办公室",
     Region("攀枝花市", "prefecture", ("四川省",), "510400", "sichuan-panzhihua")),
])
def test_corpus_plans(title: str, issuer: str | None, expected: Region) -> None:
    assert identify_region(title, issuer) == expected


def test_corpus_titles_are_printed() -> None:
    readme = (ROOT / "corpus" / "README.md").read_text(encoding="utf-8")
    for title in ("盘龙区2018年政务公开工作要点分工方案", "2020年槐荫区政务公开工作要点",
                  "五华区2019年政务公开工作要点分工方案", "楚雄州贯彻落实省政府办公厅2018年政务公开工作要点分工方案"):
        assert title in readme


def test_full_name_of_a_known_region() -> None:
    assert identify_region("楚雄彝族自治州2019年政务公开工作要点", None).code == "532300"


@pytest.mark.parametrize(("title", "issuer", "name", "level", "parents", "slug"), [
    # an unseen district of a known city inherits the city's parents; no code
    ("昆明市西山区2019年政务公开工作要点", None, "西山区", "county", ("云南省", "昆明市"), "kunming-xishan"),
    # nothing in the title: the issuer names the region
    ("2019年政务公开工作要点", "宾川县人民政府办公室", "宾川县", "county", (), "binchuan"),
    ("关于印发某某旗2021年政务公开工作要点的通知", None, "某某旗", "county", (), "moumou"),
    # a 市 inside a 州 is a county-level city
    ("楚雄州楚雄市2019年政务公开要点", None, "楚雄市", "county", ("云南省", "楚雄州"), "chuxiong-chuxiong"),
    ("大理白族自治州2019年政务公开工作要点", None, "大理白族自治州", "prefecture", (), "dalibaizu"),
])
def test_unseen_plans(title: str, issuer: str | None, name: str, level: str, parents: tuple,
                     slug: str) -> None:
    region = identify_region(title, issuer)
    assert (region.name, region.level, region.parents, region.code, region.slug) == (
        name, level, parents, None, slug)


def test_no_region_raises() -> None:
    with pytest.raises(NormaliseError):
        identify_region("政务公开工作要点", None)


def test_slugs_are_ascii() -> None:
    assert slugify("区财政局") == "qu-cai-zheng-ju"
    assert word_slug("国办发") == "guobanfa"


@pytest.mark.parametrize("module", ["agencies", "deadlines", "docnumbers", "regions", "slugs"])
def test_normalisers_do_not_import_rdf(module: str) -> None:
    tree = ast.parse((ROOT / "kg" / "normalise" / f"{module}.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in ("rdflib", "pyoxigraph")}
    assert "kg.vocab" not in imported
