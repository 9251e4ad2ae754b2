"""`IndexReader`: an open Whoosh index as the search engine reads it.

Postings as numpy arrays (decoded a block at a time from Whoosh 3's own
format), every set of documents (a word's, a facet value's) as the bits of a
Python integer, stored fields, statistics for BM25 and the indexed words for
the spelling correction (`Spelling`: arrays of code points, one vectorised pass
per lookup). Threads share one IndexReader: what is read once is never changed,
and the files are read through a pool of Whoosh searchers, one per thread at a
time (`Searchers`), which keep reading the folder they opened after a build has
swapped another into its place. The ranking itself (`search/engine.py`) knows
nothing of Whoosh.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

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
    """An open index: what `Engine` needs of it, read once and kept. Cheap to query, so keep one open.

    Safe to share between threads: what is read once (postings, document sets,
    lengths, the spelling word list) is kept in immutable arrays and integers,
    and every read from the files goes through a searcher of its own, taken from
    a pool for the duration of the read (a Whoosh searcher reads its files by
    seek and read, so two threads must never share one). The pool grows to the
    number of threads reading at once.
    """

    def __init__(self, folder: Path):
        pinned, descriptor = _pinned(folder)
        try:
            if not index.exists_in(str(pinned)):
                raise IndexMissing(f"no search index in {folder}: run `policy build` first or pass --index DIR")
            self.store = index.open_dir(str(pinned))
            self.analyzer: Analyzer = self.store.schema["text"].analyzer.analyzer
            self.ancestors: dict[str, list[str]] = json.loads((pinned / REGIONS_FILE).read_text(encoding="utf-8"))
        except (ModuleNotFoundError, AttributeError) as error:  # its schema names classes this version does not have
            _close(descriptor)
            raise IndexOfAnotherVersion(f"the search index in {folder} was written by another version of policy ({error}): run `policy build` again") from None
        except BaseException:
            _close(descriptor)
            raise
        self.searchers = Searchers(self.store, descriptor)
        try:
            self.postings = Postings(self.searchers)
        except BaseException:
            self.searchers.close()
            raise
        self._published: numpy.ndarray | None = None
        self._twins: Twins | None = None
        self._spelling: Spelling | None = None
        self._spelling_lock = threading.Lock()

    def close(self) -> None:
        """Close every searcher; one still in use is closed when it is given back."""
        self.searchers.close()

    def lengths(self) -> tuple[numpy.ndarray, float]:
        """Each document's length in words, and the average length (1 for an empty index)."""
        with self.searchers.borrow() as searcher:
            average = searcher.avg_field_length("text") or 1
            lengths = numpy.array(
                [searcher.doc_field_length(n, "text", 1) for n in range(searcher.doc_count_all())],
                dtype=numpy.float64,
            )
        return lengths, average

    def published_days(self) -> numpy.ndarray:
        """Each document's publication date as a day number (0 for none)."""
        if self._published is None:
            with self.searchers.borrow() as searcher:
                column = searcher.reader().column_reader("published")
                self._published = numpy.array([value.toordinal() if value else 0 for value in column], dtype=numpy.int64)
        return self._published

    def twins(self) -> Twins:
        """Each document's twin key and script (indexes/documents.py `twin_key`), read on first use;
        an index written before they were kept has none, and its explainers stay apart."""
        if self._twins is None:
            with self.searchers.borrow() as searcher:
                reader = searcher.reader()
                count = reader.doc_count_all()
                if reader.has_column("twin") and reader.has_column("script"):
                    keys, scripts = list(reader.column_reader("twin")), list(reader.column_reader("script"))
                else:
                    keys, scripts = [b""] * count, [b""] * count
            numbers: dict[bytes, int] = {}
            self._twins = Twins(
                numpy.array([numbers.setdefault(key, len(numbers)) if key else -1 for key in keys], dtype=numpy.int64),
                numpy.array([script == "繁".encode() for script in scripts], dtype=bool),
            )
        return self._twins

    def stored(self, docnum: int) -> dict[str, Any]:
        """The stored fields of a document."""
        with self.searchers.borrow() as searcher:
            return searcher.stored_fields(docnum)

    def known(self, word: str) -> bool:
        """Some document holds `word`."""
        return self.postings.matching([word]) != 0

    def similar_words(self, word: str, limit: int, maxdist: int) -> list[str]:
        """Up to `limit` indexed words of the same length as `word` within `maxdist` edits
        (characters replaced, or two neighbours swapped), nearest first, then the most frequent.

        One vectorised pass over the indexed words of that length, and the frequencies of at
        most Spelling.RANKED of the nearest ones, so its cost has a bound whatever the word;
        words longer than Spelling.LONGEST get none.
        """
        spelling = self.spelling()
        ranked: list[str] = []
        for distance in range(1, maxdist + 1):
            candidates = spelling.within(word, distance)[: Spelling.RANKED]
            with self.searchers.borrow() as searcher:
                ranked += sorted(candidates, key=lambda c: (-spelling.frequency(searcher, c), c))
            if len(ranked) >= limit:
                break
        return ranked[:limit]

    def spelling(self) -> Spelling:
        """The indexed words as the spelling correction searches them, read on first use."""
        if self._spelling is None:
            with self._spelling_lock:
                if self._spelling is None:
                    with self.searchers.borrow() as searcher:
                        self._spelling = Spelling(_text(word) for word in searcher.reader().lexicon("text"))
        return self._spelling


