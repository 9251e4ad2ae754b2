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
        for index, explainer in enumerate(explainers):
            for term in analyzer.analyze(_profile(explainer)):
                self.postings[term.text].add(index)
        total = max(len(explainers), 1)
        self.weight = {word: math.log(1 + total / len(docs)) for word, docs in self.postings.items()}

    def best(self, question: str) -> tuple[Explainer, float] | None:
        """The explainer the question is most likely about, with its coverage, if above the threshold."""
        words = {t.text for t in self.analyzer.analyze(question, "query") if t.boost == 1}
        known = [w for w in words if w in self.weight]
        if len(known) < MIN_MATCHED_WORDS:
            return None
        total = sum(self.weight[w] for w in known) + sum(math.log(1 + len(self.explainers)) for w in words if w not in self.weight)
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        for word in known:
            for index in self.postings[word]:
                scores[index] += self.weight[word]
                matched[index] += 1
        if not scores:
            return None
        index = max(scores, key=lambda i: (scores[i], self.explainers[i].published, self.explainers[i].slug))
        coverage = scores[index] / total
        if coverage < SUGGEST_COVERAGE or matched[index] < MIN_MATCHED_WORDS:
            return None
        return self.explainers[index], round(coverage, 3)


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
