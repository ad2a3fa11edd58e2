"""The synthetic national corpus: deterministic for a seed, every plan lifts with the rows it was made of."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.scale.conftest import PLANS, SEED


@pytest.fixture(scope="module")
def manifest(synthetic: Path) -> list[dict]:
    return json.loads((synthetic / "manifest.json").read_text("utf-8"))["plans"]


@pytest.fixture(scope="module")
def lifted(synthetic: Path) -> dict[str, object]:
    """The lifted plans by file name."""
    from kg.pipeline import lift_all
    from kg.sources import find_sources

    return {Path(p.parsed.source.path).name: p for p in lift_all(find_sources(synthetic))}


@pytest.fixture(scope="module")
def real_texts() -> set[str]:
    from kg.pipeline import lift_all
    from kg.settings import PROJECT_ROOT
    from kg.sources import find_sources

    return {r.row.text.text for p in lift_all(find_sources(PROJECT_ROOT / "corpus")) for r in p.requirements
            if r.row.text}


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(synthetic, tmp_path):
    from bench.corpus import generate

    again, other = tmp_path / "again", tmp_path / "other"
    generate(PLANS, SEED, again)
    generate(PLANS, SEED + 1, other)
    files = sorted(p.name for p in synthetic.glob("*.txt"))
    assert len(files) == PLANS
    assert all((synthetic / f).read_bytes() == (again / f).read_bytes() for f in files)
    assert sum((synthetic / f).read_bytes() != (other / f).read_bytes() for f in files) >= PLANS - 1


def test_every_plan_lifts_with_its_intended_rows_region_and_a_slug_of_its_own(synthetic):
    from bench.corpus import check

    assert check(synthetic) == []


def test_the_seed_covers_every_layout_template_and_encoding(manifest, lifted):
    assert {p.parsed.layout for p in lifted.values()} == {"tab-table", "prose-attachment", "scrambled-table"}
    assert {p.parsed.source.encoding for p in lifted.values()} == {"utf-8", "utf-8-sig", "gb18030"}
    assert len({spec["template"] for spec in manifest}) == 5


def test_row_counts_match_the_manifest_plan_by_plan(manifest, lifted):
    assert [len(lifted[spec["file"]].requirements) for spec in manifest] == [spec["rows"] for spec in manifest]
    assert sum(spec["rows"] for spec in manifest) == sum(len(p.requirements) for p in lifted.values())


def test_invented_regions_are_placed_under_their_prefecture_and_province(manifest, lifted):
    for spec in manifest:
        plan = lifted[spec["file"]]
        region, *parents = spec["chain"]
        assert plan.region.name == region["name"], spec["file"]
        assert parents[0]["name"] in plan.region.parents or plan.region.level == "prefecture", spec["file"]
        assert plan.region.code is None  # invented: no GB/T 2260 code


def test_a_district_plan_cites_its_own_prefecture_plan_under_an_invented_number(manifest, lifted):
    """Plans made from 五华's notice (五政办通〔2019〕71号, implementing 昆政办〔2019〕85号) carry their own
    district's code and their own prefecture's, and sibling districts cite the same prefecture plan."""
    wuhua = [spec for spec in manifest if spec["template"] == "yunnan-kunming-wuhua-2019-fengong"]
    assert len(wuhua) >= 2
    implemented = set()
    for spec in wuhua:
        plan = lifted[spec["file"]]
        district, prefecture = spec["chain"][0], spec["chain"][1]
        assert plan.notice_number.number.issuer_code == district["code"] + "政办通"
        (cited,) = [ref for ref in plan.implements if ref.number is not None]
        assert cited.number.issuer_code == prefecture["code"] + "政办"
        assert cited.title.startswith(prefecture["name"] + "人民政府办公厅")
        implemented.add((prefecture["name"], cited.number.canonical))
    assert len(implemented) == len({spec["chain"][1]["name"] for spec in wuhua})


def test_requirement_texts_are_real_ones_moved_to_the_new_region(manifest, lifted, real_texts):
    for spec in manifest:
        plan = lifted[spec["file"]]
        shorts = [place["short"] for place in spec["chain"]]
        for req in plan.requirements:
            if req.row.text is None:  # a PDF-table row whose text no line left over (攀枝花 序号 40, 42)
                assert plan.parsed.layout == "scrambled-table", (spec["file"], req.key)
                continue
            text = req.row.text.text
            assert text in real_texts or any(s in text for s in shorts), (spec["file"], req.key, text[:40])


def test_the_sequence_is_renumbered_without_duplicates(lifted):
    for plan in lifted.values():
        seqs = [r.row.seq for r in plan.requirements if r.row.seq is not None]
        assert len(seqs) == len(set(seqs)), plan.slug
        if plan.parsed.layout == "tab-table":
            assert seqs[0] == 1 and seqs == sorted(seqs)
