"""Each page's HTML made just before its template is rendered, and dropped once the page is written.

MkDocs 1.6 converts every page's Markdown to HTML (populate) before it
renders the first template (build), so the HTML and table of contents of all
pages are held at once: at 5,000 explainers (26,883 pages) the main process
grew by about 340 MB in MkDocs, and at 20,000 (about 106,000 pages) it would
be well over 1 GB. So the MkDocs adapter (plugin.py) lets MkDocs populate a
page without converting it (its `render` does nothing until then), converts
it when its template is about to be rendered (on_page_context: `page.render`,
then every plugin's on_page_content, as MkDocs' populate does) together with
the next pages MkDocs builds (BATCH), and once the page is written
(on_post_page) drops its HTML, table of contents, Markdown and front matter
but its title (and the anchors MkDocs checks after the build, when that check
logs at a level not shown: 21 % of what MkDocs kept per page). At 1,000
explainers (5,547 pages) the HTML held at once went from 45 MB to under 1 MB
(tracemalloc), the main process grew by 53 MB in MkDocs instead of 101 MB
(most of the rest is the pages' Markdown, which their Files hold) and its
peak in `policy build` went from 284 to 239 MB; MkDocs took no more time
(CPU time 0.93 of it, median of 6 runs each way in turn). The site is byte
for byte the same (tested).

Nothing else reads a page's HTML, table of contents or Markdown outside its
own build, and what else conversion sets is kept:

- A page's title is read by the navigation, the footer and the pager of the
  pages built before it. Only a page titled by its front matter (`title:`, as
  every generated page is) is deferred; one titled by its first heading is
  converted when MkDocs converts it.
- Links to anchors are checked after all pages are built, from the anchors
  (`present_anchor_ids`) and links (`links_to_anchors`) conversion sets:
  they are kept unless that check logs at a level the logger does not show.
- A dirty build skips both steps of an unmodified page; the preview's
  single-page renders (plugin.py `_render_alone`) run both steps again.
- The feeds and the sitemap are made from the pipeline's Site, not from
  MkDocs' pages; Material reads `page.content` and `page.toc` of the page it
  renders only.
- Another plugin's on_page_content (mkdocs.yml has none) would also run at
  populate, on the empty HTML, as MkDocs calls it there.

The Markdown is not held while it waits. A generated page's file makes its
text when it is read (plugin.py `PageFile`): MkDocs is given its front
matter at populate (its title: nothing reads more of a page outside the
navigation before its build), and its whole text is made once, when it is
converted, its front matter read again. Else, when the Markdown is the end
of the text its File holds, only where it starts is kept; else (a file on
disk, or a plugin that changed it) the Markdown itself. (Another plugin's
on_page_markdown, mkdocs.yml has none, sees a generated page's front matter
only.)
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("mkdocs.plugins.policy")

# Pages converted one after another. Converted one by one, each just before its template (Markdown and the
# templates alternating page by page), MkDocs took 10-30 % more CPU time (1,000 explainers, each way in turn in
# one process); by runs of 100 it takes no more than converting all pages first, and holds about 1 MB of HTML.
BATCH = 100
WHOLE_TEXT = -2  # _Waiting.start of a page whose whole text (front matter and all) is read when it is converted


class _Waiting:
    """A populated page whose Markdown waits to be converted; until then it is the page's `render`."""

    __slots__ = ("page", "files", "start", "markdown")

    def __init__(self, page, files, start: int, markdown: str | None) -> None:
        self.page = page
        self.files = files  # the files it was populated with: its links are resolved against them
        self.start = start  # where its Markdown starts in its file's text, or -1 when it is `markdown`
        self.markdown = markdown

    def text(self) -> str:
        if self.start == WHOLE_TEXT:
            return self.page.file.content_string
        if self.start < 0:
            assert self.markdown is not None  # start -1: the Markdown is held here
            return self.markdown
        return self.page.file.content_string[self.start :]

    def __call__(self, config, files) -> None:
        self.page.content = ""  # MkDocs' populate: nothing converted (and it asserts there is some HTML)


