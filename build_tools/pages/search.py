"""The search page (`search/`) and the matching page (`match/`, 哪些政策适用于我).

Static shells: the forms, labels and choices are written here from the
taxonomy, so they read well with a screen reader before any script runs; the
search results come from Pagefind in the browser (build_tools/site/defaults/theme/assets/sitesearch-*.js),
the matching page's from the per-region data of pages/matching.py.
"""

from __future__ import annotations

from jinja2 import Environment

from build_tools.models import Page, Site
from build_tools.pages.matching import needs, own_counts

SEARCH_PAGE = "search/index.md"
MATCH_PAGE = "match/index.md"


def site_search_pages(site: Site, templates: Environment) -> list[Page]:
    """The search page and the matching page, their forms filled in from the taxonomy (`templates`: the pages' Jinja environment)."""
    taxonomy = site.content.taxonomy
    search = templates.get_template("search.md.j2").render()
    match = templates.get_template("match.md.j2").render(
        regions=taxonomy.regions, audiences=taxonomy.audiences, topics=needs(taxonomy), own=own_counts(site), today=site.today
    )
    return [Page(SEARCH_PAGE, "搜索", search), Page(MATCH_PAGE, "哪些政策适用于我", match)]
