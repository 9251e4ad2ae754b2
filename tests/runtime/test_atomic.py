"""atomic.py: a staged folder replaces its target only when the block succeeds; several are published as one unit."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.runtime import atomic
from build_tools.runtime.atomic import previous_output, recover_publish, remove_previous_outputs, staged_folder, staged_folders, staging_prefix


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


# --- several outputs published as one unit ---------------------------------------------------


def _outputs(tmp_path, version):
    """site/ and search_index/ as a build `version` left them."""
    for name in ("site", "search_index"):
        (tmp_path / name).mkdir(exist_ok=True)
        (tmp_path / name / "version").write_text(version)


def _versions(tmp_path):
    return [(tmp_path / name / "version").read_text() for name in ("site", "search_index")]


def test_staged_outputs_replace_their_targets_together(tmp_path):
    _outputs(tmp_path, "old")
    with staged_folders(tmp_path / "site", tmp_path / "search_index", keep_previous=True) as folders:
        for folder in folders:
            (folder / "version").write_text("new")
        assert _versions(tmp_path) == ["old", "old"]  # nothing is published before the block ends
    assert _versions(tmp_path) == ["new", "new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".search_index-previous", ".site-previous", "search_index", "site"]


def test_when_the_second_swap_fails_the_first_is_swapped_back(tmp_path, monkeypatch):
    _outputs(tmp_path, "old")
    real = atomic._swap_in
    calls = []

    def second_fails(staging, target):
        calls.append(target.name)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return real(staging, target)

    monkeypatch.setattr(atomic, "_swap_in", second_fails)
    with pytest.raises(OSError, match="No space left"):
        with staged_folders(tmp_path / "site", tmp_path / "search_index", keep_previous=True) as folders:
            for folder in folders:
                (folder / "version").write_text("new")
    assert calls == ["site", "search_index"]
    assert _versions(tmp_path) == ["old", "old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["search_index", "site"]  # no staging folder, no journal


def test_a_publish_killed_between_its_two_swaps_is_undone_by_the_next_build(tmp_path):
    # kill -9 (or a power cut) between the swaps leaves the new site with the old index; the journal lets the
    # next build, under the lock, put the old site back before anything else.
    _outputs(tmp_path, "old")
    program = f"""
import os, signal
from pathlib import Path
from build_tools.runtime import atomic
real, calls = atomic._swap_in, []
def swap(staging, target):
    calls.append(target)
    if len(calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(staging, target)
atomic._swap_in = swap
root = Path({str(tmp_path)!r})
with atomic.staged_folders(root / "site", root / "search_index", keep_previous=True) as folders:
    for folder in folders:
        (folder / "version").write_text("new")
"""
    killed = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _versions(tmp_path) == ["new", "old"]  # the mixture the journal is for
    assert atomic.journal_of(tmp_path / "site").exists()
    assert recover_publish(tmp_path / "site") is True
    assert _versions(tmp_path) == ["old", "old"]
    remove_previous_outputs(tmp_path / "site", tmp_path / "search_index")  # the dead build's staging folders
    assert sorted(p.name for p in tmp_path.iterdir()) == ["search_index", "site"]
    assert recover_publish(tmp_path / "site") is False


def test_a_new_target_is_published_without_replacing_anything(tmp_path):
    with staged_folders(tmp_path / "out/site", tmp_path / "out/search_index") as folders:
        for folder in folders:
            (folder / "version").write_text("new")
    assert [(tmp_path / "out" / name / "version").read_text() for name in ("site", "search_index")] == ["new", "new"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["search_index", "site"]


def test_a_staging_folder_is_absolute_whatever_the_target(tmp_path, monkeypatch):
    # MkDocs reads a relative site folder from the settings file's folder: the staging folder must not be relative.
    monkeypatch.chdir(tmp_path)
    with staged_folder(Path("out/site")) as folder:
        assert folder.is_absolute() and folder.parent == tmp_path / "out"
        (folder / "index.html").write_text("new")
    assert (tmp_path / "out/site/index.html").read_text() == "new"
