"""What the browser needs to analyse a query the way the index was analysed.

Written next to the site as `assets/sitesearch-data.json` and loaded by the
search and matching pages: a traditional → simplified character map (only
characters whose simplified form occurs in the site: no other character can
match anything), the stop words and question/filler phrases (ours, cut before
segmenting, and the analyzer's QUERY_FILLERS, dropped as words), the equivalence
groups (text/lexicon.py) and the synonym groups, the 文号 pattern and the
region tree, and the statuses the `status` filter holds (pages in force are
not listed there). Generated from the very functions the index used, so the
two cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from build_tools.indexes.documents import SearchDocument
from build_tools.indexes.pagefind.canonical import BUILD_LENGTH
from build_tools.indexes.pagefind.records import filters_of
from build_tools.indexes.pagefind.tokens import CODE, EQUIVALENT_MARKER, GROUP_MARKER
from build_tools.models import Taxonomy
from build_tools.text.analysis import DOCNUM, DOCNUM_UNBRACKETED, QUERY_FILLERS, STOP_WORDS, Analyzer, fold

# Question and filler phrases the browser cuts out of a query before segmenting it (the
# browser's segmenter splits them differently from rjieba, so the stop words alone miss
# them): they say how the visitor asks, not what about. Longest first when matched.
FILLERS = tuple(
    """能不能 可不可以 可以不可以 是不是 有没有 要不要 会不会 行不行 怎么办 怎么样 怎么算 怎么弄 怎样 怎么 如何 为什么
    需要什么手续 需要哪些手续 需要什么材料 需要哪些材料 要什么手续 什么手续 要交吗 该怎么 应该 可以吗 能吗 行吗
    请问 一下 多少钱 多少 哪些 哪个 哪里 哪儿 什么 是否 能否 可否 有哪些 有什么 我们 我司 我家 咱们 本公司 自己 这种 那种
    这个 那个 这些 那些 还能 还要 还是 现在 今年 目前""".split()
)

# Ranges searched for traditional characters: CJK Extension A, Unified Ideographs, Compatibility Ideographs.
_HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


class IndexedText:
    """What the browser data needs of the indexed documents (their characters, the lapsed statuses),
    gathered one document at a time while they are indexed."""

    def __init__(self) -> None:
        self.characters: set[str] = set()
        self.statuses: set[str] = set()
        self.policies = 0  # explainers: Pagefind's first pages (writer.py)

    @classmethod
    def of(cls, documents: Iterable[SearchDocument]) -> IndexedText:
        indexed = cls()
        for document in documents:
            indexed.add(document)
        return indexed

    def add(self, d: SearchDocument) -> None:
        self.statuses.update(filters_of(d)["status"])
        self.policies += d.kind == "policy"
        for text in (d.title, d.summary, d.body, d.number, d.policy_title, *d.tags, *d.topics, *d.audience):
            self.characters.update(text)


def browser_data(indexed: IndexedText, analyzer: Analyzer, taxonomy: Taxonomy) -> dict:
    """What the browser needs to analyse a query as the index was analysed (sitesearch-data.json)."""
    return {
        "buildLength": BUILD_LENGTH,
        "policyPages": indexed.policies,
        "lapsed": sorted(indexed.statuses),
        "code": CODE,
        "groupMarker": GROUP_MARKER,
        "t2s": folding_map(site_characters(indexed, taxonomy)),
        "stopWords": sorted(STOP_WORDS),
        "fillers": sorted(FILLERS),
        "queryFillers": sorted(QUERY_FILLERS),
        "equivalentMarker": EQUIVALENT_MARKER,
        "equivalents": [list(group) for group in analyzer.equivalent_groups],
        "synonyms": [list(group) for group in analyzer.synonym_groups],
        "docnum": _js_pattern(DOCNUM),
        "docnumTyped": _js_pattern(DOCNUM_UNBRACKETED),
        "regions": [{"name": r.name, "ancestors": list(r.ancestors)} for r in taxonomy.regions],
        "topics": [t.name for t in taxonomy.topics],
        "audiences": [t.name for t in taxonomy.audiences],
    }


def _js_pattern(pattern: re.Pattern) -> str:
    """A Python regular expression (named groups) as JavaScript reads it."""
    return pattern.pattern.replace("(?P<", "(?<")


def browser_data_json(indexed: IndexedText, analyzer: Analyzer, taxonomy: Taxonomy) -> str:
    """browser_data as compact JSON with sorted keys: the same site gives the same bytes."""
    return json.dumps(browser_data(indexed, analyzer, taxonomy), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def site_characters(indexed: IndexedText, taxonomy: Taxonomy) -> set[str]:
    """Every character of the indexed text and of the synonym groups, folded."""
    raw = set(indexed.characters)
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
