"""The 申报日历's calendar files: valid iCalendar (RFC 5545, read back with icalendar), the right events in each, reproducible."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import write
from icalendar import Calendar
from test_apply_pages import TODAY, explainer_with

from build_tools.build.pipeline import run_pipeline
from build_tools.pages.ics import ics_files


@pytest.fixture
def calendar_content(content):
    """The mini content with: a 南京市 explainer whose window closes soon, a 江苏省 one for no type, a 免申即享 one long in force."""
    explainer_with(
        content,
        "nj-loan",
        "start: 2026-11-01\nend: 2026-12-10\nurl: https://zwfw.example.gov.cn/a\namount: 最高200万元",
        extra="audience: [中小企业]\neffective: 2026-01-01\nexpires: 2027-12-31\n",
    )
    text = (content / "policies/nj-loan.md").read_text(encoding="utf-8").replace("region: 江苏省", "region: 南京市")
    write(content, "policies/nj-loan.md", text)
    explainer_with(content, "js-everyone", "end: 2027-01-15", extra="effective: 2026-12-01\n")
    explainer_with(content, "js-free", "no_application: true", extra="effective: 2020-01-01\n")  # an old date: left out
    return content


def files_of(content, today=TODAY, site_url=None) -> dict[str, bytes]:
    return ics_files(run_pipeline(content, today), "政策解读", site_url)


def events(data: bytes) -> dict[tuple[str, dt.date], object]:
    """(summary, start day) → the event, of a file read back by icalendar."""
    calendar = Calendar.from_ical(data)
    return {(str(e["SUMMARY"]), e.decoded("DTSTART")): e for e in calendar.walk("VEVENT")}


def test_every_file_is_valid_icalendar_with_all_day_events(calendar_content):
    files = files_of(calendar_content)
    assert {"calendar/all.ics", "calendar/regions/js.ics", "calendar/regions/js-nj.ics", "calendar/audiences/sme.ics", "calendar/topics/tax.ics"} <= set(files)
    for path, data in files.items():
        assert data.endswith(b"END:VCALENDAR\r\n") and b"\n" not in data.replace(b"\r\n", b""), path  # CRLF line ends only
        assert max(len(line) for line in data.split(b"\r\n")) <= 75, path  # folded at 75 octets (RFC 5545 3.1)
        calendar = Calendar.from_ical(data)
        assert calendar["VERSION"] == "2.0" and calendar["PRODID"] and str(calendar["X-WR-CALNAME"]).startswith("申报日历 · ")
        found = calendar.walk("VEVENT")
        assert found, f"{path}: a file is written only with events"
        for event in found:
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            assert type(start) is dt.date and end == start + dt.timedelta(days=1)  # all-day: a DATE, not a DATE-TIME
            assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 22, 16, tzinfo=dt.UTC)  # the build date in China
        uids = [str(e["UID"]) for e in found]
        assert len(set(uids)) == len(uids)


def test_deadlines_and_effective_and_expiry_dates_are_the_events(calendar_content):
    found = events(files_of(calendar_content)["calendar/all.ics"])
    title = "测试解读"
    assert ("申报截止：" + title, dt.date(2026, 12, 10)) in found
    assert ("政策有效期最后一天：" + title, dt.date(2027, 12, 31)) in found
    assert ("政策生效：" + title, dt.date(2026, 12, 1)) in found
    assert ("申报截止：" + title, dt.date(2027, 1, 15)) in found
    assert ("政策生效：" + title, dt.date(2020, 1, 1)) not in found  # more than 90 days before the build date
    deadline = found[("申报截止：" + title, dt.date(2026, 12, 10))]
    assert "扶持标准：最高200万元" in str(deadline["DESCRIPTION"]) and "申报入口：https://zwfw.example.gov.cn/a" in str(deadline["DESCRIPTION"])
    # the mini site's own: the 2027 loan takes effect; the expired and superseded explainers give nothing
    assert ("政策生效：首贷贴息政策解读", dt.date(2027, 1, 1)) in found
    assert not [summary for summary, _ in found if "留抵退" in summary or "2022年" in summary]


def test_a_region_has_its_own_policies_and_those_above_it_a_type_those_for_it_above_it_or_none(calendar_content):
    files = files_of(calendar_content)
    nanjing = {day for _, day in events(files["calendar/regions/js-nj.ics"])}
    province = {day for _, day in events(files["calendar/regions/js.ics"])}
    assert dt.date(2026, 12, 10) in nanjing and dt.date(2027, 1, 15) in nanjing  # its own and the province's
    assert dt.date(2026, 12, 10) not in province and dt.date(2027, 1, 15) in province  # not a city's
    sme = {day for _, day in events(files["calendar/audiences/sme.ics"])}
    assert {dt.date(2026, 12, 10), dt.date(2027, 1, 15)} <= sme  # for 中小企业, and for every type


def test_the_same_content_and_date_give_the_same_bytes_and_uids_stay_when_a_date_moves(calendar_content):
    first = files_of(calendar_content)
    assert first == files_of(calendar_content)
    uids = {summary: str(e["UID"]) for (summary, _), e in events(first["calendar/all.ics"]).items()}
    explainer_with(calendar_content, "js-everyone", "end: 2027-01-20", extra="effective: 2026-12-01\n")  # the deadline moved
    moved = {(summary, day): str(e["UID"]) for (summary, day), e in events(files_of(calendar_content)["calendar/all.ics"]).items()}
    old = dict(events(first["calendar/all.ics"]))
    assert moved[("申报截止：测试解读", dt.date(2027, 1, 20))] == str(old[("申报截止：测试解读", dt.date(2027, 1, 15))]["UID"])
    assert len(uids) >= 1


def test_with_a_site_url_each_event_links_its_page(calendar_content):
    found = events(files_of(calendar_content, site_url="https://www.example.gov.cn/policy")["calendar/all.ics"])
    deadline = found[("申报截止：测试解读", dt.date(2026, 12, 10))]
    assert str(deadline["URL"]) == "https://www.example.gov.cn/policy/policies/nj-loan/"
    assert "URL" not in events(files_of(calendar_content)["calendar/all.ics"])[("申报截止：测试解读", dt.date(2026, 12, 10))]


def test_text_is_escaped_and_control_characters_left_out(content):
    explainer_with(content, "odd", "end: 2026-12-10\namount: '最高200万元;含\"补贴\",\\n另计'")
    site = run_pipeline(content, TODAY)
    # `policy check` refuses control characters; the writer leaves them out all the same (the file would be invalid)
    next(e for e in site.explainers if e.slug == "odd").title = "A;B,C\\D\v\u2028E"
    data = ics_files(site, "政策解读", None)["calendar/all.ics"]
    assert b"\x0b" not in data and "\u2028".encode() not in data
    deadline = events(data)[("申报截止：A;B,C\\DE", dt.date(2026, 12, 10))]  # read back as written
    assert '扶持标准：最高200万元;含"补贴",\\n另计' in str(deadline["DESCRIPTION"])


def test_the_calendar_page_links_each_file_that_exists(calendar_content):
    site = run_pipeline(calendar_content, TODAY)
    page = next(p.markdown for p in site.pages if p.src_path == "calendar/index.md")
    files = ics_files(site, "政策解读", None)
    linked = {"calendar/" + href for href in re.findall(r'href="([^"]+\.ics)"', page)}
    assert linked == set(files)
    assert '<a href="regions/js-nj.ics" type="text/calendar">南京市</a>' in page
