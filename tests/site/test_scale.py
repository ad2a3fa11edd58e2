"""What lets the site scale: renderers that share the pages out as they go (each page once, a plan's pages of
a kind together); fewer static RDF alternates when the build asks for it; page queries that stay linear."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kg.errors import ConfigError
from kg.pages import SiteModel
from kg.pages.model import static_rdf_suffixes

PANLONG = "id/plan/kunming-panlong-2018"


def _taken(built, store, renderers: int, late: str | None = None) -> list[dict[str, list[str]]]:
    """The pages each of `renderers` models takes, kind by kind, as renderers sharing the pages (kg.pages.claims)
    take them: each asks in turn for its next page; a `late` kind is gone through by the last renderer alone
    first, as if the others were busy meanwhile."""
    models = [SiteModel(store, built.settings) for _ in range(renderers)]
    claims = models[0].share_pages(renderers)
    taken: list[dict[str, list[str]]] = [{} for _ in models]
    for i, model in enumerate(models):
        model.claims = claims.for_renderer(i)
    for kind in models[0].kinds:
        pages = []
        for i, model in enumerate(models):
            model.rendering = kind
            pages.append(model.iter_contexts(kind))
            taken[i][kind] = []
        if kind == late:
            taken[-1][kind] = [c["iri"] for c in pages[-1]]
        asking = dict(enumerate(pages))
        while asking:
            for i in list(asking):
                context = next(asking[i], None)
                if context is None:
                    del asking[i]
                else:
                    taken[i][kind].append(context["iri"])
    return taken


def test_two_renderers_taking_pages_as_they_go_render_every_page_once(built, store, site_model):
    whole = {kind: sorted(c["iri"] for c in site_model.contexts(kind)) for kind in site_model.kinds}
    first, second = _taken(built, store, 2)
    for kind, iris in whole.items():
        assert not set(first[kind]) & set(second[kind]), kind
        assert sorted(first[kind] + second[kind]) == iris, kind
    # each gets real work: the five plans' requirements do not all go to one side
    assert first["requirement"] and second["requirement"]


def test_a_plans_pages_of_one_kind_stay_with_one_renderer(built, store):
    base = built.settings.base
    taken = _taken(built, store, 2)
    for kind in ("requirement", "resource"):
        owners: dict[str, set[int]] = {}
        for i, pages in enumerate(taken):
            for iri in pages[kind]:
                path = iri[len(base):]
                if path.startswith("id/plan/"):
                    owners.setdefault("/".join(path.split("/")[:3]), set()).add(i)
        assert PANLONG in owners and all(len(o) == 1 for o in owners.values()), (kind, owners)


def test_a_renderer_busy_elsewhere_leaves_the_pages_to_the_other(built, store):
    """The second renderer goes through every requirement page before the first asks for any: it takes them
    all, and panlong's requirement 5 is rendered once, by it."""
    first, second = _taken(built, store, 2, late="requirement")
    req = built.settings.base + PANLONG + "/requirement/5"
    assert not first["requirement"] and len(second["requirement"]) == 92 + 35 + 74 + 95 + 133
    assert req in second["requirement"] and first["agency"] and second["agency"]


def test_two_renderers_write_the_site_one_process_writes(built, tmp_path):
    """The site rendered by two processes (sharing the pages as above), file for file, as one process renders
    it."""
    import filecmp
    import json
    import os
    import shutil

    from kg.site import ROWS, render_site

    sites = {}
    for workers in (1, 2):
        build = tmp_path / f"build-{workers}"
        build.mkdir()
        for name in os.listdir(built.build_dir):
            if name != "site" and not name.startswith("."):
                (build / name).symlink_to(built.build_dir / name)
        summary = render_site(build, replace(built.settings, build=build, workers=workers), search=False)
        sites[workers] = (summary, build / "site")
    (one, first), (two, second) = sites[1], sites[2]
    assert one.pages == two.pages and one.pages["requirement"] == 92 + 35 + 74 + 95 + 133
    assert one.rdf_files == two.rdf_files and one.bytes == two.bytes
    files = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    _, differ, errors = filecmp.cmpfiles(first, second, files, shallow=False)
    assert not differ and not errors, differ[:5]  # graph.nt.gz too: gzip's header holds no time
    # the row digests the next build compares: each renderer gives its own requirements'
    digests = [json.loads((tmp_path / f"build-{workers}" / ROWS).read_text("utf-8")) for workers in (1, 2)]
    assert digests[0] == digests[1] and len(digests[0]) == one.pages["requirement"]
    shutil.rmtree(tmp_path)


def test_region_page_counts_the_requirements_of_the_plans_in_it(site_model, built):
    # 盘龙区 has one plan, 盘龙 2018, with 92 numbered requirements (its page test reads the same 92 rows)
    region = next(c for c in site_model.contexts("region")
                  if c["iri"] == built.settings.base + "id/region/kunming-panlong")
    assert [p["label"] for p in region["plans_in"]] == ["盘龙区2018年政务公开工作要点分工方案"]
    assert region["count"] == 92


