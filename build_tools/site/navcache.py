"""The theme's navigation (and its scripts' settings) rendered once for all the pages that see it the same.

Material renders its navigation drawer and tabs again for every page: at
1,000 explainers (5,500 pages) that was a quarter of the theme's time
(profiled). For a page that is not in the navigation, nothing in them is
active, so the HTML depends on the page only through the relative links it
holds. The MkDocs adapter wraps those partials: a page outside the navigation
gets the HTML already rendered for a page with the same relative links;
pages of the navigation are rendered as before. Material's settings for its
scripts (block `config`, 5 % of the theme's time at 5,000 explainers) differ
only by the page's depth, and are rendered once per depth.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any

# Partials whose only dependence on a page outside the navigation is its relative links.
CACHED_PARTIALS = ("partials/nav.html", "partials/tabs.html")
# Blocks of the theme that depend on any page only through its depth (`base_url`): Material's
# settings for its scripts (features, translations, the relative URL of its search worker).
CACHED_BLOCKS = (("base.html", "config"),)


def cache_navigation(env: Any, nav: Any, config: Any) -> None:
    """Wrap the navigation partials and the blocks above of the Jinja environment `env` of a MkDocs build."""
    in_nav = {page.file.src_uri for page in nav.pages}
    targets = _link_targets(nav, config)
    url = env.filters["url"]
    for name in CACHED_PARTIALS:
        template = env.get_template(name)
        template.root_render_func = _cached(template.root_render_func, in_nav, targets, url)
    for name, block in CACHED_BLOCKS:
        blocks = env.get_template(name).blocks
        if block in blocks:
            blocks[block] = _cached_by_depth(blocks[block])


def _cached_by_depth(render: Callable[[Any], Iterator[str]]) -> Callable[[Any], Iterator[str]]:
    return _rendered_once(render, lambda context: context.get("base_url"))


def _cached(render: Callable[[Any], Iterator[str]], in_nav: set[str], targets: list[str], url: Callable) -> Callable[[Any], Iterator[str]]:
    def links_of(context) -> tuple | None:
        page = context.get("page")
        if page is None or page.file.src_uri in in_nav:
            return None
        return (context.get("base_url"), *(url(context, target) for target in targets))

    return _rendered_once(render, links_of)


def _rendered_once(render: Callable[[Any], Iterator[str]], key_of: Callable[[Any], Hashable]) -> Callable[[Any], Iterator[str]]:
    """`render`, remembering its HTML by `key_of(context)`; a key None: rendered every time."""
    rendered: dict[Hashable, str] = {}

    def render_once(context) -> Iterator[str]:
        key = key_of(context)
        if key is None:
            yield from render(context)
            return
        if key not in rendered:
            rendered[key] = "".join(render(context))
        yield rendered[key]

    return render_once


def _link_targets(nav: Any, config: Any) -> list[str]:
    """Every URL the navigation partials pass through the `url` filter."""
    targets = [str(target) for target in (config.extra.get("homepage"), config.theme.get("logo")) if target]
    if nav.homepage is not None:
        targets.append(nav.homepage.url)
    items = list(nav.items)
    while items:
        item = items.pop()
        if getattr(item, "url", None) is not None:  # sections have no URL
            targets.append(item.url)
        items.extend(item.children or [])
    return targets
