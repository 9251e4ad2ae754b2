"""`policy build`: run the pipeline, then every writer, and swap all outputs in at once.

Each writer writes into a staged folder; the staged folders replace the
previous site and index only after all of them were written, so a failed
or interrupted build leaves the previous output untouched. The site search
(Pagefind) is written into the staged site after MkDocs, before the swap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .atomic import staged_folder
from .models import Site
from .pipeline import run_pipeline
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


def build(options: BuildOptions) -> Site:
    site = run_pipeline(options.content_dir, options.today)
    with staged_folder(options.site_dir) as site_folder, staged_folder(options.index_dir) as index_folder:
        write_site(site, site_folder, options.config_file)
        write_site_search(site, site_folder)  # Pagefind, on the built pages, before the swap
        index_site(site, index_folder)
    return site
