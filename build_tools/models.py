"""The domain objects every step of the pipeline passes on.

Plain dataclasses, no behaviour beyond what follows from their own fields:
load and check create them, the FAQ, page and search steps read them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How bad an Issue is: an error stops the build, a warning is only reported."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem found in the content, located at a real line of a file."""

    path: str
    line: int
    field: str
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True)
class Department:
    """A department of content/departments.yml: its names, its region, its site and the reviewers of its files."""

    id: str
    name: str
    region: str
    aliases: tuple[str, ...] = ()
    url: str | None = None
    owners: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """A topic or an audience: a canonical name, a URL id and its synonyms.

    Audiences form a tree (`children:` in taxonomy.yml): `ancestors` lists the names above, root first.
    A topic with `need: false` (e.g. 党建引领) is not offered as an enterprise's need.
    """

    id: str
    name: str
    synonyms: tuple[str, ...] = ()
    ancestors: tuple[str, ...] = ()
    need: bool = True


@dataclass(frozen=True)
class Region:
    """A node of the region tree; `ancestors` lists names from the root down."""

    id: str
    name: str
    ancestors: tuple[str, ...] = ()


@dataclass
class Taxonomy:
    """The topics, audiences and region tree of content/taxonomy.yml."""

    topics: list[Term]
    audiences: list[Term]
    regions: list[Region]

    def region(self, name: str) -> Region | None:
        return next((r for r in self.regions if r.name == name), None)

    def synonym_groups(self) -> list[list[str]]:
        """Each topic's and audience's name with its synonyms: words search treats as one."""
        return [[t.name, *t.synonyms] for t in (*self.topics, *self.audiences) if t.synonyms]

    def region_and_descendants(self, name: str) -> set[str]:
        """A policy for a region applies inside it: the region and all below."""
        return {r.name for r in self.regions if r.name == name or name in r.ancestors}

    def audience_applies(self, audiences: Iterable[Term | str], type_name: str) -> bool:
        """Whether a policy for `audiences` applies to an enterprise of type `type_name`.

        It does when it names no audience (it is for everyone), names the type, or names a type above it:
        a policy for 中小企业 applies to 科技型中小企业. A type the taxonomy does not know matches only itself."""
        names = {a if isinstance(a, str) else a.name for a in audiences}
        if not names or type_name in names:
            return True
        term = self._audiences_by_name.get(type_name)
        return term is not None and not names.isdisjoint(term.ancestors)

    def audience_and_descendants(self, name: str) -> set[str]:
        """A type and every type below it: the enterprises a policy for `name` is for."""
        return {t.name for t in self.audiences if t.name == name or name in t.ancestors}

    @functools.cached_property
    def _audiences_by_name(self) -> dict[str, Term]:
        return {t.name: t for t in self.audiences}


@dataclass(frozen=True)
class PolicyDocument:
    """The source policy document an explainer explains."""

    title: str
    number: str | None = None
    issuer: str | None = None
    issued: dt.date | None = None
    url: str | None = None


# 即将到期: a policy in force that lapses within this many days (feed titles, `policy report`).
EXPIRING_DAYS = 30


class Status(str, Enum):
    """Status of an explainer's policy on the build date."""

    UPCOMING = "即将生效"
    IN_FORCE = "现行有效"
    EXPIRED = "已失效"
    SUPERSEDED = "已被替代"


@dataclass(frozen=True)
class Application:
    """How to apply (the `apply:` block): window, where, how much; every part optional."""

    start: dt.date | None = None  # 申报开始
    end: dt.date | None = None  # 申报截止
    period: str | None = None  # a recurring window in words, e.g. 每年一季度
    url: str | None = None  # 申报入口
    channel: str | None = None  # 办理渠道
    address: str | None = None  # 受理地址
    amount: str | None = None  # 扶持标准, as the policy words it
    amount_yuan: float | None = None  # the largest amount in 元, for sorting
    no_application: bool = False  # 免申即享: nothing to apply for
    line: int = 1  # line of `apply:` in the source file


@dataclass
class Explainer:
    """A policy explainer (政策解读): one Markdown file under content/policies/."""

    slug: str
    path: Path
    title: str
    summary: str
    department: Department
    region: Region
    topics: list[Term]
    published: dt.date
    body: str
    co_departments: list[Department] = field(default_factory=list)
    audience: list[Term] = field(default_factory=list)
    policy: PolicyDocument | None = None
    effective: dt.date | None = None
    expires: dt.date | None = None
    supersedes: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    twins: list[str] = field(default_factory=list)  # the same explainer in the other script (简体/繁體)
    contact: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    draft: bool = False
    apply: Application | None = None
    body_line: int = 1

    def is_published(self, today: dt.date) -> bool:
        """Drafts and scheduled explainers are checked but never published."""
        return not self.draft and self.published <= today

    def expires_soon(self, today: dt.date) -> bool:
        """Its policy lapses within EXPIRING_DAYS of `today` and has not lapsed yet (即将到期)."""
        return self.expires is not None and 0 <= (self.expires - today).days <= EXPIRING_DAYS


@dataclass(frozen=True)
class QAPair:
    """One question of a Q&A session and its answer.

    `question`, `details` and `asker` are written by the public and are
    untrusted; `answer` is written by a department. `policies` are the
    explainers the question's own policies line names (`政策：slug-a, slug-b`,
    at `policies_line`): the basis of its answer, in place of the session's
    `policies:`.
    """

    question: str
    answer: str
    line: int
    details: str = ""
    asker: str | None = None
    answered_by: Department | None = None
    policies: tuple[str, ...] = ()
    policies_line: int | None = None


