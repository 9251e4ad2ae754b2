"""Text from the public never reaches the output unredacted, and never runs as script.

A session with planted personal data and script payloads is built into the
real site and search index; every output file and every indexed term and
stored field is searched for the raw values; the pages are opened in a
real Chromium to see that no payload runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from whoosh import index

from build_tools.build.build import BuildOptions, build
from conftest import CHROMIUM, CHROMIUM_ARGS, MINI, ROOT, write


def luhn_valid(prefix: str) -> str:
    """A card number starting with `prefix` whose Luhn check digit is right."""
    for check in "0123456789":
        digits = [int(d) for d in prefix + check][::-1]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
        if total % 10 == 0:
            return prefix + check


MOBILE, ID_CARD, EMAIL = "13912345678", "11010519491231002X", "zhang.san@example.com"
CARD = luhn_valid("622202123456789012")
PLANTED = (MOBILE, ID_CARD, EMAIL, CARD)
PAYLOAD = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'

SESSION = f"""---
title: 市民留言选登
date: 2024-05-06
kind: board
departments: [江苏省财政厅]
policies: [economy-2023]
---

## 问：我的电话{MOBILE}，能退税吗？{PAYLOAD}

身份证{ID_CARD}，邮箱{EMAIL}，银行卡{CARD}。{PAYLOAD}

提问：张先生 {MOBILE} {PAYLOAD}

答（江苏省财政厅）：可以。<script>window.__pwned = 3</script>

## 问：社保卡号{CARD}怎么激活

答：到银行网点办理。<a href="javascript:window.__pwned=4">点此</a>
"""


@pytest.fixture(scope="module")
def planted_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted")
    content = folder / "content"
    import shutil
    shutil.copytree(MINI, content)
    write(content, "qa/planted.md", SESSION)
    site = build(BuildOptions(content, folder / "site", folder / "index", ROOT / "mkdocs.yml", dt.date(2026, 11, 23)))
    return folder, site


def _file_texts(folder: Path):
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            yield path, gzip.decompress(data) if path.suffix == ".gz" else data


def test_no_personal_data_in_any_site_file(planted_build):
    folder, _ = planted_build
    for path, data in _file_texts(folder / "site"):
        text = data.decode("utf-8", "replace")
        for value in PLANTED:
            assert value not in text, f"{value} in {path}"
    assert "139****5678" in (folder / "site/qa/planted/index.html").read_text(encoding="utf-8")


def test_no_personal_data_in_the_search_index(planted_build):
    folder, _ = planted_build
    store = index.open_dir(str(folder / "index"))
    with store.searcher() as searcher:
        reader = searcher.reader()
        terms = {term.decode("utf-8", "replace") if isinstance(term, bytes) else str(term) for _, term in reader.all_terms()}
        stored = " ".join(str(fields) for fields in reader.all_stored_fields())
    for value in PLANTED:
        assert not any(value.lower() in term for term in terms), value
        assert value not in stored, value
    for _, data in _file_texts(folder / "index"):
        assert not any(value.encode() in data for value in PLANTED)


def test_markup_from_the_public_is_shown_as_text(planted_build):
    folder, site = planted_build
    page = (folder / "site/qa/planted/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "<script>window.__pwned" not in page and 'onerror="window' not in page and "javascript:" not in page


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")
def test_no_payload_runs_in_a_real_browser(planted_build):
    from playwright.sync_api import sync_playwright

    folder, site = planted_build
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder / "site"))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    entry = next(e for e in site.faq if "能退税吗" in e.question)
    dialogs: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            for path in ("qa/planted/", f"faq/{entry.id}/", "faq/"):
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/{path}")
                page.wait_for_load_state("load")
                assert page.evaluate("window.__pwned") is None, path
                assert page.get_by_text("window.__pwned = 1").count() >= 1 or path == "faq/"
            browser.close()
    finally:
        server.shutdown()
    assert dialogs == []
