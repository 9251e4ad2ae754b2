"""atomic.py: a staged folder replaces its target only when the block succeeds."""

from __future__ import annotations

import pytest

from build_tools.atomic import staged_folder


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
