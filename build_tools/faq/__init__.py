"""FAQ: Q&A sessions → FAQ entries (merged, counted, linked, checked for staleness).

  merge.py     which questions are the same (words, near-linear similarity join)
  links.py     which explainers an entry is about, and which its answer rests on
               (the question's own line, its session's policies it is about,
               an editor's decision; suggestions within the question's region)
  kept.py      the last run's entries again when nothing they are made of changed
               (but some bodies: those entries linked again, relink_faq)

Each asking of an entry brings the links of its own question; an entry
flags as stale only the explainers its answers rest on (firm links).

Redaction of the public's text happens where text is written (pages, index),
never here: the entries keep the content as the sessions state it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection

from build_tools.faq.links import ExplainerMatcher, RegionScope, add_suggestions, decided, decisions_by_entry, merged_links, session_links
from build_tools.faq.merge import cluster_words, id_words, question_words, words_key
from build_tools.load.tree import FAQ_LINKS_FILE, shown_path
from build_tools.models import Content, Explainer, FAQEntry, FAQLink, Issue, LinkKind, Occurrence, Severity, Status, Term
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
    audiences = frozenset(w for t in content.taxonomy.audiences for w in (t.name, *t.synonyms))
    groups = cluster_words([question_words(o.pair.question, analyzer, audiences) for o in occurrences])
    names_policies = any(s.policies for s in content.sessions)
    matcher = ExplainerMatcher(published, analyzer) if published and (suggest or names_policies) else None
    entries: list[FAQEntry] = []
    used_ids: set[str] = set()
    for group in groups:
        members = sorted((occurrences[i] for i in group), key=_newest_first)
        entries.append(FAQEntry(_entry_id(occurrences[_earliest(group, occurrences)].pair.question, analyzer, used_ids), members))
    _link(entries, content, published, matcher, suggest)
    return sorted(entries, key=lambda e: (-e.ask_count, -e.newest.date.toordinal(), e.id))


def relink_faq(content: Content, published: list[Explainer], entries: list[FAQEntry], bodies_changed: Collection[str]) -> list[FAQEntry]:
    """`entries`, assembled from the same content but for the bodies of the explainers `bodies_changed`, with
    the links of those a body decides linked again: what assemble_faq would give. A body is read only to
    judge which of its session's `policies:` a question is about (links.session_links); merging, the
    weights of words and the suggestions read the explainers' profiles, which did not change. After one
    body edit at 20,000 explainers this links a few entries instead of assembling 66,000 again (31 s)."""
    changed = set(bodies_changed)
    touched = [entry for entry in entries if any(not o.pair.policies and changed.intersection(o.session.policies) for o in entry.occurrences)]
    if touched:
        with collector_paused():
            _link(touched, content, published, ExplainerMatcher(published, Analyzer(content.taxonomy.synonym_groups())), suggest=True)
    return entries


def _link(entries: list[FAQEntry], content: Content, published: list[Explainer], matcher: ExplainerMatcher | None, suggest: bool) -> None:
    """Each entry's links (its askings' own, an editor's decisions, a suggestion from search) and topics."""
    by_slug = {e.slug: e for e in published}
    decisions = decisions_by_entry(content.link_decisions)
    topic_patterns = [(t, _any_of(fold(w) for w in (t.name, *t.synonyms))) for t in content.taxonomy.topics]
    for entry in entries:
        own = merged_links(link for o in entry.occurrences for link in _own_links(o, matcher, by_slug, topic_patterns))
        entry.links = decided(own, decisions.get(entry.id, {}), by_slug)
    if suggest and matcher is not None:  # for entries without a firm link, after the editors' decisions (never one they rejected)
        add_suggestions(entries, matcher, decisions, RegionScope(content.taxonomy).masks(entries, matcher))
    if suggest:
        for entry in entries:
            entry.topics = _topics(entry, topic_patterns, by_slug)


def _own_links(occurrence: Occurrence, matcher: ExplainerMatcher | None, by_slug: dict[str, Explainer], topic_patterns) -> list[FAQLink]:
    """The links one asking brings: the policies its question names, else those of its session's `policies:` it is about."""
    pair = occurrence.pair
    if pair.policies:
        return [FAQLink(slug, LinkKind.EXPLICIT) for slug in dict.fromkeys(pair.policies) if slug in by_slug]
    policies = [slug for slug in dict.fromkeys(occurrence.session.policies) if slug in by_slug]
    if not policies or matcher is None:
        return []
    question = fold(pair.question)
    named_topics = [t for t, pattern in topic_patterns if pattern.search(question)]
    return session_links(matcher, pair.question, policies, named_topics)


def _newest_first(occurrence: Occurrence):
    return (-occurrence.date.toordinal(), occurrence.session.slug, occurrence.pair.line)


def _earliest(group: list[int], occurrences: list[Occurrence]) -> int:
    return min(group, key=lambda i: (occurrences[i].date, occurrences[i].session.slug, occurrences[i].pair.line))


def _entry_id(question: str, analyzer: Analyzer, used: set[str]) -> str:
    """Stable across rebuilds: from the words of the earliest asking, which later askings do not change
    (id_words: the merging's words as they first were, so that changes to merging keep the ids)."""
    digest = hashlib.sha1(words_key(id_words(question, analyzer)).encode("utf-8")).hexdigest()
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
