"""`policy check --changed-since REF` on a scratch git repository made here."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import MINI, VALID_EXPLAINER, run_policy, write

GIT_ENV = {"GIT_AUTHOR_NAME": "编辑", "GIT_AUTHOR_EMAIL": "editor@example.gov.cn",
           "GIT_COMMITTER_NAME": "编辑", "GIT_COMMITTER_EMAIL": "editor@example.gov.cn"}
BAD = VALID_EXPLAINER.replace("topics: [财税]", "topics: [税收]")


def git(repo, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def check(folder, *args: str):
    return run_policy(folder, "check", *args)


def reported(result) -> set[str]:
    return {line.split(":")[0] for line in result.stdout.splitlines()}


@pytest.fixture
def repo(tmp_path):
    """main: the mini content plus an old problem; branch `feature` off it."""
    root = tmp_path / "repo"
    shutil.copytree(MINI, root / "content")
    write(root / "content", "policies/old-bad.md", BAD)
    git(root, "init", "-q")
    git(root, "add", "content")
    git(root, "commit", "-qm", "内容")
    git(root, "checkout", "-qb", "feature")
    return root


def test_only_changed_files_and_their_referrers_are_reported(repo):
    git(repo, "rm", "-q", "content/policies/refund-2023.md")           # economy-2023 has related: [refund-2023]
    git(repo, "commit", "-qm", "删除")
    write(repo / "content", "policies/scheduled.md", BAD)                # changed, not committed
    write(repo / "content", "policies/brand-new.md", BAD)                # untracked
    everything = check(repo)
    assert "content/policies/old-bad.md" in reported(everything)
    result = check(repo, "--changed-since", "main")
    assert result.exit_code == 1
    assert reported(result) == {"content/policies/economy-2023.md", "content/policies/scheduled.md", "content/policies/brand-new.md"}
    assert "content/policies/economy-2023.md:19: related: 找不到政策解读“refund-2023”" in result.stdout
    assert "only files changed since main and files that reference them" in result.stderr


def test_a_session_that_names_a_changed_explainer_is_reported(repo):
    (repo / "content/policies/economy-2023.md").rename(repo / "content/policies/economy-2024.md")
    result = check(repo, "--changed-since", "main")
    assert "content/qa/live-2023.md" in reported(result)
    assert "content/policies/old-bad.md" not in reported(result)


def test_a_clean_branch_passes_even_if_main_has_old_problems(repo):
    write(repo / "content", "policies/fine.md", VALID_EXPLAINER)
    git(repo, "add", "content")
    git(repo, "commit", "-qm", "新解读")
    result = check(repo, "--changed-since", "main")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_a_changed_registry_shows_everything(repo):
    registry = repo / "content/departments.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "content/policies/old-bad.md" in reported(check(repo, "--changed-since", "main"))


def test_unknown_ref_and_no_repository_are_clear_usage_errors(repo, content):
    unknown = check(repo, "--changed-since", "origin/nowhere")
    assert unknown.exit_code == 2
    assert "unknown git reference 'origin/nowhere'" in unknown.stderr
    outside = check(content.parent, "--changed-since", "main")
    assert outside.exit_code == 2
    assert "content is not in a git repository" in outside.stderr
    assert "Traceback" not in unknown.output + outside.output


def test_a_session_whose_question_names_a_changed_explainer_is_reported(repo):
    session = repo / "content/qa/live-2023.md"
    session.write_text(session.read_text(encoding="utf-8").replace("## 问：中小企业能否继续享受优惠政策？\n", "## 问：中小企业能否继续享受优惠政策？\n政策：refund-2023\n"), encoding="utf-8")
    git(repo, "commit", "-qam", "问题的依据")
    git(repo, "checkout", "-qb", "rename")
    git(repo, "mv", "content/policies/refund-2023.md", "content/policies/refund-2024.md")
    result = check(repo, "--changed-since", "feature")
    assert "content/qa/live-2023.md" in reported(result)
