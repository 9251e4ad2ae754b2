"""faq/links.py through the pipeline: each answer rests on its own policies (issue #20).

A question's own policies line, its session's `policies:` only when the question is about them,
an editor's decision over everything, suggestions that never cross regions, stale flags only for
the policies an answer rests on. On small trees made in the test from the mini fixture.
"""

from __future__ import annotations

import datetime as dt

from build_tools.build.pipeline import check_content, run_pipeline
from build_tools.models import LinkKind
from conftest import write

TODAY = dt.date(2026, 11, 23)

# refund-2023 (留抵退税, 南京市) lapsed on 2023-12-31; economy-2023 (江苏省, the 42 measures) is in force.
HOTLINE = """---
title: 12366热线问答
date: 2023-03-31
kind: hotline
departments: [江苏省财政厅]
policies: [{policies}]
---

## 问：疫情期间社保能缓缴吗？

答：2022年的阶段性缓缴政策已到期。

## 问：小微企业怎样申请退还增量留抵税额？
{line}
答：按月申请。

## 问：42条措施怎样降低企业生产经营成本？

答：降低用能、用地和物流成本。
"""


def hotline(content, policies: str = "refund-2023, economy-2023", line: str = "") -> None:
    write(content, "qa/h1.md", HOTLINE.format(policies=policies, line=line))


def links_of(site, words: str) -> list[tuple[str, LinkKind]]:
    entry = next(e for e in site.faq if words in e.question)
    return [(link.slug, link.kind) for link in entry.links]


def entry_page(site, words: str) -> str:
    entry = next(e for e in site.faq if words in e.question)
    return next(p for p in site.pages if p.src_path == f"faq/{entry.id}.md").markdown


def test_the_session_s_policies_are_the_basis_only_of_the_questions_about_them(content):
    hotline(content)
    site = run_pipeline(content, TODAY)
    assert ("refund-2023", LinkKind.EXPLICIT) in links_of(site, "增量留抵")
    assert ("economy-2023", LinkKind.EXPLICIT) not in links_of(site, "增量留抵")
    assert ("economy-2023", LinkKind.EXPLICIT) in links_of(site, "42条")
    assert ("refund-2023", LinkKind.EXPLICIT) not in links_of(site, "42条")
    assert [kind for _, kind in links_of(site, "社保")] == []  # about neither: no basis, no link


def test_a_session_s_only_policy_is_not_the_basis_of_a_question_that_shares_nothing_with_it(content):
    hotline(content, policies="refund-2023")
    site = run_pipeline(content, TODAY)
    assert links_of(site, "社保") == []
    assert links_of(site, "增量留抵") == [("refund-2023", LinkKind.EXPLICIT)]
    # the mini session names economy-2023 alone: 資金支持是否打折扣？ shares few words with it, but asks about it
    assert links_of(site, "打折扣") == [("economy-2023", LinkKind.EXPLICIT)]


def test_a_question_s_own_line_replaces_the_session_s_policies(content):
    hotline(content, policies="economy-2023", line="依据：refund-2023，economy-2022\n")
    site = run_pipeline(content, TODAY)
    assert links_of(site, "增量留抵") == [("refund-2023", LinkKind.EXPLICIT), ("economy-2022", LinkKind.EXPLICIT)]


def test_stale_flags_and_warnings_only_for_the_answer_s_own_policies(content):
    hotline(content)
    site = run_pipeline(content, TODAY)
    assert "此答复依据的政策已失效" in entry_page(site, "增量留抵")  # its own refund-2023 lapsed
    assert "此答复依据的政策" not in entry_page(site, "42条")  # economy-2023 is in force; refund-2023 is not its basis
    assert "此答复依据的政策" not in entry_page(site, "社保")
    _, issues = check_content(content, TODAY)
    warned = [(i.line, i.message.split(" / ")[0]) for i in issues if not i.is_error and i.path.endswith("qa/h1.md")]
    assert warned == [(13, "此答复依据的政策 refund-2023 已失效")]
    page = next(p for p in site.pages if p.src_path == "policies/refund-2023.md").markdown
    faq_part = page.split("## 常见问答", 1)[1] if "## 常见问答" in page else ""
    assert "增量留抵" in faq_part and "42条" not in faq_part and "社保" not in faq_part


def decide(content, entry_id: str, policy: str, decision: str) -> None:
    write(content, "faq-links.yml", f"- entry: {entry_id}\n  policy: {policy}\n  decision: {decision}\n")


