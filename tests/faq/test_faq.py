"""faq/: merging, counting, linking, staleness, importing — on small trees made in the test."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from build_tools.runtime.background import Background
from build_tools.cli import cli
from build_tools.faq import links
from build_tools.faq.merge import cluster
from build_tools.models import Explainer, LinkKind, Region
from build_tools.build.pipeline import check_content, run_pipeline
from build_tools.text.analysis import Analyzer
from conftest import write

TODAY = dt.date(2026, 11, 23)


def groups(*questions: str) -> list[list[int]]:
    return cluster(list(questions), Analyzer())


@pytest.mark.parametrize("a, b", [
    ("疫情期间社保能缓缴吗", "疫情期間社保可以緩繳嗎？"),
    ("请求合理设置L市城区的28路公交车终点站", "请求L市合理设置城区的28路公交车终点站"),
    ("小规模纳税人季度销售额不到30万元，还需要申报吗？", "小规模纳税人季度销售额不到30万元，是否需要申报"),
    ("四川对承租国有资产类经营用房的中小企业有哪些政策？", "四川对承租国有资产类经营用房的中小企业有哪些优待政策？"),
    # measured in issue #20: other modal or question words, and traditional script
    ("疫情期间，企业社保费能不能缓缴？", "疫情期間企業社保費可以緩繳嗎"),
    ("小微企业怎么申请增值税留抵退税？", "小微企業如何申請增值稅留抵退稅"),
    ("纳税信用等级在哪里查询？", "请问纳税信用等级在哪儿查询呢？谢谢"),
    ("缓缴期限最长三个月吗？", "緩繳期限最長3個月嗎"),
])
def test_the_same_question_in_other_words_is_merged(a, b):
    assert groups(a, b) == [[0, 1]]


@pytest.mark.parametrize("a, b", [
    ("小微企业增值税减免政策有哪些？", "小微企业所得税减免政策有哪些？"),
    ("2020年社保费可以缓缴吗", "2021年社保费可以缓缴吗"),
    ("浙江省规定对于定向捐赠的款物如何处理？", "浙江省规定对于非定向捐赠的款物如何处理？"),
    ("企业如何了解北京市东城区劳动能力鉴定工作流程？", "个人如何了解北京市东城区劳动能力鉴定工作流程？"),
    ("南充市如何降低中小企业融资成本？", "泰州市如何降低中小企业融资成本？"),
    ("北京市2020年社保费可以缓缴吗", "上海市2020年社保费可以缓缴吗"),
    ("北京市哪些中小微企业可以办理停征污水处理费？", "北京市中小微企业停征污水处理费的办理时间？"),
])
def test_questions_that_share_words_but_ask_different_things_stay_apart(a, b):
    assert groups(a, b) == [[0], [1]]


SESSION = """---
title: {title}
date: {date}
kind: hotline
{extra}---

## 问：疫情期间社保能缓缴吗？

答（江苏省财政厅）：{answer}
"""


def test_entry_keeps_every_occurrence_newest_first_with_its_count(content):
    write(content, "qa/h1.md", SESSION.format(title="热线一", date="2023-03-01", extra="", answer="旧答复。"))
    write(content, "qa/h2.md", SESSION.format(title="熱線二", date="2023-06-01", extra="", answer="新答复。").replace("疫情期间社保能缓缴吗？", "疫情期間社保可以緩繳嗎"))
    site = run_pipeline(content, TODAY)
    entry = next(e for e in site.faq if "社保" in e.question)
    assert entry.ask_count == 2
    assert [o.session.slug for o in entry.occurrences] == ["h2", "h1"]
    assert entry.answer == "新答复。"
    page = next(p for p in site.pages if p.src_path == f"faq/{entry.id}.md").markdown
    assert page.index("新答复") < page.index("## 历次答复") < page.index("旧答复")


def test_entry_ids_are_stable_when_newer_askings_arrive(content):
    write(content, "qa/h1.md", SESSION.format(title="热线一", date="2023-03-01", extra="", answer="答复。"))
    before = {e.question: e.id for e in run_pipeline(content, TODAY).faq}
    write(content, "qa/h2.md", SESSION.format(title="热线二", date="2024-01-01", extra="", answer="更新。").replace("社保能缓缴吗？", "社保可以缓缴吗"))
    after = run_pipeline(content, TODAY).faq
    assert next(e.id for e in after if e.ask_count == 2) == before["疫情期间社保能缓缴吗？"]


def test_explicit_links_and_suggestions(content):
    session = SESSION.format(title="热线", date="2023-03-01", extra="policies: [refund-2023]\n", answer="几个工作日。")
    write(content, "qa/h1.md", session.replace("疫情期间社保能缓缴吗？", "留抵退税多久能到账？"))
    write(content, "qa/h2.md", """---
