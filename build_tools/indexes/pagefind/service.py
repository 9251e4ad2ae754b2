"""Run Pagefind (the extended binary from PyPI, pinned) on records given in order, and make its output reproducible.

A large site's records go to Pagefind in runs (SHARD_TEXT characters each
on average), one process each, and merge.py joins the runs' bundles: Pagefind
holds every record's words until it writes. Runs overlap: the next run is sent
its records while the previous one writes its bundle. Where a run ends is
decided by its records alone (`_cuts_after`), so an edit changes the run it
falls in and leaves the others as they were: with the build record
(runtime/reuse.py), a run whose records are the same as in the last build
takes that build's bundle instead of running Pagefind again (`run_key`);
when every run does, the joined bundle is the record's too, and nothing is
joined (a daily rebuild that changed no record); when some runs changed, the
record's joined bundle is patched with them (patch.py) rather than every run
joined again.

Records go to `pagefind --service` over its pipe protocol (base64 JSON
messages, each ended by a comma) rather than as files in a folder: Pagefind
numbers pages in the order it gets them, so records sent oldest first come
out in date order, with nothing to renumber afterwards (a folder is read in
the file system's order), and no scratch copy of the records is written.
Records are sent while Pagefind indexes the previous ones, and the bundle
comes back in the last reply. (The `pagefind` package's own client waits
0.1 s per reply: 7 minutes for 4,000 records.)
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import subprocess
import tempfile
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import cbor2

from build_tools.errors import PolicyError
from build_tools.indexes.pagefind.canonical import ENTRY, BundleFormatError, Files, canonical_files
from build_tools.indexes.pagefind.merge import BundleMerger
from build_tools.indexes.pagefind.patch import STATE, JoinedState, patched_bundle
from build_tools.runtime.background import end_with_parent
from build_tools.runtime.reuse import ReuseFolder, link_tree

TIMEOUT_SECONDS = 1800
# At its peak Pagefind holds about 55 bytes per character of the records it was given (measured:
# 487 MB for 8.9 million, 5.2 GB for 111 million): records are indexed in runs of SHARD_TEXT characters
# (about 240 MB each), joined by merge.py. Every site is, since runs are what a build takes from the build
# record: at 1,000 explainers (20 million characters) one run held 1.4 GB, and an edit ran it all again. Runs of 2, 4 and 8
# million characters took about the same time at 5,000 explainers (Pagefind 54, 54 and 64 s; joining 23, 23,
# 21 s), but joining holds about 1 MB per run (a chunk being merged): 230 runs at 20,000 explainers.
# With runs overlapping, a run writing (about 240 MB) and the next being sent its records (about 50 MB) are alive together.
SHARD_TEXT = 4_000_000
# An edit that changed more than one run in this many is joined again: patching decodes each changed run
# twice (its last and new bundles) and holds them, where joining holds a chunk of each run at a time (at
# 2,000 explainers, 12 of 12 runs patched took 93 s and 2 GB, joined 47 s and 460 MB).
PATCH_SHARE = 8
# Replies (about 1 KB each) not yet read: few enough to stay far below a pipe's 64 KB.
_IN_FLIGHT = 16
# Pagefind's ready-made search UIs: the site ships its own (build_tools/site/defaults/theme/assets/sitesearch-*.js).
_UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)


class SiteSearchError(PolicyError):
    """Pagefind is missing or failed: the site search could not be written."""


def pagefind_executable() -> Path:
    """Pagefind's extended binary, from its wheel; SiteSearchError when it is not installed or missing."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        raise SiteSearchError(
            "未安装 Pagefind：请运行 make 或 pip install --require-hashes -r requirements.lock / "
            "Pagefind is not installed: run make, or pip install --require-hashes -r requirements.lock"
        ) from None
    try:
        return get_executable()
    except FileNotFoundError as error:
        raise SiteSearchError(f"找不到 Pagefind 程序 / the Pagefind binary is missing: {error}") from None


