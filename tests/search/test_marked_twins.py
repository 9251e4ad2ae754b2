"""`twins:` in the front matter: an author marks an explainer's version in the other script, so the two are
one result everywhere even when they share no 文号 and their titles differ once folded."""

from __future__ import annotations

import json

from build_tools.build.pipeline import check_content
from build_tools.check.report import format_text
from build_tools.text.twins import marked_twins, twin_key
from conftest import run_policy, write

def explainer_text(title: str, summary: str, day: int, body: str, more: str = "") -> str:
    return (f"---\ntitle: {title}\nsummary: {summary}\ndepartment: 江苏省财政厅\nregion: 江苏省\ntopics: [财税]\n"
            f"published: 2024-05-{day:02d}\n{more}---\n\n{body}\n")


SIMPLIFIED = explainer_text("企业纾困资金申请指南", "受影响企业可申请纾困资金，最高补助50万元。", 1, "受影响的中小企业可以申请纾困资金，按实际损失给予补助。")
TRADITIONAL = explainer_text("企業紓困補助辦理須知", "受影響企業可申請紓困資金，最高補助50萬元。", 2, "受影響的中小企業可以申請紓困資金，按實際損失給予補助。",
                             more="twins: [relief-guide]\n")


def test_marks_join_up_and_give_one_key():
    marked = marked_twins([("a", ["b"]), ("c", ["b"]), ("d", [])])
    assert marked == {"a": "a", "b": "a", "c": "a"}
    assert twin_key(None, "一个标题", marked["c"]) == twin_key("苏政发〔2023〕1号", "另一个標題", marked["b"])
    assert twin_key(None, "一个标题") != twin_key(None, "一个标题", "a")


def test_a_twin_that_names_no_explainer_is_an_error_at_its_line(content):
    path = write(content, "policies/relief-guide-hant.md", TRADITIONAL.replace("[relief-guide]", "[relief-guid]"))
    _, issues = check_content(content)
    lines = [line for line in format_text(issues).splitlines() if line.startswith(str(path))]
    assert len(lines) == 1 and lines[0].startswith(f"{path}:8: twins: 找不到政策解读“relief-guid”") and "no explainer with slug 'relief-guid'" in lines[0]


def test_marked_twins_are_one_result_in_policy_search_and_on_the_matching_page(project):
    content = project / "content"
    write(content, "policies/relief-guide.md", SIMPLIFIED)
    write(content, "policies/relief-guide-hant.md", TRADITIONAL)
    assert run_policy(project, "build", "--today", "2026-12-07").exit_code == 0
    result = run_policy(project, "search", "纾困", "--json")
    hits = [hit for hit in json.loads(result.stdout)["results"] if hit["slug"].startswith("relief-guide")]
    assert len(hits) == 1 and hits[0]["twin"]["url"] in ("policies/relief-guide/", "policies/relief-guide-hant/")
    records = [r for path in (project / "site" / "match" / "data").glob("*.json") for r in json.loads(path.read_text(encoding="utf-8"))["policies"]
               if r["slug"].startswith("relief-guide")]
    assert [r["slug"] for r in records] == ["relief-guide"] and records[0]["twin"]["slug"] == "relief-guide-hant"
