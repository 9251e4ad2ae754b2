"""The thin MkDocs adapter: hands the pipeline's generated pages, feeds and sitemap to MkDocs.

Enabled in mkdocs.yml as `plugins: [policy]`. With `policy build` the
pipeline has already run and its Site is handed over (`prepared_site`); with
a plain `mkdocs build` or `mkdocs serve` the plugin runs the pipeline itself.

In preview (`serve`), a save is first run through the pipeline
(preview.py says which pages changed). Those pages alone are then rendered
with MkDocs' own page steps and the files, navigation and theme of the last
MkDocs build (`_render_alone`), new pages added to its files and pages gone
removed: walking 25,000 pages through a MkDocs build took longer than
rendering one. A change to mkdocs.yml or the static files, a page of the
navigation coming or going, or a last build that showed errors only, make
MkDocs build again (dirty: it renders only the changed pages). Nothing
outside this module and site.py imports MkDocs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html
import json
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import markdown
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel, set_exclusions
from mkdocs.utils.meta import get_data

from build_tools.site.deferhtml import DeferredHTML
from build_tools.pages.feeds import feed_files
from build_tools.models import Issue, Page, Site, page_url
from build_tools.site.navcache import cache_navigation
from build_tools.pages.generate import ATOM_FILE, JSON_FILE
from build_tools.build.pipeline import ContentError, run_pipeline
from build_tools.build.preview import PageChanges, PreviewState
from build_tools.site.rawhtml import SetAside, set_aside
from build_tools.check.report import format_text
from build_tools.search.api import wsgi_middleware
from build_tools.pages.sitemap import SITEMAP_FILE, sitemap
from build_tools.indexes.pagefind import SiteSearchError, write_site_search

log = logging.getLogger("mkdocs.plugins.policy")
_BLOCK_LEVEL = frozenset(markdown.util.BLOCK_LEVEL_ELEMENTS)


class PolicyPluginConfig(base.Config):
    content_dir = c.Type(str, default="content")
    """Folder holding policies/, qa/, departments.yml and taxonomy.yml (relative to mkdocs.yml)."""
    today = c.Optional(c.Type(str))
    """Build date as YYYY-MM-DD: decides statuses and which scheduled explainers are out. Default: today."""


@dataclass(frozen=True)
class _Update:
    """One run of the preview: its site (None when the content has errors), the pages MkDocs gets, what changed."""

    site: Site | None
    pages: list[Page]
    changes: PageChanges


@dataclass(frozen=True)
class _Built:
    """What the preview's last MkDocs build set up: enough to render any of its pages again."""

    config: Any
    files: Files
    nav: Any
    env: Any
    doc_files: list
    outside: tuple  # the files outside content/ it was built from (_outside_stamps)
    whole: bool     # it built a whole site, not error pages only


