"""The 404 page (theme/404.html, site/notfound.py): Chinese, standalone, and only its own inline style and script allowed."""

from __future__ import annotations

import base64
import hashlib
import re

from conftest import BUILD_DATE, MINI, ROOT, write

from build_tools.build.build import BuildOptions, build
from build_tools.site.notfound import not_found_page
from build_tools.site.plugin import CONTENT_SECURITY_POLICY, PREVIEW_CONTENT_SECURITY_POLICY


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_policy_allows_the_inline_style_and_script_by_hash_and_nothing_else():
    page = not_found_page(CONTENT_SECURITY_POLICY)
    assert f"script-src 'self' {_hash(page.script)} 'wasm-unsafe-eval';" in page.csp
    assert f"style-src 'self' {_hash(page.style)};" in page.csp
    assert "unsafe-inline" not in page.csp
    assert page.csp.replace(_hash(page.script) + " ", "").replace(" " + _hash(page.style), "") == CONTENT_SECURITY_POLICY


def test_the_preview_keeps_its_live_reload_on_the_404_page():
    page = not_found_page(PREVIEW_CONTENT_SECURITY_POLICY)
    assert "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval';" in page.csp  # a hash would make browsers ignore 'unsafe-inline'
    assert f"style-src 'self' {_hash(page.style)};" in page.csp


def test_the_built_404_page_is_chinese_and_runs_only_what_its_policy_names(sample_site):
    folder, _ = sample_site
    html = (folder / "404.html").read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)[1]
    inline = re.findall(r"<(script|style)>(.*?)</\1>", html, re.DOTALL)
    assert sorted(kind for kind, _ in inline) == ["script", "style"]  # no site_url: the script finds the root
    for _, text in inline:
        assert _hash(text) in csp  # byte for byte what was hashed
    assert "<script src" not in html and '<link rel="stylesheet"' not in html  # nothing loaded by an address
    assert '<html lang="zh-CN">' in html and "<h1>页面不存在</h1>" in html and "404 - Not found" not in html
    assert '<a href="/" data-pp-path="">返回首页</a>' in html and 'action="/search/"' in html


def test_with_a_site_url_the_404_page_links_from_its_path_and_needs_no_script(tmp_path):
    config = (
        (ROOT / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .replace("site_name: 政策解读\n", "site_name: 政策解读\nsite_url: https://www.example.gov.cn/policy/\n")
    )
    write(tmp_path, "mkdocs.yml", config)
    build(BuildOptions(MINI, tmp_path / "site", tmp_path / "index", tmp_path / "mkdocs.yml", BUILD_DATE))
    html = (tmp_path / "site/404.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<style>" in html
    assert '<a href="/policy/" data-pp-path="">返回首页</a>' in html and 'action="/policy/search/"' in html
