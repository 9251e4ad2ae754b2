"""Pages: Site → generated Markdown pages (explainers, lists, Q&A sessions).

Pages are plain `Page(src_path, title, source)` objects; any static site
generator can render them (plugin.py hands them to MkDocs). A page's Markdown
is made from its template when it is read, so the text of every page is
never held at once. Lists are split
into pages of PAGE_SIZE so that no page grows with the size of the site,
and the site navigation goes through these list pages, never a full tree.

Text from the public (questions, asker lines) is made plain text, masked
(text/public.py) and escaped here;
answers, written by departments, are rendered and sanitised (sanitise.py;
explainer bodies are sanitised after Markdown, by the site adapter). Every
front-matter value is written HTML-escaped: the theme prints the title and
description as they are, into elements and attributes.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
from collections.abc import Callable
from dataclasses import dataclass

import markdown
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from build_tools.models import EXPIRING_DAYS, Application, Explainer, FAQEntry, LinkKind, Page, Site, Status, Term, page_url
from build_tools.pages import breadcrumbs, deadlines
from build_tools.pages.apply import chinese_date, phone_links, window_text
from build_tools.pages.ics import calendar_files
from build_tools.pages.sanitise import clean_html
from build_tools.pages.search import site_search_pages
from build_tools.text.public import public_plain, public_title

PAGE_SIZE = 50
# Each department and topic has its feeds beside its list page; the site's are at the root (feeds.py).
ATOM_FILE = "feed.xml"
JSON_FILE = "feed.json"
FEED_ENTRIES = 50  # each feed holds the explainers that changed last
EXPLAINER_PAGES = "policies/"  # each explainer's page: its body, written by a department, is sanitised after Markdown
SUBSCRIBE_PAGE = "subscribe/index.md"  # 订阅: explains feeds and lists them all
CALENDAR_FOLDER = "calendar/"  # the 申报日历 and, beside it, the calendar files (pages/ics.py)
CALENDAR_PAGE = f"{CALENDAR_FOLDER}index.md"
LATEST_ON_HOME = 12
HOT_QUESTIONS = 20

STATUS_CLASS = {
    Status.UPCOMING: "upcoming",
    Status.IN_FORCE: "in-force",
    Status.EXPIRED: "expired",
    Status.SUPERSEDED: "superseded",
}
# A symbol beside the word, so the status is never told by colour alone.
STATUS_SYMBOL = {Status.UPCOMING: "◷", Status.IN_FORCE: "✓", Status.EXPIRED: "✕", Status.SUPERSEDED: "⇄"}


@dataclass(frozen=True)
class Listing:
    """A group of explainers or FAQ entries with its own list page(s), e.g. one topic."""

    src_base: str
    title: str
    items: list
    intro: str = ""
    template: str = "listing.md.j2"
    feed: bool = False  # has its own Atom and JSON feeds


def generate_pages(site: Site) -> list[Page]:
    """Every generated page of the site: home, explainers, browse lists, Q&A sessions, FAQ and search."""
    renderer = _Renderer(site)
    pages = [renderer.home()]
    pages += [renderer.explainer(e) for e in site.explainers]
    for section in browse_sections(site):
        pages += renderer.section(*section)
    pages += renderer.sessions()
    pages += renderer.faq()
    pages += renderer.calendar()
    pages += site_search_pages(site, _environment)
    pages.append(renderer.subscribe())
    return pages


def explainer_pages(site: Site, explainers: list[Explainer]) -> list[Page]:
    """The pages of some explainers alone: what the preview renders again after their bodies changed."""
    renderer = _Renderer(site)
    return [renderer.explainer(e) for e in explainers]


def browse_sections(site: Site) -> list[tuple[str, str, str, list[Listing]]]:
    """(folder, title, intro, listings) for each way of browsing explainers."""
    content, explainers = site.content, site.explainers
    by = _group_by(explainers)
    departments = [Listing(f"departments/{d.id}", d.name, by(lambda e, d=d: d in (e.department, *e.co_departments)), feed=True) for d in content.departments]
    topics = [Listing(f"topics/{t.id}", t.name, by(lambda e, t=t: t in e.topics), _synonyms_line(t), feed=True) for t in content.taxonomy.topics]
    audiences = [Listing(f"audiences/{t.id}", t.name, by(lambda e, t=t: t in e.audience), _synonyms_line(t), feed=True) for t in content.taxonomy.audiences]
    regions = [
        Listing(
            f"regions/{r.id}",
            r.name,
            by(lambda e, inside=content.taxonomy.region_and_descendants(r.name): e.region.name in inside),  # noqa: B008  # once per region, on purpose
            "含下辖地区的政策解读。",
            feed=True,
        )
        for r in content.taxonomy.regions
    ]
    years = sorted({e.published.year for e in explainers}, reverse=True)
    by_year = [Listing(f"years/{y}", f"{y} 年", by(lambda e, y=y: e.published.year == y)) for y in years]
    return [
        ("departments", "按部门浏览", "各部门发布的政策解读（含联合发布）。", departments),
        ("topics", "按主题浏览", "按政策主题分类的解读。", topics),
        ("audiences", "按适用对象浏览", "按企业类型和适用对象分类的解读。", audiences),
        ("regions", "按地区浏览", "地区页面包含其下辖地区的政策解读。", regions),
        ("years", "按年份浏览", "按发布年份排列的解读。", by_year),
    ]


def feed_sections(site: Site) -> list[tuple[str, list[Listing]]]:
    """(section title, listings) of the lists that have feeds of their own: the feeds feeds.py writes
    and the subscribe page lists, beside the site's own."""
    return [(title, shown) for _, title, _, listings in browse_sections(site) if (shown := [listing for listing in listings if listing.feed and listing.items])]


