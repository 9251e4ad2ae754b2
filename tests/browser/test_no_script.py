"""No script from content runs, in a real Chromium: payloads planted in every field an author writes, and the
site still working under its Content-Security-Policy (Material's scripts, the site search).

The payloads set window.__pwned and open a dialog; a run of any of them fails the tests. The static checks
of the same build (the policy on every page, the allow-list): tests/site/test_page_security.py.
"""

from __future__ import annotations

import base64
import json
import shutil
from urllib.parse import quote

import pytest
from conftest import CHROMIUM, MINI, VALID_EXPLAINER, build_options, new_page, serving, write

from build_tools.build.build import build

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")

TITLE = "测试解读<img src=https://img.example.invalid/t.png onerror=\"window.__pwned='title';alert('title')\">"
SUMMARY = '摘要"><script>window.__pwned="summary";alert("summary")</script>'
TAG = "引号\"'><script>window.__pwned='tag'</script>"
BODY = """\
正文<script>window.__pwned = "body script"; alert("body script")</script>

<img src="../images/b.png" onload="window.__pwned = 'body img'; alert('body img')" onerror="window.__pwned = 'body img'">

[点我](javascript:window.__pwned='body link') · <a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">数据</a>

## 办理流程 <img src="../images/b.png" onload="window.__pwned = 'heading'" onerror="window.__pwned = 'heading'">

## 申请条件 {: id='x" onfocus="window.__pwned = 'toc'; alert('toc')" autofocus tabindex="1' }

<details open ontoggle="window.__pwned = 'details'; alert('details')"><summary>展开</summary>内容</details>
"""
PLANTED = "policies/planted/"
ONE_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

# Every Content-Security-Policy violation of a page, from the start of its document.
RECORD_VIOLATIONS = """window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));"""


@pytest.fixture(scope="module")
def planted_url(tmp_path_factory):
    """The mini content with an explainer carrying payloads in its title, summary, tags and body, built and served."""
    folder = tmp_path_factory.mktemp("no-script")
    content = folder / "content"
    shutil.copytree(MINI, content)
    # an image of the site (one from another site is a check error): its onload would run if kept
    write(folder / "static/images", "b.png", base64.b64decode(ONE_PIXEL_PNG))
    quoted = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731  # a JSON string is a YAML string
    write(
        content,
        "policies/planted.md",
        VALID_EXPLAINER.replace("title: 测试解读", f"title: {quoted(TITLE)}")
        .replace("summary: 一句话摘要。", f"summary: {quoted(SUMMARY)}")
        .replace("topics: [财税]", f"topics: [财税]\ntags: [{quoted(TAG)}]")
        .replace("正文。", BODY),
    )
    build(build_options(folder, content))
    with serving(folder / "site") as url:
        yield url


def _watched(browser):
    """A page recording its dialogs, console errors and policy violations."""
    page, outside = new_page(browser)
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.add_init_script(RECORD_VIOLATIONS)
    return page, dialogs, errors


def _nothing_ran(page, dialogs: list[str], where: str) -> None:
    assert dialogs == [], where
    assert page.evaluate("window.__pwned") is None, where
    live = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes]
        .filter((a) => a.name.startsWith('on') || /^\\s*(javascript|data):/i.test(a.value)).map((a) => `${e.tagName} ${a.name}`))""")
    assert live == [], where
    assert page.evaluate("document.querySelectorAll('script:not([src]):not([type=\"application/json\"])').length") == 0, where


def test_planted_payloads_run_nowhere_they_are_shown(planted_url, browser):
    page, dialogs, _ = _watched(browser)
    page.goto(planted_url + PLANTED)
    page.wait_for_load_state("load")
    _nothing_ran(page, dialogs, "explainer")
    # shown as the text it is, not as markup
    assert page.title() == f"{TITLE} - 政策解读"
    assert page.locator("article h1").inner_text() == TITLE
    assert page.locator(".pp-lead").inner_text() == SUMMARY
    assert TAG in page.locator(".pp-meta").inner_text()
    assert page.locator('meta[name="description"]').get_attribute("content") == SUMMARY
    assert page.locator("article img").count() == 2 and page.locator("article a", has_text="点我").get_attribute("href") is None
    for where in ("", "topics/tax/", f"search/?q={quote('测试解读')}&status=全部"):
        page.goto(planted_url + where)
        page.wait_for_load_state("load")
        if where.startswith("search"):
            page.wait_for_function("() => document.body.dataset.ppSearched")
        assert page.get_by_text(SUMMARY).count() >= 1, where  # the summary is listed here, as text
        _nothing_ran(page, dialogs, where or "home")


def test_the_site_works_under_its_policy(planted_url, browser):
    page, dialogs, errors = _watched(browser)
    for where in ("", "policies/economy-2023/", "qa/live-2023/", "faq/", f"search/?q={quote('信贷')}", f"match/?region={quote('江苏省')}"):
        page.goto(planted_url + where)
        page.wait_for_load_state("load")
        if where.startswith(("search", "match")):
            page.wait_for_function("() => document.body.dataset.ppSearched")
            assert page.locator("#pp-results > li").count() > 0, where  # Pagefind answered under the policy
        policy = page.evaluate("document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]')?.content") or ""
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, where
        # Material's first script (a file now) and its bundle ran, the scope where Material's inline script put it
        assert page.evaluate("typeof __md_get === 'function' && __md_scope.href") == planted_url, where
        assert page.evaluate("typeof document$ === 'object'"), where
        assert page.evaluate("window.__violations") == [], where
        assert not [error for error in errors if "Content Security Policy" in error], where
    assert dialogs == []
