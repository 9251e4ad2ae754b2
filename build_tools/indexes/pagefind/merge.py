"""Join Pagefind 1.5.2 bundles of consecutive shards of records into the bundle one run would write.

Pagefind holds every record's words until it writes its output, and writing
takes about four times as much again: 5 GB for the 21,890 records of 5,000
explainers, about 20 GB at 20,000. So `pagefind.py` gives it the records in
shards of a few thousand, one run each, and the runs' bundles are joined here:

- pages: one list, shard after shard (the records are sent oldest first, so
  page numbers stay in date order); fragments keep their names, with
  Pagefind's content emptied at once (canonical.py empties it anyway, and it
  is most of a fragment's size);
- words: the shards' index chunks, each already sorted, are merged word by
  word; a word's pages are kept as Pagefind keeps them, each page number the
  difference from the one before it, so only the first page from each shard
  changes. The merged words are cut into chunks of about Pagefind's size (its
  `chunk_index` in src/index/mod.rs: 20,000 page positions, plus one per page),
  but where the words alone say (`ends_chunk`), so that an edit re-encodes
  the chunks of the words it changed (patch.py); the chunks' ranges are named
  by Pagefind's rule (`chunk_meta`): a range ends at the shortest prefixes
  that tell two chunks apart;
- filters: each value's page lists joined, the page numbers shifted.

The shards' index chunks wait in a scratch file until they are merged, and the
fragments and the joined bundle until they are written (canonical.SpilledFiles,
one file each): held in memory, they were about 40, 15 and 45 MB at 5,000
explainers.

The result goes on to canonical.py as if one run had written it; decoded, the
files are those of a single run but for where the index chunks end
(tests/indexes/test_pagefind.py compares them).
"""

from __future__ import annotations

import heapq
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TypeVar

import cbor2

from build_tools.indexes.pagefind.canonical import ENTRY, BundleFormatError, Files, SpilledFiles, fragment_payload, packed, take, unpacked, without_content
from build_tools.runtime.memory import collector_paused

T = TypeVar("T")
_CHUNK_SIZE = 20_000  # Pagefind's chunk_index: page positions (plus one per page) per chunk
# Positions in the metadata file, in a word and in a word's page.
_META_VERSION, META_PAGES, _META_CHUNKS, META_FILTERS, _META_SORTS, META_FIELDS = _META_PARTS = range(6)
WORD, WORD_PAGES, _WORD_VARIANTS = range(3)
_PAGE_NUMBER, _PAGE_POSITIONS, _PAGE_META_POSITIONS = range(3)
_page_number, _positions, _meta_positions = (itemgetter(n) for n in (_PAGE_NUMBER, _PAGE_POSITIONS, _PAGE_META_POSITIONS))
# gzip level of the merged index chunks (measured on the chunks of 4,385 pages: 1.7 % larger
# than level 9, 3.3 × faster); Pagefind's own are about as large.
CHUNK_LEVEL = 6
_REWRITTEN_LEVEL = 0  # fragments, filters and metadata: canonical.py unpacks and packs them again


@dataclass
class _Shard:
    first_page: int  # its page 0 in the joined bundle
    chunks: list[str]  # its index chunks as Pagefind wrote them, in word order: their keys in BundleMerger.waiting_chunks
    meta_fields: list[str] = field(default_factory=list)  # its pages' metadata names, sorted: a meta position names one by its place


