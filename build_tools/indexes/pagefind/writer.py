"""`write_search_bundle(documents, taxonomy, folder)`: the site search writer (`policy build`
calls it with the documents it shares with the Whoosh index; `write_site_search(site, folder)`
makes them from a Site).

It makes one record per explainer and per group of FAQ entries (answers.py), oldest first, hands them to
Pagefind with its output in `folder/pagefind/`, and writes the browser's
analysis data, gathered from the documents on the same pass (each is made
when it is read: see search/documents.py). `policy build` calls it inside the staged build, so a
failed run leaves the previous site in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from build_tools.indexes.documents import SearchDocument, SearchDocuments, documents_of, equivalences_of
from build_tools.indexes.pagefind.answers import AnswerRecords
from build_tools.indexes.pagefind.browser import IndexedText, browser_data_json
from build_tools.indexes.pagefind.records import body_of, record_html
from build_tools.indexes.pagefind.service import SiteSearchError, run_pagefind, shard_text
from build_tools.indexes.pagefind.tokens import common_terms
from build_tools.models import Site, Taxonomy
from build_tools.runtime.reuse import ReuseFolder
from build_tools.text.analysis import Analyzer
from build_tools.text.lexicon import equivalence_groups

BUNDLE = "pagefind"
BROWSER_DATA = "assets/sitesearch-data.json"

__all__ = ["SiteSearchError", "write_site_search", "write_search_bundle"]


def write_site_search(site: Site, folder: Path) -> None:
    """Index every published explainer and FAQ entry of `site` into the built site `folder`, with the
    site's equivalences (the starter lexicon, the project's and those its explainers define)."""
    write_search_bundle(documents_of(site), site.content.taxonomy, Path(folder), equivalences_of(site))


def write_search_bundle(
    documents: Sequence[SearchDocument],
    taxonomy: Taxonomy,
    folder: Path,
    equivalents: Iterable[Iterable[str]] | None = None,
    reuse: ReuseFolder | None = None,
) -> None:
    """The Pagefind bundle and the browser data for `documents` (benchmarks call this with synthetic ones);
    `equivalents`: the equivalence groups (default: the starter lexicon alone); `reuse`: the Pagefind runs
    of the last build's record (service.py)."""
    analyzer = Analyzer(taxonomy.synonym_groups(), equivalence_groups() if equivalents is None else equivalents)
    indexed = IndexedText()
    run_pagefind(_records(SearchDocuments.of(documents), analyzer, indexed), folder / BUNDLE, shard_text(len(documents)), reuse)
    data = folder / BROWSER_DATA
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(browser_data_json(indexed, analyzer, taxonomy), encoding="utf-8")


def _records(documents: SearchDocuments, analyzer: Analyzer, indexed: IndexedText | None = None) -> Iterator[tuple[str, str]]:
    """(URL, record) per explainer, oldest first, then per group of FAQ entries (answers.py), oldest
    first: Pagefind's page numbers follow this order, so the browser sorts results by date with them
    (canonical.py) and tells an explainer from FAQ entries by its number alone (below `policyPages`
    of the browser data), without downloading the `kind` filter, which lists every page. `indexed`
    gathers their text on the way."""
    common = common_terms(analyzer, documents)
    answers = AnswerRecords()
    for document in documents.oldest_first():
        if indexed is not None:
            indexed.add(document)
        if document.kind == "policy":
            yield f"/{document.url}", record_html(analyzer, document, common)
        else:
            # An entry's words once each: its page's index entries tell which entry holds a word,
            # and a page of 16 entries would otherwise repeat a common word up to 144 times.
            answers.add(document, body_of(analyzer, document, common, once=True))
    yield from answers.records()