def test_static_rdf_formats_follow_the_setting(built):
    every = replace(built.settings, site_rdf=("rdf", "jsonld", "nt", "ttl"))
    assert static_rdf_suffixes(every) == (".ttl", ".nt", ".jsonld", ".rdf")
    assert static_rdf_suffixes(replace(built.settings, site_rdf=("TTL",))) == (".ttl",)
    assert static_rdf_suffixes(replace(built.settings, site_rdf=())) == ()
    with pytest.raises(ConfigError, match="n3"):
        static_rdf_suffixes(replace(built.settings, site_rdf=("ttl", "n3")))


def test_a_site_with_only_turtle_links_only_turtle(hostile_build, tmp_path):
    """The hostile one-plan build re-rendered with site_rdf = ttl: the .ttl files are written and linked,
    the other formats neither (a static host would answer 404 for them)."""
    from kg.site import DESCRIBED_KINDS, render_site

    settings, iris = hostile_build
    summary = render_site(settings.build, replace(settings, site_rdf=("ttl",)), search=False)
    site = settings.build / "site"
    requirement = site / (str(iris["requirement"])[len(settings.base):])
    assert requirement.with_suffix(".ttl").is_file()
    assert not requirement.with_suffix(".nt").exists() and not requirement.with_suffix(".jsonld").exists()
    html = requirement.with_suffix(".html").read_text("utf-8")
    assert 'type="text/turtle" href="1.ttl"' in html and 'href="1.nt"' not in html
    assert summary.rdf_files == sum(summary.pages[kind] for kind in DESCRIBED_KINDS)  # one file each
    assert summary.pages["requirement"] == 1 and summary.pages["plan"] == 1
    render_site(settings.build, settings, search=False)  # as the other tests of this build expect it


def test_a_long_listing_is_paged(site_dir, site_model, built):
    # 云南省 holds 盘龙, 五华 and 楚雄 (92 + 74 + 95 = 261 requirements): 200 on its page, 61 on page 2
    from kg.pages.concepts import PAGE_ROWS

    yunnan = built.settings.base + "id/region/yunnan"
    pages = [c for c in site_model.contexts("region") if c["iri"] == yunnan]
    assert [p["path"] for p in pages] == ["id/region/yunnan", "id/region/yunnan/page-2"]
    assert pages[0]["count"] == 261 and PAGE_ROWS == 200
    assert [sum(len(g["rows"]) for g in p["plans"]) for p in pages] == [200, 61]
    second = (site_dir / "id/region/yunnan/page-2.html").read_text("utf-8")
    assert 'href="../../../id/region/yunnan.html"' in second and "201–261 / 261" in second
    assert not (site_dir / "id/region/yunnan/page-2.ttl").exists()  # the region's RDF is on its own page
    assert site_model.context_for("id/region/yunnan/page-2")["pager"]["n"] == 2


def test_the_dataset_page_lists_the_top_level_validation_files(site_model):
    page = site_model.contexts("dataset")[0]
    assert "report.html" in page["validation"]["files"]
    assert all("/" not in f for f in page["validation"]["files"])


def test_page_queries_run_in_forked_processes_give_the_rows_of_one_process(built, store):
    from kg.pages.model import page_facts

    serial, forked = page_facts(store, built.settings), page_facts(store, built.settings)
    serial.prefetch(built.settings.store_path, 1)
    forked.prefetch(built.settings.store_path, 2)
    assert forked._cache == serial._cache
    plans = {row["plan"][len(built.settings.base):] for row in forked.rows("plans")}
    assert PANLONG in plans and len(plans) == 5
    # rows of different queries share one string per IRI, as the rows of one process do
    plan = next(row["plan"] for row in forked.rows("requirements") if row["plan"].endswith(PANLONG))
    assert any(row["plan"] is plan for row in forked.rows("plans"))


def test_rows_folded_into_the_requirement_index_are_let_go_and_can_be_asked_again(built, store):
    from kg.pages import SiteModel
    from kg.pages.requirements import requirement_index

    model = SiteModel(store, built.settings)
    index = requirement_index(model)
    assert ("deadlines", ()) not in model.facts._cache and ("requirement-types", ()) not in model.facts._cache
    dated = sum(len(req["deadlines"]) for req in index.values())
    assert dated > 100 and all(req["types"] for req in index.values() if req["plan"]["iri"].endswith(PANLONG))
    assert len({row["deadline"] for row in model.facts.rows("deadlines")}) == dated  # queried again


def test_a_kinds_plans_are_taken_in_runs_of_consecutive_plans():
    """At national scale a renderer takes a kind's plans in runs (one sixty-fourth of them), not one by one:
    renderers taking every other plan rendered a fourth slower at 1,000 plans (docs/scaling.md)."""
    from kg.pages.claims import RUNS_OF_PLANS, Claims

    plans = 3200
    first = Claims({"requirement": 208_000, "agency": 98_000}, plans)
    second = first.for_renderer(1)
    run = plans // RUNS_OF_PLANS
    assert first.take("requirement", 0) and not second.take("requirement", 0)
    assert all(first.take("requirement", rank) and not second.take("requirement", rank) for rank in range(run))
    assert second.take("requirement", run) and not first.take("requirement", run + run - 1)
    assert second.take("agency", 7) and not first.take("agency", 7)  # each kind is shared out on its own
