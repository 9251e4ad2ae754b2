"""Pages to read and share (issue #23): breadcrumbs and Open Graph data in the front matter, clickable keywords,
the metadata panel, and the public's titles shown as text. The rendered site: tests/site/test_reading_site.py;
in Chromium: tests/browser/test_reading_browser.py."""

from __future__ import annotations

import datetime as dt
import urllib.parse

import pytest
import yaml
from conftest import MINI, write

from build_tools.build.pipeline import run_pipeline
from build_tools.indexes.documents import documents_of

TODAY = dt.date(2026, 11, 23)

BOARD = """\
---
title: 留言板答复选编
date: 2024-03-01
kind: board
departments: [江苏省财政厅]
policies: [economy-2023]
---

## 问：<b>急</b>政府采购项目的货款三个多月还没付，怎么办？

我们是小微企业，<b>非常着急</b>，电话138<b>1234</b>5678

答（江苏省财政厅）：请联系采购单位。
"""


@pytest.fixture(scope="module")
def mini_pages():
    return {page.src_path: page.markdown for page in run_pipeline(MINI, TODAY).pages}


def front_matter(markdown: str) -> dict:
    return yaml.safe_load(markdown.split("---\n", 2)[1])


def test_an_explainer_is_an_article_described_by_its_summary_under_its_first_topic(mini_pages):
    meta = front_matter(mini_pages["policies/economy-2023.md"])
    assert meta["description"] == "42条措施降低企业生产经营成本，重点是财政、金融、税收支持。"
    assert meta["og_type"] == "article"
    assert meta["breadcrumbs"] == [{"title": "首页", "url": "../../"}, {"title": "金融", "url": "../../topics/finance/"}]


@pytest.mark.parametrize(
    "page, trail",
    [
        ("topics/index.md", [("首页", "../")]),
        ("topics/finance.md", [("首页", "../../"), ("按主题浏览", "../")]),
        ("departments/js-fgw.md", [("首页", "../../"), ("按部门浏览", "../")]),
        ("faq/index.md", [("首页", "../")]),
        ("faq/topics/finance.md", [("首页", "../../../"), ("常见问题", "../../"), ("按主题浏览常见问题", "../")]),
        ("qa/live-2023.md", [("首页", "../../"), ("答疑与问答", "../")]),
    ],
)
def test_list_and_qa_pages_have_breadcrumbs_and_a_description(mini_pages, page, trail):
    meta = front_matter(mini_pages[page])
    assert [(crumb["title"], crumb["url"]) for crumb in meta["breadcrumbs"]] == trail
    assert meta["description"] and "og_type" not in meta  # a list is a "website" page (the theme's default)


def test_a_faq_entry_sits_under_its_topic_and_is_described_by_its_answer(mini_pages):
    entry = next(text for src, text in mini_pages.items() if src.startswith("faq/q-") and "能否继续享受" in text)
    meta = front_matter(entry)
    assert meta["breadcrumbs"][-1] == {"title": "金融常见问题", "url": "../topics/finance/"}
    assert meta["description"] == "可以，继续享受。" and meta["og_type"] == "article"  # the answer as text: no <strong>, no script


def test_the_home_page_search_and_matching_pages_have_no_breadcrumbs(mini_pages):
    for page in ("index.md", "search/index.md", "match/index.md"):
        assert "breadcrumbs" not in front_matter(mini_pages[page]), page


def test_keywords_link_to_the_search_for_them(content):
    write(
        content,
        "policies/economy-2023.md",
        (MINI / "policies/economy-2023.md").read_text(encoding="utf-8").replace("tags: [稳增长]", 'tags: [稳增长, "A&B 企业"]'),
    )
    page = next(p.markdown for p in run_pipeline(content, TODAY).pages if p.src_path == "policies/economy-2023.md")
    links = [part.split('"', 1)[0] for part in page.split('class="pp-tag" href="')[1:]]
    assert links == ["../../search/?q=" + urllib.parse.quote("稳增长"), "../../search/?q=" + urllib.parse.quote("A&B 企业").replace("&", "%26")]
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(links[1]).query) == {"q": ["A&B 企业"]}
    assert ">A&amp;B 企业</a>" in page


def test_the_metadata_panel_is_a_details_element_with_its_key_lines_in_the_summary(mini_pages):
    page = mini_pages["policies/economy-2023.md"]
    panel = page[page.index('<details class="pp-meta-panel">') : page.index("</details>")]
    summary = panel[panel.index("<summary>") : panel.index("</summary>")]
    assert "江苏省发展改革委" in summary and "2023年2月16日</time>发布" in summary and "2027年12月31日" in summary
    assert panel.count("<dt>") >= 10 and "<dt>关键词</dt>" in panel  # every row is still there, inside the panel


def test_a_message_board_title_shows_its_words_not_its_markup(content):
    write(content, "qa/board-2024.md", BOARD)
    site = run_pipeline(content, TODAY)
    pages = {page.src_path: page for page in site.pages}
    entry = next(page for src, page in pages.items() if src.startswith("faq/q-") and "政府采购" in page.title)
    assert entry.title == "急政府采购项目的货款三个多月还没付，怎么办？"
    assert front_matter(entry.markdown)["title"] == entry.title
    session = pages["qa/board-2024.md"].markdown
    for text in (entry.markdown, session, pages["faq/index.md"].markdown):
        assert "急政府采购项目" in text
        assert "&lt;b&gt;" not in text and "<b>" not in text
    assert "我们是小微企业，非常着急，电话138****5678" in session  # details too; a tag inside a number does not hide it
    document = next(d for d in documents_of(site) if d.kind == "faq" and "政府采购" in d.title)
    assert document.title == entry.title  # the search shows the same title
    assert "<b>" not in document.body and "13812345678" not in document.body
