"""Step 5, site: write the generated pages as a static site with MkDocs + Material.

The only writer that knows MkDocs (with plugin.py). It loads mkdocs.yml,
hands the pipeline's Site to the `policy` plugin and builds into the folder
it is given; `build.py` makes that folder a staged one and swaps it in.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import logging
import os
from pathlib import Path
from typing import Iterator

from build_tools.models import Site


class SiteConfigError(Exception):
    """mkdocs.yml is missing or does not enable the policy plugin."""


def write_site(site: Site, folder: Path, config_file: Path) -> None:
    """Render `site` into `folder` with the theme and options of `config_file`."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    from build_tools.site.plugin import PolicyPlugin

    if not config_file.is_file():
        raise SiteConfigError(f"找不到 {config_file} / {config_file} not found: run policy from the project folder or pass --config")
    with _quiet_mkdocs(), build_date(site.today):
        try:
            config = load_config(str(config_file), site_dir=str(folder))
        except ConfigurationError as error:
            raise SiteConfigError(f"{config_file}: {error}") from None
        plugin = config.plugins.get("policy")
        if not isinstance(plugin, PolicyPlugin):
            raise SiteConfigError(f"{config_file}: add 'policy' to plugins so the generated pages are used")
        plugin.prepared_site = site
        config.plugins.on_startup(command="build", dirty=False)
        build(config)


@contextlib.contextmanager
def build_date(today: dt.date) -> Iterator[None]:
    """Dates MkDocs writes (sitemap, footer) follow the build date, for reproducible output."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(today.timetuple()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@contextlib.contextmanager
def _quiet_mkdocs() -> Iterator[None]:
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def serve_site(config_file: Path, content_dir: Path, port: int, today: dt.date | None) -> None:
    """Preview on 127.0.0.1 with live reload: a saved change to content/ rebuilds and reloads."""
    from mkdocs.commands.serve import serve

    from build_tools.site.plugin import PolicyPlugin

    if not config_file.is_file():
        raise SiteConfigError(f"找不到 {config_file} / {config_file} not found: run policy from the project folder or pass --config")
    PolicyPlugin.overrides = {"content_dir": str(content_dir.resolve()), "today": today.isoformat() if today else ""}
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s - %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    handler.addFilter(_not_dirty_warning)
    # dirty: MkDocs rebuilds only the pages the policy plugin reports as changed (build_tools/preview.py)
    serve(str(config_file), livereload=True, build_type="dirty", dev_addr=f"127.0.0.1:{port}")


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    """The preview builds dirty on purpose: MkDocs' warning about it would follow every save."""
    return "'dirty' build" not in record.getMessage()
