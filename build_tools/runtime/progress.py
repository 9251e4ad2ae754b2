"""Progress of a long `policy build`: live step lines on a terminal, plain lines in CI logs.

On a terminal each step shows as it starts (`… MkDocs：12,345 个页面`) and is
rewritten in place when it ends, with its elapsed time and the total. In a CI
log (not a terminal, or the CI variable set) there are no control
characters: one plain line per finished step. `quiet=True` prints nothing.

    progress = Progress.for_stream(sys.stderr)
    with progress.step("MkDocs", count=len(pages), unit="个页面"):
        write_site(...)
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator, Mapping
from typing import IO

CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TEAMCITY_VERSION")


def is_ci(environ: Mapping[str, str] | None = None) -> bool:
    """This runs in CI: one of CI_VARIABLES is set and not false (in `environ`, by default os.environ)."""
    environ = os.environ if environ is None else environ
    return any(environ.get(name, "").lower() not in ("", "0", "false") for name in CI_VARIABLES)


class Progress:
    """Reports the steps of a build to `stream`: `live` rewrites lines in place (a terminal)."""

    def __init__(self, stream: IO[str] | None = None, live: bool = False, quiet: bool = False, clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.live, self.quiet, self.clock = live, quiet, clock
        self.started = clock()

    @classmethod
    def for_stream(cls, stream: IO[str] | None = None, environ: dict[str, str] | None = None) -> Progress:
        """Live lines on an interactive terminal, plain lines in CI logs and pipes."""
        stream = stream if stream is not None else sys.stderr
        interactive = bool(getattr(stream, "isatty", lambda: False)()) and not is_ci(environ)
        return cls(stream, live=interactive)

    @classmethod
    def silent(cls) -> Progress:
        return cls(quiet=True)

    @contextlib.contextmanager
    def step(self, name: str, count: int | None = None, unit: str = "") -> Iterator[None]:
        """One step of the build: shown while it runs (on a terminal), reported when it ends."""
        label = f"{name}：{count:,} {unit}".rstrip() if count is not None else name
        began = self.clock()
        if self.live and not self.quiet:
            self._write(f"\r\x1b[2K… {label}")
        try:
            yield
        except BaseException:
            if self.live and not self.quiet:
                self._write(f"\r\x1b[2K✗ {label}\n")
            raise
        self.done(label, self.clock() - began)

    def done(self, label: str, seconds: float) -> None:
        """Report a finished step (also for work that ran in the background)."""
        if self.quiet:
            return
        total = self.clock() - self.started
        if self.live:
            self._write(f"\r\x1b[2K✓ {label}  {seconds:.1f} 秒 / s（累计 {total:.1f} 秒）\n")
        else:
            self._write(f"{label}: {seconds:.1f} s (total {total:.1f} s)\n")

    def say(self, line: str) -> None:
        """A line of its own between the steps (what the build decided, and why)."""
        if not self.quiet:
            self._write(f"{line}\n")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
