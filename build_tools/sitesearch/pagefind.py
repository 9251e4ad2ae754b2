"""Run Pagefind (the extended binary from PyPI, pinned) and make its output reproducible."""

from __future__ import annotations

import ctypes
import signal
import subprocess
import threading
from pathlib import Path

from .canonical import canonicalise_bundle

TIMEOUT_SECONDS = 1800
_PR_SET_PDEATHSIG = 1
# Pagefind's ready-made search UIs: the site ships its own (theme/pages/assets/sitesearch-*.js).
_UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                 "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")


class SiteSearchError(Exception):
    """Pagefind is missing or failed: the site search could not be written."""


def pagefind_executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        raise SiteSearchError("未安装 Pagefind：请运行 make 或 pip install --require-hashes -r requirements.lock / "
                              "Pagefind is not installed: run make, or pip install --require-hashes -r requirements.lock") from None
    try:
        return get_executable()
    except FileNotFoundError as error:
        raise SiteSearchError(f"找不到 Pagefind 程序 / the Pagefind binary is missing: {error}") from None


def run_pagefind(records: Path, bundle: Path) -> None:
    """Index the HTML records in `records` into the search bundle folder `bundle`."""
    command = [str(pagefind_executable()), "--site", str(records), "--output-path", str(bundle), "--silent"]
    # Python code between fork and exec is safe only with no other thread (the preview has some).
    guard = _stop_with_parent if threading.active_count() == 1 else None
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, preexec_fn=guard)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SiteSearchError(f"Pagefind 无法运行 / Pagefind could not run: {error}") from None
    if result.returncode != 0 or not (bundle / "pagefind-entry.json").is_file():
        detail = (result.stderr or result.stdout).strip()[-2000:]
        raise SiteSearchError(f"Pagefind 生成搜索索引失败 / Pagefind failed to write the search index:\n{detail}")
    for name in _UNUSED_FILES:
        (bundle / name).unlink(missing_ok=True)
    canonicalise_bundle(bundle)


def _stop_with_parent() -> None:
    """In the child, before Pagefind starts: die with the process that started it, so a build
    stopped halfway (its background process terminated) leaves no Pagefind running."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the timeout still ends it
        pass
