"""`policy check --changed-since REF`: which files a branch changed, and which files depend on them.

The whole content is still loaded and checked (a reference needs its
target); this module only decides which problems to show: those in files
changed since REF (`git diff REF...HEAD`, plus uncommitted and untracked
files) and in files that reference a changed explainer (`related`,
`supersedes`, a session's `policies` or a question's `政策：` line, `faq-links.yml`, a link in a body).
A changed registry concerns every file, so then every problem is shown.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from build_tools.check.links import linked_slugs
from build_tools.check.qa_body import named_policies
from build_tools.errors import UsageError
from build_tools.load.tree import DEPARTMENTS_FILE, FAQ_LINKS_FILE, TAXONOMY_FILE, LoadedTree, RawDocument
from build_tools.models import Issue

REGISTRIES = (DEPARTMENTS_FILE, TAXONOMY_FILE)


class ChangesError(UsageError):
    """git cannot tell what changed: not a repository, or an unknown REF."""


def changed_files(ref: str, folder: Path) -> set[Path]:
    """Absolute paths of the files changed since `ref` in the repository holding `folder`."""
    top = Path(_git(["rev-parse", "--show-toplevel"], folder, _not_a_repository(folder)).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top, _unknown_ref(ref))
    listed = [
        _git(["diff", "--name-only", "--no-renames", "-z", f"{ref}...HEAD"], top, _unknown_ref(ref)),
        _git(["diff", "--name-only", "--no-renames", "-z", "HEAD"], top, _unknown_ref("HEAD")),
        _git(["ls-files", "--others", "--exclude-standard", "-z"], top, _not_a_repository(folder)),
    ]
    return {(top / name).resolve() for output in listed for name in output.split("\0") if name}


def _git(arguments: list[str], folder: Path, failure: str) -> str:
    try:
        result = subprocess.run(["git", "-c", "core.quotePath=false", *arguments], cwd=folder, capture_output=True, text=True, encoding="utf-8", check=False)
    except OSError:
        raise ChangesError("找不到 git 命令，请先安装 git / git is not installed: install it to use --changed-since") from None
    if result.returncode != 0:
        raise ChangesError(failure)
    return result.stdout


def _not_a_repository(folder: Path) -> str:
    return (
        f"{folder} 不在 git 仓库中，--changed-since 无法判断改动了哪些文件 / "
        f"{folder} is not in a git repository: run policy check without --changed-since, or run it inside a clone"
    )


def _unknown_ref(ref: str) -> str:
    return (
        f"git 中找不到“{ref}”，请写分支名、标签或提交号，例如 origin/main / unknown git reference '{ref}': "
        f"give a branch, tag or commit that exists here, e.g. origin/main (run git fetch first in a shallow clone)"
    )


def affected_issues(issues: list[Issue], tree: LoadedTree, changed: set[Path]) -> list[Issue]:
    """The issues of changed files and of the files that reference a changed explainer."""
    if any((tree.root / name).resolve() in changed for name in REGISTRIES):
        return issues
    shown = affected_files(tree, changed)
    return [issue for issue in issues if Path(issue.path).resolve() in shown]


def affected_files(tree: LoadedTree, changed: set[Path]) -> set[Path]:
    """Changed content files plus every file whose references name a changed explainer."""
    policies = (tree.root / "policies").resolve()
    slugs = {path.stem for path in changed if path.suffix == ".md" and path.is_relative_to(policies)}
    affected = set(changed)
    for folder, documents in (("policies", tree.policies), ("qa", tree.sessions)):
        affected |= {d.path.resolve() for d in documents if _references(d, folder) & slugs}
    if tree.faq_links and _faq_link_slugs(tree.faq_links) & slugs:
        affected.add((tree.root / FAQ_LINKS_FILE).resolve())
    return affected


def _references(document: RawDocument, folder: str) -> set[str]:
    data = document.data if isinstance(document.data, dict) else {}
    listed = {slug for key in ("related", "supersedes", "policies") if isinstance(data.get(key), list) for slug in data[key] if isinstance(slug, str)}
    named = named_policies(document.body) if folder == "qa" else set()
    return listed | named | linked_slugs(document, folder)


def _faq_link_slugs(document: RawDocument) -> set[str]:
    items = document.data if isinstance(document.data, list) else []
    return {item["policy"] for item in items if isinstance(item, dict) and isinstance(item.get("policy"), str)}
