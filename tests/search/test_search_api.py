"""search/api.py and `policy search`: the API's JSON and errors, the CLI as users call it."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from build_tools.cli import cli
from build_tools.build.pipeline import run_pipeline
from build_tools.indexes.whoosh import index_site
from build_tools.search.api import SearchApp
from conftest import MINI, small_index


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("api") / "search_index"
    folder.mkdir()
    index_site(run_pipeline(MINI, dt.date(2026, 11, 23)), folder)
    return folder


def call(app: SearchApp, path: str, query: str = "", method: str = "GET") -> tuple[int, dict]:
    """One request through the ASGI interface, as a server would make it."""
    status, _, body = asyncio.run(call_async(app, path, query, method))
    return status, body


async def call_async(app: SearchApp, path: str, query: str = "", method: str = "GET") -> tuple[int, dict[str, str], dict]:
    """(status, headers, JSON body) of one request through the ASGI interface."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": query.encode()}
    await app(scope, receive, send)
    headers = {name.decode(): value.decode() for name, value in sent[0]["headers"]}
    return sent[0]["status"], headers, json.loads(sent[1]["body"].decode())


def test_api_returns_the_search_json(index_dir):
    status, body = call(SearchApp(index_dir), "/api/search", "q=%E7%95%99%E6%8A%B5%E9%80%80%E7%A8%8E&limit=5")
    assert status == 200
    assert body["query"] == "留抵退税" and body["results"][0]["slug"] == "refund-2023"
    assert set(body) == {"query", "total", "results", "facets", "answers", "hidden_by_status"}


def test_api_filters(index_dir):
    _, body = call(SearchApp(index_dir), "/api/search", "topic=%E9%87%91%E8%9E%8D&region=%E5%8D%97%E4%BA%AC%E5%B8%82&kind=policy")
    assert {hit["slug"] for hit in body["results"]} == {"economy-2023", "economy-2022", "loan-2027"}


@pytest.mark.parametrize(
    "query, message",
    [
        ("limit=500", "limit must be between 1 and 100, not 500"),
        ("limit=abc", "limit must be a whole number, not 'abc'"),
        ("sort=best", "sort must be one of relevance, date, not 'best'"),
        ("colour=red", "unknown parameter colour"),
    ],
)
def test_api_bad_parameters_get_400_with_a_message(index_dir, query, message):
    status, body = call(SearchApp(index_dir), "/api/search", query)
    assert status == 400 and message in body["error"]


def test_api_other_paths_and_methods(index_dir):
    assert call(SearchApp(index_dir), "/api/other")[0] == 404
    assert call(SearchApp(index_dir), "/api/search", method="POST")[0] == 405


def test_api_without_an_index_says_so(tmp_path):
    status, body = call(SearchApp(tmp_path / "nothing"), "/api/search", "q=x")
    assert status == 503 and "policy build" in body["error"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, deadline: float) -> tuple[int, dict]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # polling until the server is up


def test_policy_api_serves_on_127_0_0_1(index_dir):
    port = _free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "policy"), "api", "--index", str(index_dir), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status, body = _get(f"http://127.0.0.1:{port}/api/search?q=%E8%B4%B4%E6%81%AF", time.monotonic() + 60)
        assert status == 200 and body["results"][0]["slug"] == "loan-2027"
        assert _get(f"http://127.0.0.1:{port}/api/search?limit=0", time.monotonic() + 10)[0] == 400
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "127.0.0.1" in output and "Traceback" not in output


def test_cli_search_text_and_json(index_dir):
    runner = CliRunner()
    text = runner.invoke(cli, ["search", "留抵退税", "--index", str(index_dir)])
    assert text.exit_code == 0
    assert text.output.splitlines()[1] == "1. 留抵退稅政策問答  [已失效]"
    data = json.loads(runner.invoke(cli, ["search", "贷款", "--index", str(index_dir), "--json", "--topic", "金融", "--limit", "1"]).output)
    assert data["total"] >= 1 and len(data["results"]) == 1


