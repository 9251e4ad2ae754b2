"""Patch the last build's joined Pagefind bundle with the runs an edit changed, instead of joining every run again.

Joining reads every run's words: at 20,000 explainers about 180 s for 104 runs,
when an edit changed one or two of them, and within them only the words of the
pages it changed. So when the build record holds the last joined bundle and its
state (`JoinedState`: the runs' keys, first pages and metadata names, the pages'
fragment names, each chunk's first and last word), and each changed run has as
many pages as before:

- the words whose pages differ between a changed run's last and new bundles
  are found (both decoded: a run is about 1 % of the words);
- the joined chunks holding them are decoded, each such word's pages from that
  run replaced, and cut again from the first such chunk (merge.py `ends_chunk`)
  until a chunk ends where one ended before: the chunks after it are the same;
- the rest is what canonical.py makes of a join: the metadata, the filters (the
  last ones with the run's pages replaced), the changed pages' fragments, and
  every other file linked from the last bundle under its new name (names start
  with a hash of all fragment names, so they change with any page).

The result is byte for byte the joined bundle (tests/build/test_incremental.py
compares incremental and full builds). Anything else (a run with more or fewer
pages, other metadata names, a fragment name another page has too) is joined
as before.
"""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import cbor2

from build_tools.indexes.pagefind.canonical import (
    ENTRY,
    FEW,
    HASH_LENGTH,
    MANY,
    Files,
    build_of,
    counter,
    fragment_payload,
    named_by_hash,
    packed,
    rounded_count,
    unpacked,
    without_content,
)
from build_tools.indexes.pagefind.merge import (
    CHUNK_LEVEL,
    META_FIELDS,
    META_FILTERS,
    META_PAGES,
    WORD,
    WORD_PAGES,
    BundleMerger,
    ends_chunk,
    named_ranges,
    word_size,
)

_Chunk = tuple[str, str, tuple[list[str], Path | list]]  # first word, last word, (the same, the last bundle's file or the words)
STATE = "joined.json"  # the last joined bundle's state, in the record's Pagefind part
# Above this share of the joined chunks holding a changed word, the runs are joined again: a touched chunk
# is decoded and encoded again, about what joining costs per chunk (measured at 2,000 explainers: 391 of
# 495 chunks touched by one page's title, 30 s patched against 20 s joined; at 20,000 explainers one
# page's words are in about a tenth of the chunks).
PATCHED_CHUNKS = 0.5
_META_CHUNKS = 2
_PAGE_NUMBER = 0


@dataclass
class JoinedState:
    """What patching needs to know of a joined bundle besides its files."""

    bundle: str  # its name in the build record
    keys: list[str]  # its runs' names in the record, in order
    first_pages: list[int]  # each run's first page
    run_fields: list[list[str]]  # each run's pages' metadata names, sorted
    pages: list[list]  # [fragment name as joined (before canonical.py renames it), word count] per page
    chunks: list[list[str]]  # [first word, last word] of each index chunk

    @classmethod
    def read(cls, folder: Path | None) -> JoinedState | None:
        """The state kept in `folder` (a record's Pagefind part), or None."""
        try:
            return cls(**json.loads((folder / STATE).read_text(encoding="utf-8"))) if folder is not None else None
        except (OSError, ValueError, TypeError):
            return None

    @classmethod
    def of(cls, merger: BundleMerger, bundle: str, keys: list[str]) -> JoinedState:
        """The state of the bundle `merger` joined, named `bundle` in the record, of the runs `keys`."""
        shards = merger.shards
        return cls(bundle, keys, [shard.first_page for shard in shards], [shard.meta_fields for shard in shards], merger.pages, merger.chunk_words)

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / STATE).write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")


@dataclass
class Patched:
    """A joined bundle: files made now, files linked from the last bundle (new path → old file), and its state."""

    files: dict[str, bytes]
    links: dict[str, Path]
    state: JoinedState


@dataclass
class _Run:
    """A run's bundle, decoded: its pages, filters, metadata names and words (by word)."""

    pages: list
    fields: list[str]
    filters: dict[str, dict[str, list[int]]]
    words: dict[str, list]
    fragments: list[bytes]  # each page's fragment as joined (merge.py: without its content), in page order


