"""Words → ASCII tokens that Pagefind stores and matches exactly as we give them.

Each character becomes a short code of digits and lowercase letters, and a
word's token is the concatenation of its characters' codes: neither
Pagefind's indexer nor the browser's segmenter splits a run of ASCII letters
and digits (tested), and Pagefind's prefix matching still means "a word that
starts with these characters". A code is three symbols in base 36 whose first
is not `z` (every character below U+B130: all common Chinese characters), or
`z` and four symbols (any other character), so no code is the start of
another and a token reads back one way only. Three symbols, not four letters:
the records Pagefind reads are a fifth smaller, and its time and memory grow
with them. The browser encodes query words with the same rule (`encodeWord`
in sitesearch-query.js, from CODE in the browser data).
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from build_tools.indexes.documents import SearchDocument, SearchDocuments
from build_tools.text.analysis import EQUIVALENT_PREFIX, SYNONYM_PREFIX, Analyzer

SYMBOLS = "0123456789abcdefghijklmnopqrstuvwxyz"
SHORT, LONG = 3, 4  # symbols of a character's code, and after the escape symbol
ESCAPE = SYMBOLS[-1]
_SHORT_LIMIT = (len(SYMBOLS) - 1) * len(SYMBOLS) ** (SHORT - 1)
CODE = {"symbols": SYMBOLS, "short": SHORT, "long": LONG}
# A synonym group's token: this marker, then the group's canonical name; an equivalence
# group's (text/lexicon.py: words that count as the word itself), the other marker.
GROUP_MARKER = "同义"
EQUIVALENT_MARKER = "等同"
# Every occurrence of a word is a position in the index that a query for it downloads;
# beyond a few, repeats barely change the ranking (BM25 saturates) but grow the index.
MAX_REPEATS = 3


@lru_cache(maxsize=200_000)  # words repeat: a site of 20,000 pages has tens of millions of them, few distinct
def encode_word(word: str) -> str:
    """A word as its characters' codes."""
    return "".join(_encode_char(ord(ch)) for ch in word)


@cache
def _encode_char(code: int) -> str:
    if code < _SHORT_LIMIT:
        return _digits(code, SHORT)
    return ESCAPE + _digits(code, LONG)


def _digits(number: int, length: int) -> str:
    symbols = []
    for _ in range(length):
        number, digit = divmod(number, len(SYMBOLS))
        symbols.append(SYMBOLS[digit])
    return "".join(reversed(symbols))


@dataclass(frozen=True)
class WeightedText:
    """A line of tokens and the weight Pagefind gives a match in it."""

    weight: float
    tokens: str


@lru_cache(maxsize=200_000)
def token_of(term_text: str) -> str:
    """The token of an analyzer term; a synonym (equivalence) group term becomes the group
    marker + name (the equivalent marker + name)."""
    if term_text.startswith(SYNONYM_PREFIX):
        return encode_word(GROUP_MARKER + term_text.removeprefix(SYNONYM_PREFIX))
    if term_text.startswith(EQUIVALENT_PREFIX):
        return encode_word(EQUIVALENT_MARKER + term_text.removeprefix(EQUIVALENT_PREFIX))
    return encode_word(term_text)


def tokens_of(analyzer: Analyzer, text: str) -> str:
    """The search terms of `text` (words, sub-words, 文号, synonym groups) as tokens; a term
    that repeats is kept only MAX_REPEATS times. Grouped by term, not in text order:
    Pagefind ranks by counts and weights, and excerpts come from the page's summary."""
    return _joined(analyzer.term_counts(text).items())


def _joined(counts) -> str:
    kept = []
    for term, (occurrences, _) in counts:
        if token := token_of(term):
            kept.append(token if occurrences == 1 else " ".join([token] * min(occurrences, MAX_REPEATS)))
    return " ".join(kept)


# Terms in at least this share of the sampled documents are "common" (see weighted_texts).
COMMON_SHARE, SAMPLE_SIZE = 0.01, 1000


def common_terms(analyzer: Analyzer, documents: Sequence[SearchDocument]) -> dict[str, int]:
    """The terms in at least COMMON_SHARE of a sample of `documents` (`sampled`), most common first,
    as {term: rank}."""
    documents = SearchDocuments.of(documents)
    sample = documents.many(sampled(documents.urls()))
    frequency: Counter[str] = Counter()
    for document in sample:
        frequency.update({term for text in _section_texts(document) for term in analyzer.term_counts(text)})
    floor = max(2, COMMON_SHARE * len(sample))
    ranked = sorted((term for term, count in frequency.items() if count >= floor), key=lambda t: (-frequency[t], t))
    return {term: rank for rank, term in enumerate(ranked)}


def sampled(urls: list[str]) -> list[int]:
    """The places of SAMPLE_SIZE to twice as many of the documents at `urls`, each chosen by its URL alone
    (a hash under a share that halves each time the documents double). Every record depends on the common
    terms, so an edit that changed them made every Pagefind run again; with an even sample (every n-th
    document) any added or removed document did, and an edit of any sampled one reordered them. Now only
    an edit of a sampled document can (1 in 64 of about 90,000 documents: 20,000 explainers and their FAQ)."""
    halvings = max(0, (len(urls) // SAMPLE_SIZE).bit_length() - 1)
    if not halvings:
        return list(range(len(urls)))
    return [number for number, url in enumerate(urls) if zlib.crc32(url.encode()) >> (32 - halvings) == 0]


def weighted_texts(analyzer: Analyzer, document: SearchDocument, common: dict[str, int] | None = None, once: bool = False) -> list[WeightedText]:
    """Title heaviest, then the words that describe the page, then the body; the `common`
    terms of all three come first, most common first. Pagefind stores a word's position in
    each page with the difference to the previous written out, and the first of them in full:
    for a word on thousands of pages, a small first position is most of its index size (the
    chunk a first query loaded for a synonym group on 13,850 of 20,000 pages: 47 → 18 KB).
    Positions do not change Pagefind's ranking, so this order costs nothing. `once`: each term
    only where it weighs most, one time (FAQ entries, which share pages: answers.py)."""
    common = common or {}
    split = []
    seen: set[str] = set()
    for weight, text in zip(_WEIGHTS, _section_texts(document)):
        counts = analyzer.term_counts(text)
        if once:
            counts = {term: (1, rest) for term, (_, rest) in counts.items() if term not in seen}
            seen.update(counts)
        first = sorted((item for item in counts.items() if item[0] in common), key=lambda item: common[item[0]])
        split.append((weight, first, [item for item in counts.items() if item[0] not in common]))
    texts = [WeightedText(weight, _joined(first)) for weight, first, _ in split]
    texts += [WeightedText(weight, _joined(rest)) for weight, _, rest in split]
    return [text for text in texts if text.tokens]


_WEIGHTS = (7.0, 3.0, 1.0)


def _section_texts(document: SearchDocument) -> tuple[str, str, str]:
    """Title; the words that describe the page; the body."""
    described = [document.summary, document.number, *document.cites, document.policy_title, *document.tags, *document.topics, *document.audience]
    return document.title, "\n".join(d for d in described if d), document.body
