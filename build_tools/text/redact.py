"""Mask personal data in text written by the public before it is published.

Questions on message boards, hotline digests and asker lines may contain ID
card, bank card and mobile numbers, e-mail addresses and names; everything
bound for the site, a feed or the search index must go through redact() first.

Detection reads the text as a reader sees it: full-width forms, any space or
dash, a line break between the groups of a number, 0086/+86. It masks when in
doubt: every number shaped like an ID or a bank card is masked, whatever its
check digit (the checksums only say which of the two it is). Landlines with an
area code (0…), hotlines (12345, 400-…) and other numbers are left alone; so
are names except where the text says they are names (提问：, 联系人, 法人,
姓名, …, 张伟先生/女士, a text that is only a name). Masks are written into
the original text at the positions found in the normalised copy, which maps
one character to one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PersonalData:
    """Personal data found in a text: its kind and where it is."""

    kind: str  # "id_card", "bank_card", "mobile", "email" or "name"
    start: int
    end: int
    text: str


KINDS = ("id_card", "bank_card", "mobile", "email", "name")

# --- the text as a reader sees it ------------------------------------------------------------

# One character to one (NFKC would turn some characters into several), so an index found
# in the normalised copy is an index into the original text.
# Full-width digits, letters and the signs of numbers and addresses; not the full-width punctuation
# of Chinese prose (，：！), which nothing here needs and which would make every text a copy.
_NORMALISE: dict[int, str] = {ord(c): chr(ord(c) - 0xFEE0) for c in "０１２３４５６７８９＠．－＋＿％"}
_NORMALISE |= {code: chr(code - 0xFEE0) for code in [*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}  # Ａ-Ｚ ａ-ｚ
_NORMALISE |= dict.fromkeys(map(ord, "\t\xa0\xad\u1680\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff"), " ")
_NORMALISE |= dict.fromkeys(range(0x2000, 0x200B), " ")  # en quad … hair space
_NORMALISE |= dict.fromkeys(map(ord, "\r\x0b\x0c\x85\u2028\u2029"), "\n")
_NORMALISE |= dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63"), "-")
_NORMALISE |= {ord("\ufe6b"): "@", ord("\ufe52"): "."}  # small commercial at, small full stop
_NEEDS_NORMALISING = re.compile("[" + re.escape("".join(map(chr, _NORMALISE))) + "]+")


def _normalise(text: str) -> str:
    # Few texts hold these characters, and few of them: replacing the runs is much cheaper than
    # translating every character of every text.
    return _NEEDS_NORMALISING.sub(lambda run: run[0].translate(_NORMALISE), text)


# --- numbers ---------------------------------------------------------------------------------

# A run of digit groups joined by up to three spaces or dashes, or one line break ("133 4444⏎5555",
# "6222-0212-…"); an ID's final X is glued to the last group. Not dots: 15172.500 is a decimal;
# not a blank line: a table's cells stand one per paragraph.
_RUN = re.compile(r"[0-9]+(?:(?:[ \-]{1,3}| {0,2}\n {0,2})[0-9]+)*[Xx]?")
_GROUP = re.compile(r"[0-9]+[Xx]?")
_MOBILE = re.compile(r"(?:0086|86|0)?1[3-9][0-9]{9}")  # 0 as dialled from another city
_AREA_CODE = re.compile(r"0[1-9][0-9]{1,2}")
# Groups that together only look like a long number: dates and years ("2023-01-29 2023-01-30"),
# short hotlines ("12345 12366 12333").
_CALENDAR = re.compile(r"(?:19|20)[0-9]{2}(?:(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))?|[0-9]{1,2}")
_SERVICE = re.compile(r"1[0-9]{2}|[19][0-9]{4}")
_ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _id_check_passes(number: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of an 18-character ID."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(number, _ID_WEIGHTS)) % 11] == number[17].upper()


def _luhn_passes(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    doubled = [d * 2 - 9 if d > 4 else d * 2 for d in digits[1::2]]
    return (sum(digits[0::2]) + sum(doubled)) % 10 == 0


def _number_kind(digits: str) -> str | None:
    """The kind of a number, from its digits alone; a wrong check digit never makes it safe."""
    count = len(digits)
    if digits[-1] in "Xx":
        return "id_card" if count == 18 else None
    if count in (11, 12, 13, 15) and _MOBILE.fullmatch(digits):
        return "mobile"
    if digits[0] == "0":  # no ID or card starts with 0: a landline, perhaps with more after it
        return None
    if count == 15:  # an ID from before 1999: YYMMDD in the middle, no check digit
        return "id_card" if 1 <= int(digits[8:10]) <= 12 and 1 <= int(digits[10:12]) <= 31 else None
    if count == 18:
        if _id_check_passes(digits):
            return "id_card"
        if _luhn_passes(digits):
            return "bank_card"
        return "id_card" if _is_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14])) else "bank_card"
    return "bank_card" if 16 <= count <= 19 else None


# A company's code written after its name: 统一社会信用代码91320000134769123X is no ID.
_CODE_LABEL = re.compile(r"(?:信用代码|识别号|税号|注册号|机构代码)[:： ]{0,2}$")


def _in_code(text: str, start: int, end: int) -> bool:
    """Whether the digits are part of a company's code: 18 characters with letters, or after its label."""
    if _CODE_LABEL.search(text, max(0, start - 8), start):
        return True
    left, right = start, end
    while left and text[left - 1].isascii() and text[left - 1].isalnum():
        left -= 1
    while right < len(text) and text[right].isascii() and text[right].isalnum():
        right += 1
    return (left, right) != (start, end) and right - left == 18