class PolicyPlugin(BasePlugin[PolicyPluginConfig]):
    # Set by `policy build` so the pipeline's Site is reused, not computed twice.
    prepared_site: Site | None = None
    # Set by `policy serve` to override the options of mkdocs.yml.
    overrides: dict[str, str] = {}
    # Each page converted to HTML just before its template, not all pages first (deferhtml.py); off: as MkDocs does.
    defer_html: bool = True

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also keeps this instance alive across `serve` rebuilds.
        self.serving = command == "serve"
        self.site: Site | None = None
        self.preview = PreviewState() if self.serving else None  # what a rebuild can reuse
        self._ready: _Update | None = None  # a rebuild's run, for the MkDocs build it starts
        self._built: _Built | None = None
        self._set_aside: dict[str, SetAside] = {}  # page → its raw HTML blocks, from its Markdown to its HTML
        self._deferred = DeferredHTML(self.defer_html)  # pages populated and not converted yet
        if self.serving:  # the preview keeps its own search index for /api/search
            self.preview_folder = Path(tempfile.mkdtemp(prefix="policy-preview-"))

    def on_shutdown(self) -> None:
        if getattr(self, "serving", False):
            self.preview.stop_background()
            if getattr(self, "_events", None) is not None:
                self._events.stop()
            shutil.rmtree(self.preview_folder, ignore_errors=True)

    def on_config(self, config):
        if not config.use_directory_urls:
            raise PluginError("policy: set use_directory_urls: true in mkdocs.yml; page links assume it")
        self.pages = self._pages(config)
        config.theme.static_templates.discard(SITEMAP_FILE)  # ours has real dates: see on_files
        config.extra["policy_feeds"] = {"atom": ATOM_FILE, "json": JSON_FILE}  # for the <link>s in main.html
        return config

    def on_files(self, files: Files, config) -> Files:
        self._deferred.forget()
        changed = {page.src_path for page in self._update.changes.changed} if getattr(self, "serving", False) else None
        for page in self.pages:
            file = PageFile.of(config, page)
            if changed is not None and page.src_path not in changed:
                file.is_modified = _unmodified  # the preview's dirty build keeps its page as built
            files.append(file)
        if theme_sitemap := files.get_file_from_path(SITEMAP_FILE):
            files.remove(theme_sitemap)  # the theme's template, no longer rendered by MkDocs
        built = self.site or self.prepared_site
        if built is not None:
            for path, data in _site_files(built, config).items():
                files.append(File.generated(config, path, content=data))
        return files

    def on_nav(self, nav, config, files):
        self._nav = nav
        return nav

    def on_page_read_source(self, page, config) -> str | None:
        if self._deferred.enabled and _made_when_read(page.file):
            # populate needs its front matter only: the page's Markdown is made once, when it is converted
            return page.file.front_matter()
        return None

    @event_priority(-100)  # last: the Markdown every other plugin made is the one kept for later
    def on_page_markdown(self, text: str, page, config, files) -> str:
        if self._deferred.defer(text, page, files, made_when_read=_made_when_read(page.file)):
            return ""  # converted just before its template (on_page_context): not all pages' HTML at once
        return self._setting_aside(text, page)

    def _converting(self, text: str, page) -> str:
        """The Markdown deferhtml.py converts: a page made when read comes whole, its front matter read again."""
        if _made_when_read(page.file):
            text, page.meta = get_data(text)
        return self._setting_aside(text, page)

    def _setting_aside(self, text: str, page) -> str:
        # Markdown would parse the templates' HTML blocks only to pass them through (rawhtml.py)
        self._set_aside[page.file.src_uri] = aside = set_aside(text, _BLOCK_LEVEL)
        return aside.markdown

    def on_page_content(self, html: str, page, config, files) -> str:
        if self._deferred.waiting(page):
            return html  # nothing converted yet: this runs again with the page's HTML (on_page_context)
        return self._set_aside.pop(page.file.src_uri).put_back(html)

    @event_priority(100)  # first: the other plugins' on_page_context see the page's HTML
    def on_page_context(self, context, page, config, nav):
        self._deferred.convert(page, config, self._converting)
        return context

    @event_priority(-100)  # last: the other plugins' on_post_page may still read the page
    def on_post_page(self, output: str, page, config) -> str:
        self._deferred.drop(page, anchors_checked=logging.getLogger("mkdocs.structure.pages").isEnabledFor(config.validation.links.anchors))
        return output

    def on_env(self, env, config, files):
        cache_navigation(env, self._nav, config)
        if getattr(self, "serving", False):  # kept for rendering single pages later (_render_alone)
            self._built = _Built(config, files, self._nav, env, _doc_files(files), _outside_stamps(config), self._update.site is not None)
        return env

    def on_post_build(self, config) -> None:
        if getattr(self, "serving", False):
            self.preview.showing(self._update.changes)
            _remove_pages(Path(config.site_dir), self._update.changes.removed)
            self.preview.settle()
            if self.site is not None:  # after the pages are served
                self.preview.write_later(self.site, Path(config.site_dir), self.preview_folder)
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
        self._events = _watch_with_events(server, self._content_dir(config))
        server.set_app(wsgi_middleware(server.get_app(), self.preview_folder / "search_index"))
        server.builder = functools.partial(self._rebuild, server.builder)
        return server

    # --- preview rebuilds ------------------------------------------------------------------

    def _rebuild(self, build: Callable[[], None]) -> None:
        """After a save: the changed pages alone when the last build can render them, else a MkDocs build."""
        self.preview.stop_background()  # it would write files of the previous save over this one's
        if self._built is None:
            return build()
        update = self._prepare(self._built.config)
        if self._can_render_alone(update.changes):
            self._render_alone(update)
        else:
            self._ready = update
            build()

    def _prepare(self, config) -> _Update:
        """Run the pipeline on what changed; with errors, error pages over the last good site."""
        try:
            site = run_pipeline(self._content_dir(config), self._today(), self.preview)
        except ContentError as error:
            log.error("policy: the content has errors (shown in the browser):\n%s", format_text([i for i in error.issues if i.is_error]))
            pages = _error_pages(error.issues, self.preview.served(), self._content_dir(config))
            return _Update(None, pages, self.preview.changes(pages, complete=False))
        return _Update(site, site.pages, self.preview.changes(site.pages))

    def _can_render_alone(self, changes: PageChanges) -> bool:
        built = self._built
        return (built.whole and _outside_stamps(built.config) == built.outside
                and not (changes.added | changes.removed) & _named_in_nav(built.nav))

    def _render_alone(self, update: _Update) -> None:
        """Render the changed pages as MkDocs' build renders a page, with the files, navigation and theme of the last build."""
        from mkdocs.commands.build import _build_page, _populate_page  # MkDocs' own page steps (mkdocs<2 is pinned)

        started, built, changes = time.monotonic(), self._built, update.changes
        for source in changes.removed:
            built.files.remove(built.files.get_file_from_path(source))
        for page in changes.changed:
            if page.src_path in changes.added:
                _add_page(built, page)
        if not changes.same_pages:
            built.doc_files[:] = _doc_files(built.files)
        for page in changes.changed:
            file = built.files.get_file_from_path(page.src_path)
            file.content_string = page.markdown
            _populate_page(file.page, built.config, built.files)
            _build_page(file.page, built.config, built.doc_files, built.nav, built.env, excluded=file.inclusion.is_excluded())
            file.page.validate_anchor_links(files=built.files, log_level=built.config.validation.links.anchors)
        _remove_pages(Path(built.config.site_dir), changes.removed)
        self.preview.showing(changes)
        log.info("policy: %d changed page(s) rendered in %.2f s", len(update.changes.changed), time.monotonic() - started)
        if update.site is not None:
            self.site = update.site
            self.preview.write_later(update.site, Path(built.config.site_dir), self.preview_folder,
                                     files=functools.partial(_site_files, update.site, built.config))

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
        if getattr(self, "serving", False):
            self._update, self._ready = self._ready or self._prepare(config), None
            self.site = self._update.site
            return self._update.pages
        try:
            self.site = run_pipeline(self._content_dir(config), self._today())
            return self.site.pages
        except ContentError as error:
            raise PluginError("policy: the content has errors:\n" + format_text(error.issues)) from None


