"""Site → search documents: what the index holds, independent of the engine.

One SearchDocument per published explainer (and, with the FAQ, per FAQ
entry). Built from the validated domain objects, never from HTML.

`documents_of` makes none of them up front: each is made when an index
reads it, and dropped after (SearchDocuments). Made all at once, the
documents of 20,000 explainers held 80 MB for the whole build and took a
quarter of the time before either index could start.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import html
import json
import os
import pickle
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

import markdown
import nh3

from build_tools.models import Explainer, FAQEntry, Site, Status, Term
from build_tools.pages.deadlines import deadline, soon
from build_tools.text import twins
from build_tools.text.lexicon import cited_numbers, equivalence_groups, titled_numbers
from build_tools.text.public import public_plain, public_title


@dataclass(frozen=True)
class SearchDocument:
    """What the indexes hold of one explainer or FAQ entry: the text searched, the fields a hit shows, the facets."""

    id: str
    kind: str
    slug: str
    url: str
    title: str
    summary: str
    body: str
    published: dt.date
    status: str
    department: tuple[str, ...]
    region: str
    region_path: tuple[str, ...]
    number: str = ""
    tags: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    effective: dt.date | None = None
    expires: dt.date | None = None
    policy_title: str = ""
    cites: tuple[str, ...] = ()  # the 文号 of policies the text cites by title alone (text/lexicon.py)
    twin: str = ""  # the name of the twins its author marked (`twins:`), if any
    extra: dict = field(default_factory=dict)  # kind-specific data returned with a hit (FAQ sources)


def document_key(document: SearchDocument) -> str:
    """A hash of everything a search document holds."""
    return hashlib.sha256(repr(document).encode()).hexdigest()


@dataclass(frozen=True)
class DocumentSummary:
    """A document without its long texts, small enough to hold for every document at once: what decides
    where the indexes put it and whether the build record holds it already (its key)."""

    key: str  # document_key: a hash of the whole document
    size: int  # characters of its title, summary and body
    light: SearchDocument  # the document with its title, summary and body left out


@dataclass
class Summaries:
    """Every document's summary, in index order, and every character of their titles, summaries and bodies."""

    items: list[DocumentSummary] = field(default_factory=list)
    characters: set[str] = field(default_factory=set)

    def add(self, document: SearchDocument) -> None:
        self.items.append(DocumentSummary(document_key(document), len(document.title) + len(document.summary) + len(document.body), _light(document)))
        for text in (document.title, document.summary, document.body):
            self.characters.update(text)


def _light(document: SearchDocument) -> SearchDocument:
    return dataclasses.replace(document, title="", summary="", body="")


class SearchDocuments(Sequence[SearchDocument]):
    """Search documents in index order, each made when it is read: Whoosh reads them run by run,
    Pagefind oldest first (`date_order`), so no index holds all of them at once."""

    def __init__(self, planned: Sequence[tuple[dt.date, str, Callable[[], SearchDocument]]]):
        self._planned = planned  # per document: its date and URL (its place in date order), and how to make it
        self._summaries: Summaries | None = None

    def summaries(self) -> Summaries:
        """Every document's summary (each document made once, the first time; a fork made after that shares them)."""
        if self._summaries is None:
            summaries = Summaries()
            for document in self._documents(range(len(self))):
                summaries.add(document)
            self._summaries = summaries
        return self._summaries

    @classmethod
    def of(cls, documents: Sequence[SearchDocument]) -> SearchDocuments:
        """Documents made already (tests, benchmarks), in their order."""
        if isinstance(documents, SearchDocuments):
            return documents
        return cls([(d.published, d.url, functools.partial(_itself, d)) for d in documents])

    def __len__(self) -> int:
        return len(self._planned)

    @overload
    def __getitem__(self, index: int) -> SearchDocument: ...

    @overload
    def __getitem__(self, index: slice) -> list[SearchDocument]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self._documents(range(len(self))[index]))
        return next(self._documents([range(len(self))[index]]))

    def urls(self) -> list[str]:
        """Each document's URL, in index order, without making the documents."""
        return [url for _, url, _ in self._planned]

    def date_order(self) -> Sequence[int]:
        """The documents' places by date, then URL: the order of Pagefind's pages (pagefind/canonical.py)."""
        return self._date_order()

    def many(self, numbers: Iterable[int]) -> list[SearchDocument]:
        """The documents at these places, in this order."""
        return list(self._documents(numbers))

    def stored_in(self, path: Path) -> StoredDocuments:
        """Every document made and written to the file `path`, to be read from there (by another process),
        and their summaries to a file beside it, read by the process that asks for them."""
        offsets, summaries = array("Q", [0]), Summaries()
        with path.open("wb") as file:
            for document in self:
                file.write(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))
                offsets.append(file.tell())
                summaries.add(document)
        _summaries_file(path).write_bytes(pickle.dumps(summaries, protocol=pickle.HIGHEST_PROTOCOL))
        _urls_file(path).write_text(json.dumps(self.urls(), ensure_ascii=False), encoding="utf-8")
        return StoredDocuments(path, offsets, array("L", self._date_order()))

    def _documents(self, numbers: Iterable[int]) -> Iterator[SearchDocument]:
        for number in numbers:
            yield self._planned[number][2]()

    def _date_order(self) -> Sequence[int]:
        return sorted(range(len(self)), key=lambda number: self._planned[number][:2])


