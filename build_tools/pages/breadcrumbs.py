"""Breadcrumbs: where a page sits in the site, home › topic or department › the page.

A trail is the (name, page URL) of each step from the home page down, the
page itself left out; the page's front matter carries it
(templates/_macros.j2) and the theme prints it above the title as
`<nav aria-label="面包屑">` (site/defaults/theme/main.html). An explainer sits
under its first topic (its department when it has none), a FAQ entry under the
FAQ's list of its first topic, a list page under its section.
"""

from __future__ import annotations

from build_tools.models import Explainer, FAQEntry

Trail = tuple[tuple[str, str], ...]

HOME: Trail = (("首页", ""),)
FAQ: Trail = (*HOME, ("常见问题", "faq/"))
SESSIONS: Trail = (*HOME, ("答疑与问答", "qa/"))


def explainer_trail(explainer: Explainer) -> Trail:
    """Home › the explainer's first topic, or its department when it has no topic."""
    if explainer.topics:
        topic = explainer.topics[0]
        return (*HOME, (topic.name, f"topics/{topic.id}/"))
    return (*HOME, (explainer.department.name, f"departments/{explainer.department.id}/"))


def faq_entry_trail(entry: FAQEntry) -> Trail:
    """Home › 常见问题 › the FAQ list of the entry's first topic, when it has one."""
    if entry.topics:
        topic = entry.topics[0]
        return (*FAQ, (f"{topic.name}常见问题", f"faq/topics/{topic.id}/"))
    return FAQ


def below(trail: Trail, name: str, folder: str) -> Trail:
    """`trail` and one step more: the page of `folder` (a section of lists), for the pages under it."""
    return (*trail, (name, f"{folder}/"))
