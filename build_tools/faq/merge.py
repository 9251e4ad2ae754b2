"""Which questions are the same question: words, similarity, clusters.

A question becomes a set of words: folded (traditional → simplified,
full-width → half-width), punctuation and particles (吗, 呢, 请问) dropped,
modal words unified (可以, 能否, 可否 → 能), so that 疫情期间社保能缓缴吗 and
疫情期間社保可以緩繳嗎？ are the same set. Question words (哪些, 多少, 时间)
stay: they are what a question asks. Two questions are one when the
IDF-weighted Jaccard similarity of their word sets reaches SIMILARITY (a
differing rare word such as a place name weighs much more than a differing
common one) and they agree on the words that turn a question into another
however common they are: numbers (2020年 vs 2021年), places (北京市 vs
上海市), negations (定向 vs 非定向) and who asks (企业 vs 个人, and the
taxonomy's audiences).

Finding similar pairs uses prefix filtering (the AllPairs set-similarity
join): words are ordered rarest first, and two sets with similarity ≥ t
must share a word among the rarest ones of each set that carry more than
1 − t of its weight. Only pairs sharing such a word are compared, so the
work stays near-linear: no all-pairs comparison.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

from build_tools.text.analysis import Analyzer, fold

SIMILARITY = 0.8
PARTICLES = frozenset("吗 呢 吧 啊 呀 嘛 的 了 请问 您好 你好 谢谢 麻烦 请 一下 是否".split())
MODALS = {"可以": "能", "能否": "能", "可否": "能", "能不能": "能", "可不可以": "能", "有没有": "有", "有无": "有"}
NEGATIONS = frozenset("非 不 未 无 没 没有 免 不得 不能 不予 禁止".split())
ROLES = frozenset("企业 个人 单位 职工 员工 家庭 法人 自然人 个体户 农户 学生 老人 外地人".split())
_WORD = re.compile(r"[\w\u4e00-\u9fff]")
_DIGITS = re.compile(r"\d+")
_PLACE_ENDINGS = "省市县区镇乡村州盟旗"
_PLACE = re.compile(rf"^\w{{1,8}}[{_PLACE_ENDINGS}]$")


def question_words(question: str, analyzer: Analyzer) -> frozenset[str]:
    """The words of a question as merging compares them: folded, particles and punctuation left out."""
    return frozenset(filter(None, map(_kept, analyzer.segment(fold(question)))))


@cache  # words repeat across questions: each is judged once
def _kept(word: str) -> str | None:
    """The word as merging compares it (modal words unified), or None for particles and punctuation."""
    word = MODALS.get(word, word)
    return word if word not in PARTICLES and _WORD.search(word) else None


def words_key(words: frozenset[str]) -> str:
    """A stable text for a question's word set (the same for reordered words)."""
    return " ".join(sorted(words))


@dataclass
class _Record:
    """One distinct word set and the questions that have it."""

    words: frozenset[str]
    decisive: frozenset[str]
    members: list[int]
    tokens: list[str] | None = None
    weight: float = 0.0


def cluster(questions: list[str], analyzer: Analyzer, roles: frozenset[str] = frozenset(), threshold: float = SIMILARITY) -> list[list[int]]:
    """Groups of indexes into `questions` that ask the same thing, each sorted.

    `roles` adds words naming who asks (e.g. the taxonomy's audiences) to ROLES.
    """
    return cluster_words([question_words(q, analyzer) for q in questions], roles, threshold)


def cluster_words(word_sets: list[frozenset[str]], roles: frozenset[str] = frozenset(), threshold: float = SIMILARITY) -> list[list[int]]:
    """cluster() of questions already turned into words by question_words()."""
    records = _records(word_sets, ROLES | {fold(r) for r in roles})
    weights = _weights(records)
    parent = list(range(len(records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in _similar_pairs(records, weights, threshold):
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        groups[root(index)].extend(record.members)
    return sorted(sorted(members) for members in groups.values())


def _records(word_sets: list[frozenset[str]], roles: frozenset[str]) -> list[_Record]:
    by_words: dict[frozenset[str], _Record] = {}
    for index, words in enumerate(word_sets):
        record = by_words.get(words)
        if record is None:
            record = by_words[words] = _Record(words, _decisive(words, roles), [])
        record.members.append(index)
    return list(by_words.values())


def _decisive(words: frozenset[str], roles: frozenset[str]) -> frozenset[str]:
    """The words two questions must share to be one: numbers, places, negations, roles."""
    numbers = set(_DIGITS.findall(" ".join(words)))  # one search over all words (a space ends a number)
    places = {w for w in words if w[-1] in _PLACE_ENDINGS and _PLACE.match(w)}
    return frozenset(numbers | places | (words & NEGATIONS) | (words & roles))


def _weights(records: list[_Record]) -> dict[str, float]:
    """Inverse document frequency of each word; sets each record's tokens rarest first."""
    frequency = Counter(word for record in records for word in record.words)
    total = len(records)
    weights = {word: math.log(1 + total / count) for word, count in frequency.items()}
    for record in records:
        record.tokens = sorted(record.words, key=lambda w: (-weights[w], w))
        record.weight = sum(weights[w] for w in record.tokens)
    return weights


def _prefix(record: _Record, weights: dict[str, float], threshold: float) -> list[str]:
    """The rarest words whose removal leaves less than `threshold` of the weight."""
    assert record.tokens is not None  # set by _weights
    remaining = record.weight
    for count, word in enumerate(record.tokens, start=1):
        remaining -= weights[word]
        if remaining < threshold * record.weight:
            return record.tokens[:count]
    return record.tokens


def _similar_pairs(records: list[_Record], weights: dict[str, float], threshold: float):
    """Pairs of record indexes similar enough, probing only through rare shared words.

    Only records with the same decisive words can be one, so each is indexed
    under its decisive words with each word: a probe meets only those (with
    one index for all, 80,000 questions made 3.8 million probes; this way 4,300).
    """
    order = sorted(range(len(records)), key=lambda i: records[i].weight)
    index: dict[tuple[frozenset[str], str], list[int]] = defaultdict(list)
    for x in order:
        record = records[x]
        seen: set[int] = set()
        for word in _prefix(record, weights, threshold):
            key = (record.decisive, word)
            for y in index[key]:
                if y in seen or records[y].weight < threshold * record.weight:
                    continue
                seen.add(y)
                if _similarity(record, records[y], weights) >= threshold:
                    yield x, y
            index[key].append(x)


def _similarity(a: _Record, b: _Record, weights: dict[str, float]) -> float:
    shared = sum(weights[w] for w in a.words & b.words)
    return shared / (a.weight + b.weight - shared)
