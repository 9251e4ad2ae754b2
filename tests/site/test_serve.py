"""`policy serve`: preview on 127.0.0.1 that rebuilds when content changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import save


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


def _wait_for_log(log: Path, expected: str, deadline: float) -> str:
    """Poll the server's output until it contains `expected`."""
    while time.monotonic() < deadline:
        if expected in (text := log.read_text(encoding="utf-8")):
            return text
        time.sleep(0.2)  # polling interval, not a timing assumption
    raise AssertionError(f"the server never logged {expected!r}; its output: {log.read_text(encoding='utf-8')[-2000:]}")


@pytest.fixture
def served_with_log(content, project, tmp_path):
    """`policy serve` on the mini content: its URL, the content folder and the file its output goes to."""
    port = _free_port()
    script = Path(sys.executable).parent / "policy"
    log = tmp_path / "serve.log"
    with open(log, "w", encoding="utf-8") as output:
        process = subprocess.Popen([str(script), "serve", "--port", str(port), "--today", "2026-11-23"], cwd=content.parent,
                                   stdout=output, stderr=subprocess.STDOUT, text=True)
        yield f"http://127.0.0.1:{port}/", content, log
        process.terminate()
        process.wait(timeout=30)
    assert "Traceback" not in log.read_text(encoding="utf-8")


@pytest.fixture
def served(served_with_log):
    url, content, _ = served_with_log
    return url, content


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


def test_serve_renders_an_edited_body_alone(served_with_log):
    url, content, log = served_with_log
    _wait_for(url + "policies/economy-2022/", "2022年稳经济措施解读", time.monotonic() + 90)
    source = content / "policies/economy-2022.md"
    save(source, source.read_text(encoding="utf-8") + "\n本段为预览中新加的正文。\n")
    _wait_for(url + "policies/economy-2022/", "本段为预览中新加的正文", time.monotonic() + 90)
    output = _wait_for_log(log, "policy: 1 changed page(s) rendered", time.monotonic() + 30)
    assert output.count("Building documentation") == 1  # the first build only: MkDocs did not build again


def test_serve_shows_an_error_on_the_edited_page_and_keeps_the_rest(served):
    url, content = served
    _wait_for(url + "policies/economy-2022/", "2022年稳经济措施解读", time.monotonic() + 90)
    source = content / "policies/economy-2022.md"
    good = source.read_text(encoding="utf-8")
    save(source, good.replace("department: 江苏省发展改革委", "department: 不存在的部门"))
    page = _wait_for(url + "policies/economy-2022/", "内容有错误", time.monotonic() + 90)
    assert "economy-2022.md:4: department" in page
    assert "内容有错误" in _wait_for(url, "内容有错误", time.monotonic() + 10)
    assert "内容有错误" not in _wait_for(url + "policies/economy-2023/", "</html>", time.monotonic() + 10)  # the last good site
    save(source, good + "\n改好以后的正文。\n")
    _wait_for(url + "policies/economy-2022/", "改好以后的正文", time.monotonic() + 90)
    assert "内容有错误" not in _wait_for(url, "首页", time.monotonic() + 10)


def test_serve_adds_and_removes_pages(served_with_log):
    url, content, log = served_with_log
    _wait_for(url, "首页", time.monotonic() + 90)
    added = content / "policies/added-in-preview.md"
    save(added, (content / "policies/economy-2023.md").read_text(encoding="utf-8").replace("title: ", "title: 预览中新加的", 1))
    _wait_for(url + "policies/added-in-preview/", "预览中新加的", time.monotonic() + 90)
    _wait_for(url + "departments/js-fgw/", "预览中新加的", time.monotonic() + 10)
    added.unlink()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "policies/added-in-preview/", timeout=5)
        except urllib.error.HTTPError as error:
            assert error.code == 404
            break
        time.sleep(0.2)  # polling interval, not a timing assumption
    else:
        raise AssertionError("the removed explainer's page is still served")
    assert "预览中新加的" not in _wait_for(url + "departments/js-fgw/", "</html>", time.monotonic() + 10)
    assert log.read_text(encoding="utf-8").count("Building documentation") == 1  # pages came and went without a MkDocs build


def test_serve_builds_again_after_a_change_outside_content(served_with_log):
    url, content, log = served_with_log
    _wait_for(url, "首页", time.monotonic() + 90)
    stylesheet = content.parent / "static/extra.css"  # a file of the project's static folder (docs_dir)
    save(stylesheet, ".pp-preview-test { color: red; }\n")
    _wait_for(url + "extra.css", ".pp-preview-test", time.monotonic() + 90)
    assert log.read_text(encoding="utf-8").count("Building documentation") == 2


def test_serve_answers_the_search_api(served):
    url, content = served
    _wait_for(url, "首页", time.monotonic() + 90)
    answer = _wait_for(url + "api/search?q=%E8%B4%B4%E6%81%AF", "loan-2027", time.monotonic() + 60)
    assert '"total": 1' in answer or '"total":1' in answer
