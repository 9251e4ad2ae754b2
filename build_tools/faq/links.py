"""Which explainers a FAQ entry is about, and which of them its answer rests on.

An answer rests on (links firmly, LinkKind.EXPLICIT) the explainers its
question names on its own policies line; failing that, on those of its
session's `policies:` the question is about (session_links), judged by the
share of the question's weight each policy's whole text holds: the
session's only policy unless the question shares almost nothing with it;
of several, those that hold much of it and nearly as much as the best of
them; never one when the question is clearly about another explainer. The
session's other policies whose profile shares enough with the question are
suggestions, never the basis.

Entries with no firm link get a suggestion from a search over the
explainers' titles, document numbers, summaries and keywords, with the same
Chinese analysis as the site search. A suggestion needs the matched words to
carry at least SUGGEST_COVERAGE of the question's weight (rare words weigh
more), and never crosses regions (RegionScope): a question asked in one
province (named in the question, else its department's region) is linked
only to explainers of that province, the regions above it (全国) or below it.

An editor's decisions in content/faq-links.yml win over all of this
(decided): rejected links are never shown, confirmed ones are firm.

The suggestion is the best-scoring explainer, found without scoring them
all: only explainers that could still reach the coverage are looked at
(ExplainerMatcher._highest), so the work per question stays about the same
as the number of explainers grows.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from itertools import accumulate
from typing import NamedTuple

from build_tools.models import Explainer, FAQEntry, FAQLink, LinkDecision, LinkKind, Occurrence, Region, Taxonomy, Term
from build_tools.runtime.background import Background
from build_tools.text.analysis import Analyzer, fold

SUGGEST_COVERAGE = 0.6
MIN_MATCHED_WORDS = 2
# Which of its session's `policies:` a question is about (session_links), by the share of the question's weight
# each policy's whole text holds: of several, those holding APPLY_COVERAGE and CLOSE of the best of them; the only
# one unless it holds less than MIN_SHARED; never one whose profile covers less than CLOSE_OTHER of what another
# explainer's covers (_clearly_about_another). The others are suggestions when their profile covers RELATED_COVERAGE
# of the question (as a search's suggestion is scored; their whole text holds too many common words). Measured on the
# real corpus's briefing sessions pooled in threes (each question's gold: its own session's policy): precision
# 0.93 / recall 0.91 when the three are of one region, 0.98 / 0.91 when not (and 1.00 / 1.00 for each alone).
APPLY_COVERAGE = 0.5
CLOSE = 0.9
MIN_SHARED = 0.1
RELATED_COVERAGE = 0.2
CLOSE_OTHER = 0.75
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
        self.rank_of = {explainer.slug: rank for rank, explainer in enumerate(self.ranked)}
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
        self.rarest = math.log(1 + total)  # the weight of a word no profile holds
        self._texts: dict[str, str] = {}  # slug → its folded whole text, for text_coverage

    def best(self, question: str, allowed: int | None = None) -> tuple[Explainer, float] | None:
        """The explainer the question is most likely about, with its coverage, if above the threshold.

        The coverage is the share of the question's weight (rare words weigh
        more) that the explainer's profile holds; unknown words count as the
        rarest. `allowed` (a mask(): bit r for the explainer of rank r) limits
        the explainers looked at.
        """
        found = self._best_rank(question, allowed)
        return (self.ranked[found[0]], found[1]) if found else None

    def best_of_each(self, questions: list[str], allowed: list[int | None] | None = None) -> list[tuple[Explainer, float] | None]:
        """best() of every question (each with its `allowed` mask). From PARALLEL_FROM questions a forked process
        answers the second half: linking was most of the FAQ's time, spent on one core while the other was idle."""
        masks = allowed if allowed is not None else [None] * len(questions)
        if len(questions) < PARALLEL_FROM:
            return [self.best(q, mask) for q, mask in zip(questions, masks)]
        half = len(questions) // 2
        other = Background(self._best_ranks, questions[half:], masks[half:])
        try:
            first = [self.best(q, mask) for q, mask in zip(questions[:half], masks[:half])]
            second = [(self.ranked[found[0]], found[1]) if found else None for found in other.result()]
        finally:
            other.cancel()
        return first + second

    def mask(self, keep: Callable[[Region], bool]) -> int | None:
        """The explainers whose region `keep(region)` accepts, as a mask for best(); None when it accepts all.
        Asked once per region, not per explainer: a mask for each set of regions questions were asked in,
        each over every explainer, was a third of assembling the FAQ at 2,000 explainers (1.5 million calls)."""
        kept = [bits for region, bits in self._region_bits.values() if keep(region)]
        if len(kept) == len(self._region_bits):
            return None
        return functools.reduce(operator.or_, kept, 0)

    @functools.cached_property
    def _region_bits(self) -> dict[str, tuple[Region, int]]:
        """Region name → (the region, the explainers of that region as a bit set of their ranks)."""
        ranks: dict[str, tuple[Region, list[int]]] = {}
        for rank, explainer in enumerate(self.ranked):
            ranks.setdefault(explainer.region.name, (explainer.region, []))[1].append(rank)
        return {name: (region, _bit_set(held)) for name, (region, held) in ranks.items()}

    def analysed(self, question: str) -> AnalysedQuestion:
        """The question's known words (rarest first), their weights, its unknown words and its whole weight."""
        words = {t.text for t in self.analyzer.analyze(question, "query") if t.boost == 1}
        known = sorted((w for w in words if w in self.weight), key=lambda w: (-self.weight[w], w))
        weights = [self.weight[w] for w in known]
        unknown = sorted(words.difference(known))
        return AnalysedQuestion(known, weights, sum(weights) + self.rarest * len(unknown), unknown)

    def coverage(self, question: AnalysedQuestion, slug: str) -> float:
        """The share of the question's weight that one explainer's profile holds (0 for an unknown slug)."""
        rank = self.rank_of.get(slug)
        if rank is None or not question.total:
            return 0.0
        held = self.words[rank]
        return math.fsum(w for word, w in zip(question.known, question.weights) if word in held) / question.total

    def text_coverage(self, question: AnalysedQuestion, slug: str) -> float:
        """The share of the question's weight that an explainer's whole text holds (body included: the words
        a question takes from the policy it is about are more often there than in the profile). A word is held
        where the folded text has it: a search in the text, far cheaper than segmenting every body."""
        if slug not in self.rank_of or not question.total:
            return 0.0
        text = self._texts.get(slug)
        if text is None:
            explainer = self.ranked[self.rank_of[slug]]
            text = self._texts[slug] = fold(_profile(explainer) + "\n" + explainer.body)
        known = math.fsum(w for word, w in zip(question.known, question.weights) if word in text)
        return (known + self.rarest * sum(word in text for word in question.unknown)) / question.total

    def top(self, question: AnalysedQuestion, coverage: float, allowed: int | None = None) -> tuple[Explainer, float, int] | None:
        """The best-covering explainer if it covers at least `coverage`: (explainer, coverage, words matched)."""
        if not question.known or not question.total:
            return None
        found = self._highest(question.known, question.weights, coverage * question.total, allowed)
        if found is None:
            return None
        score, rank, matched = found
        return self.ranked[rank], score / question.total, matched

    def _best_ranks(self, questions: list[str], masks: list[int | None]) -> list[tuple[int, float] | None]:
        """_best_rank() of each question: ranks, not explainers, go back from the forked process."""
        return [self._best_rank(q, mask) for q, mask in zip(questions, masks)]

    def _best_rank(self, question: str, allowed: int | None = None) -> tuple[int, float] | None:
        analysed = self.analysed(question)
        if len(analysed.known) < MIN_MATCHED_WORDS:
            return None
        found = self._highest(analysed.known, analysed.weights, SUGGEST_COVERAGE * analysed.total, allowed)
        if found is None:
            return None
        score, rank, matched = found
        if score / analysed.total < SUGGEST_COVERAGE or matched < MIN_MATCHED_WORDS:
            return None
        return rank, round(score / analysed.total, 3)

    def _highest(self, known: list[str], weights: list[float], needed: float, allowed: int | None = None) -> tuple[float, int, int] | None:
        """The best-scoring explainer (of those `allowed`) that reaches `needed`: (score, rank, words matched), or None.

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
            for rank in self._candidates(known, weights, i, floor, allowed):
                if rank in scored:
                    continue
                scored.add(rank)
                matched = self.words[rank].intersection(known)
                score = math.fsum(map(weight_of, matched))  # exact, so in any order the same words give the same score
                if score >= floor and (best is None or (score, -rank) > (best[0], -best[1])):
                    best, floor = (score, rank, len(matched)), max(floor, score - EPSILON)
        return best

    def _candidates(self, known: list[str], weights: list[float], i: int, floor: float, allowed: int | None = None) -> Iterable[int]:
        """Ranks of explainers (of those `allowed`) holding known[i] that may reach `floor`: for a
        common word, only those that also hold as many of the commoner words as reaching
        the floor takes (each weighs at most as much as known[i])."""
        word = known[i]
        if word in self.sparse:
            ranks = self.sparse[word]
            return ranks if allowed is None else [rank for rank in ranks if allowed >> rank & 1]
        needed_words = next((count for count, reach in enumerate(accumulate(weights[i:]), start=1) if reach >= floor), len(known) - i)
        holders = self.dense[word] if allowed is None else self.dense[word] & allowed
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


class AnalysedQuestion(NamedTuple):
    """A question as the matcher weighs it: the words some profile holds (rarest first) and their weights,
    its whole weight (a word no profile holds weighs as much as the rarest), the words no profile holds."""

    known: list[str]
    weights: list[float]
    total: float
    unknown: list[str] = []


def session_links(matcher: ExplainerMatcher, question: str, policies: list[str], named_topics: Collection[Term] = ()) -> list[FAQLink]:
    """The links its session's `policies:` (published slugs) give one question: EXPLICIT for those the
    question is about, SUGGESTED for the others whose profile covers RELATED_COVERAGE of it (scored by
    that coverage, as a search's suggestion is).

    Whether a question is about a policy is measured on the policy's whole
    text (text_coverage): the session's only policy, unless the question
    shares almost nothing with it (MIN_SHARED) or is clearly about another
    explainer; of several, those that cover it by APPLY_COVERAGE and nearly
    (CLOSE) as well as the best of them, unless it is clearly about another.
    `named_topics`: the taxonomy topics the question names.
    """
    if not policies:
        return []
    analysed = matcher.analysed(question)
    coverage = {slug: matcher.text_coverage(analysed, slug) for slug in policies}
    top = max(coverage.values())
    links = []
    for slug in policies:
        if len(policies) == 1:
            about = coverage[slug] >= MIN_SHARED
        else:
            about = coverage[slug] >= APPLY_COVERAGE and coverage[slug] >= CLOSE * top - EPSILON
        if about and not _clearly_about_another(matcher, analysed, slug, named_topics if len(policies) == 1 else None):
            links.append(FAQLink(slug, LinkKind.EXPLICIT))
        elif (related := matcher.coverage(analysed, slug)) >= RELATED_COVERAGE:
            links.append(FAQLink(slug, LinkKind.SUGGESTED, round(related, 3)))
    return links


def _clearly_about_another(matcher: ExplainerMatcher, analysed: AnalysedQuestion, slug: str, named_topics: Collection[Term] | None) -> bool:
    """Another explainer's profile covers the question by SUGGEST_COVERAGE and much better (1 / CLOSE_OTHER) than
    `slug`'s, and, when `named_topics` are given (for a session's only policy, the stronger claim), it has a topic
    the question names that `slug` lacks: `slug` is then not the basis of this question's answer."""
    coverage = matcher.coverage(analysed, slug)
    other = matcher.top(analysed, max(SUGGEST_COVERAGE, coverage / CLOSE_OTHER + EPSILON))
    if other is None or other[0].slug == slug or other[2] < MIN_MATCHED_WORDS:
        return False
    if named_topics is None:
        return True
    own = matcher.ranked[matcher.rank_of[slug]]
    return any(topic in other[0].topics and topic not in own.topics for topic in named_topics)


