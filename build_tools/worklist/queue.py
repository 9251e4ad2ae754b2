"""The editors' work queue: the content as of a date → what needs work, by kind, with file and line.

Kinds of work (Category.key), in the order an editor should take them:
  expiring                   explainers whose policy lapses within EXPIRING_DAYS
  expired_without_successor  lapsed explainers that no published explainer supersedes
  stale_answers              FAQ answers resting on a lapsed or replaced policy, grouped by that policy
  unconfirmed_answers        FAQ entries whose answer rests on no explainer named or confirmed
  without_faq                explainers in force that no FAQ answer rests on
  empty_departments          departments with no explainer in force
  empty_topics               topics with no explainer in force
  without_apply              explainers in force without an `apply:` block
Only explainers in force or about to be (现行有效, 即将生效) are asked for FAQ answers and an `apply:`
block: a lapsed policy needs a successor, not more work on itself. Questions are written by the public:
they are made plain text here (text/public.py: markup read as a browser shows it, personal data masked),
before any format prints them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.build.pipeline import checked, dated, with_faq
from build_tools.faq import assemble_faq
from build_tools.load.cache import load_tree_cached
from build_tools.load.tree import LoadedTree, RawDocument, shown_path
from build_tools.models import EXPIRING_DAYS, Explainer, FAQEntry, Site, Status
from build_tools.text.public import public_title

ACTIVE = (Status.IN_FORCE, Status.UPCOMING)  # the explainers that still need answers and an apply: block


@dataclass(frozen=True)
class Item:
    """One thing to work on: where to open it (path and line, when it has a file), what it is, what is wrong."""

    path: str | None
    line: int | None
    title: str
    detail: str
    id: str = ""  # the explainer's slug, the FAQ entry's id, the department's or topic's id
    items: tuple[Item, ...] = ()  # what is grouped under it (the stale answers of one policy)


@dataclass(frozen=True)
class Category:
    """One kind of work: its key (JSON), its heading, what to do, and the things to do it to."""

    key: str
    title: str
    advice: str
    items: list[Item] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Things to do: the grouped items (the answers), not their groups."""
        return sum(len(item.items) or 1 for item in self.items)


@dataclass(frozen=True)
class WorkQueue:
    """Everything that needs an editor on `today`."""

    today: dt.date
    categories: list[Category]

    @property
    def total(self) -> int:
        return sum(category.count for category in self.categories)


def work_queue(content_dir: Path, today: dt.date) -> WorkQueue:
    """The work queue of the content under `content_dir` on `today`; raise ContentError when it has errors."""
    tree = load_tree_cached(content_dir)
    site = dated(*checked(tree), today)
    with_faq(site, assemble_faq(site.content, site.explainers, suggest=False))  # firm links only: what answers rest on
    return queue_of(site, tree)


def queue_of(site: Site, tree: LoadedTree) -> WorkQueue:
    """The work queue of a dated Site with its FAQ; `tree` gives the lines of fields."""
    where = _Lines(tree)
    active = [e for e in site.explainers if site.status[e.slug] in ACTIVE]
    return WorkQueue(
        site.today,
        [
            _expiring(site, where),
            _expired_without_successor(site, where),
            _stale_answers(site, where),
            _unconfirmed_answers(site),
            _without_faq(site, active, where),
            _empty_departments(site, where),
            _empty_topics(site, where),
            _without_apply(active, where),
        ],
    )


class _Lines:
    """Where a field of a file is: the loaded tree keeps every key's line."""

    def __init__(self, tree: LoadedTree):
        self._policies = {document.path: document for document in tree.policies}
        self._departments = tree.departments
        self._taxonomy = tree.taxonomy

    def explainer(self, e: Explainer, key: str) -> tuple[str, int]:
        document = self._policies.get(e.path)
        return (document.shown, document.line_of(key)) if document else (shown_path(e.path), 1)

    def department(self, department_id: str) -> tuple[str | None, int | None]:
        return _registry_line(self._departments, None, department_id)

    def topic(self, topic_id: str) -> tuple[str | None, int | None]:
        return _registry_line(self._taxonomy, "topics", topic_id)


def _registry_line(document: RawDocument | None, section: str | None, wanted: str) -> tuple[str | None, int | None]:
    """The file and line of the registry entry with id `wanted` (a list of mappings, or a section holding one)."""
    if document is None:
        return None, None
    entries = document.data.get(section) if section and isinstance(document.data, dict) else document.data
    prefix = f"{section}." if section else ""
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict) and str(entry.get("id")) == wanted:
            return document.shown, document.line_of(f"{prefix}{index}.id")
    return document.shown, document.first_line


def _explainer_item(e: Explainer, where: _Lines, key: str, detail: str) -> Item:
    path, line = where.explainer(e, key)
    return Item(path, line, e.title, detail, e.slug)


