"""`policy report`: the editors' work queue, run as a user runs it, in each format and on each date."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import VALID_EXPLAINER, run_policy, write

TODAY = "2026-11-23"
KEYS = ["expiring", "expired_without_successor", "stale_answers", "unconfirmed_answers", "without_faq", "empty_departments", "empty_topics", "without_apply"]

HOTLINE = """\
---
title: 南京税务热线问答
date: 2024-03-01
kind: hotline
departments: [国家税务总局南京市税务局]
---

## 问：<b>急</b>留抵退税怎么申请？请回电 13812345678

政策：refund-2023

答：按月申请。

## 问：小微企业留抵退税多久到账？

政策：refund-2023

答：一般十个工作日。

## 问：发票丢了怎么办？

答：到办税服务厅补办。
"""


@pytest.fixture
def project(content: Path) -> Path:
    """The mini content with one of each kind of work (besides what it has: refund-2023 lapsed, no successor)."""
    lapsing = VALID_EXPLAINER.replace("测试解读", "到期解读").replace("published: 2023-01-01", "published: 2023-01-01\nexpires: 2026-12-10")
    write(content, "policies/lapsing.md", lapsing)  # expires: on line 8
    applied = VALID_EXPLAINER.replace("测试解读", "有申报信息的解读").replace("published: 2023-01-01", "published: 2023-01-01\napply:\n  channel: 线上办理")
    write(content, "policies/applied.md", applied)
    write(content, "qa/hotline-2024.md", HOTLINE)
    taxonomy = content / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("audiences:", "  - name: 就业\n    id: jobs\naudiences:"), encoding="utf-8")
    return content.parent


def report(folder: Path, *args: str) -> dict:
    result = run_policy(folder, "report", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def by_key(document: dict) -> dict[str, dict]:
    return {category["key"]: category for category in document["categories"]}


def ids(category: dict) -> list[str]:
    return [item["id"] for item in category["items"]]


def test_each_kind_of_work_with_its_file_and_line(project):
    work = by_key(report(project, "--today", TODAY))
    assert list(work) == KEYS
    expiring = work["expiring"]["items"]
    assert expiring == [{"path": "content/policies/lapsing.md", "line": 8, "title": "到期解读", "detail": "2026-12-10 到期，还有 17 天", "id": "lapsing"}]
    assert ids(work["expired_without_successor"]) == ["refund-2023"]  # economy-2022 is lapsed too, but replaced
    assert work["expired_without_successor"]["items"][0]["path"] == "content/policies/refund-2023.md"

    stale = work["stale_answers"]
    assert ids(stale) == ["refund-2023"] and stale["count"] == 2  # two answers, grouped under their policy
    answers = stale["items"][0]["items"]
    assert [(a["path"], a["line"]) for a in answers] == [("content/qa/hotline-2024.md", 8), ("content/qa/hotline-2024.md", 14)]
    assert all(a["id"].startswith("q-") for a in answers)

    unconfirmed = work["unconfirmed_answers"]["items"]
    assert [(a["title"], a["line"]) for a in unconfirmed] == [("发票丢了怎么办？", 20)]

    assert set(ids(work["without_faq"])) == {"loan-2027", "lapsing", "applied"}  # economy-2023's session answers rest on it
    assert work["empty_departments"]["items"] == [
        {"path": "content/departments.yml", "line": 9, "title": "国家税务总局南京市税务局", "detail": "1 篇解读均已不再有效", "id": "nj-tax"}
    ]
    assert [(t["id"], t["path"], t["detail"]) for t in work["empty_topics"]["items"]] == [("jobs", "content/taxonomy.yml", "还没有解读")]
    assert set(ids(work["without_apply"])) == {"economy-2023", "loan-2027", "lapsing"}  # not applied, not the lapsed ones


def test_the_public_text_is_redacted_and_shown_as_text(project):
    document = report(project, "--today", TODAY)
    questions = [a["title"] for a in by_key(document)["stale_answers"]["items"][0]["items"]]
    assert "13812345678" not in json.dumps(document, ensure_ascii=False) and any("138****5678" in q for q in questions)
    markdown = run_policy(project, "report", "--format", "markdown", "--today", TODAY).output
    assert "<b>" not in markdown and "&lt;b&gt;" not in markdown and "急留抵退税怎么申请" in markdown  # the board's markup read as text
    assert "13812345678" not in run_policy(project, "report", "--today", TODAY).output


def test_today_decides_what_is_due(project):
    later = by_key(report(project, "--today", "2026-12-11"))  # lapsing lapsed the day before
    assert ids(later["expiring"]) == []
    assert ids(later["expired_without_successor"]) == ["lapsing", "refund-2023"]  # the newest lapse first
    assert "lapsing" not in ids(later["without_apply"]) and "lapsing" not in ids(later["without_faq"])
    earlier = by_key(report(project, "--today", "2026-11-01"))  # 39 days before it lapses
    assert ids(earlier["expiring"]) == []
    assert report(project, "--today", TODAY) == report(project, "--today", TODAY)


def test_json_shape(project):
    document = report(project, "--today", TODAY)
    assert set(document) == {"today", "total", "counts", "categories"} and document["today"] == TODAY
    assert document["counts"] == {c["key"]: c["count"] for c in document["categories"]}
    assert document["total"] == sum(document["counts"].values()) > 0

    def check(item: dict) -> None:
        assert {"path", "line", "title", "detail", "id"} <= set(item) <= {"path", "line", "title", "detail", "id", "items"}
        assert isinstance(item["title"], str) and item["title"] and isinstance(item["id"], str)
        assert (item["path"] is None and item["line"] is None) or (isinstance(item["path"], str) and isinstance(item["line"], int) and item["line"] >= 1)
        for child in item.get("items", []):
            check(child)

    for category in document["categories"]:
        assert set(category) == {"key", "title", "advice", "count", "items"}
        assert category["count"] == sum(len(i.get("items", [])) or 1 for i in category["items"])
        for item in category["items"]:
            check(item)


def test_text_lists_path_line_per_item(project):
    result = run_policy(project, "report", "--today", TODAY)
    assert result.exit_code == 0
    assert "content/policies/lapsing.md:8: 到期解读 — 2026-12-10 到期，还有 17 天" in result.output
    assert re.search(r"^      content/qa/hotline-2024\.md:14: 小微企业留抵退税多久到账？$", result.output, re.MULTILINE)  # under its policy
    assert "30 天内到期的解读（1）" in result.output


def test_markdown_is_a_job_summary(project):
    result = run_policy(project, "report", "--format", "markdown", "--today", TODAY)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"## 编辑待办（{TODAY}）"
    assert "| 30 天内到期的解读 | 1 |" in lines and "| 没有现行有效解读的主题 | 1 |" in lines
    assert "- `content/policies/lapsing.md:8` 到期解读 — 2026-12-10 到期，还有 17 天" in lines
    assert "  - `content/qa/hotline-2024.md:14` 小微企业留抵退税多久到账？" in lines


def test_markdown_escapes_what_markdown_would_read(content):
    write(content, "policies/odd.md", VALID_EXPLAINER.replace("测试解读", "a*b*_c_ [链接](http://x) | `code`"))
    output = run_policy(content.parent, "report", "--format", "markdown", "--today", TODAY).output
    assert r"a\*b\*\_c\_ \[链接\](http://x) \| \`code\`" in output


def test_content_errors_stop_the_report_with_file_and_line(content):
    write(content, "policies/bad.md", VALID_EXPLAINER.replace("topics: [财税]", "topics: [没有的主题]"))
    result = run_policy(content.parent, "report", "--today", TODAY)
    assert result.exit_code == 1
    assert "content/policies/bad.md:6: topics" in result.output and "Traceback" not in result.output


def test_help_has_an_example():
    from click.testing import CliRunner

    from build_tools.cli import cli

    result = CliRunner().invoke(cli, ["report", "--help"])
    assert result.exit_code == 0 and "policy report --format markdown" in result.output
