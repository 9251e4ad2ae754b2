"""Feeds: the Atom (RFC 4287) and JSON Feed 1.1 files of the site and of each department, topic, audience and region.

Each feed holds the MAX_ENTRIES explainers that changed last, newest first,
with summary, department and status. An entry changes when its explainer's
file does and when its status does: its `updated` date becomes the day the
policy lapsed, was replaced, took effect or came within EXPIRING_DAYS of
lapsing, and its title says so (【已失效】, 【即将到期】 …), so a reader shows it
again. Every date comes from the explainers (published, last changed,
effective, expires) and the build date, never from the clock, so the same
content and build date give the same bytes. An Atom file names an XSL
stylesheet, which a browser uses to show it as a readable page, and a CSS
one, which a browser without XSLT (it is being removed from browsers) uses
instead; both are theme assets. Entry ids are the page URLs when the site
has a `site_url`; without one, links are relative (resolved against the
feed's own address) and ids are name-based `urn:uuid:`s of the page path,
stable across builds. All text is escaped by the XML and JSON writers, and
the characters XML 1.0 does not allow at all (control characters such as \v,
lone surrogates), which ElementTree writes as they are, are left out: the
feeds stay well-formed whatever a title holds.
The files are returned, not written: plugin.py hands them to MkDocs with the pages.
"""

from __future__ import annotations

import datetime as dt
import heapq
import html
import json
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from build_tools.models import EXPIRING_DAYS, Explainer, Site, Status
from build_tools.pages.deadlines import Soon, soon
from build_tools.pages.generate import ATOM_FILE, FEED_ENTRIES, JSON_FILE, chinese_date, feed_sections, relative_url

MAX_ENTRIES = FEED_ENTRIES
# Theme assets (build_tools/site/defaults/theme/assets/): the page a browser shows for an Atom file, and its fallback.
FEED_XSL = "assets/feed.xsl"
FEED_CSS = "assets/feed-atom.css"
EXPIRING_MARK = Soon.EXPIRING.value  # as the pages' badge, decided by deadlines.soon
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CHINA_TIME = "T00:00:00+08:00"  # dates are days in China; feeds need a time of day
# Every character outside XML 1.0's Char production (tab, newline and carriage return are allowed).
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SURROGATE = re.compile("[\ud800-\udfff]")  # only from a YAML escape ("\ud800"): JSON writes it as it is, UTF-8 cannot hold it


@dataclass(frozen=True)
class Feed:
    """One feed: where it lives (a folder URL, "" for the site root), its title and its explainers."""

    folder: str
    title: str
    explainers: list[Explainer]


@dataclass(frozen=True)
class _Links:
    """Turns site paths into links from one feed: absolute with a site_url, else relative to the feed."""

    folder: str
    site_url: str

    def href(self, target: str) -> str:
        return self.site_url + target if self.site_url else relative_url(self.folder, target)

    def id(self, target: str) -> str:
        return self.site_url + target if self.site_url else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '/' + target)}"


def site_feeds(site: Site, site_name: str, updated: dict[str, dt.date] | None = None) -> list[Feed]:
    """The site's feed, then one per department, topic, audience and region that has explainers."""
    updated = updated or entry_updates(site)

    def latest(explainers: list[Explainer]) -> list[Explainer]:
        return heapq.nsmallest(MAX_ENTRIES, explainers, key=lambda e: (-updated[e.slug].toordinal(), -e.published.toordinal(), e.slug))

    feeds = [Feed("", site_name, latest(site.explainers))]
    for _, listings in feed_sections(site):
        feeds += [Feed(f"{listing.src_base}/", f"{listing.title} · {site_name}", latest(listing.items)) for listing in listings]
    return feeds


def feed_files(site: Site, site_name: str, site_url: str | None) -> dict[str, bytes]:
    """Path in the site → bytes, for every feed's Atom and JSON Feed file."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    updated = entry_updates(site)
    files: dict[str, bytes] = {}
    for feed in site_feeds(site, site_name, updated):
        links = _Links(feed.folder, base)
        files[feed.folder + ATOM_FILE] = atom_feed(site, feed, links, updated)
        files[feed.folder + JSON_FILE] = json_feed(site, feed, links, updated)
    return files


def entry_updates(site: Site) -> dict[str, dt.date]:
    """Slug → the day its feed entry last changed: its file's last change or its status's, whichever is later."""
    published = {e.slug: e.published for e in site.explainers}
    return {e.slug: min(site.today, max(site.last_changed.get(e.slug, e.published), _status_changed(site, e, published))) for e in site.explainers}


def _status_changed(site: Site, e: Explainer, published: dict[str, dt.date]) -> dt.date:
    """The day the explainer took its status on the build date (or came within EXPIRING_DAYS of lapsing)."""
    status = site.status[e.slug]
    if status is Status.SUPERSEDED:
        return published[site.superseded_by[e.slug]]
    if status is Status.EXPIRED and e.expires:
        return e.expires + dt.timedelta(days=1)  # in force on its last day (pipeline.status_on)
    if e.expires and _expiring(site, e):
        return e.expires - dt.timedelta(days=EXPIRING_DAYS)
    if status is Status.IN_FORCE and e.effective:
        return e.effective
    return e.published


def status_mark(site: Site, e: Explainer) -> str:
    """What an entry's title starts with in 【】: its status unless simply in force, or 即将到期; "" for none."""
    status = site.status[e.slug]
    if status is Status.IN_FORCE:
        return EXPIRING_MARK if _expiring(site, e) else ""
    return status.value


def _expiring(site: Site, e: Explainer) -> bool:
    return Soon.EXPIRING in soon(e, site.today, site.status[e.slug])


