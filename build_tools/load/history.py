"""When each content file last changed: from git when the content is in a git work tree, else the file.

One `git log` call answers for every file at once (a site may have 20,000
explainers): the log is read newest first and each file keeps the date of
the latest commit that touched it. Files git does not know (new, not yet
committed), or content outside any work tree, use the file's modification
time (UTC). Nothing here reads the files themselves: load.py does that.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

# A marker no file name contains: it starts each commit's line in the log.
_COMMIT = "\x1fcommit "


def last_changed(root: Path, paths: list[Path]) -> dict[Path, dt.date]:
    """Path → the date it was last changed: its last commit's date, or its modification time."""
    committed = _git_dates(root)
    base = root.resolve()
    changed: dict[Path, dt.date] = {}
    for path in paths:
        relative = _relative(path, root, base)
        changed[path] = (committed.get(relative) if relative else None) or _modified(path)
    return changed


def _relative(path: Path, root: Path, base: Path) -> str | None:
    """The path as git names it from `root` (a symbolic link by its own name), or None when it is not under `root`
    (the loader refuses links out of the content folder; the file's time is the answer then)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return None


def _git_dates(root: Path) -> dict[str, dt.date]:
    """Path relative to `root` → committer date of the last commit that changed it; {} outside git."""
    command = ["git", "-c", "core.quotePath=false", "log", f"--format={_COMMIT}%cs", "--name-only", "--relative", "--no-renames", "--", "."]
    try:
        result = subprocess.run(command, cwd=root, capture_output=True, text=True, encoding="utf-8", check=False)
    except OSError:  # no git on this machine
        return {}
    if result.returncode != 0:  # not a git work tree, or a repository with no commit yet
        return {}
    dates: dict[str, dt.date] = {}
    date = None
    for line in result.stdout.splitlines():
        if line.startswith(_COMMIT):
            date = dt.date.fromisoformat(line.removeprefix(_COMMIT))
        elif line and date is not None and (line not in dates or dates[line] < date):
            dates[line] = date
    return dates


def _modified(path: Path) -> dt.date:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
