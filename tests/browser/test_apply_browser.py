"""The 如何申请 panel and the 申报日历 on a 360 px phone, in a real Chromium (Playwright)."""

from __future__ import annotations

import shutil

import pytest

from build_tools.build.build import build
from conftest import ARTIFACTS, CHROMIUM, MINI, VALID_EXPLAINER, build_options, new_page, serving, write

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")

APPLY = """\
apply:
  start: 2026-11-01
  end: 2026-12-10
  url: https://zwfw.jiangsu.gov.cn/jszwfw/bscx/itemlist/gr/index.do?webId=1&themid=A1B2C3D4E5F6G7H8I9J0&deptid=320000000000
  channel: 江苏政务服务网“惠企通”专区在线申报，或到各设区市政务服务中心企业服务专窗现场办理
  address: 南京市鼓楼区北京西路68号江苏省政务服务中心二楼企业服务专窗
  amount: 单户企业最高200万元，按实际发生额的50%给予补助
contact: [025-83391234（省财政厅）, 12366（纳税缴费服务热线）]
"""


@pytest.fixture(scope="module")
def apply_site(tmp_path_factory):
    """The mini content with one explainer that has a long `apply:` block, built and served: (base URL, Site)."""
    folder = tmp_path_factory.mktemp("apply-browser")
    content = folder / "content"
    shutil.copytree(MINI, content)
    write(content, "policies/loan-aid.md", VALID_EXPLAINER.replace("topics: [财税]\n", "topics: [财税]\n" + APPLY))
    site = build(build_options(folder, content))
    with serving(folder / "site") as url:
        yield url, site


def test_the_apply_panel_shows_near_the_top_on_a_phone(apply_site, browser):
    url, _ = apply_site
    page, outside = new_page(browser, width=360, height=740)
    page.goto(url + "policies/loan-aid/")
    panel = page.locator("div.pp-apply")
    assert panel.is_visible()
    assert page.get_by_role("heading", name="如何申请").is_visible()
    box = panel.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert box["y"] < 740  # on the first screen, right under the summary
    assert page.evaluate("document.querySelector('.pp-lead').nextElementSibling.className") == "pp-apply"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the long URL and address wrap
    text = panel.inner_text()
    for shown in ("2026年11月1日至2026年12月10日", "申报中", "还剩 17 天", "江苏省政务服务中心", "单户企业最高200万元"):
        assert shown in text
    entry = panel.get_by_role("link", name="https://zwfw.jiangsu.gov.cn", exact=False)
    assert entry.get_attribute("href").startswith("https://zwfw.jiangsu.gov.cn/")
    assert page.locator(".pp-status").inner_text().count("即将截止") == 1
    phone = panel.get_by_role("link", name="025-83391234")  # one tap to call, in the panel (the facts list may be folded)
    assert phone.get_attribute("href") == "tel:02583391234" and phone.is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "apply-panel-phone.png"), full_page=True)
    assert outside == []  # nothing requested from elsewhere (the 申报入口 is only a link)


def test_the_calendar_page_lists_the_window_and_serves_its_calendar_files(apply_site, browser):
    url, _ = apply_site
    page, outside = new_page(browser, width=360, height=740)
    page.goto(url + "calendar/")
    assert page.locator("h1").first.inner_text() == "申报日历"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    open_list = page.locator("ul.pp-calendar").first
    assert "截止 2026年12月10日" in open_list.inner_text() and "即将截止" in open_list.inner_text()
    href = page.get_by_role("link", name="全部政策").get_attribute("href")
    served = page.request.get(url + "calendar/" + href)
    assert served.ok and served.body().startswith(b"BEGIN:VCALENDAR\r\n")
    page.goto(url)
    assert page.locator(".md-nav a[href='calendar/']").count() > 0  # in the navigation (the drawer, on a phone)
    assert outside == []


def test_a_search_result_shows_the_deadline_amount_and_badge(apply_site, browser):
    url, _ = apply_site
    page, outside = new_page(browser, width=360, height=740)
    page.goto(f"{url}search/?q=" + "测试解读")
    page.wait_for_function("() => document.body.dataset.ppSearched")
    result = page.locator("#pp-results > li", has=page.locator("a[href$='policies/loan-aid/']"))
    assert "即将截止" in result.locator(".pp-badge--soon").inner_text()
    assert result.locator(".pp-result__apply").inner_text() == "申报截止 2026年12月10日 · 扶持标准：单户企业最高200万元，按实际发生额的50%给予补助"
    assert outside == []
