"""The real corpus with the fix `policy check` proposes applied: for the benchmarks and the tests that build it.

The shared corpus (../shared/corpus/content, read-only) holds explainers published
twice: the same title and the same 文号 in two files. `policy check` reports each
(build_tools/check/rules.py, `published_once`) and proposes that the newer one
replace the older (`supersedes: [older]`). `fixed_corpus()` is a copy of a content
folder with that fix made: in each group of published explainers with the same
title and 文号 (compared as the check compares them), ordered as the check orders
them (published date, then slug), every later one supersedes the ones before it —
for a pair, `supersedes: [<first>]`. Nothing else changes, not even the files'
modification times (they are the explainers' "last changed" dates). A superseded
explainer is still published and searchable; its status is `superseded`.

The copy is made once in the user's cache folder (`$XDG_CACHE_HOME/policy-bench`,
else `~/.cache/policy-bench`) and made again when a file of the corpus, this module
or the check's rules change. A folder without such duplicates is returned as it is.

    from corpus_fix import fixed_corpus, duplicate_groups
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from build_tools.check import check_tree, rules
from build_tools.check.rules import duplicate_groups  # the check's own grouping (not copied)
from build_tools.load.cache import load_tree_cached
from build_tools.load.tree import RawDocument

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "content"


def fixed_corpus(source: Path = CORPUS) -> Path:
    """`source`, or when it has explainers published twice, a copy of it in which the later ones supersede the earlier."""
    source = Path(source).resolve()
    target = _cache_root() / f"{source.name}-{_key(source)}"
    if target.is_dir():
        return target
    tree = load_tree_cached(source)
    content, _ = check_tree(tree)
    groups = duplicate_groups(content.explainers)
    if not groups:
        return source
    documents = {raw.path: raw for raw in tree.policies}
    work = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work, symlinks=True)
    for group in groups:
        for index, later in enumerate(group[1:], 1):
            earlier = [e.slug for e in group[:index] if e.slug not in later.supersedes and later.slug not in e.supersedes]
            if earlier:
                _add_supersedes(work / later.path.relative_to(source), documents[later.path], [*later.supersedes, *earlier])
    try:
        work.rename(target)
    except OSError:  # made meanwhile by another process: the same files
        shutil.rmtree(work, ignore_errors=True)
    return target


def _add_supersedes(path: Path, document: RawDocument, slugs: list[str]) -> None:
    """Write `supersedes: [slugs]` into the front matter of `path` (replacing a `supersedes` it has), keeping its time."""
    stat = path.stat()
    lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    field = f"supersedes: {json.dumps(slugs, ensure_ascii=False)}{newline}"
    closing = document.body_line - 2  # the front matter's closing '---', 0-based
    if lines[closing].strip() != "---":
        raise SystemExit(f"{path}: line {closing + 1} is not the end of the front matter")
    if "supersedes" in document.lines:
        start = document.lines["supersedes"] - 1
        end = start + 1
        while end < closing and lines[end][:1] in (" ", "\t", "-"):  # the items of a block list
            end += 1
        lines[start:end] = [field]
    else:
        lines.insert(closing, field)
    path.write_bytes("".join(lines).encode("utf-8"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _cache_root() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "policy-bench"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _key(source: Path) -> str:
    """Changes with any file of `source` (name, time, size), with this module and with the check's rules."""
    sha = hashlib.sha256(os.fsencode(source))
    for code in (Path(__file__), Path(rules.__file__)):
        sha.update(code.read_bytes())
    for path in sorted(source.rglob("*")):
        if path.is_file():
            stat = path.stat()
            sha.update(f"\0{path.relative_to(source).as_posix()}\0{stat.st_mtime_ns}\0{stat.st_size}".encode())
    return sha.hexdigest()[:16]
