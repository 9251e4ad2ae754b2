"""`IndexReader`: an open Whoosh index as the search engine reads it.

Postings as numpy arrays (decoded a block at a time from Whoosh 3's own
format), every set of documents (a word's, a facet value's) as the bits of a
Python integer, stored fields, statistics for BM25 and the spelling
corrector. The ranking itself (`search/engine.py`) knows nothing of Whoosh.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy
from whoosh import index
from whoosh.codec.whoosh3 import W3LeafMatcher

from build_tools.errors import PolicyError
from build_tools.indexes.whoosh.schema import REGIONS_FILE
from build_tools.text.analysis import Analyzer


class IndexMissing(PolicyError):
    """There is no index in the folder: build the site first."""


class IndexOfAnotherVersion(IndexMissing):
    """The index was written by a version whose schema classes live elsewhere: build it again."""


class IndexReader:
    """An open index: what `Engine` needs of it, read once and kept. Cheap to query, so keep one open."""

    def __init__(self, folder: Path):
        try:
            if not index.exists_in(str(folder)):
                raise IndexMissing(f"no search index in {folder}: run `policy build` first or pass --index DIR")
            self.store = index.open_dir(str(folder))
        except (ModuleNotFoundError, AttributeError) as error:  # its schema names classes this version does not have
            raise IndexOfAnotherVersion(f"the search index in {folder} was written by another version of policy ({error}): run `policy build` again") from None
        self.analyzer: Analyzer = self.store.schema["text"].analyzer.analyzer
        self.ancestors: dict[str, list[str]] = json.loads((folder / REGIONS_FILE).read_text(encoding="utf-8"))
        self.searcher = self.store.searcher()
        self.postings = Postings(self.searcher)
        self._published: numpy.ndarray | None = None

    def close(self) -> None:
        self.searcher.close()

    def idf(self, word: str) -> float:
        return self.searcher.idf("text", word)

    def lengths(self) -> tuple[numpy.ndarray, float]:
        """Each document's length in words, and the average length (1 for an empty index)."""
        average = self.searcher.avg_field_length("text") or 1
        lengths = numpy.array(
            [self.searcher.doc_field_length(n, "text", 1) for n in range(self.searcher.doc_count_all())],  # type: ignore[attr-defined]  # Searcher copies it from its reader at run time
            dtype=numpy.float64,
        )
        return lengths, average

    def published_days(self) -> numpy.ndarray:
        """Each document's publication date as a day number (0 for none)."""
        if self._published is None:
            column = self.searcher.reader().column_reader("published")
            self._published = numpy.array([value.toordinal() if value else 0 for value in column], dtype=numpy.int64)
        return self._published

    def stored(self, docnum: int) -> dict[str, Any]:
        """The stored fields of a document."""
        return self.searcher.stored_fields(docnum)  # type: ignore[attr-defined]  # Searcher copies it from its reader at run time

    def known(self, word: str) -> bool:
        """Some document holds `word`."""
        return self.searcher.doc_frequency("text", word) > 0  # type: ignore[attr-defined]  # Searcher copies it from its reader at run time

    def similar_words(self, word: str, limit: int, maxdist: int) -> list[str]:
        """Indexed words within `maxdist` edits of `word`, nearest first."""
        return list(self.searcher.corrector("text").suggest(word, limit=limit, maxdist=maxdist))  # type: ignore[attr-defined]  # Searcher copies it from its reader at run time


