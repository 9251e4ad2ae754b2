"""Check that a refactoring changed no output: build the site and the search index from a git ref
and from the work tree, with the same content and the same date, and compare them byte for byte.

    .venv/bin/python bench/same_output.py --ref baae9ab
    .venv/bin/python bench/same_output.py --ref HEAD --content content --today 2026-11-23 --keep /tmp/same

For each content folder (default: content/ and, when it exists, ../shared/corpus/content) it runs
`policy build` twice, each in its own interpreter: first the ref, checked out with `git worktree add`
in a scratch folder, then the work tree. Each build runs in its own tree (cwd and PYTHONPATH) with
that tree's mkdocs.yml, an empty XDG_CACHE_HOME, and the same output folder (moved aside after the
build), so that only the code differs. Each build also loads only its own tree's code: see
write_isolation (the installed package's entry points and editable finder name the work tree).

A content folder with explainers published twice (the same title and 文号, as the real corpus has) is
built from a copy with the fix `policy check` proposes (bench/corpus_fix.py: the later supersedes the
earlier), made in the scratch folder by the work tree's code in its own interpreter.

Files are compared byte for byte, after one normalization: Whoosh's random segment IDs, which differ
between two builds of the same code, are replaced by their order in the index's TOC (see Output).

Prints, per content folder, a table of the files of the site and of the index (identical, differing,
only in one build), each build's time, and up to 20 differing paths with their first difference.
Exit status: 0 when every file is identical, 1 otherwise (a difference, or a build that failed).
Scratch folders and the worktree are removed unless --keep DIR names where to keep them.

It does not import bench/common.py: that imports build_tools, and this script must load neither
version of it itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = REPO / ".venv" / "bin" / "python"
CORPUS = REPO.parent / "shared" / "corpus" / "content"
OUTPUTS = ("site", "index")
SHOWN = 20  # differing paths listed per content folder
DIFF_LINES = 5  # lines of the first hunk shown per differing text file
WIDTH = 160  # characters shown of a long line, from a little before its first difference
SEGMENT_ID = re.compile(r"_([0-9a-z]{16})\.")  # Whoosh: MAIN_<random ID>.trm
IMPORT_ERROR = re.compile(r"\b(ImportError|ModuleNotFoundError)\b")
SITECUSTOMIZE = """\
# Written by bench/same_output.py: this interpreter builds one tree, so the editable install's
# finder (which maps build_tools to the work tree) is taken out.
import sys

def _editable(item):
    return getattr(item, "__module__", "").startswith("__editable__")

sys.meta_path[:] = [finder for finder in sys.meta_path if not _editable(finder)]
sys.path_hooks[:] = [hook for hook in sys.path_hooks if not _editable(hook)]
sys.path[:] = [entry for entry in sys.path if not entry.startswith("__editable__")]
"""
RETRIES, RETRY_WAIT = 3, 60  # the work tree is edited meanwhile: a build may meet a half-saved module


class Failed(Exception):
    """A git command failed, or `policy build` did (after the retries)."""


@dataclass(frozen=True)
class Tree:
    """A source tree to build: the ref's worktree or the work tree."""

    label: str
    path: Path


@dataclass(frozen=True)
class Comparison:
    """Two builds' files of one output (site or index), compared by SHA-256."""

    files_ref: int
    files_tree: int
    identical: int
    differing: list[str]
    only_ref: list[str]
    only_tree: list[str]


# --- building ---------------------------------------------------------------------------


def git(*arguments: str) -> str:
    """Run git in the repository and return its output."""
    result = subprocess.run(["git", "-C", str(REPO), *arguments], capture_output=True, text=True)
    if result.returncode:
        raise Failed(f"git {' '.join(arguments)}: {result.stderr.strip()}")
    return result.stdout.strip()


def add_worktree(ref: str, folder: Path) -> Tree:
    """Check out `ref` (detached) into `folder`."""
    commit = git("rev-parse", "--verify", "--short", f"{ref}^{{commit}}")
    git("worktree", "add", "--detach", str(folder), commit)
    return Tree(f"ref {commit}", folder)


