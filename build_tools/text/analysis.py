"""Chinese text analysis for search, the same at index time and at query time.

Steps, each a function of its own:
  fold      traditional → simplified (OpenCC), full-width → half-width, lowercase;
            one character in, one character out, so offsets still point into
            the original text (for highlighting)
  segment   words for search (rjieba, search mode: 融资担保 → 融资, 担保, 融资担保)
  docnums   文号 such as 国办发〔2019〕6号 / 苏政发[2023]1号 → one canonical token
  stop      drop punctuation and function words (的, 吗, 如何 …)
  equivalents  a word of an equivalence group (text/lexicon.py: 个税 = 个人所得税)
            also yields the group's token at full weight: it counts as the word itself
  synonyms  a word of a taxonomy synonym group also yields the group's token at
            a low weight (SYNONYM_BOOST): topic vocabulary is related, not equivalent
  fillers   at query time, question and filler words (能不能, 怎么办, 需要什么手续)
            are dropped, so the need is what is searched

rjieba was chosen over jieba by measurement: the same dictionary and
segmentation, about 13× the speed (bench/search_speed.py prints both).
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import rjieba

SYNONYM_PREFIX = "同义:"
SYNONYM_BOOST = 0.2  # related topic words: measured on bench/search_dev.py (0.5 before equivalents came apart)
EQUIVALENT_PREFIX = "等同:"

STOP_WORDS = frozenset(
    """的 了 是 在 和 与 及 或 等 吗 呢 吧 啊 呀 么 哪些 哪个 什么 怎么 怎样 怎么样 如何 是否 能否 能不能 可否 可以 能 会 有 有没有
    有无 我 我们 我司 你 您 你们 他 她 它 他们 请问 请 对 对于 关于 为 为了 将 把 被 给 从 到 其 该 这 那 这个 那个 这些 那些 哪 个 之 以
    也 都 还 就 又 并 而 但 如果 因为 所以 一 一些 一下 多少 几 啥 需 要 号 还是 如 及其 以及 之后 之前 时 后 前 中 里 上 下""".split()
)

# Words of a question that say how it is asked, not what is needed: dropped from a query
# (not from the index, where FAQ merging and snippets read the text as written).
QUERY_FILLERS = frozenset(
    """能不能 不能 可不可以 能否 是不是 要不要 会不会 有没有 怎么办 怎么 怎样 如何 咋 咋办 吗 呢 么 请问 请教 咨询 一下 想问 问问 想知道
    需不需要 什么 哪里 哪儿 哪些 哪个 多久 多长时间 需要什么手续 什么手续 要交吗 交吗 还要 我 我们 我们公司 我司 咱们 本公司 我单位
    这个 那个 这种 可以 能 应该 的话 已经 了 吧 啊 呀 具体""".split()
)

# 文号: issuer abbreviation, a year in any kind of bracket, a number, 号.
_BRACKETS_OPEN = "〔[［(（【<〈「{"
_BRACKETS_CLOSE = "〕]］)）】>〉」}"
DOCNUM = re.compile(
    rf"(?P<prefix>[\u4e00-\u9fff]{{1,10}}?)?\s*[{re.escape(_BRACKETS_OPEN)}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{re.escape(_BRACKETS_CLOSE)}]\s*第?\s*(?P<number>\d{{1,5}})\s*号"
)
# In a query, a 文号 typed without brackets: 国办发 2018 124号, 国办发2018年124号 (the year kept apart by a space or 年).
DOCNUM_UNBRACKETED = re.compile(r"(?P<prefix>[\u4e00-\u9fff]{1,10}?)\s*(?P<year>(?:19|20)\d{2})(?:\s+|\s*年\s*)第?\s*(?P<number>\d{1,5})\s*号")
# The bracketed year alone: cheap to scan for, and where it is not, no 文号 is.
_DOCNUM_YEAR = re.compile(rf"[{re.escape(_BRACKETS_OPEN)}]\s*(?:19|20)\d{{2}}\s*[{re.escape(_BRACKETS_CLOSE)}]")
_YEAR_NUMBER = re.compile(r"(?:19|20)\d{2}\s*年\s*第\s*\d{1,5}\s*号")  # 2020年第8号: a 公告's number
_PREFIX_REACH = 12  # the issuer prefix (at most 10 characters) and spaces before the bracket
_WORDLIKE = re.compile(r"[\w\u4e00-\u9fff]")


class Term(NamedTuple):
    """One token: its text, position, character span in the original, and weight."""

    text: str
    pos: int
    start: int
    end: int
    boost: float = 1.0


@lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")


_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " "}


def fold(text: str) -> str:
    """Simplified, half-width, lowercase — and exactly as long as `text`."""
    converter = _opencc()
    half = text.translate(_HALF_WIDTH)
    simplified = converter.convert(half)
    if len(simplified) != len(half):  # a phrase conversion changed the length: go char by char
        simplified = "".join(c if len(c := converter.convert(ch)) == 1 else ch for ch in half)
    lowered = simplified.lower()
    if len(lowered) != len(simplified):  # e.g. İ lowers to two characters
        lowered = "".join(low if len(low := ch.lower()) == 1 else ch for ch in simplified)
    return lowered


def normalise_docnum(prefix: str, year: str, number: str) -> str:
    """The canonical token of a 文号 from its parts, e.g. 国办发〔2019〕6号."""
    return f"{prefix}〔{year}〕{int(number)}号"


class Analyzer:
    """The analysis chain, configured with the taxonomy's synonym groups.

    Pickled into the search index by value (its groups), so a query is
    analysed with the very synonyms the index was built with.
    """

    def __init__(self, synonym_groups: Iterable[Iterable[str]] = (), equivalent_groups: Iterable[Iterable[str]] = ()):
        self.synonym_groups = tuple(tuple(fold(w) for w in group) for group in synonym_groups)
        self.equivalent_groups = tuple(tuple(dict.fromkeys(fold(w) for w in group)) for group in equivalent_groups)
        self._groups_of: dict[str, list[str]] = {}
        self._boost_of: dict[str, float] = {}
        for prefix, groups, boost in ((EQUIVALENT_PREFIX, self.equivalent_groups, 1.0), (SYNONYM_PREFIX, self.synonym_groups, SYNONYM_BOOST)):
            for group in groups:
                self._boost_of[prefix + group[0]] = boost
                for word in group:
                    self._groups_of.setdefault(word, []).append(prefix + group[0])
        self._words_of = {SYNONYM_PREFIX + group[0]: group for group in self.synonym_groups}
        self._words_of |= {EQUIVALENT_PREFIX + group[0]: group for group in self.equivalent_groups}
        self._segmenter: rjieba.Jieba | None = None
        self._is_word: dict[str, bool] = {}

    def __getstate__(self):
        return {"synonym_groups": self.synonym_groups, "equivalent_groups": self.equivalent_groups}

    def __setstate__(self, state):
        type(self).__init__(self, state["synonym_groups"], state.get("equivalent_groups", ()))

    def __eq__(self, other):
        return isinstance(other, Analyzer) and (other.synonym_groups, other.equivalent_groups) == (self.synonym_groups, self.equivalent_groups)

    @property
    def segmenter(self) -> rjieba.Jieba:
        if self._segmenter is None:
            self._segmenter = _new_segmenter()
            for word in self._groups_of:
                if len(word) > 1:
                    self._segmenter.add_word(word, None, None)
        return self._segmenter

    def equivalents(self, word: str) -> tuple[str, ...]:
        """The words that count as `word` in a search (itself included; just itself if none)."""
        folded = fold(word)
        for group in self._groups_of.get(folded, ()):
            if group.startswith(EQUIVALENT_PREFIX):
                return self._words_of[group]
        return (folded,)

    def analyze(self, text: str, mode: str = "index") -> list[Term]:
        """All search terms of `text`; `mode` is "index" or "query"."""
        folded = fold(text)
        words = self._word_terms(folded)
        if mode == "query":
            fillers = [  # with their sub-words (能不能 → 不能)
                (start, end) for word, start, end in self.segmenter.tokenize(folded, mode="default") if word in QUERY_FILLERS or word in STOP_WORDS
            ]
            kept = [w for w in words if not any(start <= w.start and w.end <= end for start, end in fillers)]
            words = kept or words  # a query of fillers only is searched as written
        terms = list(self._docnum_terms(folded, mode, words)) + words
        expanded = self._synonym_terms(words)
        if mode == "query" and self.equivalent_groups:  # an equivalent's token stands for the word: it is not counted twice
            replaced = {(t.pos, t.start, t.end) for t in expanded if t.text.startswith(EQUIVALENT_PREFIX)}
            terms = [t._replace(boost=0.0) if (t.pos, t.start, t.end) in replaced else t for t in terms]
        return terms + expanded

    def term_counts(self, text: str) -> dict[str, tuple[int, float]]:
        """The index terms of `text` as {term: (occurrences, summed boost)}: the same
        terms as analyze(text, "index") without positions, about 4× faster, for indexing."""
        folded = fold(text)
        words = Counter(self.segmenter.cut_for_search(folded))
        counts: dict[str, tuple[int, float]] = {}
        for word, count in words.items():
            keep = self._is_word.get(word)
            if keep is None:
                keep = self._is_searchable(word)
            if keep:
                counts[word] = (count, float(count))
                for group in self._groups_of.get(word, ()):
                    occurrences, weight = counts.get(group, (0, 0.0))
                    counts[group] = (occurrences + count, weight + count * self._boost_of[group])
        if "号" in folded:
            for term in self._docnum_terms(folded, "index", []):
                occurrences, weight = counts.get(term.text, (0, 0.0))
                counts[term.text] = (occurrences + 1, weight + 1.0)
        return counts

    def _word_terms(self, folded: str) -> list[Term]:
        terms, pos, base_end = [], -1, -1
        is_word = self._is_word  # a hot loop: words repeat, so their verdict is cached
        for word, start, end in self.segmenter.tokenize(folded, mode="search"):
            if start >= base_end:  # a new base word; sub-words share its position
                pos, base_end = pos + 1, end
            keep = is_word.get(word)
            if keep is None:
                keep = self._is_searchable(word)
            if keep:
                terms.append(Term(word, pos, start, end))
        return terms

    def _is_searchable(self, word: str) -> bool:
        """Not a stop word, not punctuation or space; remembered, since words repeat."""
        keep = self._is_word.get(word)
        if keep is None:
            keep = self._is_word[word] = word == word.strip() and word not in STOP_WORDS and bool(_WORDLIKE.search(word))
        return keep

    def segment(self, folded: str) -> list[str]:
        """Words without overlaps (中小企业 stays one word), for comparing questions."""
        return self.segmenter.cut(folded)

    def _docnum_terms(self, folded: str, mode: str, words: list[Term]) -> Iterable[Term]:
        """文号 tokens, under every ending of the issuer prefix (国办发, 办发 …), because
        the prefix may be glued to the words before it (根据国办发…). A query
        leaves out the one-character and bare endings, which would match other issuers."""
        starts = [w.start for w in words]
        matches = list(_docnum_matches(folded))
        if mode == "query" and not matches:
            matches = list(DOCNUM_UNBRACKETED.finditer(folded))
        elif mode == "index":  # a 公告 number written out (税务总局公告2020年第8号) is a 文号 too
            matches += _written_out_matches(folded)
        for match in matches:
            prefix = match["prefix"] or ""
            endings = [prefix[i:] for i in range(len(prefix))] + [""]
            if mode == "query":
                endings = [e for e in endings if len(e) >= 2] or endings[:1]
            index = bisect.bisect_left(starts, match.start())
            pos = words[index].pos if index < len(words) else 0
            for ending in dict.fromkeys(endings):
                start = match.end("prefix") - len(ending) if match["prefix"] else match.start()
                yield Term(normalise_docnum(ending, match["year"], match["number"]), pos, start, match.end())

    def forms(self, token: str) -> tuple[str, ...]:
        """The words a text may show a search token as: a group token's words, else the token itself."""
        return self._words_of.get(token, (token,))

    def words_to_mark(self, terms: Iterable[Term]) -> set[str]:
        """The words a snippet should mark for these query terms: the query's own
        words and, for a synonym group token, every word of the group."""
        words: set[str] = set()
        for term in terms:
            if term.text.startswith((SYNONYM_PREFIX, EQUIVALENT_PREFIX)):
                words.update(self._words_of.get(term.text, ()))
            elif not DOCNUM.fullmatch(term.text):
                words.add(term.text)
        return words

    def _synonym_terms(self, terms: list[Term]) -> list[Term]:
        return [Term(group, term.pos, term.start, term.end, self._boost_of[group]) for term in terms for group in self._groups_of.get(term.text, ())]


