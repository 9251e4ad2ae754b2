"""Make Pagefind 1.5.2's output byte-reproducible, and its first download smaller.

Pagefind 1.5.2 writes each filter's values in hash-map order, which changes
from run to run; the file names are hashes of the contents, so the metadata
file that lists them and `pagefind-entry.json` change too. Here every data
file is rewritten in a stable order, renamed by a hash of its new contents,
and the files that name them are rewritten to match. (Pagefind 1.6.0, npm
only, writes filters in a stable order.)

Every first query downloads the metadata file, the filters it uses and the
fragments of the results shown, so they are made smaller on the way:

- Pages are renumbered oldest first, and the date sort (a list of every page
  number, 42 KB at 20,000 pages even in order) is dropped: page number order is
  date order, and a result's id is its fragment's name, which ends in the page
  number (`pageNumber` in sitesearch-query.js sorts by it).
- Fragments are renamed `<language>_<build>-<n>` (n: the page number in hex)
  instead of a random-looking 7-digit hash each (`build`: a hash of all
  fragments, so a changed site gets new names and no cache serves an old
  fragment).
- A fragment's `content` (the page's search tokens, for Pagefind's excerpts)
  is emptied: results show the page's summary from its metadata, so the
  tokens were downloaded for nothing, about 3 KB per result.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"
# Positions in the metadata file.
_META_PAGES = 1    # [fragment name, word count] per page, by page number
_META_CHUNKS = 2   # [first word, last word, index chunk hash] per index chunk
_META_FILTERS = 3  # [filter name, filter file hash]
_META_SORTS = 4    # [sort name, page numbers in ascending order of the sort's value]
DATE_SORT = "date"
# Pagefind names index chunks and filters by 7 hex digits; ours have 8, so a new file never
# overwrites an old one not yet rewritten.
_HASH_LENGTH = 8
# gzip level: 9 for the few files every first query downloads; 6 for the thousands of index
# chunks and fragments (measured: 1.7 % larger, 2.8 × faster to write).
_FEW, _MANY = 9, 6


class BundleFormatError(Exception):
    """The Pagefind output is not in the 1.5.2 format this module knows."""


@dataclass(frozen=True)
class _Renumbering:
    """Old page number → new page number."""

    new_of: list[int]

    def pages(self, numbers: list[int]) -> list[int]:
        return sorted(self.new_of[n] for n in numbers)


def canonicalise_bundle(bundle: Path) -> None:
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        language["hash"] = _rewrite_meta(bundle, language["hash"])
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise BundleFormatError(f"{path.name}: not a Pagefind data file")
    return data[len(SIGNATURE):]


def _write(path_of, language: str, hash_length: int, payload: bytes, level: int = _FEW) -> str:
    """Write `payload` under a name made of a hash of its contents; return that name."""
    data = SIGNATURE + payload
    name = f"{language}_{hashlib.sha256(data).hexdigest()[:hash_length]}"
    path_of(name).write_bytes(gzip.compress(data, compresslevel=level, mtime=0))
    return name


def _rewrite_meta(bundle: Path, old_name: str) -> str:
    path = bundle / f"pagefind.{old_name}.pf_meta"
    meta = cbor2.loads(_read(path))
    language = old_name.split("_")[0]
    order = _date_order(meta)
    renumbering = _Renumbering(new_of=_inverse(order))
    meta[_META_PAGES] = _rename_fragments(bundle / "fragment", [meta[_META_PAGES][old] for old in order])
    meta[_META_SORTS] = []  # the only sort was the date: now the page numbers' order
    meta[_META_CHUNKS] = [[first, last, _rewrite_chunk(bundle / "index", chunk, renumbering)] for first, last, chunk in meta[_META_CHUNKS]]
    meta[_META_FILTERS] = sorted([name, _rewrite_filter(bundle / "filter", file, renumbering)] for name, file in meta[_META_FILTERS])
    path.unlink()
    return _write(lambda name: bundle / f"pagefind.{name}.pf_meta", language, 10, cbor2.dumps(meta))


def _date_order(meta: list) -> list[int]:
    """Old page numbers, oldest page first (every record has a date to sort by)."""
    page_count = len(meta[_META_PAGES])
    for name, numbers in meta[_META_SORTS]:
        if name == DATE_SORT and sorted(numbers) == list(range(page_count)):
            return list(numbers)
    raise BundleFormatError("unexpected Pagefind metadata: no date sort listing every page once")


def _inverse(order: list[int]) -> list[int]:
    new_of = [0] * len(order)
    for new, old in enumerate(order):
        new_of[old] = new
    return new_of


def _rewrite_chunk(folder: Path, old_name: str, renumbering: _Renumbering) -> str:
    """An index chunk: words, each with [page number, locations, meta locations] per page,
    where a page number is written as the difference to the previous page's."""
    path = _existing(folder / f"{old_name}.pf_index", "index chunk")
    chunk = cbor2.loads(_read(path))
    for word in chunk[0]:
        number = 0
        for page in word[1]:
            number += page[0]
            page[0] = renumbering.new_of[number]
        word[1].sort(key=lambda page: page[0])
        previous = 0
        for page in word[1]:
            page[0], previous = page[0] - previous, page[0]
    path.unlink()
    return _write(lambda name: folder / f"{name}.pf_index", old_name.split("_")[0], _HASH_LENGTH, cbor2.dumps(chunk), _MANY)


def _rewrite_filter(folder: Path, old_name: str, renumbering: _Renumbering) -> str:
    path = _existing(folder / f"{old_name}.pf_filter", "filter")
    name, values = cbor2.loads(_read(path))
    path.unlink()
    values = sorted([value, renumbering.pages(pages)] for value, pages in values)
    return _write(lambda new: folder / f"{new}.pf_filter", old_name.split("_")[0], _HASH_LENGTH, cbor2.dumps([name, values]))


def _rename_fragments(folder: Path, pages: list) -> list:
    """Fragments under short sequential names, in the new page order, without their content."""
    for old_name, _ in pages:
        _existing(folder / f"{old_name}.pf_fragment", "fragment")
    build = hashlib.sha256(" ".join(p[0] for p in pages).encode()).hexdigest()[:4]
    renamed = []
    for number, (old_name, word_count) in enumerate(pages):
        new_name = f"{old_name.split('_')[0]}_{build}-{number:x}"  # the hyphen: never the name of a fragment not yet renamed
        old_path = folder / f"{old_name}.pf_fragment"
        fragment = json.loads(_read(old_path))
        fragment["content"] = ""
        (folder / f"{new_name}.pf_fragment").write_bytes(
            gzip.compress(SIGNATURE + json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode(), compresslevel=_MANY, mtime=0))
        old_path.unlink()
        renamed.append([new_name, word_count])
    return renamed


def _existing(path: Path, what: str) -> Path:
    if not path.is_file():
        raise BundleFormatError(f"unexpected Pagefind metadata: {what} {path.name} not found")
    return path
