"""`policy build`: run the pipeline, then every writer, and swap all outputs in at once.

Each writer writes into a staged folder; the staged folders replace the
previous site and index only after all of them were written, so a failed
or interrupted build leaves the previous output untouched.

Two processes share the two cores: this one generates the pages and renders
them with MkDocs while a forked child writes the site search (Pagefind); then each writes
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
import time
from dataclasses import dataclass
from pathlib import Path

from .atomic import remove_previous_outputs, staged_folder
from .background import Background
from .heap import collector_skips_existing, release_free_memory
from .models import Site
from .pipeline import add_pages, run_pipeline
from .progress import Progress
from .search import shared_index_writer
from .search.documents import SearchDocuments, documents_of
from .site import write_site
from .sitesearch import write_search_bundle


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
        with progress.step("检查内容 / check, FAQ"):
            site = run_pipeline(options.content_dir, options.today, pages=False)
            documents = documents_of(site)  # each made when an index reads it, in either process
            release_free_memory()  # what loading and checking freed: neither process would use it again
        with (collector_skips_existing(), staged_folder(options.site_dir, keep_previous=True) as site_folder,
              staged_folder(options.index_dir, keep_previous=True) as index_folder):
            _write_outputs(site, documents, options.config_file, site_folder, index_folder, progress)
            cleanup.result()  # before the swaps: they move what they replace where it removes
    finally:
        cleanup.cancel()
    return site


def _write_outputs(site: Site, documents: SearchDocuments, config_file: Path, site_folder: Path, index_folder: Path, progress: Progress) -> None:
    """The pages (MkDocs, here) and both search indexes (Pagefind there, Whoosh in runs by both) into the staged folders."""
    index = shared_index_writer(site, documents, index_folder)
    with tempfile.TemporaryDirectory(prefix=".search-", dir=site_folder.parent) as scratch:
        search = Background(_write_search_indexes, site, documents, Path(scratch), index)
        try:
            with progress.step("生成页面 / pages"):
                add_pages(site)
            with progress.step("网站 / site (MkDocs)", len(site.pages), "pages"):
                write_site(site, site_folder, config_file)
            release_free_memory()  # MkDocs' pages and files, while the other process still indexes
            with progress.step("检索索引 / search index (Whoosh) after MkDocs"):
                written_here = index.write_runs()
            started = time.monotonic()
            seconds, written_there = search.result()
        finally:
            search.cancel()
        progress.done(f"站内搜索 / site search (Pagefind)：{len(documents):,} documents", seconds["pagefind"])
        runs = f"{len(written_there)} of {len(written_here) + len(written_there)} runs"
        progress.done(f"检索索引 / search index (Whoosh) after Pagefind：{runs}", seconds["whoosh"])
        progress.done("等待检索索引 / waiting for the search indexes", time.monotonic() - started)
        index.commit(written_here, written_there)
        _move_into(Path(scratch), site_folder)  # the Pagefind bundle and the browser's data


def _write_search_indexes(site: Site, documents: SearchDocuments, site_search_folder: Path, index) -> tuple[dict[str, float], dict]:
    """In the child process: Pagefind's bundle (into a scratch folder, as MkDocs cleans its own),
    then runs of the Whoosh index that the parent has not claimed yet."""
    started = time.monotonic()
    write_search_bundle(documents, site.content.taxonomy, site_search_folder)
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
