"""The `apply:` block of an explainer (如何申请) → `Application`, every field checked at its line.

The block says what an enterprise does next: the application window (`start`,
`end`, or a recurring `period` in words), where (`url`, `channel`, `address`)
and for how much (`amount` as the policy words it, `amount_yuan` to sort by).
`no_application: true` marks a benefit granted without applying (免申即享).
"""

from __future__ import annotations

import re
import unicodedata

from build_tools.check.fields import FieldReader
from build_tools.models import Application

APPLY_FIELDS = ("start", "end", "period", "url", "channel", "address", "amount", "amount_yuan", "no_application")
_WINDOW = ("start", "end", "period")  # what a 免申即享 policy has none of: nothing to apply for
# One sum of money as policies write it: 200万元, 1,000万元, 1.5亿元, 3000元 (digits already half-width).
_MONEY = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万|亿)?\s*元")
_UNITS = {None: 1, "万": 10_000, "亿": 100_000_000}
# What an author may have written as amount_yuan: a number, perhaps with 万/亿 and 元 (200万, 1.5亿元, "2000000").
_PLAIN = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万|亿)?\s*元?")


def read_application(reader: FieldReader) -> Application | None:
    """The explainer's `apply:` block, or None when it has none (or only empty fields, as `policy new` writes it)."""
    block = reader.mapping("apply")
    if block is None:
        return None
    block.unknown_keys(APPLY_FIELDS)
    start, end = block.date("start"), block.date("end")
    if start and end and end < start:
        block.report("end", f"申报截止日期 {end} 早于开始日期 {start}，请检查 / end ({end}) is before start ({start}): correct one of them")
    amount = block.text("amount")
    application = Application(
        start=start,
        end=end,
        period=block.text("period"),
        url=block.url("url"),
        channel=block.text("channel"),
        address=block.text("address"),
        amount=amount,
        amount_yuan=_amount_yuan(block, amount),
        no_application=block.boolean("no_application"),
        line=reader.document.line_of(f"{reader.prefix}apply"),
    )
    if application.no_application:
        _no_window(block)
    return None if application == Application(line=application.line) else application


def amount_in(text: str) -> float | None:
    """The sum of money `text` names, in 元, when it names exactly one (最高200万元 → 2000000); else None.

    Two sums (贷款1000万元以内的给予贴息，最高50万元) may be a condition and a grant: which one
    is the support is for the author to say with `amount_yuan`, never for a guess."""
    sums = _MONEY.findall(unicodedata.normalize("NFKC", text))
    if len(sums) != 1:
        return None
    number, unit = sums[0]
    return float(number.replace(",", "")) * _UNITS[unit or None]


def _amount_yuan(block: FieldReader, amount: str | None) -> float | None:
    """`amount_yuan` as written (a number of 元, not negative; quoted or not), else the one sum `amount` names."""
    if not block.present("amount_yuan", required=False):
        return amount_in(amount) if amount else None
    value = block.data["amount_yuan"]
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    match = _PLAIN.fullmatch(unicodedata.normalize("NFKC", str(value)).strip()) if isinstance(value, (str, int, float)) else None
    if match and not match[2] and "元" not in match[0] and not isinstance(value, bool):
        return float(match[1].replace(",", ""))  # "2000000": a number in quotes
    zh, en = (f"，例如 {_yuan(match)}", f", e.g. {_yuan(match)}") if match else ("", "")
    block.report(
        "amount_yuan",
        f"amount_yuan 应为以元计的数字（不写“万”“元”）{zh} / '{value}' is not an amount_yuan: write a number of yuan without units{en}",
    )
    return None


def _yuan(match: re.Match[str]) -> str:
    """What `200万` or `1.5亿元` is as a number of 元, written out."""
    return f"{float(match[1].replace(',', '')) * _UNITS[match[2] or None]:.0f}"


def _no_window(block: FieldReader) -> None:
    """免申即享 (`no_application: true`) has no application window: the two cannot both hold."""
    for key in _WINDOW:
        if block.present(key, required=False):
            block.report(
                key,
                f"已写 no_application: true（免申即享，无需申报），不应再写申报时间 {key}，请删除这一行或删除 no_application / "
                f"no_application: true (nothing to apply for) has no application window: delete this line, or no_application",
            )
