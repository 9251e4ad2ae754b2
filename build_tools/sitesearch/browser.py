"""What the browser needs to analyse a query the way the index was analysed.

Written next to the site as `assets/sitesearch-data.json` and loaded by the
search and matching pages: a traditional → simplified character map (only
characters whose simplified form occurs in the site: no other character can
match anything), the stop words, the synonym groups, the 文号 pattern and the
region tree, and the statuses the `status` filter holds (pages in force are
not listed there). Generated from the very functions the index used, so the
two cannot drift apart.
"""

from __future__ import annotations

import json
from typing import Iterable, Sequence

from ..models import Taxonomy
from ..search.analysis import DOCNUM, STOP_WORDS, Analyzer, fold
from ..search.documents import SearchDocument
from .canonical import BUILD_LENGTH
from .records import filters_of
from .tokens import CODE, GROUP_MARKER

# Ranges searched for traditional characters: CJK Extension A, Unified Ideographs, Compatibility Ideographs.
_HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


def browser_data(documents: Sequence[SearchDocument], analyzer: Analyzer, taxonomy: Taxonomy) -> dict:
    return {
        "buildLength": BUILD_LENGTH,
        "lapsed": sorted({status for d in documents for status in filters_of(d)["status"]}),
        "code": CODE,
        "groupMarker": GROUP_MARKER,
        "t2s": folding_map(site_characters(documents, taxonomy)),
        "stopWords": sorted(STOP_WORDS),
        "synonyms": [list(group) for group in analyzer.synonym_groups],
        "docnum": DOCNUM.pattern.replace("(?P<", "(?<"),
        "regions": [{"name": r.name, "ancestors": list(r.ancestors)} for r in taxonomy.regions],
        "topics": [t.name for t in taxonomy.topics],
        "audiences": [t.name for t in taxonomy.audiences],
    }


def browser_data_json(documents: Sequence[SearchDocument], analyzer: Analyzer, taxonomy: Taxonomy) -> str:
    return json.dumps(browser_data(documents, analyzer, taxonomy), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def site_characters(documents: Iterable[SearchDocument], taxonomy: Taxonomy) -> set[str]:
    """Every character of the indexed text, folded."""
    raw: set[str] = set()
    for d in documents:
        for text in (d.title, d.summary, d.body, d.number, d.policy_title, *d.tags, *d.topics, *d.audience):
            raw.update(text)
    raw.update("".join(group) for group in taxonomy.synonym_groups())
    return {fold(ch) for ch in raw}


def folding_map(site_chars: set[str]) -> str:
    """Pairs "traditional, simplified" run together: 稅税們们…, for every traditional
    character whose simplified form is in the site."""
    pairs = []
    for start, end in _HAN_RANGES:
        for code in range(start, end):
            ch = chr(code)
            simple = fold(ch)
            if simple != ch and simple in site_chars:
                pairs.append(ch + simple)
    return "".join(pairs)
