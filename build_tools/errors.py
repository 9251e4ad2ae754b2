"""The one family of errors a user can fix: bad content, a bad option, a missing file.

Each carries the exit code the `policy` command ends with; the command prints
its message (which names the file and the fix) in one place, `cli.main`.
Anything else that escapes is a bug: exit 70, "internal error".
"""

from __future__ import annotations


class PolicyError(Exception):
    """An error the user can fix; `str()` says what went wrong and how to fix it."""

    exit_code = 1


class UsageError(PolicyError):
    """The command was called wrongly (an option, an argument, a git ref)."""

    exit_code = 2
