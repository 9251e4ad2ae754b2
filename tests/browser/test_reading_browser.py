"""Reading the sample site in Chromium (issue #23): breadcrumbs, section anchors, clickable keywords, the print view
and the metadata panel collapsed on a phone. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import urllib.parse

import pytest
from conftest import ARTIFACTS, CHROMIUM, new_page

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def explainer(sample_url):
    """(base URL, an explainer with keywords, an original text online and a 办理流程 section)."""
    url, site = sample_url
    chosen = next(e for e in site.explainers if e.tags and e.policy and e.policy.url and "\n## 办理流程" in e.body)
    return url, chosen


def _visible(page, selector: str) -> bool:
    return page.evaluate("(s) => { const e = document.querySelector(s); return !!e && e.checkVisibility(); }", selector)


def test_breadcrumbs_lead_from_the_page_to_its_topic_and_home(explainer, browser):
    url, e = explainer
    page, outside = new_page(browser)
    page.goto(f"{url}policies/{e.slug}/")
    crumbs = page.get_by_role("navigation", name="面包屑")
    assert crumbs.is_visible()
    names = [text.strip() for text in crumbs.locator("li").all_text_contents()]
    assert names == ["首页", e.topics[0].name, e.title]
    assert crumbs.locator("[aria-current=page]").inner_text() == e.title
    box, title = crumbs.bounding_box(), page.locator("h1").first.bounding_box()
    assert box and title and box["y"] < title["y"]  # above the title
    crumbs.get_by_role("link", name=e.topics[0].name).click()
    assert page.url.endswith(f"/topics/{e.topics[0].id}/")
    page.get_by_role("navigation", name="面包屑").get_by_role("link", name="首页").click()
    assert urllib.parse.urlsplit(page.url).path == "/"
    assert outside == []


def test_a_section_anchor_in_words_opens_the_section(explainer, browser):
    url, e = explainer
    page, _ = new_page(browser, **PHONE)
    page.goto(f"{url}policies/{e.slug}/#办理流程")
    heading = page.locator("h2", has_text="办理流程").first
    assert heading.get_attribute("id") == "办理流程"
    box = heading.bounding_box()
    assert box and 0 <= box["y"] < PHONE["height"]  # scrolled to it


def test_a_keyword_searches_for_itself(explainer, browser):
    url, e = explainer
    page, _ = new_page(browser)
    page.goto(f"{url}policies/{e.slug}/")
    page.locator("a.pp-tag", has_text=e.tags[0]).first.click()
    page.wait_for_url("**/search/?q=*")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["q"] == [e.tags[0]]
    page.wait_for_function("() => document.body.dataset.ppSearched")  # the search ran
    assert page.locator("#pp-q").input_value() == e.tags[0]
    assert page.locator("#pp-results > li").count() > 0


def test_the_metadata_panel_shows_its_key_lines_on_a_phone_and_everything_on_a_desktop(explainer, browser):
    url, e = explainer
    phone, _ = new_page(browser, **PHONE)
    phone.goto(f"{url}policies/{e.slug}/")
    panel = phone.locator("details.pp-meta-panel")
    summary = panel.locator("summary")
    assert summary.is_visible() and not _visible(phone, "details.pp-meta-panel dl.pp-meta")
    assert e.department.name in summary.inner_text() and "发布" in summary.inner_text()
    height = panel.bounding_box()["height"]
    assert height < PHONE["height"] / 4, height  # the 14 rows took 1.5 screens
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    panel.scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / "explainer-phone-metadata-closed.png"))
    summary.focus()
    phone.keyboard.press("Enter")  # opens with the keyboard as with a tap
    assert _visible(phone, "details.pp-meta-panel dl.pp-meta")
    assert phone.locator("details.pp-meta-panel dt", has_text="关键词").is_visible()

    desktop, _ = new_page(browser)
    desktop.goto(f"{url}policies/{e.slug}/")
    assert _visible(desktop, "details.pp-meta-panel dl.pp-meta") and not _visible(desktop, "details.pp-meta-panel summary")
    assert desktop.locator("details.pp-meta-panel dt", has_text="发布部门").is_visible()


def test_the_print_view_leaves_out_navigation_and_prints_link_addresses(explainer, browser):
    url, e = explainer
    for size in ({"width": 1280, "height": 900}, PHONE):
        page, _ = new_page(browser, **size)
        page.goto(f"{url}policies/{e.slug}/")
        page.emulate_media(media="print")
        for selector in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer", "nav.pp-breadcrumbs", "[role=search]"):
            assert not _visible(page, selector), (size, selector)
        assert _visible(page, "article h1") and _visible(page, ".pp-lead"), size  # the text stays
        assert _visible(page, "details.pp-meta-panel dl.pp-meta"), size  # the whole table, a phone's too
        original = page.locator("details.pp-meta-panel a", has_text=e.policy.title).first
        after = original.evaluate("(a) => getComputedStyle(a, '::after').content")
        assert e.policy.url in after, after
        internal = page.locator("details.pp-meta-panel a[href^='../']").first.evaluate("(a) => getComputedStyle(a, '::after').content")
        assert internal in ("none", "normal", '""')  # links within the site print as text
    page.screenshot(path=str(ARTIFACTS / "explainer-print-phone.png"), full_page=True)


def test_every_breadcrumb_of_a_faq_entry_and_a_list_page_leads_to_a_page(sample_url, browser):
    url, site = sample_url
    entry = next(e for e in site.faq if e.topics)
    page, outside = new_page(browser, **PHONE)
    for path, names in ((f"faq/{entry.id}/", ["首页", "常见问题", f"{entry.topics[0].name}常见问题"]), ("topics/finance/", ["首页", "按主题浏览"])):
        page.goto(url + path)
        links = page.get_by_role("navigation", name="面包屑").get_by_role("link")
        assert [text.strip() for text in links.all_inner_texts()] == names, path
        for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
            response = page.request.get(urllib.parse.urljoin(url + path, href))
            assert response.ok, (path, href)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    assert outside == []
