"""`Engine`: an open index that answers SearchRequests: ranked hits, totals, facets,
snippets, and a correction or a broader query when nothing matches."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy

from build_tools.indexes.whoosh.reading import IndexMissing, IndexReader, Spelling, Twins
from build_tools.search.request import FACETS, STATUS_NAMES, Answer, Hit, SearchRequest, SearchResponse, date_text
from build_tools.search.snippets import Shown, shown, snippet
from build_tools.search.twins import Folding, Result, one_per_policy
from build_tools.text.analysis import DOCNUM, Term, fold


class Engine:
    """An open index that answers SearchRequests. Cheap to query, so keep one open.

    Whoosh stores the index: the word list with each word's postings and
    weights, the stored fields. Ranking is BM25, as
    Whoosh computes it, but summed with numpy over whole postings arrays:
    Whoosh's own matchers, pure Python, took a p95 of 290 ms at 5,000 pages
    (bench/search_speed.py). Totals, facets and filters are sets of documents
    kept as bits of Python integers (see Postings).

    Threads may share one Engine: nothing a search keeps is changed afterwards,
    and the index's files are read through a searcher per thread (IndexReader).

    The spelling correction of a query with no hits has a bounded cost: of the
    query (at most 200 characters, SearchRequest) it corrects at most
    CORRECTED_SPANS different unknown words (a stretch of unknown words counts
    as one), each of 2 to 8 characters (CORRECTED_LENGTHS: a longer stretch is
    no typo of a word, a single character has too many neighbours), each by one
    vectorised pass over the indexed words of its length (Spelling), and it
    stops when CORRECTION_BUDGET seconds have gone by. Whoosh's own corrector,
    a Levenshtein automaton walked over the word list, took 20 s for 200
    unknown letters on the real corpus.
    """

    # BM25's K1 and B. B below the usual 0.75: a long explainer is long because it covers much, not because
    # it repeats itself. bench/search_dev.py, nDCG@10 all / question: B 0.75 → 0.898 / 0.832, 0.4 → 0.909 / 0.890.
    K1, B = 1.2, 0.4
    # The best PASSAGE_DEPTH policies by BM25 are re-ranked by their best passage: the share of the query's
    # weight found within PASSAGE_WIDTH characters of one another (title or body). A question's words
    # scattered over a long page are weaker evidence than the same words in one paragraph.
    # score × (1 − PASSAGE_WEIGHT + PASSAGE_WEIGHT × share); measured on bench/search_dev.py (README).
    PASSAGE_DEPTH = 30
    PASSAGE_WIDTH = 100  # characters
    PASSAGE_WEIGHT = 0.6
    CORRECTED_SPANS = 4
    CORRECTED_LENGTHS = range(2, Spelling.LONGEST + 1)
    CORRECTION_BUDGET = 0.05  # seconds
    DOCUMENT_CACHE = 1024  # documents (about 20 KB each for a long explainer)
    REGION_BOOST = 0.05  # a region named in the query raises its documents by this share: a tie-breaker (more cost briefing questions, bench/search_dev.py)
    ANSWERS = 3  # FAQ answers shown above the policies, at most
    ANSWER_THRESHOLD = 0.7  # of the most the query's words could score (measured: bench/search_dev.py --answers)

    def __init__(self, folder: Path):
        self.reader = IndexReader(folder)  # raises IndexMissing
        self.analyzer = self.reader.analyzer
        self.ancestors = self.reader.ancestors
        self.postings = self.reader.postings
        self._norms = self._length_norms()
        self._places = _place_names(self.ancestors)
        # The documents last shown: their stored fields are unpickled and their text cleaned of
        # markup and folded once, not for every hit (together half the time of a search).
        self._document = lru_cache(maxsize=self.DOCUMENT_CACHE)(self._read_document)

    def warm(self) -> None:
        """Read now what the first searches would otherwise read (the segmenter's dictionary,
        facet values, dates, twin keys, the spelling word list), for a server: no request waits for it."""
        self.analyzer.analyze("预热", "query")
        self.postings.facet_counts(0, (*FACETS, "region_path"))
        self.reader.published_days()
        self.reader.twins()
        self.reader.spelling()

    def close(self) -> None:
        """Close the index's files (a search still running finishes first)."""
        self._document.cache_clear()
        self.reader.close()

    def search(self, request: SearchRequest) -> SearchResponse:
        """The explainers that answer `request` (or, with kind=faq, the FAQ entries alone); by default
        also up to ANSWERS FAQ answers above ANSWER_THRESHOLD, apart from the results."""
        terms = self.analyzer.analyze(request.query, "query") if request.query else []
        ranked = request if request.kind else replace(request, kind="policy")  # an answer never takes a policy's place
        response = self._run(ranked, terms)
        if not request.kind:  # the kind facet still counts both kinds
            matched = self._allowed(request) & (self.postings.matching(t.text for t in terms) if request.query else self.postings.everything)
            response.facets["kind"] = self.postings.facet_counts(matched, ("kind",))["kind"]
        if request.query and request.status and request.filters.get("status"):
            response.hidden_by_status = self._hidden_by_status(ranked, terms)
        if request.query and not request.kind and request.page == 1:
            response.answers = self.answers(request, terms)
        if response.total == 0 and request.query:
            response.suggestions = self._suggestions(request, terms)
        return response

    def answers(self, request: SearchRequest, terms: list[Term]) -> list[Answer]:
        """Up to ANSWERS FAQ entries for the query, best first, each whose score is at least
        ANSWER_THRESHOLD of the most the query's words could score (see relative_scores)."""
        matched = self._allowed(replace(request, kind="faq")) & self.postings.matching(t.text for t in terms)
        if not matched:
            return []
        answers = []
        for docnum, score in self._best(terms, matched, self.ANSWERS, 0):
            relative = score / self._most(terms)
            if relative < self.ANSWER_THRESHOLD:
                break
            hit = self._document(docnum).hit
            line = _first_line(self.reader.stored(docnum).get("summary") or "")
            answers.append(Answer(hit.slug, hit.title, line, hit.url, round(float(relative), 4), hit.extra.get("policy")))
        return answers

    def _most(self, terms: list[Term]) -> float:
        """The score a document holding every query word many times would approach: Σ boost·idf·(K1+1)."""
        return sum(t.boost * self.postings.idf(t.text) * (self.K1 + 1) for t in _unique_per_position(terms)) or 1.0

    def _hidden_by_status(self, request: SearchRequest, terms: list[Term]) -> int:
        """How many documents match the query and every other filter but not the status asked for."""
        others = self._allowed(replace(request, status=None)) & self.postings.matching(t.text for t in terms)
        hidden = others & ~self.postings.with_value("status", STATUS_NAMES[request.filters["status"]])
        twins = self.reader.twins()
        return hidden.bit_count() - Folding(twins, _mask(hidden, len(twins.keys))).folded  # a policy and its twin: one

    def _run(self, request: SearchRequest, terms: list[Term]) -> SearchResponse:
        matched = self._allowed(request)
        if request.query:
            matched &= self.postings.matching(t.text for t in terms)
        if not matched:
            return SearchResponse(request.query, 0, [], {name: {} for name in FACETS})
        twins = self.reader.twins()
        folding = Folding(twins, _mask(matched, len(twins.keys)))
        start = (request.page - 1) * request.limit
        page = self._page(self._ranking(request, terms, matched), twins, folding, start, request.limit)
        words = self.analyzer.words_to_mark(terms)
        hits = [self._hit(result.docnum, float(result.score), words, result.twin) for result in page]
        # the total counts one result per policy (as the pages do); the facets count documents, twins apart
        return SearchResponse(request.query, matched.bit_count() - folding.folded, hits, self.postings.facet_counts(matched, FACETS))

    def _ranking(self, request: SearchRequest, terms: list[Term], matched: int) -> Callable[[int], list[tuple[int, float]]]:
        """The request's order as a function of how many of the best documents are wanted: newest
        first, or by BM25 with the best PASSAGE_DEPTH re-ranked by their best passage."""
        if request.sort == "date" or not request.query:
            return functools.partial(self._newest, matched)
        regional, carries, weights = self._named_regions(request.query), self._carries(terms), self._position_weights(terms)

        def best(depth: int) -> list[tuple[int, float]]:
            return self._by_passages(self._best(terms, matched, max(depth, self.PASSAGE_DEPTH), regional, carries), weights, carries)[:depth]

        return best

    def _page(self, rank: Callable[[int], list[tuple[int, float]]], twins: Twins, folding: Folding, start: int, limit: int) -> list[Result]:
        """The results `start` to `start + limit` once twins are folded (search/twins.py): `rank(depth)` gives the best
        `depth` documents, a prefix of a deeper ranking; ranked deeper until the page is full and each of its
        results has met the twin the matched documents hold for it, or every document is ranked."""
        depth = start + limit
        while True:
            ranked = rank(depth)
            page = one_per_policy(ranked, twins)[start : start + limit]
            if len(ranked) < depth or (len(page) == limit and not any(folding.awaits_twin(result) for result in page)):
                return page
            depth *= 2

    def _named_regions(self, query: str) -> int:
        """The documents of the regions (and their sub-regions) the query names (北京 → 北京市), as bits."""
        folded = fold(query)
        bits = 0
        for place, region in self._places.items():
            if place in folded:
                bits |= self.postings.with_value("region_path", region)
        return bits

    def _best(self, terms: list[Term], matched: int, wanted: int, regional: int = 0, carries: numpy.ndarray | None = None) -> list[tuple[int, float]]:
        """The `wanted` best documents among `matched` by BM25 over the query's terms;
        a word's alternatives at one position (中小企业, 企业, 同义:…) each add their score;
        the documents of a region the query names (`regional`) raised by REGION_BOOST;
        those carrying a 文号 of the query first (`carries`, see _carries)."""
        scores = numpy.zeros(len(self._norms), dtype=numpy.float64)
        carries = self._carries(terms) if carries is None else carries
        factor = self.K1 + 1
        for term in _unique_per_position(terms):
            docnums, weights = self.postings.of(term.text)
            if len(docnums):
                idf = self.postings.idf(term.text)
                scores[docnums] += term.boost * idf * factor * weights / (weights + self._norms[docnums])
        if regional:
            scores[_mask(regional, len(scores))] *= 1 + self.REGION_BOOST
        candidates = numpy.flatnonzero(_mask(matched, len(scores)))  # each holds a query word: its score is above 0
        # a 文号 anywhere in the query puts every document carrying it first; ties: lower docnum first
        order = numpy.lexsort((candidates, -scores[candidates], -carries[candidates]))[:wanted]
        return [(int(candidates[i]), scores[candidates[i]]) for i in order]

    def _carries(self, terms: list[Term]) -> numpy.ndarray:
        """How many of the query's 文号 each document carries."""
        carries = numpy.zeros(len(self._norms), dtype=numpy.int64)
        for term in _unique_per_position(terms):
            if DOCNUM.fullmatch(term.text):
                carries[self.postings.of(term.text)[0]] += 1
        return carries

    def _by_passages(self, ranked: list[tuple[int, float]], weights: list[dict[str, float]], carries: numpy.ndarray) -> list[tuple[int, float]]:
        """The first PASSAGE_DEPTH of `ranked` re-scored by their best passage for the query's `weights`
        (_position_weights; see PASSAGE_WEIGHT), the rest after; 文号 carriers (`carries`) stay first."""
        if len(weights) < 2:  # one word: every passage holding it holds the whole query
            return ranked
        head, rest = ranked[: self.PASSAGE_DEPTH], ranked[self.PASSAGE_DEPTH :]
        rescored = []
        for docnum, score in head:
            document = self._document(docnum)
            text = fold(document.hit.title) + "\n" + document.shown.folded
            share = passage_share(text, weights, self.PASSAGE_WIDTH)
            rescored.append((docnum, score * (1 - self.PASSAGE_WEIGHT + self.PASSAGE_WEIGHT * share)))
        rescored.sort(key=lambda pair: (-int(carries[pair[0]]), -pair[1], pair[0]))
        return rescored + rest

    def _position_weights(self, terms: list[Term]) -> list[dict[str, float]]:
        """Per word of the query, the forms a text may show it in (the word, its equivalents, related
        words) with the weight each carries (boost × idf); 文号 left out (they rank by carries)."""
        positions: dict[int, dict[str, float]] = {}
        for term in terms:
            if DOCNUM.fullmatch(term.text):
                continue
            weight = (term.boost or 1.0) * self.postings.idf(term.text)  # a word an equivalent replaced (boost 0) still shows it
            forms = positions.setdefault(term.pos, {})
            for form in self.analyzer.forms(term.text):
                forms[form] = max(forms.get(form, 0.0), weight)
        return [forms for forms in positions.values() if forms and max(forms.values()) > 0]

    def _newest(self, matched: int, wanted: int) -> list[tuple[int, float]]:
        published = self.reader.published_days()
        candidates = numpy.flatnonzero(_mask(matched, len(published)))
        order = numpy.lexsort((candidates, -published[candidates]))[:wanted]
        return [(int(candidates[i]), 0.0) for i in order]

    def _length_norms(self) -> numpy.ndarray:
        """BM25's length normalisation of each document, K1·(1 − B + B·length/average)."""
        lengths, average = self.reader.lengths()
        return self.K1 * ((1 - self.B) + self.B * lengths / average)

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

    def _hit(self, docnum: int, score: float, words: set[str], twin: int | None = None) -> Hit:
        document = self._document(docnum)
        return replace(document.hit, score=round(score, 4), snippet=snippet(document.shown, words), twin=self._twin(twin) if twin is not None else None)

    def _twin(self, docnum: int) -> dict:
        """What a result shows of its version in the other script: title, URL, script (繁 or 简)."""
        hit = self._document(docnum).hit
        return {"title": hit.title, "url": hit.url, "script": "繁" if self.reader.twins().traditional[docnum] else "简"}

    def _read_document(self, docnum: int) -> _Document:
        """A document's stored fields as a Hit without score and snippet, and the text its snippets come from."""
        stored = self.reader.stored(docnum)
        hit = Hit(
            slug=stored["slug"],
            kind=stored["kind"],
            title=stored["display_title"],
            url=stored["url"],
            score=0.0,
            snippet="",
            department=stored["department"].split(",")[0],
            region=stored["region"],
            status=stored["status"],
            published=date_text(stored.get("published")),
            extra=stored.get("extra") or {},
        )
        return _Document(hit, shown(stored.get("body") or stored.get("summary", "")))

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
        """The query with each unknown word (退锐) replaced by the nearest indexed word of the
        same length (退税): at most CORRECTED_SPANS different words, within CORRECTION_BUDGET."""
        deadline = time.monotonic() + self.CORRECTION_BUDGET
        folded = fold(query)  # as long as the query, character for character
        spans: dict[str, list[tuple[int, int]]] = {}
        for start, end in _unknown_spans(terms, self.reader.known):
            word = folded[start:end]
            if len(word) in self.CORRECTED_LENGTHS and (word in spans or len(spans) < self.CORRECTED_SPANS):
                spans.setdefault(word, []).append((start, end))
        text, changed = list(query), False
        for word, places in spans.items():
            if time.monotonic() > deadline:
                break
            options = self.reader.similar_words(word, limit=1, maxdist=1 if len(word) <= 3 else 2)
            for start, end in places if options else ():
                text[start:end] = options[0]
                changed = True
        return "".join(text) if changed else None


_REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "省", "市", "区", "县")


def _place_names(ancestors: dict[str, list[str]]) -> dict[str, str]:
    """Each region's name and its short form (江苏省 → 江苏, 内蒙古自治区 → 内蒙古) → its name; 全国 left out."""
    places: dict[str, str] = {}
    for name, above in ancestors.items():
        if not above and name == "全国":
            continue
        places[name] = name
        for suffix in _REGION_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                places.setdefault(name.removesuffix(suffix), name)
                break
    return places


def _first_line(text: str, most: int = 80) -> str:
    """The first non-empty line of an answer, cut at `most` characters."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= most else line[: most - 1] + "…"


def passage_share(text: str, positions: list[dict[str, float]], width: int) -> float:
    """The largest share of the query's weight found within `width` characters of `text`: each
    position counts with the weight of its best form in the window, over the sum of its best weights."""
    total = sum(max(forms.values()) for forms in positions)
    found = sorted((start, index, weight) for index, forms in enumerate(positions) for form, weight in forms.items() for start in _finds(text, form))
    best = 0.0
    for first, (start, _, _) in enumerate(found):
        covered: dict[int, float] = {}
        for other_start, index, weight in found[first:]:
            if other_start - start > width:
                break
            covered[index] = max(covered.get(index, 0.0), weight)
        best = max(best, sum(covered.values()))
    return best / total if total else 0.0


def _finds(text: str, word: str, most: int = 40) -> list[int]:
    """Where `word` starts in `text`: the first `most` places (enough for a good window in a long page)."""
    places: list[int] = []
    start = text.find(word)
    while start >= 0 and len(places) < most:
        places.append(start)
        start = text.find(word, start + 1)
    return places


class _Document(NamedTuple):
    hit: Hit
    shown: Shown


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


def _unknown_spans(terms: list[Term], known: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Character spans of the query covered only by words the index does not know."""
    spans: list[tuple[int, int]] = []
    for term in sorted((t for t in terms if t.boost == 1 and not known(t.text)), key=lambda t: t.start):
        if spans and term.start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], term.end))
        else:
            spans.append((term.start, term.end))
    return spans


__all__ = ["Engine", "IndexMissing"]