class DeferredHTML:
    """The populated pages whose Markdown is converted when their template is rendered, in build order."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._waiting: dict[str, _Waiting] = {}
        self._renderer: _Renderer | None = None

    def forget(self) -> None:
        """At the start of a MkDocs build: nothing left from one that failed, or made with another config."""
        self._waiting.clear()
        self._renderer = None

    def defer(self, markdown: str, page, files, made_when_read: bool = False) -> bool:
        """At populate (the last on_page_markdown): whether `page` waits; MkDocs then converts nothing for it.

        `made_when_read`: the file's text is made each time it is read, and MkDocs was given its front
        matter only (plugin.py); the whole text is read once, when the page is converted.
        """
        if isinstance(page.render, _Waiting):
            del page.render  # left by a build that failed before this page's template
        if not (self.enabled and "title" in page.meta):
            return False
        file = page.file
        if made_when_read:
            waiting = _Waiting(page, files, WHOLE_TEXT, None)
        # a file held in memory (a generated page) gives its Markdown again; one on disk could change before the build
        elif file.abs_src_path is None and (source := file.content_string).endswith(markdown):
            waiting = _Waiting(page, files, len(source) - len(markdown), None)
        else:
            waiting = _Waiting(page, files, -1, markdown)
        self._waiting[file.src_uri] = page.render = waiting  # MkDocs' populate calls page.render next
        return True

    def waiting(self, page) -> bool:
        """Whether `page` is populated and not converted yet."""
        return page.file.src_uri in self._waiting

    def convert(self, page, config, prepare: Callable[[str, Any], str]) -> None:
        """Before the page's template (the first on_page_context): its HTML, and that of the next pages MkDocs builds.

        Each as MkDocs' populate makes it: `prepare` does to the Markdown what
        the deferring plugin's own on_page_markdown does, then `page.render`
        and every plugin's on_page_content.
        """
        if (first := self._waiting.pop(page.file.src_uri, None)) is None:
            return
        batch = [first, *itertools.islice(self._waiting.values(), BATCH - 1)]  # populated in the order they are built
        for waiting in batch[1:]:
            del self._waiting[waiting.page.file.src_uri]
        current = config._current_page
        self._renderer = self._renderer or _Renderer(config)
        try:
            for waiting in batch:
                config._current_page = waiting.page  # as in populate: `!relative` in mkdocs.yml reads it
                _convert(waiting, config, prepare, self._renderer)
        finally:
            config._current_page = current

    def drop(self, page, anchors_checked: bool = True) -> None:
        """Once the page is written (the last on_post_page): what no later step reads.

        `anchors_checked` False: MkDocs' check of links to anchors, after the build, would log at a
        level nobody sees (`policy build` shows warnings only), so the anchors it checks go too.
        """
        if self.enabled and "title" in page.meta:  # its title does not come from them
            page.content, page.toc, page.markdown = None, (), ""  # markdown not None: MkDocs would take the page for unread
            page.meta = {"title": page.meta["title"]}  # read by the navigation, the footer and the pager
            if not anchors_checked:
                page.present_anchor_ids = page.links_to_anchors = None  # MkDocs skips a page without them


def _convert(waiting: _Waiting, config, prepare: Callable[[str, Any], str], renderer: _Renderer) -> None:
    page, files = waiting.page, waiting.files
    try:
        del page.render
        page.markdown = prepare(waiting.text(), page)
        renderer.render(page, config, files)
        page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
    except Exception as error:
        log.error("Error reading page '%s': %s", page.file.src_uri, error)  # as MkDocs' populate says it
        raise


class _Renderer:
    """MkDocs 1.6's Page.render with one Markdown instance for all pages, reset between them (as
    Python-Markdown's reset() is for), where MkDocs makes a new one with every extension for each
    page: at 1,000 explainers MkDocs took 11.2 CPU-seconds instead of 13.7 (median of 3 runs each way
    in turn). The pages are the same (tested)."""

    def __init__(self, config) -> None:
        import markdown

        self._markdown = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"] or {})

    def render(self, page, config, files) -> None:
        from mkdocs.structure import pages
        from mkdocs.structure.toc import get_toc

        md = self._markdown
        md.reset()
        raw_html = pages._RawHTMLPreprocessor()
        anchors = pages._ExtractAnchorsTreeprocessor(page.file, files, config)
        relative = pages._RelativePathTreeprocessor(page.file, files, config)
        title = pages._ExtractTitleTreeprocessor()
        for processor in (raw_html, anchors, relative, title):
            processor._register(md)  # in place of the last page's: they are registered by name
        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = title.title
        page.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids
        if pages.log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative.links_to_anchors
