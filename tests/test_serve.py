"""`policy serve`: preview on 127.0.0.1 that rebuilds when content changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest



def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, expected: str, deadline: float) -> str:
    """Poll until the page at `url` contains `expected` (or the deadline passes)."""
    text = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                text = response.read().decode("utf-8")
            if expected in text:
                return text
        except OSError:
            pass
        time.sleep(0.2)  # polling interval, not a timing assumption
    raise AssertionError(f"{url} never contained {expected!r}; last text: {text[:300]!r}")


@pytest.fixture
def served(content, project):
    port = _free_port()
    script = Path(sys.executable).parent / "policy"
    process = subprocess.Popen([str(script), "serve", "--port", str(port), "--today", "2026-11-23"], cwd=content.parent,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield f"http://127.0.0.1:{port}/", content
    process.terminate()
    output, _ = process.communicate(timeout=30)
    assert "Traceback" not in output


def test_serve_rebuilds_after_a_saved_change(served):
    url, content = served
    page = _wait_for(url + "policies/economy-2022/", "2022年稳经济措施解读", time.monotonic() + 90)
    assert "livereload" in page
    source = content / "policies/economy-2022.md"
    source.write_text(source.read_text(encoding="utf-8").replace("2022年稳经济措施解读", "2022年稳经济措施（修订）解读"), encoding="utf-8")
    _wait_for(url + "policies/economy-2022/", "2022年稳经济措施（修订）解读", time.monotonic() + 90)


def test_serve_shows_content_errors_in_the_browser(served):
    url, content = served
    _wait_for(url, "首页", time.monotonic() + 90)
    (content / "policies/broken.md").write_text("---\ntitle: 坏文件\n---\n", encoding="utf-8")
    page = _wait_for(url, "内容有错误", time.monotonic() + 90)
    assert "policies/broken.md:2: summary" in page


def test_serve_answers_the_search_api(served):
    url, content = served
    _wait_for(url, "首页", time.monotonic() + 90)
    answer = _wait_for(url + "api/search?q=%E8%B4%B4%E6%81%AF", "loan-2027", time.monotonic() + 60)
    assert '"total": 1' in answer or '"total":1' in answer
