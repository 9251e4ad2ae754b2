"""Feeds: the Atom (RFC 4287) and JSON Feed 1.1 files of the site, each department and each topic.

Each feed holds the latest MAX_ENTRIES published explainers, newest first,
with summary, department and status. Every date comes from the explainers
(published, last changed), never from the clock, so the same content and
build date give the same bytes. Entry ids are the page URLs when the site
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
import html
import json
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from build_tools.models import Explainer, Site
from build_tools.pages.generate import ATOM_FILE, JSON_FILE, browse_sections, chinese_date, relative_url

MAX_ENTRIES = 50
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


def site_feeds(site: Site, site_name: str) -> list[Feed]:
    """The site's feed, then one per department and per topic that has explainers."""
    feeds = [Feed("", site_name, site.explainers[:MAX_ENTRIES])]
    for _, _, _, listings in browse_sections(site):
        feeds += [
            Feed(f"{listing.src_base}/", f"{listing.title} · {site_name}", listing.items[:MAX_ENTRIES])
            for listing in listings
            if listing.feed and listing.items
        ]
    return feeds


def feed_files(site: Site, site_name: str, site_url: str | None) -> dict[str, bytes]:
    """Path in the site → bytes, for every feed's Atom and JSON Feed file."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    files: dict[str, bytes] = {}
    for feed in site_feeds(site, site_name):
        links = _Links(feed.folder, base)
        files[feed.folder + ATOM_FILE] = atom_feed(site, feed, links)
        files[feed.folder + JSON_FILE] = json_feed(site, feed, links)
    return files


def atom_feed(site: Site, feed: Feed, links: _Links) -> bytes:
    """The Atom feed of `feed`, as the bytes of its file."""
    root = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: "zh"})
    _text(root, "id", links.id(feed.folder + ATOM_FILE))
    _text(root, "title", feed.title)
    _text(root, "updated", _timestamp(_feed_updated(site, feed)))
    ET.SubElement(root, "link", rel="self", type="application/atom+xml", href=links.href(feed.folder + ATOM_FILE))
    ET.SubElement(root, "link", rel="alternate", type="text/html", href=links.href(feed.folder))
    for explainer in feed.explainers:
        root.append(_atom_entry(site, explainer, links))
    _xml_characters_only(root)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"


def _atom_entry(site: Site, e: Explainer, links: _Links) -> ET.Element:
    entry = ET.Element("entry")
    page = f"policies/{e.slug}/"
    _text(entry, "id", links.id(page))
    _text(entry, "title", e.title)
    ET.SubElement(entry, "link", rel="alternate", type="text/html", href=links.href(page))
    _text(entry, "published", _timestamp(e.published))
    _text(entry, "updated", _timestamp(_updated(site, e)))
    _person(entry, "author", e.department.name, e.department.url)
    for department in e.co_departments:
        _person(entry, "contributor", department.name, department.url)
    for topic in e.topics:
        ET.SubElement(entry, "category", term=topic.name, label=topic.name)
    status = site.status[e.slug].value
    ET.SubElement(entry, "category", term=status, label=f"状态：{status}")
    _text(entry, "summary", e.summary, type="text")
    _text(entry, "content", _content_html(site, e), type="html")
    return entry


def json_feed(site: Site, feed: Feed, links: _Links) -> bytes:
    """The JSON Feed of `feed`, as the bytes of its file."""
    document: dict = {"version": "https://jsonfeed.org/version/1.1", "title": feed.title}
    if links.site_url:  # JSON Feed wants these as full URLs: left out when the site has none
        document["home_page_url"] = links.href(feed.folder)
        document["feed_url"] = links.href(feed.folder + JSON_FILE)
    document["language"] = "zh"
    document["items"] = [_json_item(site, e, links) for e in feed.explainers]
    return (SURROGATE.sub("", json.dumps(document, ensure_ascii=False, indent=2)) + "\n").encode("utf-8")


def _json_item(site: Site, e: Explainer, links: _Links) -> dict:
    page = f"policies/{e.slug}/"
    status = site.status[e.slug].value
    return {
        "id": links.id(page) if links.site_url else page,
        "url": links.href(page),
        "title": e.title,
        "summary": e.summary,
        "content_html": _content_html(site, e),
        "date_published": _timestamp(e.published),
        "date_modified": _timestamp(_updated(site, e)),
        "authors": [{"name": d.name, **({"url": d.url} if d.url else {})} for d in (e.department, *e.co_departments)],
        "tags": [*(t.name for t in e.topics), status],
        "_policy": {
            "department": e.department.name,
            "status": status,
            "region": e.region.name,
            **({"number": e.policy.number} if e.policy and e.policy.number else {}),
        },
    }


def _content_html(site: Site, e: Explainer) -> str:
    """The summary with department, status and dates, as escaped HTML for feed readers."""
    departments = "、".join(html.escape(d.name) for d in (e.department, *e.co_departments))
    lines = [f"发布部门：{departments}", f"状态：{html.escape(site.status[e.slug].value)}", f"发布日期：{chinese_date(e.published)}"]
    if e.policy and e.policy.number:
        lines.append(f"文号：{html.escape(e.policy.number)}")
    return f"<p>{html.escape(e.summary)}</p>\n<p>{'<br>'.join(lines)}</p>"


def _updated(site: Site, e: Explainer) -> dt.date:
    return site.last_changed.get(e.slug, e.published)


def _feed_updated(site: Site, feed: Feed) -> dt.date:
    """The newest change among the feed's entries; the build date only for a site with none."""
    return max((_updated(site, e) for e in feed.explainers), default=site.today)


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
