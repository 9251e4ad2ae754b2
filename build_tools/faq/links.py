"""Which explainers a FAQ entry is about.

Explicit links come from the session's `policies:`; an editor's decisions
in content/faq-links.yml confirm or reject suggestions. Entries with no
explicit link get a suggestion from a search over the explainers' titles,
document numbers, summaries and keywords, with the same Chinese analysis as
the site search. A suggestion needs the matched words to carry at least
SUGGEST_COVERAGE of the question's weight (rare words weigh more).

The suggestion is the best-scoring explainer, found without scoring them
all: only explainers that could still reach the coverage are looked at
(ExplainerMatcher._highest), so the work per question stays about the same
as the number of explainers grows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from itertools import accumulate

from build_tools.models import Explainer, FAQEntry, FAQLink, LinkDecision, LinkKind
from build_tools.runtime.background import Background
from build_tools.text.analysis import Analyzer

SUGGEST_COVERAGE = 0.6
MIN_MATCHED_WORDS = 2
# A word in more explainers than this is kept as a bit set (bit r: the explainer of rank r), so that
# the explainers holding it and enough of the question's other words are found by a few operations
# on whole sets rather than one by one: common words (政策, 企业) grow with the corpus, and looking
# at each of their explainers made linking quadratic. Rarer words keep a list of ranks (cheap to walk).
# At 20,000 explainers 16 keeps 6,500 words as bit sets (17 MB) and links faster than 64 (3,000, 8 MB).
DENSE = 16
EPSILON = 1e-9  # bounds are summed in another order than scores, so may differ by this much
# From this many questions to link, a forked process answers half (ExplainerMatcher.best_of_each): below it
# (about 1,200 explainers' FAQ) the fork costs more than it saves.
PARALLEL_FROM = 4_000


class ExplainerMatcher:
    """A small in-memory index of explainer profiles: words → explainers.

    Explainers are ranked as a tie is broken (newest first, then the greater
    slug), so that (score, -rank) orders candidates as the suggestion prefers them.
    """

    def __init__(self, explainers: list[Explainer], analyzer: Analyzer):
        self.analyzer = analyzer
        self.ranked = sorted(explainers, key=lambda e: (e.published, e.slug), reverse=True)
        postings: dict[str, list[int]] = defaultdict(list)
        self.words: list[set[str]] = []
        for rank, explainer in enumerate(self.ranked):
            words = set(analyzer.term_counts(_profile(explainer)))
            self.words.append(words)
            for word in words:
                postings[word].append(rank)
        total = max(len(explainers), 1)
        self.weight = {word: math.log(1 + total / len(ranks)) for word, ranks in postings.items()}
        self.sparse = {word: ranks for word, ranks in postings.items() if len(ranks) <= DENSE}
        self.dense = {word: _bit_set(ranks) for word, ranks in postings.items() if len(ranks) > DENSE}

    def best(self, question: str) -> tuple[Explainer, float] | None:
        """The explainer the question is most likely about, with its coverage, if above the threshold.

        The coverage is the share of the question's weight (rare words weigh
        more) that the explainer's profile holds; unknown words count as the rarest.
        """
        found = self._best_rank(question)
        return (self.ranked[found[0]], found[1]) if found else None

    def best_of_each(self, questions: list[str]) -> list[tuple[Explainer, float] | None]:
        """best() of every question. From PARALLEL_FROM questions a forked process answers the second
        half: linking was most of the FAQ's time, spent on one core while the other was idle."""
        if len(questions) < PARALLEL_FROM:
            return [self.best(q) for q in questions]
        half = len(questions) // 2
        other = Background(self._best_ranks, questions[half:])
        try:
            first = [self.best(q) for q in questions[:half]]
            second = [(self.ranked[found[0]], found[1]) if found else None for found in other.result()]
        finally:
            other.cancel()
        return first + second

    def _best_ranks(self, questions: list[str]) -> list[tuple[int, float] | None]:
        """_best_rank() of each question: ranks, not explainers, go back from the forked process."""
        return [self._best_rank(q) for q in questions]

    def _best_rank(self, question: str) -> tuple[int, float] | None:
        words = {t.text for t in self.analyzer.analyze(question, "query") if t.boost == 1}
        known = sorted((w for w in words if w in self.weight), key=lambda w: (-self.weight[w], w))
        if len(known) < MIN_MATCHED_WORDS:
            return None
        weights = [self.weight[w] for w in known]
        total = sum(weights) + math.log(1 + len(self.ranked)) * (len(words) - len(known))
        found = self._highest(known, weights, SUGGEST_COVERAGE * total)
        if found is None:
            return None
        score, rank, matched = found
        if score / total < SUGGEST_COVERAGE or matched < MIN_MATCHED_WORDS:
            return None
        return rank, round(score / total, 3)

    def _highest(self, known: list[str], weights: list[float], needed: float) -> tuple[float, int, int] | None:
        """The best-scoring explainer that reaches `needed`: (score, rank, words matched), or None.

        `known` is rarest first. An explainer whose rarest word of the question
        is known[i] scores at most the weight of known[i:], so the walk stops
        at the first word whose remaining weight cannot reach the floor; the
        floor rises to the best score found, so common words are rarely reached.
        """
        floor = needed - EPSILON
        remaining = list(accumulate(reversed(weights)))[::-1]
        weight_of = dict(zip(known, weights)).__getitem__
        best: tuple[float, int, int] | None = None
        scored: set[int] = set()
        for i in range(len(known)):
            if remaining[i] < floor:
                break
            for rank in self._candidates(known, weights, i, floor):
                if rank in scored:
                    continue
                scored.add(rank)
                matched = self.words[rank].intersection(known)
                score = math.fsum(map(weight_of, matched))  # exact, so in any order the same words give the same score
                if score >= floor and (best is None or (score, -rank) > (best[0], -best[1])):
                    best, floor = (score, rank, len(matched)), max(floor, score - EPSILON)
        return best

    def _candidates(self, known: list[str], weights: list[float], i: int, floor: float) -> Iterable[int]:
        """Ranks of explainers holding known[i] that may reach `floor`: for a common
        word, only those that also hold as many of the commoner words as reaching
        the floor takes (each weighs at most as much as known[i])."""
        word = known[i]
        if word in self.sparse:
            return self.sparse[word]
        needed_words = next((count for count, reach in enumerate(accumulate(weights[i:]), start=1) if reach >= floor), len(known) - i)
        holders = self.dense[word]
        if needed_words > 1:
            holders &= _held_by_at_least(needed_words - 1, [self._bits(w) for w in known[i + 1 :]])
        return _ranks(holders)

    def _bits(self, word: str) -> int:
        return self.dense[word] if word in self.dense else _bit_set(self.sparse[word])


