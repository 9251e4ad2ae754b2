"""Snippets: the stretch of a document that best shows why it matched, matched words marked.

Works on the stored text and the query's words, not on the engine, so any
engine can use it. The text is folded the same way as for indexing (same
length), so a traditional-script page is matched by a simplified query and
the snippet still shows the page's own characters.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from build_tools.text.analysis import fold

WIDTH = 160
LEAD = 30  # characters shown before the first matched word, for context
MAX_OCCURRENCES = 40  # per word; enough to find a good window in a long page
MAX_WINDOWS = 100
MAX_WORDS = 32  # the longest of a long query's words: a window of WIDTH characters shows fewer


class Shown(NamedTuple):
    """A document's text as a reader sees it (markup left out, spaces collapsed), and folded."""

    text: str
    folded: str


def shown(markdown_text: str) -> Shown:
    """The text snippets are cut from: the same for every search, so an engine may keep it."""
    text = " ".join(readable(markdown_text).split())
    return Shown(text, fold(text))


def snippet(text: str | Shown, words: Iterable[str], width: int = WIDTH) -> str:
    """Escaped HTML: the `width`-character window of `text` holding the most distinct
    `words`, each occurrence wrapped in <mark>; the opening of the text when none occurs."""
    text, folded = text if isinstance(text, Shown) else shown(text)
    spans = _occurrences(folded, _longest(frozenset(words)))
    if not spans:
        return html.escape(_clip(text, 0, width), quote=False)
    start = _best_window(spans, width)
    end = min(len(text), start + width)
    inside = [(s, e) for s, e, _ in spans if s >= start and e <= end]
    return _marked(text, start, end, _merged(inside))


@lru_cache(maxsize=64)
def _longest(words: frozenset[str]) -> tuple[str, ...]:
    """The MAX_WORDS longest `words`, longest first: worked out once for all the hits of a search."""
    return tuple(sorted((word for word in words if word), key=lambda word: (-len(word), word))[:MAX_WORDS])


_MARKUP = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: their text
    (re.compile(r"<[^>]+>"), ""),  # HTML tags
    (re.compile(r"^[ \t]*(?:#{1,6}|[-*+>]|\d+\.)[ \t]+", re.M), ""),  # headings, list and quote markers
    (re.compile(r"\*{1,3}|`+|^[ \t]*\|?[-:| ]{3,}$", re.M), ""),  # emphasis, code, table rules
    (re.compile(r"\|"), " "),  # table cells
]


def readable(markdown_text: str) -> str:
    """Markdown as the words a reader sees: cheap enough for every hit, unlike rendering it."""
    for pattern, replacement in _MARKUP:
        markdown_text = pattern.sub(replacement, markdown_text)
    return markdown_text


def _occurrences(folded: str, words: Iterable[str]) -> list[tuple[int, int, str]]:
    spans = []
    for word in words:
        if not word:
            continue
        at = folded.find(word)
        for _ in range(MAX_OCCURRENCES):
            if at < 0:
                break
            spans.append((at, at + len(word), word))
            at = folded.find(word, at + len(word))
    return sorted(spans)


def _best_window(spans: list[tuple[int, int, str]], width: int) -> int:
    """Start of the window with the most distinct words (earliest on a tie);
    windows start a little before an occurrence, among the first MAX_WINDOWS."""
    starts = [s for s, _, _ in spans]
    best_start, best_count = max(0, spans[0][0] - LEAD), -1
    for first in starts[:MAX_WINDOWS]:
        start = max(0, first - LEAD)
        inside = spans[bisect.bisect_left(starts, start) : bisect.bisect_right(starts, start + width)]
        count = len({word for _, e, word in inside if e <= start + width})
        if count > best_count:
            best_start, best_count = start, count
    return best_start


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    parts, at = ["… " if start else ""], start
    for s, e in spans:
        parts += [html.escape(text[at:s], quote=False), "<mark>", html.escape(text[s:e], quote=False), "</mark>"]
        at = e
    parts.append(html.escape(text[at:end], quote=False))
    parts.append(" …" if end < len(text) else "")
    return "".join(parts)


def _clip(text: str, start: int, width: int) -> str:
    return text[start : start + width] + (" …" if len(text) > start + width else "")