def _faq_listings(site: Site) -> list[tuple[str, str, str, list[Listing]]]:
    """(folder, title, intro, listings) for browsing the FAQ by topic and by department."""
    entries, taxonomy = site.faq, site.content.taxonomy
    topics = [Listing(f"faq/topics/{t.id}", f"{t.name}常见问题", [e for e in entries if t in e.topics], template="faq_listing.md.j2") for t in taxonomy.topics]
    answered_by: dict = {}  # grouped in one pass: an entry's department is looked up through all its askings
    for entry in entries:
        answered_by.setdefault(entry.department, []).append(entry)
    departments = [
        Listing(f"faq/departments/{d.id}", f"{d.name}答复的问题", answered_by.get(d, []), template="faq_listing.md.j2") for d in site.content.departments
    ]
    departments.append(Listing("faq/departments/other", "其他答复", answered_by.get(None, []), template="faq_listing.md.j2"))
    return [
        ("faq/topics", "按主题浏览常见问题", "按政策主题分类的常见问题。", topics),
        ("faq/departments", "按答复部门浏览常见问题", "按答复部门分类的常见问题。", departments),
    ]


def _group_by(explainers: list[Explainer]) -> Callable[[Callable[..., bool]], list[Explainer]]:
    return lambda keep: [e for e in explainers if keep(e)]


def _synonyms_line(term: Term) -> str:
    return f"相关说法：{'、'.join(term.synonyms)}。" if term.synonyms else ""


PAGER_NEIGHBOURS = 2  # pages linked on each side of the current one


def pager_numbers(count: int, number: int) -> list[int | None]:
    """The page numbers a pager links to: the first, the last and the current one's neighbours;
    None where numbers are left out. A link to every page made a list of 1,300 pages
    (66,000 FAQ entries) link 1,300 times from each of its pages: 1.7 million links."""
    shown = sorted({1, count, *range(max(1, number - PAGER_NEIGHBOURS), min(count, number + PAGER_NEIGHBOURS) + 1)})
    numbers: list[int | None] = []
    for page in shown:
        if numbers and page - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(page)
    return numbers


