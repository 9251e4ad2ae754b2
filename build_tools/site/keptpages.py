"""Pages the last build wrote from the same inputs: taken from the build record, not rendered again.

A generated page's HTML depends on its own Markdown and title (they hold all
it shows: what it lists, statuses, dates, the titles of the pages it links
to), on where it lives (its links are relative), and on what every page
shares: the settings with their navigation, the theme and the package. The
record is used only when those shared inputs are the record's
(build/record.py); a page is then kept when its fingerprint (`fingerprint`)
is the recorded one and the record holds its HTML. The pages of the
navigation are always rendered (the adapter, plugin.py, never keeps them):
their tabs and pager show other pages. MkDocs builds the rest "dirty": it
skips a kept page (its file says unmodified), whose HTML is linked in from the
record afterwards (`finish`).
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from build_tools.models import Page
from build_tools.runtime.reuse import ReuseFolder

PAGES_FILE = "pages.json"  # src path → fingerprint
HTML = "html"  # the pages' HTML, one file each (recorded_name)


def fingerprint(page: Page, markdown: str | None = None) -> str:
    """A hash of what a page's HTML depends on besides the shared inputs: its place, title and Markdown (made now if not given)."""
    text = page.markdown if markdown is None else markdown
    return hashlib.sha256(f"{page.src_path}\0{page.title}\0{text}".encode()).hexdigest()


@dataclass
class PageReuse:
    """This build's pages' fingerprints, and those whose HTML the record holds (`kept`: their src paths)."""

    reuse: ReuseFolder
    fingerprints: dict[str, str]
    kept: set[str]
    skipped: set[str] = field(default_factory=set)  # kept pages MkDocs did not render (set by the adapter)

    @classmethod
    def plan(cls, pages: list[Page], reuse: ReuseFolder) -> PageReuse:
        """Without a last record, nothing is kept and each page's fingerprint is taken when MkDocs reads its
        Markdown (`read`): made here too, every page's Markdown would be made twice (4.6 s at 1,000 explainers)."""
        recorded = _recorded(reuse)
        if not recorded:
            return cls(reuse, {}, set())
        fingerprints = {page.src_path: fingerprint(page) for page in pages}
        kept = {src for src, print_ in fingerprints.items() if recorded.get(src) == print_ and reuse.has(recorded_name(output_path(src)))}
        return cls(reuse, fingerprints, kept)

    def read(self, page: Page, markdown: str) -> None:
        """MkDocs has read a page's Markdown: its fingerprint, if not taken yet."""
        if page.src_path not in self.fingerprints:
            self.fingerprints[page.src_path] = fingerprint(page, markdown)

    def finish(self, folder: Path, outputs: dict[str, str]) -> None:
        """The skipped pages' HTML linked into the built site `folder` from the record, then every page's
        HTML (`outputs`: src path → output path) and fingerprint kept in the new record."""
        for src in sorted(self.skipped):
            assert outputs[src] == output_path(src), (src, outputs[src])  # the adapter requires directory URLs
            self.reuse.take(recorded_name(outputs[src]), also_into=folder / outputs[src])
        for src, output in outputs.items():
            if src not in self.skipped and (folder / output).is_file():  # MkDocs writes no file for an empty page
                self.reuse.keep(recorded_name(output), folder / output)
        recorded = {src: self.fingerprints[src] for src in sorted(outputs) if src in self.fingerprints}
        self.reuse.next.mkdir(parents=True, exist_ok=True)
        (self.reuse.next / PAGES_FILE).write_text(json.dumps(recorded, ensure_ascii=False), encoding="utf-8")


def output_path(src_path: str) -> str:
    """Where a generated page's HTML is written, as MkDocs does with directory URLs (`a/index.md`, `a.md` → `a/index.html`)."""
    stem = src_path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return f"{stem}.html"
    return f"{stem}/index.html"


def recorded_name(output: str) -> str:
    """Where the record keeps the HTML of the page written at `output`: one file in the HTML folder, its name
    the output path with `/` (and `%`) escaped, so that no two pages share a name."""
    return f"{HTML}/{urllib.parse.quote(output, safe='')}"


def _recorded(reuse: ReuseFolder) -> dict[str, str]:
    if not reuse.has(PAGES_FILE):
        return {}
    assert reuse.previous is not None
    try:
        recorded = json.loads((reuse.previous / PAGES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return recorded if isinstance(recorded, dict) else {}
