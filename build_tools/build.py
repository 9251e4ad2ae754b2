"""`policy build`: run the pipeline, then every writer, and swap all outputs in at once.

Each writer writes into a staged folder; the staged folders replace the
previous site and index only after all of them were written, so a failed
or interrupted build leaves the previous output untouched. The search
indexes (Pagefind for the site, Whoosh for the API) are written in a child
process while MkDocs renders the pages, on the second core; the Pagefind
bundle is moved into the staged site after MkDocs, before the swap.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .atomic import staged_folder
from .background import Background
from .models import Site
from .pipeline import run_pipeline
from .progress import Progress
from .search import index_site
from .site import write_site
from .sitesearch import write_site_search


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path
    site_dir: Path
    index_dir: Path
    config_file: Path
    today: dt.date


def build(options: BuildOptions, progress: Progress | None = None) -> Site:
    progress = progress or Progress.silent()
    with progress.step("检查内容并生成页面 / check, FAQ, pages"):
        site = run_pipeline(options.content_dir, options.today)
    documents = len(site.explainers) + len(site.faq)
    with staged_folder(options.site_dir) as site_folder, staged_folder(options.index_dir) as index_folder:
        with tempfile.TemporaryDirectory(prefix=".search-", dir=site_folder.parent) as scratch:
            search = Background(_write_search_indexes, site, Path(scratch), index_folder)
            try:
                with progress.step("网站 / site (MkDocs)", len(site.pages), "pages"):
                    write_site(site, site_folder, options.config_file)
                started = time.monotonic()
                seconds = search.result()
            finally:
                search.cancel()
            progress.done(f"站内搜索 / site search (Pagefind)：{documents:,} documents", seconds["pagefind"])
            progress.done(f"检索索引 / search index (Whoosh)：{documents:,} documents", seconds["whoosh"])
            progress.done("等待检索索引 / waiting for the search indexes", time.monotonic() - started)
            _move_into(Path(scratch), site_folder)  # the Pagefind bundle and the browser's data
    return site


def _write_search_indexes(site: Site, site_search_folder: Path, index_folder: Path) -> dict[str, float]:
    """In the child process: Pagefind's bundle (into a scratch folder, as MkDocs cleans its own), then Whoosh.
    One after the other: Whoosh written while the Pagefind binary ran made the build slower
    (1,000 explainers: 60 s instead of 50 s), three busy processes on two cores."""
    started = time.monotonic()
    write_site_search(site, site_search_folder)
    middle = time.monotonic()
    index_site(site, index_folder)
    return {"pagefind": middle - started, "whoosh": time.monotonic() - middle}


def _move_into(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)
