"""`write_index`: search documents → a Whoosh index, one segment per core.

Whoosh's own writer keeps every posting as a tuple and pickles sorted runs to
disk; here postings are gathered in arrays per word (MemoryPostingPool) and
each process writes the segment of a run of consecutive documents.

`SharedIndexWriter` lets two processes that have other work (`policy build`:
MkDocs in one, Pagefind in the other) share the index: the documents are cut
into runs, each process writes the runs it claims when it is free, and the
segments are listed in run order, so document numbers never depend on timing.
Before the runs, `FirstDocumentsWriter` may write the first documents (a site's
explainers, known before its FAQ) while the process that made them goes on
with the FAQ; the runs are cut from the documents after those it took.

Where a run ends is decided by its documents' URLs alone (`_content_runs`),
so an edit changes the run it falls in: with the build record
(runtime/reuse.py), a run whose documents and analysis are those of the last
build takes that build's segment (its files linked, `_reused_segment`)
instead of being written again. The index then answers every query as a new
one would: the same documents, in the same order, in segments of the same
words (only the segments' random names differ).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from whoosh import index
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import W3Segment
from whoosh.writing import SegmentWriter

from build_tools.indexes.documents import DocumentSummary, SearchDocument, SearchDocuments, script_of, twin_key
from build_tools.indexes.whoosh.schema import REGIONS_FILE, SECTION_WEIGHTS, make_schema
from build_tools.runtime.background import Background, forked_flags, forked_number, in_background_process, map_in_new_processes, shared_counter
from build_tools.runtime.memory import release_free_memory
from build_tools.runtime.reuse import ReuseFolder, link_tree
from build_tools.text.analysis import Analyzer

PARALLEL_FROM = 2000  # documents; below this, starting worker processes costs more than it saves
# Runs of a shared index hold this many documents on average: small enough that neither process waits long for
# the other, and that an edit writes one run again (2,200 documents took 15 s at 1,000 explainers); large enough
# that a query reads few segments (a word is looked up in each: about 60 at 20,000 explainers). At most 4 times
# as many, as a run's postings are held until it is written (about 180 MB for a run of 10,800 documents).
RUN_SIZE = 1_500
SEGMENT_FILE = "segment.json"  # beside a segment's files in the build record: its name, documents and words per field
# The segments of a FirstDocumentsWriter are smaller: the last one is written after it is stopped, while
# the next steps start (at 20,000 explainers, 4 s and 200 MB for a segment of 3,500 explainers).
FIRST_SEGMENT = 1_000


def write_index(documents: Sequence[SearchDocument], analyzer: Analyzer, regions: dict[str, list[str]], folder: Path, workers: int | None = None) -> None:
    """Write a new index of `documents` into the empty `folder`.

    `regions` maps each region to its ancestors, for region filters. With
    several `workers` (default: one per core, one in a background process), each writes one segment of
    consecutive documents in its own process, so the documents keep their
    order and numbers whatever the timing.
    """
    store = index.create_in(str(folder), make_schema(analyzer))
    if workers is None:
        # A background process of `policy build` already shares the cores with MkDocs (and may not fork).
        workers = 1 if in_background_process() else os.cpu_count() or 1
    if workers > 1 and len(documents) >= PARALLEL_FROM:
        chunks = [documents[run.start : run.stop] for run in _runs(len(documents), workers)]
        segments = map_in_new_processes(_write_segment_of, [str(folder)] * len(chunks), chunks, workers=len(chunks))
    else:
        segments = [_write_segment(store, documents)]
    _commit_segments(store, segments)
    _write_regions(folder, regions)


class SharedIndexWriter:
    """An index written by this process and the processes forked from it after it was made (or started fresh with it).

    Each calls `write_runs()` when it is free and hands the segments to the one that calls `commit()`."""

    def __init__(
        self,
        documents: SearchDocuments,
        analyzer: Analyzer,
        regions: dict[str, list[str]],
        folder: Path,
        first: int = 0,
        reuse: ReuseFolder | None = None,
    ):
        """`first`: how many of the first documents a FirstDocumentsWriter wrote into `folder` already;
        `reuse`: the segments of the last build's record."""
        self.folder, self.regions, self._reuse = folder, regions, reuse
        self._documents = documents = SearchDocuments.of(documents)  # each run's documents are made by the process that writes it
        rest = len(documents) - first
        self._runs = _content_runs(documents.urls(), first) if rest >= PARALLEL_FROM else [range(first, len(documents))]
        self._analysis = _analysis_key(analyzer, regions)
        self._store = index.open_dir(str(folder)) if first else index.create_in(str(folder), make_schema(analyzer))
        # shared with the processes forked from this one, or started fresh with this writer (a fork-made lock cannot be)
        self._claimed = shared_counter()

    def write_runs(self) -> dict[int, object]:
        """Write the runs no process has claimed yet, one after the other; {run number: segment}."""
        written: dict[int, object] = {}
        while (run := self._claim()) is not None:
            numbers = self._runs[run]
            key = _run_key(self._analysis, self._documents.summaries().items[numbers.start : numbers.stop]) if self._reuse is not None else ""
            if self._reuse is not None and self._reuse.has(key):
                written[run] = _reused_segment(self._store, self._reuse, key, self.folder)
                continue
            documents = self._documents[numbers.start : numbers.stop]
            written[run] = segment = _write_segment(self._store, documents)
            del documents
            if self._reuse is not None:
                _keep_segment(self._store, segment, self._reuse, key)
            release_free_memory()  # the run's postings: the other process may still need the memory
        return written

    def commit(self, *segments: dict[int, object], first: list | None = None) -> None:
        """List the runs' segments in the index, after those of the `first` documents (FirstDocumentsWriter.segments)."""
        by_run = {run: segment for written in segments for run, segment in written.items()}
        if sorted(by_run) != list(range(len(self._runs))):
            raise RuntimeError(f"index runs written: {sorted(by_run)} of {len(self._runs)}")
        _commit_segments(self._store, [*(first or []), *(by_run[run] for run in range(len(self._runs)))])
        _write_regions(self.folder, self.regions)

    def _claim(self) -> int | None:
        with self._claimed.get_lock():
            run = self._claimed.value
            if run >= len(self._runs):
                return None
            self._claimed.value += 1
            return run


