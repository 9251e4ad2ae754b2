"""What `policy serve` keeps between rebuilds, so that a saved change is served in seconds.

A plain `mkdocs serve` rebuilds everything on every save. The preview instead
- reads again only the content files whose modification time or size changed
  (`load_tree(..., cache=files)`);
- reuses the FAQ when nothing it is made of changed (the sessions, and the
  explainers' titles, summaries, keywords, dates and topics): editing an
  explainer's body does not merge 80,000 questions again;
- hands MkDocs, which builds the preview with `dirty` set, only the pages
  whose Markdown changed as modified: one explainer's page and the lists
  that show it, not the whole site;
- writes the search indexes (Pagefind, Whoosh) in a child process after the
  pages are served; a newer save replaces a run still in progress.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path

from .atomic import staged_folder
from .background import Background
from .faq import assemble_faq
from .models import Content, Explainer, FAQEntry, Page, Site

log = logging.getLogger("mkdocs.plugins.policy")


class PreviewState:
    def __init__(self) -> None:
        self.files: dict = {}
        self._faq_key: tuple | None = None
        self._faq: list[FAQEntry] = []
        self._sessions: list = []
        self._markdown: dict[str, str] = {}
        self._search: Background | None = None
        self._lock = threading.Lock()

    # --- the FAQ ---------------------------------------------------------------------------

    def faq(self, content: Content, explainers: list[Explainer]) -> list[FAQEntry]:
        """The FAQ of the last run when its inputs are the same, else assembled again."""
        key = _faq_inputs(content, explainers)
        if key == self._faq_key:
            content.sessions[:] = self._sessions  # the entries point at these (equal) sessions and pairs
            return self._faq
        self._faq = assemble_faq(content, explainers)
        self._faq_key, self._sessions = key, list(content.sessions)
        return self._faq

    # --- pages -----------------------------------------------------------------------------

    def changed_pages(self, pages: list[Page]) -> set[str]:
        """src paths of the pages whose Markdown differs from the last build (all, the first time)."""
        changed = {page.src_path for page in pages if self._markdown.get(page.src_path) != page.markdown}
        self._markdown = {page.src_path: page.markdown for page in pages}
        return changed

    # --- search indexes --------------------------------------------------------------------

    def write_search(self, site: Site, site_dir: Path, preview_folder: Path) -> None:
        """Start writing both search indexes in a child process; stop one still running."""
        from .build import _move_into, _write_search_indexes

        def work() -> None:
            scratch = Path(tempfile.mkdtemp(prefix=".search-", dir=preview_folder))
            with staged_folder(preview_folder / "search_index") as index_folder:
                _write_search_indexes(site, scratch, index_folder)
            _move_into(scratch, site_dir)

        with self._lock:
            if self._search is not None:
                self._search.cancel()
            search = self._search = Background(work)
        threading.Thread(target=self._report, args=(search,), daemon=True).start()

    def _report(self, search: Background) -> None:
        try:
            search.result()
            log.info("policy: search indexes of the preview written")
        except Exception as error:  # a newer save stopped it, or Pagefind failed: the preview keeps running
            if not search.cancelled:
                log.error("policy: the preview's search could not be written: %s", error)


def _faq_inputs(content: Content, explainers: list[Explainer]) -> tuple:
    """Everything assemble_faq reads, as one comparable value."""
    sessions = tuple(
        (s.slug, str(s.path), s.title, s.date, s.kind, s.host, s.source, tuple(d.id for d in s.departments), tuple(s.policies),
         tuple((p.question, p.answer, p.details, p.asker, p.line, p.answered_by.id if p.answered_by else None) for p in s.pairs))
        for s in content.sessions
    )
    profiles = tuple(
        (e.slug, e.title, e.summary, tuple(e.tags), e.policy, e.published, tuple(t.id for t in e.topics))
        for e in explainers
    )
    taxonomy = (tuple(content.taxonomy.topics), tuple(content.taxonomy.audiences))
    return sessions, profiles, tuple(content.link_decisions), taxonomy
