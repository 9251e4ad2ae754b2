"""`write_search_bundle(documents, taxonomy, folder)`: the site search writer (`policy build`
calls it with the documents it shares with the Whoosh index; `write_site_search(site, folder)`
makes them from a Site).

It makes one record per search document, oldest first, hands them to
Pagefind with its output in `folder/pagefind/`, and writes the browser's
analysis data, gathered from the documents on the same pass (each is made
when it is read: see search/documents.py). `policy build` calls it inside the staged build, so a
failed run leaves the previous site in place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from build_tools.indexes.documents import SearchDocument, SearchDocuments, documents_of
from build_tools.indexes.pagefind.browser import IndexedText, browser_data_json
from build_tools.indexes.pagefind.records import record_html
from build_tools.indexes.pagefind.service import SiteSearchError, run_pagefind, shard_text
from build_tools.indexes.pagefind.tokens import common_terms
from build_tools.models import Site, Taxonomy
from build_tools.text.analysis import Analyzer

BUNDLE = "pagefind"
BROWSER_DATA = "assets/sitesearch-data.json"

__all__ = ["SiteSearchError", "write_site_search", "write_search_bundle"]


def write_site_search(site: Site, folder: Path) -> None:
    """Index every published explainer and FAQ entry of `site` into the built site `folder`."""
    write_search_bundle(documents_of(site), site.content.taxonomy, Path(folder))


def write_search_bundle(documents: Sequence[SearchDocument], taxonomy: Taxonomy, folder: Path) -> None:
    """The Pagefind bundle and the browser data for `documents` (benchmarks call this with synthetic ones)."""
    analyzer = Analyzer(taxonomy.synonym_groups())
    indexed = IndexedText()
    run_pagefind(_records(SearchDocuments.of(documents), analyzer, indexed), folder / BUNDLE, shard_text(len(documents)))
    data = folder / BROWSER_DATA
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(browser_data_json(indexed, analyzer, taxonomy), encoding="utf-8")


def _records(documents: SearchDocuments, analyzer: Analyzer, indexed: IndexedText | None = None) -> Iterator[tuple[str, str]]:
    """(URL, record) per document, oldest first: Pagefind's page numbers follow this order, and
    the browser sorts results by date with them (canonical.py). `indexed` gathers their text on the way."""
    common = common_terms(analyzer, documents)
    for document in documents.oldest_first():
        if indexed is not None:
            indexed.add(document)
        yield f"/{document.url}", record_html(analyzer, document, common)