def relative_url(from_url: str, to_url: str) -> str:
    """Link from one directory-style page URL to another, so the site works under any base path.

    The site's URLs are plain folder paths (no `.` or `..`), so the link is
    worked out from their parts: posixpath.relpath, which normalises both
    paths first, was a sixth of rendering the pages (300,000 links at 5,000 explainers).
    """
    here, there = from_url.split("/"), to_url.split("/")
    here = [part for part in here if part]
    there = [part for part in there if part]
    common = 0
    while common < len(here) and common < len(there) and here[common] == there[common]:
        common += 1
    link = "/".join([".."] * (len(here) - common) + there[common:])
    return "./" if not link else link + ("/" if to_url.endswith("/") or not to_url else "")


@functools.lru_cache(maxsize=200_000)  # a question shows on its entry's page, its session's and several lists
def public_text(value: str | None) -> Markup:
    """A question of the public as a title (text/public.py: its markup read as text, personal data masked), escaped."""
    return Markup(html.escape(public_title(value)))


@functools.lru_cache(maxsize=100_000)  # a question's details show on its entry's page and its session's
def public_paragraphs(value: str | None) -> tuple[Markup, ...]:
    """Text of several lines written by the public, as paragraphs: masked as a whole first, so a
    number written across a line break is found before the lines are split."""
    return tuple(Markup(html.escape(line)) for line in public_plain(value).split("\n") if line.strip())


def public_asker(value: str | None) -> Markup:
    """An asker line's value, masked with its 提问： label so the name rules see the label."""
    return Markup(html.escape(public_title(f"提问：{value or ''}").removeprefix("提问：")))


@functools.lru_cache(maxsize=100_000)  # an answer shows on its session's page and its FAQ entry's, and again on every preview rebuild
def department_answer(value: str) -> Markup:
    """A department's answer: Markdown, rendered, with anything executable removed."""
    rendered = _answer_markdown.reset().convert(value)
    return Markup("\n".join(line for line in clean_html(rendered).split("\n") if line.strip()))


def forget_rendered_texts() -> None:
    """Empty the caches of questions and answers once every page is written (`policy build`; the
    preview keeps them for its next rebuild): 5 MB at 1,000 explainers, about 100 MB at 20,000."""
    public_text.cache_clear()
    public_paragraphs.cache_clear()
    department_answer.cache_clear()


def yaml_string(value: str) -> Markup:
    """A double-quoted YAML (JSON) string for page front matter."""
    return Markup(json.dumps(value, ensure_ascii=False))


_answer_markdown = markdown.Markdown(extensions=["tables", "sane_lists"])