def _site_files(site: Site, config) -> dict[str, bytes]:
    """Path → bytes of the files made from the whole site: feeds, and the sitemap when there is a site_url."""
    files = feed_files(site, config.site_name, config.site_url)
    if config.site_url:
        files[SITEMAP_FILE] = sitemap(site, config.site_url)
    return files


def _doc_files(files: Files) -> list:
    """The pages of a preview build, as MkDocs' build lists them for the templates."""
    return files.documentation_pages(inclusion=InclusionLevel.is_in_serve)


class PageFile(File):
    """A generated page's file: its Markdown is made each time it is read (models.Page.source), so
    no page's text is held before MkDocs reads it. Given a text (the preview does), it is a plain file."""

    policy_page: Page | None = None

    @classmethod
    def of(cls, config, page: Page) -> PageFile:
        file = cls.generated(config, page.src_path, content="")  # content: MkDocs takes it for generated, modified
        file.policy_page = page
        return file

    def front_matter(self) -> str:
        """What MkDocs needs of a deferred page at populate: its title (the page's own front matter is read
        when it is converted, before its template; nothing else reads the title of a page outside the nav)."""
        return f"---\ntitle: {json.dumps(self.policy_page.title, ensure_ascii=False)}\n---\n"

    @property
    def content_string(self) -> str:
        return self.policy_page.markdown if self.policy_page is not None else File.content_string.fget(self)

    @content_string.setter
    def content_string(self, value: str) -> None:
        self.policy_page = None
        File.content_string.fset(self, value)

    @property
    def content_bytes(self) -> bytes:
        return self.content_string.encode() if self.policy_page is not None else File.content_bytes.fget(self)

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self.policy_page = None
        File.content_bytes.fset(self, value)


