"""Mask personal data in text written by the public before it is published.

Questions on message boards, hotline digests and asker lines may contain ID
card, bank card and mobile numbers or e-mail addresses; everything bound for
the site, a feed or the search index must go through redact() first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PersonalData:
    """Personal data found in a text: its kind and where it is."""

    kind: str  # "id_card", "bank_card", "mobile" or "email"
    start: int
    end: int
    text: str


# Full-width digits map one character to one, so every index found in the
# normalised copy is also an index into the original text.
_NORMALISE = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")

# A match may not be glued to more digits, so numbers inside longer numbers
# are left alone; letters around them (tel13812345678) do not protect them.
_B = r"(?<![0-9])"
_E = r"(?![0-9])"

_ID_CARD = re.compile(_B + r"(?:[0-9]{17}[0-9Xx]|[0-9]{15})" + _E)
# Grouped cards use one separator throughout; the final lookahead stops a
# match from ending inside a longer grouped number ("... 7890 1234 5").
_BANK_CARD = re.compile(
    _B + r"(?:[0-9]{16,19}"
    r"|[0-9]{4}(?P<sep>[ -])[0-9]{4}(?P=sep)[0-9]{4}(?P=sep)[0-9]{4}"
    r"(?:(?P=sep)[0-9]{1,3})?)" + _E + r"(?!(?P=sep)[0-9])"
)
_MOBILE = re.compile(
    _B + r"(?:(?:\+?86|[(（]\+?86[)）])[ -]?)?"
    r"1[3-9][0-9](?P<sep>[ -]?)[0-9]{4}(?P=sep)[0-9]{4}" + _E + r"(?!(?P=sep)[0-9])"
)
# "*" is excluded before the local part: "138****5678@qq.com" has already
# been masked and must not be masked again (idempotence).
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+*-])[A-Za-z0-9._%+-]+"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)

_ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2099


def _is_id_card(number: str) -> bool:
    """ISO 7064 MOD 11-2 check digit and a real birth date (18 digits);
    15-digit IDs from before 1999 have no check digit, only YYMMDD."""
    if len(number) == 15:
        return number.isdigit() and _is_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    check = "10X98765432"[total % 11]
    return number[17].upper() == check and _is_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _passes_luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    doubled = [d * 2 - 9 if d > 4 else d * 2 for d in digits[1::2]]
    return (sum(digits[0::2]) + sum(doubled)) % 10 == 0


def _significant(chars: str) -> str:
    """The characters that are masked or kept: digits and an ID's final X."""
    return "".join(c for c in chars if c in "0123456789Xx")


# kind -> (pattern, test on its digits); the order is the precedence.
_RULES = {
    "id_card": (_ID_CARD, _is_id_card),
    "bank_card": (_BANK_CARD, _passes_luhn),
    "mobile": (_MOBILE, lambda digits: True),
    "email": (_EMAIL, lambda digits: True),
}


def find_personal_data(text: str) -> list[PersonalData]:
    """Every piece of personal data in text, in order, none overlapping."""
    normalised = text.translate(_NORMALISE)
    found: list[PersonalData] = []
    for kind, (pattern, is_valid) in _RULES.items():
        for match in pattern.finditer(normalised):
            start, end = match.span()
            if not is_valid(_significant(match.group())):
                continue
            # A span already claimed by a stronger kind wins: no double masking.
            if any(start < other.end and other.start < end for other in found):
                continue
            found.append(PersonalData(kind, start, end, text[start:end]))
    return sorted(found, key=lambda item: item.start)


def _keep(kind: str, count: int) -> tuple[int, int]:
    """How many significant characters to keep at the head and the tail."""
    if kind == "id_card":
        return 6, 4 if count == 18 else 3
    if kind == "bank_card":
        return 4, 4
    return count - 8, 4  # mobile: the 4 digits before the last 4; +86 stays


def _mask(item: PersonalData) -> str:
    if item.kind == "email":
        return item.text[0] + "***" + item.text[item.text.index("@") :]
    normalised = item.text.translate(_NORMALISE)
    count = len(_significant(normalised))
    head, tail = _keep(item.kind, count)
    out, seen = [], 0
    for char, plain in zip(item.text, normalised):
        if _significant(plain):
            seen += 1
            if head < seen <= count - tail:
                char = "*"
        out.append(char)  # separators, +86 and full-width digits stay as written
    return "".join(out)


def redact(text: str) -> str:
    """text with every piece of personal data masked; redact(redact(x)) == redact(x)."""
    parts, position = [], 0
    for item in find_personal_data(text):
        parts += [text[position : item.start], _mask(item)]
        position = item.end
    return "".join(parts) + text[position:]
