"""The one family of errors a user can fix: bad content, a bad option, a missing file.

Each carries the exit code the `policy` command ends with; the command prints
its message (which names the file and the fix) in one place, `cli.main`.
Anything else that escapes is a bug: exit 70, "internal error".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from build_tools.models import Issue


class PolicyError(Exception):
    """An error the user can fix; `str()` says what went wrong and how to fix it."""

    exit_code = 1


class UsageError(PolicyError):
    """The command was called wrongly (an option, an argument, a git ref)."""

    exit_code = 2


class ContentError(PolicyError):
    """The content has errors; `issues` lists all of them (warnings too), each with its file, line and fix."""

    def __init__(self, issues: list[Issue]):
        super().__init__(f"{sum(i.is_error for i in issues)} error(s) in content")
        self.issues = issues
