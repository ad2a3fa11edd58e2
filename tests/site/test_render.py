"""The page environment's lookup shortcut (kg.render.PageEnvironment) renders what plain Jinja renders."""

from __future__ import annotations

import pytest
from jinja2 import Environment, UndefinedError

from kg.render import PageEnvironment, environment, render_page, templates_dir


def test_every_page_of_the_corpus_renders_as_plain_jinja_renders_it(site_model, built):
    env = environment(templates_dir(built.settings.site_templates))
    pages = {}
    for kind in site_model.kinds:
        for context in site_model.contexts(kind):
            context["fragments"].clear()  # rows rendered by the other lookup are not reused
            pages[context["path"]] = render_page(env, context)
    shortcut = PageEnvironment.getattr
    try:
        PageEnvironment.getattr = Environment.getattr  # type: ignore[method-assign]
        for kind in site_model.kinds:
            for context in site_model.contexts(kind):
                context["fragments"].clear()
                assert render_page(env, context) == pages[context["path"]], context["path"]
    finally:
        PageEnvironment.getattr = shortcut  # type: ignore[method-assign]
    # the corpus has the pages these assertions are about (a fixture that built nothing would pass above)
    assert sum(1 for path in pages if "/requirement/" in path) > 100


def test_a_dict_method_name_still_means_the_method_and_a_missing_field_still_fails(built):
    env = environment(templates_dir(built.settings.site_templates))
    assert isinstance(env, PageEnvironment)
    row = {"items": "a key named like a method", "label": "办公室"}
    assert env.from_string("{{ row.label }}").render(row=row) == "办公室"
    assert env.from_string("{{ row.items is callable }}").render(row=row) == "True"  # as Jinja: attribute first
    with pytest.raises(UndefinedError, match="no attribute 'missing'"):
        env.from_string("{{ row.missing }}").render(row=row)


def test_rendered_rows_are_kept_only_within_a_kind_whose_pages_repeat_them(built, store, tmp_path):
    from dataclasses import replace

    from kg.pages import SiteModel
    from kg.pages.kinds import KINDS
    from kg.site import _render_kinds

    env = environment(templates_dir(built.settings.site_templates))
    row_template, renders = env.get_template("_req_row.html"), []
    real = row_template.render
    row_template.render = lambda *a, **k: renders.append(k["r"]["iri"]) or real(*a, **k)  # type: ignore[method-assign]
    model = SiteModel(store, built.settings)
    kept = model.fragments

    def render(kind: str, rows_repeat: bool, out: str) -> tuple[list[str], dict[str, bytes]]:
        renders.clear()
        model.kinds = {kind: replace(KINDS[kind], rows_repeat=rows_repeat)}
        _render_kinds(model, env, tmp_path / out)
        return list(renders), {str(p.relative_to(tmp_path / out)): p.read_bytes()
                               for p in (tmp_path / out).rglob("*.html")}

    assert KINDS["type"].rows_repeat and not KINDS["plan"].rows_repeat
    kept_renders, kept_pages = render("type", True, "kept")
    assert model.fragments is kept and not kept  # let go after the kind
    each_renders, each_pages = render("type", False, "each")
    # a requirement of several types is listed on each type's page: rendered once a depth when kept
    assert kept_pages == each_pages and len(kept_pages) > 10
    assert len(kept_renders) < len(each_renders)
    plan_renders, _ = render("plan", False, "plans")  # a plan lists each of its requirements once
    assert len(plan_renders) == len(set(plan_renders)) > 100 and not kept
