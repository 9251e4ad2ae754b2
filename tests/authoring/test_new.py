"""`policy new`: the `apply:` skeleton it writes is valid as written, and valid once filled in."""

from __future__ import annotations

import datetime as dt
import re

from build_tools.build.pipeline import check_content
from build_tools.models import Application
from conftest import run_policy

FIELDS = ("start", "end", "period", "url", "channel", "address", "amount", "amount_yuan", "no_application")


def new_file(content) -> str:
    result = run_policy(content.parent, "new", "sucrong-loan", "--department", "江苏省财政厅")
    assert result.exit_code == 0, result.output
    return (content / "policies/sucrong-loan.md").read_text(encoding="utf-8")


def read_back(content, text: str):
    (content / "policies/sucrong-loan.md").write_text(text, encoding="utf-8")
    loaded, issues = check_content(content)
    return next((e.apply for e in loaded.explainers if e.slug == "sucrong-loan"), "no explainer"), [i for i in issues if i.is_error]


def fill(text: str, **values: str) -> str:
    """The file with the apply fields given set, each keeping its comment."""
    before, block = text.split("\napply:", 1)
    for key, value in values.items():
        block, count = re.subn(rf"^(  {key}:)[^#\n]*(#.*)$", rf"\1 {value}   \2", block, count=1, flags=re.MULTILINE)
        assert count == 1, key
    return f"{before}\napply:{block}"


def test_every_apply_field_is_written_with_a_chinese_comment(content):
    text = new_file(content)
    assert re.search(r"^apply:\s+# 可选：如何申请", text, re.MULTILINE)
    for key in FIELDS:
        line = re.search(rf"^  {key}:.*$", text, re.MULTILINE)
        assert line and "# " in line[0] and re.search(r"[\u4e00-\u9fff]", line[0].split("#", 1)[1]), key


def test_the_skeleton_as_written_is_no_block(content):
    assert read_back(content, new_file(content)) == (None, [])


def test_the_skeleton_filled_in_is_read(content):
    text = fill(
        new_file(content),
        start="2026-11-16",
        end="2026-12-15",
        url="https://www.example.gov.cn/apply",
        amount='"单户每年最高30万元"',
    )
    application, errors = read_back(content, text)
    assert errors == []
    assert application == Application(
        start=dt.date(2026, 11, 16),
        end=dt.date(2026, 12, 15),
        url="https://www.example.gov.cn/apply",
        amount="单户每年最高30万元",
        amount_yuan=300_000.0,
        line=application.line,
    )


def test_the_skeleton_turned_to_no_application_as_its_comment_says(content):
    application, errors = read_back(content, fill(new_file(content), no_application="true"))
    assert errors == [] and application is not None and application.no_application