class Record(Protocol):
    """A record to index: its URL, a hash of what it is made of, its size in characters, and its HTML, made when asked for."""

    @property
    def url(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def size(self) -> int: ...
    def html(self) -> str: ...


@dataclass(frozen=True)
class ReadyRecord:
    """A record whose HTML is made already."""

    url: str
    text: str

    @property
    def key(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def size(self) -> int:
        return len(self.text)

    def html(self) -> str:
        return self.text


def run_pagefind(
    records: Iterable[Record | tuple[str, str]], bundle: Path, shard_text: int = SHARD_TEXT, reuse: ReuseFolder | None = None, context: str = ""
) -> RunCount:
    """Index `records` (or (URL, HTML) pairs; page numbers follow their order) into the bundle folder
    `bundle`: one Pagefind run per `shard_text` characters of records (on average), their bundles joined
    into one. With `reuse`, a run the last build made from the same records (the same keys, and the same
    `context`: what they all depend on) is taken from its record, and its records are never made; when
    every run is the record's, so is the joined bundle (joining was 36 s of 40 at 5,000 explainers);
    when a few are not, the record's joined bundle is patched with them (`_patched`).
    Returns how many runs there were and how many Pagefind made."""
    ready = (ReadyRecord(*record) if isinstance(record, tuple) else record for record in records)
    shards = [list(shard) for shard in _shards(ready, shard_text)] or [[]]  # a site with no records: one empty run
    keys = [run_key(shard, context) for shard in shards]
    joined = "joined-" + hashlib.sha256("\0".join(keys).encode()).hexdigest()
    count = RunCount(len(shards))
    if reuse is not None and all(reuse.has(name) for name in (joined, *keys)):
        for key in (*keys, STATE):
            if reuse.has(key):
                reuse.take(key)  # for the next build, which may change one of them
        reuse.take(joined, also_into=bundle)
        count.bundle = "taken"
        return count
    try:
        made = _patched(shards, keys, reuse, count, joined, bundle)
        if made is None:
            count.bundle = "patched"
            return count
        merger, files = _bundle_files(shards, keys, reuse, count, made)
        files = canonical_files(files)
    except BundleFormatError as error:
        raise SiteSearchError(
            f"Pagefind 的输出与预期不符 / Pagefind's output is not as expected: {error}\n"
            "请用 requirements.lock 中的 Pagefind 版本 / use the Pagefind version pinned in requirements.lock"
        ) from None
    write_files(files, bundle)
    if reuse is not None:
        reuse.keep(joined, bundle)
        if merger is not None:
            JoinedState.of(merger, joined, keys).write(reuse.next)
    return count


def _patched(shards: list[list[Record]], keys: list[str], reuse: ReuseFolder | None, count: RunCount, joined: str, bundle: Path) -> dict[int, Files] | None:
    """The last joined bundle patched with the runs that changed (patch.py) into `bundle` (None: done), else the
    runs made on the way (by number), for a join."""
    last = reuse.previous if reuse is not None else None
    state = JoinedState.read(last)
    if reuse is None or last is None or state is None or len(shards) < 2 or not reuse.has(state.bundle) or len(keys) != len(state.keys):
        return {}
    changed = [number for number, (key, recorded) in enumerate(zip(keys, state.keys)) if key != recorded]
    if len(changed) * PATCH_SHARE > len(keys) or not all(reuse.has(state.keys[number]) for number in changed):
        return {}
    runs = enumerate(_bundles_of_runs(shards, keys, reuse, count, {}))
    made = {number: run for number, run in runs if not isinstance(run, Path)}
    new_runs = {number: made[number] if number in made else read_files(reuse.next / keys[number]) for number in changed}
    old_runs = {number: read_files(last / state.keys[number]) for number in changed}
    try:
        patched = patched_bundle(state, last / state.bundle, old_runs, new_runs, keys, joined)
    except (OSError, KeyError, ValueError, BundleFormatError, cbor2.CBORDecodeError):
        patched = None  # a damaged record: joined again, as without one
    if patched is None:
        return made
    write_files(patched.files, bundle)
    for path, source in patched.links.items():
        link_tree(source, bundle / path)
    reuse.keep(joined, bundle)
    patched.state.write(reuse.next)
    return None


@dataclass
class RunCount:
    """A bundle's runs: how many, and how many Pagefind made (the others were the build record's); and how
    the joined bundle was made: "joined" (every run's bundle joined), "patched" (the record's, patched with
    the runs that changed) or "taken" (the record's, as it was)."""

    runs: int = 0
    made: int = 0
    bundle: str = "joined"


def shard_text(count: int) -> int:
    """Characters of records per Pagefind run for `count` records (the same for any count: see SHARD_TEXT)."""
    return SHARD_TEXT


def _bundle_files(
    shards: list[list[Record]], keys: list[str], reuse: ReuseFolder | None, count: RunCount, made: dict[int, Files]
) -> tuple[BundleMerger | None, Files]:
    """The runs' bundles joined (`made`: runs made already, by number), and the merger that joined them (None: one run)."""
    runs = (read_files(run) if isinstance(run, Path) else run for run in _bundles_of_runs(shards, keys, reuse, count, made))
    files = next(runs)
    second = next(runs, None)
    if second is None:
        return None, files
    merger = BundleMerger()
    for run_files in itertools.chain([files, second], runs):
        merger.add(run_files)
    return merger, merger.files()


def _bundles_of_runs(shards: list[list[Record]], keys: list[str], reuse: ReuseFolder | None, count: RunCount, made: dict[int, Files]) -> Iterator[Files | Path]:
    """The bundle of each shard's run (`keys`: their names in the record), in order: its files, or the
    folder of the record's bundle (a run the last build made).

    A run's records are made and sent while Pagefind writes the previous run's bundle: that
    is about half of a run's time, which the records' maker used to spend waiting. Only one
    run writes at a time, as writing is where Pagefind's memory peaks; a run still being sent
    its records holds about a fifth of that. A run the last build made (`reuse`) is taken
    from the record once the runs before it are done; one in `made` (by number) from there."""
    unfinished: list[_Run] = []  # stopped if the runs end early (an error here or where they are joined)
    try:
        for number, (records, key) in enumerate(zip(shards, keys)):  # records whose HTML is not made yet
            if number in made or reuse is not None and reuse.has(key):
                while unfinished:
                    yield _files_of_first(unfinished, reuse)
                yield made[number] if number in made else reuse.take(key)  # type: ignore[union-attr]  # reuse.has(key) held
                continue
            run = _Run(key)
            count.made += 1
            unfinished.append(run)
            run.send(records)
            if len(unfinished) == 2:
                yield _files_of_first(unfinished, reuse)
            run.ask_for_files()
        while unfinished:
            yield _files_of_first(unfinished, reuse)
    finally:
        for run in unfinished:
            run.stop()


def run_key(records: list[Record], context: str = "") -> str:
    """The name of a run's bundle in the build record: a hash of its records' URLs and keys, in order, and of `context`."""
    digest = hashlib.sha256(context.encode())
    for record in records:
        digest.update(f"\0{record.url}\0{record.key}".encode())
    return digest.hexdigest()


def _files_of_first(runs: list[_Run], reuse: ReuseFolder | None) -> Files:
    """The bundle of the first of `runs`, which then leaves the list (left in it if reading fails, to be
    stopped), kept in the new build record."""
    files = runs[0].files()
    if reuse is not None:
        write_files(files, reuse.next / runs[0].key)
    del runs[0]
    return files


def read_files(folder: Path) -> Files:
    """A bundle's files as `write_files` wrote them into `folder`."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _shards(records: Iterable[Record], size: int) -> Iterator[Iterator[Record]]:
    """Consecutive runs of records of about `size` characters (each to be used up before the next is asked for)."""
    records = iter(records)
    for first in records:
        yield _run_of(first, records, size)


def _run_of(record: Record | None, rest: Iterator[Record], size: int) -> Iterator[Record]:
    taken = 0
    while record is not None:
        yield record
        taken += record.size
        if taken >= 4 * size or (taken >= size // 2 and _cuts_after(record, size)):
            return
        record = next(rest, None)


def _cuts_after(record: Record, size: int) -> bool:
    """Whether a run ends after `record` (once it holds half of `size`): a chance of twice its share of
    `size`, drawn from its URL, so runs hold `size` characters on average and where they end depends on
    the records there alone: an edit moves at most the end of its own run, never those after it."""
    return zlib.crc32(record.url.encode()) < 2 * record.size / size * 2**32


class _Run:
    """One Pagefind run: its records sent, its bundle asked for, then read (the files the site ships)."""

    def __init__(self, key: str = "") -> None:
        self.key = key  # its name in the build record (run_key)
        self._service = _Service()
        try:
            self._index = self._service.request({"type": "NewIndex", "config": {}})["index_id"]
        except BaseException:
            self.stop()
            raise

    def send(self, records: Iterable[Record]) -> None:
        self._service.send_all(
            {"type": "AddFile", "index_id": self._index, "url": record.url, "file_path": None, "file_contents": record.html()} for record in records
        )

    def ask_for_files(self) -> None:
        self._service.send({"type": "GetFiles", "index_id": self._index})

    def files(self) -> Files:
        handed = self._service.receive()["files"]
        self._service.close()  # Pagefind lets go of its memory when it exits
        files = {file["path"]: base64.b64decode(file["content"]) for file in handed if file["path"] not in _UNUSED_FILES}
        if ENTRY not in files:
            raise SiteSearchError(f"Pagefind 生成搜索索引失败 / Pagefind failed to write the search index: no {ENTRY}")
        return files

    def stop(self) -> None:
        self._service.stop()


def write_files(files: Files, bundle: Path) -> None:
    """The bundle's files, written here: Pagefind's own writing to disk could still be under
    way when it replied and exited (files came out empty)."""
    root = bundle.resolve()
    for name, data in files.items():
        path = (root / name).resolve()
        if root not in path.parents:
            raise SiteSearchError(f"Pagefind 给出了包外的文件 / Pagefind named a file outside the bundle: {name}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


class _Service:
    """A running `pagefind --service`; every failure becomes a SiteSearchError with Pagefind's own words."""

    def __init__(self) -> None:
        self._errors: IO[bytes] = tempfile.TemporaryFile()
        # Python code between fork and exec is safe only with no other thread (the preview has some).
        guard = end_with_parent if threading.active_count() == 1 else None
        try:
            self._process = subprocess.Popen(
                [str(pagefind_executable()), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors, preexec_fn=guard
            )
        except OSError as error:
            raise SiteSearchError(f"Pagefind 无法运行 / Pagefind could not run: {error}") from None
        assert self._process.stdin is not None and isinstance(self._process.stdout, io.BufferedReader)  # both PIPE, stdout buffered
        self._stdin, self._stdout = self._process.stdin, self._process.stdout
        self._sent = 0
        self._pending = bytearray()
        self._watchdog = threading.Timer(TIMEOUT_SECONDS, self._process.kill)
        self._watchdog.start()

    def stop(self) -> None:
        """End Pagefind now (a failure, or the build stopped)."""
        self._process.kill()
        self.close()

    def close(self) -> None:
        """Let Pagefind finish (it exits at the end of its input) and wait for it."""
        try:
            self._stdin.close()  # Pagefind exits at the end of its input
        except BrokenPipeError:
            pass
        self._process.wait()
        self._stdout.close()
        self._watchdog.cancel()
        self._errors.close()

    def request(self, payload: dict) -> dict:
        self.send(payload)
        return self.receive()

    def send_all(self, payloads: Iterable[dict]) -> None:
        """Send every payload, reading each reply only when `_IN_FLIGHT` later ones are sent: Pagefind
        works on a record while the next one is made, and its unread replies never fill the pipe."""
        unanswered = 0
        for payload in payloads:
            self.send(payload)
            unanswered += 1
            if unanswered > _IN_FLIGHT:
                self.receive()
                unanswered -= 1
        for _ in range(unanswered):
            self.receive()

    def send(self, payload: dict) -> None:
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload}, ensure_ascii=False).encode()
        try:
            self._stdin.write(base64.b64encode(message) + b",")
            self._stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._failure("Pagefind stopped reading") from None

    def receive(self) -> dict:
        searched = 0  # the whole bundle comes as one message: never search its start again
        while (end := self._pending.find(b",", searched)) < 0:
            searched = len(self._pending)
            data = self._stdout.read1(1 << 20)
            if not data:
                raise self._failure("Pagefind stopped")
            self._pending += data
        message = bytes(self._pending[:end])
        del self._pending[: end + 1]
        payload = json.loads(base64.b64decode(message))["payload"]
        if payload.get("type") == "Error":
            raise self._failure(f"{payload.get('message')} {payload.get('original_message') or ''}".strip())
        return payload

    def _failure(self, what: str) -> SiteSearchError:
        self._errors.seek(0)
        detail = self._errors.read().decode("utf-8", "replace").strip()[-2000:]
        return SiteSearchError(f"Pagefind 生成搜索索引失败 / Pagefind failed to write the search index: {what}\n{detail}".strip())