def merged_links(proposed: Iterable[FAQLink]) -> list[FAQLink]:
    """One link per explainer from the links of an entry's askings: firm wins over suggested, a higher score over a lower."""
    by_slug: dict[str, FAQLink] = {}
    for link in proposed:
        seen = by_slug.get(link.slug)
        if seen is None or _rank(link) > _rank(seen):
            by_slug[link.slug] = link
    return _ordered(by_slug.values())


def decided(links: list[FAQLink], decisions: dict[str, bool], published: Collection[str]) -> list[FAQLink]:
    """The links after an editor's decisions on this entry ({policy: confirmed}): a rejected link is dropped
    whatever made it (the question's line, its session or a search); a confirmed one is firm, added if missing."""
    kept = [link for link in links if decisions.get(link.slug) is not False]
    kept = [
        dataclasses.replace(link, kind=LinkKind.CONFIRMED, score=1.0) if link.kind is LinkKind.SUGGESTED and decisions.get(link.slug) else link for link in kept
    ]
    present = {link.slug for link in kept}
    kept += [FAQLink(slug, LinkKind.CONFIRMED) for slug, ok in decisions.items() if ok and slug in published and slug not in present]
    return _ordered(kept)


def _rank(link: FAQLink) -> tuple[bool, float]:
    return link.kind is not LinkKind.SUGGESTED, link.score