def _shaped(kind: str, parts: list[str]) -> bool:
    """Whether groups are written as people write this kind of number: a mobile in groups of 3 or
    more after any 0086 (133 4444⏎5555, 1381234 5678); an ID or a card split once, or with inner
    groups of one length of 4 or more (6222 0212 3456 7890 128, 320102 19850317 2410)."""
    if len(parts) == 1:
        return True
    if kind == "mobile":
        return all(len(p) >= 3 for p in parts[parts[0] in ("86", "0086") :])
    inner = {len(p) for p in parts[1:-1]}
    return not inner or (len(inner) == 1 and min(inner) >= 4)


def _window(text: str, groups: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    """The kind and span of a number written as these groups, if they make one."""
    parts = [text[start:end] for start, end in groups]
    digits = "".join(parts)
    if not (_shaped("number", parts) or (_MOBILE.fullmatch(digits) and _shaped("mobile", parts))):
        return None  # before the checksums: a run of short groups (a table, a list) is tried many times
    start, end = groups[0][0], groups[-1][1]
    kind = _number_kind(digits)
    if kind is None and digits[-1] in "Xx":  # an X after a mobile or a card is a letter, not a check digit
        digits, end = digits[:-1], end - 1
        parts[-1] = parts[-1][:-1]
        kind = _number_kind(digits)
    if kind is None or not _shaped(kind, parts) or (kind != "mobile" and _in_code(text, start, end)):
        return None
    if len(parts) > 1 and (all(_CALENDAR.fullmatch(p) for p in parts) or all(_SERVICE.fullmatch(p) for p in parts)):
        return None
    return kind, start, end


def _landline_length(text: str, groups: list[tuple[int, int]]) -> int:
    """How many of the groups make a landline (an area code, then up to 8 digits), or 0."""
    if len(groups) < 2 or not _AREA_CODE.fullmatch(text[groups[0][0] : groups[0][1]]):
        return 0
    count, digits = 1, 0
    while count < len(groups) and digits + groups[count][1] - groups[count][0] <= 8:
        digits += groups[count][1] - groups[count][0]
        count += 1
    return count if count > 1 else 0


_LANDLINE = ("landline", 0, 0)  # a group that belongs to a landline: kept, and no part of a longer number


def _numbers(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every ID, card and mobile number in the normalised text."""
    found = []
    for run in _RUN.finditer(text):
        if run.end() - run.start() < 11:  # fewer than 11 digits: no kind is that short
            continue
        groups = [match.span() for match in _GROUP.finditer(text, run.start(), run.end())]
        sizes = [end - start for start, end in groups]
        # What stands on its own comes first: a group that is a number ("0512-6688 1234 13912345678")
        # and a landline written as area code and local number ("12329 0731-84561234").
        fixed: list[tuple[str, int, int] | None] = [_window(text, [group]) if size >= 11 else None for group, size in zip(groups, sizes)]
        for index in range(len(groups) - 1):
            if 7 <= sizes[index + 1] <= 8 and _landline_length(text, groups[index : index + 2]):
                fixed[index] = fixed[index + 1] = _LANDLINE
        index = 0
        while index < len(groups):
            if hit := fixed[index]:
                kind, start, end = hit
                prefix = groups[index - 1] if index else None
                if kind == "mobile" and prefix and text[prefix[0] : prefix[1]] in ("86", "0086"):
                    start = prefix[0]
                if kind != "landline":
                    found.append((kind, start, end))
                index += 1
                continue
            # The groups between are tried together, longest first from the left: at most 19
            # digits, inner groups of 3 or more (see _shaped), so each group costs a bounded time.
            local = _landline_length(text, groups[index : index + 9])
            if local:  # 025-8339 1234 2023年: the landline stays, and what follows it is no card
                index += local
                continue
            longest = 1
            while (
                index + longest < len(groups)
                and not fixed[index + longest]
                and sum(sizes[index : index + longest + 1]) <= 19
                and (longest == 1 or sizes[index + longest - 1] >= 3)
            ):
                longest += 1
            for count in range(longest, 0, -1):
                if 11 <= sum(sizes[index : index + count]) <= 19 and (hit := _window(text, groups[index : index + count])):
                    found.append(hit)
                    index += count
                    break
            else:
                index += 1
    for position, (kind, start, end) in enumerate(found):
        if kind == "mobile" and start and text[start - 1] == "+":
            found[position] = (kind, start - 1, end)
    return found


# --- e-mail addresses ------------------------------------------------------------------------

# "*" is excluded before the local part: "z***@qq.com" has already been masked and must not be
# masked again (idempotence). 。 may stand for the dot of the domain: zhang@qq。com.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+*-])(?P<local>[A-Za-z0-9._%+-]+) ?@ ?[A-Za-z0-9-]+(?:[.。][A-Za-z0-9-]+)*[.。][A-Za-z]{2,}(?![A-Za-z0-9-])")

# --- names -----------------------------------------------------------------------------------

# The common surnames (simplified and traditional), without those that are more often a word
# before a name than a surname (和 于 向 时 成 关 安 房 农 司 师 …): "和王先生" is 王先生.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆"
    "汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢齐易"
    "乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华"
    "喻祁蒲滕屈饶牟艾尤阳穆卓古吉缪简项芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬仇栾隋刁沙荣巫寇桑"
    "郎甄丛仲虞敖巩佘池查麻苑迟邝楚胥帅"
    "張陳劉楊黃趙吳孫馬鄭謝韓馮鄧蕭葉蘇呂盧鍾譚陸賈錢顧龔萬嚴湯溫龍羅許蔣鄒韋賀齊顏聶鮑鄔"
)
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 独孤 南宫 西门 歐陽 司馬 諸葛 東方 公孫 長孫".split()
)
# Characters almost never in a given name, most of them words that follow a surname:
# 王经理, 张局长, 李老师, 王家庄, 申请, 常年 are no names.
_NOT_GIVEN = frozenset(
    "的了吗呢吧啊么呀哦嘛在是和与及或而但就都也还又才已曾将把被让给对向从到于为以由因所等说称讲问答找去来要想能会可得过着"
    "先女士生同老师傅姐哥弟妹叔姨爷奶婆公总经理局长主任书记科处厅委办部门市省县区镇乡村街巷路号楼室户单元司企业位电话"
    "手机码身份证卡银行邮箱微信址住籍个人本我你他她您们某年月日时元万亿谢请额税费款保险贷法院校所站队会网这那哪什怎此其"
    "各每些该之很最更太没不无非只员工头庄湾坝港桥沟岭坡寨营屯堡坪塘便反映投诉举报咨询表示阅看未愿括述次打职序面式案目用重"
    "右度件出组务烦领导负责合"
)
# What may follow a name in running text without punctuation: 法人罗雄军在C市, 联系人张伟说…
_AFTER_NAME = frozenset("在说是的了和与及等已也都就于向对称讲因被把将曾今现要告诉住从到为以来去还又才所这那同")
# After a colon the name runs to the punctuation (联系人：邹民为), unless it is a surname and a title:
# 咨询人：彭经理, 联系人：吕老师 may stay.
_TITLE_CHARS = frozenset("经理老师主任局长科处书记傅总工某先女士姐哥叔姨爷奶")
# What may come right before a name: 致张伟先生, 感谢张伟先生, 业主张伟先生
_BEFORE_NAME = frozenset("是叫的给向和与及对请让被把由找问致谢人友民主户位系名姓")
# Words that end in a surname character and come before a name: 谢谢王先生 (王), 主任邓冰同志 (邓冰).
_WORDS_BEFORE_SURNAME = frozenset("谢谢 感谢 多谢 致谢 对方 双方 甲方 乙方 卖方 买方 各方 一方 我方 校方 警方 院方 厂方 主任 主席".split())
_TITLES = ("先生", "女士", "小姐", "同志")
# Labels after which a name follows; (needs a colon, the name must end at punctuation).
_LABELS = {
    **dict.fromkeys("提问 提問 署名 落款 签名 簽名 业主 住户 居民 村民 网友 市民 用户 客户 学生 患者 家长 职工".split(), (True, False)),
    **dict.fromkeys(["我是"], (False, True)),  # 我是武进的, 我是农民: only 我是张伟，
    **dict.fromkeys(
        "提问人 提問人 留言人 联系人 聯繫人 联络人 聯絡人 反映人 投诉人 投訴人 举报人 舉報人 来信人 來信人 咨询人 諮詢人 申请人 申請人 "
        "当事人 當事人 委托人 委託人 代理人 收件人 法定代表人 法人代表 法人 负责人 負責人 经办人 經辦人 户主 戶主 姓名 本人 我叫 名叫".split(),
        (False, False),
    ),
}
_CONTACTS = ("联系电话", "聯繫電話", "联系方式", "聯繫方式", "电话", "電話", "手机", "手機", "身份证", "身份證", "邮箱", "郵箱", "微信")
# One alternation of plain words: the regex engine then skips to the characters that can start one.
_TRIGGER = re.compile("|".join(sorted([*_LABELS, *_TITLES, *_CONTACTS], key=len, reverse=True)))
_JOINT = re.compile(r" *(?:[:：]|为|是|叫)? *")


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _surname_length(text: str, start: int) -> int:
    if text[start : start + 2] in _COMPOUND_SURNAMES:
        return 2
    return 1 if start < len(text) and text[start] in _SURNAMES else 0


def _given_ok(chars: str) -> bool:
    return all(_is_han(c) and c not in _NOT_GIVEN for c in chars)


def _name_after(text: str, start: int, strict: bool, colon: bool = False) -> int | None:
    """The end of a name starting at `start` (with its 先生/女士, if any), or None.

    After a colon (联系人：邹民为) any characters up to punctuation are the name."""
    surname = _surname_length(text, start)
    if not surname or text.startswith(_TITLES, start + surname):
        return None  # 提问：王先生 may stay
    for given in (2, 1):  # the longer name first: 法人罗雄军在…
        end = start + surname + given
        chars = text[start + surname : end]
        usual = _given_ok(chars)
        if end > len(text) or not (usual or (colon and all(_is_han(c) and c not in _TITLE_CHARS for c in chars))):
            continue
        if text.startswith(_TITLES, end):
            return end + 2
        if end == len(text) or not _is_han(text[end]) or (usual and not strict and text[end] in _AFTER_NAME):
            return end
    return None


def _is_name(text: str, start: int, end: int) -> bool:
    surname = _surname_length(text, start)
    return bool(surname) and 1 <= end - start - surname <= 2 and _given_ok(text[start + surname : end])


def _name_before(text: str, end: int, strict: bool) -> int | None:
    """The start of a name ending at `end` (before 先生, 电话 …), or None."""
    # 谢谢王先生: the name is only 王, and 谢 is no surname here
    names = [s for s in (end - 4, end - 3, end - 2) if s >= 0 and _is_name(text, s, end) and text[s - 1 : s + 1] not in _WORDS_BEFORE_SURNAME]
    for start in names:  # the longest whose left side is a boundary: 致王小明先生, 感谢张伟先生
        if not start or not _is_han(text[start - 1]) or text[start - 1] in _BEFORE_NAME:
            return start
    return names[0] if names and not strict else None  # in doubt, the longest: 书记胡华衡同志


def _before(text: str, end: int, skip: str) -> int:
    while end and text[end - 1] in skip:
        end -= 1
    return end


def _names(text: str, numbers: list[int]) -> list[tuple[int, int]]:
    """(start, end) of every name the normalised text marks as one; `numbers` are where personal
    numbers start (胡明亮320102…: a name glued to one is a name)."""
    found: list[tuple[int, int]] = []
    for number in numbers:
        end = _before(text, number, " :：")
        start = _name_before(text, end, strict=True)
        if start is not None:
            found.append((start, end))
    for match in _TRIGGER.finditer(text):
        word = match[0]
        if word in _LABELS:
            needs_colon, strict = _LABELS[word]
            after = _JOINT.match(text, match.end())  # always matches: each of its parts is optional
            start = after.end() if after else match.end()
            colon = ":" in text[match.end() : start] or "：" in text[match.end() : start]
            name_end = _name_after(text, start, strict, colon) if colon or not needs_colon else None
            if name_end is not None:
                found.append((start, name_end))
        else:
            title = word in _TITLES
            end = match.end() if title else _before(text, match.start(), " ")  # 颜荣有 电话
            begin = _name_before(text, end - 2 if title else end, strict=not title)
            if begin is not None:
                found.append((begin, end))
    apart: list[tuple[int, int]] = []
    for span in sorted(found):
        if not apart or span[0] >= apart[-1][1]:
            apart.append(span)
    core = text.strip()
    if not apart and 2 <= len(core) <= 4 and _name_after(core, 0, strict=True) == len(core):  # a text that is only a name
        start = text.index(core)
        apart.append((start, start + len(core)))
    return _again(text, apart)


def _again(text: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The names found, and every other place where the same name is written (这个王纳说…)."""
    names = {text[start:end].removesuffix(text[end - 2 : end] if text.endswith(_TITLES, start, end) else "") for start, end in found}
    spans = list(found)
    taken = bytearray(len(text))  # one flag a character: the check stays linear however often a name recurs
    for start, end in found:
        taken[start:end] = b"\x01" * (end - start)
    for name in names:
        position = text.find(name)
        while position != -1:
            end = position + len(name)
            if not any(taken[position:end]):
                spans.append((position, end))
                taken[position:end] = b"\x01" * (end - position)
            position = text.find(name, end)
    return spans


# --- finding and masking ---------------------------------------------------------------------


def find_personal_data(text: str) -> list[PersonalData]:
    """Every piece of personal data in text, in order, none overlapping."""
    normalised = _normalise(text)
    spans = _numbers(normalised)
    # 13812345678@qq.com: the number is masked and the address stays readable; any other address
    # is masked whole, with a number inside it (zhang13812345678@qq.com)
    emails = [m.span() for m in _EMAIL.finditer(normalised) if not _MOBILE.fullmatch(m["local"])] if "@" in normalised else []
    if emails:
        inside = bytearray(len(normalised))
        for start, end in emails:
            inside[start:end] = b"\x01" * (end - start)
        spans = [s for s in spans if not any(inside[s[1] : s[2]])] + [("email", start, end) for start, end in emails]
    spans += [("name", start, end) for start, end in _names(normalised, [s[1] for s in spans if s[0] != "email"])]
    return [PersonalData(kind, start, end, text[start:end]) for kind, start, end in sorted(spans, key=lambda s: s[1])]


def _significant(chars: str) -> str:
    """The characters that are masked or kept: digits and an ID's final X."""
    return "".join(c for c in chars if c in "0123456789Xx")


def _keep(kind: str, count: int) -> tuple[int, int]:
    """How many significant characters to keep at the head and the tail."""
    if kind == "id_card":
        return 6, 4 if count == 18 else 3
    if kind == "bank_card":
        return 4, 4
    return count - 8, 4  # mobile: the 4 digits before the last 4; 0086, 86 or 0 stays


def _mask(item: PersonalData, star: str) -> str:
    normalised = _normalise(item.text)
    if item.kind == "name":  # 张伟先生 → 张先生, 张伟 → 张**: the length of the name is not told
        surname = item.text[: _surname_length(normalised, 0)]
        return surname + item.text[-2:] if item.text.endswith(_TITLES) else surname + star * 2
    if item.kind == "email":
        return item.text[0] + star * 3 + item.text[normalised.index("@", 1) :]
    count = len(_significant(normalised))
    head, tail = _keep(item.kind, count)
    out, seen = [], 0
    for char, plain in zip(item.text, normalised):
        if _significant(plain):
            seen += 1
            if head < seen <= count - tail:
                char = star
        out.append(char)  # separators, +86 and full-width digits stay as written
    return "".join(out)


def redact(text: str, *, markdown: bool = False) -> str:
    """text with every piece of personal data masked; redact(redact(x)) == redact(x).

    markdown=True writes each mask star as \\* for text that is rendered as Markdown (an
    answer), where ** would start bold type."""
    star = "\\*" if markdown else "*"
    parts, position = [], 0
    for item in find_personal_data(text):
        parts += [text[position : item.start], _mask(item, star)]
        position = item.end
    return "".join(parts) + text[position:]