def _bit_set(ranks: list[int]) -> int:
    bits = bytearray(max(ranks) // 8 + 1)
    for rank in ranks:
        bits[rank >> 3] |= 1 << (rank & 7)
    return int.from_bytes(bits, "little")


def _ranks(bits: int) -> Iterable[int]:
    """The positions of the set bits, lowest first."""
    while bits:
        lowest = bits & -bits
        yield lowest.bit_length() - 1
        bits ^= lowest


def _held_by_at_least(count: int, sets: list[int]) -> int:
    """The bits set in at least `count` of `sets`: a counter per bit, one bit set per level."""
    levels = [0] * count  # levels[c]: set in more than c of the sets seen so far
    for bits in sets:
        for c in range(count - 1, 0, -1):
            levels[c] |= levels[c - 1] & bits
        levels[0] |= bits
    return levels[count - 1]


def _profile(explainer: Explainer) -> str:
    policy = explainer.policy
    parts = [explainer.title, explainer.summary, " ".join(explainer.tags)]
    if policy:
        parts += [policy.title, policy.number or ""]
    return " ".join(parts)


def firm_links(explicit: list[str], decisions: dict[str, bool], published: set[str]) -> list[FAQLink]:
    """The links the content states: explicit, then confirmed by an editor (`decisions`: the
    editor's decisions on this entry, {policy: confirmed})."""
    links = [FAQLink(slug, LinkKind.EXPLICIT) for slug in explicit if slug in published]
    return links + [FAQLink(slug, LinkKind.CONFIRMED) for slug, ok in decisions.items() if ok and slug in published and slug not in explicit]


def add_suggestions(entries: list[FAQEntry], matcher: ExplainerMatcher, decisions: dict[str, dict[str, bool]]) -> None:
    """A suggested link for each entry without a firm one, unless an editor rejected that suggestion."""
    unlinked = [entry for entry in entries if not entry.links]
    for entry, best in zip(unlinked, matcher.best_of_each([entry.question for entry in unlinked])):
        if best and decisions.get(entry.id, {}).get(best[0].slug) is not False:
            entry.links = [FAQLink(best[0].slug, LinkKind.SUGGESTED, best[1])]


def decisions_by_entry(decisions: list[LinkDecision]) -> dict[str, dict[str, bool]]:
    """{entry: {policy: confirmed}}, policies in order (the last decision on a pair counts): each
    entry looks up its own, rather than every entry going through every decision."""
    by_entry: defaultdict[str, dict[str, bool]] = defaultdict(dict)
    for decision in sorted(decisions, key=lambda d: (d.entry, d.policy)):
        by_entry[decision.entry][decision.policy] = decision.confirmed
    return dict(by_entry)
