"""`write_site_search(site, folder)`: the writer `policy build` runs on the built site.

It writes one record per search document into a scratch folder, runs
Pagefind on the records with its output in `folder/pagefind/`, and writes the
browser's analysis data. `policy build` calls it inside the staged build, so a
failed run leaves the previous site in place.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Sequence

from ..models import Site, Taxonomy
from ..search.analysis import Analyzer
from ..search.documents import SearchDocument, documents_of
from .browser import browser_data_json
from .pagefind import PagefindRun, SiteSearchError
from .records import record_html
from .tokens import common_terms

BUNDLE = "pagefind"
BROWSER_DATA = "assets/sitesearch-data.json"

__all__ = ["SiteSearchError", "write_site_search", "write_search_bundle"]


class PendingSiteSearch:
    """Records written and Pagefind running; `finish()` waits for it and writes the browser data.
    (Whoosh written meanwhile made `policy build` slower on two cores: see build.py.)"""

    def __init__(self, documents: Sequence[SearchDocument], taxonomy: Taxonomy, folder: Path):
        self.documents, self.taxonomy, self.folder = documents, taxonomy, Path(folder)
        self.analyzer = Analyzer(taxonomy.synonym_groups())
        self.scratch = Path(tempfile.mkdtemp(prefix="policy-records-"))
        try:
            _write_records(documents, self.analyzer, self.scratch)
            self.run = PagefindRun(self.scratch, self.folder / BUNDLE)
        except BaseException:
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise

    def finish(self) -> None:
        try:
            self.run.wait()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
        data = self.folder / BROWSER_DATA
        data.parent.mkdir(parents=True, exist_ok=True)
        data.write_text(browser_data_json(self.documents, self.analyzer, self.taxonomy), encoding="utf-8")


def write_site_search(site: Site, folder: Path) -> None:
    """Index every published explainer and FAQ entry of `site` into the built site `folder`."""
    PendingSiteSearch(documents_of(site), site.content.taxonomy, folder).finish()


def write_search_bundle(documents: Sequence[SearchDocument], taxonomy: Taxonomy, folder: Path) -> None:
    """The Pagefind bundle and the browser data for `documents` (benchmarks call this with synthetic ones)."""
    PendingSiteSearch(documents, taxonomy, folder).finish()


def _write_records(documents: Sequence[SearchDocument], analyzer: Analyzer, scratch: Path) -> None:
    common = common_terms(analyzer, documents)
    for document in documents:
        path = scratch / document.url / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(record_html(analyzer, document, common), encoding="utf-8")
