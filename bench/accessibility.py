"""Accessibility of the published site: axe-core and Lighthouse on the sample site, beside the figures before.

    .venv/bin/python bench/accessibility.py [--skip-lighthouse] [--json out.json]     (make bench-a11y)

1. Builds the sample site (content/, mkdocs.yml) and serves it as a web server would: gzipped, under
   a project path (/policy-site/, as a project site on GitHub or GitLab Pages, no site_url), missing
   pages answered with 404.html.
2. axe-core (npm, package-lock.json) in Debian's chromium, WCAG 2.1 A and AA rules, on every page type
   (home, search with results, matching, explainer, FAQ home, FAQ entry, list pages, 404) at 1280 and
   360 px: violations per rule, and the nodes they name.
3. Lighthouse (npm, mobile, CHROME_PATH=/usr/bin/chromium) on home, search and an explainer:
   performance, accessibility and best practices.

Needs `npm ci` (node_modules/) and /usr/bin/chromium. Prints Markdown tables; passes or fails nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_tools.build.build import BuildOptions, build  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PREFIX = "/policy-site/"  # a project site: the site is not at the server's root
TODAY = dt.date(2026, 11, 23)
WIDTHS = (1280, 360)
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Issue #23, measured 2026-12-07 before this work (axe-core 4.14, Lighthouse 12.2 mobile, served gzipped).
BEFORE_AXE = {"color-contrast": 458}
BEFORE_LIGHTHOUSE = {"home": (100, 95, 96), "search": (95, 96, 96), "explainer": (100, 95, 96)}
CATEGORIES = ("performance", "accessibility", "best-practices")
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")


class GzipHandler(SimpleHTTPRequestHandler):
    """The site under PREFIX, gzipped when the browser accepts it; 404.html for what is missing, as Pages hosts do."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._respond(send_body=True)

    def do_HEAD(self):
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = unquote(self.path.split("?", 1)[0].split("#", 1)[0])
        folder = Path(self.directory).resolve()
        target = (folder / path[len(PREFIX) :].lstrip("/")).resolve() if path.startswith(PREFIX) else folder / "missing"
        if target.is_dir() and folder in (target, *target.parents):
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                return self.end_headers()
            target = target / "index.html"
        if not target.is_file() or folder not in target.parents:
            return self._send(404, (folder / "404.html").read_bytes(), "text/html", send_body)
        return self._send(200, target.read_bytes(), self.guess_type(str(target)), send_body)

    def _send(self, status: int, body: bytes, kind: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Cache-Control", "max-age=600")
        if "gzip" in self.headers.get("Accept-Encoding", "") and not body.startswith(b"\x1f\x8b"):
            body = gzip.compress(body, 6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


@contextlib.contextmanager
def served(folder: Path):
    """The gzip-ing server on a free port; yields the site's URL (under PREFIX)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()


def page_types(folder: Path, site) -> dict[str, str]:
    """Page type → path (with its query) of one page of that type in the built sample site."""
    explainer = next(e for e in site.explainers if site.status[e.slug].value == "现行有效")

    def first(section: str, prefix: str = "") -> str:
        return min(p.name for p in (folder / section).iterdir() if p.is_dir() and p.name.startswith(prefix))

    return {
        "home": "",
        "search": "search/?q=%E8%B4%B7%E6%AC%BE",  # 贷款
        "matching": "match/?region=%E6%B1%9F%E8%8B%8F%E7%9C%81&audience=%E4%B8%AD%E5%B0%8F%E4%BC%81%E4%B8%9A",  # 江苏省, 中小企业
        "explainer": f"policies/{explainer.slug}/",
        "faq home": "faq/",
        "faq entry": f"faq/{first('faq', 'q-')}/",
        "topics": "topics/",
        "topic list": f"topics/{first('topics')}/",
        "departments": "departments/",
        "404": "no/such/page/",
    }


# Pages whose list the browser fills: measured once their status line says what was found.
LOADED = "() => { const s = document.getElementById('pp-status'); return !s || !s.textContent.startsWith('正在加载'); }"


def open_page(browser, url: str, width: int):
    """The page at `url` in a fresh context `width` px wide, once its scripts have filled it. The context lets
    Playwright add axe-core's script, which the site's Content-Security-Policy would refuse."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.wait_for_function(LOADED)
    return page


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations of an open page (see open_page)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG21_AA)["violations"]


def run_axe(url: str, pages: dict[str, str]) -> dict:
    from playwright.sync_api import sync_playwright

    found: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, path in pages.items():
            for width in WIDTHS:
                page = open_page(browser, url + path, width)
                found[f"{name} @{width}"] = {v["id"]: [n["target"] for n in v["nodes"]] for v in axe_violations(page)}
                page.context.close()
        browser.close()
    return found


def lighthouse(url: str) -> dict[str, int]:
    """Lighthouse's mobile scores (0–100) of one page."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
             f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
            check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300,
        )  # fmt: skip
        data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    failing = [key for key, audit in audits.items() if audit.get("score") not in (None, 1) and audit.get("scoreDisplayMode") == "binary"]
    scores = {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}
    metrics = {key: audits[key]["displayValue"] for key in METRICS}
    return {**scores, "failing": failing, "metrics": metrics}  # type: ignore[dict-item]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-lighthouse", action="store_true", help="axe-core only (a few seconds)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    for needed in (AXE, LIGHTHOUSE):
        if not needed.exists():
            sys.exit(f"{needed.relative_to(ROOT)} is missing: run `npm ci` in {ROOT}")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        site = build(BuildOptions(ROOT / "content", out / "site", out / "index", ROOT / "mkdocs.yml", TODAY))
        pages = page_types(out / "site", site)
        with served(out / "site") as url:
            axe = run_axe(url, pages)
            scores = {} if args.skip_lighthouse else {name: lighthouse(url + pages[name]) for name in BEFORE_LIGHTHOUSE}
    report(axe, scores)
    if args.json:
        args.json.write_text(json.dumps({"axe": axe, "lighthouse": scores}, ensure_ascii=False, indent=1), encoding="utf-8")


def report(axe: dict, scores: dict) -> None:
    rules = Counter()
    print("## axe-core, WCAG 2.1 A/AA (violating nodes)\n\n| page | width | violations |\n|---|---|---|")
    for key, violations in axe.items():
        name, width = key.rsplit(" @", 1)
        rules.update({rule: len(nodes) for rule, nodes in violations.items()})
        text = ", ".join(f"{rule} {len(nodes)}" for rule, nodes in sorted(violations.items())) or "none"
        print(f"| {name} | {width} | {text} |")
    print("\n| rule | before | now |\n|---|---|---|")
    for rule in sorted(set(rules) | set(BEFORE_AXE)):
        print(f"| {rule} | {BEFORE_AXE.get(rule, 0)} | {rules.get(rule, 0)} |")
    print(f"| all | {sum(BEFORE_AXE.values())} | {sum(rules.values())} |")
    if scores:
        print("\n## Lighthouse mobile (performance / accessibility / best practices)\n")
        print("| page | before | now | FCP / LCP / TBT / CLS / speed index now | failing audits now |\n|---|---|---|---|---|")
        for name, now in scores.items():
            before = " / ".join(map(str, BEFORE_LIGHTHOUSE[name]))
            metrics = " / ".join(now["metrics"].values()).replace("\xa0", " ")
            print(f"| {name} | {before} | {' / '.join(str(now[c]) for c in CATEGORIES)} | {metrics} | {', '.join(now['failing']) or 'none'} |")
        print(f"\n(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: Lighthouse's performance falls on a busy machine)")


if __name__ == "__main__":
    main()
