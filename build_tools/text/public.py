"""Text the public wrote (questions from message boards, hotlines, live sessions), as plain text to show.

A message-board export keeps the board's markup: `<b>急</b>政府采购…`,
`&nbsp;`, `<br>`. Escaped as it was, a page showed the title `<b>急</b>…`
literally. Here the markup is read as a browser would show it: tags dropped
(what <script> and <style> hold goes with them), entities decoded, a `<br>`
or a paragraph's end a line break; then personal data is masked (redact.py),
after the tags are gone, so that a tag inside a number cannot hide it. The
result is plain text: each writer escapes it for where it goes (HTML,
XML, JSON). Pages, feeds, the search indexes and the editors' report show a
question through `public_title`, so every place shows it the same.
"""

from __future__ import annotations

import html
import re

from build_tools.text.redact import redact

# A tag is `<` and a letter (or `</` and a letter) up to its `>`: "收入<50万元" and "A<B" stay text.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_HIDDEN = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6])\s*>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def public_plain(value: str | None) -> str:
    """Text of the public as plain text: its markup read as a browser shows it, line breaks kept, personal data masked."""
    text = _HIDDEN.sub("", _COMMENT.sub("", value or ""))
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", text)))
    return redact(text.replace("\xa0", " "))


def public_title(value: str | None) -> str:
    """A question of the public as a title: plain text (`public_plain`) on one line."""
    return _SPACES.sub(" ", public_plain(value)).strip()
