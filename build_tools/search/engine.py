"""The search engine: Whoosh behind two functions, `write_index` and `Engine.search`.

Everything that knows Whoosh is here, so a faster or distributed engine can
replace it without touching documents, requests, the CLI or the API.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable

from whoosh import analysis, fields, idsets, index
from whoosh import query as q
from whoosh.system import pack_uint

from .analysis import Analyzer, Term, fold
from .documents import SearchDocument
from .snippets import snippet
from .request import FACETS, STATUS_NAMES, Hit, SearchRequest, SearchResponse, date_text

# A document's sections share one word list, weighted as in BM25F: a title word
# counts as three body words before BM25 saturates the count. Measured on the
# corpus questions (bench/search_quality.py): separate per-section fields,
# whose scores are added, let one title word of another page outweigh a body
# that answers the question.
SECTION_WEIGHTS = {"title": 3.0, "number": 3.0, "summary": 1.5, "tags": 1.5, "body": 1.0}
REGIONS_FILE = "regions.json"


class WhooshAnalyzer(analysis.Tokenizer):
    """Adapts our Analyzer to Whoosh's token protocol (pickled with the index)."""

    def __init__(self, analyzer: Analyzer):
        self.analyzer = analyzer

    def __eq__(self, other):
        return isinstance(other, WhooshAnalyzer) and other.analyzer == self.analyzer

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = analysis.Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term in self.analyzer.analyze(value, "query" if mode == "query" else "index"):
            token.text, token.boost, token.stopped = term.text, term.boost, False
            if keeporiginal:
                token.original = term.text
            if positions:
                token.pos = start_pos + term.pos
            if chars:
                token.startchar, token.endchar = start_char + term.start, start_char + term.end
            yield token


class SectionedText(fields.TEXT):
    """A text field fed with (text, weight) sections: one posting per word, whose
    weight is the sum of its occurrences' section weights (and synonym boosts)."""

    def __init__(self, analyzer: Analyzer):
        super().__init__(analyzer=WhooshAnalyzer(analyzer), phrase=False)

    def index(self, value, **kwargs):
        sections = [(value, 1.0)] if isinstance(value, str) else value
        counts: Counter[str] = Counter()
        weights: defaultdict[str, float] = defaultdict(float)
        for text, weight in sections:
            for term in self.analyzer.analyzer.analyze(text, "index"):
                counts[term.text] += 1
                weights[term.text] += weight * term.boost
        for word, count in counts.items():
            yield word.encode("utf-8"), count, weights[word], pack_uint(count)


def make_schema(analyzer: Analyzer) -> fields.Schema:
    keyword = dict(stored=True, commas=True, scorable=False)
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        kind=fields.ID(stored=True),
        slug=fields.ID(stored=True),
        url=fields.STORED,
        display_title=fields.STORED,
        extra=fields.STORED,
        text=SectionedText(analyzer),
        number=fields.STORED,
        summary=fields.STORED,
        body=fields.STORED,
        department=fields.KEYWORD(**keyword),
        region=fields.KEYWORD(**keyword),
        region_path=fields.KEYWORD(commas=True),
        topics=fields.KEYWORD(**keyword),
        audience=fields.KEYWORD(**keyword),
        status=fields.ID(stored=True),
        year=fields.ID(stored=True),
        published=fields.DATETIME(stored=True, sortable=True),
        effective=fields.DATETIME(stored=True),
        expires=fields.DATETIME(stored=True),
    )


