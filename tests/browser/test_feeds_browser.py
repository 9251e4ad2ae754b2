"""A feed opened in Chromium: a readable page (the XSL stylesheet), and still a styled list without XSLT (the CSS one).

Needs Debian's chromium at /usr/bin/chromium (.ci/run installs it). Screenshots are kept in tests/artifacts/.
"""

from __future__ import annotations

import pytest

from build_tools.pages.generate import feed_sections
from conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, new_page

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")


def a_department_feed(site) -> tuple[str, list[str]]:
    """The folder of the department feed with the most explainers, and its entries' titles as the feed writes them (first 5)."""
    departments = dict(feed_sections(site))["按部门浏览"]
    listing = max(departments, key=lambda listing: len(listing.items))
    return f"{listing.src_base}/", [e.title for e in listing.items]


@pytest.mark.parametrize("width", [1280, 360])
def test_a_feed_is_a_readable_page_not_raw_xml(sample_url, browser, width):
    url, site = sample_url
    folder, titles = a_department_feed(site)
    page, outside = new_page(browser, width=width, height=800)
    page.goto(f"{url}{folder}feed.xml")
    assert page.evaluate("document.documentElement.localName") == "html"  # transformed, not the XML tree
    text = page.locator("main").inner_text()
    assert "这是一个订阅源" in text and "添加订阅" in text
    shown = page.locator(".pf-entry h3 a").all_inner_texts()
    assert len(shown) == len(titles) and all(any(title in entry for entry in shown) for title in titles)  # titles may carry 【已失效】
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16  # feed.css applied
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"feed-{width}.png"), full_page=True)
    page.locator(".pf-entry h3 a").first.click()
    assert "/policies/" in page.url and page.locator("h1").first.inner_text()
    page.goto(f"{url}{folder}feed.xml")
    page.get_by_role("link", name="什么是订阅、用什么阅读器、全部订阅地址").click()
    assert page.url == f"{url}subscribe/"
    assert page.locator("h1").first.inner_text().startswith("订阅")  # the navigation names it 订阅
    assert page.locator(f'a[href="../{folder}feed.xml"]').count() == 1  # the subscribe page lists this feed
    assert outside == []


def test_without_xslt_the_feed_is_still_a_styled_list(sample_url, browser):
    """XSLT is being removed from browsers: then the CSS instruction styles the feed's own elements."""
    url, site = sample_url
    folder, titles = a_department_feed(site)
    without = browser.browser_type.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, "--disable-features=XSLT"])
    try:
        page, outside = new_page(without, width=360, height=800)
        page.goto(f"{url}{folder}feed.xml")
        assert page.evaluate("document.documentElement.localName") == "feed"  # no transformation
        styles = page.evaluate("""() => {
            const ns = 'http://www.w3.org/2005/Atom', all = name => [...document.getElementsByTagNameNS(ns, name)];
            const display = e => getComputedStyle(e).display;
            return {titles: all('title').filter(e => e.parentNode.localName === 'entry' && display(e) === 'block').map(e => e.textContent),
                    hidden: all('id').concat(all('updated'), all('link')).every(e => display(e) === 'none'),
                    note: getComputedStyle(document.documentElement, '::before').content,
                    size: parseFloat(getComputedStyle(document.documentElement).fontSize)};
        }""")
        assert len(styles["titles"]) == len(titles) and all(any(t in shown for shown in styles["titles"]) for t in titles)
        assert styles["hidden"] and "订阅源" in styles["note"] and styles["size"] >= 16
        page.screenshot(path=str(ARTIFACTS / "feed-without-xslt.png"))  # the viewport: a full-page one needs a body
        assert outside == []
    finally:
        without.close()
