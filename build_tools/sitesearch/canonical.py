"""Make Pagefind 1.5.2's output byte-reproducible.

Pagefind 1.5.2 writes each filter's values in hash-map order, which changes
from run to run; the file names are hashes of the contents, so the metadata
file that lists them and `pagefind-entry.json` change too. Everything else
(index chunks, fragments) is already stable. Here the filter files are
rewritten with their values sorted, renamed by a hash of the new contents,
and the two files that name them are rewritten to match. (Pagefind 1.6.0,
npm only, writes these in a stable order; bench/site_search.py checks both.)
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"
_META_FILTERS = 3  # position of the [filter name, file hash] list in the metadata file


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
    path.unlink()
    return _write(bundle, old_hash, 10, "pagefind.{hash}.pf_meta", meta)
