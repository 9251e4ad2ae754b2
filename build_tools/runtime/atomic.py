"""Write an output folder so that readers see either the old one or the new one.

`staged_folder(target)` gives a fresh folder beside `target` to write into;
only when the block ends without an error is it swapped in, with one
`renameat2(RENAME_EXCHANGE)` call on Linux (two renames elsewhere). After a
failed or interrupted build the previous folder is untouched.

Removing the folder it replaced takes a while (at 5,000 explainers 77,000
files and folders, 9 s, which a second process does no faster). With
`keep_previous`, it is moved beside the target as `.NAME-previous` instead,
and `remove_previous_outputs` removes it later: `policy build` does that at
its start, on the second core, while the first checks the content.

A folder being written is named `.NAME-building-PID-…` (`staging_prefix`): a
build that was killed, or whose machine stopped, cannot remove its own, so the
next one removes those whose process no longer runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


_BUILDING = re.compile(r"\..+-building-(\d+)-")


def staging_prefix(name: str) -> str:
    """The start of the name of a folder this process writes an output `name` into."""
    return f".{name}-building-{os.getpid()}-"


def previous_output(target: Path) -> Path:
    """Where `staged_folder(target, keep_previous=True)` leaves the output it replaced."""
    target = Path(target)
    return target.with_name(f".{target.name}-previous")


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
        if building and not _running(int(building[1])) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


@contextlib.contextmanager
def staged_folder(target: Path, keep_previous: bool = False) -> Iterator[Path]:
    """Yield an empty folder that replaces `target` when the block succeeds; the replaced
    output is removed, or with `keep_previous` moved to `previous_output(target)`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(target.name), dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, target, keep_previous)


def _swap_in(staging: Path, target: Path, keep_previous: bool) -> None:
    staging.chmod(0o755)
    if target.is_dir() and not target.is_symlink() and _exchange(staging, target):
        _keep_or_remove(staging, target, keep_previous)  # staging now holds the previous output
        return
    previous = None
    if target.exists() or target.is_symlink():
        previous = target.with_name(f".{target.name}-replaced-{os.getpid()}")
        os.replace(target, previous)
    os.replace(staging, target)
    if previous is not None:
        _keep_or_remove(previous, target, keep_previous)


def _keep_or_remove(replaced: Path, target: Path, keep: bool) -> None:
    if keep:
        kept = previous_output(target)
        _remove(kept)  # normally gone already; left when its removal was interrupted
        if not os.path.lexists(kept):
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


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths (Linux ≥ 3.15); False where that is not possible."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0


def move_files_into(source: Path, target: Path) -> None:
    """Every file under `source` moved to the same place under `target` (a bundle written beside a staged site)."""
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, destination)
