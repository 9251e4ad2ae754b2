"""atomic.py: a staged folder replaces its target only when the block succeeds."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from build_tools.runtime.atomic import previous_output, remove_previous_outputs, staged_folder, staging_prefix


def test_new_target_is_created(tmp_path):
    with staged_folder(tmp_path / "site") as folder:
        (folder / "index.html").write_text("new")
    assert (tmp_path / "site/index.html").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_existing_target_is_replaced_whole(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site/old.html").write_text("old")
    with staged_folder(tmp_path / "site") as folder:
        (folder / "index.html").write_text("new")
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["index.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_failure_inside_the_block_keeps_the_target_and_cleans_up(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site/old.html").write_text("old")
    with pytest.raises(RuntimeError):
        with staged_folder(tmp_path / "site") as folder:
            (folder / "half.html").write_text("half")
            raise RuntimeError("writer failed")
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["old.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_kept_previous_output_waits_beside_the_target_until_it_is_removed(tmp_path):
    for version in ("one", "two", "three"):
        with staged_folder(tmp_path / "site", keep_previous=True) as folder:
            (folder / "index.html").write_text(version)
    assert (tmp_path / "site/index.html").read_text() == "three"
    assert previous_output(tmp_path / "site") == tmp_path / ".site-previous"
    assert (tmp_path / ".site-previous/index.html").read_text() == "two"  # only the last one replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-previous", "site"]
    remove_previous_outputs(tmp_path / "site", tmp_path / "never-built")
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_failed_block_keeps_the_previous_output_where_it_was(tmp_path):
    for version in ("one", "two"):
        with staged_folder(tmp_path / "site", keep_previous=True) as folder:
            (folder / "index.html").write_text(version)
    with pytest.raises(RuntimeError):
        with staged_folder(tmp_path / "site", keep_previous=True) as folder:
            raise RuntimeError("writer failed")
    assert (tmp_path / "site/index.html").read_text() == "two"
    assert (tmp_path / ".site-previous/index.html").read_text() == "one"


def test_folders_left_by_a_build_that_was_killed_are_removed_by_the_next(tmp_path):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    killed = tmp_path / f".site-building-{ended.stdout.strip()}-x1y2"  # as a killed build left it
    (killed / "policies").mkdir(parents=True)
    running = tmp_path / f"{staging_prefix('site_index')}a3b4"  # a build still running (this process)
    running.mkdir()
    (tmp_path / "site").mkdir()
    (tmp_path / ".site-building-notes").mkdir()  # not of a build
    remove_previous_outputs(tmp_path / "site", tmp_path / "site_index")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-building-notes", running.name, "site"]
    assert str(os.getpid()) in running.name
