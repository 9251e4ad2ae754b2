"""Two `policy build` into the same folders at once: one waits for the other, and each publishes a whole build.

The builds run as a user runs them (`policy build` processes). A build is
paused, where a test needs it, by a MkDocs hook of the test project that
waits on a FIFO (no sleeping): the test knows it is paused when the hook
writes into another FIFO.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUILD_DATE, MINI, ROOT
from whoosh import index

from build_tools.build.stamp import build_stamp, read_stamp

POLICY = [sys.executable, "-c", "from build_tools.cli import main; main()"]
PLANTED = "policies/economy-2023.md"
PAGE = "policies/economy-2023/index.html"

PAUSE_HOOK = """\
import os


def on_pre_build(config):
    paused = os.environ.get("POLICY_TEST_PAUSED")
    if not paused:
        return
    resume = os.open(os.environ["POLICY_TEST_RESUME"], os.O_RDWR)  # open before saying so: the test writes at once
    try:
        with open(paused, "w") as fifo:
            fifo.write("paused\\n")
        os.read(resume, 1)
    finally:
        os.close(resume)
"""


@pytest.fixture
def two_contents(tmp_path: Path) -> Path:
    """A project with two content folders (contentA, contentB) and a MkDocs hook that can pause a build."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "static").mkdir()
    (project / "pause.py").write_text(PAUSE_HOOK, encoding="utf-8")
    (project / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8") + "hooks: [pause.py]\n", encoding="utf-8")
    for name in "AB":
        shutil.copytree(MINI, project / f"content{name}")
    return project


def plant(project: Path, name: str, mark: str) -> None:
    """Give the explainer economy-2023 of content`name` a title holding `mark`."""
    path = project / f"content{name}" / PLANTED
    text = re.sub(r"^title: .*$", f"title: {mark}解读", path.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")


def start(project: Path, name: str, *args: str, **env: str) -> subprocess.Popen:
    """`policy build --content content<name> ARGS` in `project`."""
    command = [*POLICY, "build", "--content", f"content{name}", "--today", BUILD_DATE.isoformat(), *args]
    return subprocess.Popen(command, cwd=project, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen) -> tuple[int, str]:
    _, errors = process.communicate(timeout=600)
    return process.returncode, errors


def marks(project: Path, *names: str) -> tuple[set[str], set[str]]:
    """The planted marks (of `names`) in the site's page and in the index's stored fields of economy-2023."""
    page = (project / "site" / PAGE).read_text(encoding="utf-8")
    store = index.open_dir(str(project / "search_index"))
    with store.searcher() as searcher:
        stored = " ".join(str(value) for value in (searcher.document(slug="economy-2023") or {}).values())
    return {m for m in names if m in page}, {m for m in names if m in stored}


def stamp_of(project: Path, name: str) -> str:
    return build_stamp(project / f"content{name}", project / "mkdocs.yml", BUILD_DATE)


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if "-building-" in p.name or "-publishing" in p.name or "-replaced-" in p.name)


class Paused:
    """A build paused by the project's hook as MkDocs starts (checked, staged, its search process running)."""

    def __init__(self, project: Path, name: str, *args: str):
        self.paused, self.resume = project / f"paused{name}", project / f"resume{name}"
        os.mkfifo(self.paused)
        os.mkfifo(self.resume)
        reading = os.open(self.paused, os.O_RDONLY | os.O_NONBLOCK)  # so that the hook's open for writing does not wait
        self.process = start(project, name, *args, POLICY_TEST_PAUSED=str(self.paused), POLICY_TEST_RESUME=str(self.resume))
        self.errors = ""
        try:
            self._wait_until_paused(reading)
        finally:
            os.close(reading)

    def _wait_until_paused(self, reading: int) -> None:
        said = b""
        while not said.endswith(b"\n"):
            ready, _, _ = select.select([reading, self.process.stderr], [], [], 600)
            assert ready, "the build neither paused nor ended within 10 minutes"
            if self.process.stderr in ready:
                line = self.process.stderr.readline()
                assert line, f"the build ended before it paused: {self.errors}"
                self.errors += line
            if reading in ready:
                said += os.read(reading, 100)
        assert said == b"paused\n"

    def go_on(self) -> None:
        """Let the build go on (the hook holds the FIFO open for reading already)."""
        writing = os.open(self.resume, os.O_WRONLY | os.O_NONBLOCK)
        os.write(writing, b"x")
        os.close(writing)


def test_a_second_build_waits_for_the_first_and_publishes_whole_after_it(two_contents):
    project = two_contents
    plant(project, "A", "甲标记")
    plant(project, "B", "乙标记")
    first = Paused(project, "A")  # holds the lock, halfway through

    refused = subprocess.run([*POLICY, "build", "--content", "contentB", "--no-wait"], cwd=project, capture_output=True, text=True, timeout=600)
    assert refused.returncode == 1
    assert f"another build is writing into {project}, so this one did not start" in refused.stderr
    assert "Traceback" not in refused.stderr and "internal error" not in refused.stderr

    second = start(project, "B")
    said = second.stderr.readline()
    assert said == f"另一个构建正在进行，等待… / another build is running, waiting… ({project})\n"
    first.go_on()
    (first_code, first_errors), (second_code, second_errors) = finish(first.process), finish(second)
    assert (first_code, second_code) == (0, 0), first_errors + second_errors
    assert marks(project, "甲标记", "乙标记") == ({"乙标记"}, {"乙标记"})  # the second build's pages and index
    assert read_stamp(project / "site") == read_stamp(project / "search_index") == stamp_of(project, "B")
    assert read_stamp(project / ".site-previous") == read_stamp(project / ".search_index-previous") == stamp_of(project, "A")
    assert leftovers(project) == []


def test_builds_started_at_once_each_publish_a_whole_build(two_contents):
    # Started together, over several rounds: whichever publishes last, the site and the index are of one build,
    # and the one replaced (kept as the previous output) is the other build, whole too.
    project = two_contents
    for round_ in range(3):
        plant(project, "A", f"甲{round_}号")
        plant(project, "B", f"乙{round_}号")
        builds = [start(project, "A"), start(project, "B")]
        results = [finish(build) for build in builds]
        for code, errors in results:
            assert code == 0 and "internal error" not in errors, errors
        in_page, in_index = marks(project, f"甲{round_}号", f"乙{round_}号")
        assert len(in_page) == 1 and in_page == in_index, f"round {round_}: pages of {in_page}, index of {in_index}"
        stamps = {stamp_of(project, "A"), stamp_of(project, "B")}
        assert read_stamp(project / "site") == read_stamp(project / "search_index")
        assert read_stamp(project / ".site-previous") == read_stamp(project / ".search_index-previous")
        assert {read_stamp(project / "site"), read_stamp(project / ".site-previous")} == stamps
        assert leftovers(project) == []
