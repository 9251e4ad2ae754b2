"""Memory: the cyclic garbage collector kept off the many objects that stay, freed memory given back.

Loading, checking and the FAQ create hundreds of thousands of objects
(documents, fields, questions, word sets) that live until the end, and
almost no cyclic garbage. Each full collection walks all of them again: at
5,000 explainers `policy check` spent a sixth of its time there. Pausing
the collector for such a step (not for good: `policy serve` runs for hours)
lets the garbage of the step be collected afterwards.

Freed memory is not always given back to the system: the C library keeps it
for later allocations. After the check of 20,000 explainers it kept 210 MB
that neither `policy build`'s other processes nor MkDocs' many small objects
used; `release_free_memory` hands it back.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; nested blocks keep it paused."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def collector_skips_existing() -> Iterator[None]:
    """The objects that exist now are left out of collections until the block ends.

    For `policy build`: the site and its documents stay until the end, so the
    collector need not walk them again in MkDocs, nor in the search child,
    where touching them would copy the memory it shares with this process.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def release_free_memory() -> None:
    """Collect the cyclic garbage (a finished MkDocs build is a web of pages, files and navigation),
    then give the memory freed so far back to the system (glibc's malloc_trim; elsewhere nothing)."""
    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


def freeze_survivors() -> None:
    """After a preview's MkDocs build: its objects stay until the next one, so the collector is told to skip them.

    A full collection of the preview's objects took a second at 5,000
    explainers and came at random saves; frozen, they are no longer
    scanned, and the search child (a fork) keeps sharing their memory
    instead of copying what the collector touched. Garbage of the last
    build is collected first, so frozen objects never pile up.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
