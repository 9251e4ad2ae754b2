"""Which explainers a FAQ entry is about.

Explicit links come from the session's `policies:`; an editor's decisions
in content/faq-links.yml confirm or reject suggestions. Entries with no
explicit link get a suggestion from a search over the explainers' titles,
document numbers, summaries and keywords, with the same Chinese analysis as
the site search. A suggestion needs the matched words to carry at least
SUGGEST_COVERAGE of the question's weight (rare words weigh more).
"""

from __future__ import annotations

import math
from collections import defaultdict

from ..models import Explainer, FAQLink, LinkDecision, LinkKind
from ..search.analysis import Analyzer

SUGGEST_COVERAGE = 0.6
MIN_MATCHED_WORDS = 2


class ExplainerMatcher:
    """A small in-memory index of explainer profiles: words → explainers."""

    def __init__(self, explainers: list[Explainer], analyzer: Analyzer):
        self.explainers = explainers
        self.analyzer = analyzer
        self.postings: dict[str, set[int]] = defaultdict(set)
        self.words: list[set[str]] = []
        for index, explainer in enumerate(explainers):
            words = set(analyzer.term_counts(_profile(explainer)))
            self.words.append(words)
            for word in words:
                self.postings[word].add(index)
        total = max(len(explainers), 1)
        self.weight = {word: math.log(1 + total / len(docs)) for word, docs in self.postings.items()}

    def best(self, question: str) -> tuple[Explainer, float] | None:
        """The explainer the question is most likely about, with its coverage, if above the threshold.

        Only explainers holding one of the question's rarest words can reach
        SUGGEST_COVERAGE: words are taken rarest first until the others together
        weigh less than the coverage needed. Those candidates are scored fully
        in the order of their partial score, until even the words not taken
        could not lift the next one above the best so far. So common words
        (政策, 企业) never make every explainer a candidate.
        """
        words = {t.text for t in self.analyzer.analyze(question, "query") if t.boost == 1}
        known = [w for w in words if w in self.weight]
        if len(known) < MIN_MATCHED_WORDS:
            return None
        total = sum(self.weight[w] for w in known) + sum(math.log(1 + len(self.explainers)) for w in words if w not in self.weight)
        remaining = sum(self.weight[w] for w in known)
        partial: dict[int, float] = defaultdict(float)
        for word in sorted(known, key=lambda w: (-self.weight[w], w)):
            if remaining < SUGGEST_COVERAGE * total:
                break
            remaining -= self.weight[word]
            for index in self.postings[word]:
                partial[index] += self.weight[word]
        best_key, best_index, best_matched = None, -1, 0
        for index in sorted(partial, key=partial.__getitem__, reverse=True):
            if best_key is not None and partial[index] + remaining < best_key[0] - 1e-9:
                break
            own = self.words[index]
            matched = [w for w in known if w in own]  # summed in the order of `known`: the same score every time
            explainer = self.explainers[index]
            key = (sum(self.weight[w] for w in matched), explainer.published, explainer.slug)
            if best_key is None or key > best_key:
                best_key, best_index, best_matched = key, index, len(matched)
        if best_key is None:
            return None
        coverage = best_key[0] / total
        if coverage < SUGGEST_COVERAGE or best_matched < MIN_MATCHED_WORDS:
            return None
        return self.explainers[best_index], round(coverage, 3)


def _profile(explainer: Explainer) -> str:
    policy = explainer.policy
    parts = [explainer.title, explainer.summary, " ".join(explainer.tags)]
    if policy:
        parts += [policy.title, policy.number or ""]
    return " ".join(parts)


def entry_links(entry_id: str, explicit: list[str], question: str, matcher: ExplainerMatcher,
                decisions: dict[tuple[str, str], bool], published: set[str]) -> list[FAQLink]:
    """Explicit and confirmed links first; a suggestion only when there is neither."""
    links = [FAQLink(slug, LinkKind.EXPLICIT) for slug in explicit if slug in published]
    links += [FAQLink(slug, LinkKind.CONFIRMED) for (entry, slug), ok in sorted(decisions.items())
              if entry == entry_id and ok and slug in published and slug not in explicit]
    if links:
        return links
    best = matcher.best(question)
    if best and decisions.get((entry_id, best[0].slug)) is not False:
        return [FAQLink(best[0].slug, LinkKind.SUGGESTED, best[1])]
    return []


def decisions_by_key(decisions: list[LinkDecision]) -> dict[tuple[str, str], bool]:
    return {(d.entry, d.policy): d.confirmed for d in decisions}
