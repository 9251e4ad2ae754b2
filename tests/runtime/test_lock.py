"""lock.py: one build at a time into the same folders; a second one waits or stops."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import subprocess
import sys

import pytest

from build_tools.runtime.lock import LOCK_FILE, lock_folders, outputs_locked

# Another process taking the lock of tmp/site: says when it must wait, and when it holds the lock.
OTHER = """
import sys
from pathlib import Path
from build_tools.runtime.lock import outputs_locked
def busy(folder):
    print("waiting for", folder, flush=True)
with outputs_locked(Path(sys.argv[1]) / "site", Path(sys.argv[1]) / "search_index", busy=busy):
    print("locked", flush=True)
"""


class Busy(Exception):
    pass


def refuse(folder):
    raise Busy(folder)


def test_a_second_holder_of_the_same_folders_waits_until_the_first_is_done(tmp_path):
    with outputs_locked(tmp_path / "site", tmp_path / "search_index", busy=refuse):
        other = subprocess.Popen([sys.executable, "-c", OTHER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
        assert other.stdout.readline() == f"waiting for {tmp_path}\n"  # it cannot take the lock while we hold it
    assert other.stdout.readline() == "locked\n"  # and takes it as soon as we let go
    assert other.wait() == 0


def test_a_holder_that_will_not_wait_is_told_which_folder_is_busy(tmp_path):
    with outputs_locked(tmp_path / "site", busy=refuse):
        with pytest.raises(Busy) as raised:
            with outputs_locked(tmp_path / "search_index", busy=refuse):  # another output in the same folder
                pass
    assert raised.value.args == (tmp_path,)
    with outputs_locked(tmp_path / "site", busy=refuse):  # let go: free again
        pass


def test_outputs_in_other_folders_do_not_wait_for_each_other(tmp_path):
    with outputs_locked(tmp_path / "one/site", busy=refuse), outputs_locked(tmp_path / "two/site", busy=refuse):
        pass


def test_the_folders_are_locked_once_each_in_one_order_and_leave_no_file(tmp_path):
    assert lock_folders(tmp_path / "b/site", tmp_path / "a/index", tmp_path / "b/index") == [tmp_path / "a", tmp_path / "b"]
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert lock_folders(tmp_path / "link/site", tmp_path / "real/index") == [tmp_path / "real"]  # one folder, however named
    with outputs_locked(tmp_path / "new/site", busy=refuse):
        assert list((tmp_path / "new").iterdir()) == []  # created to be locked; no lock file in it


def test_where_a_folder_cannot_be_locked_a_lock_file_in_it_is(tmp_path, monkeypatch):
    # NFS emulates flock with locks that need a file opened for writing: a folder's descriptor gets EBADF.
    real = fcntl.flock

    def as_on_nfs(descriptor, operation):
        if stat.S_ISDIR(os.fstat(descriptor).st_mode):
            raise OSError(errno.EBADF, "Bad file descriptor")
        return real(descriptor, operation)

    monkeypatch.setattr(fcntl, "flock", as_on_nfs)
    with outputs_locked(tmp_path / "site", busy=refuse):
        assert [p.name for p in tmp_path.iterdir()] == [LOCK_FILE]
        with pytest.raises(Busy):
            with outputs_locked(tmp_path / "search_index", busy=refuse):
                pass