_ahead: list[rjieba.Jieba] = []  # a segmenter built by prepare_segmenter(), for the next Analyzer
_preparing: threading.Thread | None = None


def prepare_segmenter() -> None:
    """Start building a segmenter in a thread, for the next Analyzer that needs one.

    rjieba reads its dictionary (a quarter of a second) without holding the
    GIL, so `policy check` calls this first and reads the content meanwhile.
    """
    global _preparing
    if _preparing is None:
        _preparing = threading.Thread(target=lambda: _ahead.append(_jieba()), daemon=True)
        _preparing.start()


def _new_segmenter() -> rjieba.Jieba:
    """The segmenter prepared ahead if there is one, else a new one."""
    global _preparing
    if _preparing is not None:
        _preparing.join()
        _preparing = None
        if _ahead:
            return _ahead.pop()
    return _jieba()


def _jieba() -> rjieba.Jieba:
    import rjieba

    return rjieba.Jieba()


def _written_out_matches(folded: str) -> list[re.Match]:
    """The 文号 written without brackets in the form of a 公告 number (…公告2020年第8号), found as
    _docnum_matches finds the bracketed ones: the full pattern only around "YYYY年第N号"."""
    found = []
    end = 0
    for number in _YEAR_NUMBER.finditer(folded):
        if number.start() < end:
            continue
        match = DOCNUM_UNBRACKETED.search(folded, max(end, number.start() - _PREFIX_REACH), number.end())
        if match and match["prefix"]:
            end = match.end()
            found.append(match)
    return found


def _docnum_matches(folded: str) -> Iterable[re.Match]:
    """DOCNUM.finditer(folded), but the full pattern is tried only around a bracketed year:
    tried at every character of a long page, it was a sixth of the analysis time."""
    end = 0
    for year in _DOCNUM_YEAR.finditer(folded):
        if year.start() < end:
            continue
        match = DOCNUM.search(folded, max(end, year.start() - _PREFIX_REACH), year.end() + _PREFIX_REACH)
        if match:
            end = match.end()
            yield match