class SessionKind(str, Enum):
    """What a Q&A session was: a live Q&A, a message board, a hotline digest or a policy briefing."""

    LIVE = "live"
    BOARD = "board"
    HOTLINE = "hotline"
    BRIEFING = "briefing"

    @property
    def label(self) -> str:
        return {"live": "直播答疑", "board": "留言板", "hotline": "热线问答", "briefing": "政策答疑"}[self.value]


@dataclass
class QASession:
    """A past Q&A session (答疑专场, 留言板, 热线): one file under content/qa/."""

    slug: str
    path: Path
    title: str
    date: dt.date
    kind: SessionKind
    pairs: list[QAPair]
    host: str | None = None
    departments: list[Department] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    source: str | None = None


@dataclass(frozen=True)
class LinkDecision:
    """An editor's verdict on a suggested FAQ link, kept in content/faq-links.yml."""

    entry: str
    policy: str
    confirmed: bool
    line: int = 1


@dataclass
class Content:
    """Everything under content/, validated and typed."""

    root: Path
    departments: list[Department]
    taxonomy: Taxonomy
    explainers: list[Explainer]
    sessions: list[QASession]
    link_decisions: list[LinkDecision] = field(default_factory=list)
    synonyms: list[tuple[str, ...]] = field(default_factory=list)  # content/synonyms.yml: groups of equivalent words


@dataclass(frozen=True)
class Occurrence:
    """One time a FAQ question was asked and answered."""

    session: QASession
    pair: QAPair

    @property
    def date(self) -> dt.date:
        return self.session.date

    @property
    def department(self) -> Department | None:
        if self.pair.answered_by:
            return self.pair.answered_by
        return self.session.departments[0] if len(self.session.departments) == 1 else None


class LinkKind(str, Enum):
    """How a FAQ entry came to link an explainer: named for its question, confirmed by an editor, or suggested."""

    EXPLICIT = "explicit"  # the question's policies line, or its session's `policies:` when the question is about them
    CONFIRMED = "confirmed"  # a link an editor confirmed in content/faq-links.yml
    SUGGESTED = "suggested"  # found by search, or named by the session for other questions: not the answer's basis


@dataclass(frozen=True)
class FAQLink:
    """A FAQ entry's link to an explainer (by slug): how it was made and, for a suggestion, its score."""

    slug: str
    kind: LinkKind
    score: float = 1.0


@dataclass
class FAQEntry:
    """One question as asked, possibly many times: the newest answer first."""

    id: str
    occurrences: list[Occurrence]
    links: list[FAQLink] = field(default_factory=list)
    topics: list[Term] = field(default_factory=list)

    @property
    def newest(self) -> Occurrence:
        return self.occurrences[0]

    @property
    def question(self) -> str:
        return self.newest.pair.question

    @property
    def answer(self) -> str:
        return self.newest.pair.answer

    @property
    def ask_count(self) -> int:
        return len(self.occurrences)

    @property
    def department(self) -> Department | None:
        return next((o.department for o in self.occurrences if o.department), None)

    @property
    def firm_links(self) -> list[FAQLink]:
        """Links the content states (explicit or confirmed), not mere suggestions."""
        return [link for link in self.links if link.kind is not LinkKind.SUGGESTED]

    def stale_links(self, status: dict[str, Status]) -> list[tuple[str, Status]]:
        """Firm links whose policy has expired or been superseded: the answer may be out of date."""
        return [(link.slug, status[link.slug]) for link in self.firm_links if status.get(link.slug) in (Status.EXPIRED, Status.SUPERSEDED)]


@dataclass(frozen=True)
class Page:
    """A generated page: where it lives in the site and its Markdown source.

    The source is the Markdown text or a function that makes it each time it
    is read: a site generator needs one page's text at a time, and the text of
    every page of 20,000 explainers (about 106,000 pages) would take 800 MB.
    """

    src_path: str
    title: str
    source: str | Callable[[], str] = field(repr=False)

    @property
    def markdown(self) -> str:
        return self.source() if callable(self.source) else self.source

    def rendered(self) -> Page:
        """The page with its Markdown made now and kept (the preview compares every page's text on each save)."""
        return self if isinstance(self.source, str) else Page(self.src_path, self.title, self.markdown)

    @property
    def url(self) -> str:
        return page_url(self.src_path)


def page_url(src_path: str) -> str:
    """Directory-style URL of a page, relative to the site root."""
    stem = src_path.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


@dataclass
class Site:
    """What the pipeline produced: content, derived state and pages to write."""

    content: Content
    today: dt.date
    explainers: list[Explainer]
    status: dict[str, Status]
    superseded_by: dict[str, str]
    pages: list[Page]
    issues: list[Issue]
    faq: list[FAQEntry] = field(default_factory=list)
    # slug → the date the explainer's file last changed (git, else the file), see history.py
    last_changed: dict[str, dt.date] = field(default_factory=dict)


@dataclass(frozen=True)
class PageChanges:
    """How the pages of a preview run differ from what the served site shows."""

    changed: list[Page]  # new Markdown for these (pages new to the site included)
    added: set[str]  # src paths the served site has no page for yet
    removed: set[str]  # src paths of served pages the run no longer has

    @property
    def same_pages(self) -> bool:
        """No page comes or goes: the site's files and navigation stay as they are."""
        return not self.added and not self.removed


@dataclass(frozen=True)
class PreviewUpdate:
    """One run of the preview: its site (None when the content has errors), the pages to serve, what changed."""

    site: Site | None
    pages: list[Page]
    changes: PageChanges
    issues: list[Issue]  # the content's problems when `site` is None