def write_index(documents: list[SearchDocument], analyzer: Analyzer, regions: dict[str, list[str]], folder: Path) -> None:
    """Write a new index of `documents` into the empty `folder`.

    `regions` maps each region to its ancestors, for region filters.
    """
    store = index.create_in(str(folder), make_schema(analyzer))
    writer = store.writer(limitmb=256)
    for document in documents:
        writer.add_document(**_fields_of(document))
    writer.commit()
    (folder / REGIONS_FILE).write_text(json.dumps(regions, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def _fields_of(d: SearchDocument) -> dict:
    sections = {"title": f"{d.title} {d.policy_title}", "number": d.number, "summary": d.summary,
                "tags": " ".join(d.tags), "body": d.body}
    return dict(
        id=d.id, kind=d.kind, slug=d.slug, url=d.url, display_title=d.title, extra=d.extra,
        text=[(text, SECTION_WEIGHTS[name]) for name, text in sections.items() if text.strip()],
        number=d.number, summary=d.summary, body=d.body,
        department=",".join(d.department), region=d.region, region_path=",".join(d.region_path),
        topics=",".join(d.topics), audience=",".join(d.audience), status=d.status, year=str(d.published.year),
        published=_datetime(d.published), effective=_datetime(d.effective), expires=_datetime(d.expires),
    )


def _datetime(value: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(value, dt.time()) if value else None


class IndexMissing(Exception):
    """There is no index in the folder: build the site first."""


class Engine:
    """An open index that answers SearchRequests. Cheap to query, so keep one open.

    Ranking is Whoosh's: BM25 over the OR of the query's words, top hits only,
    so Whoosh may skip postings that cannot reach the top. Totals, facets and
    filters are sets of documents kept as bits of Python integers (see
    DocumentSets): a word's set is read once and kept, so counting
    "企业" in 20,000 pages costs an AND and a bit count, not a walk over postings.
    """

    def __init__(self, folder: Path):
        if not index.exists_in(str(folder)):
            raise IndexMissing(f"no search index in {folder}: run `policy build` first or pass --index DIR")
        self.store = index.open_dir(str(folder))
        self.analyzer: Analyzer = self.store.schema["text"].analyzer.analyzer
        self.ancestors: dict[str, list[str]] = json.loads((folder / REGIONS_FILE).read_text(encoding="utf-8"))
        self.searcher = self.store.searcher()
        self.sets = DocumentSets(self.searcher)

    def close(self) -> None:
        self.searcher.close()

    def search(self, request: SearchRequest) -> SearchResponse:
        terms = self.analyzer.analyze(request.query, "query") if request.query else []
        response = self._run(request, terms)
        if response.total == 0 and request.query:
            response.suggestions = self._suggestions(request, terms)
        return response

    def _run(self, request: SearchRequest, terms: list[Term]) -> SearchResponse:
        allowed = self._allowed(request)
        matched = (self.sets.matching(t.text for t in terms) if request.query else self.sets.everything) & allowed
        if not matched:
            return SearchResponse(request.query, 0, [], {name: {} for name in FACETS})
        wanted = request.page * request.limit
        if request.sort == "date" or not request.query:
            results = self.searcher.search(_text_query(terms) if terms else q.Every(), filter=AllowedDocuments(matched),
                                           limit=wanted, sortedby="published", reverse=True)
        else:
            results = self.searcher.search(_text_query(terms), filter=AllowedDocuments(allowed), limit=wanted)
        words = self.analyzer.words_to_mark(terms)
        start = (request.page - 1) * request.limit
        hits = [self._hit(hit, words) for hit in results[start : start + request.limit]]
        return SearchResponse(request.query, matched.bit_count(), hits, self.sets.facet_counts(matched))

    def _allowed(self, request: SearchRequest) -> int:
        """The documents the request's filters let through, as bits."""
        allowed = self.sets.everything
        for name, value in request.filters.items():
            if name == "region":
                allowed &= self.sets.of("region_path", value) | self._any_of("region", self.ancestors.get(value, []))
            elif name == "status":
                allowed &= self.sets.of("status", STATUS_NAMES[value])
            else:
                allowed &= self.sets.of({"topic": "topics"}.get(name, name), value)
        return allowed

    def _any_of(self, field: str, values: list[str]) -> int:
        bits = 0
        for value in values:
            bits |= self.sets.of(field, value)
        return bits

    def _hit(self, hit, words: set[str]) -> Hit:
        fields_ = hit.fields()
        text = fields_.get("body") or fields_.get("summary", "")
        return Hit(
            slug=fields_["slug"], kind=fields_["kind"], title=fields_["display_title"], url=fields_["url"],
            score=round(float(hit.score or 0.0), 4), snippet=snippet(text, words),
            department=fields_["department"].split(",")[0], region=fields_["region"], status=fields_["status"],
            published=date_text(fields_.get("published")), extra=fields_.get("extra") or {},
        )

    def _suggestions(self, request: SearchRequest, terms: list[Term]) -> list[dict]:
        suggestions = []
        if request.filters:
            total = self.sets.matching(t.text for t in terms).bit_count()
            if total:
                suggestions.append({"type": "broader", "query": request.query, "without_filters": sorted(request.filters), "total": total})
        corrected = self._corrected(request.query, terms)
        if corrected:
            corrected_terms = self.analyzer.analyze(corrected, "query")
            total = (self.sets.matching(t.text for t in corrected_terms) & self._allowed(request)).bit_count()
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


class DocumentSets:
    """Sets of document numbers as bits of Python integers, read once and kept.

    A facet value's set (all pages of 财政厅) and a word's set (all pages that
    say 企业) are built from the postings on first use; afterwards a total is
    an OR and a bit count, a facet an AND per value.
    """

    WORD_CACHE = 4096

    def __init__(self, searcher):
        self.searcher = searcher
        self.everything = _bits(searcher.reader().all_doc_ids())
        self._values: dict[str, dict[str, int]] = {}
        self._words: dict[str, int] = {}

    def of(self, field: str, value: str) -> int:
        return self._values_of(field).get(value, 0)

    def _values_of(self, field: str) -> dict[str, int]:
        if field not in self._values:
            reader = self.searcher.reader()
            self._values[field] = {
                _text(value): _bits(reader.postings(field, value).all_ids()) for value in reader.lexicon(field)
            }
        return self._values[field]

    def matching(self, words) -> int:
        """Documents holding any of `words`."""
        bits = 0
        for word in words:
            bits |= self._word(word)
        return bits

    def _word(self, word: str) -> int:
        bits = self._words.get(word)
        if bits is None:
            reader = self.searcher.reader()
            bits = _bits(reader.postings("text", word).all_ids()) if reader.doc_frequency("text", word) else 0
            if len(self._words) >= self.WORD_CACHE:
                self._words.pop(next(iter(self._words)))
            self._words[word] = bits
        return bits

    def facet_counts(self, matched: int) -> dict[str, dict[str, int]]:
        return {name: _sorted_counts({value: (bits & matched).bit_count() for value, bits in self._values_of(name).items()})
                for name in FACETS}


class AllowedDocuments(idsets.DocIdSet):
    """Bits as the document set Whoosh filters by; membership in constant time."""

    def __init__(self, bits: int):
        self.bits = bits
        self._bytes = bits.to_bytes((bits.bit_length() + 7) // 8 or 1, "little")

    def __contains__(self, docnum: int) -> bool:
        index = docnum >> 3
        return index < len(self._bytes) and bool(self._bytes[index] >> (docnum & 7) & 1)

    def __bool__(self) -> bool:
        return True  # Whoosh treats a falsy filter as no filter; empty results are handled before

    def __len__(self) -> int:
        return self.bits.bit_count()

    def __iter__(self):
        bits, docnum = self.bits, 0
        while bits:
            if bits & 1:
                yield docnum
            bits >>= 1
            docnum += 1


def _bits(docnums) -> int:
    """A set of document numbers as an int whose bit n is set for document n."""
    flags = bytearray()
    for docnum in docnums:
        index = docnum >> 3
        if index >= len(flags):
            flags.extend(bytes(index - len(flags) + 1))
        flags[index] |= 1 << (docnum & 7)
    return int.from_bytes(flags, "little")


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


def _text_query(terms: list[Term]) -> q.Query:
    """Any word may match (OR); a word's alternatives at one position share a clause."""
    by_position: dict[int, dict[str, float]] = defaultdict(dict)
    for term in terms:
        by_position[term.pos][term.text] = max(term.boost, by_position[term.pos].get(term.text, 0.0))
    clauses = [q.Or([q.Term("text", text, boost=boost) for text, boost in group.items()])
               for _, group in sorted(by_position.items())]
    return q.Or(clauses) if clauses else q.NullQuery


def _sorted_counts(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(((k, v) for k, v in counts.items() if k and v), key=lambda kv: (-kv[1], kv[0])))
