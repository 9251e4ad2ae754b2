"""No policy in force forever by accident: warnings for explainers without `expires` that are likely out of date.

An explainer without `expires` is shown 现行有效 for ever. Most policies
(规范性文件) are valid for five years at most, and many state their own term
in the text: 有效期至2020年6月30日, 执行至2021年12月31日, 自印发之日起施行，
有效期3个月. So `policy check` warns, on its `--today` date, about every
explainer in force without `expires` that began more than `years` years ago
or whose own text says it has lapsed, and proposes the date the text states,
naming its line. A warning never fails a check or a build.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from build_tools.load.tree import shown_path
from build_tools.models import Explainer, Issue, Severity, Status

DEFAULT_YEARS = 5  # the usual term of a 规范性文件

_NUMBER = r"[0-9０-９]{1,2}|[一二两三四五六七八九十]{1,3}"
_DATE = r"(?P<{0}y>\d{{4}})\s*年\s*(?:(?P<{0}m>\d{{1,2}})\s*月\s*(?:(?P<{0}d>\d{{1,2}})\s*日|(?P<{0}me>底|末))|(?P<{0}ye>底|末))"
_TERM = r"(?:有效期限?|执行期限?|实施期限?|施行期限?)"
_FROM = rf"(?:自?(?:本\w{{0,4}})?(?:印发|发布|公布|出台|下发)之日起|自?{_DATE.format('s')}起?)"
# The end date the text names: 有效期至…, 执行期限为…至…, (暂)执行至…
_UNTIL = re.compile(rf"(?:{_TERM}\s*(?:为|是|：|:)?\s*(?:{_FROM})?\s*(?:至|到)|(?:暂|继续)?(?:执行|实施|施行)(?:至|到))\s*{_DATE.format('e')}")
# A term from a start: 有效期3个月, 有效期一年, 执行期限自发布之日起3个月 (never 有效期3个月的…证: a licence's term).
_FOR = re.compile(rf"{_TERM}\s*(?:为|是|：|:)?\s*(?P<from>{_FROM})?\s*(?P<n>{_NUMBER})\s*(?P<unit>个月|年)(?!的|内|以|之)")
_ISSUED = re.compile(r"(?:印发|发布|公布|出台|下发)之日起")
_START = re.compile(rf"自\s*{_DATE.format('s')}\s*起")
# What every statement of a term holds (有效期, 执行期限, 执行至 …), and what ends a sentence.
_KEYWORDS = re.compile("有效期|期限|执行期|行至|施至|行到|施到")
_STOPS = ("。", "；", ";", "！", "!", "？", "?", "\n")
_REACH = 200  # characters looked at on either side of a 有效期 for its sentence's ends: such a sentence is short
# A sentence about the document itself: its name (本办法, 上述政策), its date of issue, or the day it takes effect.
_ABOUT_ITSELF = re.compile(
    r"本(?:通知|办法|措施|意见|规定|细则|政策|方案|决定|公告|文件|规范|实施意见|若干措施|若干政策)"
    r"|(?:上述|以上|前述)\w{0,8}?(?:政策|措施|条款|规定)"
    r"|(?:印发|发布|公布|出台|下发)之日起"
    r"|自\s*\d{4}\s*年[^，,]{0,8}起(?:施行|执行|实施)"
)
_CHINESE = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class StatedEnd:
    """The last day of validity an explainer's body states, and the line that states it."""

    date: dt.date
    line: int
    text: str  # the words that state it, as written


def validity_warnings(explainers: list[Explainer], status: dict[str, Status], today: dt.date, years: int = DEFAULT_YEARS) -> list[Issue]:
    """A warning for each explainer in force on `today` without `expires` that is older than `years` years
    (0: never) or whose body says it has lapsed; the date its body states, if any, is proposed."""
    warnings = []
    for explainer in explainers:
        if explainer.expires or status.get(explainer.slug) is not Status.IN_FORCE:
            continue
        stated = stated_end(explainer)
        began = start_of(explainer)
        old = years > 0 and today > add_months(began, 12 * years)
        if stated and (old or stated.date < today):
            warnings.append(_proposal(explainer, stated, today))
        elif old:
            warnings.append(_no_term(explainer, began, years))
    return warnings


def start_of(explainer: Explainer) -> dt.date:
    """When the policy began: its effective date, else its document's date, else the explainer's."""
    issued = explainer.policy.issued if explainer.policy else None
    return explainer.effective or issued or explainer.published


