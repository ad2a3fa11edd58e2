"""A plan's resources described from the plan's own quads (kg.pages.plan_quads) as from the built store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.pages.plan_quads import PlanQuads
from kg.validate import QUALITY_FILE


def test_every_resource_of_every_plan_is_described_as_the_store_describes_it(built, site_model):
    quads = split(built)
    plans = built.settings.base + "id/plan/"
    by_plan: dict[str, list[str]] = {}
    for iri in site_model.page_iris():
        if iri.startswith(plans):
            by_plan.setdefault(iri[len(plans):].split("/", 1)[0], []).append(iri)
    assert len(by_plan) == 5 and set(quads.files) == set(by_plan)
    try:
        compared = blank = 0
        for iris in by_plan.values():
            # a requirement loads its plan; the plan's other resources (groups, the plan) then use it too
            for iri in sorted(iris, key=lambda iri: "/requirement/" not in iri):
                site_model.plan_quads = None
                expected = site_model._describe(iri)
                site_model.plan_quads = quads
                assert site_model._describe(iri) == expected, iri
                compared += 1
                blank += any(isinstance(t.object, ox.BlankNode) for t in expected)
        assert quads.loaded == 5  # each plan's file read once
        assert compared > 500
        assert blank > 100  # dated deadlines end at a blank time:Instant, read from the plan's store too
    finally:
        site_model.plan_quads = None
        quads.close()
    assert not quads.folder.exists()


def test_a_plan_file_holds_what_other_graphs_say_of_the_plan(built):
    """What the plan's graph alone would miss: its requirements' counterparts (the comparisons' graph) and
    the plan's quality measurements (the quality graph, loaded into the store after graph.nq was written)."""
    quads = split(built)
    try:
        graphs = set()
        for path in quads.files.values():
            graphs |= {line.rsplit(b" ", 2)[-2] for line in path.read_bytes().splitlines()}
        base = built.settings.base.encode()
        assert b"<" + base + b"graph/comparison>" in graphs
        assert b"<" + base + b"graph/quality>" in graphs
    finally:
        quads.close()


def test_the_split_prepared_beside_validation_is_the_split_the_site_makes(built, tmp_path):
    """`kg build` splits graph.nq while validation runs and the site adds the quality graph: the same files,
    line for line, as splitting both at once; the finished build keeps none of it."""
    import shutil

    from kg.pages.plan_quads import SPLIT_DIR, prepare
    from kg.site import _plan_quads

    build, base = built.build_dir, built.settings.base
    assert not (build / SPLIT_DIR).exists()
    assert PlanQuads.prepared(tmp_path / SPLIT_DIR, base) is None
    prepare(build / "graph.nq", base, tmp_path / SPLIT_DIR)  # tmp_path: a build being assembled
    (tmp_path / "validation").mkdir()
    shutil.copy(build / "validation" / QUALITY_FILE, tmp_path / "validation")
    said: list[str] = []
    prepared, whole = _plan_quads(tmp_path, base, said.append), split(built)  # the site takes the split made
    try:
        assert prepared.folder == tmp_path / SPLIT_DIR
        assert said == ["adding the quality graph to the quads split by plan"]
        assert set(prepared.files) == set(whole.files) and len(whole.files) == 5
        for slug, path in whole.files.items():
            assert prepared.files[slug].read_bytes() == path.read_bytes(), slug
        assert b"/graph/quality>" in prepared.files["kunming-panlong-2018"].read_bytes()
    finally:
        prepared.close()
        whole.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_plan_scoped_page_queries_give_the_rows_the_whole_store_gives(built, store, workers):
    from kg.pages.facts import Facts

    queries = built.settings.site_templates / "queries"
    quads = split(built)
    try:
        by_plan, whole = Facts(store, queries), Facts(store, queries)
        by_plan.prefetch(built.settings.store_path, workers, quads)
        # every query that declares the scope, so that a new one is held to the same rows as well
        scoped = sorted(path.stem for path in queries.glob("*.rq") if by_plan.plan_key(path.stem))
        assert {"requirements", "assignments", "deadlines", "requirement-types", "requirement-extras",
                "counterparts", "groups"} <= set(scoped)
        for name in scoped:
            expected = whole.rows(name)
            got = by_plan.rows(name)
            assert len(got) == len(expected) and sorted(map(_key, got)) == sorted(map(_key, expected)), name
        # in plan order, as the query orders them; and the counterparts found across plans' quads
        assert [r["plan"] for r in by_plan.rows("requirements")] == [r["plan"] for r in whole.rows("requirements")]
        assert any("other" in row for row in by_plan.rows("counterparts"))
    finally:
        quads.close()


def _key(row: dict) -> str:
    return repr(sorted(row.items()))


def split(built) -> PlanQuads:
    """The session build's quads split by plan, as the site splits them."""
    build = built.build_dir
    return PlanQuads.split([build / "graph.nq", build / "validation" / QUALITY_FILE], built.settings.base, build)


def test_a_plan_scope_naming_no_selected_variable_is_refused_with_its_query(built, store, tmp_path):
    from kg.errors import KgError
    from kg.pages.facts import Facts

    (tmp_path / "scoped.rq").write_text("# scope: plan ?req\nSELECT ?plan WHERE { ?plan a ?class }", "utf-8")
    quads = split(built)
    try:
        with pytest.raises(KgError, match=r"scoped\.rq: '# scope: plan \?req' names no variable it selects"):
            Facts(store, tmp_path).prefetch(built.settings.store_path, 1, quads)
    finally:
        quads.close()


def test_a_base_given_without_its_final_slash_splits_as_the_iris_were_minted(tmp_path):
    """Minter adds the slash a base lacks (KG_BASE=http://h:8000), so the split must look for it too."""
    from kg.pages.plan_quads import split_by_plan

    line = (b"<http://h:8000/id/plan/kunming-panlong-2019/requirement/3> <http://h:8000/p> \"x\" "
            b"<http://h:8000/graph/plan/kunming-panlong-2019> .\n")
    files = split_by_plan([line], "http://h:8000", tmp_path)
    assert set(files) == {"kunming-panlong-2019"} and files["kunming-panlong-2019"].read_bytes() == line
    quads = PlanQuads(tmp_path, files, "http://h:8000")
    assert quads.plan_iri("kunming-panlong-2019") == "http://h:8000/id/plan/kunming-panlong-2019"
