"""interrupts.py (and background.py): SIGTERM, SIGINT and SIGHUP unwind a build; they wait while the outputs are published."""

from __future__ import annotations

import os
import signal

import pytest

from build_tools.errors import Interrupted
from build_tools.runtime.background import Background
from build_tools.runtime.interrupts import SIGNALS, signals_deferred, signals_unwind


@pytest.fixture
def noted():
    """Signals that reach the handlers from before the block (the test's own): a broken block fails the test
    instead of ending the test run."""
    arrived = []
    previous = {signum: signal.signal(signum, lambda signum, frame: arrived.append(signum)) for signum in SIGNALS}
    yield arrived
    for signum, action in previous.items():
        signal.signal(signum, action)


def kill_self(signum):
    os.kill(os.getpid(), signum)
    signal.sigtimedwait([], 0)  # a system call: the handler has run by the time it returns


@pytest.mark.parametrize("signum", SIGNALS)
def test_a_signal_unwinds_the_block_like_an_error(noted, signum):
    cleaned = []
    before = signal.getsignal(signum)
    with pytest.raises(Interrupted) as raised:
        with signals_unwind():
            try:
                kill_self(signum)
            finally:
                cleaned.append(True)  # what a staged folder's `with` does on its way out
    assert cleaned == [True] and noted == []
    assert raised.value.exit_code == 128 + signum
    assert signal.Signals(signum).name in raised.value.message()
    assert signal.getsignal(signum) == before  # the handler from before is back


def test_a_second_signal_does_not_cut_the_clean_up_short(noted):
    steps = []
    with pytest.raises(Interrupted):
        with signals_unwind():
            try:
                kill_self(signal.SIGTERM)
            finally:
                kill_self(signal.SIGINT)  # a second Ctrl-C while the folders are removed
                steps.append("cleaned")
    assert steps == ["cleaned"]


def test_signals_wait_until_the_publish_is_done(noted):
    steps = []
    with pytest.raises(Interrupted) as raised:
        with signals_unwind():
            with signals_deferred():
                kill_self(signal.SIGTERM)
                steps.append("first swap")
                steps.append("second swap")
            steps.append("not reached")
    assert steps == ["first swap", "second swap"]
    assert raised.value.signum == signal.SIGTERM


def test_a_signal_held_back_goes_to_the_handler_from_before(noted):
    with signals_deferred():
        kill_self(signal.SIGHUP)
        assert noted == []
    assert noted == [signal.SIGHUP]


def _stopped_by(signum):
    os.kill(os.getpid(), signum)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_background_process_stopped_by_a_signal_stops_the_build_too(signum):
    # Someone ends the build's second process (kill PID, or the whole group): the build unwinds as if it had been
    # stopped itself, rather than ending as a bug ("background process ended without a result").
    with signals_unwind():  # as in a build: the fork inherits the handler and ends by the signal
        task = Background(_stopped_by, signum)
        with pytest.raises(Interrupted) as raised:
            task.result()
    assert raised.value.signum == signum


def test_a_background_process_the_build_stops_itself_is_no_interruption():
    task = Background(signal.pause)
    task.cancel()
    with pytest.raises(RuntimeError, match="ended without a result"):
        task.result()


def _wait_for(started, go):
    """In a new interpreter: say it runs (after it asked to end with its parent), then wait for the go."""
    started.set()
    go.wait()
    return "done"


def test_a_process_started_when_another_is_done_outlives_the_thread_that_started_it():
    # A child asks for SIGTERM when its parent ends, and Linux means the parent *thread*: the search
    # process of a large build was killed when the thread that started it returned.
    import multiprocessing

    from build_tools.runtime.background import Tasks

    context = multiprocessing.get_context("spawn")
    started, go = context.Event(), context.Event()

    def start(_):
        child = Background(_wait_for, started, go, fresh=True)
        started.wait()  # the child's request is in before the starting thread could end
        return child

    with Tasks() as tasks:
        first = tasks.add_task(int, "1")
        child = tasks.add_when_done(first, start, lambda child: child.cancel()).result()
        go.set()
        assert child.result() == "done"