class FirstDocumentsWriter:
    """The first documents of an index written by a forked process, one by one until `stop()`.

    `policy build` knows the explainers (the first documents) before it assembles
    the FAQ, a step on one core: the other writes the explainers meanwhile (at
    20,000 explainers, 16 s of work). It is stopped when the FAQ is done, within one
    document, so it does not hold memory into the next steps. The documents it
    took are in its segments (of at most FIRST_SEGMENT documents); the runs of a
    SharedIndexWriter(first=count) are the rest.
    """

    def __init__(self, documents: SearchDocuments, analyzer: Analyzer, folder: Path):
        index.create_in(str(folder), make_schema(analyzer))
        self._stop, self._stopped = forked_flags(2)
        self._taken = forked_number()  # written by the child alone, read once it has stopped
        self._count: int | None = None
        self._writing = Background(self._write, documents, folder)

    def _write(self, documents: SearchDocuments, folder: Path) -> list:
        store, segments, writer = index.open_dir(str(folder)), [], None
        try:
            for number in range(len(documents)):
                if self._stop.is_set():
                    break
                writer = writer or _segment_writer(store)
                writer.add_document(**_fields_of(documents[number]))
                self._taken.value = number + 1
                if writer.docnum == FIRST_SEGMENT:
                    segments.append(writer._finalize_segment())
                    writer = None
        finally:
            self._stopped.set()
        if writer is not None:
            segments.append(writer._finalize_segment())
        return segments

    def stop(self) -> int:
        """Stop taking documents; how many were taken."""
        if self._count is None:
            self._stop.set()
            while not self._stopped.wait(1.0):
                if self._writing.process is not None and not self._writing.process.is_alive():
                    self._writing.result()  # raises what ended it
                    break
            self._count = self._taken.value
        return self._count

    def segments(self) -> list:
        """The segments of the documents taken, in order (once the process has written them)."""
        self.stop()
        return self._writing.result()

    def cancel(self) -> None:
        self._writing.cancel()


