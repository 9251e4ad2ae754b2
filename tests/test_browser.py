"""What a person sees: the built sample site in a real Chromium (Playwright).

Needs Debian's chromium at /usr/bin/chromium (.ci/run installs it).
Screenshots are kept in tests/artifacts/.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from build_tools.build.build import BuildOptions, build
from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(folder: Path):
    """A local server for `folder`; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample site built as `policy build` builds it: (site folder, Site)."""
    folder = tmp_path_factory.mktemp("browser")
    site = build(BuildOptions(ROOT / "content", folder / "site", folder / "index", ROOT / "mkdocs.yml", dt.date(2026, 11, 23)))
    return folder / "site", site


@pytest.fixture(scope="module")
def base_url(built):
    folder, site = built
    with serving(folder) as url:
        yield url, site


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _page(browser, width=1280, height=900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    # Anything outside 127.0.0.1 is a resource from outside the site: record and block it.
    outside: list[str] = []
    context.route("**/*", lambda route: (outside.append(route.request.url), route.abort()) if not route.request.url.startswith("http://127.0.0.1") else route.continue_())
    return context.new_page(), outside


def test_explainer_page_is_readable_for_older_users(base_url, browser):
    url, site = base_url
    explainer = next(e for e in site.explainers if site.status[e.slug].value == "现行有效")
    page, outside = _page(browser)
    page.goto(f"{url}policies/{explainer.slug}/")
    sizes = page.evaluate("""() => [...document.querySelectorAll('.md-typeset p, .md-typeset li, .md-typeset dd')]
        .filter(e => e.offsetParent !== null && e.innerText.trim())
        .map(e => { const s = getComputedStyle(e); return [parseFloat(s.fontSize), parseFloat(s.lineHeight)]; })""")
    assert sizes
    assert min(size for size, _ in sizes) >= 16
    assert min(line / size for size, line in sizes) >= 1.5
    assert page.locator(".pp-badge").first.inner_text().strip().endswith("现行有效")  # the word, not only a colour
    assert page.locator("h1").first.inner_text() == explainer.title
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explainer.png"), full_page=True)
    assert outside == []


def test_superseded_explainer_links_to_its_replacement(base_url, browser):
    url, site = base_url
    old, new = next(iter(site.superseded_by.items()))
    page, _ = _page(browser)
    page.goto(f"{url}policies/{old}/")
    page.get_by_role("link", name=next(e.title for e in site.explainers if e.slug == new)).first.click()
    assert page.url.endswith(f"/policies/{new}/")


def test_phone_width_has_no_horizontal_scrolling(base_url, browser):
    url, site = base_url
    page, outside = _page(browser, width=360, height=740)
    for path in ("", f"policies/{site.explainers[0].slug}/", "topics/"):
        page.goto(url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.goto(url)
    page.screenshot(path=str(ARTIFACTS / "home-phone.png"), full_page=True)
    assert outside == []
