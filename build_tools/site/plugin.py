"""The thin MkDocs adapter: hands the pipeline's generated pages, feeds and sitemap to MkDocs.

Enabled in mkdocs.yml as `plugins: [policy]`. Where the pages come from:
- `policy build` has run the pipeline already and hands its Site over
  (`prepared_site`); it writes the search indexes itself;
- a plain `mkdocs build` runs the pipeline here, and writes the site search
  after MkDocs;
- `mkdocs serve` / `policy serve` take each run from the preview
  (serving.py), which renders only the pages a save changed.
Each page's Markdown is converted to HTML just before its template
(deferhtml.py), with the templates' raw HTML set aside (rawhtml.py); an
explainer's HTML is then cut to the allow-list of pages/sanitise.py, as its
body is written by a department. Every page carries the CSP below (main.html).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any, overload

import markdown
from markupsafe import escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils.meta import get_data

from build_tools.build.pipeline import run_pipeline
from build_tools.build.preview import PreviewState
from build_tools.check.report import format_text
from build_tools.errors import ContentError
from build_tools.indexes.pagefind import SiteSearchError, write_site_search
from build_tools.models import Page, Site
from build_tools.pages.feeds import feed_files
from build_tools.pages.generate import ATOM_FILE, EXPLAINER_PAGES, JSON_FILE
from build_tools.pages.ics import ics_files
from build_tools.pages.matching import match_files
from build_tools.pages.sanitise import clean_html
from build_tools.pages.sitemap import SITEMAP_FILE, sitemap
from build_tools.site.deferhtml import DeferredHTML
from build_tools.site.keptpages import PageReuse
from build_tools.site.navcache import cache_navigation
from build_tools.site.notfound import not_found_page
from build_tools.site.rawhtml import SetAside, set_aside
from build_tools.site.serving import ServedPreview

log = logging.getLogger("mkdocs.plugins.policy")
_BLOCK_LEVEL = frozenset(markdown.util.BLOCK_LEVEL_ELEMENTS)

# Every page's Content-Security-Policy (a <meta> in main.html, which cannot carry frame-ancestors). No inline
# script: Material's own are files of our theme (theme/partials/javascripts/); its settings (#__config) are
# JSON, not run. data: images are Material's icons in its CSS; 'wasm-unsafe-eval' lets Pagefind compile its
# WebAssembly (it does in the page when its worker cannot start), and nothing else.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'"
)
# The preview's live reload is an inline script that MkDocs' server adds to each page it serves.
PREVIEW_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


class PolicyPluginConfig(base.Config):
    """The options of `policy` under `plugins:` in mkdocs.yml."""

    content_dir = c.Type(str, default="content")
    """Folder holding policies/, qa/, departments.yml and taxonomy.yml (relative to mkdocs.yml)."""
    today = c.Optional(c.Type(str))
    """Build date as YYYY-MM-DD: decides statuses and which scheduled explainers are out. Default: today."""


class PolicyPlugin(BasePlugin[PolicyPluginConfig]):
    """The `policy` plugin: MkDocs renders the pipeline's pages, in one of three modes (see the module's docstring)."""

    # Set by `policy build` so the pipeline's Site is reused, not computed twice.
    prepared_site: Site | None = None
    # Set by `policy build`: the pages whose HTML the build record holds (site/keptpages.py); MkDocs skips them.
    kept_pages: PageReuse | None = None
    # Set by `policy serve` to override the options of mkdocs.yml.
    overrides: dict[str, str] = {}
    # Each page converted to HTML just before its template, not all pages first (deferhtml.py); off: as MkDocs does.
    defer_html: bool = True

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also keeps this instance alive across `serve` rebuilds.
        self.serving = command == "serve"
        self.preview: ServedPreview | None = None  # made at the first on_config, when the content folder is known
        self.site: Site | None = None
        self._set_aside: dict[str, SetAside] = {}  # page → its raw HTML blocks, from its Markdown to its HTML
        self._deferred = DeferredHTML(self.defer_html)  # pages populated and not converted yet

    def on_shutdown(self) -> None:
        if self.preview is not None:
            self.preview.close()

    def on_config(self, config: Any) -> Any:
        if not config.use_directory_urls:
            raise PluginError("policy: set use_directory_urls: true in mkdocs.yml; page links assume it")
        self.pages = self._pages(config)
        config.theme.static_templates.discard(SITEMAP_FILE)  # ours has real dates: see on_files
        config.extra["policy_feeds"] = {"atom": ATOM_FILE, "json": JSON_FILE}  # for the <link>s in main.html
        config.extra["policy_csp"] = PREVIEW_CONTENT_SECURITY_POLICY if self.serving else CONTENT_SECURITY_POLICY
        config.extra["policy_notfound"] = not_found_page(config.extra["policy_csp"])  # theme/404.html
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        self._deferred.forget()
        in_nav = set(_nav_sources(config.nav))
        self.outputs = {}  # src path → output path of every generated page
        for page in self.pages:
            file = PageFile.of(config, page)
            if self.preview is not None and self.preview.keeps(page.src_path):
                file.is_modified = _unmodified  # type: ignore[method-assign]  # the preview's dirty build keeps its page as built
            elif self.kept_pages is not None and page.src_path in self.kept_pages.kept and page.src_path not in in_nav:
                file.is_modified = _unmodified  # type: ignore[method-assign]  # the build's dirty build takes its HTML from the record
                self.kept_pages.skipped.add(page.src_path)
            file.kept_pages = self.kept_pages
            self.outputs[page.src_path] = file.dest_uri
            files.append(file)
        if theme_sitemap := files.get_file_from_path(SITEMAP_FILE):
            files.remove(theme_sitemap)  # the theme's template, no longer rendered by MkDocs
        built = self.site or self.prepared_site
        if built is not None:
            for path, data in _site_files(built, config).items():
                files.append(File.generated(config, path, content=data))
        return files

    def on_nav(self, nav: Any, config: Any, files: Files) -> Any:
        self._nav = nav
        return nav

    def on_page_read_source(self, page: Any, config: Any) -> str | None:
        if self._deferred.enabled and _made_when_read(page.file):
            # populate needs its front matter only: the page's Markdown is made once, when it is converted
            return page.file.front_matter()
        return None

    @event_priority(-100)  # last: the Markdown every other plugin made is the one kept for later
    def on_page_markdown(self, text: str, page: Any, config: Any, files: Files) -> str:
        if self._deferred.defer(text, page, files, made_when_read=_made_when_read(page.file)):
            return ""  # converted just before its template (on_page_context): not all pages' HTML at once
        return self._setting_aside(text, page)

    def _converting(self, text: str, page: Any) -> str:
        """The Markdown deferhtml.py converts: a page made when read comes whole, its front matter read again."""
        if _made_when_read(page.file):
            text, page.meta = get_data(text)
        return self._setting_aside(text, page)

    def _setting_aside(self, text: str, page: Any) -> str:
        # Markdown would parse the templates' HTML blocks only to pass them through (rawhtml.py)
        self._set_aside[page.file.src_uri] = aside = set_aside(text, _BLOCK_LEVEL)
        return aside.markdown

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        if self._deferred.waiting(page):
            return html  # nothing converted yet: this runs again with the page's HTML (on_page_context)
        html = self._set_aside.pop(page.file.src_uri).put_back(html)
        if not page.file.src_uri.startswith(EXPLAINER_PAGES):
            return html
        _clean_toc(page.toc)  # the theme prints it beside the page, apart from the HTML
        return clean_html(html)

    @event_priority(100)  # first: the other plugins' on_page_context see the page's HTML
    def on_page_context(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        self._deferred.convert(page, config, self._converting)
        return context

    @event_priority(-100)  # last: the other plugins' on_post_page may still read the page
    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        self._deferred.drop(page, anchors_checked=logging.getLogger("mkdocs.structure.pages").isEnabledFor(config.validation.links.anchors))
        return output

    def on_env(self, env: Any, config: Any, files: Files) -> Any:
        cache_navigation(env, self._nav, config)
        if self.preview is not None:
            self.preview.built(config, files, self._nav, env)
        return env

    def on_post_build(self, config: Any) -> None:
        if self.preview is not None:
            self.preview.after_build(config)
        elif self.site is not None:  # a plain `mkdocs build`; `policy build` writes the site search itself
            try:
                write_site_search(self.site, Path(config.site_dir))
            except SiteSearchError as error:
                raise PluginError(str(error)) from None

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        assert self.preview is not None
        return self.preview.serve(server, self._content_dir(config))

    # --- options ---------------------------------------------------------------------------

    def _pages(self, config: Any) -> list[Page]:
        if self.prepared_site is not None:
            return self.prepared_site.pages
        if self.serving:
            if self.preview is None:
                self.preview = ServedPreview(PreviewState(self._content_dir(config), self._today(default=None)), _site_files)
            update = self.preview.run()
            self.site = update.site
            return update.pages
        try:
            self.site = run_pipeline(self._content_dir(config), self._today(default=dt.date.today()))
            return self.site.pages
        except ContentError as error:
            raise PluginError("policy: the content has errors:\n" + format_text(error.issues)) from None

    def _content_dir(self, config: Any) -> Path:
        folder = Path(self.overrides.get("content_dir") or self.config.content_dir)
        return folder if folder.is_absolute() else Path(config.config_file_path).parent / folder

    @overload
    def _today(self, default: dt.date) -> dt.date: ...
    @overload
    def _today(self, default: None) -> dt.date | None: ...

    def _today(self, default: dt.date | None) -> dt.date | None:
        """The `today` option; `default` when it is not set (the preview: None, each run's own date)."""
        value = self.overrides.get("today") or self.config.today
        try:
            return dt.date.fromisoformat(value) if value else default
        except ValueError:
            raise PluginError(f"policy: today must be YYYY-MM-DD, not {value!r}") from None


def _clean_toc(items: Any) -> None:
    """The table of contents of headings a department wrote, as the theme prints it (titles and `href="#id"` as they are):
    titles cut to the allow-list, ids escaped (an attr_list id may hold quotes: `## 标题 {: id='x" onfocus="…' }`)."""
    for item in items:
        item.title = clean_html(item.title)
        item.id = str(escape(item.id))
        _clean_toc(item.children)


def _site_files(site: Site, config) -> dict[str, bytes]:
    """Path → bytes of the files made from the whole site: feeds, the matching page's data, and the sitemap when there is a site_url."""
    files = feed_files(site, config.site_name, config.site_url)
    files.update(match_files(site))
    files.update(ics_files(site, config.site_name, config.site_url))  # the 申报日历's calendar files
    if config.site_url:
        files[SITEMAP_FILE] = sitemap(site, config.site_url)
    return files


class PageFile(File):
    """A generated page's file: its Markdown is made each time it is read (models.Page.source), so
    no page's text is held before MkDocs reads it. Given a text (the preview does), it is a plain file."""

    policy_page: Page | None = None
    kept_pages: PageReuse | None = None  # told of the page's Markdown when it is made (its fingerprint)

    @classmethod
    def of(cls, config, page: Page) -> PageFile:
        file = cls.generated(config, page.src_path, content="")  # content: MkDocs takes it for generated, modified
        assert isinstance(file, PageFile)  # generated makes a `cls`
        file.policy_page = page
        return file

    def front_matter(self) -> str:
        """What MkDocs needs of a deferred page at populate: its title (the page's own front matter is read
        when it is converted, before its template; nothing else reads the title of a page outside the nav)."""
        assert self.policy_page is not None  # only a page made when read is deferred (_made_when_read)
        # escaped as the page's own front matter is (pages/templates/_macros.j2): the theme prints titles as they are
        return f"---\ntitle: {json.dumps(str(escape(self.policy_page.title)), ensure_ascii=False)}\n---\n"

    @property
    def content_string(self) -> str:
        if self.policy_page is None:
            return File.content_string.fget(self)  # type: ignore[attr-defined]  # mypy sees File's property as its getter and setter, not as a property object
        text = self.policy_page.markdown
        if self.kept_pages is not None:
            self.kept_pages.read(self.policy_page, text)
        return text

    @content_string.setter
    def content_string(self, value: str) -> None:
        self.policy_page = None
        File.content_string.fset(self, value)  # type: ignore[attr-defined]  # mypy sees File's property as its getter and setter, not as a property object

    @property
    def content_bytes(self) -> bytes:
        return self.content_string.encode() if self.policy_page is not None else File.content_bytes.fget(self)  # type: ignore[attr-defined]  # mypy sees File's property as its getter and setter, not as a property object

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self.policy_page = None
        File.content_bytes.fset(self, value)  # type: ignore[attr-defined]  # mypy sees File's property as its getter and setter, not as a property object


def _made_when_read(file: File) -> bool:
    return isinstance(file, PageFile) and file.policy_page is not None


def _nav_sources(items: Any) -> list[str]:
    """Every page of the settings' navigation (`nav:`), as src paths."""
    if isinstance(items, str):
        return [items]
    if isinstance(items, dict):
        return [src for value in items.values() for src in _nav_sources(value)]
    if isinstance(items, list):
        return [src for item in items for src in _nav_sources(item)]
    return []


def _unmodified() -> bool:
    """A file MkDocs' dirty build takes as unmodified."""
    return False