def patched_bundle(
    state: JoinedState, old_bundle: Path, old_runs: dict[int, Files], new_runs: dict[int, Files], keys: list[str], bundle_name: str
) -> Patched | None:
    """The joined bundle `bundle_name` of runs `keys`, made from the last one (`old_bundle`, of `state`) and the
    changed runs' last and new bundles (by run number); None when it has to be joined again."""
    if len(keys) != len(state.keys) or not state.chunks:
        return None
    entry = json.loads((old_bundle / ENTRY).read_bytes())
    ((language, about),) = entry["languages"].items()
    meta = cbor2.loads(unpacked((old_bundle / f"pagefind.{about['hash']}.pf_meta").read_bytes(), "metadata file"))
    changes = _changes(state, meta[META_FIELDS], old_runs, new_runs)
    if changes is None:
        return None
    old_build = build_of(name for name, _ in state.pages)
    pages = _pages(state, changes, old_bundle, old_build)
    touched = _touched(state, changes)
    if len(touched) > len(state.chunks) * PATCHED_CHUNKS:
        return None
    run_fields = [changes[number][1].fields if number in changes else fields for number, fields in enumerate(state.run_fields)]
    patched = Patched({}, {}, JoinedState(bundle_name, keys, state.first_pages, run_fields, pages, []))
    filters = _filters(old_bundle, meta[META_FILTERS], language, changes, state, patched.files)
    if filters is None:
        return None
    build = build_of(name for name, _ in pages)
    meta[_META_CHUNKS] = _published_chunks(patched, build, _chunks(state, meta[_META_CHUNKS], old_bundle, changes, touched))
    meta[META_PAGES] = _published_fragments(patched, build, old_build, old_bundle, changes, state)
    meta[META_FILTERS] = filters
    payload = cbor2.dumps(meta)
    meta_name = named_by_hash(language, 10, payload)
    patched.files[f"pagefind.{meta_name}.pf_meta"] = packed(payload, FEW)
    about["hash"] = meta_name
    patched.files[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    for other in old_bundle.iterdir():  # the scripts and the WebAssembly, beside the data's folders
        if other.is_file() and other.name != ENTRY and other.suffix != ".pf_meta":
            patched.links[other.name] = other
    return patched


def _changes(state: JoinedState, fields: list[str], old_runs: dict[int, Files], new_runs: dict[int, Files]) -> dict[int, tuple[_Run, _Run]] | None:
    """Each changed run's last and new bundles, decoded; None unless each has as many pages as before and
    the joined bundle's metadata names (`fields`) stay the same."""
    changes: dict[int, tuple[_Run, _Run]] = {}
    run_fields = list(state.run_fields)
    ends = [*state.first_pages[1:], len(state.pages)]
    for number in new_runs:
        old, new = _decoded(old_runs[number], fields, run_fields[number]), _decoded(new_runs[number], fields)
        if old is None or new is None or len(new.pages) != ends[number] - state.first_pages[number] or len(old.pages) != len(new.pages):
            return None
        changes[number], run_fields[number] = (old, new), new.fields
    if sorted({field for names in run_fields for field in names}) != fields:
        return None  # a metadata name came or went: every word's metadata positions would move
    return changes


def _published_chunks(patched: Patched, build: str, chunks: Iterator[_Chunk]) -> list[list[str]]:
    """The chunks as canonical.py names them (`build` and their number), made or linked into `patched`; their [from, to, name]."""
    published = []
    for number, (first, last, (bounds, chunk)) in enumerate(named_ranges(chunks)):
        path = f"index/{build}{counter(number)}.pf_index"
        if isinstance(chunk, Path):
            patched.links[path] = chunk
        else:
            patched.files[path] = packed(cbor2.dumps([chunk]), CHUNK_LEVEL)
        patched.state.chunks.append(bounds)
        published.append([first, last, f"{build}{counter(number)}"])
    return published


def _published_fragments(
    patched: Patched, build: str, old_build: str, old_bundle: Path, changes: dict[int, tuple[_Run, _Run]], state: JoinedState
) -> list[list]:
    """Every page's fragment as canonical.py names it: the changed runs' made, the others linked from the last
    bundle; the pages' [name, rounded word count]."""
    renamed = []
    for number, (_, word_count) in enumerate(patched.state.pages):
        path = f"fragment/{build}{counter(number)}.pf_fragment"
        run = bisect.bisect_right(state.first_pages, number) - 1
        if run in changes:
            patched.files[path] = packed(changes[run][1].fragments[number - state.first_pages[run]], MANY)
        else:
            patched.links[path] = old_bundle / f"fragment/{old_build}{counter(number)}.pf_fragment"
        renamed.append([f"{build}{counter(number)}", rounded_count(word_count)])
    return renamed


def _decoded(files: Files, fields: list[str], recorded_fields: list[str] | None = None) -> _Run | None:
    """A run's bundle decoded, its words' metadata positions numbered as in the joined `fields`; the last
    bundle of a run (`recorded_fields`: its metadata names when it was joined) without its fragments."""
    files = dict(files)
    entry = json.loads(files[ENTRY])
    ((_, about),) = entry["languages"].items()
    meta = cbor2.loads(unpacked(files[f"pagefind.{about['hash']}.pf_meta"], "metadata file"))
    run_fields = sorted(meta[META_FIELDS])
    if recorded_fields is not None and run_fields != recorded_fields or not set(run_fields) <= set(fields):
        return None
    places = {-(i + 1): -(fields.index(name) + 1) for i, name in enumerate(run_fields)}
    words: dict[str, list] = {}
    for *_, chunk in meta[_META_CHUNKS]:
        for word in cbor2.loads(unpacked(files[f"index/{chunk}.pf_index"], "index chunk"))[0]:
            for page in word[WORD_PAGES]:
                page[2] = [places.get(p, p) for p in page[2]]
            words[word[WORD]] = word
    filters = {}
    for _, file in meta[META_FILTERS]:
        filter_name, values = cbor2.loads(unpacked(files[f"filter/{file}.pf_filter"], "filter"))
        filters[filter_name] = {value: list(pages) for value, pages in values}
    fragments = []
    if recorded_fields is None:  # a new bundle: its fragments are published
        fragments = [fragment_payload(without_content(files[f"fragment/{page}.pf_fragment"], page)) for page, _ in meta[META_PAGES]]
    return _Run(meta[META_PAGES], run_fields, filters, words, fragments)


def _pages(state: JoinedState, changes: dict[int, tuple[_Run, _Run]], old_bundle: Path, old_build: str) -> list[list]:
    """The joined pages, [fragment name, word count], with the changed runs' ones. Pagefind names a fragment by
    7 hex digits of its hash, so at 20,000 explainers two pages' names clash now and then: merge.py gives the
    later one an "x" more unless their fragments are the same. The names of the pages whose name is another's
    are worked out again the same way, reading the unchanged ones' fragments from the last bundle."""
    pages = [[name.rstrip("x"), count] for name, count in state.pages]
    fragments: dict[int, bytes] = {}
    for number, (_, new) in changes.items():
        first = state.first_pages[number]
        pages[first : first + len(new.pages)] = [list(page) for page in new.pages]
        fragments.update((first + offset, fragment) for offset, fragment in enumerate(new.fragments))
    repeated = {name for name, count in Counter(name for name, _ in pages).items() if count > 1}
    named: dict[str, bytes] = {}  # name given → the fragment it was given to
    for number, page in enumerate(pages):
        if page[0] in repeated:
            fragment = fragments.get(number) or unpacked((old_bundle / f"fragment/{old_build}{counter(number)}.pf_fragment").read_bytes(), "fragment")
            while named.setdefault(page[0], fragment) != fragment:
                page[0] += "x"
    return pages


def _touched(state: JoinedState, changes: dict[int, tuple[_Run, _Run]]) -> dict[int, set[str]]:
    """The words whose pages changed, by the number of the joined chunk that holds them (or would)."""
    firsts = [first for first, _ in state.chunks]
    touched: dict[int, set[str]] = {}
    for old, new in changes.values():
        for text in old.words.keys() | new.words.keys():
            if old.words.get(text) != new.words.get(text):
                touched.setdefault(max(0, bisect.bisect_right(firsts, text) - 1), set()).add(text)
    return touched


def _chunks(state: JoinedState, chunk_names: list, old_bundle: Path, changes: dict[int, tuple[_Run, _Run]], touched: dict[int, set[str]]) -> Iterator[_Chunk]:
    """(first word, last word, (bounds, old chunk file or new words)) of each chunk of the joined bundle."""
    number = 0
    while number < len(state.chunks):
        if number not in touched:
            first, last = state.chunks[number]
            yield first, last, ([first, last], old_bundle / f"index/{chunk_names[number][2]}.pf_index")
            number += 1
            continue
        chunk: list[list] = []
        size = 0
        while True:  # cut again from this chunk until a new chunk ends where an old one did, before an untouched one
            words = _patched_words(old_bundle / f"index/{chunk_names[number][2]}.pf_index", touched.get(number, set()), changes, state)
            number += 1
            for word in words:
                chunk.append(word)
                size += word_size(word)
                if ends_chunk(word, size):
                    yield chunk[0][WORD], chunk[-1][WORD], ([chunk[0][WORD], chunk[-1][WORD]], chunk)
                    chunk, size = [], 0
            if number == len(state.chunks) or (not chunk and number not in touched):
                break
        if chunk:
            yield chunk[0][WORD], chunk[-1][WORD], ([chunk[0][WORD], chunk[-1][WORD]], chunk)


def _patched_words(path: Path, touched: set[str], changes: dict[int, tuple[_Run, _Run]], state: JoinedState) -> list[list]:
    """A joined chunk's words, those `touched` with the changed runs' pages replaced (new words put in, words left without pages taken out)."""
    words = cbor2.loads(unpacked(path.read_bytes(), "index chunk"))[0]
    if not touched:
        return words
    present = {word[WORD] for word in words}
    words += [[text, [], []] for text in touched - present]
    words.sort(key=lambda word: word[WORD])
    patched = []
    for word in words:
        if word[WORD] in touched:
            word[WORD_PAGES] = _replaced_pages(word[WORD_PAGES], word[WORD], changes, state)
            if not word[WORD_PAGES]:
                continue
        patched.append(word)
    return patched


def _replaced_pages(pages: list, text: str, changes: dict[int, tuple[_Run, _Run]], state: JoinedState) -> list:
    """A word's pages (each number the difference from the one before) with the changed runs' pages replaced by their new ones."""
    absolute, number = [], 0
    for page in pages:
        number += page[_PAGE_NUMBER]
        absolute.append([number, *page[1:]])
    for run, (_, new) in changes.items():
        first, end = state.first_pages[run], state.first_pages[run] + len(new.pages)
        absolute = [page for page in absolute if not first <= page[_PAGE_NUMBER] < end]
        number = first
        for page in new.words[text][WORD_PAGES] if text in new.words else []:
            number += page[_PAGE_NUMBER]
            absolute.append([number, *page[1:]])
    # runs in page order, each run's pages in its own order (as merge.py joins them)
    absolute.sort(key=lambda page: bisect.bisect_right(state.first_pages, page[_PAGE_NUMBER]))
    previous = 0
    for page in absolute:
        page[_PAGE_NUMBER], previous = page[_PAGE_NUMBER] - previous, page[_PAGE_NUMBER]
    return absolute


def _filters(old_bundle: Path, filters: list, language: str, changes: dict[int, tuple[_Run, _Run]], state: JoinedState, files: dict[str, bytes]) -> list | None:
    """The joined filters with the changed runs' pages replaced, written into `files`; their [name, file] in the metadata."""
    joined: dict[str, dict[str, list[int]]] = {}
    for _, file in filters:
        name, values = cbor2.loads(unpacked((old_bundle / f"filter/{file}.pf_filter").read_bytes(), "filter"))
        joined[name] = {value: list(pages) for value, pages in values}
    for run, (_, new) in changes.items():
        first, end = state.first_pages[run], state.first_pages[run] + len(new.pages)
        for values in joined.values():
            for value in values:
                values[value] = [page for page in values[value] if not first <= page < end]
        for name, values in new.filters.items():
            for value, pages in values.items():
                joined.setdefault(name, {}).setdefault(value, []).extend(first + page for page in pages)
    written = []
    for name, values in joined.items():
        kept = sorted([value, sorted(pages)] for value, pages in values.items() if pages)
        if not kept:
            return None  # a filter left without pages: a join would not have it, or would
        payload = cbor2.dumps([name, kept])
        file = named_by_hash(language, HASH_LENGTH, payload)
        files[f"filter/{file}.pf_filter"] = packed(payload, FEW)
        written.append([name, file])
    return sorted(written)
