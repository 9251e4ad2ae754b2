"""check/qa_body.py and documents.py: a question's own policies line (政策：… / 依据：…), parsed and checked at its line."""

from __future__ import annotations

import pytest

from build_tools.build.pipeline import check_content
from build_tools.check import check_tree
from build_tools.check.qa_body import parse_body
from build_tools.load.tree import load_tree
from conftest import write

SESSION = """---
title: 热线
date: 2023-03-01
kind: hotline
policies: [economy-2023]
---

## 问：留抵退税多久能到账？

{line}

答（江苏省财政厅）：一般几个工作日。

## 问：资金支持是否打折扣？

答：不打折扣。
"""


def session_pairs(content, text: str):
    """The pairs of qa/h1.md (None when it has errors) and its issues."""
    write(content, "qa/h1.md", text)
    checked, issues = check_tree(load_tree(content))
    session = next((s for s in checked.sessions if s.slug == "h1"), None)
    return session and session.pairs, [(i.line, i.field, i.message) for i in issues if i.path.endswith("qa/h1.md")]


@pytest.mark.parametrize(
    "line",
    [
        "政策：refund-2023, economy-2022",
        "政策：refund-2023，economy-2022",
        "依据：refund-2023、economy-2022",
        "依據: refund-2023 ,economy-2022",
        "政策:refund-2023,economy-2022",
    ],
)
def test_a_question_names_its_own_policies_on_a_line_under_it(content, line):
    pairs, issues = session_pairs(content, SESSION.format(line=line))
    assert issues == []
    assert pairs[0].policies == ("refund-2023", "economy-2022")
    assert pairs[0].policies_line == 10
    assert pairs[0].details == ""  # the line is not published as the question's text
    assert pairs[1].policies == () and pairs[1].policies_line is None


def test_the_line_may_follow_the_asker_line_and_precede_the_details():
    body = "## 问：留抵退税多久能到账？\n\n提问：某企业\n政策：refund-2023\n\n我们上月提交了申请。\n\n答：几个工作日。\n"
    (pair,), problems = parse_body(body, 1)
    assert problems == []
    assert (pair.asker, pair.policies, pair.policies_line, "\n".join(pair.details).strip()) == ("某企业", ["refund-2023"], 4, "我们上月提交了申请。")


def test_an_unknown_slug_is_an_error_at_its_line_with_the_closest_slug(content):
    _, issues = session_pairs(content, SESSION.format(line="政策：refund-2023, econmy-2022"))
    assert [(line, field) for line, field, _ in issues] == [(10, "policies")]
    zh, en = issues[0][2].split(" / ")
    assert zh.startswith("找不到政策解读“econmy-2022”，是否应为：economy-2022")
    assert en.startswith("no explainer with slug 'econmy-2022'; did you mean: economy-2022")


def test_policy_check_reports_the_unknown_slug_and_the_content_is_not_built(content):
    write(content, "qa/h1.md", SESSION.format(line="依据：refund-2032"))
    _, issues = check_content(content)
    errors = [(i.line, i.field) for i in issues if i.is_error and i.path.endswith("qa/h1.md")]
    assert errors == [(10, "policies")]


def test_a_value_that_is_not_a_slug_is_an_error_at_the_line(content):
    _, issues = session_pairs(content, SESSION.format(line="政策：Refund-2023.md"))
    assert [(line, field) for line, field, _ in issues] == [(10, "policies")]
    assert "refund-2023" in issues[0][2]  # the fix: the file name without .md, in lowercase


@pytest.mark.parametrize(
    "body, line, message",
    [
        ("## 问：留抵退税多久能到账？\n政策：\n答：几天。\n", 2, "政策行为空"),
        ("## 问：留抵退税多久能到账？\n政策：refund-2023\n依据：economy-2023\n答：几天。\n", 3, "已在第 2 行写了政策"),
        ("## 问：留抵退税多久能到账？\n我们上月提交了申请。\n政策：refund-2023\n答：几天。\n", 3, "政策行应紧跟在问题标题"),
    ],
)
def test_misplaced_empty_or_repeated_lines_are_problems_at_their_line(body, line, message):
    _, problems = parse_body(body, 1)
    assert [(p.line, message in p.message) for p in problems] == [(line, True)]


def test_text_of_the_public_that_starts_like_the_line_stays_the_question_s_details():
    body = "## 问：咨询政策\n我想咨询一下，\n政策：对小微企业有没有倾斜？\n答：有。\n"
    (pair,), problems = parse_body(body, 1)
    assert problems == [] and pair.policies == []
    assert pair.details == ["我想咨询一下，", "政策：对小微企业有没有倾斜？"]
