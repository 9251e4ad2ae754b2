"""The 如何申请 panel, the 即将截止 / 即将到期 badges on a given build date, the 申报日历 page and tel: links."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from conftest import MINI, ROOT, VALID_EXPLAINER, write

from build_tools.build.pipeline import run_pipeline
from build_tools.check.documents import RESERVED_SLUGS
from build_tools.models import Application, Status
from build_tools.pages.apply import phone_links, tel_number, window_text
from build_tools.pages.deadlines import Soon, WindowState, soon, window_state, windows
from build_tools.pages.generate import PAGE_SIZE

TODAY = dt.date(2026, 11, 23)


def explainer_with(content: Path, slug: str, apply: str, extra: str = "", published: str = "2023-01-01") -> None:
    """An explainer of `content` with an `apply:` block (YAML lines under it) and more front matter."""
    block = "apply:\n" + "".join(f"  {line}\n" for line in apply.strip().splitlines()) if apply else ""
    write(content, f"policies/{slug}.md", VALID_EXPLAINER.replace("topics: [财税]\n", f"topics: [财税]\n{block}{extra}").replace("2023-01-01", published))


def pages_of(content: Path, today: dt.date = TODAY) -> dict[str, str]:
    return {page.src_path: page.markdown for page in run_pipeline(content, today).pages}


def panel(markdown: str) -> str:
    found = re.search(r'<div class="pp-apply">.*?</dl>\n</div>', markdown, re.S)
    assert found, "no 如何申请 panel"
    return found.group()


# --- the rules, on a given build date -------------------------------------------------------------


def test_a_window_closing_within_30_days_is_closing_soon_both_ends_included():
    site = run_pipeline(MINI, TODAY)
    e = next(e for e in site.explainers if site.status[e.slug] is Status.IN_FORCE)
    e.apply = Application(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 23))  # 30 days after TODAY
    assert soon(e, TODAY, Status.IN_FORCE) == (Soon.CLOSING,)
    assert soon(e, dt.date(2026, 12, 23), Status.IN_FORCE) == (Soon.CLOSING,)  # the last day
    assert soon(e, dt.date(2026, 11, 22), Status.IN_FORCE) == ()  # 31 days before
    assert soon(e, dt.date(2026, 12, 24), Status.IN_FORCE) == ()  # closed
    assert soon(e, TODAY, Status.EXPIRED) == () and soon(e, TODAY, Status.SUPERSEDED) == ()  # a lapsed policy: its status says it
    e.apply = Application(end=dt.date(2026, 12, 1), no_application=True)
    assert soon(e, TODAY, Status.IN_FORCE) == ()  # 免申即享: nothing to apply for


def test_a_policy_lapsing_within_30_days_is_expiring_soon():
    site = run_pipeline(MINI, TODAY)
    e = next(e for e in site.explainers if e.slug == "economy-2023")  # expires 2027-12-31
    assert soon(e, dt.date(2027, 12, 1), Status.IN_FORCE) == (Soon.EXPIRING,)
    assert soon(e, dt.date(2027, 12, 31), Status.IN_FORCE) == (Soon.EXPIRING,)
    assert soon(e, dt.date(2027, 11, 30), Status.IN_FORCE) == ()
    assert soon(e, dt.date(2027, 12, 1), Status.UPCOMING) == ()


@pytest.mark.parametrize(
    "application, state",
    [
        (Application(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 23)), WindowState.OPEN),
        (Application(start=dt.date(2026, 11, 23)), WindowState.OPEN),
        (Application(end=dt.date(2026, 11, 22)), WindowState.CLOSED),
        (Application(start=dt.date(2026, 11, 24), end=dt.date(2026, 12, 1)), WindowState.COMING),
        (Application(period="每年一季度"), WindowState.RECURRING),
        (Application(period="每年一季度", start=dt.date(2027, 1, 1), end=dt.date(2027, 3, 31)), WindowState.COMING),
        (Application(no_application=True), None),
        (Application(amount="最高200万元"), None),
        (None, None),
    ],
)
def test_where_a_window_stands(application, state):
    assert window_state(application, TODAY) is state


def test_the_window_in_words():
    d = dt.date
    assert window_text(Application(start=d(2026, 1, 1), end=d(2026, 3, 31))) == "2026年1月1日至2026年3月31日"
    assert window_text(Application(end=d(2026, 3, 31))) == "即日起至2026年3月31日"
    assert window_text(Application(start=d(2026, 1, 1))) == "2026年1月1日起"
    assert window_text(Application(period="每年一季度")) == "每年一季度"
    assert window_text(Application(period="每年一季度", start=d(2027, 1, 1), end=d(2027, 3, 31))) == "2027年1月1日至2027年3月31日；每年一季度"


# --- the pages -----------------------------------------------------------------------------------


def test_the_panel_shows_the_window_entry_channel_address_and_amount(content):
    explainer_with(
        content,
        "loan-aid",
        "start: 2026-11-01\nend: 2026-12-10\nurl: https://zwfw.example.gov.cn/apply\nchannel: 江苏政务服务网\naddress: 南京市北京西路68号\namount: 最高200万元",
        extra="contact: [025-83391234]\n",
    )
    page = pages_of(content)["policies/loan-aid.md"]
    shown = panel(page)
    assert '<h2 id="pp-apply-title" class="pp-apply__title">如何申请</h2>' in shown
    assert "2026年11月1日至2026年12月10日" in shown and "申报中" in shown and "还剩 17 天" in shown
    assert '<a class="pp-apply__url" href="https://zwfw.example.gov.cn/apply" rel="noopener">' in shown
    assert "<dd>江苏政务服务网</dd>" in shown and "<dd>南京市北京西路68号</dd>" in shown and "<dd>最高200万元</dd>" in shown
    assert page.index(shown) < page.index('<dl class="pp-meta">'), "near the top: before the facts list"
    assert '<dt>咨询电话</dt><dd><a href="tel:02583391234">025-83391234</a></dd>' in shown  # one tap to call, beside how to apply
    assert "免申即享" not in shown


def test_no_application_is_labelled_and_an_explainer_without_apply_has_no_panel(content):
    explainer_with(content, "free-aid", "no_application: true\namount: 按上年度缴费的50%返还")
    pages = pages_of(content)
    assert "免申即享" in panel(pages["policies/free-aid.md"]) and "申报时间" not in panel(pages["policies/free-aid.md"])
    assert "pp-apply" not in pages["policies/economy-2023.md"]


def test_every_value_of_the_panel_is_escaped(content):
    planted = '<img src=x onerror="alert(1)">'
    explainer_with(
        content,
        "planted",
        f"period: '每年{planted}'\nurl: 'https://example.gov.cn/a?x=\"><script>alert(1)</script>'\n"
        f"channel: '{planted}'\naddress: '{planted}'\namount: '{planted}'",
    )
    pages = pages_of(content)
    shown = panel(pages["policies/planted.md"])
    assert "<img" not in shown and "<script" not in shown and 'x="' not in shown
    assert shown.count("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;") == 4
    assert 'href="https://example.gov.cn/a?x=&#34;&gt;&lt;script&gt;' in shown
    calendar = pages["calendar/index.md"]  # not an explainer page, so not sanitised after Markdown: escaped here alone
    assert "<img" not in calendar and "<script" not in calendar
    assert calendar.count("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;") == 2  # the period and the amount


def test_badges_on_the_build_date_on_the_page_and_in_every_list(content):
    explainer_with(content, "closing", "start: 2026-11-01\nend: 2026-12-10")
    explainer_with(content, "later", "start: 2026-11-01\nend: 2027-06-30")
    pages = pages_of(content)
    closing = '<span class="pp-badge pp-badge--soon"><span aria-hidden="true">!</span> 即将截止</span>'
    top = pages["policies/closing.md"].split("\n\n")[1]  # the status line under the title
    assert top.startswith('<div class="pp-status">') and closing in top
    assert closing not in pages["policies/later.md"]
    for listing in ("index.md", "topics/tax.md", "regions/js.md", "departments/js-czt.md", "years/2023.md", "calendar/index.md"):
        item = next(line for line in pages[listing].splitlines() if 'href="' in line and "policies/closing/" in line)
        assert closing in item, listing
    # The daily rebuild moves them: the same content built later, and earlier.
    assert closing not in pages_of(content, dt.date(2026, 12, 11))["policies/closing.md"]
    assert closing not in pages_of(content, dt.date(2026, 11, 9))["policies/closing.md"]


def test_a_policy_expiring_within_30_days_says_so_on_its_page_and_in_lists():
    expiring = "即将到期</span>"
    assert expiring in pages_of(MINI, dt.date(2027, 12, 15))["policies/economy-2023.md"]
    assert expiring in pages_of(MINI, dt.date(2027, 12, 15))["topics/finance.md"]
    assert expiring not in pages_of(MINI, dt.date(2027, 11, 15))["policies/economy-2023.md"]
    assert expiring not in pages_of(MINI, dt.date(2028, 1, 1))["policies/economy-2023.md"]  # lapsed: 已失效 says it


def test_the_calendar_lists_open_windows_nearest_deadline_first_then_coming_then_recurring(content):
    explainer_with(content, "open-late", "start: 2026-10-01\nend: 2027-03-31")
    explainer_with(content, "open-soon", "start: 2026-10-01\nend: 2026-12-01")
    explainer_with(content, "open-no-end", "start: 2026-01-01")
    explainer_with(content, "coming-later", "start: 2027-02-01\nend: 2027-02-28")
    explainer_with(content, "coming-first", "start: 2027-01-01\nend: 2027-05-31")
    explainer_with(content, "every-quarter", "period: 每季度第一个月")
    explainer_with(content, "closed", "start: 2026-01-01\nend: 2026-11-22")
    explainer_with(content, "free", "no_application: true")
    explainer_with(content, "lapsed", "start: 2026-10-01\nend: 2026-12-31", extra="expires: 2026-11-01\n")
    page = pages_of(content)["calendar/index.md"]
    order = re.findall(r'href="\.\./policies/([a-z-]+)/"', page)
    assert order == ["open-soon", "open-late", "open-no-end", "coming-first", "coming-later", "every-quarter"]
    assert page.index("## 正在申报") < page.index("open-soon") < page.index("## 即将开始") < page.index("coming-first") < page.index("## 定期和常年受理")
    assert '截止 <time datetime="2026-12-01">2026年12月1日</time></strong>（还剩 8 天）' in page
    assert "长期受理" in page and "<strong>每季度第一个月</strong>" in page


def test_a_long_calendar_is_split_into_pages_in_order_and_the_files_are_on_the_first(content):
    for number in range(PAGE_SIZE + 3):
        explainer_with(content, f"w{number:03d}", f"start: 2026-10-01\nend: {dt.date(2026, 12, 1) + dt.timedelta(days=number)}")
    explainer_with(content, "coming", "start: 2027-06-01")
    pages = pages_of(content)
    first, second = pages["calendar/index.md"], pages["calendar/page/2.md"]
    assert len(re.findall(r'href="\.\./policies/w', first)) == PAGE_SIZE and "## 即将开始" not in first  # coming: on the last page
    assert re.findall(r'href="\.\./\.\./\.\./policies/([a-z0-9-]+)/"', second) == ["w050", "w051", "w052", "coming"]
    assert "## 正在申报" in second and "## 即将开始" in second and "目前没有" not in second
    assert '<a rel="next" href="page/2/">' in first and 'type="text/calendar"' in first and 'type="text/calendar"' not in second


def test_the_calendar_order_is_the_same_as_the_windows_function(content):
    explainer_with(content, "b-same-day", "end: 2026-12-01")
    explainer_with(content, "a-same-day", "end: 2026-12-01")
    site = run_pipeline(content, TODAY)
    assert [e.slug for e in windows(site.explainers, TODAY, site.status).open] == ["a-same-day", "b-same-day"]  # ties by slug: stable


def test_the_calendar_page_is_in_the_navigation_and_its_name_is_reserved():
    nav = yaml.safe_load((ROOT / "build_tools/site/defaults/mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert {"申报日历": "calendar/index.md"} in nav
    assert "calendar" in RESERVED_SLUGS


def test_every_folder_of_generated_pages_is_a_reserved_name():
    # An explainer named like a generated page would stand beside it (policies/<slug>/ is safe: its own folder).
    tops = {page.src_path.split("/")[0].removesuffix(".md") for page in run_pipeline(MINI, TODAY).pages}
    assert tops - RESERVED_SLUGS == set()


# --- phone numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("12366（纳税缴费服务热线）", '<a href="tel:12366">12366</a>（纳税缴费服务热线）'),
        ("025-83391234（省发展改革委综合处）", '<a href="tel:02583391234">025-83391234</a>（省发展改革委综合处）'),
        ("（025）8339 1234", '<a href="tel:02583391234">（025）8339 1234</a>'),
        ("+86 25 8339 1234 转 2", '<a href="tel:+862583391234">+86 25 8339 1234</a> 转 2'),
        ("０２５－８３３９１２３４", '<a href="tel:02583391234">０２５－８３３９１２３４</a>'),
        ("工作日 9:00-17:00，2023年起", "工作日 9:00-17:00，2023年起"),  # no phone number: left as text
        ("12345、0516-83730002", '<a href="tel:12345">12345</a>、<a href="tel:051683730002">0516-83730002</a>'),
        ("<b>025-83391234</b>", '&lt;b&gt;<a href="tel:02583391234">025-83391234</a>&lt;/b&gt;'),
    ],
)
def test_phone_numbers_become_tel_links_and_the_rest_stays_escaped_text(line, expected):
    assert str(phone_links(line)) == expected


def test_a_tel_number_has_5_to_15_digits():
    assert tel_number("1234") is None and tel_number("1" * 16) is None
    assert tel_number("12315") == "12315"


def test_contact_numbers_are_tel_links_on_the_explainer_page():
    page = pages_of(MINI)["policies/economy-2023.md"]
    assert (
        '<dt>咨询电话</dt><dd><a href="tel:02583391234">025-83391234</a>（省发展改革委综合处）<br><a href="tel:02583633000">025-83633000</a>（省财政厅）</dd>'
        in page
    )
