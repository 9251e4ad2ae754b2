"""The search lexicon: groups of equivalent words (个税 = 个人所得税), whose words a search counts as one.

Three sources, joined into one set of groups (two groups sharing a word become one):
  the starter lexicon packaged here (`synonyms.yml`: common government-domain
  equivalences), a project's own `content/synonyms.yml` (checked by
  check/registries.py), and definitions mined from the explainers themselves:
  a document's "（以下简称“短称”）" / "（简称…）" makes the short form equivalent to
  the name written just before it.

Topic vocabulary (taxonomy.yml synonyms) is related, not equivalent: it stays out of here.

Also mined: 文号 ↔ title. The policies the explainers name (`policy:` title and number) and the
citations "《title》（文号）" in their text tell which 文号 a title stands for, so a text that cites a
policy by its title alone is found by its 文号 too (`titled_numbers`, `cited_numbers`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from build_tools.text.analysis import DOCNUM, fold

DEFAULT_FILE = Path(__file__).with_name("synonyms.yml")

# “full name”（以下简称“short”） / （简称 short）: the short form in quotes or up to the bracket's end.
_DEFINITION = re.compile(
    r"(?P<full>[\u4e00-\u9fff0-9a-zA-Z《》“”\"]{4,40}?)\s*[（(]\s*(?:以下)?(?:简称|下称)\s*[:：]?\s*[“\"「『]?(?P<short>[\u4e00-\u9fff0-9a-zA-Z]{2,12})[”\"」』]?\s*[）)]"
)
_QUOTES = '《》“”"「」『』'
_CITATION = re.compile(r"《(?P<title>[^《》\n]{4,80})》\s*[（(]\s*(?P<number>[^（）()《》\n]{4,30}?号)\s*[）)]")
_TITLE = re.compile(r"《(?P<title>[^《》\n]{4,80})》")


@lru_cache(maxsize=1)
def default_groups() -> tuple[tuple[str, ...], ...]:
    """The starter lexicon shipped with the package."""
    data = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8")) or []
    return tuple(tuple(str(word) for word in group) for group in data)


def mined_groups(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(full name, short form) of every "（以下简称“…”）" / "（简称…）" definition in `texts`; a short
    form defined for two different names (本办法, 《通知》) is no equivalence and is left out."""
    found: dict[tuple[str, str], None] = {}
    for text in texts:
        if "简称" not in text and "下称" not in text:
            continue
        for match in _DEFINITION.finditer(text):
            full = _last_phrase(match["full"])
            short = match["short"]
            if len(full) > len(short) >= 2 and full != short:
                found[(full, short)] = None
    fulls: dict[str, set[str]] = {}
    for full, short in found:
        fulls.setdefault(short, set()).add(full)
    return [(full, short) for full, short in found if len(fulls[short]) == 1]


def _last_phrase(text: str) -> str:
    """The name just before a definition: after the last quote or title mark, without them."""
    for mark in '《“"':
        if mark in text:
            text = text.rsplit(mark, 1)[1]
    return text.strip(_QUOTES)


def joined(groups: Iterable[Iterable[str]]) -> list[tuple[str, ...]]:
    """Groups that share a word joined into one (union-find), each in first-seen word order, duplicates out."""
    parent: dict[str, str] = {}

    def root(word: str) -> str:
        while parent[word] != word:
            parent[word] = parent[parent[word]]
            word = parent[word]
        return word

    order: list[str] = []
    for group in groups:
        words = [w for w in dict.fromkeys(str(w).strip() for w in group) if w]
        for word in words:
            if word not in parent:
                parent[word] = word
                order.append(word)
        for word in words[1:]:
            parent[root(word)] = root(words[0])
    members: dict[str, list[str]] = {}
    for word in order:
        members.setdefault(root(word), []).append(word)
    return [tuple(group) for group in members.values() if len(group) > 1]


def equivalence_groups(project_groups: Iterable[Iterable[str]] = (), texts: Iterable[str] = ()) -> list[tuple[str, ...]]:
    """The search's equivalences: the starter lexicon, the project's groups, the definitions mined from `texts`."""
    return joined([*default_groups(), *project_groups, *mined_groups(texts)])


def titled_numbers(named: Iterable[tuple[str, str | None]], texts: Iterable[str]) -> dict[str, str]:
    """Folded title → its 文号, from the (title, number) of the policies explainers name and from the
    citations "《title》（文号）" in `texts`; a title given two different 文号 is left out."""
    numbers: dict[str, set[str]] = {}
    for title, number in named:
        _add_titled(numbers, title, number)
    for text in texts:
        if "《" in text:
            for match in _CITATION.finditer(text):
                _add_titled(numbers, match["title"], match["number"])
    return {title: next(iter(found)) for title, found in sorted(numbers.items()) if len(found) == 1}


def cited_numbers(text: str, numbers: dict[str, str]) -> tuple[str, ...]:
    """The 文号 of the policies `text` cites by title (《title》) without writing their 文号 in it."""
    if "《" not in text or not numbers:
        return ()
    # Only the titles are folded, not the whole text (OpenCC over every body would cost seconds at
    # 20,000 explainers); a 文号 the text writes in another script or brackets is then counted twice.
    cited = (numbers.get(fold(match["title"]).strip()) for match in _TITLE.finditer(text))
    return tuple(dict.fromkeys(number for number in cited if number and number not in text))


def _add_titled(numbers: dict[str, set[str]], title: str, number: str | None) -> None:
    if number and DOCNUM.search(fold(number)):
        numbers.setdefault(fold(title).strip(_QUOTES + " "), set()).add(fold(number).strip())