@dataclass
class BundleMerger:
    """Give it each shard's files with `add`, in record order; `files()` is the joined bundle."""

    language: str = ""
    version: str = ""
    entry: dict = field(default_factory=dict)
    pages: list = field(default_factory=list)  # [fragment name, word count] per page
    fragments: Files = field(default_factory=SpilledFiles)  # unpacked, without their content
    filters: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # filter → value → pages
    meta_fields: set[str] = field(default_factory=set)  # the names of the pages' metadata, sorted in the file
    shards: list[_Shard] = field(default_factory=list)
    other_files: Files = field(default_factory=dict)  # the scripts and the WebAssembly
    waiting_chunks: Files = field(default_factory=SpilledFiles)  # the shards' index chunks, until they are merged
    chunk_words: list[list[str]] = field(default_factory=list)  # [first word, last word] of each joined chunk (patch.py)

    def add(self, files: Files) -> None:
        """One shard's output (the dict is emptied on the way)."""
        entry = json.loads(take(files, ENTRY, "entry file"))
        ((language, about),) = _one_language(entry)
        meta_path = f"pagefind.{about['hash']}.pf_meta"
        meta = cbor2.loads(unpacked(take(files, meta_path, "metadata file"), meta_path))
        if self.shards and (language, meta[_META_VERSION]) != (self.language, self.version):
            raise BundleFormatError(f"shards of different languages or versions: {language} {meta[_META_VERSION]}")
        if meta[_META_SORTS] or len(meta) != len(_META_PARTS):
            raise BundleFormatError(f"unexpected Pagefind metadata: {len(meta)} parts or a sort file (records carry none)")
        self.meta_fields.update(meta[META_FIELDS])
        self.language, self.version, self.entry = language, meta[_META_VERSION], entry
        first_page = len(self.pages)
        self._add_pages(files, meta[META_PAGES])
        self._add_filters(files, meta[META_FILTERS], first_page)
        chunks = []
        for *_, chunk in meta[_META_CHUNKS]:
            key = f"{len(self.shards)}/{chunk}"  # two shards may name a chunk alike
            self.waiting_chunks[key] = take(files, f"index/{chunk}.pf_index", "index chunk")
            chunks.append(key)
        self.shards.append(_Shard(first_page, chunks, sorted(meta[META_FIELDS])))
        for path, data in files.items():
            self.other_files.setdefault(path, data)
        files.clear()

    def _add_pages(self, files: Files, pages: list) -> None:
        for name, word_count in pages:
            path = f"fragment/{name}.pf_fragment"
            data = fragment_payload(without_content(take(files, path, "fragment"), path))
            unique = name
            while self.fragments.get(f"fragment/{unique}.pf_fragment", data) != data:
                unique += "x"  # Pagefind names a fragment by 7 digits of its hash: another shard's may clash
            self.fragments[f"fragment/{unique}.pf_fragment"] = data
            self.pages.append([unique, word_count])

    def _add_filters(self, files: Files, filters: list, first_page: int) -> None:
        for _, name in filters:
            path = f"filter/{name}.pf_filter"
            filter_name, values = cbor2.loads(unpacked(take(files, path, "filter"), path))
            joined = self.filters.setdefault(filter_name, {})
            for value, pages in values:
                joined.setdefault(value, []).extend(first_page + page for page in pages)

    def files(self) -> Files:
        """The joined bundle, in Pagefind's format and file names of its kind."""
        if not self.shards:
            raise BundleFormatError("no Pagefind output to join")
        published: Files = SpilledFiles()
        published.update(self.other_files)
        for path in list(self.fragments):
            published[path] = packed(self.fragments.pop(path), _REWRITTEN_LEVEL)
        chunks = []
        # Nothing here makes cyclic garbage, and the collector would walk the decoded chunks of every
        # shard over and over (at 5,000 explainers: 27 of the 31 seconds decoding took).
        with collector_paused():
            words_in_order = _merged_words(self.shards, self.waiting_chunks, sorted(self.meta_fields))
            chunked = ((words[0][WORD], words[-1][WORD], words) for words in _chunked(words_in_order))
            for number, (first, last, words) in enumerate(named_ranges(chunked)):
                self.chunk_words.append([words[0][WORD], words[-1][WORD]])
                name = f"{self.language}_m{number}"
                published[f"index/{name}.pf_index"] = packed(cbor2.dumps([words]), CHUNK_LEVEL)
                chunks.append([first, last, name])
        filters = []
        for number, (name, values) in enumerate(sorted(self.filters.items())):
            file = f"{self.language}_f{number}"
            published[f"filter/{file}.pf_filter"] = packed(cbor2.dumps([name, sorted(values.items())]), _REWRITTEN_LEVEL)
            filters.append([name, file])
        meta = [self.version, self.pages, chunks, filters, [], sorted(self.meta_fields)]
        meta_name = f"{self.language}_merged"
        published[f"pagefind.{meta_name}.pf_meta"] = packed(cbor2.dumps(meta), _REWRITTEN_LEVEL)
        self.entry["languages"][self.language].update(hash=meta_name, page_count=len(self.pages))
        published[ENTRY] = json.dumps(self.entry).encode()
        return published


