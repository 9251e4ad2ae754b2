"""The Whoosh index: the only folder that imports Whoosh.

A move to another engine replaces this folder; documents (`indexes/documents.py`),
requests and ranking (`search/`) stay.

  schema.py   what the index holds: one BM25F-weighted word list per document, stored fields, facets
  writing.py  `write_index`: documents → index segments, one process per core (or
              `SharedIndexWriter`: runs of documents, written by whichever process is free)
  reading.py  `IndexReader`: an open index's postings as numpy arrays, its document sets as bits,
              stored fields and the spelling corrector, for `search.engine.Engine`

The functions below are this folder's interface for the build; Whoosh, numpy and
Markdown are imported only when one is called.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from build_tools.indexes.documents import SearchDocuments
    from build_tools.indexes.whoosh.writing import FirstDocumentsWriter, SharedIndexWriter
    from build_tools.models import Site
    from build_tools.runtime.reuse import ReuseFolder
    from build_tools.text.analysis import Analyzer

# From this many explainers, `policy build` writes them into the index while it assembles the FAQ
# (first_documents_writer): below it the FAQ takes under a second, less than starting a process.
FIRST_DOCUMENTS_FROM = 1_000


def index_site(site: Site, folder: Path) -> None:
    """Write the search index of `site` into the empty `folder`."""
    # Imported here, not above: `policy check` uses analysis.py (for the FAQ) and
    # must not pay for loading Whoosh, numpy and Markdown, a third of its start-up.
    from build_tools.indexes.documents import documents_of
    from build_tools.indexes.whoosh.writing import write_index

    write_index(documents_of(site), *analysis_of(site), folder)


def first_documents_writer(site: Site, folder: Path) -> FirstDocumentsWriter | None:
    """For a `site` whose FAQ is yet to come: a process writing its explainers, the index's first
    documents, into the empty `folder` until stopped; None for a small site."""
    from build_tools.indexes.documents import documents_of
    from build_tools.indexes.whoosh.writing import FirstDocumentsWriter

    if len(site.explainers) < FIRST_DOCUMENTS_FROM:
        return None
    return FirstDocumentsWriter(documents_of(site), analysis_of(site)[0], folder)


def shared_index_writer(site: Site, documents: SearchDocuments, folder: Path, first: int = 0, reuse: ReuseFolder | None = None) -> SharedIndexWriter:
    """The search index of `site` (its `documents`) in `folder`, empty but for the `first` documents a
    FirstDocumentsWriter wrote, to be written by two processes: each calls `write_runs()` when free,
    then one calls `commit()` with both results. `reuse`: the segments of the last build's record."""
    from build_tools.indexes.whoosh.writing import SharedIndexWriter

    return SharedIndexWriter(documents, *analysis_of(site), folder, first, reuse)


def analysis_of(site: Site) -> tuple[Analyzer, dict[str, list[str]]]:
    """The analyzer with the site's equivalences (the starter lexicon, content/synonyms.yml and the
    definitions mined from its explainers) and its topic synonyms, and each region's ancestors (for region filters)."""
    from build_tools.indexes.documents import equivalences_of
    from build_tools.text.analysis import Analyzer

    taxonomy = site.content.taxonomy
    ancestors = {region.name: list(region.ancestors) for region in taxonomy.regions}
    return Analyzer(taxonomy.synonym_groups(), equivalences_of(site)), ancestors
