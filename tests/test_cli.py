"""The command line: every command documents itself; bad input names the file and exits 2; builds swap whole."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import ParseError
from tests.conftest import CORPUS, PANLONG

COMMANDS = sorted(cli.commands)


def run(*args: str) -> "CliRunner.invoke":
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", [[]] + [[c] for c in COMMANDS])
def test_every_command_has_help(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    if not command:
        assert {"build", "lift", "query"} <= set(COMMANDS)


def test_query_csv_lists_requirements(built):
    result = run("--build-dir", str(built.build_dir), "query", "queries/requirements.rq", "--format", "csv")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split(",") == ["plan", "planTitle", "seq", "text", "leadAgencies", "otherAgencies",
                                   "deadline"]
    assert len(lines) > 400  # 428 requirements (some texts span lines inside quotes)
    assert "围绕建设法治政府全面推进政务公开" not in lines[0]


def test_query_by_catalogue_name_and_inline(built):
    by_name = run("--build-dir", str(built.build_dir), "query", "plans", "--format", "json")
    assert by_name.exit_code == 0 and "盘龙区2018年政务公开工作要点分工方案" in by_name.output
    inline = run("--build-dir", str(built.build_dir), "query",
                 "ASK { ?d <https://w3id.org/zwgk/def#documentNumber> \"国发〔2016〕55号\" }")
    assert inline.output.strip() == "true"


def test_unknown_query_and_parameter_exit_2(built):
    result = CliRunner().invoke(cli, ["--build-dir", str(built.build_dir), "query", "no-such-query"])
    assert result.exit_code == 2 and "no-such-query" in result.output
    result = CliRunner().invoke(cli, ["--build-dir", str(built.build_dir), "query", "plans", "-p", "x=1"])
    assert result.exit_code == 2 and "unknown parameter" in result.output


def test_lift_writes_turtle(tmp_path):
    out = tmp_path / "panlong.ttl"
    result = run("lift", str(PANLONG), "-o", str(out))
    assert result.exit_code == 0
    text = out.read_text("utf-8")
    assert "区财政局" in text and "zw:Requirement" in text


BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    "unknown.txt": ("这是一份关于天气的普通说明文字，没有任何表格，也没有工作任务。\n".encode() * 5, "unknown layout"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_named_and_exits_2(tmp_path, name):
    data, message = BAD_INPUTS[name]
    (tmp_path / name).write_bytes(data)
    result = CliRunner().invoke(cli, ["lift", str(tmp_path / name)])
    assert result.exit_code == 2
    assert name in result.output and message in result.output


def test_truncated_document_is_refused_with_its_line(tmp_path):
    # the first 12 lines of 盘龙: the header and the start of row 1, cut before any full row
    truncated = tmp_path / "truncated.txt"
    truncated.write_text("\n".join(PANLONG.read_text("utf-8").split("\n")[:12]), "utf-8")
    result = CliRunner().invoke(cli, ["lift", str(truncated)])
    assert result.exit_code == 2
    assert "truncated.txt" in result.output


def test_gb18030_and_bom_documents_lift_like_utf8(tmp_path):
    text = PANLONG.read_text("utf-8")
    (tmp_path / "gb.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    for name in ("gb.txt", "bom.txt"):
        result = run("lift", str(tmp_path / name), "--format", "nt")
        assert result.exit_code == 0
        assert "区财政局" in result.output


def test_failed_build_keeps_the_previous_one(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PANLONG, corpus / PANLONG.name)
    build_dir = tmp_path / "build"
    ok = run("--build-dir", str(build_dir), "build", "--corpus", str(corpus), "-q")
    assert ok.exit_code == 0
    before = sorted(p.name for p in build_dir.iterdir())
    (corpus / "broken.txt").write_bytes(b"\x00\x01binary")
    failed = CliRunner().invoke(cli, ["--build-dir", str(build_dir), "build", "--corpus", str(corpus)])
    assert failed.exit_code == 2 and "broken.txt" in failed.output
    assert sorted(p.name for p in build_dir.iterdir()) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build-")]


def test_corpus_is_the_seeds_byte_for_byte():
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds not beside the project")
    ours = sorted(p.read_bytes() for p in CORPUS.glob("*.txt"))
    assert ours == sorted(p.read_bytes() for p in seeds.glob("*.txt"))


def test_a_source_error_crosses_processes_with_its_file_and_line():
    # `kg build`'s post-build steps run in processes of their own and hand their errors back pickled
    error = pickle.loads(pickle.dumps(ParseError("盘龙.txt", "no numbered row", 12)))
    assert type(error) is ParseError and (error.path, error.line) == ("盘龙.txt", 12)
    assert str(error) == "盘龙.txt:12: no numbered row"
