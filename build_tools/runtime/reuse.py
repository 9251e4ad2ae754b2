"""One writer's part of the build record: what the last build made, and the folder the next record is written into.

A writer (the site, Pagefind's runs, the Whoosh index) asks whether the last
build left a piece under the same name (`has`), takes it as it is (`take`:
linked into the new record, and into an output if asked), or stores what it
made (`keep`). Pieces are linked, not copied: an output file is never written
again once written (each build writes into a new staged folder), so the
record, the published outputs and the next build's staged ones can share
their files. A record on another file system than the outputs is copied.
Paths alone, so a process started fresh gets it pickled.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ReuseFolder:
    """`previous`: this writer's folder in the last build's record (None: a full build); `next`: its folder in the new one."""

    previous: Path | None
    next: Path

    def has(self, name: str) -> bool:
        return self.previous is not None and (self.previous / name).exists()

    def take(self, name: str, also_into: Path | None = None) -> Path:
        """The piece `name` of the last record, linked into the new one (and to `also_into`); its path in the new record."""
        assert self.previous is not None
        kept = self.next / name
        link_tree(self.previous / name, kept)
        if also_into is not None:
            link_tree(kept, also_into)
        return kept

    def keep(self, name: str, made: Path) -> None:
        """Store the piece `name` this build made at `made` (a file or a folder) in the new record."""
        link_tree(made, self.next / name)


def link_tree(source: Path, target: Path) -> None:
    """`target` made a hard link of the file `source`, or a folder of hard links of the folder `source`'s files."""
    if source.is_dir():
        for folder, _, files in os.walk(source):
            inside = target / Path(folder).relative_to(source)
            inside.mkdir(parents=True, exist_ok=True)
            for name in files:
                _link(Path(folder) / name, inside / name)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    _link(source, target)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except FileExistsError:
        target.unlink()
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, target)
