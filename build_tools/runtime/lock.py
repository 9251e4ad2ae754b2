"""One build at a time into the same folders: an exclusive lock on each folder that holds an output.

Two builds into the same folders (a scheduled one and a manual one) used to
run side by side and publish whichever swap came last: the pages of one
build with the search index of the other, or a crash halfway. `outputs_locked`
takes `flock(LOCK_EX)` on the folder that holds the outputs (the project
folder, usually; both folders when the site and the index are in two) for as
long as the build runs, checks and publishing included.

The lock is taken on the folder itself, not on a lock file: nothing is left
beside the outputs, a read-only folder can still be locked (the build then
fails on its first write, with the path), and the kernel ends the lock with
the last process holding it, however it ends (`kill -9` too), so a stale lock
cannot exist. A forked background process of the build shares it. Folders
are locked in one order (by real path), so two builds never wait for each other.
Where a folder cannot be locked (NFS locks only files opened for writing),
a file `.policy-build.lock` in it is locked instead.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK_FILE = ".policy-build.lock"  # only where a folder cannot be locked (NFS)


def lock_folders(*targets: Path) -> list[Path]:
    """The folders `outputs_locked(*targets)` locks: the real folder of each output, once each, in order."""
    return sorted({Path(os.path.realpath(Path(target).absolute().parent)) for target in targets})


@contextlib.contextmanager
def outputs_locked(*targets: Path, busy: Callable[[Path], None]) -> Iterator[None]:
    """Hold the lock of the folders of `targets` for the block, creating those folders if need be.

    When another process holds one, `busy(folder)` is called once: it may
    raise (do not wait), or return, and the block waits for the lock.
    """
    with contextlib.ExitStack() as held:
        for folder in lock_folders(*targets):
            folder.mkdir(parents=True, exist_ok=True)
            descriptor = _lockable(folder)
            held.callback(os.close, descriptor)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                busy(folder)
                fcntl.flock(descriptor, fcntl.LOCK_EX)  # a signal that stops the build ends the wait too
        yield


def _lockable(folder: Path) -> int:
    """An open descriptor of `folder` that flock accepts; on a file system that locks only files opened
    for writing (NFS emulates flock so), of the file LOCK_FILE in it instead."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)  # only to learn whether it can be locked
    except BlockingIOError:
        return descriptor  # it can: another build holds it now
    except OSError as error:
        os.close(descriptor)
        if error.errno not in (errno.EBADF, errno.ENOLCK, errno.EINVAL, errno.EOPNOTSUPP):
            raise
        return os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    fcntl.flock(descriptor, fcntl.LOCK_UN)
    return descriptor
