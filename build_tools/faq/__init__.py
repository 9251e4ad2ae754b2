"""FAQ: Q&A sessions → FAQ entries (merged, counted, linked, checked for staleness).

  merge.py     which questions are the same (keys, near-linear similarity join)
  links.py     which explainers an entry is about (explicit, confirmed, suggested)
  importer.py  message-board and hotline CSV exports → Q&A session files

Redaction of the public's text happens where text is written (pages, index),
never here: the entries keep the content as the sessions state it.
"""

from __future__ import annotations

import hashlib
import re

from build_tools.faq.links import ExplainerMatcher, add_suggestions, decisions_by_entry, firm_links
from build_tools.faq.merge import cluster_words, question_words, words_key
from build_tools.load.tree import FAQ_LINKS_FILE, shown_path
from build_tools.models import Content, Explainer, FAQEntry, Issue, Occurrence, Severity, Status, Term
from build_tools.runtime.memory import collector_paused
from build_tools.text.analysis import Analyzer, fold


def assemble_faq(content: Content, published: list[Explainer], analyzer: Analyzer | None = None, suggest: bool = True) -> list[FAQEntry]:
    """One entry per distinct question, most asked first.

    With `suggest` off, entries get only the links the content states
    (explicit, confirmed) and no topics: all that `policy check` needs (the
    ids faq-links.yml names, the firm links of stale answers), without
    searching the explainers for every question.
    """
    with collector_paused():  # word sets and entries for every question: see heap.py
        return _assemble(content, published, analyzer, suggest)


def _assemble(content: Content, published: list[Explainer], analyzer: Analyzer | None, suggest: bool) -> list[FAQEntry]:
    analyzer = analyzer or Analyzer(content.taxonomy.synonym_groups())
    occurrences = [Occurrence(s, p) for s in content.sessions for p in s.pairs]
    words = [question_words(o.pair.question, analyzer) for o in occurrences]  # once: for merging and for ids
    audiences = frozenset(w for t in content.taxonomy.audiences for w in (t.name, *t.synonyms))
    groups = cluster_words(words, audiences)
    matcher = ExplainerMatcher(published, analyzer) if suggest else None
    decisions = decisions_by_entry(content.link_decisions)
    slugs = {e.slug for e in published}
    by_slug = {e.slug: e for e in published}
    topic_patterns = [(t, _any_of(fold(w) for w in (t.name, *t.synonyms))) for t in content.taxonomy.topics]
    entries: list[FAQEntry] = []
    used_ids: set[str] = set()
    for group in groups:
        members = sorted((occurrences[i] for i in group), key=_newest_first)
        entry = FAQEntry(_entry_id(_earliest(group, occurrences), words, used_ids), members)
        explicit = list(dict.fromkeys(slug for o in members for slug in o.session.policies))
        entry.links = firm_links(explicit, decisions.get(entry.id, {}), slugs)
        entries.append(entry)
    if matcher is not None:
        add_suggestions(entries, matcher, decisions)
        for entry in entries:
            entry.topics = _topics(entry, topic_patterns, by_slug)
    return sorted(entries, key=lambda e: (-e.ask_count, -e.newest.date.toordinal(), e.id))


def _newest_first(occurrence: Occurrence):
    return (-occurrence.date.toordinal(), occurrence.session.slug, occurrence.pair.line)


def _earliest(group: list[int], occurrences: list[Occurrence]) -> int:
    return min(group, key=lambda i: (occurrences[i].date, occurrences[i].session.slug, occurrences[i].pair.line))


def _entry_id(earliest: int, words: list[frozenset[str]], used: set[str]) -> str:
    """Stable across rebuilds: from the words of the earliest asking, which later askings do not change."""
    digest = hashlib.sha1(words_key(words[earliest]).encode("utf-8")).hexdigest()
    length = 10
    while f"q-{digest[:length]}" in used:
        length += 2
    used.add(f"q-{digest[:length]}")
    return f"q-{digest[:length]}"


def _any_of(words) -> re.Pattern:
    """A pattern found wherever one of `words` is: one search instead of a test per word."""
    return re.compile("|".join(re.escape(w) for w in words))


def _topics(entry: FAQEntry, topic_patterns: list[tuple[Term, re.Pattern]], by_slug: dict[str, Explainer]) -> list[Term]:
    """Topics of the linked explainers, plus topics the question names (or a synonym of them)."""
    question = fold(entry.question)
    found = [t for link in entry.links for t in by_slug[link.slug].topics]
    found += [t for t, pattern in topic_patterns if pattern.search(question)]
    return list(dict.fromkeys(found))


def stale_warnings(entries: list[FAQEntry], status: dict[str, Status], superseded_by: dict[str, str]) -> list[Issue]:
    """`policy check` warnings: answers that rely on a policy no longer in force."""
    warnings = []
    for entry in entries:
        for slug, state in entry.stale_links(status):
            newest = entry.newest
            replacement = f"，请参照 {superseded_by[slug]} 更新答复 / update it from {superseded_by[slug]}" if slug in superseded_by else ""
            warnings.append(
                Issue(
                    shown_path(newest.session.path),
                    newest.pair.line,
                    "answer",
                    f"此答复依据的政策 {slug} {state.value}{replacement} / the answer relies on {slug}, which is {state.name.lower()}",
                    Severity.WARNING,
                )
            )
    return warnings


def unknown_entry_warnings(content: Content, entries: list[FAQEntry]) -> list[Issue]:
    """Decisions in faq-links.yml about entries that no longer exist (their question changed)."""
    ids = {entry.id for entry in entries}
    path = shown_path(content.root / FAQ_LINKS_FILE)
    return [
        Issue(
            path,
            d.line,
            "entry",
            f"没有编号为 {d.entry} 的常见问题（问题可能已修改），请用 policy faq links 查看 / "
            f"no FAQ entry {d.entry} (its question may have changed): see policy faq links",
            Severity.WARNING,
        )
        for d in content.link_decisions
        if d.entry not in ids
    ]
