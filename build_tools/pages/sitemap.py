"""Sitemap: `sitemap.xml` (sitemaps.org 0.9) with each explainer's real last-change date.

MkDocs's own sitemap gives every page the build date; this one gives an
explainer page the date its file last changed (history.py) and leaves
`lastmod` out of pages that are only lists. A sitemap needs absolute URLs,
so a site without a `site_url` gets none. plugin.py hands the file to MkDocs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from build_tools.models import Site

SITEMAP_FILE = "sitemap.xml"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(site: Site, site_url: str) -> bytes:
    """Every generated page under `site_url`, with lastmod on explainer pages."""
    base = site_url.rstrip("/") + "/"
    changed = {f"policies/{slug}/": day for slug, day in site.last_changed.items()}
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    for page in site.pages:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = base + page.url
        if page.url in changed:
            ET.SubElement(url, "lastmod").text = changed[page.url].isoformat()
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
