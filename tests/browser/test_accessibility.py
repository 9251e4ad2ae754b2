"""Accessible to everyone, in a real Chromium: axe-core finds nothing on any page type at 1280 and 360 px, the search
box is in the header of every page (a phone's too), the font-size control works and is remembered, and the 404 page
works on a project site without site_url.

axe-core comes from npm (package-lock.json; `npm ci`, which .ci/run runs). The site is served as a project site
(under /policy-site/, missing addresses answered with 404.html) by bench/accessibility.py's server, whose page list
and axe run these tests share. Screenshots of every page type at both widths go to tests/artifacts/.
"""

from __future__ import annotations

import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import ARTIFACTS, CHROMIUM, ROOT

sys.path.insert(0, str(ROOT / "bench"))
import accessibility as a11y  # noqa: E402  (bench/accessibility.py)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def site_url(sample_site):
    """(URL of the sample site served as a project site, page type → path)."""
    if not a11y.AXE.exists():
        pytest.fail(f"{a11y.AXE.relative_to(ROOT)} is missing: run `npm ci` in {ROOT} (package-lock.json pins axe-core; .ci/run installs it)")
    folder, site = sample_site
    with a11y.served(folder) as url:
        yield url, a11y.page_types(folder, site)


@pytest.mark.parametrize("width", a11y.WIDTHS)
def test_axe_finds_no_wcag21_violation_on_any_page_type(site_url, browser, width):
    url, pages = site_url
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, path in pages.items():
        page = a11y.open_page(browser, url + path, width)
        page.screenshot(path=str(ARTIFACTS / f"a11y-{name.replace(' ', '-')}-{width}.png"), full_page=True)
        violations = a11y.axe_violations(page)
        page.context.close()
        if violations:
            found[name] = {v["id"]: [node["target"] for node in v["nodes"]][:5] for v in violations}
    assert found == {}


def test_axe_does_find_a_planted_violation(site_url, browser):
    url, pages = site_url
    page = a11y.open_page(browser, url, 1280)
    page.evaluate("document.querySelector('.md-typeset p').style.color = '#ccc'")
    assert "color-contrast" in {v["id"] for v in a11y.axe_violations(page)}
    page.context.close()


def test_no_request_fails_on_a_page(site_url, browser):
    """Material requested sitemap.xml beside each feed link: two 404s on every page of a site without site_url."""
    url, pages = site_url
    failed: list[tuple[str, str]] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("response", lambda response: failed.append((page.url, response.url)) if response.status >= 400 else None)
    for name in ("home", "explainer", "topic list", "search"):
        page.goto(url + pages[name], wait_until="networkidle")
    context.close()
    assert failed == []


@pytest.mark.parametrize("width", a11y.WIDTHS)
def test_the_header_search_box_on_every_page_goes_to_the_search_page(site_url, browser, width):
    url, pages = site_url
    context = browser.new_context(viewport={"width": width, "height": 740}, locale="zh-CN")
    page = context.new_page()
    for name, path in pages.items():
        if name == "404":
            continue
        page.goto(url + path)
        if name == "search":  # its own box, holding the query, in place of the header's
            assert page.get_by_role("search").get_by_label("搜索政策和问答").count() == 0
            box = page.locator("#pp-q")
        else:
            box = page.get_by_role("search").get_by_label("搜索政策和问答")
        assert box.is_visible(), name  # not behind the menu on a phone
        bounds = box.bounding_box()
        assert bounds and bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= width and bounds["y"] < (400 if name == "search" else 300), name
    page.goto(url + pages["explainer"])
    page.get_by_role("search").get_by_label("搜索政策和问答").fill("贷款")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["贷款"]
    page.locator("#pp-results > li").first.wait_for()  # the search page ran the query
    assert page.locator("#pp-q").input_value() == "贷款"
    context.close()


def test_font_size_control_is_keyboard_reachable_and_remembered(site_url, browser):
    url, pages = site_url
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.goto(url + pages["explainer"])
    standard = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset p')).fontSize)")
    for _ in range(40):  # the keyboard alone, from the top of the page
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "特大":
            break
    else:
        pytest.fail("Tab never reaches the 特大 button")
    page.keyboard.press("Enter")
    assert page.get_by_role("button", name="特大").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="标准").get_attribute("aria-pressed") == "false"
    larger = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-typeset p')).fontSize)")
    assert larger >= standard * 1.35
    for name, path in pages.items():  # remembered on the next pages, and every page still fits a phone
        if name == "404":
            continue
        page.goto(url + path)
        page.wait_for_function(a11y.LOADED)
        assert page.evaluate("document.documentElement.dataset.ppSize") == "xlarge", name
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
        page.screenshot(path=str(ARTIFACTS / f"a11y-{name.replace(' ', '-')}-360-xlarge.png"), full_page=True)
    page.get_by_role("button", name="标准").click()
    page.reload()
    assert page.evaluate("document.documentElement.dataset.ppSize") is None
    context.close()


@pytest.mark.parametrize("missing", ["no/such/page/", "policies/no-such-policy/", "a/b/c/d/e.html"])
def test_404_page_works_on_a_project_site_without_site_url(site_url, browser, missing):
    url, _ = site_url
    root = urlsplit(url).path  # /policy-site/: not the server's root
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    response = page.goto(url + missing)
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("heading", level=1).inner_text() == "页面不存在"
    page.wait_for_function("(root) => document.documentElement.dataset.ppRoot === root", arg=root)
    assert page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor") == "rgb(183, 28, 28)"  # its style ran
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_url(url)
    assert page.locator(".pp-tools").count() == 1  # the site's home page, found from any depth
    page.goto(url + missing)
    page.wait_for_function("(root) => document.documentElement.dataset.ppRoot === root", arg=root)
    page.get_by_role("search").get_by_label("搜索政策和问答").fill("贷款")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert urlsplit(page.url).path == root + "search/"
    context.close()
