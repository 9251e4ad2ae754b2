"""Run a function in a forked child process while this one does other work: the 2nd core.

`policy build` writes the search indexes (Pagefind records and Whoosh, both
mostly Python, so a thread would wait on the GIL) while MkDocs renders the
pages. The child inherits the pipeline's Site by fork, so nothing large is
pickled (or, `fresh`, starts as a new interpreter with its arguments
pickled); it returns only its result. Where fork does not exist, or in a
background process, the function runs at once, in this process.
"""

from __future__ import annotations

import multiprocessing
import pickle
import traceback
from typing import Any, Callable


class Background:
    """`Background(f, *args)` starts f(*args); `.result()` waits and returns it or raises its error."""

    def __init__(self, function: Callable[..., Any], *args: Any, fresh: bool = False):
        """`fresh`: in a new interpreter rather than a fork. It shares no memory with this process, so it
        copies none of it, as a fork does page by page when it allocates into memory the two share
        (CPython fills the fullest blocks first: this process's). `function` and `args` must pickle."""
        self._value: tuple[bool, Any] | None = None
        self.cancelled = False
        # Without fork, or in a background process (which may not start one of its own): here, at once.
        if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
            self._value = _call(function, args)
            self.process = None
            return
        context = multiprocessing.get_context("spawn" if fresh else "fork")
        self._receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_child, args=(send, function, args), daemon=True)
        self.process.start()
        send.close()

    def result(self) -> Any:
        if self._value is None:
            try:
                self._value = self._receive.recv()
            except EOFError:
                self._value = (False, RuntimeError(f"background process ended without a result (exit code {self.process.exitcode})"))
            finally:
                self.process.join()
                self._receive.close()
        ok, value = self._value
        if not ok:
            raise value
        return value

    def cancel(self, wait: bool = True) -> None:
        """Stop the child if it still runs (the parent failed; its output is discarded).

        `wait` False: only signal it (it ends before it writes again); result() reaps it.
        """
        self.cancelled = True
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            if wait:
                self.process.join()


def _call(function: Callable[..., Any], args: tuple) -> tuple[bool, Any]:
    try:
        return True, function(*args)
    except BaseException as error:  # handed to the parent, which raises it (an interrupt too)
        try:
            pickle.dumps(error)
            return False, error
        except Exception:
            return False, RuntimeError(f"{type(error).__name__}: {error}\n{traceback.format_exc()}")


def _child(send, function: Callable[..., Any], args: tuple) -> None:
    _end_with_parent()
    send.send(_call(function, args))
    send.close()


def _end_with_parent() -> None:
    """Linux: the child gets SIGTERM when its parent ends, however it ends (a stopped preview)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
