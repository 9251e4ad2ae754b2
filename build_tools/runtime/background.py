"""Other processes: a function run in a fork or a new interpreter while this one works (the 2nd core).

`policy build` writes the search indexes (Pagefind records and Whoosh, both
mostly Python, so a thread would wait on the GIL) while MkDocs renders the
pages. The child inherits the pipeline's Site by fork, so nothing large is
pickled (or, `fresh`, starts as a new interpreter with its arguments
pickled); it returns only its result. Where fork does not exist, or in a
background process, the function runs at once, in this process.

`Tasks` holds the processes of one phase (`add_task`, `join`; any still
running are stopped when its block ends, so a failed build leaves none);
`StartWhenDone` starts a process as soon as another one's result is in.
The few other process primitives the indexes need (a pool of new
interpreters, a counter and flags shared with children, a child that dies
with its parent) are here too, so that nothing else imports multiprocessing.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import pickle
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Generic, TypeVar

from build_tools.errors import Interrupted

T = TypeVar("T")


class Background:
    """`Background(f, *args)` starts f(*args); `.result()` waits and returns it or raises its error."""

    def __init__(self, function: Callable[..., Any], *args: Any, fresh: bool = False):
        """`fresh`: in a new interpreter rather than a fork. It shares no memory with this process, so it
        copies none of it, as a fork does page by page when it allocates into memory the two share
        (CPython fills the fullest blocks first: this process's). `function` and `args` must pickle."""
        self._value: tuple[bool, Any] | None = None
        self.cancelled = False
        # Without fork, or in a background process (which may not start one of its own): here, at once.
        if "fork" not in multiprocessing.get_all_start_methods() or in_background_process():
            self._value = _call(function, args)
            self.process: multiprocessing.process.BaseProcess | None = None
            return
        context = multiprocessing.get_context("spawn") if fresh else multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=_child, args=(send, function, args), daemon=True)
        self.process.start()
        send.close()

    def result(self) -> Any:
        """Wait for the function's value; raise its error."""
        if self._value is None:
            assert self.process is not None  # started in __init__, as the value did not come at once
            try:
                self._value = self._receive.recv()
            except EOFError:
                self.process.join()
                self._value = (False, _ended_without_result(self.process.exitcode, self.cancelled))
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


def _ended_without_result(exit_code: int | None, cancelled: bool) -> BaseException:
    """What a child that ended before it sent its result stands for: stopped by a signal (not ours), or a bug."""
    if not cancelled and exit_code is not None and -exit_code in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        return Interrupted(-exit_code)  # as if this process had been stopped: the build unwinds and says so
    return RuntimeError(f"background process ended without a result (exit code {exit_code})")


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
    end_with_parent()
    send.send(_call(function, args))
    send.close()


def end_with_parent() -> None:
    """Linux: this (child) process gets SIGTERM when its parent ends, however it ends (a stopped preview,
    a build whose background process was terminated); elsewhere nothing. Also a `preexec_fn` for subprocesses."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def in_background_process() -> bool:
    """This is a Background's child, which shares the cores with its parent already and may not fork."""
    return multiprocessing.current_process().daemon


class Tasks:
    """The background processes of one phase, as Sphinx's ParallelTasks: `add_task(f, *args)` starts one,
    `join()` waits for all; leaving the `with` block stops those still running (the phase failed)."""

    def __init__(self) -> None:
        self._running: list[Background | StartWhenDone] = []

    def __enter__(self) -> Tasks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    def add_task(self, function: Callable[..., Any], *args: Any, fresh: bool = False) -> Background:
        """Start `function(*args)` in another process (see Background); its `.result()` waits for it."""
        task = Background(function, *args, fresh=fresh)
        self._running.append(task)
        return task

    def add_when_done(self, first: Background, start: Callable[[Any], T], stop: Callable[[T], None]) -> StartWhenDone[T]:
        """`start(first's result)` as soon as `first` is done, from a thread (see StartWhenDone)."""
        task = StartWhenDone(first, start, stop)
        self._running.append(task)
        return task

    def join(self) -> list[Any]:
        """Every task's result, in the order they were added."""
        return [task.result() for task in self._running]

    def cancel(self) -> None:
        """Stop every task that still runs (its output is discarded)."""
        for task in reversed(self._running):
            task.cancel()


class StartWhenDone(Generic[T]):
    """What `start(result of first)` returns, started by a thread as soon as `first` is done, so that this
    process does other work meanwhile; `stop` undoes a start (the build failed or is over).

    The thread lives until `cancel()`: a process it started asked for SIGTERM when its parent ends
    (`end_with_parent`), and Linux means the parent *thread*. A thread that returned at once killed
    the search process of a 20,000-explainer build 17 minutes in, whenever the child's request came
    before the thread had exited (a race, lost once in two cold builds at 5,000)."""

    def __init__(self, first: Background, start: Callable[[Any], T], stop: Callable[[T], None]):
        self._first, self._start, self._stop = first, start, stop
        self._started: tuple[T] | None = None
        self._error: BaseException | None = None
        self.waited: float | None = None  # seconds until first was done
        self._began = time.monotonic()
        self._ready, self._closed = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._start_when_done, daemon=True)
        self._thread.start()

    def _start_when_done(self) -> None:
        try:
            value = self._first.result()
            self.waited = time.monotonic() - self._began
            self._started = (self._start(value),)
        except BaseException as error:  # raised by result(), in the calling thread
            self._error = error
        self._ready.set()
        self._closed.wait()  # the started process's parent thread: alive until the task is closed

    def result(self) -> T:
        """What `start` returned, waiting for `first` if it is not done yet; raise first's or start's error."""
        self._ready.wait()
        if self._error is not None:
            raise self._error
        assert self._started is not None
        return self._started[0]

    def cancel(self) -> None:
        """Stop `first` if it still runs, undo the start if it happened, and end the thread."""
        self._first.cancel(wait=False)  # the thread reaps it
        self._ready.wait()
        if self._started is not None:
            self._stop(self._started[0])
        self._closed.set()
        self._thread.join()


def map_in_new_processes(function: Callable[..., T], *iterables: Iterable[Any], workers: int) -> list[T]:
    """`map(function, *iterables)` over `workers` new interpreters (spawned: they share no memory with this one)."""
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(function, *iterables))


def shared_counter() -> Any:
    """An integer shared with this process's children, forked or new interpreters alike
    (`.value`, `.get_lock()`); made for spawning, as a lock made for fork cannot be handed to a new interpreter."""
    return multiprocessing.get_context("spawn").Value("i", 0)


def forked_flags(count: int) -> list[Any]:
    """`count` events a forked child and this process both see (`set`, `is_set`, `wait`)."""
    context = multiprocessing.get_context("fork")
    return [context.Event() for _ in range(count)]


def forked_number() -> Any:
    """An integer a forked child writes and this process reads (`.value`; no lock: one writer)."""
    return multiprocessing.get_context("fork").Value("i", 0, lock=False)
