"""bench/corpus_fix.py: a content folder with the fix `policy check` proposes for explainers published twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sys
from pathlib import Path

import pytest
from conftest import MINI, ROOT

from build_tools.build.pipeline import check_content, dated
from build_tools.models import Status

sys.path.insert(0, str(ROOT / "bench"))
corpus_fix = pytest.importorskip("corpus_fix")

TODAY = dt.date(2026, 11, 23)


def digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            sha.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + str(path.stat().st_mtime_ns).encode())
    return sha.hexdigest()


@pytest.fixture
def twice(tmp_path: Path) -> Path:
    """The mini content with economy-2023 published three times: as is, again with its supersedes as a
    block list, and once more a month earlier (so the oldest of the three by date, not by slug)."""
    content = tmp_path / "content"
    shutil.copytree(MINI, content)
    text = (content / "policies/economy-2023.md").read_text(encoding="utf-8")
    assert "supersedes: [economy-2022]\n" in text and "published: 2023-02-16\n" in text
    (content / "policies/economy-2023-again.md").write_text(text.replace("supersedes: [economy-2022]\n", "supersedes:\n  - economy-2022\n"), encoding="utf-8")
    (content / "policies/economy-2023-b.md").write_text(text.replace("published: 2023-02-16\n", "published: 2023-01-16\n"), encoding="utf-8")
    return content


def published_twice(issues) -> list:
    return [i for i in issues if i.is_error and i.field == "policy.number" and "supersedes: [" in i.message]


def test_the_check_reports_the_duplicates_and_the_fixed_copy_checks_clean(twice):
    before = digest(twice)
    content, issues = check_content(twice)
    assert [i for i in issues if i.is_error] == published_twice(issues) != []
    groups = corpus_fix.duplicate_groups(content.explainers)
    assert [[e.slug for e in group] for group in groups] == [["economy-2023-b", "economy-2023", "economy-2023-again"]]

    fixed = corpus_fix.fixed_corpus(twice)
    assert fixed != twice and digest(twice) == before  # the source is never written
    content, issues = check_content(fixed)
    assert [i for i in issues if i.is_error] == []
    supersedes = {e.slug: e.supersedes for e in content.explainers}
    assert supersedes["economy-2023-b"] == ["economy-2022"]
    assert supersedes["economy-2023"] == ["economy-2022", "economy-2023-b"]
    assert supersedes["economy-2023-again"] == ["economy-2022", "economy-2023-b", "economy-2023"]
    # nothing else changes, not even the modification times (the explainers' "last changed" dates)
    for path in twice.rglob("*"):
        if path.is_file():
            copy = fixed / path.relative_to(twice)
            assert copy.stat().st_mtime_ns == path.stat().st_mtime_ns
            if path.stem not in ("economy-2023", "economy-2023-again"):
                assert copy.read_bytes() == path.read_bytes()
    lines = (fixed / "policies/economy-2023.md").read_text(encoding="utf-8").splitlines()
    assert lines == [
        'supersedes: ["economy-2022", "economy-2023-b"]' if line == "supersedes: [economy-2022]" else line
        for line in (twice / "policies/economy-2023.md").read_text(encoding="utf-8").splitlines()
    ]


def test_superseded_explainers_stay_published(twice):
    site = dated(*check_content(corpus_fix.fixed_corpus(twice)), TODAY)
    published = {e.slug for e in site.explainers}
    assert {"economy-2023-b", "economy-2023", "economy-2023-again"} <= published
    assert site.status["economy-2023-b"] == site.status["economy-2023"] == Status.SUPERSEDED
    assert site.superseded_by["economy-2023"] == "economy-2023-again"


def test_made_once_and_again_when_the_source_changes(twice):
    fixed = corpus_fix.fixed_corpus(twice)
    assert corpus_fix.fixed_corpus(twice) == fixed
    (twice / "policies/economy-2023-b.md").unlink()
    again = corpus_fix.fixed_corpus(twice)
    assert again != fixed and not (again / "policies/economy-2023-b.md").exists()
    assert 'supersedes: ["economy-2022", "economy-2023"]' in (again / "policies/economy-2023-again.md").read_text(encoding="utf-8")


def test_content_without_duplicates_is_returned_as_it_is():
    assert corpus_fix.fixed_corpus(MINI) == MINI.resolve()
