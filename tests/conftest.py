"""Shared test helpers: small content trees written into a temporary folder."""

from __future__ import annotations

import os

import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
CORPUS = ROOT.parent / "shared" / "corpus" / "content"
TODAY = "2026-11-23"

VALID_EXPLAINER = """\
---
title: 测试解读
summary: 一句话摘要。
department: 江苏省财政厅
region: 江苏省
topics: [财税]
published: 2023-01-01
---

正文。
"""


def pytest_configure(config):
    # The parsed files that `policy check` and `build` keep between runs (loadcache.py) go to a
    # folder of this test run, not the user's cache; the tests and the processes they start share it.
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="policy-test-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the mini content tree that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    return target


def write(folder: Path, relative: str, text: str | bytes) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def save(path: Path, text: str) -> None:
    """Write as an editor saves: a watcher sees the file as changed even within one tick of the file system's clock."""
    path.write_text(text, encoding="utf-8")
    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def project(content: Path) -> Path:
    """A project folder: the `content` copy plus the site configuration beside it."""
    shutil.copy(ROOT / "mkdocs.yml", content.parent / "mkdocs.yml")
    shutil.copytree(ROOT / "theme", content.parent / "theme")
    return content.parent


def run_policy(folder: Path, *args: str):
    """`policy ARGS` run in `folder`, as a user would type it there."""
    from click.testing import CliRunner

    from build_tools.cli import cli

    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(cwd)
