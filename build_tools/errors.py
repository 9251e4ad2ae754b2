"""The one family of errors a user can fix: bad content, a bad option, a missing file, a full or read-only disk.

Each carries the exit code the `policy` command ends with; the command prints
its message (which names the file and the fix) in one place, `cli.main`.
An `OSError` the user can fix (no space, a read-only or protected folder, a
quota) becomes a `FileSystemError` there too (`file_system_error`). A build
stopped by a signal is `Interrupted`, which is no `Exception` (so that no
`except Exception` stops it on its way out). Anything else that escapes is a
bug: exit 70, "internal error".
"""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path
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


class BuildRunning(PolicyError):
    """Another build writes into the same folders, and this one was asked not to wait (`policy build --no-wait`)."""

    def __init__(self, folder: Path):
        super().__init__(
            f"另一个构建正在写入 {folder}，本次构建未开始：等它结束后重试，或去掉 --no-wait 以排队等待 / "
            f"another build is writing into {folder}, so this one did not start: try again when it is done, "
            "or leave out --no-wait to wait for it"
        )


class IncompleteBuild(PolicyError):
    """A build whose output lacks what the content asks for (no explainer pages, no index): it is not swapped in."""


# What the user can do about an OSError: (Chinese, English), by errno.
_FIXES = {
    errno.ENOSPC: (
        "磁盘空间不足：请腾出空间，或写到空间足够的目录（policy build 用 --site/--index）",
        "no space left on the device: free some space, or write to another folder (policy build: --site/--index)",
    ),
    errno.EDQUOT: (
        "超出磁盘配额：请腾出空间或提高配额，或写到别的目录（policy build 用 --site/--index）",
        "disk quota exceeded: free some space or raise the quota, or write to another folder (policy build: --site/--index)",
    ),
    errno.EROFS: (
        "所在的文件系统是只读的：请写到可写的目录（policy build 用 --site/--index）",
        "it is on a read-only file system: write to a writable folder (policy build: --site/--index)",
    ),
    errno.EACCES: (
        "没有权限：请给运行 policy 的用户读写权限，或换一个目录",
        "permission denied: give the user running policy read and write access, or use another folder",
    ),
    errno.EPERM: (
        "操作不被允许：请检查权限和文件属性，或换一个目录",
        "operation not permitted: check the permissions and file attributes, or use another folder",
    ),
}


class FileSystemError(PolicyError):
    """The system refused to write or read a file (no space, read-only, permission, quota); names the path and the fix."""

    def __init__(self, error: OSError, path: Path | str | None, unchanged: bool = False):
        chinese, english = _FIXES[error.errno]  # type: ignore[index]  # file_system_error makes only these
        path = path or "?"
        kept = ("；未发布任何内容，原有输出保持不变", "; nothing was published, the previous output is unchanged") if unchanged else ("", "")
        reason = error.strerror or os.strerror(error.errno or 0)
        super().__init__(f"{path}：{chinese}{kept[0]} / {path}: {english}{kept[1]} ({reason})")
        self.errno, self.path = error.errno, path


def file_system_error(error: BaseException, where: Path | str | None = None, unchanged: bool = False) -> FileSystemError | None:
    """`error` as a FileSystemError when it is an OSError the user can fix (else None), naming `where`, else its file."""
    if not isinstance(error, OSError) or error.errno not in _FIXES:
        return None
    return FileSystemError(error, where or error.filename, unchanged)


class Interrupted(KeyboardInterrupt):
    """The build was stopped by a signal (SIGTERM, SIGINT, SIGHUP) and removed its own temporary folders."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = 128 + signum  # as a shell reports a process ended by that signal

    def message(self) -> str:
        """What the user reads: what stopped the build and what stays."""
        name = signal.Signals(self.signum).name
        return (
            f"构建被 {name} 中断，临时目录已删除；输出目录仍是上一次完整构建的结果 / "
            f"build stopped by {name}: its temporary folders were removed; the output folders hold the last complete build"
        )