class Twins(NamedTuple):
    """Per document (by number): its twin key as a number (-1 for none: a FAQ entry) and
    whether it is in traditional script."""

    keys: numpy.ndarray
    traditional: numpy.ndarray


class Searchers:
    """A pool of Whoosh searchers of one index: one per thread reading at a time, kept for the next.

    A searcher made later reads the same folder as the first, even when a build has swapped
    another into its place meanwhile: the folder is named through an open descriptor of it.
    """

    def __init__(self, store, descriptor: int | None = None):
        self.store = store
        self._descriptor = descriptor
        self._free: list = []
        self._lent = 0
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def borrow(self) -> Iterator[Any]:
        """A searcher no other thread uses until it is given back at the end of the block."""
        with self._lock:
            searcher = self._free.pop() if self._free else None
            self._lent += 1
        try:
            if searcher is None:
                searcher = self.store.searcher()
            yield searcher
        finally:
            with self._lock:
                self._lent -= 1
                keep, last = not self._closed, self._closed and not self._lent
                if keep and searcher is not None:
                    self._free.append(searcher)
            if not keep and searcher is not None:
                searcher.close()
            if last:
                self._release_folder()

    def close(self) -> None:
        """Close the searchers not in use; the others close when given back, then the folder."""
        with self._lock:
            self._closed, free, self._free = True, self._free, []
            last = not self._lent
        for searcher in free:
            searcher.close()
        if last:
            self._release_folder()

    def _release_folder(self) -> None:
        descriptor, self._descriptor = self._descriptor, None
        _close(descriptor)


def _pinned(folder: Path) -> tuple[Path, int | None]:
    """`folder` as a path that keeps naming this very folder after a build swaps another into
    its place: /proc/self/fd/N of an open descriptor, on Linux; elsewhere the folder itself."""
    proc = Path("/proc/self/fd")
    if not proc.is_dir():
        return folder, None
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # missing: exists_in says so
        return folder, None
    return proc / str(descriptor), descriptor


def _close(descriptor: int | None) -> None:
    if descriptor is not None:
        os.close(descriptor)


class Spelling:
    """The indexed words up to LONGEST characters, by length, as arrays of code points, for
    finding the words a misspelt one may have meant: a lookup is one vectorised pass over
    the words of one length (about 27,000 two-character words in the real corpus)."""

    LONGEST = 8
    RANKED = 256  # at most this many candidates of one distance are ranked by frequency

    def __init__(self, words: Iterable[str]):
        by_length: dict[int, list[str]] = {}
        for word in words:
            if len(word) <= self.LONGEST:
                by_length.setdefault(len(word), []).append(word)
        self._words = by_length
        self._codes = {
            length: numpy.array([[ord(c) for c in word] for word in group], dtype=numpy.uint32).reshape(len(group), length)
            for length, group in by_length.items()
        }
        self._frequencies: dict[str, float] = {}

    def within(self, word: str, distance: int) -> list[str]:
        """The indexed words of the same length exactly `distance` edits away: characters
        replaced, or (distance 1) two neighbours swapped, 税退 for 退税; in the word list's order."""
        codes = self._codes.get(len(word))
        if codes is None or not word:
            return []
        query = numpy.array([ord(c) for c in word], dtype=numpy.uint32)
        different = codes != query
        replaced = different.sum(axis=1)
        swapped = numpy.zeros(len(codes), dtype=bool)
        for i in range(len(word) - 1):
            swapped |= (replaced == 2) & different[:, i] & (codes[:, i] == query[i + 1]) & (codes[:, i + 1] == query[i])
        found = (replaced == 1) | swapped if distance == 1 else (replaced == distance) & ~swapped
        group = self._words[len(word)]
        return [group[row] for row in numpy.flatnonzero(found)]

    def frequency(self, searcher, word: str) -> float:
        """How often the index holds `word` (its summed weight), remembered."""
        value = self._frequencies.get(word)
        if value is None:
            value = self._frequencies[word] = searcher.frequency("text", word)
        return value


