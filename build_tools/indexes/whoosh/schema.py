"""What the index holds: one word list per document whose sections are weighted as in
BM25F, the stored fields a hit shows, the facet fields, and each explainer's twin key and script
(columns, read for every document at once)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from whoosh import analysis, columns, fields
from whoosh.system import pack_uint

from build_tools.text.analysis import Analyzer

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

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = analysis.Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term in self.analyzer.analyze(value, "query" if mode == "query" else "index"):
            token.text, token.boost, token.stopped = term.text, term.boost, False
            if keeporiginal:
                token.original = term.text  # type: ignore[attr-defined]  # Whoosh's Token takes attributes as they come; `original` is not declared
            if positions:
                token.pos = start_pos + term.pos
            if chars:
                token.startchar, token.endchar = start_char + term.start, start_char + term.end
            yield token


class SectionedText(fields.TEXT):
    """A text field fed with (text, weight) sections: one posting per word, whose
    weight is the sum of its occurrences' section weights (and synonym boosts)."""

    def __init__(self, analyzer: Analyzer):
        # Whoosh takes a Tokenizer as a field's analyzer (fields._check_analyzer); its hint names only Analyzer
        super().__init__(analyzer=WhooshAnalyzer(analyzer), phrase=False)  # type: ignore[arg-type]

    def index(self, value, **kwargs):
        assert isinstance(self.analyzer, WhooshAnalyzer)
        sections = [(value, 1.0)] if isinstance(value, str) else value
        counts: Counter[str] = Counter()
        weights: defaultdict[str, float] = defaultdict(float)
        for text, weight in sections:
            for term, (occurrences, boost) in self.analyzer.analyzer.term_counts(text).items():
                counts[term] += occurrences
                weights[term] += weight * boost
        for word, count in counts.items():
            yield word.encode("utf-8"), count, weights[word], pack_uint(count)


def make_schema(analyzer: Analyzer) -> fields.Schema:
    """The Whoosh schema of the index, its text analysed with `analyzer`."""
    keyword: dict[str, Any] = dict(stored=True, commas=True, scorable=False)
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
        # an explainer's twin key and script (indexes/documents.py), as columns: the engine reads them
        # for all documents at once to show a version in the other script as one result with the first
        twin=fields.COLUMN(columns.VarBytesColumn()),
        script=fields.COLUMN(columns.RefBytesColumn()),
    )
