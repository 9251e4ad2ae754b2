"""Signals during a build: SIGTERM, SIGINT and SIGHUP unwind it like an error, so that it removes its own folders.

Without this, SIGTERM (a cancelled CI job, `kill`, a stopped container) ended
`policy build` at once and left its staging folders (`.site-building-…`) for
the next build to remove. Inside `signals_unwind()` each of these signals
raises `errors.Interrupted` in the main thread: the `with` blocks of the
build (staged folders, background tasks) run their exits as for any error,
and the command ends with 128 + the signal's number and a short message.
Once raised, further signals are ignored until the block ends: a second
Ctrl-C does not cut the clean-up short (SIGKILL still does).

A forked background process inherits the handler but does not unwind: it
ends at once by the signal, as before (`Background.cancel` stops children so),
and its parent, which owns every folder the child writes into, removes them.

`signals_deferred()` holds the signals back for the few renames that publish
the outputs, which must not stop halfway: they are delivered as it ends.
Python runs a signal's handler only in the main thread, between two of its
steps, so both work there only (elsewhere they change nothing).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

from build_tools.errors import Interrupted

SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


@contextlib.contextmanager
def signals_unwind() -> Iterator[None]:
    """Inside the block, SIGTERM, SIGINT and SIGHUP raise `Interrupted` (in the main thread; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()
    raised: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:  # a forked child: end by the signal itself, as without this handler
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if raised:  # already unwinding: let the clean-up finish
            return
        raised.append(signum)
        raise Interrupted(signum)

    previous: dict[int, Any] = {signum: signal.signal(signum, handler) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, action in previous.items():
            signal.signal(signum, action)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGTERM, SIGINT and SIGHUP wait until the block ends, then go to the handlers that were there before it.

    The block's Python code runs to its end: a handler runs only between two
    steps of the main thread, and here it only notes the signal.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        arrived.append(signum)

    previous: dict[int, Any] = {signum: signal.signal(signum, note) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, action in previous.items():
            signal.signal(signum, action)
        if arrived:
            signal.raise_signal(arrived[0])