class Postings:
    """Which documents hold a word or a field value, read from the index once and kept.

    A word's postings as numpy arrays (document numbers, weights) for scoring,
    and every set of documents (a word's, a facet value's: all pages of 财政厅)
    as the bits of a Python integer, so a total is an OR and a bit count and a
    facet count an AND, not a walk over postings. What is kept is never changed,
    so threads share it; two threads reading the same new word both read it,
    and one copy is kept.
    """

    WORD_CACHE = 4096

    def __init__(self, searchers: Searchers):
        self.searchers = searchers
        with searchers.borrow() as searcher:
            self.everything = _bits(searcher.reader().all_doc_ids())
        self._values: dict[str, dict[str, int]] = {}
        self._words: dict[str, _Word] = {}
        self._lock = threading.Lock()  # the word cache's bookkeeping only, never a read

    def with_value(self, field: str, value: str) -> int:
        """The documents whose `field` holds `value`, as bits."""
        return self._values_of(field).get(value, 0)

    def _values_of(self, field: str) -> dict[str, int]:
        values = self._values.get(field)
        if values is None:
            with self.searchers.borrow() as searcher:
                reader = searcher.reader()
                values = {_text(value): _bits(reader.postings(field, value).all_ids()) for value in reader.lexicon(field)}
            self._values[field] = values
        return values

    def matching(self, words: Iterable[str]) -> int:
        """Documents holding any of `words`, as bits."""
        bits = 0
        for word in words:
            bits |= self._word(word).bits
        return bits

    def of(self, word: str) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Document numbers and weights of the documents holding `word`."""
        entry = self._word(word)
        return entry.docnums, entry.weights

    def idf(self, word: str) -> float:
        """BM25's inverse document frequency of `word`, as Whoosh computes it."""
        return self._word(word).idf

    def _word(self, word: str) -> _Word:
        cached = self._words.get(word)
        if cached is None:
            with self.searchers.borrow() as searcher:
                docnums, weights = _read(searcher, word)
                idf = searcher.idf("text", word)
            cached = _Word(docnums, weights, _bits(docnums), idf)
            with self._lock:
                while len(self._words) >= self.WORD_CACHE:
                    self._words.pop(next(iter(self._words)))
                self._words[word] = cached
        return cached

    def facet_counts(self, matched: int, fields: Iterable[str]) -> dict[str, dict[str, int]]:
        """Per field, how many of the `matched` documents hold each value (most first)."""
        return {name: _sorted_counts({value: (bits & matched).bit_count() for value, bits in self._values_of(name).items()}) for name in fields}


class _Word(NamedTuple):
    docnums: numpy.ndarray
    weights: numpy.ndarray
    bits: int
    idf: float


def _read(searcher, word: str) -> tuple[numpy.ndarray, numpy.ndarray]:
    """A word's postings in every segment, as one pair of arrays."""
    docnums: list[numpy.ndarray] = []
    weights: list[numpy.ndarray] = []
    for reader, offset in searcher.reader().leaf_readers():
        if reader.doc_frequency("text", word):
            for block_docnums, block_weights in _blocks(reader.postings("text", word)):
                docnums.append(block_docnums + offset)
                weights.append(block_weights)
    if not docnums:
        return numpy.zeros(0, dtype=numpy.int64), numpy.zeros(0, dtype=numpy.float64)
    return numpy.concatenate(docnums), numpy.concatenate(weights)


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
