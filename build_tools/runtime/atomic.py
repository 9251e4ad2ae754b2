"""Write output folders so that readers see either the old ones or the new ones.

`staged_folder(target)` gives a fresh folder beside `target` to write into;
only when the block ends without an error is it swapped in, with one
`renameat2(RENAME_EXCHANGE)` call on Linux (two renames elsewhere). After a
failed or interrupted build the previous folder is untouched.

`staged_folders(site, index)` does the same for several outputs published as
one unit (`publish`): all are written first, then swapped in one right after
the other, with signals held back (`signals_deferred`), under the build's
lock (lock.py); if a swap fails, those done are swapped back. Between two
swaps there is no work, only the next system call. A journal beside the
first output names the swaps while they run, so that when the machine stops
or the process is killed (`kill -9`) between two of them, the next build
swaps the done ones back before anything else (`recover_publish`).

Why not one switch of a symlink for both outputs (`site -> .out/<stamp>/site`)?
`site/` and `search_index/` must stay plain folders: deploy jobs copy, move
and archive them (`cp -r site`, GitLab's `mv site public` and its artifacts
keep a symlink as a symlink, which then points nowhere), and a folder given
with `--site` on another disk than `--index` could not share one link.

Removing the folder it replaced takes a while (at 5,000 explainers 77,000
files and folders, 9 s, which a second process does no faster). With
`keep_previous`, it is moved beside the target as `.NAME-previous` instead,
and `remove_previous_outputs` removes it later: `policy build` does that at
its start, on the second core, while the first checks the content.

A folder being written is named `.NAME-building-PID-…` (`staging_prefix`), one
set aside by two renames `.NAME-replaced-PID`: a build that was killed, or
whose machine stopped, cannot remove its own, so the next one removes those
whose process no longer runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import functools
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from build_tools.runtime.interrupts import signals_deferred

_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_UNSUPPORTED = -1  # renameat2 missing, or the file system does not do this flag

_BUILDING = re.compile(r"\..+-(?:building-(\d+)-|replaced-(\d+)$)")  # being written; set aside by a swap


def staging_prefix(name: str) -> str:
    """The start of the name of a folder this process writes an output `name` into."""
    return f".{name}-building-{os.getpid()}-"


def previous_output(target: Path) -> Path:
    """Where `staged_folder(target, keep_previous=True)` leaves the output it replaced."""
    target = Path(target)
    return target.with_name(f".{target.name}-previous")


def journal_of(target: Path) -> Path:
    """The journal of a publish whose first output is `target`, while it swaps (see `recover_publish`)."""
    target = Path(target)
    return target.with_name(f".{target.name}-publishing")


def remove_previous_outputs(*targets: Path) -> None:
    """Remove the outputs that staged folders of `targets` replaced and kept, and the folders
    beside them that builds no longer running were writing."""
    for target in targets:
        _remove(previous_output(target))
    for folder in dict.fromkeys(Path(target).parent for target in targets):
        _remove_abandoned(folder)


def _remove_abandoned(folder: Path) -> None:
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        building = _BUILDING.match(path.name)
        if building and not _running(int(building[1] or building[2])) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _new_staging(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=staging_prefix(target.name), dir=target.parent))


@contextlib.contextmanager
def staged_folder(target: Path, keep_previous: bool = False) -> Iterator[Path]:
    """Yield an empty folder that replaces `target` when the block succeeds; the replaced
    output is removed, or with `keep_previous` moved to `previous_output(target)`."""
    with staged_folders(target, keep_previous=keep_previous) as (staging,):
        yield staging


@contextlib.contextmanager
def staged_folders(*targets: Path, keep_previous: bool = False) -> Iterator[list[Path]]:
    """Yield an empty folder for each of `targets` (absolute paths); when the block succeeds they replace
    the targets as one unit (`publish`); when it fails, or the publish does, they are removed."""
    targets = tuple(Path(target).absolute() for target in targets)
    stagings: list[Path] = []
    try:
        for target in targets:
            stagings.append(_new_staging(target))
        yield stagings
        publish(list(zip(stagings, targets)), keep_previous)
    except BaseException:
        for staging in stagings:
            shutil.rmtree(staging, ignore_errors=True)
        raise


def publish(pairs: list[tuple[Path, Path]], keep_previous: bool = False) -> None:
    """Each (staging, target) folder swapped in, one right after the other; the replaced outputs then moved
    to `previous_output` (`keep_previous`) or removed. If a swap fails, those done are swapped back, the
    targets are as they were, and the error is raised; the staging folders then hold the new outputs."""
    swapped: list[tuple[Path, Path, Path | None]] = []
    journal = journal_of(pairs[0][1]) if len(pairs) > 1 else None
    with signals_deferred():  # a SIGTERM now is delivered when every target is in place
        if journal is not None:
            _write_journal(journal, pairs)
        try:
            for staging, target in pairs:
                swapped.append((staging, target, _swap_in(staging, target)))
        except BaseException:
            for staging, target, replaced in reversed(swapped):
                _swap_back(staging, target, replaced)  # should this fail, the journal stays for the next build
            if journal is not None:
                _remove(journal)
            raise
        if journal is not None:
            _remove(journal)
    for _, target, replaced in swapped:
        if replaced is not None:
            _keep_or_remove(replaced, target, keep_previous)


def _swap_in(staging: Path, target: Path) -> Path | None:
    """`staging` made `target`; where the output it replaced now is (None: there was none)."""
    staging.chmod(0o755)
    if os.path.isdir(target) and not os.path.islink(target):
        result = _renameat2(staging, target, _RENAME_EXCHANGE)
        if result == 0:
            return staging  # which now holds the previous output
    elif not os.path.lexists(target):
        result = _renameat2(staging, target, _RENAME_NOREPLACE)
        if result == 0:
            return None
    else:
        result = _UNSUPPORTED  # a file or a symlink: set aside, as below
    if result != _UNSUPPORTED:
        raise OSError(result, os.strerror(result), str(target))
    replaced = None
    if os.path.lexists(target):
        replaced = target.with_name(f".{target.name}-replaced-{os.getpid()}")
        os.replace(target, replaced)
    try:
        os.replace(staging, target)
    except BaseException:
        if replaced is not None:
            os.replace(replaced, target)
        raise
    return replaced


def _swap_back(staging: Path, target: Path, replaced: Path | None) -> None:
    """Undo `_swap_in`: the new output back at `staging`, the previous one (if any) at `target`."""
    if replaced == staging:
        result = _renameat2(staging, target, _RENAME_EXCHANGE)  # it worked one way: it works back
        if result != 0:
            raise OSError(result, os.strerror(result) if result > 0 else "cannot swap back", str(target))
        return
    os.replace(target, staging)
    if replaced is not None:
        os.replace(replaced, target)


def _write_journal(journal: Path, pairs: list[tuple[Path, Path]]) -> None:
    entries = []
    for staging, target in pairs:
        before = os.lstat(target) if os.path.lexists(target) else None
        new = os.lstat(staging)
        entries.append(
            {
                "target": str(target),
                "staging": str(staging),
                "new": [new.st_dev, new.st_ino],
                "old": [before.st_dev, before.st_ino] if before else None,
                "replaced": str(target.with_name(f".{target.name}-replaced-{os.getpid()}")),
            }
        )
    write_file_at_once(journal, json.dumps(entries).encode())


def recover_publish(first_target: Path) -> bool:
    """Swap back what a publish whose process ended between two swaps had swapped in (see the module's
    docstring); call it under the lock, before the staging folders of dead builds are removed.
    True when there was such a publish."""
    journal = journal_of(Path(first_target).absolute())
    try:
        entries = json.loads(journal.read_bytes())
    except FileNotFoundError:
        return False
    except ValueError:  # written at once: only a foreign file can be half
        entries = []
    for entry in reversed(entries):
        target, staging, replaced = Path(entry["target"]), Path(entry["staging"]), Path(entry["replaced"])
        if _identity(target) != tuple(entry["new"]):
            continue  # not swapped in
        old = tuple(entry["old"]) if entry["old"] else None
        if old is not None and _identity(staging) == old:
            if _renameat2(staging, target, _RENAME_EXCHANGE) != 0:
                os.replace(target, replaced)  # the new output aside, where dead builds' leftovers are removed
                os.replace(staging, target)
            continue
        if old is not None and _identity(replaced) == old:
            os.replace(target, staging)
            os.replace(replaced, target)
            continue
        if old is None:
            os.replace(target, staging)
    _remove(journal)
    return True


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def _keep_or_remove(replaced: Path, target: Path, keep: bool) -> None:
    if keep:
        kept = previous_output(target)
        _remove(kept)  # normally gone already; left when its removal was interrupted
        with contextlib.suppress(OSError):
            os.replace(replaced, kept)
            return
    _remove(replaced)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def write_file_at_once(path: Path, data: bytes) -> None:
    """Write `path` so that readers (and a second run at the same time) see the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _renameat2(first: Path, second: Path, flags: int) -> int:
    """renameat2(first, second, flags) (Linux ≥ 3.15): 0, the errno of its failure, or _UNSUPPORTED."""
    renameat2 = _renameat2_function()
    if renameat2 is None:
        return _UNSUPPORTED
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), flags) == 0:
        return 0
    failure = ctypes.get_errno()
    return _UNSUPPORTED if failure in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP) else failure


@functools.cache
def _renameat2_function():
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return None
    return getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None)


def move_files_into(source: Path, target: Path) -> None:
    """Every file under `source` moved to the same place under `target` (a bundle written beside a staged site)."""
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)