def _made_when_read(file: File) -> bool:
    return isinstance(file, PageFile) and file.policy_page is not None


def _add_page(built: _Built, page: Page) -> None:
    """A new page in the last build's files, as MkDocs' build adds a page that is not in the navigation."""
    from mkdocs.structure.pages import Page as MkDocsPage

    file = File.generated(built.config, page.src_path, content=page.markdown)
    built.files.append(file)
    set_exclusions([file], built.config)
    MkDocsPage(None, file, built.config)


def _named_in_nav(nav) -> set[str]:
    """src paths of the navigation's pages and the targets of its links (an entry whose page did not exist yet)."""
    named = {page.file.src_uri for page in nav.pages}
    items = list(nav.items)
    while items:
        item = items.pop()
        if item.is_link:
            named.add(item.url)
        items.extend(item.children or [])
    return named


def _outside_stamps(config) -> tuple:
    """mkdocs.yml and the files of docs_dir as they are now: the preview's other watched files."""
    paths = [Path(config.config_file_path), *sorted(Path(config.docs_dir).rglob("*"))]
    return tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in paths if path.is_file())


def _remove_pages(site_dir: Path, sources: set[str]) -> None:
    """The output of pages the site no longer has (a deleted explainer): a dirty build leaves it."""
    for source in sources:
        output = site_dir / page_url(source) / "index.html"
        output.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            output.parent.rmdir()  # only when empty: a list page's folder may hold its other pages


def _watch_with_events(server, folder: Path):
    """Watch `folder` with the system's file events (inotify on Linux); the started observer, or None when polled.

    MkDocs polls every watched file every half second: at 5,000 explainers a
    poll of 8,000 files took longer than the rebuild, and it was most of the
    time from a save to its page. The server's own handler is kept (its
    `watch` schedules it on `server.observer`, here lent a stand-in that
    hands it over), and only writes, moves and deletions reach it, as the
    preview reading a file must not start another rebuild.
    """
    from watchdog import events
    from watchdog.observers import Observer

    polling, server.observer = server.observer, _HandlerCatcher()
    try:
        server.watch(str(folder))
        handler = server.observer.handler
    finally:
        server.observer = polling
    changes = [events.FileModifiedEvent, events.FileClosedEvent, events.FileCreatedEvent, events.FileDeletedEvent, events.FileMovedEvent,
               events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent]
    observer = Observer()
    try:
        observer.schedule(handler, str(folder), recursive=True, event_filter=changes)
        observer.start()
    except OSError:  # no inotify here, or its limits reached: MkDocs polls
        polling.schedule(handler, str(folder), recursive=True)
        return None
    return observer


class _HandlerCatcher:
    """Stands in for the server's observer while it schedules its handler, and keeps the handler."""

    def schedule(self, handler, path: str, recursive: bool = False):
        self.handler = handler


def _unmodified() -> bool:
    return False


def _error_pages(issues: list[Issue], served: set[str], content_dir: Path) -> list[Page]:
    """The problems on the home page and on the served pages of the files that have errors.

    The rest of the last good site stays served; an author looking at the
    page of the file being edited sees the problem there, without looking for it.
    """
    page = _error_page(issues)
    sources = {_page_of(Path(issue.path), content_dir) for issue in issues if issue.is_error}
    return [page, *(Page(source, page.title, page.markdown) for source in sorted(sources & served - {page.src_path}))]


def _page_of(path: Path, content_dir: Path) -> str | None:
    """src path of the page a content file is published on (explainers and sessions), else None."""
    try:
        parts = path.resolve().relative_to(content_dir.resolve()).parts
    except ValueError:
        return None
    folder = {"policies": "policies", "qa": "qa"}.get(parts[0]) if len(parts) > 1 else None
    return f"{folder}/{path.stem}.md" if folder else None


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
