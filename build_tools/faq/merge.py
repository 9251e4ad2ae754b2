"""Which questions are the same question: words, similarity, clusters.

A question becomes a set of words (question_words). The text is folded
(traditional → simplified, full-width → half-width), fillers around it
(请问, 您好, 想咨询一下, 谢谢) and spaces inside Chinese text are dropped,
Chinese numerals after 第 or before a unit become digits (三个月 → 3个月), and
the words that only say how a question is put are dropped or unified:

- modal words are dropped: 能不能, 可不可以, 可以, 能否, 可否, 是否, 能够,
  需要, 要不要, 有没有, 该, and a final 不/没有 that asks yes or no;
- question words are unified, one word for each thing asked: 怎么/怎样/如何
  → 如何, 什么/哪些/何/哪类 → 什么, 什么时候/何时 → 何时, 多长时间 → 多久,
  哪儿/何处 → 哪里 (吗, 呢 are dropped);
- particles, prepositions and punctuation are dropped (的, 了, 在, 对, 关于 …).

So 疫情期间，企业社保费能不能缓缴？ and 疫情期間企業社保費可以緩繳嗎 are the
same set, and so are 小微企业怎么申请增值税留抵退税？ and 小微企業如何申請增值稅留抵退稅.
Two questions are one when the IDF-weighted Jaccard similarity of their word
sets reaches SIMILARITY (a differing rare word weighs much more than a
differing common one), and

- they agree on the decisive words, which turn a question into another however
  common they are: numbers with their 万/亿 (2020年/2021年, 三个月/6个月,
  30万元/50万元); places, the words the segmenter tags as places and names
  ending in 省/市/县/区, without the suffix (南京市 = 南京 ≠ 苏州), inside an
  organisation's name too (北京市委), and anonymised ones (L市, A7县);
  negations, one mark for all (不, 未, 没有, 无, 非, and 未办理 = 未 + 办理);
  who asks, ROLES and the taxonomy's audiences, longest first (小规模纳税人 ≠
  一般纳税人, 小微企业 ≠ 企业, 企业 ≠ 个人);
- no word of one is replaced by another word in the other (_replaced):
  减免/缓缴, 租金/物业费 make other questions, however long the rest;
- when both say what they ask (FOCUS), they ask the same (哪些企业…？ is not
  …的办理时间？).

Finding similar pairs uses prefix filtering (the AllPairs set-similarity
join): words are ordered rarest first, and two sets with similarity ≥ t
must share a word among the rarest ones of each set that carry more than
1 − t of its weight. Only pairs sharing such a word are compared, so the
work stays near-linear: no all-pairs comparison. Measured on the labelled
pairs of tests/faq/merge_pairs.jsonl by bench/faq_merge.py.

An entry's id comes from id_words(), the word set of the first version of
this module, kept as it was so that ids (and the editors' decisions in
faq-links.yml that name them) survive changes to the merging.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import chain

from build_tools.text.analysis import Analyzer, fold

SIMILARITY = 0.8
PLACE_MARK = "地:"  # a place in a word set: 地:南京
ROLE_MARK = "人:"  # who asks: 人:小微企业
NEGATION_MARK = "不"  # every negation word becomes this one word
NUMBER_MARK = "数:"  # a number with its multiplier: 数:30万

ROLES = frozenset(
    """企业 个人 单位 职工 员工 家庭 法人 自然人 个体户 个体工商户 农户 农民 农民工 学生 老人 外地人 居民 村民 业主
    小规模纳税人 一般纳税人 小型微利企业 小微企业 中小企业 中小微企业 大型企业 大中型企业 国有企业 民营企业 外资企业
    科技型中小企业 科技型企业 高新技术企业 合作社 高校毕业生 退役军人 残疾人 医务人员 参保人员 纳税人 缴费人""".split()
)
_NOT_ROLES = frozenset("个人所得税 企业所得税 个人信息 个人账户 单位时间 企业所得".split())
_NEGATION_STARTS = frozenset("不未没无非")
_NOT_NEGATIONS = frozenset("不动产 未成年 未成年人 无人机 无人驾驶 非遗".split())  # words that start like a negation and negate nothing
NEGATIONS = frozenset("非 不 未 无 没 没有 不得 不能 不予 不用 不必 无需 无须 禁止 从未 尚未 未能 不再 并非 不是 别".split())
# Dropped words: particles, modal words, and question words that ask nothing of their own (yes/no, how).
DROPPED = frozenset(
    """吗 呢 吧 啊 呀 嘛 的 了 么 哦 啦 之 地 得 请问 您好 你好 谢谢 麻烦 请 一下 还 都 是 又 也 有 有无 和 与 及 以及 咨询
    能 可 可以 能否 可否 能够 是否 该 应 应该 应当 需要 需 要 须 必须 关于 对于 有关 相关 具体""".split()
)
# Kinds of word the segmenter tags that say nothing of their own: prepositions (在, 从, 对), auxiliaries (的, 了), modal particles (吗), interjections.
DROPPED_TAGS = frozenset("p uj ul uz ud ug uv y e o".split())
# Words unified with another that asks the same.
SAME_WORD = {"何": "什么", "哪些": "什么", "哪个": "什么", "哪类": "什么", "哪种": "什么", "哪项": "什么", "啥": "什么", "什么样": "什么",
             "哪": "什么"}  # fmt: skip
# What a question asks, by the words that ask it: two questions that both say what they ask, and say
# different things (哪些企业 … ? / … 的办理时间？), are different questions.
FOCUS = {"如何": "how", "什么": "what", "何时": "when", "时间": "when", "时候": "when", "多久": "how long", "哪里": "where", "多少": "how much",
         "几": "how much", "为什么": "why", "谁": "who"}  # fmt: skip
# Phrases unified in the text before it is segmented (the segmenter splits some of them oddly: 能不能自己 is one "idiom").
PHRASES = {
    "可以不可以": " ", "可不可以": " ", "能不能": " ", "能否": " ", "可否": " ", "是不是": " ", "是否": " ", "会不会": "会",
    "行不行": " ", "行吗": " ", "要不要": " ", "需不需要": " ", "需要不需要": " ", "用不用": " ", "有没有": " ", "允不允许": "允许",
    "怎么样": "如何", "怎么": "如何", "怎样": "如何", "咋样": "如何", "咋": "如何",
    "什么时候": "何时", "什么时间": "何时", "啥时候": "何时", "几时": "何时",
    "多长时间": "多久", "多少时间": "多久", "多长时间内": "多久",
    "哪里": "哪里", "哪儿": "哪里", "何处": "哪里", "何地": "哪里", "什么地方": "哪里", "在哪里": "在哪里", "在哪儿": "在哪里", "在哪": "在哪里",
    "为何": "为什么", "有何": "有什么", "何种": "什么", "什么样": "什么", "哪些": "什么", "哪个": "什么", "哪类": "什么", "哪种": "什么",
    "哪项": "什么", "哪几类": "什么", "哪几个": "什么", "哪几项": "什么", "哪几种": "什么", "哪几": "什么",
}  # fmt: skip
_PHRASE = re.compile("|".join(sorted(map(re.escape, PHRASES), key=len, reverse=True)))
_FILLER_START = re.compile(r"^(?:(?:请问|您好|你好|麻烦|打扰|想|我想|我们想|请教|咨询)(?:问|请教|咨询|了解)?一下|请问|您好|你好|领导好|[\s,.!:;，。！：；、])+")
_FILLER_END = re.compile(r"(?:[\s,.!?;，。！？；]*(?:谢谢您?|多谢|感谢|万分感谢))+[\s,.!?;，。！？；]*$")
_YES_NO_END = re.compile(r"(?<![不没])(?:不|没有|没)(?=[\s?!.。？！]*$)")  # 可以申请不？ 办了没有？: asks yes or no, negates nothing
_SPACE_BY_CJK = re.compile(r"\s+(?=[\u3000-\u9fff\uff00-\uffef])|(?<=[\u3000-\u9fff\uff00-\uffef])\s+")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
# A Chinese numeral is read as a number after 第 or before one of these units (not before 个 alone: 一个问题).
_UNIT = "万亿元年月日号天次级批项条类期季周岁倍成人家户名所台辆套张份档轮点路栋组层度吨亩%"
_CN_NUMBER = re.compile(rf"(?:(?<=第)[零〇一二两三四五六七八九十百千]+|[零〇一二两三四五六七八九十百千]+(?=个?[{_UNIT}]|个(?:月|工作日|小时|季度)))")
_DIGITS_ONLY = re.compile(r"^[\d.]+$")
_NUMBER = re.compile(r"(?<![a-z\d.])\d+(?:\.\d+)?[万亿]?")  # not the digits of an anonymised place (A7县)
_WORD = re.compile(r"[\w\u4e00-\u9fff]")
_PLACE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "省", "市", "县", "区")
_PLACE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,8}[省市县区]$")
_ANONYMISED_IN_TEXT = re.compile(r"[a-z]\d{0,3}[省市县区镇乡村]")
_ANONYMISED = re.compile(r"^[a-z]{1,2}\d{0,3}$")  # the corpus writes places as L市, A7县, J10 县
_NOT_PLACES = frozenset(
    """中国 全国 国内 国外 境内 境外 海外 本地 外地 当地 各地 异地 城市 城区 城镇 农村 乡村 社区 小区 园区 新区 市区 县区 郊区 辖区 地区
    全省 全市 本市 本省 我市 我省 省内 市内 省外 市外 两地 各省 各市 设区 开发区 高新区 经开区 自贸区 示范区 景区 校区 片区 街区 城乡
    老城区 大都市 自治区""".split()
)
# Words ending in 区/市 that name a kind of area, not a place (保税区, 示范区, 直辖市, 主城区).
_AREA_KIND = re.compile(
    "(?:开发|示范|试验|实验|保税|风景|工业|商业|生活|住宅|居住|保护|旅游|集聚|先行|核心|功能|服务|直辖|地级|县级|自治|经开|高新|自贸|"
    "新城|主城|老城|中心城|城|园|景|校|片|街|辖|郊|灾|疫|矿|林|牧|山|库|学|社|小|都|特|新)[区市]$"
)


def question_words(question: str, analyzer: Analyzer, roles: Iterable[str] = ()) -> frozenset[str]:
    """The words of a question as merging compares them (see the module's docstring), decisive
    ones marked: places as 地:南京, who asks as 人:企业 (ROLES and `roles`), negations as 不."""
    text = _normalised(fold(question).replace("帐", "账"))  # folding turns 帳 into 帐, where simplified writes 账 (到账, 账户)
    words = {ROLE_MARK + role for role in _role_pattern(frozenset(roles)).findall(text) if role not in _NOT_ROLES}
    words.update(NUMBER_MARK + number for number in _NUMBER.findall(text))
    segmenter = analyzer.segmenter
    cut = segmenter.cut(text)
    if _ANONYMISED_IN_TEXT.search(text):
        cut = _anonymised_places(cut, words)
    words.update(chain.from_iterable(_kept(word, segmenter) for word in cut))
    return frozenset(words)


def _anonymised_places(cut: list[str], words: set[str]) -> list[str]:
    """The corpus writes places as L市, A7县, J10 县: the segmenter cuts them in two (L + 市, A7 + 县邦华).
    Their marks go into `words`; the rest of the cut words is returned."""
    rest: list[str] = []
    index = 0
    while index < len(cut):
        word = cut[index]
        index += 1
        if _ANONYMISED.match(word) and index < len(cut) and cut[index][:1] in "省市县区镇乡村":
            words.add(PLACE_MARK + word + cut[index][:1])
            if len(cut[index]) > 1:
                cut[index] = cut[index][1:]
            else:
                index += 1
            continue
        rest.append(word)
    return rest


def _normalised(folded: str) -> str:
    """The folded question without fillers, spaces inside Chinese text, Chinese numerals or modal phrases."""
    text = _FILLER_START.sub("", folded.strip())
    if "谢" in text:  # each pattern is tried only where it can match: most questions need none of them
        text = _FILLER_END.sub("", text)
    if " " in text:
        text = _SPACE_BY_CJK.sub("", text)
    if "不" in text or "没" in text:
        text = _YES_NO_END.sub("", text)
    text = _CN_NUMBER.sub(lambda m: str(_chinese_number(m[0])), text)
    return _PHRASE.sub(lambda m: PHRASES[m[0]], text)


def _chinese_number(numeral: str) -> int:
    """三 → 3, 十五 → 15, 二十 → 20, 一百二十 → 120, 三〇 → 30 (digits one by one)."""
    if not any(c in _CN_UNITS for c in numeral):
        return int("".join(str(_CN_DIGITS[c]) for c in numeral))
    total, digit = 0, 0
    for char in numeral:
        if char in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[char]
            digit = 0
        else:
            digit = _CN_DIGITS[char]
    return total + digit


@cache
def _role_pattern(extra: frozenset[str]) -> re.Pattern:
    """Who asks, longest name first (小微企业 before 企业); words that hold a role's name without naming one (个人所得税) are found too, to be left out."""
    names = sorted(ROLES | {fold(role) for role in extra} | _NOT_ROLES, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


_KEPT: dict[str, tuple[str, ...]] = {}  # word → _judged(word): by word alone, so that no segmenter is kept alive


def _kept(word: str, segmenter) -> tuple[str, ...]:
    """_judged(word), once per word: words repeat across questions (tagging them in each question took twice as long)."""
    found = _KEPT.get(word)
    if found is None:
        found = _KEPT[word] = _judged(word, segmenter)
    return found


def _judged(word: str, segmenter) -> tuple[str, ...]:
    """The words merging compares for one word of the segmenter: none for dropped words and
    punctuation, its marked form for a negation or a place, and the marks of what it holds:
    未办理 → 不 + 办理, 北京市委 → 北京市委 + 地:北京."""
    word = SAME_WORD.get(word, word)
    flag = _flag(word, segmenter)
    if word in DROPPED or flag in DROPPED_TAGS or not _WORD.search(word) or _DIGITS_ONLY.match(word):
        return ()  # numbers are kept as NUMBER_MARK words
    if word in NEGATIONS:
        return (NEGATION_MARK,)
    if _is_place(word, flag):
        return (PLACE_MARK + _place_name(word),)
    if len(word) >= 3 and word[0] in _NEGATION_STARTS and word not in _NOT_NEGATIONS and segmenter.has_word(word[1:]):
        return (NEGATION_MARK, *_kept(word[1:], segmenter))  # 未办理 → 不 + 办理
    if len(word) >= 4:  # an organisation named after its place: 北京市委, 辽宁省税务局
        place = next((sub for sub in segmenter.cut_for_search(word) if sub != word and word.startswith(sub) and _is_place(sub, _flag(sub, segmenter))), None)
        if place:
            return (word, PLACE_MARK + _place_name(place))
    return (word,)


def _flag(word: str, segmenter) -> str:
    """The segmenter's part of speech of a word on its own (ns: a place; p: a preposition …)."""
    tagged = segmenter.tag(word)
    return tagged[0][1] if len(tagged) == 1 else "x"


def _is_place(word: str, flag: str) -> bool:
    return word not in _NOT_PLACES and ((flag == "ns" and len(word) >= 2) or (_PLACE_NAME.match(word) is not None and not _AREA_KIND.search(word)))


def _place_name(word: str) -> str:
    """南京市 → 南京, 广西壮族自治区 → 广西, 海陵区 → 海陵: the same place however it is written."""
    for suffix in _PLACE_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


# The word set of the first version of this module, frozen: entry ids are made from it.
_ID_PARTICLES = frozenset("吗 呢 吧 啊 呀 嘛 的 了 请问 您好 你好 谢谢 麻烦 请 一下 是否".split())
_ID_MODALS = {"可以": "能", "能否": "能", "可否": "能", "能不能": "能", "可不可以": "能", "有没有": "有", "有无": "有"}


def id_words(question: str, analyzer: Analyzer) -> frozenset[str]:
    """The words an entry's id is made from: never change them, or every id changes."""
    return frozenset(filter(None, map(_id_kept, analyzer.segment(fold(question)))))


@cache
def _id_kept(word: str) -> str | None:
    word = _ID_MODALS.get(word, word)
    return word if word not in _ID_PARTICLES and _WORD.search(word) else None


def words_key(words: frozenset[str]) -> str:
    """A stable text for a question's word set (the same for reordered words)."""
    return " ".join(sorted(words))


@dataclass
class _Record:
    """One distinct word set and the questions that have it."""

    words: frozenset[str]
    decisive: frozenset[str]
    focus: frozenset[str]
    members: list[int]
    tokens: list[str] | None = None
    weight: float = 0.0


def cluster(questions: list[str], analyzer: Analyzer, roles: Iterable[str] = (), threshold: float = SIMILARITY) -> list[list[int]]:
    """Groups of indexes into `questions` that ask the same thing, each sorted.

    `roles` adds words naming who asks (e.g. the taxonomy's audiences) to ROLES.
    """
    roles = frozenset(roles)
    return cluster_words([question_words(q, analyzer, roles) for q in questions], threshold)


def cluster_words(word_sets: list[frozenset[str]], threshold: float = SIMILARITY) -> list[list[int]]:
    """cluster() of questions already turned into words by question_words()."""
    records = _records(word_sets)
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


_MARKS = (NUMBER_MARK, PLACE_MARK, ROLE_MARK)


def decisive_words(words: frozenset[str]) -> frozenset[str]:
    """The words two questions must share to be one: numbers, places, negations, who asks."""
    return frozenset(w for w in words if w.startswith(_MARKS) or w == NEGATION_MARK)


def focus_of(words: frozenset[str]) -> frozenset[str]:
    """What a question asks (FOCUS): what, when, where, how much …; empty when it does not say."""
    return frozenset(FOCUS[w] for w in words if w in FOCUS)


def _asks_the_same(a: _Record, b: _Record) -> bool:
    return not a.focus or not b.focus or bool(a.focus & b.focus)


def _replaced(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether each question has words the other lacks, with characters the other's own words lack too:
    a word replaced by another (减免/缓缴, 租金/物业费, 口罩/防护服) makes another question, however long
    the rest; words only split or joined otherwise (拖欠工资 / 拖欠 + 工资) or added are not a replacement."""
    only_a, only_b = set("".join(a - b)), set("".join(b - a))
    return bool(only_a - only_b) and bool(only_b - only_a)


def _records(word_sets: list[frozenset[str]]) -> list[_Record]:
    by_words: dict[frozenset[str], _Record] = {}
    for index, words in enumerate(word_sets):
        record = by_words.get(words)
        if record is None:
            record = by_words[words] = _Record(words, decisive_words(words), focus_of(words), [])
        record.members.append(index)
    return list(by_words.values())


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
                if (
                    _asks_the_same(record, records[y])
                    and not _replaced(record.words, records[y].words)
                    and _similarity(record, records[y], weights) >= threshold
                ):
                    yield x, y
            index[key].append(x)


def _similarity(a: _Record, b: _Record, weights: dict[str, float]) -> float:
    shared = sum(weights[w] for w in a.words & b.words)
    return shared / (a.weight + b.weight - shared)
