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


def index_site(site: Site, folder: Path) -> None:
    """Write the search index of `site` into the empty `folder`."""
    # Imported here, not above: `policy check` uses analysis.py (for the FAQ) and
    # must not pay for loading Whoosh, numpy and Markdown, a third of its start-up.
    from .analysis import Analyzer
    from .documents import documents_of
    from .engine import write_index

    taxonomy = site.content.taxonomy
    ancestors = {region.name: list(region.ancestors) for region in taxonomy.regions}
    write_index(documents_of(site), Analyzer(taxonomy.synonym_groups()), ancestors, folder)
