"""Make Pagefind 1.5.2's output byte-reproducible, and its first download smaller.

Pagefind 1.5.2 writes each filter's values in hash-map order, which changes
from run to run; the file names are hashes of the contents, so the metadata
file that lists them and `pagefind-entry.json` change too. Here every data
file is rewritten in a stable order, renamed by a hash of its new contents,
and the files that name them are rewritten to match. This happens to the
files as Pagefind hands them over, in memory, before anything is written. (Pagefind 1.6.0, npm
only, writes filters in a stable order.)

Every first query downloads the metadata file, the filters it uses and the
fragments of the results shown, so they are made smaller on the way:

- Pages come oldest first (records are given to Pagefind in that order, see
  pagefind.py) and there is no date sort file (a list of every page number,
  42 KB at 20,000 pages): page number order is date order, and a result's id
  is its fragment's name, which ends in the page number (`pageNumber` in
  sitesearch-query.js sorts by it). The order is checked here.
- Fragments and index chunks are renamed `<build><n>` instead of a
  random-looking hash each (an index chunk keeps its bytes): `build` is a
  hash of all of Pagefind's fragment names (so a changed site gets new names
  and no cache serves an old file),
  `n` the page or chunk number in base 36 with its digits reversed, the form
  of a counter that gzip compresses best (measured: the list of 20,000 pages
  shrinks from 79 to 43 KB with the next point).
- A page's word count, which Pagefind uses only to compare page lengths in its
  ranking, is rounded to the nearest power of 1.05 from 16 words up: a length
  within 2.5 % ranks the same, and rounded counts repeat, so they compress.
- A fragment's `content` (the page's search tokens, for Pagefind's excerpts)
  is emptied: results show the page's summary from its metadata, so the
  tokens were downloaded for nothing, about 3 KB per result.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import tempfile
from collections.abc import Iterable, Iterator, MutableMapping

import cbor2

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
# Positions in the metadata file.
META_PAGES = 1  # [fragment name, word count] per page, by page number
_META_CHUNKS = 2  # [first word, last word, index chunk hash] per index chunk
META_FILTERS = 3  # [filter name, filter file hash]
_META_SORTS = 4  # [sort name, page numbers in ascending order of the sort's value]
# Pagefind names filters by 7 hex digits; ours have 8, so a new name is never an old one.
HASH_LENGTH = 8
BUILD_LENGTH = 6  # hex digits of the build hash that starts fragment and chunk names
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_EXACT_BELOW, _COUNT_STEP = 16, 1.05
# gzip level: 9 for the few files every first query downloads; 6 for the thousands of
# fragments (measured: 1.7 % larger, 2.8 × faster to write), Pagefind's own for index chunks.
FEW, MANY = 9, 6

Files = MutableMapping[str, bytes]  # path in the bundle → contents (a dict, or SpilledFiles)


class BundleFormatError(Exception):
    """The Pagefind output is not in the 1.5.2 format this module knows."""


class SpilledFiles(MutableMapping[str, bytes]):
    """Files whose contents wait in an unnamed scratch file until they are read, not in memory:
    a joined bundle (merge.py) of 20,000 explainers is about 160 MB, its fragments unpacked 60 MB."""

    def __init__(self) -> None:
        self._scratch = tempfile.TemporaryFile(prefix="pagefind-files-")
        self._places: dict[str, tuple[int, int]] = {}  # path → (offset, length) in the scratch file

    def __setitem__(self, path: str, data: bytes) -> None:
        offset = self._scratch.seek(0, os.SEEK_END)
        self._scratch.write(data)
        self._places[path] = offset, len(data)

    def __getitem__(self, path: str) -> bytes:
        offset, length = self._places[path]
        self._scratch.flush()
        return os.pread(self._scratch.fileno(), length, offset)

    def __delitem__(self, path: str) -> None:
        del self._places[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


def canonical_files(files: Files) -> Files:
    """Pagefind's `files` → the files to publish (emptied on the way; written to a SpilledFiles
    when they come in one)."""
    published: Files = SpilledFiles() if isinstance(files, SpilledFiles) else {}
    entry = json.loads(take(files, ENTRY, "entry file"))
    for language in entry["languages"].values():
        language["hash"] = _rewrite_meta(files, published, language["hash"])
    published[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    published.update(files)  # the scripts and the WebAssembly, as they are
    return published


def take(files: Files, path: str, what: str) -> bytes:
    """Take the file at `path` out of `files`; BundleFormatError when Pagefind did not write it."""
    if path not in files:
        raise BundleFormatError(f"unexpected Pagefind output: {what} {path} not found")
    return files.pop(path)


def unpacked(data: bytes, path: str) -> bytes:
    """The payload of a Pagefind data file (gzipped, after its signature); BundleFormatError when it is not one."""
    data = gzip.decompress(data)
    if not data.startswith(SIGNATURE):
        raise BundleFormatError(f"{path}: not a Pagefind data file")
    return data[len(SIGNATURE) :]


def packed(payload: bytes, level: int) -> bytes:
    """A Pagefind data file holding `payload`: signed and gzipped without a timestamp, so the same payload gives the same bytes."""
    return gzip.compress(SIGNATURE + payload, compresslevel=level, mtime=0)


def without_content(data: bytes, path: str) -> dict:
    """A packed fragment, read, without its `content` (the page's tokens, which results never show)."""
    fragment = json.loads(unpacked(data, path))
    fragment["content"] = ""
    return fragment


def fragment_payload(fragment: dict) -> bytes:
    """A fragment as compact JSON bytes, as Pagefind writes it."""
    return json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode()


def named_by_hash(language: str, hash_length: int, payload: bytes) -> str:
    return f"{language}_{hashlib.sha256(SIGNATURE + payload).hexdigest()[:hash_length]}"


def _rewrite_meta(files: Files, published: Files, old_name: str) -> str:
    path = f"pagefind.{old_name}.pf_meta"
    meta = cbor2.loads(unpacked(take(files, path, "metadata file"), path))
    language = old_name.split("_")[0]
    if meta[_META_SORTS]:
        raise BundleFormatError("unexpected Pagefind metadata: a sort file (records carry none)")
    build = build_of(name for name, _ in meta[META_PAGES])
    meta[META_PAGES] = _rename_fragments(files, published, build, meta[META_PAGES])
    meta[_META_CHUNKS] = [
        [first, last, _rename_chunk(files, published, chunk, build + counter(number))] for number, (first, last, chunk) in enumerate(meta[_META_CHUNKS])
    ]
    meta[META_FILTERS] = sorted([name, _rewrite_filter(files, published, file)] for name, file in meta[META_FILTERS])
    payload = cbor2.dumps(meta)
    name = named_by_hash(language, 10, payload)
    published[f"pagefind.{name}.pf_meta"] = packed(payload, FEW)
    return name


def build_of(fragment_names: Iterable[str]) -> str:
    """The build hash that starts the published fragments' and chunks' names: of all of Pagefind's fragment names."""
    return hashlib.sha256(" ".join(fragment_names).encode()).hexdigest()[:BUILD_LENGTH]


def counter(number: int) -> str:
    """`number` in base 36, digits reversed (the fastest-changing digit first)."""
    digits = ""
    while True:
        number, digit = divmod(number, len(_DIGITS))
        digits += _DIGITS[digit]
        if not number:
            return digits


def rounded_count(words: int) -> int:
    if words < _EXACT_BELOW:
        return words
    return round(_COUNT_STEP ** round(math.log(words, _COUNT_STEP)))


def _rename_chunk(files: Files, published: Files, old_name: str, new_name: str) -> str:
    """An index chunk keeps its bytes: its words are sorted and its pages in page order already."""
    published[f"index/{new_name}.pf_index"] = take(files, f"index/{old_name}.pf_index", "index chunk")
    return new_name


def _rewrite_filter(files: Files, published: Files, old_name: str) -> str:
    path = f"filter/{old_name}.pf_filter"
    name, values = cbor2.loads(unpacked(take(files, path, "filter"), path))
    payload = cbor2.dumps([name, sorted([value, sorted(pages)] for value, pages in values)])
    new_name = named_by_hash(old_name.split("_")[0], HASH_LENGTH, payload)
    published[f"filter/{new_name}.pf_filter"] = packed(payload, FEW)
    return new_name


def _rename_fragments(files: Files, published: Files, build: str, pages: list) -> list:
    """Fragments under short sequential names, without their content, after checking that
    pages are in date order (explainers, then FAQ entries: see writer.py); the pages' [name, rounded word count]."""
    renamed = []
    previous = (False, "")
    for number, (old_name, word_count) in enumerate(pages):
        new_name = build + counter(number)
        path = f"fragment/{old_name}.pf_fragment"
        fragment = without_content(take(files, path, "fragment"), path)
        date = fragment["meta"].get("date")
        order = (fragment["meta"].get("kind") != "policy", date or "")  # explainers first, then FAQ entries
        if date is None or order < previous:
            raise BundleFormatError(f"page {fragment['url']} has no date or is out of date order: Pagefind did not keep the records' order")
        previous = order
        published[f"fragment/{new_name}.pf_fragment"] = packed(fragment_payload(fragment), MANY)
        renamed.append([new_name, rounded_count(word_count)])
    return renamed
