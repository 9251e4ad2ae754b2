"""`mkdocs serve` with the preview: after a save, MkDocs renders only the pages the preview says changed.

A save is first run through the preview (build/preview.py, which knows
which pages changed). Those pages alone are then rendered with MkDocs' own
page steps and the files, navigation and theme of the last MkDocs build
(`_render_alone`), new pages added to its files and pages gone removed:
walking 25,000 pages through a MkDocs build took longer than rendering one.
A change to mkdocs.yml or the static files, a page of the navigation coming
or going, or a last build that showed errors only, make MkDocs build again
(dirty: it renders only the changed pages). The search indexes and the
feeds are written after the pages are served, by the preview's child process.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mkdocs.structure.files import File, Files, InclusionLevel, set_exclusions

from build_tools.check.report import format_text
from build_tools.models import Page, PageChanges, PreviewUpdate, Site, page_url
from build_tools.runtime.memory import freeze_survivors
from build_tools.search.api import wsgi_middleware

log = logging.getLogger("mkdocs.plugins.policy")

SiteFiles = Callable[[Site, Any], dict[str, bytes]]  # (site, MkDocs config) → path → bytes of feeds and sitemap


class PreviewSource(Protocol):
    """What the served site asks of the preview (build/preview.py's PreviewState)."""

    search_index_folder: Path

    def update(self) -> PreviewUpdate:
        """A run of the pipeline on what changed since the last."""

    def showing(self, changes: PageChanges) -> None:
        """The served site now shows `changes`."""

    def write_later(self, site: Site, site_dir: Path, files: Callable[[], dict[str, bytes]] | None = None) -> None:
        """Write the search indexes and `files()` into the served site in a child process."""

    def stop_background(self) -> None:
        """Stop the child process still writing for an earlier save."""

    def close(self) -> None:
        """The preview ends."""


@dataclass(frozen=True)
class _Built:
    """What the preview's last MkDocs build set up: enough to render any of its pages again."""

    config: Any
    files: Files
    nav: Any
    env: Any
    doc_files: list[File]
    outside: tuple[tuple[str, int, int], ...]  # the files outside content/ it was built from (_outside_stamps)
    whole: bool  # it built a whole site, not error pages only


class ServedPreview:
    """The plugin's side of `mkdocs serve`: which pages a build renders, and the rebuilds after a save."""

    def __init__(self, source: PreviewSource, site_files: SiteFiles):
        self.source, self._site_files = source, site_files
        self._update: PreviewUpdate | None = None  # the run the current MkDocs build shows
        self._changed: set[str] = set()  # src paths of the pages that run changed
        self._ready: PreviewUpdate | None = None  # a rebuild's run, for the MkDocs build it starts
        self._built: _Built | None = None
        self._events: Any = None

    def run(self) -> PreviewUpdate:
        """The run a MkDocs build is about to show (on_config): the one a rebuild prepared, or a new one."""
        self._update, self._ready = self._ready or self._prepare(), None
        self._changed = {page.src_path for page in self._update.changes.changed}  # asked of every page (keeps)
        return self._update

    def keeps(self, src_path: str) -> bool:
        """The dirty build keeps this page as it was built: the run did not change it."""
        return self._update is not None and src_path not in self._changed

    def built(self, config: Any, files: Files, nav: Any, env: Any) -> None:
        """Keep what MkDocs set up (on_env), for rendering single pages later."""
        assert self._update is not None
        self._built = _Built(config, files, nav, env, _doc_files(files), _outside_stamps(config), self._update.site is not None)

    def after_build(self, config: Any) -> None:
        """A MkDocs build is written: the preview knows what is served; the search and feeds follow in the background."""
        assert self._update is not None
        self.source.showing(self._update.changes)
        _remove_pages(Path(config.site_dir), self._update.changes.removed)
        freeze_survivors()
        if self._update.site is not None:  # after the pages are served
            self.source.write_later(self._update.site, Path(config.site_dir))

    def serve(self, server: Any, content_dir: Path) -> Any:
        """Watch `content_dir`, answer /api/search from the preview's index, and rebuild through `_rebuild`."""
        self._events = _watch_with_events(server, content_dir)
        server.set_app(wsgi_middleware(server.get_app(), self.source.search_index_folder))
        server.builder = functools.partial(self._rebuild, server.builder)
        return server

    def close(self) -> None:
        """The server stops: no watching, no child process, no preview index."""
        if self._events is not None:
            self._events.stop()
        self.source.close()

    # --- after a save ----------------------------------------------------------------------

    def _rebuild(self, build: Callable[[], None]) -> None:
        """After a save: the changed pages alone when the last build can render them, else a MkDocs build."""
        self.source.stop_background()  # it would write files of the previous save over this one's
        if self._built is None:
            return build()
        update = self._prepare()
        if self._can_render_alone(self._built, update.changes):
            self._render_alone(self._built, update)
        else:
            self._ready = update
            build()

    def _prepare(self) -> PreviewUpdate:
        update = self.source.update()
        if update.site is None:
            errors = [issue for issue in update.issues if issue.is_error]
            log.error("policy: the content has errors (shown in the browser):\n%s", format_text(errors))
        return update

    @staticmethod
    def _can_render_alone(built: _Built, changes: PageChanges) -> bool:
        return built.whole and _outside_stamps(built.config) == built.outside and not (changes.added | changes.removed) & _named_in_nav(built.nav)

    def _render_alone(self, built: _Built, update: PreviewUpdate) -> None:
        """Render the changed pages as MkDocs' build renders a page, with the files, navigation and theme of the last build."""
        from mkdocs.commands.build import _build_page, _populate_page  # MkDocs' own page steps (mkdocs<2 is pinned)

        started, changes = time.monotonic(), update.changes
        for source in changes.removed:
            removed = built.files.get_file_from_path(source)
            assert removed is not None  # a removed page was one of the last build's files
            built.files.remove(removed)
        for page in changes.changed:
            if page.src_path in changes.added:
                _add_page(built, page)
        if not changes.same_pages:
            built.doc_files[:] = _doc_files(built.files)
        for page in changes.changed:
            file = built.files.get_file_from_path(page.src_path)
            assert file is not None  # a changed page is one of the last build's files (or was just added)
            file.content_string = page.markdown
            assert file.page is not None  # set up by the last build
            _populate_page(file.page, built.config, built.files)
            _build_page(file.page, built.config, built.doc_files, built.nav, built.env, excluded=file.inclusion.is_excluded())
            file.page.validate_anchor_links(files=built.files, log_level=built.config.validation.links.anchors)
        _remove_pages(Path(built.config.site_dir), changes.removed)
        self.source.showing(changes)
        log.info("policy: %d changed page(s) rendered in %.2f s", len(changes.changed), time.monotonic() - started)
        if update.site is not None:
            self.source.write_later(update.site, Path(built.config.site_dir), files=functools.partial(self._site_files, update.site, built.config))


def _doc_files(files: Files) -> list[File]:
    """The pages of a preview build, as MkDocs' build lists them for the templates."""
    return list(files.documentation_pages(inclusion=InclusionLevel.is_in_serve))  # a list already: typed as a Sequence


def _add_page(built: _Built, page: Page) -> None:
    """A new page in the last build's files, as MkDocs' build adds a page that is not in the navigation."""
    from mkdocs.structure.pages import Page as MkDocsPage

    file = File.generated(built.config, page.src_path, content=page.markdown)
    built.files.append(file)
    set_exclusions([file], built.config)
    MkDocsPage(None, file, built.config)


def _named_in_nav(nav: Any) -> set[str]:
    """src paths of the navigation's pages and the targets of its links (an entry whose page did not exist yet)."""
    named = {page.file.src_uri for page in nav.pages}
    items = list(nav.items)
    while items:
        item = items.pop()
        if item.is_link:
            named.add(item.url)
        items.extend(item.children or [])
    return named


def _outside_stamps(config: Any) -> tuple[tuple[str, int, int], ...]:
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


def _watch_with_events(server: Any, folder: Path) -> Any:
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
    changes = [
        events.FileModifiedEvent,
        events.FileClosedEvent,
        events.FileCreatedEvent,
        events.FileDeletedEvent,
        events.FileMovedEvent,
        events.DirCreatedEvent,
        events.DirDeletedEvent,
        events.DirMovedEvent,
    ]
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

    handler: Any = None

    def schedule(self, handler: Any, path: str, recursive: bool = False) -> None:
        self.handler = handler
