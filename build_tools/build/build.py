"""`policy build`: run the pipeline, then every writer, and swap all outputs in at once.

Each writer writes into a staged folder; the staged folders replace the
previous site and index only after all of them were written, so a failed
or interrupted build leaves the previous output untouched.

While this process assembles the FAQ, a fork writes the explainers into the
Whoosh index (`_FirstDocuments`): the second core was idle then. After it,
two processes share the two cores: this one generates the pages and renders
them with MkDocs while another writes the site search (Pagefind): a fork for
a small site, a new interpreter reading the search documents from a file for
a large one (`_search_started_and_pages_made` says why). Then each writes
runs of the Whoosh index until none is left, so whichever finishes first
takes more of it. The Pagefind bundle is moved into the staged site after
MkDocs, before the swap. The outputs the swap replaces are kept beside the new
ones (`.site-previous`, `.search_index-previous`) until the next build, which
removes them while it checks the content, when the second core is idle.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from build_tools.runtime.atomic import remove_previous_outputs, staged_folder, staging_prefix
from build_tools.runtime.background import Background
from build_tools.runtime.memory import collector_skips_existing, release_free_memory
from build_tools.models import Site, Taxonomy
from build_tools.pages.generate import forget_rendered_texts
from build_tools.build.pipeline import add_pages, run_pipeline
from build_tools.runtime.progress import Progress
from build_tools.indexes.whoosh import first_documents_writer, shared_index_writer
from build_tools.indexes.documents import SearchDocuments, StoredDocuments, documents_of
from build_tools.site.builder import write_site
from build_tools.indexes.pagefind import write_search_bundle

if TYPE_CHECKING:
    from build_tools.indexes.whoosh.writing import FirstDocumentsWriter, SharedIndexWriter


# From this many search documents (about 1,100 explainers with their FAQ), the search indexes are written by a
# new interpreter rather than a fork (see _search_started_and_pages_made).
FRESH_PROCESS_FROM = 5_000


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path
    site_dir: Path
    index_dir: Path
    config_file: Path
    today: dt.date


def build(options: BuildOptions, progress: Progress | None = None) -> Site:
    progress = progress or Progress.silent()
    # The outputs the last build replaced are removed on the second core, idle while the content is checked.
    cleanup = Background(remove_previous_outputs, options.site_dir, options.index_dir)
    try:
        with (staged_folder(options.site_dir, keep_previous=True) as site_folder,
              staged_folder(options.index_dir, keep_previous=True) as index_folder,
              _FirstDocuments(index_folder) as first):
            with progress.step("检查内容 / check, FAQ"):
                site = run_pipeline(options.content_dir, options.today, pages=False, before_faq=first.start)
                documents = documents_of(site)  # each made when an index reads it, in either process
                first.stop()
                release_free_memory()  # what loading and checking freed: neither process would use it again
            if first.count:
                progress.done(f"检索索引 / search index (Whoosh) during the FAQ：{first.count:,} documents", first.seconds)
            with collector_skips_existing():
                _write_outputs(site, documents, first, options.config_file, site_folder, index_folder, progress)
            cleanup.result()  # before the swaps: they move what they replace where it removes
    finally:
        cleanup.cancel()
    return site


class _FirstDocuments:
    """The explainers written into the index while the FAQ is assembled (FirstDocumentsWriter), for a large site."""

    def __init__(self, index_folder: Path):
        self._folder = index_folder
        self._writer: FirstDocumentsWriter | None = None
        self._started = 0.0
        self.count, self.seconds = 0, 0.0

    def __enter__(self) -> _FirstDocuments:
        return self

    def __exit__(self, *exc) -> None:
        if self._writer is not None:
            self._writer.cancel()  # done, or the build failed: the process must not outlive its folder

    def start(self, site: Site) -> None:
        self._started = time.monotonic()
        self._writer = first_documents_writer(site, self._folder)

    def stop(self) -> None:
        if self._writer is not None:
            self.count, self.seconds = self._writer.stop(), time.monotonic() - self._started

    def segments(self) -> list:
        return self._writer.segments() if self._writer is not None else []


def _write_outputs(site: Site, documents: SearchDocuments, first: _FirstDocuments, config_file: Path, site_folder: Path,
                   index_folder: Path, progress: Progress) -> None:
    """The pages (MkDocs, here) and both search indexes (Pagefind there, Whoosh in runs by both) into the staged folders."""
    with tempfile.TemporaryDirectory(prefix=staging_prefix("search"), dir=site_folder.parent) as scratch:
        bundle_folder = Path(scratch) / "site"
        searching = _search_started_and_pages_made(site, documents, first.count, Path(scratch), index_folder, progress)
        try:
            with progress.step("网站 / site (MkDocs)", len(site.pages), "pages"):
                write_site(site, site_folder, config_file)
            forget_rendered_texts()
            release_free_memory()  # MkDocs' pages and files, while the other process still indexes
            search, index = searching.result()
            if searching.storing_seconds is not None:
                progress.done(f"检索文档 / search documents (another process)：{len(documents):,} documents", searching.storing_seconds)
            with progress.step("检索索引 / search index (Whoosh) after MkDocs"):
                written_here = index.write_runs()
            started = time.monotonic()
            seconds, written_there = search.result()
        finally:
            searching.cancel()
        progress.done(f"站内搜索 / site search (Pagefind)：{len(documents):,} documents", seconds["pagefind"])
        runs = f"{len(written_there)} of {len(written_here) + len(written_there)} runs"
        progress.done(f"检索索引 / search index (Whoosh) after Pagefind：{runs}", seconds["whoosh"])
        progress.done("等待检索索引 / waiting for the search indexes", time.monotonic() - started)
        index.commit(written_here, written_there, first=first.segments())
        _move_into(bundle_folder, site_folder)  # the Pagefind bundle and the browser's data


def _search_started_and_pages_made(site: Site, documents: SearchDocuments, first: int, scratch: Path, index_folder: Path,
                                   progress: Progress) -> _SearchStart:
    """The other process starting on the search indexes, the Whoosh index both write, and the pages made here.

    A small site's search process is a fork, which shares the site with this one. A large site's
    is a new interpreter (Background `fresh`), which reads the documents from a file: a fork grew
    by allocating into the memory it shared with this process (at 20,000 explainers to 800 MB,
    while the documents it read were 300 MB). The file is written by a short-lived fork while this
    process makes the pages and renders them; a thread starts the search process once it is written.
    """
    taxonomy, bundle_folder = site.content.taxonomy, scratch / "site"
    if len(documents) < FRESH_PROCESS_FROM:
        index = shared_index_writer(site, documents, index_folder, first)
        search = Background(_write_search_indexes, taxonomy, documents, bundle_folder, index)
        with progress.step("生成页面 / pages"):
            add_pages(site)
        return _SearchStart.started(search, index)

    def search_of_stored(stored: StoredDocuments) -> tuple[Background, SharedIndexWriter]:
        index = shared_index_writer(site, stored, index_folder, first)
        return Background(_write_search_indexes, taxonomy, stored, bundle_folder, index, fresh=True), index

    searching = _SearchStart(Background(documents.stored_in, scratch / "documents"), search_of_stored)
    try:
        with progress.step("生成页面 / pages"):
            add_pages(site)
    except BaseException:
        searching.cancel()
        raise
    return searching


class _SearchStart:
    """The search process and the Whoosh index, once started: at once (`started`), or by a thread
    as soon as the documents are stored (`storing`), so that this process renders pages meanwhile
    (it had waited 5 s for them at 5,000 explainers, 16 s at 20,000)."""

    def __init__(self, storing: Background | None, start: Callable[[StoredDocuments], tuple[Background, SharedIndexWriter]] | None):
        self._storing, self._start = storing, start
        self._started: tuple[Background, SharedIndexWriter] | None = None
        self._error: BaseException | None = None
        self.storing_seconds: float | None = None
        self._thread = threading.Thread(target=self._start_when_stored, daemon=True)
        self._began = time.monotonic()
        if storing is not None:
            self._thread.start()

    @classmethod
    def started(cls, search: Background, index: SharedIndexWriter) -> _SearchStart:
        begun = cls(None, None)
        begun._started = search, index
        return begun

    def _start_when_stored(self) -> None:
        try:
            stored = self._storing.result()
            self.storing_seconds = time.monotonic() - self._began
            self._started = self._start(stored)
        except BaseException as error:  # raised by result(), in the main thread
            self._error = error

    def result(self) -> tuple[Background, SharedIndexWriter]:
        """(search process, index), waiting for the documents to be stored if they are not yet."""
        if self._thread.is_alive():
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._started

    def cancel(self) -> None:
        """Stop whatever still runs: the storing fork, the search process (the build failed, or is done)."""
        if self._storing is not None:
            self._storing.cancel(wait=False)  # the thread reaps it
        if self._thread.is_alive():
            self._thread.join()
        if self._started is not None:
            self._started[0].cancel()


def _write_search_indexes(taxonomy: Taxonomy, documents: SearchDocuments, bundle_folder: Path, index: SharedIndexWriter
                          ) -> tuple[dict[str, float], dict]:
    """In the other process: Pagefind's bundle (into a scratch folder, as MkDocs cleans its own),
    then runs of the Whoosh index that this process has not claimed yet."""
    started = time.monotonic()
    write_search_bundle(documents, taxonomy, bundle_folder)
    release_free_memory()  # the joined bundle's pieces, while the other process still renders pages
    middle = time.monotonic()
    written = index.write_runs()
    return {"pagefind": middle - started, "whoosh": time.monotonic() - middle}, written


def write_search_indexes(site: Site, site_search_folder: Path, index_folder: Path) -> None:
    """Both search indexes, one after the other, in this process (the preview's background child)."""
    documents = documents_of(site)
    index = shared_index_writer(site, documents, index_folder)
    write_search_bundle(documents, site.content.taxonomy, site_search_folder)
    index.commit(index.write_runs())


def _move_into(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)
