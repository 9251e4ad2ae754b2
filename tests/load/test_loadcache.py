"""loadcache.py: the parsed content files kept between runs, read again only when changed."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import pytest

from build_tools.load import tree as load_module
from build_tools.load import cache as loadcache
from build_tools.load.tree import load_tree
from build_tools.load.cache import load_tree_cached
from conftest import VALID_EXPLAINER, write

ODD = """\
---
title：全角冒号的标题
summary: 一句话。
published: 2023-01-01
updated: 2023-01-01 08:30:00
2024: 数字作键
nested: {a: [1, 2.5, true, null, 2022-02-02]}
---

正文。
"""


def age(folder: Path, seconds: float = 60) -> None:
    """Make every file look saved `seconds` ago, as files are between two runs of a user."""
    then = time.time() - seconds
    for path in folder.rglob("*"):
        os.utime(path, (then, then))


@pytest.fixture
def parses(monkeypatch) -> list[Path]:
    """The content files parsed (not taken from the cache) from now on."""
    parsed: list[Path] = []
    real = load_module.load_markdown

    def counting(path, issues):
        parsed.append(path)
        return real(path, issues)

    monkeypatch.setattr(load_module, "load_markdown", counting)
    return parsed


def cache_files() -> list[Path]:
    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "policy").glob("content-*/*.json"))


def test_a_second_run_parses_only_the_file_that_changed(content, parses):
    age(content)
    load_tree_cached(content)
    assert len(parses) == 7
    parses.clear()
    load_tree_cached(content)
    assert parses == []
    changed = content / "policies/refund-2023.md"
    changed.write_text(changed.read_text(encoding="utf-8").replace("title:", "title: 新", 1), encoding="utf-8")
    age(changed, 30)
    tree = load_tree_cached(content)
    assert parses == [changed]
    assert next(d for d in tree.policies if d.path == changed).data["title"].startswith("新")


def test_cached_documents_and_problems_are_those_of_a_fresh_parse(content):
    write(content, "policies/odd.md", ODD)
    age(content)
    fresh = load_tree(content)
    load_tree_cached(content)
    cached = load_tree_cached(content)
    assert cached.policies == fresh.policies and cached.sessions == fresh.sessions
    assert cached.issues == fresh.issues
    assert any(issue.path.endswith("odd.md") for issue in cached.issues)  # the full-width colon, reported again
    odd = next(d for d in cached.policies if d.path.name == "odd.md")
    assert odd.data[2024] == "数字作键"  # a key JSON cannot hold: that file is parsed each time


def test_deleted_files_leave_the_cache_and_a_broken_cache_is_ignored(content, parses):
    age(content)
    load_tree_cached(content)
    (content / "policies/refund-2023.md").unlink()
    tree = load_tree_cached(content)
    assert "refund-2023.md" not in {d.path.name for d in tree.policies}
    stored = [entry for path in loadcache._cache_folder(content).glob("*.json") for entry in json.loads(path.read_text(encoding="utf-8"))]
    assert len(stored) == 6 and all("refund-2023" not in entry["path"] for entry in stored)
    for path in cache_files():
        path.write_text("{not json", encoding="utf-8")
    parses.clear()
    assert load_tree_cached(content).policies == tree.policies
    assert len(parses) == 6


def test_files_changed_just_now_are_read_again(content, parses):
    age(content, 0)
    load_tree_cached(content)  # the files were written a moment ago: a change within the same clock tick would keep their stamp
    parses.clear()
    load_tree_cached(content)
    assert len(parses) == 7


def test_the_cache_can_be_turned_off(content, parses, monkeypatch):
    monkeypatch.setenv("POLICY_CACHE", "off")
    age(content)
    before = cache_files()
    load_tree_cached(content)
    load_tree_cached(content)
    assert len(parses) == 14
    assert cache_files() == before


def test_each_working_folder_has_its_own_cache(content, monkeypatch):
    first = loadcache._cache_folder(content)
    monkeypatch.chdir(content)
    assert loadcache._cache_folder(content) != first  # messages show paths relative to the working folder


def test_a_changed_file_rewrites_one_part_of_the_cache(content):
    age(content)
    load_tree_cached(content)
    before = {path: path.stat().st_ino for path in cache_files()}
    changed = content / "policies/refund-2023.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    age(changed, 30)
    load_tree_cached(content)
    after = {path: path.stat().st_ino for path in cache_files()}
    assert after.keys() == before.keys()
    assert len([path for path in after if after[path] != before[path]]) == 1  # written anew: a new file


def test_an_apply_block_read_from_the_cache_is_the_one_parsed(content, parses):
    from build_tools.check import check_tree

    block = "apply:\n  start: 2026-11-16\n  end: 2026-12-15\n  amount: 单户最高30万元\n  amount_yuan: 300000\n  no_application: false\n"
    write(content, "policies/apply.md", VALID_EXPLAINER.replace("---\n\n", block + "---\n\n", 1))
    age(content)
    fresh, _ = check_tree(load_tree(content))
    load_tree_cached(content)
    parses.clear()
    cached, _ = check_tree(load_tree_cached(content))
    assert parses == []  # every file from the cache, the dates of the block included
    assert [e.apply for e in cached.explainers] == [e.apply for e in fresh.explainers]
    assert next(e.apply for e in cached.explainers if e.slug == "apply").end == dt.date(2026, 12, 15)
