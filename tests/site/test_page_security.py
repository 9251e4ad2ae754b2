"""The built site runs nothing it did not write: the Content-Security-Policy on every page, no inline script of
its own, explainer bodies cut to the allow-list after Markdown (site/plugin.py), titles escaped before conversion.

The payloads' effect in a real browser: tests/browser/test_no_script.py.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import MINI, VALID_EXPLAINER, build_options, write
from markupsafe import escape

from build_tools.build.build import build
from build_tools.models import Page
from build_tools.site.notfound import not_found_page
from build_tools.site.plugin import CONTENT_SECURITY_POLICY, PREVIEW_CONTENT_SECURITY_POLICY, PageFile

QUOTED_ID = 'x" onfocus="window.__pwned = 1" autofocus tabindex="1'  # an attr_list id with quotes: Material prints href="#…" as it is
PLANTED_BODY = f"""\
正文<script>window.__pwned = "script"</script>

<img src="../images/x.png" onerror="window.__pwned = 'img'">

[点我](javascript:window.__pwned=1) 和 <a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">数据</a>

<div id="__config" onmouseover="window.__pwned = 'div'">{{"base": "https://example.com/"}}</div>

## 办理流程

## 申请条件 {{: id='{QUOTED_ID}' }}

!!! note "提示"
    先准备材料，再[在线申请](https://www.example.gov.cn/apply)。

| 材料 | 份数 |
|:-----|-----:|
| 申请表 | 1 |
"""


class _Tags(HTMLParser):
    """Every start tag of a document: (tag, attributes)."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def planted_site(tmp_path_factory) -> Path:
    """The mini content with an explainer whose body holds scripts, built as `policy build` builds it."""
    folder = tmp_path_factory.mktemp("planted")
    content = folder / "content"
    shutil.copytree(MINI, content)
    write(folder / "static/images", "x.png", b"\x89PNG")  # an image of the site: one from another site is a check error
    write(content, "policies/planted.md", VALID_EXPLAINER.replace("正文。", PLANTED_BODY))
    build(build_options(folder, content))
    return folder / "site"


def _pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html")) if "pagefind" not in p.parts}


def _directives(policy: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_the_policy_allows_no_inline_script_nor_plugins_and_the_preview_only_its_live_reload():
    policy = _directives(CONTENT_SECURITY_POLICY)
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"] and policy["default-src"] == ["'self'"]
    assert "frame-ancestors" not in policy  # ignored, with an error in the console, when a <meta> carries it
    assert _directives(PREVIEW_CONTENT_SECURITY_POLICY) == {**policy, "script-src": ["'self'", "'unsafe-inline'", "'wasm-unsafe-eval'"]}


def test_every_page_carries_the_policy_first_and_a_referrer_policy_and_no_generator(planted_site):
    pages = _pages(planted_site)
    assert {"index.html", "404.html", "policies/planted/index.html", "search/index.html", "qa/live-2023/index.html"} <= pages.keys()
    for name, text in pages.items():
        tags = _Tags(text[: text.index("</head>")]).tags
        head = tags[tags.index(("head", {})) + 1 :]
        assert head[0] == ("meta", {"charset": "utf-8"}), name
        # the 404 page's policy names its own inline style and script by hash (tests/site/test_notfound.py)
        policy = not_found_page(CONTENT_SECURITY_POLICY).csp if name == "404.html" else CONTENT_SECURITY_POLICY
        assert head[1] == ("meta", {"http-equiv": "Content-Security-Policy", "content": policy}), name  # before anything it covers
        assert ("meta", {"name": "referrer", "content": "strict-origin-when-cross-origin"}) in head, name
        assert not [attributes for tag, attributes in head if tag == "meta" and attributes.get("name") == "generator"], name
        assert "mkdocs-material-" not in text and "mkdocs-1." not in text, name


def test_no_page_needs_an_inline_script(planted_site):
    for name, text in _pages(planted_site).items():
        if name == "404.html":
            continue  # one inline script, allowed by its hash alone: tests/site/test_notfound.py
        scripts = [attributes for tag, attributes in _Tags(text).tags if tag == "script"]
        assert scripts, name
        for attributes in scripts:  # a file, or data that is not run (Material's settings)
            assert attributes.get("src") or attributes.get("type") == "application/json", (name, attributes)
    for asset in ("material-head.js", "material-content.js"):
        assert (planted_site / "assets" / asset).is_file()


def test_an_explainer_body_keeps_nothing_that_runs_and_everything_markdown_wrote(planted_site):
    html = (planted_site / "policies/planted/index.html").read_text(encoding="utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    tags = _Tags(article).tags
    assert not [tag for tag, _ in tags if tag in {"script", "iframe", "object", "embed", "svg"}]
    assert not [(tag, name) for tag, attributes in _Tags(html).tags for name in attributes if name.startswith("on") or name in {"style", "autofocus"}]
    assert not [value for _, attributes in tags for value in attributes.values() if value and re.match(r"\s*(javascript|data):", value, re.I)]
    assert 'window.__pwned = "script"' not in article and 'id="__config"' not in article  # a script goes with its text
    assert html.count('id="__config"') == 1 and json.loads(html.split('<script id="__config" type="application/json">')[1].split("</script>")[0])
    # what Markdown and the templates wrote is still there
    assert ("h2", {"id": "办理流程"}) in tags and ("div", {"class": "admonition note"}) in tags and ("td", {"align": "right"}) in tags
    assert ("a", {"href": "https://www.example.gov.cn/apply"}) in tags and ("a", {"href": "../../departments/js-czt/"}) in tags
    assert ("span", {"aria-hidden": "true"}) in tags and ("time", {"datetime": "2023-01-01"}) in tags
    # the table of contents beside it links each heading, by an id written in the heading or made from it
    toc = [
        attributes for tag, attributes in _Tags(html).tags if tag == "a" and attributes.get("class") == "md-nav__link" and attributes["href"].startswith("#")
    ]
    assert [link["href"] for link in toc] == ["#办理流程", f"#{QUOTED_ID}"] and all(len(link) == 2 for link in toc)
    assert ("h2", {"id": QUOTED_ID}) in tags


def test_a_page_converted_later_is_titled_escaped_meanwhile():
    # Until its Markdown is converted, MkDocs knows a page by the front matter of PageFile.front_matter; the
    # navigation or the footer of pages built before it may show that title, as it is.
    title = '测试<img src=x onerror="alert(1)">解读'
    file = PageFile.__new__(PageFile)  # front_matter reads only the page
    file.policy_page = Page("policies/planted.md", title, "")
    assert yaml.safe_load(file.front_matter().split("---\n")[1]) == {"title": escape(title)}
