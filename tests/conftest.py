"""Shared test helpers: small content trees written into a temporary folder."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# The test files live in folders that mirror build_tools/ (tests/load/, tests/site/, …); the data
# they share is found from here, never from a test file's own folder.
TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
MINI = FIXTURES / "mini"
GOLDEN = TESTS / "golden"
SCHEMAS = TESTS / "schemas"
ARTIFACTS = TESTS / "artifacts"
CORPUS = ROOT.parent / "shared" / "corpus" / "content"
TODAY = "2026-11-23"

VALID_EXPLAINER = """\
---
title: 测试解读
summary: 一句话摘要。
department: 江苏省财政厅
region: 江苏省
topics: [财税]
published: 2023-01-01
---

正文。
"""


def pytest_configure(config):
    # The parsed files that `policy check` and `build` keep between runs (loadcache.py) go to a
    # folder of this test run, not the user's cache; the tests and the processes they start share it.
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="policy-test-cache-")


def pytest_unconfigure(config):
    shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the mini content tree that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(MINI, target)
    return target


def write(folder: Path, relative: str, text: str | bytes) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def save(path: Path, text: str) -> None:
    """Write as an editor saves: a watcher sees the file as changed even within one tick of the file system's clock."""
    path.write_text(text, encoding="utf-8")
    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


@pytest.fixture
def project(content: Path) -> Path:
    """A project folder: the `content` copy, this repository's mkdocs.yml and an empty static folder
    (static/, for images) beside it; the theme and the other settings come with the package."""
    shutil.copy(ROOT / "mkdocs.yml", content.parent / "mkdocs.yml")
    (content.parent / "static").mkdir()
    return content.parent


def run_policy(folder: Path, *args: str):
    """`policy ARGS` run in `folder`, as a user would type it there."""
    from click.testing import CliRunner

    from build_tools.cli import cli

    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(cwd)


# --- builds ----------------------------------------------------------------------------------

BUILD_DATE = dt.date(2026, 11, 23)


def build_options(tmp_path: Path, content: Path = MINI, name: str = "site"):
    """`policy build`'s options: `content` into `tmp_path/name` and `tmp_path/name_index`, on BUILD_DATE."""
    from build_tools.build.build import BuildOptions

    return BuildOptions(content, tmp_path / name, tmp_path / f"{name}_index", ROOT / "mkdocs.yml", BUILD_DATE)


def digest(folder: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file under `folder`: two folders are byte-identical when these are equal."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- a real Chromium -------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


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


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """The sample site (content/) built as `policy build` builds it: (site folder, Site)."""
    from build_tools.build.build import BuildOptions, build

    folder = tmp_path_factory.mktemp("browser")
    site = build(BuildOptions(ROOT / "content", folder / "site", folder / "index", ROOT / "mkdocs.yml", BUILD_DATE))
    return folder / "site", site


@pytest.fixture(scope="session")
def sample_url(sample_site):
    """(base URL of the served sample site, its Site)."""
    folder, site = sample_site
    with serving(folder) as url:
        yield url, site


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, driven by Playwright (per module: Playwright's loop must be gone before other tests start theirs)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser, width=1280, height=900):
    """A page of a fresh context; anything requested outside 127.0.0.1 is recorded in the list returned with it, and blocked."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    outside: list[str] = []
    context.route("**/*", lambda route: (outside.append(route.request.url), route.abort())
                  if not route.request.url.startswith("http://127.0.0.1") else route.continue_())
    return context.new_page(), outside


# --- the package as a user installs it -------------------------------------------------------


@dataclass(frozen=True)
class InstalledPackage:
    wheel: Path   # the wheel built from the sources
    folder: Path  # where it is installed (pip install --target): put first on sys.path


@pytest.fixture(scope="session")
def installed_package(tmp_path_factory) -> InstalledPackage:
    """The package built into a real wheel and installed from it, not editable: only what the wheel ships.

    The wheel is built from a copy of the sources, so that the build writes nothing into the
    repository (setuptools writes build/ and *.egg-info/ beside the sources)."""
    folder = tmp_path_factory.mktemp("installed")
    source = folder / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).is_file():
            shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "build_tools", source / "build_tools", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    _run_ok([*pip, "wheel", str(source), "--no-deps", "--no-build-isolation", "-w", str(folder / "dist")])
    wheel = next((folder / "dist").glob("*.whl"))
    _run_ok([*pip, "install", "--no-deps", "--no-compile", "--target", str(folder / "target"), str(wheel)])
    return InstalledPackage(wheel, folder / "target")


def _run_ok(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def run_installed(package: InstalledPackage, folder: Path, *args: str) -> subprocess.CompletedProcess:
    """`policy ARGS` run in `folder` by the installed package, with this interpreter's other packages
    (the installed folder comes first on sys.path, before the editable install of the sources)."""
    program = f"import sys; sys.path.insert(0, {str(package.folder)!r}); from build_tools.cli import main; main()"
    return subprocess.run([sys.executable, "-c", program, *args], cwd=folder, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def mini_engine(tmp_path_factory):
    """The search engine over the mini content's Whoosh index, as `policy build` writes it."""
    import datetime as dt

    from build_tools.build.pipeline import run_pipeline
    from build_tools.indexes.whoosh import index_site
    from build_tools.search.engine import Engine

    folder = tmp_path_factory.mktemp("index")
    index_site(run_pipeline(MINI, dt.date(2026, 11, 23)), folder)
    opened = Engine(folder)
    yield opened
    opened.close()


def small_index(folder: Path, words: str, count: int, prefix: str = "p") -> None:
    """A Whoosh index of `count` in-force explainers `<prefix>0…` whose title and body are `words`."""
    import datetime as dt

    from build_tools.indexes.documents import SearchDocument
    from build_tools.indexes.whoosh.writing import write_index
    from build_tools.text.analysis import Analyzer

    documents = [
        SearchDocument(
            id=f"policy:{prefix}{i}",
            kind="policy",
            slug=f"{prefix}{i}",
            url=f"policies/{prefix}{i}/",
            title=f"{words} {i}",
            summary="",
            body=words,
            published=dt.date(2024, 1, 1 + i),
            status="现行有效",
            department=("人社厅",),
            region="江苏省",
            region_path=("江苏省",),
        )
        for i in range(count)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    write_index(documents, Analyzer(), {}, folder, workers=1)
