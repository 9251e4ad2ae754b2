"""Words → ASCII tokens that Pagefind stores and matches exactly as we give them.

Each character becomes four lowercase letters (its code point in base 26), so
a word's token is the concatenation of its characters' codes: neither
Pagefind's indexer nor the browser's segmenter splits a run of ASCII letters,
and Pagefind's prefix matching still means "a word that starts with these
characters". The browser encodes query words with the same rule
(`encodeWord` in sitesearch-query.js).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..search.analysis import SYNONYM_PREFIX, Analyzer
from ..search.documents import SearchDocument

CODE_LETTERS = 4
_LIMIT = 26**CODE_LETTERS
# A synonym group's token: this marker, then the group's canonical name.
GROUP_MARKER = "同义"
# Every occurrence of a word is a position in the index that a query for it downloads;
# beyond a few, repeats barely change the ranking (BM25 saturates) but grow the index.
MAX_REPEATS = 3


@lru_cache(maxsize=200_000)  # words repeat: a site of 20,000 pages has tens of millions of them, few distinct
def encode_word(word: str) -> str:
    """A word as its characters' four-letter codes; characters beyond the codes' range are dropped."""
    return "".join(_encode_char(ord(ch)) for ch in word if ord(ch) < _LIMIT)


@lru_cache(maxsize=None)
def _encode_char(code: int) -> str:
    letters = []
    for _ in range(CODE_LETTERS):
        code, digit = divmod(code, 26)
        letters.append(chr(97 + digit))
    return "".join(reversed(letters))


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
