"""`policy serve`'s runs of the pipeline: the same steps again on each save, re-doing only what it changed.

A plain `mkdocs serve` rebuilds everything on every save. The preview instead
- reads again only the content files whose modification time or size changed
  (`load_tree(..., cache=files)`);
- when only the bodies of explainers changed (the most common save), checks
  those files alone and renders those explainers' pages alone: a body shows
  on its own page only, so every other page, the FAQ, the statuses and the
  list pages of the last run stay as they are (`run`);
- otherwise runs the whole pipeline, reusing the FAQ when nothing it is made
  of changed (the sessions, and the explainers' titles, summaries, keywords,
  dates and topics): editing a title does not merge 80,000 questions again;
- tells the site adapter (site/serving.py) which pages the served site must
  show differently (`changes`): it renders those alone, or lets MkDocs build
  again when pages were added or removed; with errors, it hands error pages
  over the last good site (`update`);
- writes the search indexes (Pagefind, Whoosh) and any other file made from
  the whole site (feeds, sitemap) in a child process after the pages are
  served; a newer save replaces a run still in progress. The indexes are
  written as `policy build` writes them with its build record: Pagefind's
  runs and Whoosh's segments whose documents did not change are taken from
  the last run's record (`SearchRecords`), so a save re-indexes the run it
  falls in, not the whole site.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from build_tools.build.pipeline import add_last_changes, add_pages, changed_dates, checked, dated, with_faq
from build_tools.check.documents import read_explainer
from build_tools.check.links import check_links
from build_tools.check.registries import read_registry
from build_tools.errors import ContentError
from build_tools.faq import assemble_faq
from build_tools.faq.kept import faq_inputs
from build_tools.indexes.documents import documents_of, equivalences_of
from build_tools.indexes.pagefind import RunCount, write_search_bundle
from build_tools.indexes.whoosh import shared_index_writer
from build_tools.load.tree import LoadedTree, RawDocument, load_tree
from build_tools.models import Content, Explainer, FAQEntry, Issue, Page, PageChanges, PreviewUpdate, Site
from build_tools.pages.errors import error_pages
from build_tools.pages.generate import explainer_pages
from build_tools.runtime.atomic import move_files_into, staged_folder, write_file_at_once
from build_tools.runtime.background import Background
from build_tools.runtime.reuse import ReuseFolder

log = logging.getLogger("mkdocs.plugins.policy")


@dataclass(frozen=True)
class _Run:
    """The last run without errors: what the next one compares its files with."""

    tree: LoadedTree
    site: Site


class PreviewState:
    """What the preview keeps between saves: the files read, the last good run, the FAQ, the pages served.

    `update()` is what the site adapter (site/serving.py) calls on each save.
    """

    def __init__(self, content_dir: Path | None = None, today: dt.date | None = None) -> None:
        """`today` None: the date of each run (a preview left running over midnight moves statuses)."""
        self.content_dir, self.today = content_dir, today
        self.search_index_folder = Path(tempfile.mkdtemp(prefix="policy-preview-")) / "search_index"  # for /api/search
        self.files: dict = {}
        self._last: _Run | None = None
        self._faq_key: tuple | None = None
        self._faq: list[FAQEntry] = []
        self._sessions: list = []
        self._blanks: dict[int, tuple[RawDocument, RawDocument]] = {}  # see _bodies_of
        self._shown: dict[str, str] = {}  # src path → the Markdown the served page was rendered from
        self._background: Background | None = None
        self._records = SearchRecords(self.search_index_folder.parent / "records")
        self._lock = threading.Lock()

    # --- a run of the pipeline -------------------------------------------------------------

    def update(self) -> PreviewUpdate:
        """A run on what changed since the last, for the site adapter; with errors, error pages over the last good site."""
        assert self.content_dir is not None
        try:
            site = self.run(self.content_dir, self.today or dt.date.today())
        except ContentError as error:
            pages = error_pages(error.issues, self.served(), self.content_dir)
            return PreviewUpdate(None, pages, self.changes(pages, complete=False), error.issues)
        return PreviewUpdate(site, site.pages, self.changes(site.pages), [])

    def run(self, content_dir: Path, today: dt.date) -> Site:
        """The site as of `today`, reusing the last run; raise ContentError on errors."""
        tree = load_tree(content_dir, self.files)
        edited = self._edited_bodies(tree, today)
        site = self._with_bodies(tree, edited) if edited is not None else whole_run(tree, today, self.faq)
        # Every page's text is compared on each save (changes): made once here, not at every comparison.
        site.pages = [page.rendered() for page in site.pages]
        self._last = _Run(tree, site)
        return site

    def _edited_bodies(self, tree: LoadedTree, today: dt.date) -> list[RawDocument] | None:
        """The explainers whose body alone changed since the last run, or None if anything else did."""
        if self._last is None or self._last.site.today != today:
            return None
        before = self._last.tree
        if tree.issues != before.issues or not all(_same_data(new, old) for new, old in _registries(tree, before)):
            return None
        if len(tree.sessions) != len(before.sessions) or any(new is not old for new, old in zip(tree.sessions, before.sessions)):
            return None
        if [d.path for d in tree.policies] != [d.path for d in before.policies]:
            return None
        edited = [(new, old) for new, old in zip(tree.policies, before.policies) if new is not old]
        with_issues = {issue.path for issue in self._last.site.issues}  # checked again as a whole: see _with_bodies
        if any(not _same_front_matter(new, old) or new.shown in with_issues for new, old in edited):
            return None
        return [new for new, _ in edited]

    def _with_bodies(self, tree: LoadedTree, edited: list[RawDocument]) -> Site:
        """The last site with new bodies for `edited`: the files checked and the pages rendered again are theirs alone.

        With the front matter of every file, the registries and the sessions
        unchanged, no other file's problems change, and a file that had none
        before can only gain the ones its own check and its body's links find.
        """
        assert self._last is not None  # the run `edited` was found against
        last = self._last.site
        if not edited:  # a save that changed nothing, or a change outside content/
            return last
        issues: list[Issue] = []
        registry = read_registry(tree.departments, tree.taxonomy, [])  # unchanged: its problems are known
        explainers = {raw.path: read_explainer(raw, registry, issues) for raw in edited}
        check_links(self._bodies_of(tree, edited), issues)
        shown = {raw.shown for raw in edited}
        all_issues = sorted([i for i in last.issues if i.path not in shown] + issues, key=lambda i: (i.path, i.line))
        if any(issue.is_error for issue in issues):
            raise ContentError(all_issues)

        def swap(e: Explainer) -> Explainer:
            return explainers.get(e.path) or e

        content = dataclasses.replace(last.content, explainers=[swap(e) for e in last.content.explainers])
        site = dataclasses.replace(last, content=content, explainers=[swap(e) for e in last.explainers], issues=all_issues)
        republished = [e for e in site.explainers if e.path in explainers]
        site.last_changed = {**last.last_changed, **changed_dates(content, republished, site.today)}
        pages = {page.src_path: page for page in explainer_pages(site, republished)}
        site.pages = [pages.get(page.src_path, page) for page in last.pages]
        return site

    def _bodies_of(self, tree: LoadedTree, edited: list[RawDocument]) -> LoadedTree:
        """`tree` with every body but the edited ones left out: the link check sees every page, checks only those bodies.

        The body-less copies are kept for the next save (a document not read
        again is the same object): making 8,000 of them took a tenth of a second.
        """
        keep = {id(raw) for raw in edited}
        blanks: dict[int, tuple[RawDocument, RawDocument]] = {}

        def blank(raw: RawDocument) -> RawDocument:
            if id(raw) in keep:
                return raw
            pair = self._blanks.get(id(raw))
            blanks[id(raw)] = pair if pair and pair[0] is raw else (raw, dataclasses.replace(raw, body=""))
            return blanks[id(raw)][1]

        bodies = dataclasses.replace(tree, policies=[blank(raw) for raw in tree.policies], sessions=[blank(raw) for raw in tree.sessions])
        self._blanks = blanks  # only the documents of this tree: no old ones kept alive
        return bodies

    # --- the FAQ ---------------------------------------------------------------------------

    def faq(self, content: Content, explainers: list[Explainer]) -> list[FAQEntry]:
        """The FAQ of the last run when its inputs are the same, else assembled again."""
        key = faq_inputs(content, explainers)
        if key == self._faq_key:
            content.sessions[:] = self._sessions  # the entries point at these (equal) sessions and pairs
            return self._faq
        self._faq = assemble_faq(content, explainers)
        self._faq_key, self._sessions = key, list(content.sessions)
        return self._faq

    # --- pages -----------------------------------------------------------------------------

    def changes(self, pages: list[Page], complete: bool = True) -> PageChanges:
        """What the served site must show differently to show `pages`.

        `complete`: `pages` are the whole site (else they replace only
        themselves, as error pages do over the last good site).
        """
        wanted = {page.src_path for page in pages}
        return PageChanges(
            changed=[page for page in pages if self._shown.get(page.src_path) != page.markdown],
            added=wanted - self._shown.keys(),
            removed=self._shown.keys() - wanted if complete else set(),
        )

    def showing(self, changes: PageChanges) -> None:
        """The served site now shows `changes` (called once they are written, so a failed build is tried again)."""
        for src_path in changes.removed:
            self._shown.pop(src_path, None)
        self._shown.update((page.src_path, page.markdown) for page in changes.changed)

    def served(self) -> set[str]:
        """src paths of the pages the served site has."""
        return set(self._shown)

    # --- after the pages are served: search indexes, feeds ---------------------------------

    def write_later(self, site: Site, site_dir: Path, files: Callable[[], dict[str, bytes]] | None = None) -> None:
        """Start writing both search indexes (and `files()`, path → bytes in the site) in a child process."""
        preview_folder = self.search_index_folder.parent

        def work(record: _SearchRecord) -> RunCount:
            for path, data in (files() if files else {}).items():
                write_file_at_once(site_dir / path, data)  # readers of the served site see the old file or the new one
            scratch = Path(tempfile.mkdtemp(prefix=".search-", dir=preview_folder))
            with staged_folder(self.search_index_folder) as index_folder:
                count = write_search_indexes(site, scratch, index_folder, record)
            move_files_into(scratch, site_dir)
            return count

        with self._lock:
            self.stop_background()
            record = self._records.start()
            background = self._background = Background(work, record)
        threading.Thread(target=self._report, args=(background, record), daemon=True).start()

    def stop_background(self) -> None:
        """Stop the child of the last run: a newer save is being built, and its output must not be overwritten."""
        if self._background is not None:
            self._background.cancel(wait=False)  # its reporting thread reaps it

    def close(self) -> None:
        """The preview ends: its child stopped, its search index removed."""
        self.stop_background()
        shutil.rmtree(self.search_index_folder.parent, ignore_errors=True)

    def _report(self, background: Background, record: _SearchRecord) -> None:
        started = time.monotonic()
        try:
            count = background.result()
        except Exception as error:  # a newer save stopped it, or Pagefind failed: the preview keeps running
            with self._lock:
                self._records.failed(record)
            if not background.cancelled:
                log.error("policy: the preview's search could not be written: %s", error)
            return
        with self._lock:
            self._records.written(record)
        seconds = time.monotonic() - started
        made = f"{count.made} of {count.runs} runs made, bundle {count.bundle}"
        log.info("policy: search indexes of the preview written in %.1f s (Pagefind: %s)", seconds, made)


@dataclass(frozen=True)
class _SearchRecord:
    """The record a run of the preview's search indexes reads (`previous`: None for the first) and writes (`next`)."""

    previous: Path | None
    next: Path

    def part(self, name: str) -> ReuseFolder:
        return ReuseFolder(self.previous / name if self.previous is not None else None, self.next / name)


