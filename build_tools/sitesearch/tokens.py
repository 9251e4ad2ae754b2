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

from dataclasses import dataclass
from functools import lru_cache

from ..search.analysis import SYNONYM_PREFIX, Analyzer
from ..search.documents import SearchDocument

SYMBOLS = "0123456789abcdefghijklmnopqrstuvwxyz"
SHORT, LONG = 3, 4  # symbols of a character's code, and after the escape symbol
ESCAPE = SYMBOLS[-1]
_SHORT_LIMIT = (len(SYMBOLS) - 1) * len(SYMBOLS) ** (SHORT - 1)
CODE = {"symbols": SYMBOLS, "short": SHORT, "long": LONG}
# A synonym group's token: this marker, then the group's canonical name.
GROUP_MARKER = "同义"
# Every occurrence of a word is a position in the index that a query for it downloads;
# beyond a few, repeats barely change the ranking (BM25 saturates) but grow the index.
MAX_REPEATS = 3


@lru_cache(maxsize=200_000)  # words repeat: a site of 20,000 pages has tens of millions of them, few distinct
def encode_word(word: str) -> str:
    """A word as its characters' codes."""
    return "".join(_encode_char(ord(ch)) for ch in word)


@lru_cache(maxsize=None)
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


def token_of(term_text: str) -> str:
    """The token of an analyzer term; a synonym group term becomes the group marker + name."""
    if term_text.startswith(SYNONYM_PREFIX):
        return encode_word(GROUP_MARKER + term_text.removeprefix(SYNONYM_PREFIX))
    return encode_word(term_text)


def tokens_of(analyzer: Analyzer, text: str) -> str:
    """The search terms of `text` (words, sub-words, 文号, synonym groups) as tokens; a term
    that repeats is kept only MAX_REPEATS times. Grouped by term, not in text order:
    Pagefind ranks by counts and weights, and excerpts come from the page's summary."""
    kept = []
    for term, (occurrences, _) in analyzer.term_counts(text).items():
        token = token_of(term)
        if token:
            kept += [token] * min(occurrences, MAX_REPEATS)
    return " ".join(kept)


def weighted_texts(analyzer: Analyzer, document: SearchDocument) -> list[WeightedText]:
    """Title first and heaviest, then the words that describe the page, then the body."""
    described = [document.summary, document.number, document.policy_title,
                 *document.tags, *document.topics, *document.audience]
    return [
        WeightedText(7.0, tokens_of(analyzer, document.title)),
        WeightedText(3.0, tokens_of(analyzer, "\n".join(d for d in described if d))),
        WeightedText(1.0, tokens_of(analyzer, document.body)),
    ]
