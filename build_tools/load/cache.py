"""The parsed content files of the last run, kept on disk: `policy check` and `policy build` parse only what changed.

At 5,000 explainers, reading and parsing 8,400 files was half of
`policy check` (and 1 s more when the files were no longer in the page
cache); the preview already keeps them in memory between saves. The same
cache (`load_tree(root, cache)`: path → modification time and size, document,
its problems) is kept in 64 JSON files per content folder (a changed file
rewrites one), in the user's cache folder (`$XDG_CACHE_HOME/policy`, else
`~/.cache/policy`), never in the project: JSON and not pickle, so that a file
planted there can change nothing but data, and outside the repository, so
that a change under review cannot bring one. The folder's name holds the content folder, the working
folder (the paths shown in messages depend on it) and the code of the loader,
so a changed loader starts afresh. A document whose data JSON cannot hold
exactly (non-text keys, sets) is parsed again each time. Set
`POLICY_CACHE=off` to read everything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from build_tools.load.tree import LoadedTree, RawDocument, load_tree
from build_tools.models import Issue, Severity
from build_tools.runtime.atomic import write_file_at_once

# A file modified this little before the cache is written is not kept: the file system's clock
# ticks coarsely (4 ms here), and a second change in the same tick with the same size would look
# unchanged (as git does with "racily clean" files).
RACY_SECONDS = 2
SHARDS = 64
_TAG = "\u0000"  # marks a date in the JSON data; a key starting with it makes a document uncacheable
_DATE, _DATETIME = _TAG + "date", _TAG + "datetime"


class _Uncacheable(Exception):
    """Data that JSON would not give back exactly."""


def load_tree_cached(root: Path) -> LoadedTree:
    """`load_tree(root)`, reading again only the files changed since the last run."""
    if os.environ.get("POLICY_CACHE", "").lower() in {"off", "0", "no"}:
        return load_tree(root)
    folder = _cache_folder(root)
    cache, stored = _read(folder)
    tree = load_tree(root, cache)
    seen = {document.path for document in (*tree.policies, *tree.sessions)}
    for stale in set(cache) - seen:  # files deleted or moved since
        del cache[stale]
    stamps = {path: entry[0] for path, entry in cache.items()}
    shards: dict[int, dict] = {_shard(path): {} for path in stamps.keys() | stored.keys() if stamps.get(path) != stored.get(path)}
    for path, entry in cache.items():  # the parts that changed are written whole
        shards.get(_shard(path), {})[path] = entry
    for shard, entries in shards.items():
        _write(folder / f"{shard:02x}.json", entries)
    return tree


def _cache_folder(root: Path) -> Path:
    code = b"".join(Path(__file__).with_name(name).read_bytes() for name in ("tree.py", "cache.py"))
    key = hashlib.sha256(b"\0".join([os.fsencode(Path(root).resolve()), os.fsencode(os.getcwd()), code])).hexdigest()[:20]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "policy" / f"content-{key}"


def _shard(path: Path) -> int:
    """Which of the SHARDS files holds `path`: a changed file rewrites one of them, not the whole cache."""
    return hashlib.blake2b(os.fsencode(path), digest_size=2).digest()[0] % SHARDS


def _read(folder: Path) -> tuple[dict, dict]:
    """The cache for load_tree, and the stamp of every file the stored cache knew (also those it could not hold)."""
    cache: dict = {}
    stored: dict = {}
    for shard in range(SHARDS):
        try:
            entries = json.loads((folder / f"{shard:02x}.json").read_text(encoding="utf-8"))
            stamps = {Path(entry["path"]): tuple(entry["stamp"]) for entry in entries}
            held = {Path(entry["path"]): _entry(entry) for entry in entries if "document" in entry}
        except (OSError, ValueError, KeyError, TypeError):  # none yet, or unreadable: its files are parsed again
            continue
        stored.update(stamps)
        cache.update(held)
    return cache, stored


def _entry(stored: dict) -> tuple:
    document = stored["document"]
    raw = RawDocument(
        Path(stored["path"]), document["shown"], _decoded(document["data"]), document["lines"], document["body"], document["body_line"], document["first_line"]
    )
    issues = [Issue(path, line, field, message, Severity(severity)) for path, line, field, message, severity in stored["issues"]]
    return tuple(stored["stamp"]), raw, issues


def _write(path: Path, cache: dict) -> None:
    entries: list[dict[str, Any]] = []
    recent = time.time_ns() - RACY_SECONDS * 1_000_000_000
    for file, (stamp, raw, issues) in cache.items():
        if stamp[0] >= recent:
            continue  # changed so recently that a change to come could keep its time and size: read it again next run
        try:
            data = _encoded(raw.data)
        except _Uncacheable:  # known, so that it does not make every run write the cache again
            entries.append({"path": str(file), "stamp": list(stamp)})
            continue
        document = {"shown": raw.shown, "data": data, "lines": raw.lines, "body": raw.body, "body_line": raw.body_line, "first_line": raw.first_line}
        entries.append(
            {"path": str(file), "stamp": list(stamp), "document": document, "issues": [[i.path, i.line, i.field, i.message, i.severity.value] for i in issues]}
        )
    try:
        write_file_at_once(path, json.dumps(entries, ensure_ascii=False).encode())  # json.dump would encode in Python, 3× slower
    except OSError:  # a read-only home: the next run parses everything again
        return


def _encoded(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, list):
        return [_encoded(item) for item in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) and not key.startswith(_TAG) for key in value):
            raise _Uncacheable
        return {key: _encoded(item) for key, item in value.items()}
    raise _Uncacheable


def _decoded(value: Any) -> Any:
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1 and _DATE in value:
            return dt.date.fromisoformat(value[_DATE])
        if len(value) == 1 and _DATETIME in value:
            return dt.datetime.fromisoformat(value[_DATETIME])
        return {key: _decoded(item) for key, item in value.items()}
    return value
