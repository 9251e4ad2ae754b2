"""The build stamp: one hash of what a build read, written into every output it publishes (`.policy-build`).

The site and the search index of one build carry the same stamp, so that
anyone (a test, a deploy job, `policy api`) can tell whether the two folders
come from the same build: `read_stamp(site) == read_stamp(index)`. The stamp
is deterministic, like the pages: a SHA-256 of every file under the content
folder (its path and bytes; hidden files left out), of the project's MkDocs
settings file, of the build date and of the package's version. The same
content on the same `--today` gives the same stamp, and no time, process
number or host ever goes into it. (Files the settings name, such as images in
the static folder, are not in it: they change pages, not which content a
page shows.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from importlib import metadata
from pathlib import Path

STAMP_FILE = ".policy-build"


def build_stamp(content_dir: Path, config_file: Path | None, today: dt.date) -> str:
    """The stamp of a build of `content_dir` with the settings `config_file` (None: none) on `today`."""
    digest = hashlib.sha256()
    digest.update(f"policy-build 1\n{_version()}\n{today.isoformat()}\n".encode())
    if config_file is not None:
        digest.update(b"config\0" + Path(config_file).read_bytes())
    for path in _content_files(Path(content_dir)):
        digest.update(b"file\0" + path.relative_to(content_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _content_files(root: Path) -> list[Path]:
    found = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        found += [Path(folder) / name for name in sorted(files) if not name.startswith(".") and os.path.isfile(os.path.join(folder, name))]
    return found


def _version() -> str:
    try:
        return metadata.version("build-tools")
    except metadata.PackageNotFoundError:
        return "unknown"


def write_stamp(folder: Path, stamp: str) -> None:
    """Mark `folder` (a staged output) as written by the build `stamp`."""
    (Path(folder) / STAMP_FILE).write_text(stamp + "\n", encoding="ascii")


def read_stamp(folder: Path) -> str | None:
    """The stamp of the build that wrote `folder`; None when it has none (written before stamps, or not by a build)."""
    try:
        return (Path(folder) / STAMP_FILE).read_text(encoding="ascii").strip() or None
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return None
