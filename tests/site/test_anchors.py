"""site/anchors.py: section anchors of the heading's own words, the same on every rebuild."""

from __future__ import annotations

import tempfile
from pathlib import Path

import markdown

from build_tools.site.anchors import anchor
from build_tools.site.builder import load_site_config

BODY = """\
## 办理流程

## 申请条件

### 办理流程

## 一、申请 Conditions

## （二）政策要点 {: #points }

## 办理流程 1

## ！！

## __config

## **重点** 提示
"""


def _convert(text: str) -> tuple[str, list[str]]:
    # the Markdown extensions of the packaged defaults, as the site converts a page (site/deferhtml.py)
    with tempfile.TemporaryDirectory() as no_static:
        config = load_site_config(None, no_static=Path(no_static))
    md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
    html = md.convert(text)

    def ids(tokens):
        return [i for t in tokens for i in (t["id"], *ids(t["children"]))]

    return html, ids(md.toc_tokens)


def test_headings_get_their_own_words_as_anchors_and_repeats_a_number():
    html, toc = _convert(BODY)
    assert toc == ["办理流程", "申请条件", "办理流程-1", "一申请-conditions", "points", "办理流程-1-1", "节", "config", "重点-提示"]
    assert '<h2 id="办理流程">办理流程</h2>' in html and '<h3 id="办理流程-1">办理流程</h3>' in html
    assert 'id="_' not in html  # neither Markdown's #_1 nor an id the sanitiser would drop (Material's "__" ids)


def test_anchors_do_not_move_when_headings_are_added_after_them_or_on_a_rebuild():
    first, _ = _convert(BODY)
    assert _convert(BODY)[0] == first
    longer, toc = _convert(BODY + "\n## 常见问答\n\n## 办理流程\n")
    assert longer.startswith(first.rstrip())
    assert toc[-2:] == ["常见问答", "办理流程-2"]


def test_an_anchor_is_the_heading_in_lower_case_with_dashes():
    assert anchor("Step 1 申请") == "step-1-申请"
    assert anchor("《条例》第三条") == "条例第三条"
    assert anchor("…") == "节"
    assert anchor("A &amp; B ©".replace("&amp;", "&")) == "a-b" and anchor("2023-2025 年规划") == "2023-2025-年规划"
