"""The matching page (哪些政策适用于我) in a real Chromium, on the built sample site.

Expected lists are worked out here from the pipeline's Site (status, regions,
the audience tree), so a wrong data file, match rule, order or URL state fails.
Screenshots: tests/artifacts/match.png, match-region-alone-phone.png, match-print.png.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, quote, urlencode, urlparse

import icalendar
import pytest

from conftest import ARTIFACTS, BUILD_DATE, CHROMIUM, new_page
from build_tools.text.twins import script_of, twin_key

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")

LISTED = ("现行有效", "即将生效")
PROFILE = {"region": "南京市", "audience": ["科技型中小企业", "民营企业"], "topic": ["金融"]}


def _query(profile: dict) -> str:
    return urlencode(profile, doseq=True)


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => document.body.dataset.ppSearched")


def _searched(page, action) -> None:
    before = page.evaluate("document.body.dataset.ppSearched || ''")
    action()
    page.wait_for_function("before => (document.body.dataset.ppSearched || '') !== before", arg=before)


def _result_urls(page) -> list[str]:
    return [urlparse(h).path for h in page.eval_on_selector_all("#pp-results > li a.pp-item__title", "links => links.map(a => a.href)")]


def expected(site, profile: dict) -> list:
    """The explainers the page must list for `profile`, in the page's order."""
    taxonomy = site.content.taxonomy
    region = taxonomy.region(profile["region"])
    regions = [*region.ancestors, region.name]
    types = set(profile["audience"])
    for term in taxonomy.audiences:
        if term.name in types:
            types.update(term.ancestors)
    today = site.today.isoformat()

    def applies(e) -> bool:
        return (
            e.is_published(site.today)
            and site.status[e.slug].value in LISTED
            and e.region.name in regions
            and (not e.audience or bool(types & {a.name for a in e.audience}) or not profile["audience"])
            and (not profile["topic"] or bool(set(profile["topic"]) & {t.name for t in e.topics}))
        )

    def order(e):
        end = e.apply.end.isoformat() if e.apply and e.apply.end and not e.apply.no_application else ""
        open_end = end if end >= today else ""
        return (-len(e.region.ancestors), not open_end, open_end, -e.published.toordinal(), e.slug)

    listed = list(filter(applies, site.explainers))
    simplified = {_key(e) for e in listed if script_of(e.title) == "简"}
    one_each = [e for e in listed if script_of(e.title) == "简" or _key(e) not in simplified]  # a twin is one result
    return sorted(one_each, key=order)


def _key(explainer) -> str:
    return twin_key(explainer.policy.number if explainer.policy else None, explainer.title)


def test_a_profile_from_the_url_lists_what_applies_local_first(sample_url, browser):
    url, site = sample_url
    page, outside = new_page(browser)
    fetched: list[tuple[str, int]] = []
    page.on("response", lambda r: fetched.append((urlparse(r.url).path, len(r.body()))) if "/match/data/" in r.url else None)
    _open(page, f"{url}match/?{_query(PROFILE)}")
    applies = expected(site, PROFILE)
    assert len(applies) >= 3 and {e.region.name for e in applies} >= {"南京市", "江苏省", "全国"}
    assert _result_urls(page) == [f"/policies/{e.slug}/" for e in applies]
    # restored from the URL, every type kept
    assert page.input_value("#pp-region") == "南京市"
    assert [b for b in PROFILE["audience"] if page.locator(f'input[name=audience][value="{b}"]').is_checked()] == PROFILE["audience"]
    assert page.locator('input[name=topic][value="金融"]').is_checked()
    # why: a national policy for 中小企业 applies to the chosen 科技型中小企业
    national = next(e for e in applies if e.region.name == "全国" and "中小企业" in {a.name for a in e.audience})
    why = page.locator("#pp-results > li", has=page.locator(f'a[href$="/policies/{national.slug}/"]')).locator(".pp-match__why").inner_text()
    assert "地区 全国（上级）" in why and "中小企业（含科技型中小企业）" in why and "需求 金融" in why
    # only the data of 南京市 and the regions above it, each once
    assert sorted(path for path, _ in fetched) == ["/match/data/cn.json", "/match/data/js-nj.json", "/match/data/js.json"]
    assert sum(size for _, size in fetched) < 20_000
    # 苏创融 and its version in traditional script: one result, linking the other
    twin = page.locator("#pp-results > li", has=page.locator('a[href$="/policies/sucrong-credit-loan/"]')).locator("a.pp-item__twin")
    assert twin.inner_text() == "繁體版" and twin.get_attribute("href").endswith("/policies/sucrong-credit-loan-hant/")
    page.screenshot(path=str(ARTIFACTS / "match.png"), full_page=True)
    # subscribing: the site's calendar files, which a calendar app keeps up to date
    page.get_by_role("link", name="订阅自动更新的日历（按地区、类型、主题）").click()
    page.wait_for_url("**/calendar/#*")
    assert page.locator("[id='订阅日历']").count() == 1 and page.locator("a[href$='.ics']").count() > 3
    assert outside == []


