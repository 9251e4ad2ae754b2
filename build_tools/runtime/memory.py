"""Python's cyclic garbage collector kept off the many objects that stay.

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
from typing import Iterator


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