def test_a_rejected_decision_wins_over_a_link_the_session_names(content):
    hotline(content)
    entry = next(e for e in run_pipeline(content, TODAY).faq if "增量留抵" in e.question)
    decide(content, entry.id, "refund-2023", "rejected")
    site = run_pipeline(content, TODAY)
    assert "refund-2023" not in [slug for slug, _ in links_of(site, "增量留抵")]
    assert "此答复依据的政策" not in entry_page(site, "增量留抵")
    _, issues = check_content(content, TODAY)
    assert [i for i in issues if not i.is_error and i.path.endswith("qa/h1.md")] == []


def test_a_rejected_decision_wins_over_the_question_s_own_line(content):
    hotline(content, line="政策：refund-2023\n")
    entry = next(e for e in run_pipeline(content, TODAY).faq if "增量留抵" in e.question)
    decide(content, entry.id, "refund-2023", "rejected")
    site = run_pipeline(content, TODAY)
    assert "refund-2023" not in [slug for slug, _ in links_of(site, "增量留抵")]


def test_a_confirmed_decision_makes_a_link_the_basis(content):
    hotline(content)
    entry = next(e for e in run_pipeline(content, TODAY).faq if "社保" in e.question)
    decide(content, entry.id, "refund-2023", "confirmed")
    site = run_pipeline(content, TODAY)
    assert links_of(site, "社保") == [("refund-2023", LinkKind.CONFIRMED)]
    assert "此答复依据的政策已失效" in entry_page(site, "社保")


GANSU_TAXONOMY_REGIONS = """
      - name: 甘肃省
        id: gs
      - name: 浙江省
        id: zj
"""
ZHEJIANG_EXPLAINER = """---
title: 浙江出台17条措施支持小微企业渡过难关
summary: 浙江帮助受疫情影响的小微企业渡过难关的17条措施。
department: 浙江省财政厅
region: 浙江省
topics: [财税]
published: 2020-02-10
---

帮助受疫情影响的小微企业渡过难关。
"""
NO_DEPARTMENT_SESSION = """---
title: 热线问答
date: 2020-03-02
kind: hotline
{departments}---

## 问：{question}

答：免收房租、减免税费。
"""


def with_two_provinces(content) -> None:
    taxonomy = (content / "taxonomy.yml").read_text(encoding="utf-8")
    write(content, "taxonomy.yml", taxonomy.rstrip("\n") + GANSU_TAXONOMY_REGIONS)
    departments = (content / "departments.yml").read_text(encoding="utf-8")
    departments += "- id: gs-czt\n  name: 甘肃省财政厅\n  region: 甘肃省\n- id: zj-czt\n  name: 浙江省财政厅\n  region: 浙江省\n"
    write(content, "departments.yml", departments)
    write(content, "policies/zhejiang-sme-17.md", ZHEJIANG_EXPLAINER)


def test_a_suggestion_never_links_a_question_asked_in_one_province_to_another_province_s_policy(content):
    with_two_provinces(content)
    write(content, "qa/h1.md", NO_DEPARTMENT_SESSION.format(departments="", question="甘肃省是如何帮助受疫情影响的小微企业渡过难关的？"))
    write(content, "qa/h2.md", NO_DEPARTMENT_SESSION.format(departments="departments: [甘肃省财政厅]\n", question="受疫情影响的小微企业怎样渡过难关？"))
    write(content, "qa/h3.md", NO_DEPARTMENT_SESSION.format(departments="", question="浙江是如何帮助受疫情影响的小微企业渡过难关的？"))
    write(content, "qa/h5.md", NO_DEPARTMENT_SESSION.format(departments="", question="国家出台了哪些措施帮助受疫情影响的小微企业渡过难关？"))
    # asked of a 江苏省 department: refund-2023 is a 南京市 explainer, inside 江苏省
    write(content, "qa/h4.md", NO_DEPARTMENT_SESSION.format(departments="departments: [江苏省财政厅]\n", question="小微企业怎样申请退还增量留抵税额？"))
    site = run_pipeline(content, TODAY)
    assert links_of(site, "甘肃省") == []  # named in the question
    assert links_of(site, "小微企业怎样渡过") == []  # the department's region
    assert links_of(site, "国家出台") == []  # asked of the whole country: national explainers only
    assert links_of(site, "浙江是") == [("zhejiang-sme-17", LinkKind.SUGGESTED)]  # the same province
    assert links_of(site, "增量留抵") == [("refund-2023", LinkKind.SUGGESTED)]  # a region below the one asked in
