"""kg.pages.facts.Row: the page queries' rows, held by the million at national scale, read as mappings."""

from __future__ import annotations

import pickle
import sys

import pytest

from kg.errors import KgError
from kg.pages.facts import Facts


def test_a_row_reads_as_a_mapping_of_its_bound_variables_at_under_half_a_dicts_size(built, store):
    facts = Facts(store, built.settings.site_templates / "queries")
    rows = facts.rows("counterparts")
    matched = [row for row in rows if "other" in row]
    unmatched = [row for row in rows if "unmatchedIn" in row]
    assert matched and unmatched  # the corpus's comparison pairs some requirements and leaves others alone
    row = unmatched[0]
    assert row["req"].startswith(built.settings.base + "id/plan/")
    assert "other" not in row and row.get("other") is None and row.get("other", "-") == "-"
    with pytest.raises(KeyError, match="other"):
        row["other"]
    assert set(row.keys()) == {"req", "unmatchedIn"} and dict(row.items()) == {k: row[k] for k in row}
    assert {"req", "other", "relation"} <= set(matched[0])
    assert isinstance(matched[0]["similarity"], float)  # typed literals come as Python values
    assert pickle.loads(pickle.dumps(rows)) == rows  # sent back from the forked page-query processes
    assert sys.getsizeof(matched[0]) < sys.getsizeof(dict(matched[0].items())) / 2


def test_a_query_variable_named_as_a_row_method_is_refused_with_its_query(built, store, tmp_path):
    (tmp_path / "bad.rq").write_text("SELECT ?req ?items WHERE { ?req a ?items } LIMIT 1", "utf-8")
    with pytest.raises(KgError, match=r"bad\.rq: variable \?items is a name rows keep"):
        Facts(store, tmp_path).rows("bad")


def test_rows_come_in_the_order_the_query_names_unbound_first_then_by_every_value(tmp_path):
    import pyoxigraph as ox

    store = ox.Store(str(tmp_path / "store"))
    store.extend(ox.parse("""
        @prefix ex: <http://example.org/> .
        ex:a a ex:K ; ex:label "b" ; ex:alt "z" , "y" .
        ex:b a ex:K ; ex:label "a" .
        ex:c a ex:K ; ex:alt "x" .
        ex:d a ex:K ; ex:label "b" ; ex:alt "w" .
        ex:e a ex:K ; ex:label 3 .
        """, format=ox.RdfFormat.TURTLE))
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "things.rq").write_text(
        "# order: ?label (sorted by kg, not by an ORDER BY)\nPREFIX ex: <http://example.org/>\nSELECT ?thing\n"
        "?label ?alt WHERE { ?thing a ex:K OPTIONAL { ?thing ex:label ?label } "
        "OPTIONAL { ?thing ex:alt ?alt } }", "utf-8")
    facts = Facts(store, queries)
    assert facts.order("things") == ("label",)
    # unbound first, as SPARQL sorts, then numbers, then text; ties on the label (ex:a and ex:d, and ex:a's
    # two names) by all the row's values
    expected = [("c", None, "x"), ("e", 3, None), ("b", "a", None), ("a", "b", "y"), ("a", "b", "z"),
                ("d", "b", "w")]

    def seen(rows):
        return [(r["thing"].rsplit("/", 1)[-1], r.get("label"), r.get("alt")) for r in rows]

    assert seen(facts.rows("things")) == expected
    prefetched = Facts(store, queries)
    prefetched.prefetch(tmp_path / "store", workers=1)  # the static site's way: every query run up front
    assert seen(prefetched.rows("things")) == expected
