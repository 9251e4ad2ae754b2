"""The search engine: Whoosh behind two functions, `write_index` and `Engine.search`.

Everything that knows Whoosh is here, so a faster or distributed engine can
replace it without touching documents, requests, the CLI or the API.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import defaultdict
from pathlib import Path
from typing import Callable

from whoosh import analysis, fields, highlight, index, sorting
from whoosh import query as q

from .analysis import Analyzer, Term, fold
from .documents import SearchDocument
from .request import FACETS, STATUS_NAMES, Hit, SearchRequest, SearchResponse, date_text

# Title, 文号 and summary weigh more than the body.
FIELD_BOOSTS = {"title": 4.0, "number": 4.0, "summary": 2.0, "tags": 2.0, "body": 1.0}
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


def make_schema(analyzer: Analyzer) -> fields.Schema:
    text = WhooshAnalyzer(analyzer)
    keyword = dict(stored=True, commas=True, scorable=False)
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        kind=fields.ID(stored=True),
        slug=fields.ID(stored=True),
        url=fields.STORED,
        display_title=fields.STORED,
        extra=fields.STORED,
        title=fields.TEXT(analyzer=text, phrase=False),
        number=fields.TEXT(analyzer=text, phrase=False, stored=True),
        summary=fields.TEXT(analyzer=text, phrase=False, stored=True),
        tags=fields.TEXT(analyzer=text, phrase=False),
        body=fields.TEXT(analyzer=text, phrase=False, stored=True),
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
    return dict(
        id=d.id, kind=d.kind, slug=d.slug, url=d.url, display_title=d.title, extra=d.extra,
        title=f"{d.title} {d.policy_title}".strip(), number=d.number, summary=d.summary,
        tags=" ".join(d.tags), body=d.body,
        department=",".join(d.department), region=d.region, region_path=",".join(d.region_path),
        topics=",".join(d.topics), audience=",".join(d.audience), status=d.status, year=str(d.published.year),
        published=_datetime(d.published), effective=_datetime(d.effective), expires=_datetime(d.expires),
    )


def _datetime(value: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(value, dt.time()) if value else None


class IndexMissing(Exception):
    """There is no index in the folder: build the site first."""


class Engine:
    """An open index that answers SearchRequests. Cheap to query, so keep one open."""

    def __init__(self, folder: Path):
        if not index.exists_in(str(folder)):
            raise IndexMissing(f"no search index in {folder}: run `policy build` first or pass --index DIR")
        self.store = index.open_dir(str(folder))
        self.analyzer: Analyzer = self.store.schema["title"].analyzer.analyzer
        self.ancestors: dict[str, list[str]] = json.loads((folder / REGIONS_FILE).read_text(encoding="utf-8"))
        self.searcher = self.store.searcher()

    def close(self) -> None:
        self.searcher.close()

    def search(self, request: SearchRequest) -> SearchResponse:
        self.searcher = self.searcher.refresh()
        terms = self.analyzer.analyze(request.query, "query") if request.query else []
        text_query = _text_query(terms) if request.query else q.Every()
        response = self._run(request, text_query, self._filter(request))
        if response.total == 0 and request.query:
            response.suggestions = self._suggestions(request, terms, text_query)
        return response

    def _run(self, request: SearchRequest, text_query: q.Query, filter_query: q.Query | None) -> SearchResponse:
        facets = {name: sorting.FieldFacet(name, allow_overlap=True, maptype=sorting.Count) for name in FACETS}
        sort = dict(sortedby="published", reverse=True) if request.sort == "date" or not request.query else {}
        results = self.searcher.search(text_query, filter=filter_query, limit=request.page * request.limit,
                                       groupedby=facets, terms=True, **sort)
        results.fragmenter = highlight.ContextFragmenter(maxchars=160, surround=40)
        results.formatter = _MarkFormatter()
        start = (request.page - 1) * request.limit
        hits = [self._hit(hit) for hit in results[start : start + request.limit]]
        counts = {name: _sorted_counts(results.groups(name)) for name in FACETS}
        return SearchResponse(request.query, len(results), hits, counts)

    def _hit(self, hit) -> Hit:
        snippet = hit.highlights("body", top=2) or hit.highlights("summary") or html.escape(hit.get("summary", "")[:120])
        snippet = " ".join(snippet.split())
        return Hit(
            slug=hit["slug"], kind=hit["kind"], title=hit["display_title"], url=hit["url"],
            score=round(float(hit.score or 0.0), 4), snippet=snippet,
            department=hit["department"].split(",")[0], region=hit["region"], status=hit["status"],
            published=date_text(hit.get("published")), extra=hit.get("extra") or {},
        )

    def _filter(self, request: SearchRequest) -> q.Query | None:
        clauses: list[q.Query] = []
        for name, value in request.filters.items():
            if name == "region":
                regions = [q.Term("region_path", value)] + [q.Term("region", a) for a in self.ancestors.get(value, [])]
                clauses.append(q.Or(regions))
            elif name == "status":
                clauses.append(q.Term("status", STATUS_NAMES[value]))
            else:
                clauses.append(q.Term({"topic": "topics"}.get(name, name), value))
        return q.And(clauses) if clauses else None

    def _suggestions(self, request: SearchRequest, terms: list[Term], text_query: q.Query) -> list[dict]:
        suggestions = []
        if request.filters:
            total = len(self.searcher.search(text_query, limit=1))
            if total:
                suggestions.append({"type": "broader", "query": request.query, "without_filters": sorted(request.filters), "total": total})
        corrected = self._corrected(request.query, terms)
        if corrected:
            total = len(self.searcher.search(_text_query(self.analyzer.analyze(corrected, "query")), filter=self._filter(request), limit=1))
            if total:
                suggestions.append({"type": "correction", "query": corrected, "total": total})
        return suggestions

    def _corrected(self, query: str, terms: list[Term]) -> str | None:
        """The query with each unknown stretch (退锐) replaced by the nearest indexed word (退税)."""
        folded = fold(query)
        corrector = self.searcher.corrector("body")
        text, changed = list(query), False
        for start, end in reversed(_unknown_spans(terms, self._known)):
            word = folded[start:end]
            options = [s for s in corrector.suggest(word, limit=5, maxdist=1 if len(word) <= 3 else 2) if len(s) == len(word)]
            if options:
                text[start:end] = options[0]
                changed = True
        return "".join(text) if changed else None

    def _known(self, word: str) -> bool:
        return any(self.searcher.doc_frequency(field, word) for field in FIELD_BOOSTS)


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
    by_position: dict[int, list[Term]] = defaultdict(list)
    for term in terms:
        by_position[term.pos].append(term)
    clauses = [
        q.Or([q.Term(field, term.text, boost=boost * term.boost) for term in group for field, boost in FIELD_BOOSTS.items()])
        for _, group in sorted(by_position.items())
    ]
    return q.Or(clauses) if clauses else q.NullQuery


def _sorted_counts(groups: dict) -> dict[str, int]:
    return dict(sorted(((str(k), v) for k, v in groups.items() if k not in (None, "")), key=lambda kv: (-kv[1], kv[0])))


class _MarkFormatter(highlight.Formatter):
    """Snippets as escaped HTML with matched words in <mark>."""

    between = " … "

    def _text(self, text):
        return html.escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return f"<mark>{html.escape(highlight.get_text(text, token, replace), quote=False)}</mark>"
