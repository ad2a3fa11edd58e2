"""Where IRIs are published in the site; the summary kg site prints; the validation reports it carries."""

from __future__ import annotations

import pytest

from kg.pages.paths import Paths, file_for, root_for
from kg.site import SiteSummary

BASE = "http://example.org/zw/"


@pytest.fixture
def paths() -> Paths:
    p = Paths(BASE)
    p.known |= {"id/plan/x", "id/plan/x/requirement/5", "type/policy-interpretation", "id/dataset"}
    return p


@pytest.mark.parametrize("iri, href", [
    (BASE + "id/plan/x", "id/plan/x.html"),
    (BASE + "id/plan/x/requirement/5/deadline/1", "id/plan/x/requirement/5.html#deadline-1"),
    (BASE + "id/plan/x/requirement/5/assignment/12", "id/plan/x/requirement/5.html#assignment-12"),
    (BASE + "id/dataset/class/zw-Requirement", "id/dataset.html#class-zw-Requirement"),
    ("https://w3id.org/zwgk/type/policy-interpretation", "type/policy-interpretation.html"),
    ("https://w3id.org/zwgk/def#Requirement", "ontology.html#Requirement"),
    ("https://w3id.org/zwgk/def", "ontology.html"),
    ("https://w3id.org/zwgk/type/scheme", "ontology.html#type-scheme"),
    ("https://creativecommons.org/licenses/by/4.0/", "https://creativecommons.org/licenses/by/4.0/"),
    (BASE + "id/plan/unknown", None),  # ours, but no page: shown as text, never a broken link
    ("_:b0", None),
])
def test_href(paths, iri, href):
    assert paths.href(iri) == href


def test_path_and_iri_are_inverse(paths):
    for iri in (BASE + "id/plan/x", "https://w3id.org/zwgk/type/policy-interpretation"):
        assert paths.iri(paths.path(iri)) == iri


@pytest.mark.parametrize("path, root", [("index", ""), ("type/a", "../"),
                                        ("id/plan/x/requirement/5", "../../../../")])
def test_root_for(path, root):
    assert root_for(path) == root


def test_percent_escaped_slugs_become_the_file_names_servers_look_for():
    assert file_for("id/agency/x/%E5%8C%BA") == "id/agency/x/区.html"
    assert file_for("id/plan/x", ".ttl") == "id/plan/x.ttl"


def test_summary_lines_name_the_counts():
    summary = SiteSummary(out=None, pages={"plan": 5, "requirement": 429}, rdf_files=1736, bytes=2_000_000,
                          seconds=0.5, search="12 pages, 340 postings in 1 shards (0.1 s)")
    text = "\n".join(summary.lines())
    assert "434 pages (5 plan, 429 requirement)" in text
    assert "868 pages/s" in text


def test_validation_report_links_are_rebased_into_the_site(tmp_path):
    from kg.site import _copy_validation

    source = tmp_path / "validation"
    source.mkdir()
    (source / "report.html").write_text('<a href="../site/id/plan/x.html#deadline-1">x</a> '
                                        '<a href="https://example.org/site/">y</a>', "utf-8")
    _copy_validation(source, tmp_path / "site" / "validation")
    copied = (tmp_path / "site" / "validation" / "report.html").read_text("utf-8")
    assert 'href="../id/plan/x.html#deadline-1"' in copied
    assert 'href="https://example.org/site/"' in copied


def test_validation_files_other_than_html_are_linked_into_the_site_and_html_written_anew(tmp_path):
    from kg.site import _copy_validation

    source = tmp_path / "validation"
    (source / "plans").mkdir(parents=True)
    (source / "report.ttl").write_text("<a> <b> <c> .\n", "utf-8")
    (source / "plans" / "p.html").write_text('<a href="../../site/id/x.html">x</a>', "utf-8")
    target = tmp_path / "site" / "validation"
    _copy_validation(source, target)
    assert (target / "report.ttl").stat().st_ino == (source / "report.ttl").stat().st_ino
    assert (target / "plans" / "p.html").stat().st_ino != (source / "plans" / "p.html").stat().st_ino
    assert (source / "plans" / "p.html").read_text("utf-8") == '<a href="../../site/id/x.html">x</a>'
    _copy_validation(source, target)  # again over the previous copies (a rebuild): replaced, not appended
    assert (target / "report.ttl").read_text("utf-8") == "<a> <b> <c> .\n"
