"""The build record: what the last `policy build` made, kept in `--cache DIR` so the next one re-does only what changed.

`DIR/record/` is a third output of the build: staged and swapped in with the
site and the search index as one unit (runtime/atomic.py), so a failed build
leaves the last record as it was, and a record always matches the outputs it
was made with. It holds, per writer (runtime/reuse.py `ReuseFolder`):

  record.json  what every piece below depends on: the package's code, every installed
               distribution's version (MkDocs, Material, Pagefind, Whoosh, jieba…), the
               site's settings and the project's theme folder (`record_key`)
  pages/       each page's fingerprint and HTML (site/keptpages.py)
  faq/         the FAQ's entries and a hash of what they were assembled from (faq/kept.py)
  pagefind/    each Pagefind run's bundle, named by a hash of its records, and the joined bundle,
               named by a hash of its runs' names (indexes/pagefind/service.py)
  whoosh/      each run's index segment, named by a hash of its documents (indexes/whoosh/writing.py)

Everything a page or a run depends on besides those shared inputs is in its
name or fingerprint, so a piece found under the same name is what this build
would make again, byte for byte. A record whose key differs is not used: the
build says which input changed, in one line, and builds everything (as
`--full` does, saying nothing); a missing record means the same, silently.
The record's files are links to the outputs' (reuse.py): it costs little
room. JSON and plain files only: nothing in it is run.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from build_tools.runtime.reuse import ReuseFolder

RECORD = "record"  # the record's folder inside --cache
KEY_FILE = "record.json"
PACKAGE = Path(__file__).resolve().parents[1]  # build_tools/
_KEY_VERSION = 1
_WHAT = {
    "code": ("本程序的另一版本", "another version of this program"),
    "settings": ("另一份网站设置（mkdocs.yml）", "other site settings (mkdocs.yml)"),
    "theme": ("另一套主题文件", "another theme folder"),
}


def record_key(settings: dict[str, str]) -> dict[str, str]:
    """What the record's pieces depend on: the package's code and the installed versions, and `settings`
    (site/builder.py `settings_fingerprint`: the settings and the theme)."""
    code = hashlib.sha256(f"record {_KEY_VERSION}\n{sys.version}\n".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            code.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    for name, version in sorted({(d.metadata["Name"] or "").lower(): d.version for d in metadata.distributions()}.items()):
        code.update(f"{name}=={version}\n".encode())
    return {"code": code.hexdigest(), **settings}


@dataclass(frozen=True)
class BuildRecord:
    """The last build's record in `cache_dir` (`usable`: its key is this build's) and where the new one is staged."""

    cache_dir: Path
    usable: bool
    staged: Path | None = None  # the new record's folder, once the build has staged it

    @property
    def folder(self) -> Path:
        """The published record's folder: an output of the build, like the site."""
        return self.cache_dir / RECORD

    def part(self, name: str) -> ReuseFolder:
        """One writer's part of the record: the last build's (if usable) and the new one's."""
        assert self.staged is not None
        return ReuseFolder(self.folder / name if self.usable else None, self.staged / name)

    def staged_in(self, folder: Path) -> BuildRecord:
        return BuildRecord(self.cache_dir, self.usable, folder)

    def finish(self, key: dict[str, str]) -> None:
        """Write the new record's key: the last file, once every piece is in."""
        assert self.staged is not None
        (self.staged / KEY_FILE).write_text(json.dumps(key, sort_keys=True, indent=1) + "\n", encoding="utf-8")


def open_record(cache_dir: Path, key: dict[str, str], full: bool) -> tuple[BuildRecord, str | None]:
    """The record in `cache_dir` and whether this build may use it; a line to show when it is ignored for a changed input."""
    folder = cache_dir / RECORD
    if full:
        return BuildRecord(cache_dir, False), None
    try:
        recorded = json.loads((folder / KEY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BuildRecord(cache_dir, False), None  # none yet, or cut short: build everything, as the first build does
    changed = [what for what in _WHAT if not isinstance(recorded, dict) or recorded.get(what) != key.get(what)]
    if not changed:
        return BuildRecord(cache_dir, True), None
    chinese = "、".join(_WHAT[what][0] for what in changed)
    english = ", ".join(_WHAT[what][1] for what in changed)
    return BuildRecord(cache_dir, False), (
        f"构建记录 {folder} 来自{chinese}，不使用，全部重新生成 / the build record {folder} was made with {english}: not used, building everything"
    )
