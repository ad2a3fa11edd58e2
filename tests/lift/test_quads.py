"""N-Quads writing (kg.quads) and the dumps made from the N-Quads the store was loaded from."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from kg.quads import XSD_STRING, QuadWriter, RepeatFilter, drop_graph_names, nt_term

SHARED = URIRef("http://127.0.0.1:8000/graph/shared")
PLAN = URIRef("http://127.0.0.1:8000/graph/plan/kunming-panlong-2018")


def test_terms_are_written_as_n_triples() -> None:
    assert nt_term(URIRef("http://127.0.0.1:8000/id/plan/kunming-panlong-2018")) == \
        "<http://127.0.0.1:8000/id/plan/kunming-panlong-2018>"
    assert nt_term(Literal('“公开”\n"第一"\\', lang="zh")) == '"“公开”\\n\\"第一\\"\\\\"@zh'
    assert nt_term(Literal(59)) == '"59"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert nt_term(Literal("12月底前", datatype=XSD_STRING)) == '"12月底前"'  # xsd:string is left implicit
    assert nt_term(BNode("b1")) == "_:b1"


def test_the_writer_counts_and_writes_only_on_flush() -> None:
    out = io.BytesIO()
    writer = QuadWriter(out)
    sink = writer.graph(PLAN)
    sink.add((URIRef("http://x/r/59"), URIRef("http://x/p"), Literal("政府网站集约化建设", lang="zh")))
    assert writer.count == 1 and out.getvalue() == b""
    writer.flush()
    assert out.getvalue().decode() == \
        f'<http://x/r/59> <http://x/p> "政府网站集约化建设"@zh <{PLAN}> .\n'


def test_repeated_shared_lines_are_written_once() -> None:
    document = f'<http://x/document/guofa-2016-55> <http://x/printedAs> "国发〔2016〕55号" <{SHARED}> .'
    row = f'<http://x/r/1> <http://x/cites> <http://x/document/guofa-2016-55> <{PLAN}> .'
    once = RepeatFilter(SHARED)
    assert once(f"{document}\n{row}\n".encode()) == f"{document}\n{row}\n".encode()
    # a second plan citing 国发〔2016〕55号: its own lines stay, the document's are not written again
    assert once(f"{row}\n{document}\n".encode()) == f"{row}\n".encode()


def test_graph_names_are_dropped_line_for_line(tmp_path: Path) -> None:
    quads = tmp_path / "graph.nq"
    quads.write_text(
        '<http://x/r/1> <http://x/text> "见 <http://x/g> .\\n下文" <http://x/g> .\n'  # the label, as text
        '<http://x/r/1> <http://x/cites> <http://x/d/1> <http://x/g> .\n'
        '_:b0 <http://x/date> "2018-12-31"^^<http://www.w3.org/2001/XMLSchema#date> <http://x/h> .\n', "utf-8")
    triples = tmp_path / "graph.nt"
    assert drop_graph_names(quads, triples) == 3
    assert triples.read_text("utf-8") == (
        '<http://x/r/1> <http://x/text> "见 <http://x/g> .\\n下文" .\n'
        '<http://x/r/1> <http://x/cites> <http://x/d/1> .\n'
        '_:b0 <http://x/date> "2018-12-31"^^<http://www.w3.org/2001/XMLSchema#date> .\n')


def test_a_line_without_its_graph_is_named(tmp_path: Path) -> None:
    quads = tmp_path / "graph.nq"
    for default in ('_:b0 _:b1 "y" .', '<http://x/r/2> <http://x/text> "y" .',
                    '<http://x/r/2> <http://x/date> "2018"^^<http://www.w3.org/2001/XMLSchema#gYear> .'):
        quads.write_text(f'<http://x/r/1> <http://x/text> "x" <http://x/g> .\n{default}\n', "utf-8")
        with pytest.raises(ValueError, match=r"graph\.nq: a line names no graph: b'" + re.escape(default[:12])):
            drop_graph_names(quads, tmp_path / "graph.nt")


def test_the_dumps_hold_what_the_store_holds(built, store) -> None:
    folder = built.build_dir
    quads = set(ox.parse(path=str(folder / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    per_graph = Counter(q.graph_name for q in quads)
    assert {g.value.rsplit("/graph/", 1)[1] for g in per_graph} >= \
        {"shared", "comparison", "ontology/zwgk", "plan/kunming-panlong-2018"}
    # graph for graph, the store holds as many quads (it also holds what validation adds after the dumps)
    assert {g: len(list(store.quads_for_pattern(None, None, None, g))) for g in per_graph} == per_graph
    lines = sum(1 for _ in (folder / "graph.nt").open("rb"))
    assert lines == sum(1 for _ in (folder / "graph.nq").open("rb"))
    union = ox.parse(path=str(folder / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    assert len({q.triple for q in union if not isinstance(q.subject, ox.BlankNode)}) == \
        len({q.triple for q in quads if not isinstance(q.subject, ox.BlankNode)})


def test_the_dumps_write_each_literal_as_the_store_gives_it_back(built, store) -> None:
    """The store keeps a literal in its canonical form ("1.0"^^xsd:decimal comes back as "1"); graph.nq and
    the dumps made from it must use the same form, or a consumer comparing a dump with the endpoint's
    answers as text sees two values where there is one."""
    def typed(quads) -> set[ox.Literal]:
        return {q.object for q in quads if isinstance(q.object, ox.Literal) and not q.object.language
                and q.object.datatype.value != XSD_STRING}

    written = typed(ox.parse(path=str(built.build_dir / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    assert {lit.datatype.value.rsplit("#", 1)[1] for lit in written} >= {"decimal", "dateTime", "date", "integer"}
    differ = written - typed(store.quads_for_pattern(None, None, None))
    assert not differ, sorted(str(lit) for lit in differ)[:5]


def test_a_malformed_iri_the_store_loads_leniently_still_fails_the_dumps(tmp_path: Path) -> None:
    """load_store takes the quads without checking their IRIs again; the dumps, written from the same file
    beside validation, parse it strictly, so a malformed IRI still fails the build."""
    from kg.pipeline import load_store, write_dumps
    from kg.settings import load_settings

    quads = tmp_path / "lifted.nq"
    quads.write_text('<http://example.org/a b> <http://example.org/p> "o" <http://example.org/g> .\n', "utf-8")
    store = load_store(tmp_path / "store", quads, [], load_settings())
    assert len(list(store.quads_for_pattern(None, ox.NamedNode("http://example.org/p"), None))) == 1
    del store
    (tmp_path / "dumps").mkdir()
    with pytest.raises(SyntaxError):
        write_dumps(None, tmp_path / "dumps", quads)