class SearchRecords:
    """The preview's build record of its search indexes: the last one written, and one per run being written.

    A run reads the last written record, which stays until no run may read it:
    a newer save's run starts (and may read it) while an older one finishes.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.last: Path | None = None  # the record of the last run that finished
        self._readers: Counter[Path] = Counter()  # record → how many runs still going may read it
        self._count = 0

    def start(self) -> _SearchRecord:
        """The record of a new run, reading the last written one."""
        self._count += 1
        record = _SearchRecord(self.last, self.folder / str(self._count))
        if self.last is not None:
            self._readers[self.last] += 1
        return record

    def written(self, record: _SearchRecord) -> None:
        """`record`'s run finished: its record is the one to read, and those no run reads are removed."""
        self._done_reading(record)
        old, self.last = self.last, record.next
        if old is not None and not self._readers[old]:
            shutil.rmtree(old, ignore_errors=True)

    def failed(self, record: _SearchRecord) -> None:
        """`record`'s run was stopped or failed: what it wrote is no record."""
        self._done_reading(record)
        shutil.rmtree(record.next, ignore_errors=True)

    def _done_reading(self, record: _SearchRecord) -> None:
        if record.previous is not None:
            self._readers[record.previous] -= 1
            if not self._readers[record.previous] and record.previous != self.last:  # replaced while runs read it
                shutil.rmtree(record.previous, ignore_errors=True)