def _ordered(links: Iterable[FAQLink]) -> list[FAQLink]:
    """Firm links first (in the order given), then suggestions, best first."""
    links = list(links)
    return [link for link in links if link.kind is not LinkKind.SUGGESTED] + sorted(
        (link for link in links if link.kind is LinkKind.SUGGESTED), key=lambda link: -link.score
    )


def add_suggestions(entries: list[FAQEntry], matcher: ExplainerMatcher, decisions: dict[str, dict[str, bool]], allowed: list[int | None] | None = None) -> None:
    """A suggested link from search for each entry without a firm one, unless an editor rejected that
    suggestion or the entry links it already; `allowed`: each entry's mask (RegionScope), None for all."""
    masks = allowed if allowed is not None else [None] * len(entries)
    unlinked = [(entry, mask) for entry, mask in zip(entries, masks) if not entry.firm_links]
    found = matcher.best_of_each([entry.question for entry, _ in unlinked], [mask for _, mask in unlinked])
    for (entry, _), best in zip(unlinked, found):
        if best and decisions.get(entry.id, {}).get(best[0].slug) is not False and all(link.slug != best[0].slug for link in entry.links):
            entry.links = _ordered([*entry.links, FAQLink(best[0].slug, LinkKind.SUGGESTED, best[1])])