def _one_language(entry: dict) -> list:
    languages = list(entry.get("languages", {}).items())
    if len(languages) != 1:
        raise BundleFormatError(f"unexpected Pagefind output: {len(languages)} languages, records are of one")
    return languages


def _words_of(shard: _Shard, waiting_chunks: Files, meta_fields: list[str] | None = None) -> Iterator[tuple[str, int, list]]:
    """(word, its shard's first page, [word, pages, variants]) in word order, one chunk read and decoded at a time.
    A word's metadata positions name their field by its place in the sorted field names (-1 the
    first): a shard whose pages have fewer fields has them renumbered to `meta_fields`' places."""
    renumbered = None
    if meta_fields is not None and shard.meta_fields != meta_fields:
        renumbered = {-(i + 1): -(meta_fields.index(name) + 1) for i, name in enumerate(shard.meta_fields)}
    while shard.chunks:
        words = cbor2.loads(unpacked(waiting_chunks.pop(shard.chunks.pop(0)), "index chunk"))[0]
        words.reverse()
        while words:  # each word let go once merged: every shard holds the rest of one chunk while they are merged
            word = words.pop()
            if renumbered:
                for page in word[WORD_PAGES]:
                    page[_PAGE_META_POSITIONS] = [renumbered.get(p, p) for p in page[_PAGE_META_POSITIONS]]
            yield word[WORD], shard.first_page, word


def _merged_words(shards: list[_Shard], waiting_chunks: Files, meta_fields: list[str] | None = None) -> Iterator[list]:
    """Each word once, in word order, with the pages of every shard that has it (`meta_fields`: the joined bundle's)."""
    current: list | None = None
    last_page = 0  # absolute number of the current word's last page so far
    for text, first_page, word in heapq.merge(*(_words_of(shard, waiting_chunks, meta_fields) for shard in shards), key=lambda item: item[0]):
        if word[_WORD_VARIANTS]:
            raise BundleFormatError(f"unexpected Pagefind index: variants of the word {text}")
        pages = word[WORD_PAGES]
        if current is not None and current[WORD] == text:
            pages[0][_PAGE_NUMBER] += first_page - last_page  # differences: only the first changes
            current[WORD_PAGES].extend(pages)
        else:
            if current is not None:
                yield current
            current = word
            pages[0][_PAGE_NUMBER] += first_page
            last_page = 0
        last_page += sum(map(_page_number, pages))
    if current is not None:
        yield current


def _chunked(words: Iterator[list]) -> Iterator[list[list]]:
    chunk, size = [], 0
    for word in words:
        chunk.append(word)
        size += word_size(word)
        if ends_chunk(word, size):
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def word_size(word: list) -> int:
    """A word's share of a chunk, as Pagefind counts it: its pages' positions, plus one per page."""
    pages = word[WORD_PAGES]
    return sum(map(len, map(_positions, pages))) + sum(map(len, map(_meta_positions, pages))) + len(pages)


def ends_chunk(word: list, size: int) -> bool:
    """Whether a chunk of `size` ends after `word`: once it holds half of Pagefind's chunk size, with a chance
    of twice the word's share of it, drawn from the word (or at four times the size). So chunks hold about
    Pagefind's size and where they end depends on the words there alone: a changed word moves the ends of
    its own chunk and of the next few, never those after them (patch.py re-encodes only those)."""
    if size >= 4 * _CHUNK_SIZE:
        return True
    share = word_size(word)
    return size >= _CHUNK_SIZE // 2 and zlib.crc32(word[WORD].encode()) < 2 * share / _CHUNK_SIZE * 2**32


def named_ranges(chunks: Iterable[tuple[str, str, T]]) -> Iterator[tuple[str, str, T]]:
    """(from, to, payload) per chunk of (first word, last word, payload): between two chunks, the shortest
    prefixes of the last word before and the first word after that differ, as Pagefind's chunk_meta."""
    previous: tuple[str, str, T] | None = None
    start = None
    for chunk in chunks:
        if previous is not None:
            end, next_start = _prefixes(previous[1], chunk[0])
            yield start or previous[0], end, previous[2]
            start = next_start
        previous = chunk
    if previous is not None:
        yield start or previous[0], previous[1], previous[2]


def _prefixes(before: str, after: str) -> tuple[str, str]:
    common = 0
    for a, b in zip(before, after):
        if a != b:
            break
        common += 1
    return before[: common + 1], after[: common + 1]
