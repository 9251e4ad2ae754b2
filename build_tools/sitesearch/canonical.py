"""Make Pagefind 1.5.2's output byte-reproducible, and its first download smaller.

Pagefind 1.5.2 writes each filter's values in hash-map order, which changes
from run to run; the file names are hashes of the contents, so the metadata
file that lists them and `pagefind-entry.json` change too. Everything else
(index chunks, fragments) is already stable. Here the filter files are
rewritten with their values sorted, renamed by a hash of the new contents,
and the two files that name them are rewritten to match. (Pagefind 1.6.0,
npm only, writes these in a stable order.)

The metadata file, which every first query downloads, also lists every page's
fragment by a random-looking 7-digit hash: at 20,000 pages that is most of its
size and does not compress. Fragments are renamed `<language>_<build>-<n>`
(`build`: a hash of all fragments, so a changed site gets new names and no
cache serves an old fragment), which compresses to a fraction.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"
_META_PAGES = 1    # position of the [fragment hash, word count] list in the metadata file
_META_FILTERS = 3  # position of the [filter name, file hash] list


class BundleFormatError(Exception):
    """The Pagefind output is not in the 1.5.2 format this module knows."""


def canonicalise_bundle(bundle: Path) -> None:
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        renamed = {old: _rewrite_filter(bundle / "filter", old) for old in _filter_hashes(bundle, language["hash"])}
        language["hash"] = _rewrite_meta(bundle, language["hash"], renamed)
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise BundleFormatError(f"{path.name}: not a Pagefind data file")
    return cbor2.loads(data[len(SIGNATURE):])


def _write(folder: Path, prefix: str, hash_length: int, suffix: str, value) -> str:
    """Write `value` under a name made of a hash of its contents; return that hash."""
    data = SIGNATURE + cbor2.dumps(value)
    language = prefix.split("_")[0]
    new_hash = f"{language}_{hashlib.sha256(data).hexdigest()[:hash_length]}"
    (folder / suffix.format(hash=new_hash)).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return new_hash


def _meta_path(bundle: Path, meta_hash: str) -> Path:
    return bundle / f"pagefind.{meta_hash}.pf_meta"


def _filter_hashes(bundle: Path, meta_hash: str) -> list[str]:
    filters = _read(_meta_path(bundle, meta_hash))[_META_FILTERS]
    if not all(isinstance(f, list) and len(f) == 2 and (bundle / "filter" / f"{f[1]}.pf_filter").is_file() for f in filters):
        raise BundleFormatError("unexpected Pagefind metadata: filters not found")
    return [file_hash for _, file_hash in filters]


def _rewrite_filter(folder: Path, old_hash: str) -> str:
    path = folder / f"{old_hash}.pf_filter"
    name, values = _read(path)
    path.unlink()
    return _write(folder, old_hash, 7, "{hash}.pf_filter", [name, sorted(values, key=lambda v: v[0])])


def _rewrite_meta(bundle: Path, old_hash: str, renamed: dict[str, str]) -> str:
    path = _meta_path(bundle, old_hash)
    meta = _read(path)
    meta[_META_FILTERS] = sorted([name, renamed[file_hash]] for name, file_hash in meta[_META_FILTERS])
    meta[_META_PAGES] = _rename_fragments(bundle / "fragment", meta[_META_PAGES])
    path.unlink()
    return _write(bundle, old_hash, 10, "pagefind.{hash}.pf_meta", meta)


def _rename_fragments(folder: Path, pages: list) -> list:
    """Short sequential fragment names; index chunks, filters and sorts refer to pages by number."""
    if not all(isinstance(p, list) and len(p) == 2 and (folder / f"{p[0]}.pf_fragment").is_file() for p in pages):
        raise BundleFormatError("unexpected Pagefind metadata: fragments not found")
    build = hashlib.sha256(" ".join(p[0] for p in pages).encode()).hexdigest()[:4]
    renamed = []
    for number, (old_name, word_count) in enumerate(pages):
        new_name = f"{old_name.split('_')[0]}_{build}-{number:x}"  # the hyphen: never the name of a fragment not yet renamed
        (folder / f"{old_name}.pf_fragment").rename(folder / f"{new_name}.pf_fragment")
        renamed.append([new_name, word_count])
    return renamed
