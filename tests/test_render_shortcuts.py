"""rawhtml.py and navcache.py: MkDocs renders faster, and every page comes out exactly as without them."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import markdown
import pytest

from build_tools import navcache
from build_tools import plugin as plugin_module
from build_tools.pipeline import run_pipeline
from build_tools.rawhtml import PLACEHOLDER, SetAside, set_aside
from build_tools.site import write_site
from conftest import ROOT

EXTENSIONS = ["admonition", "attr_list", "tables", "toc", "sane_lists"]
BLOCK_LEVEL = frozenset(markdown.util.BLOCK_LEVEL_ELEMENTS)


def convert(text: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS).convert(text)


def convert_setting_aside(text: str) -> tuple[str, int]:
    aside = set_aside(text, BLOCK_LEVEL)
    return aside.put_back(convert(aside.markdown)), len(aside.blocks)


CASES = {
    "blocks between Markdown": '# 标题\n\n<div class="a"><p>一</p></div>\n\n正文 *强调*\n\n<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>\n\n## 小节\n',
    "a block at the very end": '正文\n\n<dl class="m">\n<dt>部门</dt><dd>财政厅</dd>\n</dl>',
    "a block at the very start": '<div class="s"><span>✓</span></div>\n\n正文',
    "elements one after another": '<p class="a">一</p>\n<p class="b">二</p>\n<section><p>三</p></section>\n\n后文',
    "nested elements of one name": '<div class="o">\n<div class="i">内</div>\n<div>又</div>\n</div>\n\n后文',
    "text after the end tag": '<div>块</div> 其后的 *文字*\n\n后文',
    "an inline tag starting the line": '<span class="x">行内</span> 与 *强调*\n\n后文',
    "a block open across blank lines": '<div class="outer">\n\n<p class="inner">内</p>\n\n</div>\n\n后文',
    "a comment": '<div><!-- 注释 <div> --></div>\n\n后文',
    "a void element": '<hr>\n\n后文',
    "an unclosed element": '<div class="x">\n<p>未闭合</p>\n\n后文',
    "indented under a list": '- 项目\n\n    <div>缩进</div>\n\n后文',
    "inside an admonition": '!!! note "注意"\n\n    <div class="x">内</div>\n\n后文',
    "a table after a block": '<div>块</div>\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n',
    "attributes with angle-free values": '<div class="pp-qa" data-x="a&amp;b" id="q1"><p>问</p></div>\n\n后文 {: #id }',
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_a_page_converts_exactly_as_markdown_converts_it(text):
    assert convert_setting_aside(text)[0] == convert(text)


def test_whole_blocks_are_set_aside_and_doubtful_ones_left_to_markdown():
    assert convert_setting_aside(CASES["blocks between Markdown"])[1] == 2
    assert convert_setting_aside(CASES["elements one after another"])[1] == 1
    for doubtful in ("text after the end tag", "an inline tag starting the line", "a comment", "a void element", "an unclosed element"):
        assert convert_setting_aside(CASES[doubtful])[1] == 0, doubtful


def test_a_page_that_holds_the_placeholder_is_left_as_it_is():
    text = f"作者写了 {PLACEHOLDER}0x\n\n<div>块</div>\n"
    aside = set_aside(text, BLOCK_LEVEL)
    assert aside == SetAside(text)
    assert aside.put_back(convert(text)) == convert(text)


def _html_digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.html"))}


def test_the_sample_site_is_byte_for_byte_the_same_without_the_shortcuts(tmp_path, monkeypatch):
    site = run_pipeline(ROOT / "content", dt.date(2026, 11, 23))
    navigation_renders = []

    def counting(render, *args):
        def counted(context):
            navigation_renders.append(context["page"].file.src_uri if context.get("page") else None)
            return render(context)
        return real_cached(counted, *args)

    real_cached = navcache._cached
    monkeypatch.setattr(navcache, "_cached", counting)
    write_site(site, tmp_path / "fast", ROOT / "mkdocs.yml")
    monkeypatch.undo()

    monkeypatch.setattr(plugin_module, "set_aside", lambda text, block_level: SetAside(text))
    monkeypatch.setattr(plugin_module, "cache_navigation", lambda env, nav, config: None)
    write_site(site, tmp_path / "plain", ROOT / "mkdocs.yml")

    fast, plain = _html_digests(tmp_path / "fast"), _html_digests(tmp_path / "plain")
    assert len(fast) > 100
    assert fast == plain
    # the navigation and tabs were rendered for the navigation's pages and once per set of links, not for every page
    assert len(navigation_renders) < len(fast) / 2