def _expiring(site: Site, where: _Lines) -> Category:
    soon = sorted((e for e in site.explainers if site.status[e.slug] is Status.IN_FORCE and e.expires_soon(site.today)), key=lambda e: (e.expires, e.slug))
    return Category(
        "expiring",
        f"{EXPIRING_DAYS} 天内到期的解读",
        "政策延续的，更新 expires；有新政策的，写新解读并在其 supersedes 中列出本篇。",
        [_explainer_item(e, where, "expires", f"{e.expires} 到期，还有 {(e.expires - site.today).days} 天") for e in soon if e.expires],
    )


def _expired_without_successor(site: Site, where: _Lines) -> Category:
    lapsed = sorted((e for e in site.explainers if site.status[e.slug] is Status.EXPIRED), key=lambda e: (e.expires or e.published, e.slug), reverse=True)
    return Category(
        "expired_without_successor",
        "已失效且没有替代政策的解读",
        "有后续政策的，写新解读并在其 supersedes 中列出本篇；政策已延期的，更新 expires。",
        [_explainer_item(e, where, "expires", f"{e.expires} 起失效，没有替代它的解读") for e in lapsed],
    )


def _stale_answers(site: Site, where: _Lines) -> Category:
    by_slug = {e.slug: e for e in site.explainers}
    answers: dict[str, list[FAQEntry]] = {}
    for entry in site.faq:
        for slug, _ in entry.stale_links(site.status):
            answers.setdefault(slug, []).append(entry)
    groups = []
    for slug in sorted(answers, key=lambda s: (-len(answers[s]), s)):
        e, status = by_slug[slug], site.status[slug]
        successor = site.superseded_by.get(slug)
        detail = f"{status.value}，请参照 {successor} 更新这些答复" if successor else f"{status.value}，请核实这些答复是否仍然适用"
        path, line = where.explainer(e, "title")
        groups.append(Item(path, line, e.title, detail, slug, tuple(_answer_item(entry) for entry in answers[slug])))
    return Category(
        "stale_answers",
        "依据已失效政策的常见问答（按政策）",
        "在答疑文件中更新答复，或在问题的“政策：”行改为现行政策。",
        groups,
    )


def _answer_item(entry: FAQEntry, detail: str = "") -> Item:
    newest = entry.newest
    asked = f"被问及 {entry.ask_count} 次" if entry.ask_count > 1 else ""
    return Item(shown_path(newest.session.path), newest.pair.line, public_title(entry.question), "；".join(filter(None, (detail, asked))), entry.id)


def _unconfirmed_answers(site: Site) -> Category:
    return Category(
        "unconfirmed_answers",
        "没有确认依据政策的常见问答",
        "在问题下加“政策：slug”行，或用 policy faq links 查看推荐并在 content/faq-links.yml 中确认。",
        [_answer_item(entry) for entry in site.faq if not entry.firm_links],
    )


def _without_faq(site: Site, active: list[Explainer], where: _Lines) -> Category:
    answered = {link.slug for entry in site.faq for link in entry.firm_links}
    return Category(
        "without_faq",
        "没有常见问答的解读",
        "整理企业常问的问题，写入答疑文件（content/qa/），并在问题下注明“政策：slug”。",
        [_explainer_item(e, where, "title", site.status[e.slug].value) for e in active if e.slug not in answered],
    )


def _in_force(site: Site) -> list[Explainer]:
    return [e for e in site.explainers if site.status[e.slug] is Status.IN_FORCE]


def _empty_departments(site: Site, where: _Lines) -> Category:
    in_force = _in_force(site)
    items = []
    for department in site.content.departments:
        if any(department in (e.department, *e.co_departments) for e in in_force):
            continue
        count = sum(department in (e.department, *e.co_departments) for e in site.explainers)
        path, line = where.department(department.id)
        items.append(Item(path, line, department.name, f"{count} 篇解读均已不再有效" if count else "还没有解读", department.id))
    return Category("empty_departments", "没有现行有效解读的部门", "请该部门补充现行政策的解读，或确认已无现行政策。", items)


def _empty_topics(site: Site, where: _Lines) -> Category:
    in_force = _in_force(site)
    items = []
    for topic in site.content.taxonomy.topics:
        if any(topic in e.topics for e in in_force):
            continue
        count = sum(topic in e.topics for e in site.explainers)
        path, line = where.topic(topic.id)
        items.append(Item(path, line, topic.name, f"{count} 篇解读均已不再有效" if count else "还没有解读", topic.id))
    return Category("empty_topics", "没有现行有效解读的主题", "补充该主题现行政策的解读，或确认该主题已无现行政策。", items)


def _without_apply(active: list[Explainer], where: _Lines) -> Category:
    return Category(
        "without_apply",
        "没有申报信息（apply:）的解读",
        "在 front matter 中加 apply: 块（申报时间、入口、渠道、扶持标准；免申即享的写 no_application: true）。",
        [_explainer_item(e, where, "title", "没有 apply: 块") for e in active if e.apply is None],
    )
