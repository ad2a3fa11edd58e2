"""Sharing built files between builds (kg.files): a name already there is replaced, or kept when asked."""

import errno
import os

from kg import files
from kg.files import link_or_copy


def test_a_file_is_linked_and_a_name_already_there_replaced_not_written_through(tmp_path):
    source, live, target = tmp_path / "new.html", tmp_path / "previous.html", tmp_path / "site.html"
    source.write_text("new", "utf-8")
    live.write_text("previous build", "utf-8")
    link_or_copy(live, target)  # the previous build's file, linked into the site being assembled
    link_or_copy(source, target)
    assert target.samefile(source)
    assert live.read_text("utf-8") == "previous build"  # the live file was not written through


def test_a_cache_entry_already_there_is_kept(tmp_path):
    source, target = tmp_path / "a.nq", tmp_path / "b.nq"
    source.write_text("<a> <b> <c> .\n", "utf-8")
    target.write_text("kept", "utf-8")
    link_or_copy(source, target, keep_existing=True)
    assert target.read_text("utf-8") == "kept" and not target.samefile(source)
    target.unlink()
    link_or_copy(source, target, keep_existing=True)
    assert target.samefile(source)


def test_where_no_hard_link_can_be_made_the_copy_is_a_new_file_too(tmp_path, monkeypatch):
    source, live, target = tmp_path / "new.html", tmp_path / "previous.html", tmp_path / "site.html"
    source.write_text("new", "utf-8")
    live.write_text("previous build", "utf-8")
    os.link(live, target)

    def across_disks(*_):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(files.os, "link", across_disks)
    link_or_copy(source, target, keep_existing=True)
    assert target.samefile(live)  # kept
    link_or_copy(source, target)
    assert target.read_text("utf-8") == "new" and not target.samefile(source)
    assert live.read_text("utf-8") == "previous build"