def stated_end(explainer: Explainer) -> StatedEnd | None:
    """The latest end of validity the body states for the policy itself (a document may give some measures a
    shorter term), or None. Only a sentence about the document counts: 本办法…有效期5年, 上述政策执行至…,
    自印发之日起…; a licence's term (资格自颁发证书之日起有效期为三年) is no policy's."""
    body = explainer.body
    found: list[StatedEnd] = []
    for start, end in _sentences_with_a_term_word(body):
        sentence = body[start:end]
        if not _ABOUT_ITSELF.search(sentence):
            continue
        line = explainer.body_line + body.count("\n", 0, start)
        for match in _UNTIL.finditer(sentence):
            if day := _date(match, "e"):
                found.append(StatedEnd(day, line, match[0]))
        for match in _FOR.finditer(sentence):
            if day := _end_of_term(explainer, sentence, match):
                found.append(StatedEnd(day, line, match[0]))
    return max(found, key=lambda s: (s.date, -s.line)) if found else None


def _sentences_with_a_term_word(body: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `body` holding 有效期, 期限, 执行至 …, in order.

    One search of the whole body for the words, then the sentence around each: searching line by
    line, or sentence by sentence, cost three to ten times more (a call per line), and 20,000
    explainers are checked on every run."""
    spans = set()
    for hit in _KEYWORDS.finditer(body):
        at = hit.start()
        first, last = max(at - _REACH, 0), min(at + _REACH, len(body))  # an absent mark is not looked for in all the body
        start = max(first - 1, *(body.rfind(mark, first, at) for mark in _STOPS)) + 1
        end = min(last, *(found for mark in _STOPS if (found := body.find(mark, at, last)) != -1))
        spans.add((start, end))
    return sorted(spans)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, on the month's last day when it has no such day (29 Feb + 12 months → 28 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _end_of_term(explainer: Explainer, sentence: str, match: re.Match[str]) -> dt.date | None:
    """The last day of a term of N months or years: from the date it names, else from the document's date."""
    count = _count(match["n"])
    if not count:
        return None
    months = count * (12 if match["unit"] == "年" else 1)
    start = _date(match, "s") if match["from"] else None
    if start is None:
        before = _START.search(sentence, 0, match.start()) or _START.search(sentence, match.end())  # 自2025年11月20日起施行，有效期5年
        start = _date(before, "s") if before else None
    if start is None:
        issued = explainer.policy.issued if explainer.policy else None
        mentions_issue = bool(match["from"] and _ISSUED.search(match["from"])) or bool(_ISSUED.search(sentence))
        start = (issued or explainer.effective or explainer.published) if mentions_issue else start_of(explainer)
    return add_months(start, months) - dt.timedelta(days=1)  # 自3月1日起有效期1年: through the last day of February


def _count(text: str) -> int:
    """3, ３, 三, 两, 十二 → the number."""
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        text = "一" + text
    tens, _, ones = text.partition("十")
    if "十" in text:
        return _CHINESE.get(tens, 0) * 10 + _CHINESE.get(ones, 0)
    return _CHINESE.get(text, 0)


def _date(match: re.Match[str] | None, group: str) -> dt.date | None:
    """The date of a `_DATE` named `group` in `match`: 2020年6月30日, 2020年6月底, 2020年底."""
    if match is None or not match[f"{group}y"]:
        return None
    year = int(match[f"{group}y"])
    try:
        if match[f"{group}ye"]:
            return dt.date(year, 12, 31)
        month = int(match[f"{group}m"])
        if match[f"{group}me"]:
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        return dt.date(year, month, int(match[f"{group}d"]))
    except ValueError:  # 2020年2月30日: a typo in the text, no date to propose
        return None


def _proposal(explainer: Explainer, stated: StatedEnd, today: dt.date) -> Issue:
    lapsed_zh, lapsed_en = ("已过期", "has passed") if stated.date < today else ("", "")
    return Issue(
        shown_path(explainer.path),
        stated.line,
        "expires",
        f"没有写 expires（失效日期），网站会一直显示“现行有效”；正文这一行写明“{stated.text}”{lapsed_zh}，"
        f"请核实后在 front matter 中加上 expires: {stated.date.isoformat()} / "
        f"no expires, so the site shows this policy in force for ever; this line of the body states '{stated.text}'"
        f"{' (which ' + lapsed_en + ')' if lapsed_en else ''}: check it and add expires: {stated.date.isoformat()}",
        Severity.WARNING,
    )


def _no_term(explainer: Explainer, began: dt.date, years: int) -> Issue:
    return Issue(
        shown_path(explainer.path),
        max(explainer.body_line - 1, 1),  # the front matter's closing line: where expires: goes
        "expires",
        f"没有写 expires（失效日期），而政策始于 {began.isoformat()}，已超过 {years} 年（规范性文件通常的有效期），网站仍显示“现行有效”："
        f"请核实是否仍然有效，已失效或有新政策时加上 expires: YYYY-MM-DD 或用新的解读 supersedes 它 / "
        f"no expires, and the policy began on {began.isoformat()}, more than {years} years ago (the usual term of a normative document), "
        f"yet the site shows it in force: check it, and add expires: YYYY-MM-DD or supersede it with a newer explainer",
        Severity.WARNING,
    )
