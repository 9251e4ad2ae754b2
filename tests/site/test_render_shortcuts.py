"""rawhtml.py, navcache.py, deferhtml.py: MkDocs renders faster and in less memory, and every page comes out exactly as without them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import markdown
import pytest

from build_tools.site import navcache
from build_tools.site import plugin as plugin_module
from build_tools.site.deferhtml import BATCH, DeferredHTML
from build_tools.build.pipeline import run_pipeline
from build_tools.site.rawhtml import PLACEHOLDER, SetAside, set_aside
from build_tools.site.builder import load_site_config, write_site
from conftest import ROOT, write

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


# A MkDocs hook (`hooks:` in mkdocs.yml) that notes which pages hold their HTML: after every page is
# populated, as each page is written (before the policy plugin's last on_post_page) and after the build.
PROBE = """
import json
from pathlib import Path

seen = {"populated": None, "written": [], "built": None}
files = None


def _with_html():
    return sorted(f.src_uri for f in files.documentation_pages() if f.page is not None and f.page.content)


def on_env(env, config, files):
    globals()["files"] = files
    seen["populated"] = _with_html()


def on_post_page(output, page, config):
    seen["written"].append([page.file.src_uri, _with_html()])


def on_post_build(config):
    seen["built"] = _with_html()
    Path(config.site_dir + ".probe.json").write_text(json.dumps(seen))