def _title(site: Site, e: Explainer) -> str:
    mark = status_mark(site, e)
    return f"【{mark}】{e.title}" if mark else e.title


def atom_feed(site: Site, feed: Feed, links: _Links, updated: dict[str, dt.date]) -> bytes:
    """The Atom feed of `feed`, as the bytes of its file: with the stylesheets a browser shows it with."""
    root = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: "zh"})
    _text(root, "id", links.id(feed.folder + ATOM_FILE))
    _text(root, "title", feed.title)
    _text(root, "updated", _timestamp(max((updated[e.slug] for e in feed.explainers), default=site.today)))
    ET.SubElement(root, "link", rel="self", type="application/atom+xml", href=links.href(feed.folder + ATOM_FILE))
    ET.SubElement(root, "link", rel="alternate", type="text/html", href=links.href(feed.folder))
    for explainer in feed.explainers:
        root.append(_atom_entry(site, explainer, links, updated[explainer.slug]))
    _xml_characters_only(root)
    ET.indent(root)
    return _prolog(feed.folder) + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def _prolog(folder: str) -> bytes:
    """The XML declaration and the stylesheets: XSL for browsers with XSLT, CSS for the others (feed readers ignore both).
    Relative to the feed, as XSLT needs a stylesheet of the same site."""
    xsl, css = relative_url(folder, FEED_XSL), relative_url(folder, FEED_CSS)
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet type="text/xsl" href="{xsl}"?>\n<?xml-stylesheet type="text/css" href="{css}"?>\n'
    ).encode()


def _atom_entry(site: Site, e: Explainer, links: _Links, updated: dt.date) -> ET.Element:
    entry = ET.Element("entry")
    page = f"policies/{e.slug}/"
    _text(entry, "id", links.id(page))
    _text(entry, "title", _title(site, e))
    ET.SubElement(entry, "link", rel="alternate", type="text/html", href=links.href(page))
    _text(entry, "published", _timestamp(e.published))
    _text(entry, "updated", _timestamp(updated))
    _person(entry, "author", e.department.name, e.department.url)
    for department in e.co_departments:
        _person(entry, "contributor", department.name, department.url)
    for topic in e.topics:
        ET.SubElement(entry, "category", term=topic.name, label=topic.name)
    status = site.status[e.slug].value
    ET.SubElement(entry, "category", term=status, label=f"状态：{status}")
    if status_mark(site, e) == EXPIRING_MARK:
        ET.SubElement(entry, "category", term=EXPIRING_MARK, label=f"有效期至 {chinese_date(e.expires)}")
    _text(entry, "summary", e.summary, type="text")
    _text(entry, "content", _content_html(site, e), type="html")
    return entry


def json_feed(site: Site, feed: Feed, links: _Links, updated: dict[str, dt.date]) -> bytes:
    """The JSON Feed of `feed`, as the bytes of its file."""
    document: dict = {"version": "https://jsonfeed.org/version/1.1", "title": feed.title}
    if links.site_url:  # JSON Feed wants these as full URLs: left out when the site has none
        document["home_page_url"] = links.href(feed.folder)
        document["feed_url"] = links.href(feed.folder + JSON_FILE)
    document["language"] = "zh"
    document["items"] = [_json_item(site, e, links, updated[e.slug]) for e in feed.explainers]
    return (SURROGATE.sub("", json.dumps(document, ensure_ascii=False, indent=2)) + "\n").encode("utf-8")


def _json_item(site: Site, e: Explainer, links: _Links, updated: dt.date) -> dict:
    page = f"policies/{e.slug}/"
    status = site.status[e.slug].value
    mark = status_mark(site, e)
    return {
        "id": links.id(page) if links.site_url else page,
        "url": links.href(page),
        "title": _title(site, e),
        "summary": e.summary,
        "content_html": _content_html(site, e),
        "date_published": _timestamp(e.published),
        "date_modified": _timestamp(updated),
        "authors": [{"name": d.name, **({"url": d.url} if d.url else {})} for d in (e.department, *e.co_departments)],
        "tags": [*(t.name for t in e.topics), status, *([mark] if mark == EXPIRING_MARK else [])],
        "_policy": {
            "department": e.department.name,
            "status": status,
            "region": e.region.name,
            **({"number": e.policy.number} if e.policy and e.policy.number else {}),
            **({"expires": e.expires.isoformat()} if e.expires else {}),
        },
    }


def _content_html(site: Site, e: Explainer) -> str:
    """The summary with department, status and dates, as escaped HTML for feed readers."""
    departments = "、".join(html.escape(d.name) for d in (e.department, *e.co_departments))
    mark = status_mark(site, e)
    state = html.escape(site.status[e.slug].value) + (f"（{mark}）" if mark == EXPIRING_MARK else "")
    lines = [f"发布部门：{departments}", f"状态：{state}", f"发布日期：{chinese_date(e.published)}"]
    if e.expires:
        lines.append(f"有效期至：{chinese_date(e.expires)}")
    if e.policy and e.policy.number:
        lines.append(f"文号：{html.escape(e.policy.number)}")
    return f"<p>{html.escape(e.summary)}</p>\n<p>{'<br>'.join(lines)}</p>"


def _timestamp(day: dt.date) -> str:
    return day.isoformat() + CHINA_TIME


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def _xml_characters_only(root: ET.Element) -> None:
    """Leave out of every text and attribute of `root` the characters XML 1.0 does not allow."""
    for element in root.iter():
        if element.text:
            element.text = NOT_XML.sub("", element.text)
        for name, value in element.attrib.items():
            element.set(name, NOT_XML.sub("", value))


def _person(parent: ET.Element, tag: str, name: str, url: str | None) -> None:
    person = ET.SubElement(parent, tag)
    _text(person, "name", name)
    if url:
        _text(person, "uri", url)
