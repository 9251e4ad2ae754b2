"""Twins: an explainer and its version in the other script (简体/繁體) share a key, so that every list
(both search indexes, the matching page) can show them as one result with a link to the other."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from build_tools.text.analysis import DOCNUM, fold, normalise_docnum

_SCRIPT_NOTE = re.compile(r"[（(【\[]?\s*(繁体|正体)(中文)?(版|版本)?\s*[）)】\]]?")
_PUNCTUATION = re.compile(r"[^\w]+")
_HALF_WIDTH_ONLY = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def twin_key(number: str | None, title: str, marked: str = "") -> str:
    """What an explainer and its version in the other script share: the twins its author marked (`marked`,
    see `marked_twins`), else its 文号, else its title folded to simplified without a "繁体版" note and
    punctuation (「」 or “”); a short hash. Copies in the same script share it too: only explainers of
    different scripts are one result (see `script_of`)."""
    if marked:
        key = "marked:" + marked
    elif match := DOCNUM.search(fold(number or "")):
        key = "docnum:" + normalise_docnum((match["prefix"] or "")[-3:], match["year"], match["number"])
    else:
        key = "title:" + _PUNCTUATION.sub("", _SCRIPT_NOTE.sub("", fold(title)))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def marked_twins(marks: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Slug → the first slug of the explainers marked as one in two scripts (each explainer's
    `twins:`, given as (slug, twins) pairs; marks join up: a → b and b → c are one), for those marked."""
    parent: dict[str, str] = {}

    def root(slug: str) -> str:
        while parent.setdefault(slug, slug) != slug:
            slug = parent[slug]
        return slug

    for slug, twins in marks:
        for twin in twins:
            first, second = sorted((root(slug), root(twin)))
            parent[second] = first
    return {slug: root(slug) for slug in parent}  # only marked slugs were ever added


def script_of(title: str) -> str:
    """ "繁" when the title is in traditional script (folding changes it), else "简"."""
    return "繁" if fold(title) != title.translate(_HALF_WIDTH_ONLY).lower() else "简"
