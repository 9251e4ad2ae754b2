"""The thin MkDocs adapter: hands the pipeline's generated pages, feeds and sitemap to MkDocs.

Enabled in mkdocs.yml as `plugins: [policy]`. With `policy build` the
pipeline has already run and its Site is handed over (`prepared_site`); with
a plain `mkdocs build` or `mkdocs serve` the plugin runs the pipeline itself.
Nothing outside this module and site.py imports MkDocs.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import shutil
import tempfile
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .feeds import feed_files
from .models import Issue, Page, Site
from .pages import ATOM_FILE, JSON_FILE
from .pipeline import ContentError, run_pipeline
from .preview import PreviewState
from .report import format_text
from .search.api import wsgi_middleware
from .sitemap import SITEMAP_FILE, sitemap
from .sitesearch import SiteSearchError, write_site_search

log = logging.getLogger("mkdocs.plugins.policy")


class PolicyPluginConfig(base.Config):
    content_dir = c.Type(str, default="content")
    """Folder holding policies/, qa/, departments.yml and taxonomy.yml (relative to mkdocs.yml)."""
    today = c.Optional(c.Type(str))
    """Build date as YYYY-MM-DD: decides statuses and which scheduled explainers are out. Default: today."""


class PolicyPlugin(BasePlugin[PolicyPluginConfig]):
    # Set by `policy build` so the pipeline's Site is reused, not computed twice.
    prepared_site: Site | None = None
    # Set by `policy serve` to override the options of mkdocs.yml.
    overrides: dict[str, str] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also keeps this instance alive across `serve` rebuilds.
        self.serving = command == "serve"
        self.site: Site | None = None
        self.preview = PreviewState() if self.serving else None  # what a rebuild can reuse
        if self.serving:  # the preview keeps its own search index for /api/search
            self.preview_folder = Path(tempfile.mkdtemp(prefix="policy-preview-"))

    def on_shutdown(self) -> None:
        if getattr(self, "serving", False):
            shutil.rmtree(self.preview_folder, ignore_errors=True)

    def on_config(self, config):
        if not config.use_directory_urls:
            raise PluginError("policy: set use_directory_urls: true in mkdocs.yml; page links assume it")
        self.pages = self._pages(config)
        config.theme.static_templates.discard(SITEMAP_FILE)  # ours has real dates: see on_files
        config.extra["policy_feeds"] = {"atom": ATOM_FILE, "json": JSON_FILE}  # for the <link>s in main.html
        return config

    def on_files(self, files: Files, config) -> Files:
        changed = self.preview.changed_pages(self.pages) if getattr(self, "preview", None) else None
        for page in self.pages:
            file = File.generated(config, page.src_path, content=page.markdown)
            if changed is not None and page.src_path not in changed:
                file.is_modified = _unmodified  # the preview's dirty build keeps its page as built
            files.append(file)
        if theme_sitemap := files.get_file_from_path(SITEMAP_FILE):
            files.remove(theme_sitemap)  # the theme's template, no longer rendered by MkDocs
        built = self.site or self.prepared_site
        if built is not None:
            for path, data in feed_files(built, config.site_name, config.site_url).items():
                files.append(File.generated(config, path, content=data))
            if config.site_url:
                files.append(File.generated(config, SITEMAP_FILE, content=sitemap(built, config.site_url)))
        return files

    def on_post_build(self, config) -> None:
        if getattr(self, "serving", False) and self.site is not None:  # after the pages are served
            self.preview.write_search(self.site, Path(config.site_dir), self.preview_folder)
        elif self.site is not None:  # `policy build` writes the site search itself, into its staged folder
            self._write_site_search(Path(config.site_dir))

    def _write_site_search(self, site_dir: Path) -> None:
        try:
            write_site_search(self.site, site_dir)
        except SiteSearchError as error:
            if not getattr(self, "serving", False):
                raise PluginError(str(error)) from None
            log.error("%s", error)  # the preview keeps running; the search page says search is unavailable

    def on_serve(self, server, config, builder):
        server.watch(str(self._content_dir(config)))
        server.set_app(wsgi_middleware(server.get_app(), self.preview_folder / "search_index"))
        return server

    def _content_dir(self, config) -> Path:
        folder = Path(self.overrides.get("content_dir") or self.config.content_dir)
        return folder if folder.is_absolute() else Path(config.config_file_path).parent / folder

    def _today(self) -> dt.date:
        value = self.overrides.get("today") or self.config.today
        try:
            return dt.date.fromisoformat(value) if value else dt.date.today()
        except ValueError:
            raise PluginError(f"policy: today must be YYYY-MM-DD, not {value!r}") from None

    def _pages(self, config) -> list[Page]:
        if self.prepared_site is not None:
            return self.prepared_site.pages
        try:
            self.site = run_pipeline(self._content_dir(config), self._today(), getattr(self, "preview", None))
            return self.site.pages
        except ContentError as error:
            self.site = None
            if getattr(self, "serving", False):
                return [_error_page(error.issues)]
            raise PluginError("policy: the content has errors:\n" + format_text(error.issues)) from None


def _unmodified() -> bool:
    return False


def _error_page(issues: list[Issue]) -> Page:
    """In preview, show the problems in the browser instead of a stale or broken site."""
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in format_text(issues).splitlines())
    markdown = (
        '---\ntitle: "内容有错误"\n---\n\n'
        '<div class="admonition failure"><p class="admonition-title">内容有错误，修改并保存后页面会自动刷新 / '
        "The content has errors: fix them and save, the page reloads by itself</p>\n"
        f'<ul class="pp-errors">\n{items}\n</ul></div>\n'
    )
    return Page("index.md", "内容有错误", markdown)
