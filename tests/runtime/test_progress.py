"""Progress of `policy build`: live lines on a terminal, plain lines in CI logs and pipes."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from build_tools.cli import cli
from build_tools.runtime.progress import Progress, is_ci


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def ticking(*times: float):
    """A clock that returns `times` in turn."""
    values = iter(times)
    return lambda: next(values)


def test_plain_mode_prints_one_line_per_step_with_count_and_seconds():
    stream = io.StringIO()
    progress = Progress(stream, live=False, clock=ticking(0.0, 1.0, 3.5, 3.5, 4.0, 6.0, 6.0))
    with progress.step("MkDocs", 5547, "pages"):
        pass
    with progress.step("Whoosh"):
        pass
    assert stream.getvalue() == "MkDocs：5,547 pages: 2.5 s (total 3.5 s)\nWhoosh: 2.0 s (total 6.0 s)\n"


def test_live_mode_shows_the_running_step_and_rewrites_it_when_done():
    stream = Terminal()
    progress = Progress(stream, live=True, clock=ticking(0.0, 1.0, 3.5, 3.5))
    with progress.step("MkDocs", 12, "pages"):
        assert stream.getvalue() == "\r\x1b[2K… MkDocs：12 pages"
    assert stream.getvalue().endswith("\r\x1b[2K✓ MkDocs：12 pages  2.5 秒 / s（累计 3.5 秒）\n")


def test_a_failed_step_is_marked_on_a_terminal_and_the_error_passes():
    stream = Terminal()
    progress = Progress(stream, live=True, clock=ticking(0.0, 1.0))
    with pytest.raises(ValueError):
        with progress.step("Pagefind"):
            raise ValueError("broken")
    assert stream.getvalue().endswith("\r\x1b[2K✗ Pagefind\n")


def test_mode_follows_the_terminal_and_the_ci_variables():
    assert Progress.for_stream(Terminal(), environ={}).live
    assert not Progress.for_stream(Terminal(), environ={"CI": "true"}).live
    assert not Progress.for_stream(Terminal(), environ={"GITHUB_ACTIONS": "true"}).live
    assert not Progress.for_stream(io.StringIO(), environ={}).live
    assert is_ci({"GITLAB_CI": "1"}) and not is_ci({"CI": "false"}) and not is_ci({})


def test_quiet_progress_prints_nothing():
    stream = io.StringIO()
    progress = Progress(stream, quiet=True)
    with progress.step("MkDocs", 3, "pages"):
        pass
    assert stream.getvalue() == ""


def test_build_in_a_ci_log_prints_plain_step_lines(content, project, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["build", "--today", "2026-11-23"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if " s (total " in line]
    assert [line.split("：")[0].split(":")[0] for line in lines] == [
        "检查内容 / check, FAQ", "生成页面 / pages", "页面指纹 / page fingerprints", "网站 / site (MkDocs)", "检索索引 / search index (Whoosh) after MkDocs",
        "站内搜索 / site search (Pagefind)", "检索索引 / search index (Whoosh) after Pagefind",
        "等待检索索引 / waiting for the search indexes"]
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    assert "built " in result.stdout
