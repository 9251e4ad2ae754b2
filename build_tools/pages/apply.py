"""What the 如何申请 panel prints: the application window in words and phone numbers as `tel:` links.

Both return text for the templates: the window as plain text (the template
escapes it), a contact line as Markup whose every part is escaped here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from markupsafe import Markup, escape

from build_tools.models import Application

# A phone number inside a contact line: 12366, 025-83391234, (025) 8339 1234, +86 25 8339 1234, full-width
# digits too. Not after a Latin letter or digit, so a word such as A12345 is left alone.
PHONE = re.compile(r"(?<![0-9A-Za-z])(?:\+\d{1,3}[ \-]?)?(?:[(（]\d{2,5}[)）][ \-]?)?\d[\d \-－‐–—]{2,18}\d(?!\d)")
PHONE_DIGITS = range(5, 16)  # 12345 is a hotline; more than 15 digits is no phone number (E.164)


def chinese_date(value: dt.date | None) -> str:
    """A date as 2023年2月16日; '' for none."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def window_text(application: Application) -> str:
    """The window in words: 2026年1月1日至2026年3月31日, 即日起至…, …起, then the recurring period, if any."""
    start, end = application.start, application.end
    if start and end:
        dates = f"{chinese_date(start)}至{chinese_date(end)}"
    elif end:
        dates = f"即日起至{chinese_date(end)}"
    elif start:
        dates = f"{chinese_date(start)}起"
    else:
        dates = ""
    if application.period:
        return f"{dates}；{application.period}" if dates else application.period  # the dates first: they are this window
    return dates


def phone_links(line: str) -> Markup:
    """A contact line with each phone number made a `tel:` link; the text stays as written, escaped."""
    return Markup("").join(Markup('<a href="tel:{}">{}</a>').format(tel, text) if tel else escape(text) for text, tel in phone_parts(line))


def phone_parts(line: str) -> list[tuple[str, str | None]]:
    """A contact line cut into (text, tel number or None): the numbers and the text around them, in order.
    For any page that links them (the matching page's data too), so every page links the same numbers."""
    parts: list[tuple[str, str | None]] = []
    written = 0
    for match in PHONE.finditer(line):
        number = tel_number(match.group())
        if number is None:
            continue
        parts += [(line[written : match.start()], None), (match.group(), number)]
        written = match.end()
    parts.append((line[written:], None))
    return [(text, tel) for text, tel in parts if text]


def tel_number(text: str) -> str | None:
    """The number as a `tel:` URI wants it: digits only (full-width ones made ASCII), a leading + kept; None if no phone."""
    digits = "".join(str(unicodedata.digit(c)) for c in text if c.isdigit())
    if len(digits) not in PHONE_DIGITS:
        return None
    return ("+" if text.startswith("+") else "") + digits
