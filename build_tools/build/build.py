"""`policy build`: the pipeline's steps, then every writer, then one swap of all outputs.

Read `build()` top to bottom: its phases say what runs, and in which process.

0. **lock** (here): the build holds the lock of the folders it writes into
   (runtime/lock.py) from before it reads anything to after it publishes, so
   a second build into the same folders waits (or, `wait=False`, stops); all
   paths are made absolute against the current folder first. SIGTERM, SIGINT
   and SIGHUP unwind the build like an error (runtime/interrupts.py).
1. **check** (here): load, check, dates; for a large site a fork writes the
   explainers into the Whoosh index meanwhile (the second core was idle);
   the FAQ; last changes. The next build's leftovers (the outputs the last
   build replaced) are removed by another process while this one checks.
2. **pages** (here), while another process starts on the search indexes:
   Pagefind's site search first, then runs of the Whoosh index. For a small
   site it is a fork, which shares the site with this one; for a large site a
   new interpreter reading the search documents from a file (written by a
   short-lived fork) — a fork grew by allocating into the memory it shared
   with this process (at 20,000 explainers to 800 MB, while the documents it
   read were 300 MB).
3. **site** (here): MkDocs renders the pages into the staged site.
4. **index** (both): this process writes the runs of the Whoosh index the
   other has not claimed yet, so whichever finishes first takes more of it;
   then the index is committed and the Pagefind bundle moved into the site.
5. **swap**: a site without the explainers' pages, or without an index, is
   refused; else both carry the same build stamp (stamp.py) and replace the
   previous ones as one unit (runtime/atomic.py `publish`); a failed or
   interrupted build leaves the previous output untouched. An OSError the
   user can fix (no space, read-only, permission) becomes `FileSystemError`,
   naming the output.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from build_tools.build.pipeline import add_last_changes, add_pages, checked, dated, with_faq
from build_tools.build.record import RECORD, BuildRecord, open_record, record_key
from build_tools.build.stamp import build_stamp, write_stamp
from build_tools.check.validity import DEFAULT_YEARS
from build_tools.errors import BuildRunning, IncompleteBuild, file_system_error
from build_tools.faq.kept import faq_of
from build_tools.indexes.documents import SearchDocuments, StoredDocuments, documents_of, equivalences_of
from build_tools.indexes.pagefind import RunCount, write_search_bundle
from build_tools.indexes.whoosh import first_documents_writer, shared_index_writer
from build_tools.indexes.whoosh.writing import FirstDocumentsWriter, SharedIndexWriter
from build_tools.load.cache import load_tree_cached
from build_tools.models import Site, Taxonomy
from build_tools.pages.generate import forget_rendered_texts
from build_tools.runtime.atomic import move_files_into, recover_publish, remove_previous_outputs, staged_folders, staging_prefix
from build_tools.runtime.background import Background, StartWhenDone, Tasks
from build_tools.runtime.interrupts import signals_unwind
from build_tools.runtime.lock import outputs_locked
from build_tools.runtime.memory import collector_skips_existing, release_free_memory
from build_tools.runtime.progress import Progress
from build_tools.runtime.reuse import ReuseFolder
from build_tools.site.builder import project_config, settings_fingerprint, write_site
from build_tools.site.keptpages import PageReuse

# From this many search documents (about 1,100 explainers with their FAQ), the search indexes are written by a
# new interpreter rather than a fork (see the module's docstring, phase 2).
FRESH_PROCESS_FROM = 5_000


@dataclass(frozen=True)
class BuildOptions:
    """Where `policy build` reads and writes, and the build date."""

    content_dir: Path
    site_dir: Path
    index_dir: Path
    config_file: Path | None  # None: ./mkdocs.yml if there is one, else the packaged defaults (site/builder.py)
    today: dt.date
    wait: bool = True  # another build holds the output folders: wait for it (False: raise BuildRunning)
    validity_years: int = DEFAULT_YEARS  # warn about a policy without expires older than this (0: never; check/validity.py)
    cache_dir: Path | None = None  # the build record's folder (record.py); None: no record, everything built
    full: bool = False  # build everything, not reading the record (a new one is written)

    def absolute(self) -> BuildOptions:
        """The same options with every path made absolute against the current folder (MkDocs would read a
        relative site folder from the settings file's folder)."""
        config = project_config(self.config_file)  # None: no ./mkdocs.yml either, the defaults alone
        return replace(
            self,
            content_dir=Path(self.content_dir).absolute(),
            site_dir=Path(self.site_dir).absolute(),
            index_dir=Path(self.index_dir).absolute(),
            config_file=config.absolute() if config is not None else None,
            cache_dir=Path(self.cache_dir).absolute() if self.cache_dir is not None else None,
        )

    def outputs(self) -> list[Path]:
        """The folders a build replaces as one unit: the site, the index and the build record."""
        return [self.site_dir, self.index_dir, *([self.cache_dir / RECORD] if self.cache_dir is not None else [])]


def build(options: BuildOptions, progress: Progress | None = None, waiting: Callable[[Path], None] | None = None) -> Site:
    """Check the content, write the site and both search indexes, and swap them in; raise ContentError on errors.

    When another build holds the output folders, `waiting(folder)` is called and this one waits for it
    (`options.wait`), else BuildRunning is raised.
    """
    progress = progress or Progress.silent()
    options = options.absolute()

    def busy(folder: Path) -> None:
        if not options.wait:
            raise BuildRunning(folder)
        if waiting is not None:
            waiting(folder)

    try:
        with signals_unwind(), outputs_locked(*options.outputs(), busy=busy):
            recover_publish(options.site_dir)  # a publish whose process was killed between its two swaps
            return _build(options, progress)
    except OSError as error:
        problem = file_system_error(error, _output_of(error, options), unchanged=True)
        if problem is None:
            raise
        raise problem from error


def _build(options: BuildOptions, progress: Progress) -> Site:
    """The phases, under the lock."""
    key, record = _last_record(options, progress)
    with (
        staged_folders(*options.outputs(), keep_previous=True) as (site_folder, index_folder, *record_folder),
        tempfile.TemporaryDirectory(prefix=staging_prefix("search"), dir=site_folder.parent) as scratch,
        Tasks() as tasks,  # innermost: a failed build stops its processes before their folders are removed
    ):
        record = record.staged_in(record_folder[0]) if record is not None else None
        # 1. check, here; another process removes what the last build replaced, and one stamps this build
        cleanup = tasks.add_task(remove_previous_outputs, *options.outputs())
        stamping = tasks.add_task(build_stamp, options.content_dir, options.config_file, options.today)
        with progress.step("检查内容 / check, FAQ"):
            site, first = _checked_site(options, index_folder, record)
        if first.count:
            progress.done(f"检索索引 / search index (Whoosh) during the FAQ：{first.count:,} documents", first.seconds)

        with collector_skips_existing():  # the site stays to the end: no collection need walk it again
            # 2. pages, here, while another process starts on the search indexes
            documents = documents_of(site)  # each made when an index reads it, in either process
            searching = _start_search_indexes(tasks, site, documents, first.count, Path(scratch), index_folder, record)
            with progress.step("生成页面 / pages"):
                add_pages(site)
            kept = _kept_pages(site, record, progress)
            # 3. site: MkDocs renders the pages (but those the record holds), here
            with progress.step("网站 / site (MkDocs)", len(site.pages) - len(kept.kept if kept else ()), "pages"):
                write_site(site, site_folder, options.config_file, kept)
            forget_rendered_texts()
            release_free_memory()  # MkDocs' pages and files, while the other process still indexes
            # 4. index: both processes write the Whoosh index's remaining runs
            _finish_search_indexes(searching, first, len(documents), progress)
            move_files_into(Path(scratch) / "site", site_folder)  # the Pagefind bundle and the browser's data
        _refuse_incomplete(site, site_folder, index_folder, options)
        stamp = stamping.result()
        write_stamp(site_folder, stamp)
        write_stamp(index_folder, stamp)
        if record is not None:
            record.finish(key)
        cleanup.result()  # before the swaps: they move what they replace where it removes
    # 5. swap: leaving the staged folders puts the new site and index in place, as one unit
    return site


def _last_record(options: BuildOptions, progress: Progress) -> tuple[dict[str, str], BuildRecord | None]:
    """This build's record key, and the last build's record (None: the build keeps none)."""
    if options.cache_dir is None:
        return {}, None
    key = record_key(settings_fingerprint(options.config_file))
    record, ignored = open_record(options.cache_dir, key, options.full)
    if ignored:
        progress.say(ignored)
    return key, record


def _kept_pages(site: Site, record: BuildRecord | None, progress: Progress) -> PageReuse | None:
    """The pages whose HTML the record holds (and every page's fingerprint, for the new record)."""
    if record is None:
        return None
    with progress.step("页面指纹 / page fingerprints", len(site.pages), "pages"):
        kept = PageReuse.plan(site.pages, record.part("pages"))
    if record.usable:
        progress.say(f"构建记录：{len(kept.kept):,} 个页面未变 / build record: {len(kept.kept):,} pages unchanged")
    return kept


def _refuse_incomplete(site: Site, site_folder: Path, index_folder: Path, options: BuildOptions) -> None:
    """Raise IncompleteBuild when the staged site lacks a published explainer's page, or the index is missing."""
    missing = [
        e.slug
        for e in site.explainers
        if not (site_folder / "policies" / e.slug / "index.html").is_file() and not (site_folder / "policies" / f"{e.slug}.html").is_file()
    ]
    if missing:
        shown = "、".join(f"policies/{slug}/" for slug in missing[:3]) + ("…" if len(missing) > 3 else "")
        raise IncompleteBuild(
            f"生成的网站缺少 {len(missing)} 篇解读的页面（{shown}），未替换 {options.site_dir} 和 {options.index_dir}，原有输出保持不变；"
            f"请检查 {options.config_file or '默认配置'} 中的 site_dir/docs_dir 等设置，或报告此问题 / "
            f"the built site lacks the pages of {len(missing)} explainer(s) ({shown}): nothing was swapped in, the previous output "
            f"is unchanged; check site_dir, docs_dir and the like in {options.config_file or 'the settings'}, or report it"
        )
    if not any(index_folder.glob("_MAIN_*.toc")):
        raise IncompleteBuild(
            f"检索索引没有写成，未替换 {options.site_dir} 和 {options.index_dir}，原有输出保持不变；请报告此问题 / "
            "the search index was not written: nothing was swapped in, the previous output is unchanged; please report it"
        )


def _output_of(error: OSError, options: BuildOptions) -> Path | str:
    """The path to name for a failed file: the output the user named when the file is in one or in its
    staging folder (ours, not theirs), else the file (the destination of a copy first), else the site."""
    names = [str(name) for name in (error.filename2, error.filename) if name]
    for name in names:
        for target in (options.site_dir, options.index_dir):
            if name == str(target) or name.startswith((f"{target}/", f"{target.parent}/.{target.name}-")):
                return target
        if name.startswith(f"{options.site_dir.parent}/.search-building-"):
            return options.site_dir
    return names[0] if names else options.site_dir


class FirstDocuments:
    """The explainers written into the Whoosh index by a fork while the FAQ is assembled (a large site only)."""

    def __init__(self, writer: FirstDocumentsWriter | None):
        self._writer, self._started = writer, time.monotonic()
        self.count, self.seconds = 0, 0.0

    def stop(self) -> None:
        """Stop taking documents; how many were taken is `count`."""
        if self._writer is not None:
            self.count, self.seconds = self._writer.stop(), time.monotonic() - self._started

    def segments(self) -> list:
        """The segments of the documents taken, once written."""
        return self._writer.segments() if self._writer is not None else []

    def cancel(self) -> None:
        """Done, or the build failed: the process must not outlive its folder."""
        if self._writer is not None:
            self._writer.cancel()


def _checked_site(options: BuildOptions, index_folder: Path, record: BuildRecord | None) -> tuple[Site, FirstDocuments]:
    """Phase 1: the Site without its pages (its FAQ the record's when its inputs are the same), and the
    explainers the fork wrote into the index meanwhile: without a usable record, which has their segments."""
    site = dated(*checked(load_tree_cached(options.content_dir)), options.today, options.validity_years)
    first_documents = record is None or not record.usable
    first = FirstDocuments(first_documents_writer(site, index_folder) if first_documents else None)
    try:
        with_faq(site, faq_of(site.content, site.explainers, record.part("faq") if record is not None else None))
        add_last_changes(site)
        first.stop()
    except BaseException:
        first.cancel()
        raise
    release_free_memory()  # what loading and checking freed: neither process would use it again
    return site, first


@dataclass
class _Searching:
    """The other process writing the search indexes, and the Whoosh index both write."""

    started: Background | StartWhenDone[tuple[Background, SharedIndexWriter]]
    index: SharedIndexWriter | None = None

    def result(self) -> tuple[Background, SharedIndexWriter, float | None]:
        """(the search process, the index, seconds the documents took to store, for a large site)."""
        if isinstance(self.started, StartWhenDone):
            search, index = self.started.result()
            return search, index, self.started.waited
        assert self.index is not None
        return self.started, self.index, None


def _start_search_indexes(
    tasks: Tasks, site: Site, documents: SearchDocuments, first: int, scratch: Path, index_folder: Path, record: BuildRecord | None
) -> _Searching:
    """Phase 2: the other process starting on the search indexes (a fork, or a new interpreter once the
    documents are stored, started by a thread so that this process makes pages meanwhile: it had waited
    5 s for them at 5,000 explainers, 16 s at 20,000). Each index takes what it can from the `record`."""
    taxonomy, bundle_folder, equivalents = site.content.taxonomy, scratch / "site", equivalences_of(site)
    runs, segments = (record.part("pagefind"), record.part("whoosh")) if record is not None else (None, None)
    if len(documents) < FRESH_PROCESS_FROM:
        index = shared_index_writer(site, documents, index_folder, first, segments)
        return _Searching(tasks.add_task(_write_search_indexes, taxonomy, equivalents, documents, bundle_folder, index, runs), index)

    def start(stored: StoredDocuments) -> tuple[Background, SharedIndexWriter]:
        index = shared_index_writer(site, stored, index_folder, first, segments)
        return Background(_write_search_indexes, taxonomy, equivalents, stored, bundle_folder, index, runs, fresh=True), index

    def stop(started: tuple[Background, SharedIndexWriter]) -> None:
        started[0].cancel()

    storing = tasks.add_task(documents.stored_in, scratch / "documents")
    return _Searching(tasks.add_when_done(storing, start, stop))


def _finish_search_indexes(searching: _Searching, first: FirstDocuments, count: int, progress: Progress) -> None:
    """Phase 4: Whoosh runs here until none is left, the other process's results, then the index committed."""
    search, index, storing_seconds = searching.result()
    if storing_seconds is not None:
        progress.done(f"检索文档 / search documents (another process)：{count:,} documents", storing_seconds)
    with progress.step("检索索引 / search index (Whoosh) after MkDocs"):
        written_here = index.write_runs()
    started = time.monotonic()
    seconds, written_there, pagefind_runs = search.result()
    made = f"{pagefind_runs.made} of {pagefind_runs.runs} runs, bundle {pagefind_runs.bundle}"
    progress.done(f"站内搜索 / site search (Pagefind)：{count:,} documents, {made}", seconds["pagefind"])
    runs = f"{len(written_there)} of {len(written_here) + len(written_there)} runs"
    progress.done(f"检索索引 / search index (Whoosh) after Pagefind：{runs}", seconds["whoosh"])
    progress.done("等待检索索引 / waiting for the search indexes", time.monotonic() - started)
    index.commit(written_here, written_there, first=first.segments())


def _write_search_indexes(
    taxonomy: Taxonomy,
    equivalents: list[tuple[str, ...]],
    documents: SearchDocuments,
    bundle_folder: Path,
    index: SharedIndexWriter,
    runs: ReuseFolder | None,
) -> tuple[dict[str, float], dict[Any, Any], RunCount]:
    """In the other process: Pagefind's bundle (into a scratch folder, as MkDocs cleans its own; the
    record's `runs` taken where their records are the same), then runs of the Whoosh index that this
    process has not claimed yet."""
    started = time.monotonic()
    count = write_search_bundle(documents, taxonomy, bundle_folder, equivalents, runs)
    release_free_memory()  # the joined bundle's pieces, while the other process still renders pages
    middle = time.monotonic()
    written = index.write_runs()
    return {"pagefind": middle - started, "whoosh": time.monotonic() - middle}, written, count
