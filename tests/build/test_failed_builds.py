"""Builds that cannot finish: a full disk, a read-only folder, SIGTERM or Ctrl-C halfway.

Each ends with a short message and a non-zero exit code, no traceback, no
"internal error"; the previous output stays as it was and no staging folder
is left. The disks are real: a small tmpfs, filled up or made read-only
(root can write into a folder of mode 0555, not into a read-only mount).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUILD_DATE, MINI, ROOT, VALID_EXPLAINER, digest, write

POLICY = [sys.executable, "-c", "from build_tools.cli import main; main()"]

PAUSE_HOOK = """\
import os


def on_pre_build(config):
    paused = os.environ.get("POLICY_TEST_PAUSED")
    if paused:
        with open(paused, "w") as fifo:  # waits until the test opens it: then the build is halfway
            fifo.write("paused\\n")
        os.read(os.open(os.environ["POLICY_TEST_RESUME"], os.O_RDONLY), 1)  # until stopped (no one writes)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """content/, this repository's mkdocs.yml with a hook that pauses a build when asked, and static/."""
    shutil.copytree(MINI, tmp_path / "content")
    (tmp_path / "static").mkdir()
    (tmp_path / "pause.py").write_text(PAUSE_HOOK, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text((ROOT / "mkdocs.yml").read_text(encoding="utf-8") + "hooks: [pause.py]\n", encoding="utf-8")
    return tmp_path


def policy_build(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*POLICY, "build", "--today", BUILD_DATE.isoformat(), *args], cwd=project, capture_output=True, text=True, timeout=600)


def outputs(folder: Path, site: str = "site", index: str = "search_index") -> tuple[dict, dict]:
    return digest(folder / site), digest(folder / index)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if "-building-" in p.name or "-publishing" in p.name or "-replaced-" in p.name)


@pytest.fixture
def disk(tmp_path: Path):
    """A tmpfs of 64 MB mounted on tmp_path/disk (root only, with the right to mount, as CI has)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root: run as root (CI does) to test a full and a read-only disk")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"this machine does not let root mount a tmpfs ({mounted.stderr.strip()}): a container without CAP_SYS_ADMIN")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def remount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True, capture_output=True)


def test_a_full_disk_is_a_user_error_naming_the_output(project, disk):
    first = policy_build(project, "--site", str(disk / "site"), "--index", str(disk / "search_index"))
    assert first.returncode == 0, first.stderr
    before = outputs(disk)
    usage = os.statvfs(disk)
    remount(disk, f"size={(usage.f_blocks - usage.f_bfree + 4) * usage.f_frsize}")  # 16 KB left
    write(project / "content", "policies/new-one.md", VALID_EXPLAINER)

    full = policy_build(project, "--site", str(disk / "site"), "--index", str(disk / "search_index"))
    assert full.returncode == 1, full.stderr
    named = re.search(rf"^Error: {re.escape(str(disk))}/(site|search_index)：磁盘空间不足", full.stderr, re.MULTILINE)
    assert named, full.stderr  # the output the user named, not a staging folder
    assert "no space left on the device: free some space, or write to another folder" in full.stderr
    assert "the previous output is unchanged" in full.stderr
    assert "Traceback" not in full.stderr and "internal error" not in full.stderr
    assert outputs(disk) == before
    assert leftovers(disk) == []


def test_a_read_only_disk_is_a_user_error_naming_the_output(project, disk):
    first = policy_build(project, "--site", str(disk / "site"), "--index", str(disk / "search_index"))
    assert first.returncode == 0, first.stderr
    before = outputs(disk)
    remount(disk, "ro")
    assert not os.access(disk, os.W_OK)

    refused = policy_build(project, "--site", str(disk / "site"), "--index", str(disk / "search_index"))
    assert refused.returncode == 1, refused.stderr
    assert refused.stderr.startswith(f"Error: {disk / 'site'}：所在的文件系统是只读的")
    assert "it is on a read-only file system: write to a writable folder" in refused.stderr
    assert "Traceback" not in refused.stderr and "internal error" not in refused.stderr
    assert outputs(disk) == before


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_build_stopped_halfway_removes_its_staging_folders(project, signum):
    first = policy_build(project)
    assert first.returncode == 0, first.stderr
    before = outputs(project)
    write(project / "content", "policies/new-one.md", VALID_EXPLAINER)
    paused, resume = project / "paused", project / "resume"
    os.mkfifo(paused)
    os.mkfifo(resume)
    environment = {**os.environ, "POLICY_TEST_PAUSED": str(paused), "POLICY_TEST_RESUME": str(resume)}
    build = subprocess.Popen(
        [*POLICY, "build", "--today", BUILD_DATE.isoformat()], cwd=project, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with open(paused, encoding="utf-8") as fifo:  # opens when the hook does: the build is halfway
        assert fifo.read() == "paused\n"
    assert len(leftovers(project)) == 3  # the site, the index and the search scratch being written

    build.send_signal(signum)
    _, errors = build.communicate(timeout=600)
    name = signal.Signals(signum).name
    assert build.returncode == 128 + signum, errors
    assert errors.endswith(f"build stopped by {name}: its temporary folders were removed; the output folders hold the last complete build\n")
    assert "Traceback" not in errors
    assert leftovers(project) == []
    assert outputs(project) == before