def whole_run(tree: LoadedTree, today: dt.date, faq: Callable[[Content, list[Explainer]], list[FAQEntry]]) -> Site:
    """Every step after loading, as `run_pipeline` takes them, with the preview's `faq` (reused when unchanged)."""
    site = dated(*checked(tree), today)
    with_faq(site, faq(site.content, site.explainers))
    add_last_changes(site)
    add_pages(site)
    return site


def write_search_indexes(site: Site, site_search_folder: Path, index_folder: Path, record: _SearchRecord | None = None) -> RunCount:
    """Both search indexes, one after the other, in this process (the preview's background child); with
    `record`, what its last run wrote from the same documents is taken from it, as `policy build` does.
    Returns Pagefind's runs: how many, and how many it made."""
    documents = documents_of(site)
    runs, segments = (record.part("pagefind"), record.part("whoosh")) if record is not None else (None, None)
    index = shared_index_writer(site, documents, index_folder, reuse=segments)
    count = write_search_bundle(documents, site.content.taxonomy, site_search_folder, equivalences_of(site), runs)
    index.commit(index.write_runs())
    return count


def _registries(tree: LoadedTree, before: LoadedTree) -> list[tuple[RawDocument | None, RawDocument | None]]:
    return [(tree.departments, before.departments), (tree.taxonomy, before.taxonomy), (tree.faq_links, before.faq_links)]


def _same_data(new: RawDocument | None, old: RawDocument | None) -> bool:
    if new is None or old is None:
        return new is old  # both None
    return (new.data, new.lines) == (old.data, old.lines)


def _same_front_matter(new: RawDocument, old: RawDocument) -> bool:
    """Everything but the body is the same, down to the line numbers an issue would name."""
    return (new.path, new.shown, new.data, new.lines, new.first_line, new.body_line) == (
        old.path,
        old.shown,
        old.data,
        old.lines,
        old.first_line,
        old.body_line,
    )
