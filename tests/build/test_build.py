"""build.py, site.py, atomic.py: the real MkDocs build, reproducible and atomic."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
from pathlib import Path

import pytest

from build_tools.build import build as build_module
from build_tools.runtime import background as background_module
from build_tools.build.build import BuildOptions, build
from build_tools.build.pipeline import check_content
from build_tools.errors import ContentError
from conftest import BUILD_DATE as TODAY
from conftest import CORPUS, MINI, ROOT, VALID_EXPLAINER, digest, write
from conftest import build_options as options

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("built")
    build(options(folder))
    return folder / "site"


def test_two_builds_with_the_same_date_are_byte_identical(built, tmp_path):
    build(options(tmp_path, name="again"))
    first, second = digest(built), digest(tmp_path / "again")
    assert [name for name in first if name.endswith(".html")]
    assert first == second


def test_a_large_sites_search_indexes_are_written_by_a_new_interpreter_alike(built, tmp_path, monkeypatch):
    # From FRESH_PROCESS_FROM documents the search process is a new interpreter, which reads the documents
    # from a file written by a short-lived fork: the site and the search index come out the same.
    from build_tools.search.engine import Engine
    from build_tools.search.request import SearchRequest

    started = []

    def recording(function, *args, fresh=False):
        started.append((function.__name__, fresh))
        return real(function, *args, fresh=fresh)

    real = background_module.Background
    monkeypatch.setattr(background_module, "Background", recording)
    monkeypatch.setattr(build_module, "Background", recording)
    monkeypatch.setattr(build_module, "FRESH_PROCESS_FROM", 0)
    build(options(tmp_path, name="fresh"))
    assert ("stored_in", False) in started and ("_write_search_indexes", True) in started
    assert digest(tmp_path / "fresh") == digest(built)
    answers = []
    for folder in (built.parent / "site_index", tmp_path / "fresh_index"):
        engine = Engine(folder)
        answers.append([(hit.slug, hit.score) for query in ("补贴", "稅收", "融资") for hit in engine.search(SearchRequest(query=query, limit=50)).results])
        engine.close()
    assert answers[0] == answers[1] and answers[0]
    assert not list(tmp_path.glob(".search-*"))  # the documents' file went with the scratch folder


def test_the_collector_walks_every_object_again_after_a_build(built):
    assert gc.get_freeze_count() == 0  # a preview or a test run goes on after it: its garbage must be collectable


def test_site_has_a_page_per_published_explainer_and_chinese_ui(built):
    assert sorted(p.name for p in (built / "policies").iterdir()) == ["economy-2022", "economy-2023", "loan-2027", "refund-2023"]
    page = (built / "policies/economy-2023/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in page
    assert "苏政发〔2023〕1号" in page and "现行有效" in page and "江苏省财政厅" in page


def test_no_resource_is_loaded_from_outside_the_site(built):
    loaded = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)=\"(https?:)?//", re.IGNORECASE)
    for page in built.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not loaded.search(text), page
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text
    for sheet in built.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", sheet.read_text(encoding="utf-8")), sheet


def test_navigation_does_not_list_every_explainer(built):
    page = (built / "policies/refund-2023/index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary.*?</nav>', page, re.DOTALL).group(0)
    assert "policies/" not in nav
    assert "2022年稳经济措施解读" not in page


def test_failed_build_leaves_the_previous_site_and_index_untouched(content, tmp_path):
    build(options(tmp_path, content))
    before = digest(tmp_path / "site"), digest(tmp_path / "site_index")
    write(content, "policies/broken.md", VALID_EXPLAINER.replace("region: 江苏省", "region: 火星"))
    with pytest.raises(ContentError):
        build(options(tmp_path, content))
    assert (digest(tmp_path / "site"), digest(tmp_path / "site_index")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site", "site_index"]


def test_interrupted_build_leaves_the_previous_site_untouched(content, tmp_path, monkeypatch):
    build(options(tmp_path, content))
    before = digest(tmp_path / "site")
    write(content, "policies/new-one.md", VALID_EXPLAINER)

    def interrupted(documents, taxonomy, folder):  # in the child process, as the search indexes are written
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "write_search_bundle", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(options(tmp_path, content))
    assert digest(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site", "site_index"]


def test_a_large_site_whose_documents_cannot_be_stored_fails_cleanly(content, tmp_path, monkeypatch):
    # A large site's search process starts only once a fork has stored the documents, while MkDocs renders:
    # the fork's error ends the build, with the previous output untouched and no process left behind.
    import multiprocessing

    from build_tools.indexes.documents import SearchDocuments

    build(options(tmp_path, content))
    before = digest(tmp_path / "site"), digest(tmp_path / "site_index")
    write(content, "policies/new-one.md", VALID_EXPLAINER)

    def full_disk(documents, path):  # in the short-lived fork
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SearchDocuments, "stored_in", full_disk)
    monkeypatch.setattr(build_module, "FRESH_PROCESS_FROM", 0)
    with pytest.raises(OSError, match="No space left"):
        build(options(tmp_path, content))
    assert (digest(tmp_path / "site"), digest(tmp_path / "site_index")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site", "site_index"]
    assert multiprocessing.active_children() == []


def test_a_successful_build_replaces_the_previous_one(content, tmp_path):
    build(options(tmp_path, content))
    write(content, "policies/new-one.md", VALID_EXPLAINER)
    build(options(tmp_path, content))
    assert (tmp_path / "site/policies/new-one/index.html").is_file()
    # the replaced output waits beside it until the next build removes it
    assert not (tmp_path / ".site-previous/policies/new-one").exists()
    assert (tmp_path / ".site-previous/policies/economy-2023/index.html").is_file()
    (content / "policies/new-one.md").unlink()
    build(options(tmp_path, content))
    assert (tmp_path / ".site-previous/policies/new-one/index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-previous", ".site_index-previous", "content", "site", "site_index"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the project")
def test_real_corpus_checks_and_builds(tmp_path):
    _, issues = check_content(CORPUS)
    assert [i for i in issues if i.is_error] == []
    site = build(options(tmp_path, CORPUS))
    assert len(site.explainers) == 307 and sum(len(s.pairs) for s in site.content.sessions) == 2000
    assert len(list((tmp_path / "site/policies").iterdir())) == 307
