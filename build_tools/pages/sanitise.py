"""HTML written by departments (explainer bodies, Q&A answers) cut down to an allow-list, so that nothing in it runs.

One allow-list for both, with nh3: its default tags and attributes and those
that Markdown, its extensions and Material's features add (headings with ids,
tables, admonitions, code, footnotes, details); links to http, https, mailto,
tel and relative URLs only. Scripts and styles go with their text; event
handlers, `style`, `javascript:` and `data:` URLs, comments, form fields and
unknown tags go. The site adapter applies it to each explainer page's HTML
after Markdown (site/plugin.py), generate.py to each answer.
"""

from __future__ import annotations

from collections.abc import Callable

import nh3

URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})  # relative URLs pass as well; javascript: and data: do not
TAGS = frozenset(nh3.ALLOWED_TAGS)  # no form fields: a box asking for an ID number would look like the government's own
_MORE_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role"},
    "a": {"rel", "type"},  # rel="noopener" of the templates' external links
    "img": {"loading"},
    "time": {"datetime"},
    "details": {"open"},
}
ATTRIBUTES = {
    tag: set(nh3.ALLOWED_ATTRIBUTES.get(tag, ())) | _MORE_ATTRIBUTES.get(tag, set()) for tag in nh3.ALLOWED_ATTRIBUTES.keys() | _MORE_ATTRIBUTES.keys()
}
# Material finds its own elements by ids that start with "__" (#__config: its settings, read as JSON);
# an element of the content with such an id would come first in the page and be taken for Material's.
MATERIAL_ID = "__"


def _not_material_id(tag: str, attribute: str, value: str) -> str | None:
    return None if attribute == "id" and value.startswith(MATERIAL_ID) else value


def _cleaner(attribute_filter: Callable[[str, str, str], str | None] | None = None) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(TAGS),
        attributes=ATTRIBUTES,
        generic_attribute_prefixes={"aria-"},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,  # the links keep their own rel: nh3's default would add one to every link of the page
        attribute_filter=attribute_filter,
    )


_CLEANER = _cleaner()
_CLEANER_OF_IDS = _cleaner(_not_material_id)


def clean_html(html: str) -> str:
    """`html` with only the allowed tags, attributes and URL schemes: no script, style, event handler, javascript: or data: URL."""
    # The id filter is a Python call for each attribute: only for HTML where an id could start with "__" (or an entity spell it).
    return (_CLEANER_OF_IDS if MATERIAL_ID in html or "&" in html else _CLEANER).clean(html)