def _content_runs(urls: Sequence[str], first: int) -> list[range]:
    """The documents after the `first` cut into runs of about RUN_SIZE: a run ends after a document with
    a chance of 2 / RUN_SIZE drawn from its URL (once it holds half of RUN_SIZE; at most 4 times it), so
    where runs end depends on the documents there alone, and an edit leaves the other runs as they were."""
    runs, start = [], first
    for number in range(first, len(urls)):
        size = number + 1 - start
        if size >= 4 * RUN_SIZE or (size >= RUN_SIZE // 2 and zlib.crc32(urls[number].encode()) < 2 / RUN_SIZE * 2**32):
            runs.append(range(start, number + 1))
            start = number + 1
    if start < len(urls) or not runs:
        runs.append(range(start, len(urls)))
    return runs


def _analysis_key(analyzer: Analyzer, regions: dict[str, list[str]]) -> str:
    """What every segment's words depend on besides its documents: the analyzer's synonyms and equivalences, and the regions."""
    return hashlib.sha256(json.dumps([analyzer.__getstate__(), regions], ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _run_key(analysis: str, documents: list[DocumentSummary]) -> str:
    """The name of a run's segment in the build record: a hash of the analysis and of its documents (their keys), in order."""
    digest = hashlib.sha256(analysis.encode())
    for document in documents:
        digest.update(document.key.encode())
    return digest.hexdigest()


def _keep_segment(store, segment, reuse: ReuseFolder, key: str) -> None:
    """The segment just written into the index, kept in the new build record under `key` (with its name and size)."""
    kept = reuse.next / key
    folder = Path(store.storage.folder)
    for name in segment.list_files(store.storage):
        reuse.keep(f"{key}/{name}", folder / name)
    described = {"id": segment.segid, "documents": segment.doc_count_all(), "lengths": getattr(segment, "_fieldlengths", {})}
    (kept / SEGMENT_FILE).write_text(json.dumps(described, sort_keys=True), encoding="utf-8")


def _reused_segment(store, reuse: ReuseFolder, key: str, folder: Path) -> W3Segment:
    """The last build's segment `key`: its files linked into the index `folder`, and the segment that names them."""
    kept = reuse.take(key)
    for path in kept.iterdir():
        if path.name != SEGMENT_FILE:
            link_tree(path, folder / path.name)
    described = json.loads((kept / SEGMENT_FILE).read_text(encoding="utf-8"))
    segment = W3Segment(default_codec(), store.indexname, int(described["documents"]), str(described["id"]))
    segment._fieldlengths = {str(name): int(length) for name, length in described["lengths"].items()}  # type: ignore[attr-defined]  # the words per field, for BM25 (set by its writer)
    return segment


def _runs(total: int, count: int) -> list[range]:
    """`total` documents cut into `count` runs of consecutive ones (fewer if there are fewer documents)."""
    size = max(1, -(-total // count))
    return [range(start, min(start + size, total)) for start in range(0, total, size)]


def _write_regions(folder: Path, regions: dict[str, list[str]]) -> None:
    (folder / REGIONS_FILE).write_text(json.dumps(regions, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def _write_segment_of(folder: str, documents: list[SearchDocument]):
    return _write_segment(index.open_dir(folder), documents)


def _write_segment(store, documents: Iterable[SearchDocument]):
    """One segment of `documents`, not yet listed in the index (the caller commits it)."""
    writer = _segment_writer(store)
    for document in documents:
        writer.add_document(**_fields_of(document))
    return writer._finalize_segment()


def _segment_writer(store) -> _SegmentWriter:
    writer = _SegmentWriter(store, _lk=False, compound=False)  # one file per part: no copy into a compound file
    writer.pool = MemoryPostingPool()
    return writer


class _SegmentWriter(SegmentWriter):
    """Whoosh's segment writer, handing the postings to the posting writer a block at a time
    (`_write_postings`) and document lengths from a list: it asks for one per posting, and the
    column lookup was a tenth of the build time."""

    pool: MemoryPostingPool  # type: ignore[assignment]  # set by _segment_writer: stands in for Whoosh's PostingPool, not a subclass

    def per_document_reader(self):
        return _ListedLengths(super().per_document_reader())

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        _write_postings(self.fieldwriter, self.schema, lengths, self.pool)
        self.fieldwriter.close()
        lengths.close()


def _write_postings(fieldwriter, schema, lengths: _ListedLengths, pool: MemoryPostingPool) -> None:
    """What Whoosh's FieldWriter.add_postings writes, field by field and word by word in byte
    order, with each block of a word's postings handed over at once instead of one posting
    per call (four calls and a tuple each: at 5,000 explainers, 10.8 million of them)."""
    for fieldname, words in pool.fields():
        fieldwriter.start_field(fieldname, schema[fieldname])
        length_of = lengths.doc_field_length_reader(fieldname)
        for word, postings in words:
            fieldwriter.start_term(word)
            _add_postings(fieldwriter._postwriter, postings, length_of)
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _add_postings(writer, postings: _TermPostings, length_of) -> None:
    """A word's postings into Whoosh's posting writer, as its add_posting() leaves them: full
    blocks written, the last one left for finish_postings() (which may inline it)."""
    limit, count = writer._blocklimit, len(postings.docnums)
    values = postings.value_list()
    for start in range(0, count, limit):
        end = min(start + limit, count)
        writer._ids, writer._weights = postings.docnums[start:end], postings.weights[start:end]
        writer._values = values[start:end]
        writer._maxweight = max(0, max(writer._weights))
        block_lengths = [length for length in map(length_of, writer._ids) if length]
        writer._minlength = min(block_lengths) if block_lengths else None
        writer._maxlength = max(block_lengths) if block_lengths else 0
        if end < count:
            writer._write_block()


class _ListedLengths:
    def __init__(self, reader):
        self.reader = reader
        self._lengths: dict[str, list[int]] = {}

    def doc_field_length_reader(self, fieldname: str):
        if fieldname not in self._lengths:
            self._lengths[fieldname] = [self.reader.doc_field_length(n, fieldname) for n in range(self.reader.doc_count_all())]
        return self._lengths[fieldname].__getitem__

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        return self.doc_field_length_reader(fieldname)(docnum)

    def close(self) -> None:
        self.reader.close()


def _commit_segments(store, segments: list) -> None:
    """List the segments in the index, in order: their documents are numbered in that order."""
    writer = store.writer()
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()


class MemoryPostingPool:
    """Postings gathered in compact arrays per word, in place of Whoosh's pool.

    Whoosh's pool keeps every posting as a tuple, sorts them all and, past its
    memory limit, pickles runs to disk and merges them: most of the index build
    time at 5,000 documents. Documents arrive in order, so per word the
    postings are already sorted; only the words need sorting. About 12 bytes per
    posting: 11 million postings (20,000 pages) take about 150 MB.
    """

    def __init__(self):
        self.fieldnames: set[str] = set()
        self._terms: dict[tuple[str, bytes], _TermPostings] = {}

    def add(self, item) -> None:
        fieldname, word, docnum, weight, value = item
        postings = self._terms.get((fieldname, word))
        if postings is None:
            postings = self._terms[(fieldname, word)] = _TermPostings(len(value or b""))
            self.fieldnames.add(fieldname)
        # a million calls per 2,000 pages: appended here, not through a method
        postings.docnums.append(docnum)
        postings.weights.append(weight)
        if value:
            postings.values += value

    def iter_postings(self):
        """Every posting as Whoosh's pool gives it: (field, word, document, weight, value), sorted."""
        for fieldname, words in self.fields():
            for word, postings in words:
                for docnum, weight, value in postings:
                    yield fieldname, word, docnum, weight, value

    def fields(self) -> Iterator[tuple[str, Iterator[tuple[bytes, _TermPostings]]]]:
        """(field name, its (word, postings) in byte order) per field, in name order."""
        by_field: dict[str, list[tuple[bytes, _TermPostings]]] = {}
        for (fieldname, word), postings in self._terms.items():
            by_field.setdefault(fieldname, []).append((word, postings))
        for fieldname in sorted(by_field):
            yield fieldname, iter(sorted(by_field[fieldname], key=lambda item: item[0]))

    def cleanup(self) -> None:
        self._terms.clear()


class _TermPostings:
    """One word's postings: document numbers, weights, fixed-size values (packed frequencies)."""

    __slots__ = ("docnums", "weights", "values", "value_size")

    def __init__(self, value_size: int):
        self.docnums, self.weights, self.values, self.value_size = array("I"), array("f"), bytearray(), value_size

    def __iter__(self):
        return zip(self.docnums, self.weights, self.value_list() or [b""] * len(self.docnums))

    def value_list(self) -> list[bytes]:
        """Each posting's value; none when the values are empty (Whoosh keeps no empty value)."""
        size = self.value_size
        if len(self.values) != size * len(self.docnums):
            raise ValueError("posting values of different sizes for one word")
        return [bytes(self.values[start : start + size]) for start in range(0, len(self.values), size)] if size else []


def _fields_of(d: SearchDocument) -> dict:
    # a policy cited by title alone counts as if its 文号 were written in the body (d.cites)
    body = " ".join((d.body, *d.cites))
    sections = {"title": f"{d.title} {d.policy_title}", "number": d.number, "summary": d.summary, "tags": " ".join(d.tags), "body": body}
    return dict(
        id=d.id,
        kind=d.kind,
        slug=d.slug,
        url=d.url,
        display_title=d.title,
        extra=d.extra,
        text=[(text, SECTION_WEIGHTS[name]) for name, text in sections.items() if text.strip()],
        number=d.number,
        summary=d.summary,
        body=d.body,
        department=",".join(d.department),
        region=d.region,
        region_path=",".join(d.region_path),
        topics=",".join(d.topics),
        audience=",".join(d.audience),
        status=d.status,
        year=str(d.published.year),
        published=_datetime(d.published),
        effective=_datetime(d.effective),
        expires=_datetime(d.expires),
        twin=twin_key(d).encode("utf-8"),  # columns hold bytes
        script=(script_of(d) if d.kind == "policy" else "").encode("utf-8"),
    )


def _datetime(value: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(value, dt.time()) if value else None