title: 热线
date: 2023-04-01
kind: hotline
---

## 问：小微企业怎样申请退还增量留抵税额？

答：按月申请。
""")
    site = run_pipeline(content, TODAY)
    explicit = next(e for e in site.faq if "到账" in e.question)
    assert [(l.slug, l.kind) for l in explicit.links] == [("refund-2023", LinkKind.EXPLICIT)]
    suggested = next(e for e in site.faq if "增量留抵" in e.question)
    assert [(l.slug, l.kind) for l in suggested.links] == [("refund-2023", LinkKind.SUGGESTED)]
    result = CliRunner().invoke(cli, ["faq", "links", "--content", str(content), "--today", "2026-11-23", "--format", "yaml"])
    assert f"- entry: {suggested.id}" in result.output and "policy: refund-2023" in result.output

    write(content, "faq-links.yml", f"- entry: {suggested.id}\n  policy: refund-2023\n  decision: rejected\n")
    assert next(e for e in run_pipeline(content, TODAY).faq if "增量留抵" in e.question).links == []
    write(content, "faq-links.yml", f"- entry: {suggested.id}\n  policy: economy-2023\n  decision: confirmed\n")
    confirmed = next(e for e in run_pipeline(content, TODAY).faq if "增量留抵" in e.question)
    assert [(l.slug, l.kind) for l in confirmed.links] == [("economy-2023", LinkKind.CONFIRMED)]


def test_faq_links_file_is_checked(content):
    write(content, "faq-links.yml", "- entry: q-nothing\n  policy: nope\n  decision: maybe\n- entry: q-gone\n  policy: economy-2023\n  decision: confirmed\n")
    _, issues = check_content(content, TODAY)
    assert [(i.line, i.field, i.is_error) for i in issues if i.path.endswith("faq-links.yml")] == [
        (2, "0.policy", True),
    ]
    write(content, "faq-links.yml", "- entry: q-gone\n  policy: economy-2023\n  decision: confirmed\n")
    _, issues = check_content(content, TODAY)
    assert [(i.line, i.field, i.is_error) for i in issues if i.path.endswith("faq-links.yml")] == [(1, "entry", False)]


def test_stale_answers_are_flagged_and_warned(content):
    session = SESSION.format(title="热线", date="2023-03-01", extra="departments: [江苏省财政厅]\n", answer="可以。")
    write(content, "qa/h1.md", session.replace("缓缴吗？\n", "缓缴吗？\n\n政策：refund-2023, economy-2022\n"))  # the question's own policies
    site = run_pipeline(content, TODAY)
    entry = next(e for e in site.faq if "社保" in e.question)
    page = next(p for p in site.pages if p.src_path == f"faq/{entry.id}.md").markdown
    assert "此答复依据的政策已失效" in page and "此答复依据的政策已被替代" in page
    assert 'href="../../policies/economy-2023/"' in page  # the replacement
    _, issues = check_content(content, TODAY)
    warnings = [i for i in issues if not i.is_error and i.path.endswith("qa/h1.md")]
    assert [(w.line, w.field) for w in warnings] == [(8, "answer"), (8, "answer")]
    assert "refund-2023 已失效" in warnings[0].message


def test_explainer_page_lists_its_faq_entries(content):
    site = run_pipeline(content, TODAY)
    page = next(p for p in site.pages if p.src_path == "policies/economy-2023.md").markdown
    assert "## 常见问答" in page and "中小企业能否继续享受优惠政策？" in page


WORDS = "政策 企业 申请 办理 条件 补贴 标准 流程 材料 期限 社保 缓缴 增值税 留抵 退税 稳岗 租金 减免 贷款 贴息 担保 创业 就业 培训 出口 物流 研发 专利".split()


def explainer(slug: str, title: str, published: dt.date) -> Explainer:
    return Explainer(slug, Path(f"{slug}.md"), title, "", None, None, [], published, "")


def every_explainer_scored(explainers: list[Explainer], question: str, analyzer: Analyzer, allowed: set[str] | None = None) -> tuple[str, float] | None:
    """The suggestion as links.py defines it, by scoring every explainer (of those `allowed`): the reference for the index."""
    profiles = {e.slug: set(analyzer.term_counts(e.title)) for e in explainers}
    frequency = Counter(word for words in profiles.values() for word in words)
    weight = {word: math.log(1 + len(explainers) / count) for word, count in frequency.items()}
    words = {t.text for t in analyzer.analyze(question, "query") if t.boost == 1}
    known = [w for w in words if w in weight]
    total = sum(weight[w] for w in known) + math.log(1 + len(explainers)) * (len(words) - len(known))
    scored = [(math.fsum(weight[w] for w in known if w in profiles[e.slug]), e.published, e.slug) for e in explainers if allowed is None or e.slug in allowed]
    score, _, slug = max(scored)
    matched = sum(w in profiles[slug] for w in known)
    if len(known) < 2 or score / total < links.SUGGEST_COVERAGE or matched < 2:
        return None
    return slug, round(score / total, 3)


@pytest.mark.parametrize("dense, in_two_processes", [(0, False), (links.DENSE, False), (10**9, False), (links.DENSE, True)])
def test_suggestions_are_the_best_scoring_explainer_whether_words_are_kept_as_bit_sets_or_lists(dense, in_two_processes, monkeypatch):
    # 300 explainers: the commonest words are in over a hundred of them, the rarest in a few;
    # many share a title, so ties (newest, then the greater slug) are decided too.
    monkeypatch.setattr(links, "DENSE", dense)
    forks = []
    if in_two_processes:  # a forked process answers the second half of the questions
        monkeypatch.setattr(links, "PARALLEL_FROM", 2)
        monkeypatch.setattr(links, "Background", lambda *args: forks.append(args) or Background(*args))
    rng = random.Random(7)
    analyzer = Analyzer()
    explainers = [explainer(f"p{n}", "".join(rng.sample(WORDS[: rng.choice((6, 12, 28))], 4)), dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(40)))
                  for n in range(300)]
    questions = ["".join(rng.sample(WORDS[: rng.choice((6, 12, 28))], rng.randint(2, 5))) + "吗" for _ in range(300)]
    matcher = links.ExplainerMatcher(explainers, analyzer)
    found = [(m[0].slug, m[1]) if m else None for m in matcher.best_of_each(questions)]
    assert found == [every_explainer_scored(explainers, q, analyzer) for q in questions]
    assert sum(f is not None for f in found) > 50  # the questions do find explainers
    assert len(forks) == in_two_processes


def test_a_suggestion_among_many_alike_is_the_newest():
    analyzer = Analyzer()
    explainers = [explainer(f"refund-{n:03}", "增值税留抵退税办理流程", dt.date(2023, 1, 1) + dt.timedelta(days=n % 50)) for n in range(200)]
    best = links.ExplainerMatcher(explainers, analyzer).best("增值税留抵退税怎么办理？")
    assert best and best[0].slug == "refund-199"  # the newest date (day 49: refund-049 … -199), then the greatest slug


@pytest.mark.parametrize("dense, in_two_processes", [(0, False), (links.DENSE, False), (10**9, False), (links.DENSE, True)])
def test_a_suggestion_among_the_allowed_explainers_is_the_best_scoring_of_them(dense, in_two_processes, monkeypatch):
    # what RegionScope gives the matcher: a mask of the explainers a question's region allows
    monkeypatch.setattr(links, "DENSE", dense)
    if in_two_processes:
        monkeypatch.setattr(links, "PARALLEL_FROM", 2)
    rng = random.Random(11)
    analyzer = Analyzer()
    regions = [Region(f"r{n}", f"地区{n}") for n in range(3)]
    explainers = [
        dataclasses.replace(
            explainer(f"p{n}", "".join(rng.sample(WORDS[: rng.choice((6, 12, 28))], 4)), dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(40))),
            region=regions[n % 3],
        )
        for n in range(200)
    ]
    allowed = {e.slug for e in explainers if int(e.slug[1:]) % 3 == 0}
    questions = ["".join(rng.sample(WORDS[: rng.choice((6, 12, 28))], rng.randint(2, 5))) + "吗" for _ in range(200)]
    matcher = links.ExplainerMatcher(explainers, analyzer)
    mask = matcher.mask(lambda region: region.name == "地区0")
    assert matcher.mask(lambda region: True) is None and matcher.mask(lambda region: False) == 0
    found = [(m[0].slug, m[1]) if m else None for m in matcher.best_of_each(questions, [mask] * len(questions))]
    assert found == [every_explainer_scored(explainers, q, analyzer, allowed) for q in questions]
    assert sum(f is not None for f in found) > 20 and all(f is None or f[0] in allowed for f in found)
