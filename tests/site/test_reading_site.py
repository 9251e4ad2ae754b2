"""The built pages to read and share (issue #23): Open Graph and description meta, breadcrumbs above the title,
section anchors of the heading's words, the print style sheet. Front matter: tests/pages/test_reading.py."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import BUILD_DATE, MINI, ROOT, write

from build_tools.build.build import BuildOptions, build

SITE_URL = "https://www.example.gov.cn/policy/"
PLANTED = """\
---
title: "办理指南<b>测试</b>"
summary: "摘要\\"><script>alert(1)</script>"
department: 江苏省财政厅
region: 江苏省
topics: [财税]
published: 2023-01-01
---

## 办理流程

先申请。

## 申请条件

## 办理流程
"""


class _Head(HTMLParser):
    """The meta tags of a page: {name or property: content}, and the ids of its headings."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.heading_ids: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and (key := attributes.get("property") or attributes.get("name")):
            self.meta[key] = attributes.get("content") or ""
        if tag in {"h2", "h3"} and attributes.get("id"):
            self.heading_ids.append(attributes["id"])


def _build(folder: Path, content: Path, site_url: str | None) -> Path:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if site_url:
        config = config.replace("site_name: 政策解读\n", f"site_name: 政策解读\nsite_url: {site_url}\n")
    write(folder, "mkdocs.yml", config)
    build(BuildOptions(content, folder / "site", folder / "index", folder / "mkdocs.yml", BUILD_DATE))
    return folder / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str | None, Path]:
    """The mini content with a planted explainer, built with and without a site_url."""
    content = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(MINI, content)
    write(content, "policies/planted.md", PLANTED)
    return {url: _build(tmp_path_factory.mktemp("reading"), content, url) for url in (None, SITE_URL)}


def test_an_explainer_shares_its_title_and_summary(sites):
    head = _Head((sites[SITE_URL] / "policies/economy-2023/index.html").read_text(encoding="utf-8")).meta
    assert head["og:title"] == "《关于推动经济运行率先整体好转的若干政策措施》解读"
    assert head["og:description"] == head["description"] == "42条措施降低企业生产经营成本，重点是财政、金融、税收支持。"
    assert head["og:type"] == "article" and head["og:site_name"] == "政策解读" and head["og:locale"] == "zh_CN"
    assert head["og:url"] == SITE_URL + "policies/economy-2023/"


def test_without_a_site_url_there_is_no_og_url_and_lists_are_websites(sites):
    explainer = _Head((sites[None] / "policies/economy-2023/index.html").read_text(encoding="utf-8")).meta
    assert "og:url" not in explainer and explainer["og:title"]
    listing = _Head((sites[None] / "topics/finance/index.html").read_text(encoding="utf-8")).meta
    assert listing["og:type"] == "website" and listing["og:title"] == "金融" and listing["og:description"].startswith("金融的政策解读")


def test_shared_values_are_escaped(sites):
    html = (sites[None] / "policies/planted/index.html").read_text(encoding="utf-8")
    head = _Head(html).meta
    assert head["og:title"] == "办理指南<b>测试</b>" and head["og:description"] == '摘要"><script>alert(1)</script>'  # as text
    assert "<script>alert(1)" not in html and "<b>测试</b>" not in html


def test_breadcrumbs_come_before_the_title(sites):
    html = (sites[None] / "policies/economy-2023/index.html").read_text(encoding="utf-8")
    article = html[html.index("<article") :]
    nav = article[article.index('<nav class="pp-breadcrumbs" aria-label="面包屑">') : article.index("</nav>")]
    assert article.index('<nav class="pp-breadcrumbs"') < article.index("<h1")
    assert '<a href="../../">首页</a>' in nav and '<a href="../../topics/finance/">金融</a>' in nav
    assert '<span aria-current="page">《关于推动经济运行率先整体好转的若干政策措施》解读</span>' in nav
    assert "pp-breadcrumbs" not in (sites[None] / "index.html").read_text(encoding="utf-8")


def test_section_anchors_are_the_headings_words(sites):
    html = (sites[None] / "policies/planted/index.html").read_text(encoding="utf-8")
    ids = _Head(html).heading_ids
    assert ids[:3] == ["办理流程", "申请条件", "办理流程-1"]
    assert 'href="#办理流程"' in html  # the table of contents beside the page links the same ids
    again = (sites[SITE_URL] / "policies/planted/index.html").read_text(encoding="utf-8")
    assert _Head(again).heading_ids == ids  # another build: the same anchors


def test_the_print_style_sheet_is_on_every_page(sites):
    html = (sites[None] / "policies/economy-2023/index.html").read_text(encoding="utf-8")
    assert 'href="../../assets/reading.css"' in html
    css = (sites[None] / "assets/reading.css").read_text(encoding="utf-8")
    assert "@media print" in css and 'a[href^="http"]' in css and "attr(href)" in css
