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
