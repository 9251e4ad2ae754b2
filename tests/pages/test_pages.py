"""pages.py: generated pages, compared with stored expected files (golden tests).

The expected pages live in tests/golden/mini/. After an intended change to
the pages, regenerate them with `make golden` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os

import pytest
import yaml
from markupsafe import escape

from build_tools.models import Status
from build_tools.pages.generate import PAGE_SIZE, pager_numbers, relative_url
from build_tools.build.pipeline import run_pipeline
from conftest import GOLDEN as GOLDEN_TESTS, MINI, VALID_EXPLAINER, write

GOLDEN = GOLDEN_TESTS / "mini"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def mini_site():
    return run_pipeline(MINI, TODAY)


def test_generated_pages_match_the_golden_files(mini_site):
    if os.environ.get("UPDATE_GOLDEN"):
        for page in mini_site.pages:
            target = GOLDEN / page.src_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.markdown, encoding="utf-8")
    expected = sorted(str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*.md"))
    assert sorted(page.src_path for page in mini_site.pages) == expected
    for page in mini_site.pages:
        assert page.markdown == (GOLDEN / page.src_path).read_text(encoding="utf-8"), f"{page.src_path} differs: run `make golden` if intended"


def test_status_on_the_build_date(mini_site):
    assert mini_site.status == {
        "loan-2027": Status.UPCOMING,
        "refund-2023": Status.EXPIRED,
        "economy-2023": Status.IN_FORCE,
        "economy-2022": Status.SUPERSEDED,
    }
    later = run_pipeline(MINI, dt.date(2027, 1, 15))
    assert later.status["loan-2027"] is Status.IN_FORCE
    assert "scheduled" in {e.slug for e in later.explainers}  # published on its date


def test_drafts_and_scheduled_explainers_are_not_published(mini_site):
    sources = {page.src_path for page in mini_site.pages}
    assert "policies/economy-2023.md" in sources
    assert "policies/draft-idea.md" not in sources and "policies/scheduled.md" not in sources
    assert not any("尚未定稿" in page.markdown or "定时发布的解读" in page.markdown for page in mini_site.pages)


def test_superseded_page_links_to_its_replacement(mini_site):
    page = next(p for p in mini_site.pages if p.src_path == "policies/economy-2022.md")
    assert '已被替代' in page.markdown
    assert 'href="../economy-2023/"' in page.markdown


def test_region_page_includes_sub_regions(mini_site):
    province = next(p for p in mini_site.pages if p.src_path == "regions/js.md")
    assert "留抵退稅政策問答" in province.markdown  # a 南京市 explainer on the 江苏省 page


def test_public_text_is_redacted_and_escaped_and_answers_sanitised(mini_site):
    page = next(p for p in mini_site.pages if p.src_path == "qa/live-2023.md")
    assert "13812345678" not in page.markdown and "138****5678" in page.markdown
    assert "boss@example.com" not in page.markdown and "b***@example.com" in page.markdown
    assert "我们企业想知道详情" in page.markdown and "<b>详情" not in page.markdown and "&lt;b&gt;" not in page.markdown  # markup read as text
    assert "<strong>继续享受</strong>" in page.markdown and "<script>" not in page.markdown


def test_long_lists_are_split_into_pages(content):
    for number in range(PAGE_SIZE + 5):
        write(content, f"policies/many/p{number}.md", VALID_EXPLAINER)
    site = run_pipeline(content, TODAY)
    sources = {page.src_path for page in site.pages}
    assert {"topics/tax.md", "topics/tax/page/2.md"} <= sources
    second = next(p for p in site.pages if p.src_path == "topics/tax/page/2.md")
    assert 'rel="prev" href="../../"' in second.markdown
    assert max(len(page.markdown) for page in site.pages if not page.src_path.startswith("policies/")) < 60_000


def test_a_pager_links_the_ends_and_the_neighbours_only():
    assert pager_numbers(1, 1) == [1]
    assert pager_numbers(5, 3) == [1, 2, 3, 4, 5]
    assert pager_numbers(1300, 1) == [1, 2, 3, None, 1300]
    assert pager_numbers(1300, 650) == [1, None, 648, 649, 650, 651, 652, None, 1300]
    assert pager_numbers(1300, 1299) == [1, None, 1297, 1298, 1299, 1300]


@pytest.mark.parametrize(
    "source, target, expected",
    [("", "topics/tax/", "topics/tax/"), ("policies/a/", "policies/b/", "../b/"), ("topics/tax/page/2/", "topics/tax/", "../../"), ("policies/a/", "", "../../")],
)
def test_relative_url(source, target, expected):
    assert relative_url(source, target) == expected


def test_every_front_matter_value_and_field_is_written_escaped(content):
    # The theme prints the front matter's title and description as they are, into <title>, <h1> and <meta content="…">.
    summary = '摘要"><script>window.__pwned = 1</script>'
    title = "测试<img src=x onerror=alert(1)>解读"
    tag = "引号\"><b onmouseover='alert(1)'>"
    quoted = functools.partial(json.dumps, ensure_ascii=False)  # a JSON string is a YAML string
    write(content, "policies/planted.md", VALID_EXPLAINER.replace("title: 测试解读", f"title: {quoted(title)}")
          .replace("summary: 一句话摘要。", f"summary: {quoted(summary)}").replace("topics: [财税]", f"topics: [财税]\ntags: [{quoted(tag)}]"))
    pages = {page.src_path: page.markdown for page in run_pipeline(content, TODAY).pages}
    assert not [(src, planted) for src, text in pages.items() for planted in (summary, title, tag) if planted in text]
    front, body = pages["policies/planted.md"].split("---\n", 2)[1:]
    assert yaml.safe_load(front) == {
        "title": escape(title),
        "description": escape(summary),
        "og_type": "article",
        "breadcrumbs": [{"title": "首页", "url": "../../"}, {"title": "财税", "url": "../../topics/tax/"}],
    }
    assert escape(summary) in body and escape(tag) in body
    assert escape(title) in pages["topics/tax.md"] and escape(summary) in pages["topics/tax.md"]
