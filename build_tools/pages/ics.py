"""Calendar files (iCalendar, RFC 5545) of the 申报日历: the whole site, each region, audience type and topic.

Each file holds all-day events for the policies in force or about to take
effect that apply there: application deadlines (申报截止), the dates a policy
takes effect and its last day in force. A region's file has the policies of
that region and of the regions above it, a type's those for that type, a type
above it or no type (as the matching page lists them): what an enterprise
there subscribes to. Events before HISTORY_DAYS ago are left out, so a file
grows with what is coming, not with the years of the corpus, and a deadline
just passed stays in view for a while.

Reproducible: UIDs are name-based UUIDs of the page and the kind of date (the
same event keeps its UID when its date moves), DTSTAMP is the build date,
never the clock. The files are returned, not written: plugin.py hands them to
MkDocs with the pages, as it does the feeds.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from icalendar import Calendar, Event, vDuration

from build_tools.models import Explainer, Site, Status, Taxonomy
from build_tools.pages.deadlines import deadline

FOLDER = "calendar/"
ALL_FILE = f"{FOLDER}all.ics"
HISTORY_DAYS = 90
LISTED = (Status.IN_FORCE, Status.UPCOMING)
CHINA = dt.timezone(dt.timedelta(hours=8))
PRODUCT = "-//policy explainers//申报日历//ZH"
# RFC 5545 text allows no control character but tab (line breaks are written escaped); UTF-8 cannot hold a lone surrogate.
NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\ud800-\udfff]")


@dataclass(frozen=True)
class CalendarFile:
    """One calendar file: its path in the site, what it is for (e.g. 南京市) and its explainers."""

    path: str
    title: str
    explainers: list[Explainer]


def calendar_files(site: Site) -> dict[str, list[CalendarFile]]:
    """The calendar files that have at least one event, by group: all, regions, audiences, topics (the 申报日历 page links them)."""
    listed = [e for e in site.explainers if site.status[e.slug] in LISTED and _dates(e, site.today)]
    taxonomy = site.content.taxonomy
    groups = {
        "all": [CalendarFile(ALL_FILE, "全部政策", listed)],
        "regions": [
            CalendarFile(f"{FOLDER}regions/{r.id}.ics", r.name, [e for e in listed if e.region.name in (r.name, *r.ancestors)]) for r in taxonomy.regions
        ],
        "audiences": [CalendarFile(f"{FOLDER}audiences/{t.id}.ics", t.name, _for_type(taxonomy, listed, t.name)) for t in taxonomy.audiences],
        "topics": [CalendarFile(f"{FOLDER}topics/{t.id}.ics", t.name, [e for e in listed if t in e.topics]) for t in taxonomy.topics],
    }
    return {group: [f for f in files if f.explainers] for group, files in groups.items()}


def ics_files(site: Site, site_name: str, site_url: str | None) -> dict[str, bytes]:
    """Path in the site → bytes of every calendar file."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    groups = calendar_files(site)
    # slug → its events, serialised once and shared by every file that holds them (the file of all holds every one)
    events = {e.slug: _events(site, e, site_name, base) for calendar in groups["all"] for e in calendar.explainers}
    return {
        calendar.path: _wrap(_calendar(f"申报日历 · {calendar.title} · {site_name}"), b"".join(events[e.slug] for e in calendar.explainers))
        for group in groups.values()
        for calendar in group
    }


def _for_type(taxonomy: Taxonomy, explainers: list[Explainer], type_name: str) -> list[Explainer]:
    return [e for e in explainers if taxonomy.audience_applies(e.audience, type_name)]


def _dates(explainer: Explainer, today: dt.date) -> list[tuple[str, str, dt.date]]:
    """(kind, label, day) of the explainer's dates that go into calendars: not before HISTORY_DAYS ago."""
    since = today - dt.timedelta(days=HISTORY_DAYS)
    dates = [
        ("deadline", "申报截止", deadline(explainer)),
        ("effective", "政策生效", explainer.effective),
        ("expires", "政策有效期最后一天", explainer.expires),
    ]
    return [(kind, label, day) for kind, label, day in dates if day is not None and day >= since]


def _events(site: Site, explainer: Explainer, site_name: str, base: str) -> bytes:
    """The VEVENTs of one explainer, as they appear in every calendar that holds it."""
    page = f"policies/{explainer.slug}/"
    stamp = dt.datetime.combine(site.today, dt.time(), CHINA).astimezone(dt.UTC)  # the build date's start, in China
    out = []
    for kind, label, day in _dates(explainer, site.today):
        event = Event()
        event.add("uid", f"{uuid.uuid5(uuid.NAMESPACE_URL, f'{base or site_name}/{page}#{kind}')}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))  # all-day: DTEND is the day after (RFC 5545 3.6.1)
        event.add("summary", _text(f"{label}：{explainer.title}"))
        event.add("description", _text(_description(explainer, kind, base + page if base else "")))
        event.add("transp", "TRANSPARENT")  # a date to remember, not time taken
        if base:
            event.add("url", base + page)
        out.append(event.to_ical())
    return b"".join(out)


def _description(explainer: Explainer, kind: str, url: str) -> str:
    lines = [explainer.summary]
    application = explainer.apply
    if kind == "deadline" and application is not None:
        lines += [f"扶持标准：{application.amount}" if application.amount else "", f"申报入口：{application.url}" if application.url else ""]
        lines += [f"办理渠道：{application.channel}" if application.channel else ""]
    lines += [f"发布部门：{explainer.department.name}", f"政策解读：{url}" if url else ""]
    return "\n".join(line for line in lines if line)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", _text(name))  # RFC 7986; X-WR-CALNAME for the clients that only know that one
    calendar.add("x-wr-calname", _text(name))
    calendar.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})  # the site is rebuilt daily
    calendar.add("x-published-ttl", vDuration(dt.timedelta(days=1)))
    return calendar


def _wrap(calendar: Calendar, events: bytes) -> bytes:
    """The calendar with the events inside, before its END line."""
    text = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert text.endswith(end)
    return text[: -len(end)] + events + end


def _text(value: str) -> str:
    return NOT_TEXT.sub("", value)