"""


@dataclass
class Built:
    html: dict[str, str]     # page → digest of its file
    probe: dict              # what PROBE saw
    navigation_renders: list


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Built]:
    """The sample site built with the shortcuts (fast) and without them (plain), each watched by PROBE."""
    folder = tmp_path_factory.mktemp("shortcuts")
    (folder / "probe.py").write_text(PROBE, encoding="utf-8")
    config = folder / "mkdocs.yml"  # our mkdocs.yml with the probe (the packaged defaults and theme come with write_site)
    config.write_text(f"INHERIT: {ROOT / 'mkdocs.yml'}\nhooks:\n  - {folder / 'probe.py'}\n", encoding="utf-8")
    site = run_pipeline(ROOT / "content", dt.date(2026, 11, 23))
    builds = {}
    with pytest.MonkeyPatch.context() as patch:
        navigation_renders = []

        def counting(render, *args):
            def counted(context):
                navigation_renders.append(context["page"].file.src_uri if context.get("page") else None)
                return render(context)
            return real_cached(counted, *args)

        real_cached = navcache._cached
        patch.setattr(navcache, "_cached", counting)
        write_site(site, folder / "fast", config)
        builds["fast"] = Built(_html_digests(folder / "fast"), json.loads((folder / "fast.probe.json").read_text()), navigation_renders)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plugin_module, "set_aside", lambda text, block_level: SetAside(text))
        patch.setattr(plugin_module, "cache_navigation", lambda env, nav, config: None)
        patch.setattr(plugin_module.PolicyPlugin, "defer_html", False)
        write_site(site, folder / "plain", config)
        builds["plain"] = Built(_html_digests(folder / "plain"), json.loads((folder / "plain.probe.json").read_text()), [])
    return builds


def test_the_sample_site_is_byte_for_byte_the_same_without_the_shortcuts(builds):
    fast, plain = builds["fast"].html, builds["plain"].html
    assert len(fast) > 100
    assert fast == plain


def test_the_navigation_is_rendered_once_per_set_of_links(builds):
    # the navigation and tabs were rendered for the navigation's pages and once per set of links, not for every page
    assert len(builds["fast"].navigation_renders) < len(builds["fast"].html) / 2


def test_a_page_holds_its_html_only_while_it_is_written(builds):
    fast, plain = builds["fast"].probe, builds["plain"].probe
    pages = [page for page, _ in fast["written"]]
    assert len(pages) > 100
    # no page converted when all are populated; a page's HTML made just before it is built, with the next
    # pages' (BATCH), and dropped once it is written
    assert fast["populated"] == [] and fast["built"] == []
    for number, (page, with_html) in enumerate(fast["written"]):
        assert page in with_html and set(with_html) <= set(pages[number : number + BATCH])
    assert max(len(with_html) for _, with_html in fast["written"]) == min(BATCH, len(pages)) < len(pages)
    # as MkDocs does it: every page's HTML made first and held to the end
    assert plain["populated"] == sorted(pages) == plain["built"]


def test_a_page_titled_by_its_first_heading_is_converted_when_mkdocs_converts_it(tmp_path):
    # The navigation drawn on the pages built before it shows its title: it must be known when all are populated.
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page as MkDocsPage

    docs = tmp_path / "docs"
    write(docs, "titled.md", "---\ntitle: 甲\n---\n# 甲的标题\n\n正文 [乙](untitled.md)\n")
    write(docs, "untitled.md", "# 乙的标题\n\n正文\n")
    config = load_site_config(ROOT / "mkdocs.yml", docs_dir=str(docs), site_dir=str(tmp_path / "site"), plugins=[])
    files = Files([File(name, str(docs), str(tmp_path / "site"), True) for name in ("titled.md", "untitled.md")])
    titled, untitled = (MkDocsPage(None, file, config) for file in files)
    deferred = DeferredHTML()
    for page in (titled, untitled):
        page.read_source(config)
    assert deferred.defer(titled.markdown, titled, files) and deferred.waiting(titled)
    assert not deferred.defer(untitled.markdown, untitled, files)
    titled.markdown = ""
    titled.render(config, files)  # as MkDocs' populate: nothing converted
    untitled.render(config, files)
    assert (titled.content, titled.title, untitled.title) == ("", "甲", "乙的标题")

    deferred.convert(titled, config, lambda text, page: text)
    alone = MkDocsPage(None, File("titled.md", str(docs), str(tmp_path / "other"), True), config)
    alone.read_source(config)
    alone.render(config, files)
    assert not deferred.waiting(titled)
    assert (titled.content, titled.toc.items[0].title, titled.title) == (alone.content, "甲的标题", "甲")
    assert '<a href="../untitled/">乙</a>' in titled.content
    anchors = titled.present_anchor_ids
    deferred.drop(titled)
    deferred.drop(untitled)
    assert (titled.content, titled.title, untitled.title) == (None, "甲", "乙的标题")
    assert untitled.content is not None  # its title may come from it
    assert titled.meta == {"title": "甲"} and titled.present_anchor_ids == anchors  # checked after the build
    deferred.drop(titled, anchors_checked=False)  # the check would log where nobody sees it
    assert titled.present_anchor_ids is titled.links_to_anchors is None and titled.title == "甲"


def test_pages_converted_by_one_markdown_instance_are_those_mkdocs_converts(tmp_path):
    """The deferred pages share one Markdown instance, reset between pages: what a page defines
    (a link reference, raw HTML, headings) does not reach the next, and links are made relative."""
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page as MkDocsPage

    from build_tools.site.deferhtml import _Renderer

    docs = tmp_path / "docs"
    write(docs, "first.md", "# 甲\n\n见[法规][law]与[乙](second.md#二)。\n\n[law]: https://example.org/law\n\n"
                            '<div id="raw">原文</div>\n\n## 一 {#one}\n\n!!! note "注意"\n    提示\n')
    write(docs, "second.md", "# 乙\n\n这里的[法规][law]没有定义。\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n## 二\n")
    config = load_site_config(ROOT / "mkdocs.yml", docs_dir=str(docs), site_dir=str(tmp_path / "site"), plugins=[])
    files = Files([File(name, str(docs), str(tmp_path / "site"), True) for name in ("first.md", "second.md")])
    renderer = _Renderer(config)
    for _ in range(2):
        for file in files:
            ours, theirs = MkDocsPage(None, file, config), MkDocsPage(None, file, config)
            for page in (ours, theirs):
                page.read_source(config)
            renderer.render(ours, config, files)
            theirs.render(config, files)
            assert (ours.content, str(ours.toc), ours.title, ours.present_anchor_ids, ours.links_to_anchors) == \
                   (theirs.content, str(theirs.toc), theirs.title, theirs.present_anchor_ids, theirs.links_to_anchors)
            if file.src_uri == "second.md":
                assert "https://example.org/law" not in ours.content and "<table>" in ours.content
            else:
                assert 'href="../second/#二"' in ours.content and 'id="one"' in ours.content
