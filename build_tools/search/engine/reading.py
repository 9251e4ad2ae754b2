"""`Engine`: an open index that answers SearchRequests: ranked hits, totals, facets,
snippets, and a correction or a broader query when nothing matches."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable

import numpy
from whoosh import index
from whoosh.codec.whoosh3 import W3LeafMatcher

from ..analysis import Analyzer, Term, fold
from ..request import FACETS, STATUS_NAMES, Hit, SearchRequest, SearchResponse, date_text
from ..snippets import snippet
from .schema import REGIONS_FILE

class IndexMissing(Exception):
    """There is no index in the folder: build the site first."""


class Engine:
    """An open index that answers SearchRequests. Cheap to query, so keep one open.

    Whoosh stores the index: the word list with each word's postings and
    weights, the stored fields, the spelling corrector. Ranking is BM25, as
    Whoosh computes it, but summed with numpy over whole postings arrays:
    Whoosh's own matchers, pure Python, took a p95 of 290 ms at 5,000 pages
    (bench/search_speed.py). Totals, facets and filters are sets of documents
    kept as bits of Python integers (see Postings).
    """

    K1, B = 1.2, 0.75  # BM25's usual constants; measured no better elsewhere on the corpus questions

    def __init__(self, folder: Path):
        if not index.exists_in(str(folder)):
            raise IndexMissing(f"no search index in {folder}: run `policy build` first or pass --index DIR")
        self.store = index.open_dir(str(folder))
        self.analyzer: Analyzer = self.store.schema["text"].analyzer.analyzer
        self.ancestors: dict[str, list[str]] = json.loads((folder / REGIONS_FILE).read_text(encoding="utf-8"))
        self.searcher = self.store.searcher()
        self.postings = Postings(self.searcher)
        self._norms = self._length_norms()
        self._published: numpy.ndarray | None = None

    def close(self) -> None:
        self.searcher.close()

    def search(self, request: SearchRequest) -> SearchResponse:
        terms = self.analyzer.analyze(request.query, "query") if request.query else []
        response = self._run(request, terms)
        if response.total == 0 and request.query:
            response.suggestions = self._suggestions(request, terms)
        return response

    def _run(self, request: SearchRequest, terms: list[Term]) -> SearchResponse:
        matched = self._allowed(request)
        if request.query:
            matched &= self.postings.matching(t.text for t in terms)
        if not matched:
            return SearchResponse(request.query, 0, [], {name: {} for name in FACETS})
        wanted = request.page * request.limit
        if request.sort == "date" or not request.query:
            ranked = self._newest(matched, wanted)
        else:
            ranked = self._best(terms, matched, wanted)
        words = self.analyzer.words_to_mark(terms)
        start = (request.page - 1) * request.limit
        hits = [self._hit(docnum, float(score), words) for docnum, score in ranked[start : start + request.limit]]
        return SearchResponse(request.query, matched.bit_count(), hits, self.postings.facet_counts(matched))

    def _best(self, terms: list[Term], matched: int, wanted: int) -> list[tuple[int, float]]:
        """The `wanted` best documents among `matched` by BM25 over the query's terms;
        a word's alternatives at one position (中小企业, 企业, 同义:…) each add their score."""
        scores = numpy.zeros(len(self._norms), dtype=numpy.float64)
        factor = self.K1 + 1
        for term in _unique_per_position(terms):
            docnums, weights = self.postings.of(term.text)
            if len(docnums):
                idf = self.searcher.idf("text", term.text)
                scores[docnums] += term.boost * idf * factor * weights / (weights + self._norms[docnums])
        candidates = numpy.flatnonzero(_mask(matched, len(scores)))  # each holds a query word: its score is above 0
        order = numpy.lexsort((candidates, -scores[candidates]))[:wanted]  # ties: lower docnum first
        return [(int(candidates[i]), scores[candidates[i]]) for i in order]

    def _newest(self, matched: int, wanted: int) -> list[tuple[int, float]]:
        published = self._published_days()
        candidates = numpy.flatnonzero(_mask(matched, len(published)))
        order = numpy.lexsort((candidates, -published[candidates]))[:wanted]
        return [(int(candidates[i]), 0.0) for i in order]

    def _length_norms(self) -> numpy.ndarray:
        """BM25's length normalisation of each document, K1·(1 − B + B·length/average)."""
        average = self.searcher.avg_field_length("text") or 1
        lengths = numpy.array([self.searcher.doc_field_length(n, "text", 1) for n in range(self.searcher.doc_count_all())],
                              dtype=numpy.float64)
        return self.K1 * ((1 - self.B) + self.B * lengths / average)

    def _published_days(self) -> numpy.ndarray:
        if self._published is None:
            column = self.searcher.reader().column_reader("published")
            self._published = numpy.array([value.toordinal() if value else 0 for value in column], dtype=numpy.int64)
        return self._published

    def _allowed(self, request: SearchRequest) -> int:
        """The documents the request's filters let through, as bits."""
        allowed = self.postings.everything
        for name, value in request.filters.items():
            if name == "region":
                allowed &= self.postings.with_value("region_path", value) | self._any_of("region", self.ancestors.get(value, []))
            elif name == "status":
                allowed &= self.postings.with_value("status", STATUS_NAMES[value])
            else:
                allowed &= self.postings.with_value({"topic": "topics"}.get(name, name), value)
        return allowed

    def _any_of(self, field: str, values: list[str]) -> int:
        bits = 0
        for value in values:
            bits |= self.postings.with_value(field, value)
        return bits

    def _hit(self, docnum: int, score: float, words: set[str]) -> Hit:
        stored = self.searcher.stored_fields(docnum)
        text = stored.get("body") or stored.get("summary", "")
        return Hit(
            slug=stored["slug"], kind=stored["kind"], title=stored["display_title"], url=stored["url"],
            score=round(score, 4), snippet=snippet(text, words),
            department=stored["department"].split(",")[0], region=stored["region"], status=stored["status"],
            published=date_text(stored.get("published")), extra=stored.get("extra") or {},
        )

    def _suggestions(self, request: SearchRequest, terms: list[Term]) -> list[dict]:
        suggestions = []
        if request.filters:
            total = self.postings.matching(t.text for t in terms).bit_count()
            if total:
                suggestions.append({"type": "broader", "query": request.query, "without_filters": sorted(request.filters), "total": total})
        corrected = self._corrected(request.query, terms)
        if corrected:
            corrected_terms = self.analyzer.analyze(corrected, "query")
            total = (self.postings.matching(t.text for t in corrected_terms) & self._allowed(request)).bit_count()
            if total:
                suggestions.append({"type": "correction", "query": corrected, "total": total})
        return suggestions

    def _corrected(self, query: str, terms: list[Term]) -> str | None:
        """The query with each unknown stretch (退锐) replaced by the nearest indexed word (退税)."""
        folded = fold(query)
        corrector = self.searcher.corrector("text")
        text, changed = list(query), False
        for start, end in reversed(_unknown_spans(terms, self._known)):
            word = folded[start:end]
            options = [s for s in corrector.suggest(word, limit=5, maxdist=1 if len(word) <= 3 else 2) if len(s) == len(word)]
            if options:
                text[start:end] = options[0]
                changed = True
        return "".join(text) if changed else None

    def _known(self, word: str) -> bool:
        return self.searcher.doc_frequency("text", word) > 0


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
            self._values[field] = {
                _text(value): _bits(reader.postings(field, value).all_ids()) for value in reader.lexicon(field)
            }
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

    def facet_counts(self, matched: int) -> dict[str, dict[str, int]]:
        return {name: _sorted_counts({value: (bits & matched).bit_count() for value, bits in self._values_of(name).items()})
                for name in FACETS}


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
        raw = matcher._data[0]
        docnums = (numpy.frombuffer(raw, dtype=numpy.uint8) if isinstance(raw, (bytes, bytearray)) else numpy.asarray(raw)).astype(numpy.int64)
        if not matcher._byteids:  # stored as differences from the previous number
            docnums = numpy.cumsum(docnums)
        matcher._read_weights()
        yield docnums, numpy.asarray(matcher._weights, dtype=numpy.float64)
        matcher._next_block()


def _mask(bits: int, size: int) -> numpy.ndarray:
    """Bits as a boolean array of `size` documents."""
    packed = numpy.frombuffer(bits.to_bytes((size + 7) // 8, "little"), dtype=numpy.uint8)
    return numpy.unpackbits(packed, bitorder="little")[:size].astype(bool)


def _unique_per_position(terms: list[Term]) -> list[Term]:
    """One term per word and position (the larger boost), as the query's OR has them."""
    best: dict[tuple[int, str], Term] = {}
    for term in terms:
        key = (term.pos, term.text)
        if key not in best or term.boost > best[key].boost:
            best[key] = term
    return list(best.values())


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


def _unknown_spans(terms: list[Term], known: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Character spans of the query covered only by words the index does not know."""
    spans: list[tuple[int, int]] = []
    for term in sorted((t for t in terms if t.boost == 1 and not known(t.text)), key=lambda t: t.start):
        if spans and term.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], term.end))
        else:
            spans.append((term.start, term.end))
    return spans


def _sorted_counts(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(((k, v) for k, v in counts.items() if k and v), key=lambda kv: (-kv[1], kv[0])))