def test_cli_search_errors(index_dir, tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["search", "x", "--index", str(index_dir), "--limit", "101"]).exit_code == 2
    assert runner.invoke(cli, ["search", "x", "--index", str(index_dir), "--status", "valid"]).exit_code == 2
    missing = runner.invoke(cli, ["search", "x", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "run `policy build` first" in missing.output


def test_cli_search_suggests_a_correction(index_dir):
    result = CliRunner().invoke(cli, ["search", "贴恩", "--index", str(index_dir)])
    assert "您是不是要找：贴息（1 条） / did you mean: 贴息" in result.output


def test_api_faq_adds_ask_counts_and_sources(index_dir):
    status, body = call(SearchApp(index_dir), "/api/faq", "q=%E8%B5%84%E9%87%91%E6%94%AF%E6%8C%81")
    assert status == 200 and {hit["kind"] for hit in body["results"]} == {"faq"}
    assert body["results"][0]["ask_count"] == 1 and body["results"][0]["sources"][0]["title"] == "先锋直播间答疑专场"


def test_cli_faq_ask(index_dir):
    result = CliRunner().invoke(cli, ["faq", "ask", "资金支持会打折扣吗", "--index", str(index_dir)])
    assert result.exit_code == 0
    assert "1. 資金支持是否打折扣？" in result.output and "2023-02-16 先锋直播间答疑专场" in result.output
    data = json.loads(CliRunner().invoke(cli, ["faq", "ask", "资金支持", "--index", str(index_dir), "--json"]).output)
    assert data["results"][0]["sources"][0]["session"] == "live-2023"


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
}


@pytest.mark.parametrize(
    "path, query, status",
    [
        ("/api/search", "q=%E8%B4%B4%E6%81%AF", 200),
        ("/api/faq", "q=%E8%B5%84%E9%87%91", 200),
        ("/api/search", "limit=0", 400),
        ("/api/other", "", 404),
    ],
)
def test_every_api_answer_carries_the_security_headers(index_dir, path, query, status):
    answered, headers, _ = asyncio.run(call_async(SearchApp(index_dir), path, query))
    assert answered == status
    assert {name: headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    assert headers["content-type"] == "application/json; charset=utf-8"


def test_the_preview_middleware_sends_the_security_headers_too(index_dir):
    from build_tools.search.api import wsgi_middleware

    middleware = wsgi_middleware(lambda environ, start_response: [b"page"], index_dir)
    answers = []
    for query in ("q=%E8%B4%B4%E6%81%AF", "limit=0"):
        started = []
        body = middleware({"PATH_INFO": "/api/search", "QUERY_STRING": query}, lambda status, headers: started.append((status, dict(headers))))
        answers.append((started[0][0], {name.lower(): value for name, value in started[0][1].items()}, json.loads(b"".join(body))))
    assert [status for status, _, _ in answers] == ["200 OK", "400 Bad Request"]
    for _, headers, _ in answers:
        assert {name: headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    assert answers[0][2]["results"][0]["slug"] == "loan-2027"


def test_the_200_letter_unknown_query_is_answered_with_no_correction(index_dir):
    status, body = call(SearchApp(index_dir), "/api/search", "q=" + "x" * 200)
    assert status == 200 and body["total"] == 0 and "suggestions" not in body


def test_a_slow_search_holds_up_no_other(index_dir, monkeypatch):
    # The engine used to answer one request at a time under one lock: a search that took
    # 20 s (200 letters through Whoosh's spelling corrector) made every other one wait as long.
    from build_tools.search.engine import Engine

    entered, release = threading.Event(), threading.Event()
    search = Engine.search

    def slow_when_asked(self, request):
        if request.query == "慢":
            entered.set()
            assert release.wait(60)
        return search(self, request)

    monkeypatch.setattr(Engine, "search", slow_when_asked)
    app = SearchApp(index_dir)

    async def slow_then_fast():
        slow = asyncio.create_task(call_async(app, "/api/search", "q=%E6%85%A2"))
        try:
            assert await asyncio.to_thread(entered.wait, 60)
            status, _, body = await asyncio.wait_for(call_async(app, "/api/search", "q=%E8%B4%B4%E6%81%AF"), 60)
            slow_still_running = not slow.done()
        finally:
            release.set()
        slow_status, _, _ = await slow
        return status, body, slow_still_running, slow_status

    status, body, slow_still_running, slow_status = asyncio.run(slow_then_fast())
    assert status == 200 and body["results"][0]["slug"] == "loan-2027"
    assert slow_still_running and slow_status == 200


def test_a_rebuilt_index_is_picked_up_while_searches_run(index_dir, tmp_path):
    from build_tools.runtime.atomic import staged_folder
    from build_tools.search.api import SearchService

    served = tmp_path / "search_index"
    shutil.copytree(index_dir, served)
    service = SearchService(served)
    assert service.answer("q=%E8%B4%B4%E6%81%AF")[1]["total"] == 1  # 贴息, in the mini site
    first = service._current.engine  # the test looks at which index is open
    answers: list[tuple[int, int]] = []
    stop = threading.Event()

    def keep_searching():
        while not stop.is_set():
            status, body = service.answer("q=%E6%88%BF%E7%A7%9F%E5%87%8F%E5%85%8D")  # 房租减免: only in the new index
            answers.append((status, body.get("total", -1)))

    searching = [threading.Thread(target=keep_searching) for _ in range(4)]
    for thread in searching:
        thread.start()
    try:
        with staged_folder(served) as staging:  # as `policy build` swaps its output in
            small_index(staging, "房租减免", 3)
        deadline = time.monotonic() + 60
        while not (answers and answers[-1] == (200, 3)) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in searching:
            thread.join()
    assert answers[-1] == (200, 3)
    assert set(answers) <= {(200, 0), (200, 3)}  # the old index or the new, never an error
    assert first.reader.searchers._closed  # the old index was closed once unused
    assert service.answer("q=%E8%B4%B4%E6%81%AF")[1]["total"] == 0


def test_policy_api_with_two_workers_answers_with_the_security_headers(index_dir):
    port = _free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "policy"), "api", "--index", str(index_dir), "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status, body = _get(f"http://127.0.0.1:{port}/api/search?q=%E8%B4%B4%E6%81%AF", time.monotonic() + 90)
        assert status == 200 and body["results"][0]["slug"] == "loan-2027"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q={'x' * 200}", timeout=30) as response:
            assert json.loads(response.read())["total"] == 0
            headers = {name.lower(): value for name, value in response.headers.items()}
        assert {name: headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
        assert "server" not in headers  # no name or version of the server
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=60)
    assert len(set(re.findall(r"Started server process \[(\d+)\]", output))) == 2, output
    assert "Traceback" not in output