class StoredDocuments(SearchDocuments):
    """Search documents read from the file `SearchDocuments.stored_in` wrote: pickled by this
    program in this build (nothing else writes there), each read when it is asked for."""

    def __init__(self, path: Path, offsets: array, date_order: array):
        self._path, self._offsets, self._order = path, offsets, date_order
        self._summaries: Summaries | None = None
        self._urls: list[str] | None = None

    def summaries(self) -> Summaries:
        if self._summaries is None:
            self._summaries = pickle.loads(_summaries_file(self._path).read_bytes())
        return self._summaries

    def __getstate__(self) -> dict:
        # Handed to another process small, as before the summaries and URLs were kept: each is read again
        # from its file by the process that asks for it.
        return {**self.__dict__, "_summaries": None, "_urls": None}

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _documents(self, numbers: Iterable[int]) -> Iterator[SearchDocument]:
        with self._path.open("rb") as file:
            for number in numbers:
                start = self._offsets[number]
                yield pickle.loads(os.pread(file.fileno(), self._offsets[number + 1] - start, start))

    def _date_order(self) -> Sequence[int]:
        return self._order

    def urls(self) -> list[str]:
        if self._urls is None:
            self._urls = json.loads(_urls_file(self._path).read_text(encoding="utf-8"))
        return self._urls


def _summaries_file(path: Path) -> Path:
    return path.with_name(path.name + ".summaries")


def _urls_file(path: Path) -> Path:
    return path.with_name(path.name + ".urls")


def documents_of(site: Site) -> SearchDocuments:
    """The explainers, newest first, then the FAQ entries, most asked first."""
    by_slug = {e.slug: e for e in site.explainers}
    numbers = numbers_of(site)
    marked = twins.marked_twins((e.slug, e.twins) for e in site.explainers)
    return SearchDocuments(
        [(e.published, explainer_url(e.slug), functools.partial(_explainer_document, site, e, numbers, marked)) for e in site.explainers]
        + [(e.newest.date, faq_url(e.id), functools.partial(_faq_document, site, by_slug, e)) for e in site.faq]
    )


def _itself(document: SearchDocument) -> SearchDocument:
    return document


def explainer_url(slug: str) -> str:
    """The URL of an explainer's page, relative to the site's root."""
    return f"policies/{slug}/"


def faq_url(entry_id: str) -> str:
    """The URL of a FAQ entry's page, relative to the site's root."""
    return f"faq/{entry_id}/"


def numbers_of(site: Site) -> dict[str, str]:
    """Folded title → 文号 of the policies the site's explainers name or cite (text/lexicon.py)."""
    named = ((e.policy.title, e.policy.number) for e in site.explainers if e.policy)
    return titled_numbers(named, (e.body for e in site.explainers))


def _explainer_document(site: Site, explainer: Explainer, numbers: dict[str, str] | None = None, marked: dict[str, str] | None = None) -> SearchDocument:
    policy = explainer.policy
    return SearchDocument(
        id=f"policy:{explainer.slug}",
        kind="policy",
        slug=explainer.slug,
        url=explainer_url(explainer.slug),
        title=explainer.title,
        summary=explainer.summary,
        body=explainer.body,
        published=explainer.published,
        status=site.status[explainer.slug].value,
        department=tuple(d.name for d in (explainer.department, *explainer.co_departments)),
        region=explainer.region.name,
        region_path=(*explainer.region.ancestors, explainer.region.name),
        number=policy.number or "" if policy else "",
        tags=tuple(explainer.tags),
        topics=tuple(t.name for t in explainer.topics),
        audience=applies_to(site, explainer.audience),
        effective=explainer.effective,
        expires=explainer.expires,
        policy_title=policy.title if policy else "",
        cites=cited_numbers(explainer.body, numbers or {}),
        twin=(marked or {}).get(explainer.slug, ""),
        extra=application_extra(site, explainer),
    )


