"""A rebuild after one document changed re-renders only the pages it affects, and gives the same site as a
build of the edited corpus from scratch.

The edit: 盘龙区 2018, requirement 51 (公开企业开办时间再减少一半的相关举措, 区市监局) is due
"10月底前"; the edited corpus moves it to "11月底前" (due 2018-11-30).
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

from kg.pipeline import build
from kg.settings import PROJECT_ROOT, load_settings
from kg.site import SiteSummary

PANLONG = "yunnan-kunming-panlong-2018-fengong.txt"
REQUIREMENT_51 = "id/plan/kunming-panlong-2018/requirement/51"
# Files that carry the build's time, so no two builds write them alike: the dumps and the validation
# reports (generated at …, the lifting run's start and end), the dataset's description (the validation
# summary's time; and void:distinctObjects counts the run's start and end as one literal or two, as they
# fall in the same second or not) and the lifting run's page and alternates (prov:startedAtTime / endedAtTime).
BUILD_TIMES = ("dumps/", "validation/", "id/dataset.", "void.ttl", "id/activity/")


def _move_deadline(corpus: Path) -> None:
    """Requirement 51's 完成时限 10月底前 → 11月底前 (the first "10月底前" after the row numbered 51)."""
    path = corpus / PANLONG
    lines = path.read_text("utf-8").split("\n")
    row = lines.index("\t51")
    at = next(i for i in range(row, len(lines)) if lines[i] == "\t10月底前")
    lines[at] = "\t11月底前"
    path.write_text("\n".join(lines), "utf-8")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory):
    """The corpus built, one deadline moved, built again in the same folder (incrementally); and the
    edited corpus built from scratch elsewhere."""
    root = tmp_path_factory.mktemp("incremental")
    corpus = root / "corpus"
    shutil.copytree(PROJECT_ROOT / "corpus", corpus)
    every_format = {"site_rdf": ("ttl", "nt", "jsonld", "rdf")}  # each static alternate re-written alike
    settings = load_settings(build=root / "build", corpus=corpus, **every_format)
    build(settings)
    _move_deadline(corpus)
    again = build(settings)
    scratch = build(load_settings(build=root / "scratch", corpus=corpus, **every_format))
    return settings.build / "site", root / "scratch" / "site", again.extra["site"], scratch.extra["site"]


def _files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_incremental_site_equals_the_site_built_from_scratch(rebuilt):
    incremental, scratch, _, _ = rebuilt
    assert _files(incremental) == _files(scratch)
    compared = [f for f in sorted(_files(scratch)) if not f.startswith(BUILD_TIMES)]
    assert any(f.endswith(".ttl") for f in compared) and any(f.endswith(".html") for f in compared)
    differ = [f for f in compared if not filecmp.cmp(incremental / f, scratch / f, shallow=False)]
    assert differ == []


def test_the_moved_deadline_is_on_the_requirement_page(rebuilt):
    incremental, _, _, _ = rebuilt
    page = (incremental / f"{REQUIREMENT_51}.html").read_text("utf-8")
    assert "公开企业开办时间再减少一半的相关举措" in page
    assert "11月底前" in page and '<time datetime="2018-11-30">' in page
    assert "10月底前" not in page
    assert '"2018-11-30"^^' in (incremental / f"{REQUIREMENT_51}.nt").read_text("utf-8")


def test_only_the_pages_the_edit_touches_are_re_rendered(rebuilt):
    _, _, again, scratch = rebuilt
    assert isinstance(again, SiteSummary) and again.incremental and not scratch.incremental
    assert again.total_pages == scratch.total_pages == scratch.rendered
    # the edited plan's own pages (its 92 requirements, task groups, notice …), the pages listing
    # requirement 51's row (区市监局, its types and regions) and the whole-build ones: not the other plans'
    assert again.rendered_by_kind["plan"] == 1
    assert again.rendered_by_kind["requirement"] == 92
    assert again.rendered_by_kind["agency"] == 1
    assert again.rendered < again.total_pages / 4
    assert again.reused == again.total_pages - again.rendered


def test_a_page_linked_from_the_previous_site_is_replaced_not_written_through(tmp_path):
    """The previous build's site stays live while the next is assembled from hard links to its files:
    writing a page must give the new site a file of its own and leave the previous one as it was."""
    from kg.site import _write_bytes

    previous, linked = tmp_path / "previous.html", tmp_path / "site" / "page.html"
    previous.write_bytes(b"<p>10\xe6\x9c\x88\xe5\xba\x95\xe5\x89\x8d</p>")
    linked.parent.mkdir()
    linked.hardlink_to(previous)
    assert _write_bytes(linked, b"<p>new</p>") == 10
    assert linked.read_bytes() == b"<p>new</p>"
    assert previous.read_bytes() == "<p>10月底前</p>".encode()
    assert _write_bytes(tmp_path / "fresh" / "deep.html", b"x") == 1  # missing folders are made