def test_a_type_includes_its_subtypes_only_downwards(sample_url, browser):
    """Choosing 科技型中小企业 finds 中小企业's policies; choosing 中小企业 does not find those for 科技型中小企业 alone."""
    url, site = sample_url
    page, _ = new_page(browser)
    for audience in ("科技型中小企业", "中小企业"):
        profile = {"region": "南京市", "audience": [audience], "topic": []}
        _open(page, f"{url}match/?{_query(profile)}")
        assert _result_urls(page) == [f"/policies/{e.slug}/" for e in expected(site, profile)], audience
    tech_only = [e for e in site.explainers if [a.name for a in e.audience] == ["科技型中小企业"] and e.region.name == "南京市"]
    assert tech_only and f"/policies/{tech_only[0].slug}/" not in _result_urls(page)


def test_keyboard_alone_builds_a_profile_of_several_types(sample_url, browser):
    url, site = sample_url
    page, _ = new_page(browser)
    _open(page, f"{url}match/")
    page.focus("#pp-region")
    page.keyboard.press("End")  # the last region of the list
    region = page.input_value("#pp-region")
    chosen = []
    for _ in range(60):  # Tab on to the types, ticking two with Space
        page.keyboard.press("Tab")
        active = page.evaluate("[document.activeElement.name, document.activeElement.value]")
        if active[0] == "audience" and active[1] in ("中小企业", "民营企业"):
            page.keyboard.press("Space")
            chosen.append(active[1])
        if active[0] == "topic":
            break
    assert chosen == ["中小企业", "民营企业"]
    for _ in range(30):  # on to the button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    _searched(page, lambda: page.keyboard.press("Enter"))
    assert parse_qs(urlparse(page.url).query) == {"region": [region], "audience": chosen}
    profile = {"region": region, "audience": chosen, "topic": []}
    assert _result_urls(page) == [f"/policies/{e.slug}/" for e in expected(site, profile)]
    assert page.evaluate("[...document.querySelectorAll('form[data-pp-match] :is(input, select)')].filter(e => !e.labels.length).length") == 0
    _searched(page, lambda: page.go_back())  # the previous profile comes back
    assert page.input_value("#pp-region") == ""


def test_a_region_with_no_policy_of_its_own_says_so_on_a_phone(sample_url, browser):
    url, site = sample_url
    taxonomy = site.content.taxonomy
    own = {e.region.name for e in site.explainers if site.status[e.slug].value in LISTED}
    region = next(r for r in taxonomy.regions if r.name not in own and r.ancestors)
    page, outside = new_page(browser, width=360, height=740)
    _open(page, f"{url}match/?region={quote(region.name)}")
    above = page.locator("#pp-above")
    assert above.is_visible() and f"{region.name}暂无本级政策" in above.inner_text()
    parent = region.ancestors[-1]
    assert parse_qs(urlparse(above.locator("a").get_attribute("href")).query) == {"region": [parent]}
    assert f"{region.name}（暂无本级政策）" in page.inner_text("#pp-region")
    assert _result_urls(page) == [f"/policies/{e.slug}/" for e in expected(site, {"region": region.name, "audience": [], "topic": []})]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    sizes = page.evaluate("""() => [...document.querySelectorAll('#pp-results p, #pp-results a, #pp-results dd, #pp-status, main label')]
        .filter(e => e.offsetParent !== null && e.innerText.trim()).map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 16
    page.screenshot(path=str(ARTIFACTS / "match-region-alone-phone.png"), full_page=True)
    assert outside == []


def test_the_print_view_is_a_one_page_list_with_the_profile_and_its_qr_code(sample_url, browser):
    url, site = sample_url
    page, outside = new_page(browser)
    _open(page, f"{url}match/?{_query(PROFILE)}")
    page.wait_for_selector("#pp-qr svg path", state="attached")  # drawn for the print view, hidden on screen
    page.emulate_media(media="print")
    assert not page.is_visible("form[data-pp-match]") and not page.is_visible("#pp-actions")
    assert page.is_visible(".pp-profile__print") and page.is_visible("#pp-qr svg")
    assert "地区：南京市；企业类型：科技型中小企业、民营企业；需求：金融" in page.inner_text("#pp-profile-summary")
    assert page.eval_on_selector("#pp-qr svg", "svg => svg.dataset.url") == page.url  # the code holds the profile's URL
    assert page.locator("#pp-results > li").count() == len(expected(site, PROFILE))
    pdf = page.pdf(format="A4")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type /Page/") == 1
    page.screenshot(path=str(ARTIFACTS / "match-print.png"), full_page=True)
    assert outside == []


def test_the_profile_calendar_downloads_valid_ics_of_its_dates(sample_url, browser):
    url, site = sample_url
    profile = {"region": "南京市", "audience": [], "topic": []}
    page, _ = new_page(browser)
    _open(page, f"{url}match/?{_query(profile)}")
    with page.expect_download() as download:
        page.click("#pp-ics")
    data = open(download.value.path(), "rb").read()
    assert download.value.suggested_filename.endswith(".ics")
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines) and b"\n" not in data.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(data)
    events = {(str(e["UID"]).split("@")[0], e.decoded("DTSTART")) for e in calendar.walk("VEVENT")}
    want = set()
    for e in expected(site, profile):
        end = e.apply.end if e.apply and not e.apply.no_application else None
        for kind, day in (("deadline", end), ("effective", e.effective), ("expires", e.expires)):
            if day and day >= BUILD_DATE:
                want.add((f"{kind}-{e.slug}", day))
    assert want and events == want
    for event in calendar.walk("VEVENT"):
        assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(days=1)  # all-day
        assert event.decoded("DTSTAMP").date() == BUILD_DATE
        assert str(event["SUMMARY"]).startswith(("申报截止：", "政策生效：", "政策到期："))