def twin_key(document: SearchDocument) -> str:
    """The key an explainer shares with its version in the other script (text/twins.py), for both
    indexes to show them as one result; "" for a FAQ entry."""
    return twins.twin_key(document.number, document.title, document.twin) if document.kind == "policy" else ""


def script_of(document: SearchDocument) -> str:
    """ "繁" when the document's title is in traditional script, else "简"."""
    return twins.script_of(document.title)


def application_extra(site: Site, explainer: Explainer) -> dict:
    """What a hit shows of how to apply, when the explainer says: the deadline, the amount, and the
    即将截止 / 即将到期 badges on the build date (pages/deadlines.py, as the pages show them)."""
    end = deadline(explainer)
    shown = {
        "deadline": end.isoformat() if end else None,
        "amount": explainer.apply.amount if explainer.apply else None,
        "badges": [badge.value for badge in soon(explainer, site.today, site.status[explainer.slug])],
    }
    return {key: value for key, value in shown.items() if value}


def _faq_document(site: Site, by_slug: dict[str, Explainer], entry: FAQEntry) -> SearchDocument:
    """A FAQ entry: the public's words as plain text, masked, before they reach the index (text/public.py, as the pages show them)."""
    linked = [by_slug[link.slug] for link in entry.links]
    stale = entry.stale_links(site.status)
    region = linked[0].region if linked else None
    department = entry.department
    asked = dict.fromkeys(public_title(o.pair.question) for o in entry.occurrences)
    answer = plain_text(entry.answer)
    return SearchDocument(
        id=f"faq:{entry.id}",
        kind="faq",
        slug=entry.id,
        url=faq_url(entry.id),
        title=public_title(entry.question),
        summary=answer[:160],
        body="\n".join([*asked, answer, public_plain(entry.newest.pair.details)]),
        published=entry.newest.date,
        status=stale[0][1].value if stale else Status.IN_FORCE.value,
        department=(department.name,) if department else (),
        region=region.name if region else (department.region if department else ""),
        region_path=(*region.ancestors, region.name) if region else ((department.region,) if department else ()),
        topics=tuple(t.name for t in entry.topics),
        audience=applies_to(site, [t for e in linked for t in e.audience]),
        extra={"ask_count": entry.ask_count, "sources": [_source(o) for o in entry.occurrences], "policy": _relied_on(by_slug, entry)},
    )


def applies_to(site: Site, audiences: Iterable[Term]) -> tuple[str, ...]:
    """The types a document is found under (the `audience` filter of both indexes): those it names and
    every type below them in the tree, since a policy for 中小企业 applies to 科技型中小企业; in tree order."""
    taxonomy = site.content.taxonomy
    named = [term.name for term in audiences]
    below = set(named).union(*(taxonomy.audience_and_descendants(name) for name in named))
    return tuple(t.name for t in taxonomy.audiences if t.name in below) + tuple(sorted(below - {t.name for t in taxonomy.audiences}))


def _relied_on(by_slug: dict[str, Explainer], entry: FAQEntry) -> dict | None:
    """The explainer a FAQ answer rests on (its first firm link), as slug, title and URL; None if none."""
    for link in entry.firm_links:
        if link.slug in by_slug:
            return {"slug": link.slug, "title": by_slug[link.slug].title, "url": explainer_url(link.slug)}
    return None


def _source(occurrence) -> dict:
    department = occurrence.department
    return {
        "session": occurrence.session.slug,
        "title": occurrence.session.title,
        "kind": occurrence.session.kind.value,
        "date": occurrence.date.isoformat(),
        "department": department.name if department else "",
    }


def plain_text(markdown_text: str) -> str:
    """Markdown as plain text: rendered, every tag removed, entities decoded."""
    return html.unescape(nh3.clean(_markdown().reset().convert(markdown_text), tags=set())).strip()


_per_thread = threading.local()


def _markdown() -> markdown.Markdown:
    """One converter per thread, reset for each text: making a new one costs more than converting a short answer."""
    if not hasattr(_per_thread, "markdown"):
        _per_thread.markdown = markdown.Markdown()
    return _per_thread.markdown


def equivalences_of(site: Site) -> list[tuple[str, ...]]:
    """The site's equivalence groups, the same for both search indexes: the starter lexicon,
    content/synonyms.yml and the short forms its explainers define."""
    return equivalence_groups(site.content.synonyms, (e.body for e in site.explainers))
