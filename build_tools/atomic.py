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
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def previous_output(target: Path) -> Path:
    """Where `staged_folder(target, keep_previous=True)` leaves the output it replaced."""
    target = Path(target)
    return target.with_name(f".{target.name}-previous")


def remove_previous_outputs(*targets: Path) -> None:
    """Remove the outputs that staged folders of `targets` replaced and kept."""
    for target in targets:
        _remove(previous_output(target))


@contextlib.contextmanager
def staged_folder(target: Path, keep_previous: bool = False) -> Iterator[Path]:
    """Yield an empty folder that replaces `target` when the block succeeds; the replaced
    output is removed, or with `keep_previous` moved to `previous_output(target)`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
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