class RegionScope:
    """Where a question was asked, and which explainers' regions a suggestion for it may come from.

    A question is asked in the regions it names (a region of the taxonomy,
    with or without 省/市: 甘肃 = 甘肃省; 国家, 中央 and 国务院 name the root
    of the tree, 全国), else in its answering department's
    or its session's departments' regions, else nowhere known (any region).
    It may be linked to an explainer of that region, of a region above it (up
    to 全国) or, unless it was asked of the whole country, below it.
    """

    def __init__(self, taxonomy: Taxonomy):
        self.regions = {region.name: region for region in taxonomy.regions}
        names = {fold(name): name for name in self.regions}
        names.update({fold(_short_name(name)): name for name in self.regions if _short_name(name) not in names})
        for root in (region.name for region in taxonomy.regions if not region.ancestors):
            names.update(dict.fromkeys(NATIONAL_WORDS, root))
        self.names = names
        self.pattern = re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True)))) if names else None

    def asked_in(self, occurrence: Occurrence) -> frozenset[str]:
        """The region names a question was asked in (empty: not known)."""
        named = frozenset(self.names[m] for m in self.pattern.findall(fold(occurrence.pair.question))) if self.pattern else frozenset()
        if named:
            return named
        departments = [occurrence.pair.answered_by] if occurrence.pair.answered_by else occurrence.session.departments
        return frozenset(d.region for d in departments if d.region in self.regions)

    def masks(self, entries: list[FAQEntry], matcher: ExplainerMatcher) -> list[int | None]:
        """For each entry, the explainers (a mask for matcher.best) a suggestion may come from: those
        allowed for the regions any of its askings was asked in."""
        masks: dict[frozenset[str], int | None] = {}
        found = []
        for entry in entries:
            asked = frozenset(name for occurrence in entry.occurrences for name in self.asked_in(occurrence))
            if asked not in masks:
                masks[asked] = matcher.mask(functools.partial(self.allows, asked))
            found.append(masks[asked])
        return found

    def allows(self, asked: Collection[str], region: Region) -> bool:
        """Whether an explainer of `region` may be suggested for a question asked in `asked`."""
        if not asked:
            return True
        for name in asked:
            where = self.regions[name]
            if region.name == name or region.name in where.ancestors or (where.ancestors and name in region.ancestors):
                return True
        return False


NATIONAL_WORDS = ("国家", "中央", "国务院")  # a question that names one asks of the whole country
_REGION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "省", "市", "县", "区")


def _short_name(name: str) -> str:
    """甘肃省 → 甘肃, 广西壮族自治区 → 广西, 南京市 → 南京; a name of two characters stays whole (全国)."""
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def decisions_by_entry(decisions: list[LinkDecision]) -> dict[str, dict[str, bool]]:
    """{entry: {policy: confirmed}}, policies in order (the last decision on a pair counts): each
    entry looks up its own, rather than every entry going through every decision."""
    by_entry: defaultdict[str, dict[str, bool]] = defaultdict(dict)
    for decision in sorted(decisions, key=lambda d: (d.entry, d.policy)):
        by_entry[decision.entry][decision.policy] = decision.confirmed
    return dict(by_entry)
