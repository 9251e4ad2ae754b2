"""Step 6, search: the Site's documents in a search index, and queries against it.

  analysis.py   Chinese analysis, the same at index and at query time
  documents.py  Site → SearchDocument (what is indexed)
  request.py    SearchRequest / SearchResponse, validated for CLI and API alike
  engine/       the engine (Whoosh): schema, writing an index, answering requests
  snippets.py   the stretch of a hit that shows why it matched
  api.py        GET /api/search, as an ASGI app and inside `policy serve`
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Site
    from .analysis import Analyzer
    from .documents import SearchDocuments
    from .engine import FirstDocumentsWriter, SharedIndexWriter

# From this many explainers, `policy build` writes them into the index while it assembles the FAQ
# (first_documents_writer): below it the FAQ takes under a second, less than starting a process.
FIRST_DOCUMENTS_FROM = 1_000


def index_site(site: Site, folder: Path) -> None:
    """Write the search index of `site` into the empty `folder`."""
    # Imported here, not above: `policy check` uses analysis.py (for the FAQ) and
    # must not pay for loading Whoosh, numpy and Markdown, a third of its start-up.
    from .documents import documents_of
    from .engine import write_index

    write_index(documents_of(site), *_analysis_of(site), folder)


def first_documents_writer(site: Site, folder: Path) -> FirstDocumentsWriter | None:
    """For a `site` whose FAQ is yet to come: a process writing its explainers, the index's first
    documents, into the empty `folder` until stopped; None for a small site."""
    from .documents import documents_of
    from .engine import FirstDocumentsWriter

    if len(site.explainers) < FIRST_DOCUMENTS_FROM:
        return None
    return FirstDocumentsWriter(documents_of(site), _analysis_of(site)[0], folder)


def shared_index_writer(site: Site, documents: SearchDocuments, folder: Path, first: int = 0) -> SharedIndexWriter:
    """The search index of `site` (its `documents`) in `folder`, empty but for the `first` documents a
    FirstDocumentsWriter wrote, to be written by two processes: each calls `write_runs()` when free,
    then one calls `commit()` with both results."""
    from .engine import SharedIndexWriter

    return SharedIndexWriter(documents, *_analysis_of(site), folder, first)


def _analysis_of(site: Site) -> tuple[Analyzer, dict[str, list[str]]]:
    """The analyzer with the site's synonyms, and each region's ancestors (for region filters)."""
    from .analysis import Analyzer

    taxonomy = site.content.taxonomy
    ancestors = {region.name: list(region.ancestors) for region in taxonomy.regions}
    return Analyzer(taxonomy.synonym_groups()), ancestors