def project_table(tree: Path) -> dict:
    """The [project] table of the tree's pyproject.toml."""
    return tomllib.loads((tree / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def entry_points(project: dict) -> dict[str, dict[str, str]]:
    """A project's entry points by group, console scripts included."""
    return {"console_scripts": project.get("scripts", {}), **project.get("entry-points", {})}


def write_isolation(tree: Path, folder: Path) -> Path:
    """A folder to put first on PYTHONPATH so that a build loads only the tree's own code.

    It holds a dist-info made from the tree's pyproject.toml (MkDocs loads the `policy` plugin named
    by the installed package's entry points) and a sitecustomize.py that removes the editable
    install's finder, which would serve any module missing from the tree from the work tree; it
    runs in the interpreters the build spawns as well."""
    project = project_table(tree)
    dist_info = folder / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    dist_info.mkdir(parents=True)
    dist_info.joinpath("METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n")
    groups = [f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in points.items())
              for group, points in entry_points(project).items()]
    dist_info.joinpath("entry_points.txt").write_text("\n".join(groups))
    folder.joinpath("sitecustomize.py").write_text(SITECUSTOMIZE)
    return folder


def build_command(tree: Path, content: Path, out: Path, today: str) -> list[str]:
    """`policy build` of the tree, called through the entry point its pyproject.toml names.

    `-P`: the cwd (the tree, which may hold a stale .egg-info) does not come before PYTHONPATH."""
    module, function = entry_points(project_table(tree))["console_scripts"]["policy"].split(":")
    return [str(PYTHON), "-P", "-c", f"from {module} import {function}; {function}()", "build",
            "--content", str(content), "--site", str(out / "site"), "--index", str(out / "index"),
            "--config", str(tree / "mkdocs.yml"), "--today", today]


def run_build(tree: Tree, content: Path, folder: Path, out: Path, today: str) -> float:
    """Build into `out`, then move site and index into `folder`; the seconds of the build.

    Retried after a minute when the build meets an import error (up to RETRIES times)."""
    for attempt in range(RETRIES + 1):
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        folder.mkdir(parents=True)
        isolation = write_isolation(tree.path, folder / "isolation")
        env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache"), "PYTHONPATH": f"{isolation}:{tree.path}"}
        log = folder / "build.log"
        start = time.perf_counter()
        with log.open("w") as output:
            code = subprocess.run(build_command(tree.path, content, out, today), cwd=tree.path, env=env,
                                  stdout=output, stderr=subprocess.STDOUT).returncode
        seconds = time.perf_counter() - start
        text = log.read_text(encoding="utf-8", errors="replace")
        if code == 0:
            for name in OUTPUTS:
                (out / name).rename(folder / name)
            return seconds
        if attempt < RETRIES and IMPORT_ERROR.search(text):
            print(f"  {tree.label}: import error, retrying in {RETRY_WAIT} s ({attempt + 1}/{RETRIES})", flush=True)
            time.sleep(RETRY_WAIT)
            continue
        tail = "\n".join("    " + line for line in text.splitlines()[-20:])
        raise Failed(f"{tree.label}: policy build exited with {code}; the end of {log}:\n{tail}")
    raise AssertionError("unreachable")


# --- comparing --------------------------------------------------------------------------


@dataclass
class Output:
    """One build's site or index, its files read with Whoosh's segment IDs replaced by their order.

    Whoosh names each segment with a random ID (MAIN_8on2gkmlhccx4ngc.trm), written into its file
    names and into the index's TOC: two builds of the same code differ there and nowhere else."""

    folder: Path
    segments: dict[str, str]  # random ID → "segment-1", "segment-2", … in the order the TOC lists them

    @classmethod
    def of(cls, folder: Path) -> "Output":
        ids = {match[1] for path in folder.rglob("*") if (match := SEGMENT_ID.search(path.name))}
        toc = b"".join(path.read_bytes() for path in sorted(folder.rglob("*.toc")))
        ordered = sorted(ids, key=lambda i: (toc.find(i.encode()) % (len(toc) + 1), i))  # absent: last
        return cls(folder, {id_: f"segment-{n}" for n, id_ in enumerate(ordered, 1)})

    def _normal(self, text: str) -> str:
        """`text` with the segment IDs replaced."""
        for id_, name in self.segments.items():
            text = text.replace(id_, name)
        return text

    @functools.cached_property
    def files(self) -> dict[str, Path]:
        """Every file, by relative path (segment IDs replaced)."""
        return {self._normal(path.relative_to(self.folder).as_posix()): path
                for path in sorted(self.folder.rglob("*")) if path.is_file()}

    def read(self, path: Path) -> bytes:
        """The file's bytes, segment IDs replaced."""
        data = path.read_bytes()
        for id_, name in self.segments.items():
            data = data.replace(id_.encode(), name.encode())
        return data

    def digests(self) -> dict[str, str]:
        """SHA-256 of every file, by relative path."""
        return {name: hashlib.sha256(self.read(path)).hexdigest() for name, path in self.files.items()}


def compare(ref: Output, tree: Output) -> Comparison:
    """The files of two outputs, compared by relative path and SHA-256."""
    left, right = ref.digests(), tree.digests()
    common = sorted(left.keys() & right.keys())
    return Comparison(
        files_ref=len(left), files_tree=len(right),
        identical=sum(left[path] == right[path] for path in common),
        differing=[path for path in common if left[path] != right[path]],
        only_ref=sorted(left.keys() - right.keys()), only_tree=sorted(right.keys() - left.keys()),
    )


def first_difference(old: bytes, new: bytes) -> list[str]:
    """The first hunk of a unified diff (DIFF_LINES lines) of two texts; for binary data, the bytes around the first difference."""
    try:
        old_text, new_text = old.decode("utf-8"), new.decode("utf-8")
    except UnicodeDecodeError:
        return _first_bytes(old, new)
    hunk = list(difflib.unified_diff(old_text.splitlines(), new_text.splitlines(), n=1, lineterm=""))[2:]
    end = next((i for i, line in enumerate(hunk[1:], 1) if line.startswith("@@")), len(hunk))
    body = hunk[1:min(end, DIFF_LINES + 1)]
    start = max(0, _first_column(body) - 40)
    return hunk[:1] + [_clip(line, start) for line in body]


def _first_bytes(old: bytes, new: bytes) -> list[str]:
    """Sizes, and the bytes of each side from a little before their first difference."""
    at = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    start = max(0, at - 20)
    return [f"binary: {len(old):,} bytes in ref, {len(new):,} in tree; first difference at byte {at:,}",
            f"-{old[start:start + WIDTH // 2]!r}", f"+{new[start:start + WIDTH // 2]!r}"]


def _first_column(lines: list[str]) -> int:
    """Where the first removed line and the first added line start to differ (0 if either is missing)."""
    removed = next((line[1:] for line in lines if line.startswith("-")), None)
    added = next((line[1:] for line in lines if line.startswith("+")), None)
    if removed is None or added is None:
        return 0
    return next((i for i, (a, b) in enumerate(zip(removed, added)) if a != b), min(len(removed), len(added)))


def _clip(line: str, start: int) -> str:
    """A diff line cut to WIDTH characters from `start`, with … where text is left out."""
    marker, text = line[:1], line[1:]
    if len(text) <= WIDTH:
        return line
    piece = text[start:start + WIDTH]
    return marker + ("…" if start else "") + piece + ("…" if len(text) > start + WIDTH else "")


# --- report -----------------------------------------------------------------------------


def text_table(headers: list[str], rows: list[list]) -> str:
    """Columns aligned with spaces, numbers to the right."""
    cells = [headers] + [[f"{v:,}" if isinstance(v, int) else str(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
                     for row in cells)


def report(content: Path, seconds: dict[str, float], outputs: dict[str, tuple[Output, Output]],
           comparisons: dict[str, Comparison]) -> None:
    """Print the table of one content folder, then its first differing and missing paths."""
    print(f"\n== {content}")
    print(text_table(["output", "files (ref)", "files (tree)", "identical", "differing", "only in ref", "only in tree"],
                     [[name, c.files_ref, c.files_tree, c.identical, len(c.differing), len(c.only_ref), len(c.only_tree)]
                      for name, c in comparisons.items()]))
    print("build time: " + ", ".join(f"{label} {s:.1f} s" for label, s in seconds.items()))
    for name, (ref, tree) in outputs.items():
        if ref.segments or tree.segments:
            print(f"{name}: Whoosh's random segment IDs read as segment-1, segment-2, … "
                  f"(segments: {len(ref.segments)} in ref, {len(tree.segments)} in tree)")
    differing = [(name, path) for name, c in comparisons.items() for path in c.differing]
    for name, path in differing[:SHOWN]:
        ref, tree = outputs[name]
        print(f"\n  differs: {name}/{path}")
        lines = first_difference(ref.read(ref.files[path]), tree.read(tree.files[path]))
        print("\n".join("    " + line for line in lines))
    if len(differing) > SHOWN:
        print(f"\n  … and {len(differing) - SHOWN:,} more differing files")
    for kind, attribute in (("only in ref", "only_ref"), ("only in tree", "only_tree")):
        paths = [f"{name}/{path}" for name, c in comparisons.items() for path in getattr(c, attribute)]
        print("".join(f"  {kind}: {path}\n" for path in paths[:SHOWN]), end="")
        if len(paths) > SHOWN:
            print(f"  … and {len(paths) - SHOWN:,} more {kind}")


def check_content(number: int, content: Path, trees: list[Tree], root: Path, today: str) -> bool:
    """Build `content` with each tree and compare the outputs; True when every file is identical."""
    folders, seconds = {}, {}
    for tree in trees:
        print(f"building {content} with {tree.label} …", flush=True)
        folders[tree.label] = root / f"{number}-{tree.label.split()[0]}"
        seconds[tree.label] = run_build(tree, content, folders[tree.label], root / "out", today)
    ref, work = folders.values()
    outputs = {name: (Output.of(ref / name), Output.of(work / name)) for name in OUTPUTS}
    comparisons = {name: compare(*pair) for name, pair in outputs.items()}
    report(content, seconds, outputs, comparisons)
    return all(not (c.differing or c.only_ref or c.only_tree) for c in comparisons.values())


# --- main -------------------------------------------------------------------------------


def parse_arguments() -> argparse.Namespace:
    """--ref, --content (repeatable), --today, --keep."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ref", required=True, help="git ref whose output is the reference (a commit, branch or tag)")
    parser.add_argument("--content", type=Path, action="append",
                        help="content folder, repeatable (default: content/ and ../shared/corpus/content if it exists)")
    parser.add_argument("--today", default="2026-11-23", type=lambda s: dt.date.fromisoformat(s).isoformat(),
                        help="the build date passed to both builds (default: %(default)s)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR and keep it, worktree included")
    return parser.parse_args()


def fixed_content(content: Path, root: Path) -> Path:
    """`content`, or its copy in `root` with the fix `policy check` proposes for explainers published twice.

    bench/corpus_fix.py runs in an interpreter of its own: this script loads no build_tools."""
    script = "import sys; from pathlib import Path; from corpus_fix import fixed_corpus; print(fixed_corpus(Path(sys.argv[1])))"
    env = {**os.environ, "XDG_CACHE_HOME": str(root / "fixed-content")}
    result = subprocess.run([str(PYTHON), "-c", script, str(content)], cwd=REPO / "bench", env=env, capture_output=True, text=True)
    if result.returncode:
        raise Failed(f"bench/corpus_fix.py on {content}: exited with {result.returncode}\n{result.stderr.strip()}")
    fixed = Path(result.stdout.strip().splitlines()[-1])
    if fixed != content:
        print(f"{content}: explainers published twice, built from a copy with the fix policy check proposes: {fixed}", flush=True)
    return fixed


def default_contents() -> list[Path]:
    """The sample content, and the real corpus when it is there."""
    return [REPO / "content"] + ([CORPUS] if CORPUS.is_dir() else [])


def main() -> int:
    """Build and compare every content folder; the exit status."""
    arguments = parse_arguments()
    contents = [c.resolve() for c in arguments.content or default_contents()]
    if arguments.keep:
        arguments.keep.mkdir(parents=True, exist_ok=True)
        if any(arguments.keep.iterdir()):
            sys.exit(f"--keep {arguments.keep}: not empty")
    root = arguments.keep.resolve() if arguments.keep else Path(tempfile.mkdtemp(prefix="same_output-"))
    ref = None
    try:
        ref = add_worktree(arguments.ref, root / "ref-tree")
        trees = [ref, Tree("work tree", REPO)]
        contents = [fixed_content(content, root) for content in contents]
        same = [check_content(n, content, trees, root, arguments.today) for n, content in enumerate(contents, 1)]
    except Failed as error:
        print(error)
        same = [False]
    finally:
        if arguments.keep:
            print(f"\nkept in {root}; remove the worktree with: git worktree remove --force {root / 'ref-tree'}")
        else:
            if ref:
                git("worktree", "remove", "--force", str(ref.path))
            shutil.rmtree(root, ignore_errors=True)
    print("\nidentical" if all(same) else "\nDIFFERENT (or a build failed)")
    return 0 if all(same) else 1


if __name__ == "__main__":
    sys.exit(main())