class Postings:
    """Which documents hold a word or a field value, read from the index once and kept.

    A word's postings as numpy arrays (document numbers, weights) for scoring,
    and every set of documents (a word's, a facet value's: all pages of 财政厅)
    as the bits of a Python integer, so a total is an OR and a bit count and a
    facet count an AND, not a walk over postings.
    """

    WORD_CACHE = 4096

    def __init__(self, searcher):
        self.searcher = searcher
        self.everything = _bits(searcher.reader().all_doc_ids())
        self._values: dict[str, dict[str, int]] = {}
        self._words: dict[str, tuple[numpy.ndarray, numpy.ndarray, int]] = {}

    def with_value(self, field: str, value: str) -> int:
        return self._values_of(field).get(value, 0)

    def _values_of(self, field: str) -> dict[str, int]:
        if field not in self._values:
            reader = self.searcher.reader()
            self._values[field] = {_text(value): _bits(reader.postings(field, value).all_ids()) for value in reader.lexicon(field)}
        return self._values[field]

    def matching(self, words: Iterable[str]) -> int:
        """Documents holding any of `words`, as bits."""
        bits = 0
        for word in words:
            bits |= self._word(word)[2]
        return bits

    def of(self, word: str) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Document numbers and weights of the documents holding `word`."""
        docnums, weights, _ = self._word(word)
        return docnums, weights

    def _word(self, word: str) -> tuple[numpy.ndarray, numpy.ndarray, int]:
        cached = self._words.get(word)
        if cached is None:
            docnums, weights = self._read(word)
            cached = (docnums, weights, _bits(docnums))
            if len(self._words) >= self.WORD_CACHE:
                self._words.pop(next(iter(self._words)))
            self._words[word] = cached
        return cached

    def _read(self, word: str) -> tuple[numpy.ndarray, numpy.ndarray]:
        docnums: list[numpy.ndarray] = []
        weights: list[numpy.ndarray] = []
        for reader, offset in self.searcher.reader().leaf_readers():
            if reader.doc_frequency("text", word):
                for block_docnums, block_weights in _blocks(reader.postings("text", word)):
                    docnums.append(block_docnums + offset)
                    weights.append(block_weights)
        if not docnums:
            return numpy.zeros(0, dtype=numpy.int64), numpy.zeros(0, dtype=numpy.float64)
        return numpy.concatenate(docnums), numpy.concatenate(weights)

    def facet_counts(self, matched: int, fields: Iterable[str]) -> dict[str, dict[str, int]]:
        """Per field, how many of the `matched` documents hold each value (most first)."""
        return {name: _sorted_counts({value: (bits & matched).bit_count() for value, bits in self._values_of(name).items()}) for name in fields}


def _blocks(matcher):
    """A word's postings as (document numbers, weights) arrays, one pair per block of up to
    128 postings, decoded with numpy where the matcher is Whoosh 3's own, else one by one."""
    if not isinstance(matcher, W3LeafMatcher):
        pairs = []
        while matcher.is_active():
            pairs.append((matcher.id(), matcher.weight()))
            matcher.next()
        yield numpy.array([p[0] for p in pairs], dtype=numpy.int64), numpy.array([p[1] for p in pairs], dtype=numpy.float64)
        return
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        assert matcher._data is not None  # read just above
        raw = matcher._data[0]
        docnums = (numpy.frombuffer(raw, dtype=numpy.uint8) if isinstance(raw, (bytes, bytearray)) else numpy.asarray(raw)).astype(numpy.int64)
        if not matcher._byteids:  # stored as differences from the previous number
            docnums = numpy.cumsum(docnums)
        matcher._read_weights()
        yield docnums, numpy.asarray(matcher._weights, dtype=numpy.float64)
        matcher._next_block()


def _bits(docnums) -> int:
    """A set of document numbers as an int whose bit n is set for document n."""
    numbers = docnums if isinstance(docnums, numpy.ndarray) else numpy.fromiter(docnums, dtype=numpy.int64)
    if not len(numbers):
        return 0
    flags = numpy.zeros(int(numbers.max()) + 1, dtype=bool)
    flags[numbers] = True
    return int.from_bytes(numpy.packbits(flags, bitorder="little").tobytes(), "little")


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _sorted_counts(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(((k, v) for k, v in counts.items() if k and v), key=lambda kv: (-kv[1], kv[0])))
