"""`write_site_search(site, folder)`: the writer `policy build` runs on the built site.

It writes one record per search document into a scratch folder, runs
Pagefind on the records with its output in `folder/pagefind/`, and writes the
browser's analysis data. `policy build` calls it inside the staged build, so a
failed run leaves the previous site in place.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Sequence

from ..models import Site, Taxonomy
from ..search.analysis import Analyzer
from ..search.documents import SearchDocument, documents_of
from .browser import browser_data_json
from .pagefind import SiteSearchError, run_pagefind
from .records import record_html
from .tokens import common_terms

BUNDLE = "pagefind"
BROWSER_DATA = "assets/sitesearch-data.json"

__all__ = ["SiteSearchError", "write_site_search", "write_search_bundle"]


def write_site_search(site: Site, folder: Path) -> None:
    """Index every published explainer and FAQ entry of `site` into the built site `folder`."""
    write_search_bundle(documents_of(site), site.content.taxonomy, Path(folder))


def write_search_bundle(documents: Sequence[SearchDocument], taxonomy: Taxonomy, folder: Path) -> None:
    """The Pagefind bundle and the browser data for `documents` (benchmarks call this with synthetic ones)."""
    analyzer = Analyzer(taxonomy.synonym_groups())
    with tempfile.TemporaryDirectory(prefix="policy-records-") as scratch:
        _write_records(documents, analyzer, Path(scratch))
        run_pagefind(Path(scratch), folder / BUNDLE)
    data = folder / BROWSER_DATA
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(browser_data_json(documents, analyzer, taxonomy), encoding="utf-8")


def _write_records(documents: Sequence[SearchDocument], analyzer: Analyzer, scratch: Path) -> None:
    common = common_terms(analyzer, documents)
    for document in documents:
        path = scratch / document.url / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(record_html(analyzer, document, common), encoding="utf-8")
