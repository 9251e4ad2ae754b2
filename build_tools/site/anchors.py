"""Section anchors made of the heading's own words: `## 办理流程` → `#办理流程`, the same on every rebuild.

Python-Markdown's table of contents makes ids from ASCII letters only, so a
Chinese heading got `_1`, `_2`: a link to 办理流程 said nothing and pointed
elsewhere once a heading moved. This extension (in `markdown_extensions` of
the packaged mkdocs.yml) gives each heading that has no id yet the words of
its text (pymdownx's Unicode slug, lower case: letters, digits, `_` and `-`),
and a second heading of the same words `-1`, `-2` …. It runs after attr_list
(an id written `{: #id }` stays) and before the table of contents, which
keeps the ids it finds, so the page's table of contents links the same ids.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.extensions.toc import remove_fnrefs, render_inner_html, strip_tags
from markdown.treeprocessors import Treeprocessor
from markdown.util import STX
from pymdownx.slugs import slugify

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
SEPARATOR = "-"
EMPTY = "节"  # a heading of punctuation only still gets an id of its own
_slug = slugify(case="lower")
_DASHES = re.compile(r"-{2,}")  # "A & B" loses its "&": one dash, not two
# After attr_list (8), which sets ids written in the heading; before toc (5), which keeps an id it finds.
PRIORITY = 6


def anchor(text: str) -> str:
    """The id made from a heading's text: its words, lower case, spaces as one `-` (none at the ends). No
    leading `_`: the site drops ids that start with `__`, which Material keeps for its own elements (pages/sanitise.py)."""
    return _DASHES.sub(SEPARATOR, _slug(text, SEPARATOR)).strip("-").lstrip("_") or EMPTY


def unique(base: str, used: set[str]) -> str:
    """`base`, or `base-1`, `base-2` … when a heading before it took it."""
    candidate, number = base, 0
    while candidate in used:
        number += 1
        candidate = f"{base}{SEPARATOR}{number}"
    used.add(candidate)
    return candidate


class _Anchors(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        used = {element.attrib["id"] for element in root.iter() if "id" in element.attrib}
        for element in root.iter():
            if element.tag in HEADINGS and "id" not in element.attrib:
                element.attrib["id"] = unique(anchor(self._text(element)), used)

    def _text(self, heading: etree.Element) -> str:
        """The heading's text as the table of contents reads it (footnote marks out, tags stripped)."""
        if len(heading) == 0 and STX not in (heading.text or ""):
            return heading.text or ""  # plain words, most headings: no need to render them
        return html.unescape(strip_tags(render_inner_html(remove_fnrefs(heading), self.md)))


class AnchorsExtension(Extension):
    """Headings get ids of their own words (see the module's docstring)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802  # Markdown's name
        md.treeprocessors.register(_Anchors(md), "policy_anchors", PRIORITY)


def makeExtension(**kwargs) -> AnchorsExtension:  # noqa: N802  # the name Markdown looks for
    return AnchorsExtension(**kwargs)
