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
from conftest import ARTIFACTS, CHROMIUM, ROOT, new_page, serving

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")


def test_explainer_page_is_readable_for_older_users(sample_url, browser):
    url, site = sample_url
    explainer = next(e for e in site.explainers if site.status[e.slug].value == "现行有效")
    page, outside = new_page(browser)
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


def test_superseded_explainer_links_to_its_replacement(sample_url, browser):
    url, site = sample_url
    old, new = next(iter(site.superseded_by.items()))
    page, _ = new_page(browser)
    page.goto(f"{url}policies/{old}/")
    page.get_by_role("link", name=next(e.title for e in site.explainers if e.slug == new)).first.click()
    assert page.url.endswith(f"/policies/{new}/")


def test_phone_width_has_no_horizontal_scrolling(sample_url, browser):
    url, site = sample_url
    page, outside = new_page(browser, width=360, height=740)
    for path in ("", f"policies/{site.explainers[0].slug}/", "topics/"):
        page.goto(url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    page.goto(url)
    page.screenshot(path=str(ARTIFACTS / "home-phone.png"), full_page=True)
    assert outside == []
