"""FAQ entries → answer records: entries with the same filter values share one Pagefind record.

Every page of a Pagefind bundle costs every first query bytes: the metadata
file lists each page's fragment name and length (about 2.7 bytes per page
gzipped, 230 KB of a 452 KB first query at 20,000 explainers with 66,000
FAQ entries, each its own page). The answers block needs the entries ranked
by their own words, not a page each: here the entries whose filter values are
all the same (kind, status, region, topic, audience, department, year) are
written as one record of at most GROUP_SIZE entries, each entry's words after an
empty element whose id is its number, so the browser tells the entries apart by
the word positions Pagefind returns (`bestEntries` in sitesearch-query.js).
Filters stay exact, but for topics (2,604 combinations among 66,000
generated entries: grouping by them too made 10,943 pages instead of 4,667):
a record has its entries' topics together, each entry its own in its
metadata, and the browser keeps only the entries of a chosen topic.

A record's metadata holds what each entry shows (question, a line of the
answer, its page, the explainer it relies on, its date) under numbered names;
its `date` is its newest entry's, and records come oldest first after the
explainers, as every page does (canonical.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from build_tools.indexes.documents import SearchDocument
from build_tools.indexes.pagefind.records import MARK, filters_of, meta_of, page_html

# Entries per record (bench/site_search.py --first-query 20000): larger records mean fewer pages
# in the metadata file but larger fragments, of which the answers block loads a few.
# 12: 10,943 pages of entries (topics grouped too); 16 without topics: 4,667; 24: 3,330.
GROUP_SIZE = 16
# Filters that may differ between the entries of a record: the record has them all.
UNITED = ("topic",)
# An entry's own metadata (shown in the answers block and the FAQ list), by its number i:
# "q{i}" question, "a{i}" a line of the answer, "u{i}" its page, "d{i}" its date, "t{i}" its topics
# (joined by "、"), and when it relies on an explainer "p{i}" its title and "l{i}" its page.
ENTRY_FIELDS = {"title": "q", "summary": "a", "url": "u", "date": "d", "topics": "t", "policy": "p", "policy_url": "l"}
T = TypeVar("T")
SUMMARY_CHARACTERS = 80  # a line of the answer: the record is downloaded for each group shown


@dataclass
class _Group(Generic[T]):
    items: list[T] = field(default_factory=list)
    newest: str = ""
    first: int = 0  # the number of its first entry, to keep groups of one date in reading order


class EntryGroups(Generic[T]):
    """FAQ entries, given oldest first, in groups of the same filter values and at most
    GROUP_SIZE entries, in their pages' order: each entry stands for an item (a place, or itself)."""

    def __init__(self) -> None:
        self._open: dict[tuple, _Group[T]] = {}
        self._closed: list[_Group[T]] = []
        self._count = 0

    def add(self, document: SearchDocument, item: T) -> None:
        key = tuple(sorted((name, values) for name, values in filters_of(document).items() if name not in UNITED))
        group = self._open.get(key)
        if group is None:
            group = self._open[key] = _Group(first=self._count)
        group.items.append(item)
        group.newest = document.published.isoformat()
        self._count += 1
        if len(group.items) == GROUP_SIZE:
            self._closed.append(self._open.pop(key))

    def groups(self) -> list[list[T]]:
        """The groups oldest newest-entry first (a group's date is its newest entry's)."""
        return [g.items for g in sorted([*self._closed, *self._open.values()], key=lambda g: (g.newest, g.first))]


def group_record(entries: list[SearchDocument], bodies: list[list[str]]) -> str:
    """The record of one group of FAQ entries (EntryGroups), given with the weighted paragraphs of each one's words."""
    shown = []
    for document, body in zip(entries, bodies):
        meta = meta_of(document)
        shown.append((_entry_meta(document, meta), meta, filters_of(document), body))
    return _group_html(shown)


def _entry_meta(document: SearchDocument, meta: dict[str, str]) -> dict[str, str]:
    """What the entry shows, by field name (ENTRY_FIELDS), from the document and its metadata (records.meta_of)."""
    summary = meta["summary"]
    shown = {
        "title": meta["title"],
        "summary": summary if len(summary) <= SUMMARY_CHARACTERS else summary[:SUMMARY_CHARACTERS] + "…",
        "url": document.url,
        "date": meta["date"],
        "topics": "、".join(document.topics),
    }
    if meta.get("policy"):
        shown |= {"policy": meta["policy"], "policy_url": meta["policy_url"][len(MARK) :]}
    return shown


def _group_html(entries: list[tuple[dict, dict, dict, list[str]]]) -> str:
    first_shown, first_meta, first_filters, _ = entries[0]
    filters = dict(first_filters)
    for name in UNITED:
        filters[name] = tuple(sorted({value for _, _, entry_filters, _ in entries for value in entry_filters[name]}))
    shared = {key: value for key, value in first_meta.items() if key not in ENTRY_FIELDS}
    meta = shared | {"title": first_shown["title"], "date": entries[-1][0]["date"], "n": MARK + str(len(entries))}
    for number, (shown, _, _, _) in enumerate(entries):
        # Marked: a question, a page or a date may start with a digit (records.py MARK).
        meta |= {f"{ENTRY_FIELDS[key]}{number}": MARK + value for key, value in shown.items() if value}
    body: list[str] = []
    for number, (_, _, _, paragraphs) in enumerate(entries):
        body.append(f'<span id="{number}"></span>')
        body += paragraphs
    return page_html(meta, filters, body)