_environment = Environment(
    loader=PackageLoader("build_tools.pages", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=StrictUndefined,
    auto_reload=False,  # the templates are part of the code: not a file check for each of 50,000 pages
)
_environment.filters["cn_date"] = chinese_date
_environment.filters["public"] = public_text
_environment.filters["public_paragraphs"] = public_paragraphs
_environment.filters["asker"] = public_asker
_environment.filters["answer"] = department_answer
_environment.filters["yaml_string"] = yaml_string
_environment.filters["phone_links"] = phone_links
_environment.globals["pager_numbers"] = pager_numbers
_environment.globals["window_text"] = window_text


class _StaleLinks(dict):
    """FAQ entry id → its firm links to expired or superseded policies, worked out when a page first shows the entry."""

    def __init__(self, site: Site):
        super().__init__()
        self._entries = {entry.id: entry for entry in site.faq}
        self._status = site.status

    def __missing__(self, entry_id: str) -> list:
        value = self[entry_id] = self._entries[entry_id].stale_links(self._status)
        return value


class _Renderer:
    """Renders each kind of page with the site's shared context."""

    def __init__(self, site: Site):
        self.site = site
        self.by_slug = {e.slug: e for e in site.explainers}
        self.stale = _StaleLinks(site)
        self._items: dict[str, Markup] = {}  # explainer_item's: about 15 MB at 20,000 explainers
        self.faq_of: dict[str, list[tuple[FAQEntry, LinkKind]]] = {}
        for entry in site.faq:
            for link in entry.links:
                self.faq_of.setdefault(link.slug, []).append((entry, link.kind))

    def explainer_item(self, slug: str) -> Markup:
        """One explainer as a list shows it, from the end of its link's address on (_explainer_item.j2). Each
        explainer shows in several lists and on FAQ entries' pages: made once (`_items`), with public_paragraphs
        kept too, every page's Markdown took 40 % less time at 2,000 explainers (7.3 s → 4.4 s)."""
        item = self._items.get(slug)
        if item is None:
            item = self._items[slug] = Markup(
                _environment.get_template("_explainer_item.j2").render(
                    e=self.by_slug[slug], status=self.site.status, status_class=STATUS_CLASS, status_symbol=STATUS_SYMBOL, soon_of=self.soon_of
                )
            )
        return item

    @functools.cached_property
    def entry_of_pair(self) -> dict[int, str]:
        """id of a Q&A pair → its FAQ entry: for session pages only (the preview renders single explainer pages)."""
        return {id(o.pair): entry.id for entry in self.site.faq for o in entry.occurrences}

    def _page(self, src_path: str, title: str, template: str, **context) -> Page:
        """The page, its Markdown made from `template` when it is read."""
        return Page(src_path, title, functools.partial(self._markdown, src_path, title, template, context))

    def _markdown(self, src_path: str, title: str, template: str, context: dict) -> str:
        here = page_url(src_path)
        return _environment.get_template(template).render(
            title=title,
            site=self.site,
            link=lambda target: relative_url(here, target),
            status=self.site.status,
            status_class=STATUS_CLASS,
            status_symbol=STATUS_SYMBOL,
            by_slug=self.by_slug,
            stale=self.stale,
            feed_files={"atom": ATOM_FILE, "json": JSON_FILE},
            soon_of=self.soon_of,
            window_state=self.window_state,
            days_left=self.days_left,
            explainer_item=self.explainer_item,
            **context,
        )

    def soon_of(self, explainer: Explainer) -> tuple[deadlines.Soon, ...]:
        """即将截止 / 即将到期 on the build date: the same on every page that shows the explainer."""
        return deadlines.soon(explainer, self.site.today, self.site.status[explainer.slug])

    def window_state(self, application: Application) -> deadlines.WindowState | None:
        return deadlines.window_state(application, self.site.today)

    def days_left(self, day: dt.date) -> int:
        return deadlines.days_left(self.site.today, day)

    def home(self) -> Page:
        upcoming = [e for e in self.site.explainers if self.site.status[e.slug] is Status.UPCOMING]
        topics = [(t, sum(t in e.topics for e in self.site.explainers)) for t in self.site.content.taxonomy.topics]
        sessions = sorted(self.site.content.sessions, key=lambda s: (-s.date.toordinal(), s.slug))
        return self._page(
            "index.md", "政策解读", "home.md.j2", latest=self.site.explainers[:LATEST_ON_HOME], upcoming=upcoming, topics=topics, sessions=sessions[:6]
        )

    def subscribe(self) -> Page:
        """订阅: what a feed is and how to use one, and every feed of the site."""
        return self._page(
            SUBSCRIBE_PAGE, "订阅更新", "subscribe.md.j2", sections=feed_sections(self.site), max_entries=FEED_ENTRIES, expiring_days=EXPIRING_DAYS
        )

    def explainer(self, explainer: Explainer) -> Page:
        replaces = [self.by_slug[s] for s in explainer.supersedes if s in self.by_slug]
        related = [self.by_slug[s] for s in explainer.related if s in self.by_slug]
        replacement = self.by_slug.get(self.site.superseded_by.get(explainer.slug, ""))
        linked = self.faq_of.get(explainer.slug, [])
        return self._page(
            f"{EXPLAINER_PAGES}{explainer.slug}.md",
            explainer.title,
            "explainer.md.j2",
            e=explainer,
            changed=self.site.last_changed.get(explainer.slug),
            replaces=replaces,
            related=related,
            replacement=replacement,
            faq_firm=[e for e, kind in linked if kind is not LinkKind.SUGGESTED],
            faq_suggested=[e for e, kind in linked if kind is LinkKind.SUGGESTED],
            trail=breadcrumbs.explainer_trail(explainer),
        )

    def calendar(self) -> list[Page]:
        """The 申报日历: open, coming and recurring application windows in that order, PAGE_SIZE a page, and the
        calendar files to subscribe to (on its first page)."""
        windows = deadlines.windows(self.site.explainers, self.site.today, self.site.status)
        entries = [(kind, e) for kind, group in (("open", windows.open), ("coming", windows.coming), ("recurring", windows.recurring)) for e in group]
        chunks = [entries[i : i + PAGE_SIZE] for i in range(0, len(entries), PAGE_SIZE)] or [[]]
        sources = [CALENDAR_PAGE] + [f"{CALENDAR_FOLDER}page/{n}.md" for n in range(2, len(chunks) + 1)]
        urls = [page_url(source) for source in sources]
        files = calendar_files(self.site)
        return [
            self._page(
                source,
                "申报日历",
                "calendar.md.j2",
                groups={kind: [e for k, e in chunk if k == kind] for kind in ("open", "coming", "recurring")},
                totals={"open": len(windows.open), "coming": len(windows.coming), "recurring": len(windows.recurring)},
                files=files,
                number=index + 1,
                pages=urls,
                trail=breadcrumbs.HOME,
            )
            for index, (source, chunk) in enumerate(zip(sources, chunks))
        ]

    def section(self, folder: str, title: str, intro: str, listings: list[Listing], trail: breadcrumbs.Trail = breadcrumbs.HOME) -> list[Page]:
        shown = [listing for listing in listings if listing.items]
        pages = [self._page(f"{folder}/index.md", title, "section.md.j2", intro=intro, listings=shown, trail=trail)]
        for listing in shown:
            pages += self.listing(listing, breadcrumbs.below(trail, title, folder))
        return pages

    def listing(self, listing: Listing, trail: breadcrumbs.Trail = breadcrumbs.HOME) -> list[Page]:
        chunks = [listing.items[i : i + PAGE_SIZE] for i in range(0, len(listing.items), PAGE_SIZE)]
        sources = [f"{listing.src_base}.md"] + [f"{listing.src_base}/page/{n}.md" for n in range(2, len(chunks) + 1)]
        urls = [page_url(source) for source in sources]
        return [
            self._page(source, listing.title, listing.template, listing=listing, items=chunk, number=index + 1, pages=urls, trail=trail)
            for index, (source, chunk) in enumerate(zip(sources, chunks))
        ]

    def sessions(self) -> list[Page]:
        sessions = sorted(self.site.content.sessions, key=lambda s: (-s.date.toordinal(), s.slug))
        pages = [self._page("qa/index.md", "答疑与问答", "sessions.md.j2", sessions=sessions, trail=breadcrumbs.HOME)]
        pages += [
            self._page(f"qa/{s.slug}.md", s.title, "session.md.j2", s=s, entry_of=[self.entry_of_pair[id(p)] for p in s.pairs], trail=breadcrumbs.SESSIONS)
            for s in sessions
        ]
        return pages

    def faq(self) -> list[Page]:
        entries = self.site.faq
        listings = _faq_listings(self.site)
        pages = [
            self._page(
                "faq/index.md",
                "常见问题",
                "faq_home.md.j2",
                hot=entries[:HOT_QUESTIONS],
                count=len(entries),
                asked=sum(e.ask_count for e in entries),
                sections=[(folder, title, [listing for listing in ls if listing.items]) for folder, title, _, ls in listings],
                trail=breadcrumbs.HOME,
            )
        ]
        pages += [self.faq_entry(e) for e in entries]
        for section in listings:
            pages += self.section(*section, trail=breadcrumbs.FAQ)
        return pages

    def faq_entry(self, entry: FAQEntry) -> Page:
        firm = [self.by_slug[link.slug] for link in entry.firm_links]
        suggested = [self.by_slug[link.slug] for link in entry.links if link.kind is LinkKind.SUGGESTED]
        return self._page(
            f"faq/{entry.id}.md",
            public_title(entry.question),
            "faq_entry.md.j2",
            entry=entry,
            firm=firm,
            suggested=suggested,
            trail=breadcrumbs.faq_entry_trail(entry),
        )
