"""build.py, site.py, atomic.py: the real MkDocs build, reproducible, atomic and whole."""

from __future__ import annotations

import errno
import gc
import re
from pathlib import Path

import pytest
from conftest import BUILD_DATE as TODAY
from conftest import CORPUS, VALID_EXPLAINER, digest, run_policy, write
from conftest import build_options as options

from build_tools.build import build as build_module
from build_tools.build.build import build
from build_tools.build.pipeline import check_content
from build_tools.build.stamp import read_stamp
from build_tools.errors import ContentError, FileSystemError, IncompleteBuild
from build_tools.runtime import background as background_module


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

    def interrupted(*arguments):  # in the child process, as the search indexes are written
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
    with pytest.raises(FileSystemError, match="no space left on the device") as raised:  # a user error, naming the output
        build(options(tmp_path, content))
    assert str(tmp_path / "site") in str(raised.value) and "the previous output is unchanged" in str(raised.value)
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
    import sys

    from conftest import ROOT

    from build_tools.load.tree import shown_path
    from build_tools.models import Status

    sys.path.insert(0, str(ROOT / "bench"))
    from corpus_fix import duplicate_groups, fixed_corpus

    # as it is, the corpus has explainers published twice (the same title and 文号 in two files), nothing else wrong:
    # each is reported, naming the other and proposing that the newer supersede the older
    content, issues = check_content(CORPUS)
    errors = [i for i in issues if i.is_error]
    by_file = {shown_path(e.path): e for e in content.explainers}
    assert errors
    for error in errors:
        explainer = by_file[error.path]
        named = [e for shown, e in by_file.items() if shown in error.message and e is not explainer]
        assert error.field == "policy.number" and len(named) == 1, error
        other = named[0]
        assert (explainer.title, explainer.policy.number) == (other.title, other.policy.number), error
        older = min(explainer, other, key=lambda e: (e.published, e.slug))
        assert f"supersedes: [{older.slug}]" in error.message, error
    groups = duplicate_groups(content.explainers)  # the fixed copy's groups: the same files, in pairs
    assert sorted(error.path for error in errors) == sorted(shown_path(e.path) for group in groups for e in group)
    assert all(len(group) == 2 for group in groups)

    # with the fix made (a copy: the shared corpus is read-only), it checks clean and builds, superseded ones included
    fixed = fixed_corpus(CORPUS)
    _, issues = check_content(fixed)
    assert [i for i in issues if i.is_error] == []
    site = build(options(tmp_path, fixed))
    assert len(site.explainers) == 307 and sum(len(s.pairs) for s in site.content.sessions) == 2000
    assert len(list((tmp_path / "site/policies").iterdir())) == 307
    assert {site.status[first.slug] for first, _ in groups} == {Status.SUPERSEDED}
    assert {site.superseded_by[first.slug] for first, _ in groups} == {second.slug for _, second in groups}


# --- whole outputs: the stamp, incomplete builds, paths, errors the user can fix ------------


def test_the_site_and_the_index_carry_the_same_deterministic_stamp(built, content, tmp_path):
    stamp = read_stamp(built)
    assert stamp and re.fullmatch(r"[0-9a-f]{64}", stamp)
    assert read_stamp(built.parent / "site_index") == stamp
    build(options(tmp_path, content))  # the same content (a copy) on the same date: the same stamp
    assert read_stamp(tmp_path / "site") == read_stamp(tmp_path / "site_index") == stamp
    write(content, "policies/new-one.md", VALID_EXPLAINER)
    build(options(tmp_path, content))
    assert read_stamp(tmp_path / "site") == read_stamp(tmp_path / "site_index") != stamp
    assert read_stamp(tmp_path / ".site-previous") == read_stamp(tmp_path / ".site_index-previous") == stamp


def test_a_build_without_the_explainers_pages_is_not_swapped_in(content, tmp_path, monkeypatch):
    build(options(tmp_path, content))
    before = digest(tmp_path / "site"), digest(tmp_path / "site_index")

    def pages_elsewhere(site, folder, config_file, kept=None):  # as a relative --site read from the settings' folder did
        (folder / "assets").mkdir()
        (folder / "assets/policy.css").write_text("")

    monkeypatch.setattr(build_module, "write_site", pages_elsewhere)
    with pytest.raises(IncompleteBuild, match="lacks the pages of 4 explainer") as raised:
        build(options(tmp_path, content))
    assert "policies/economy-2023/" in str(raised.value)
    assert (digest(tmp_path / "site"), digest(tmp_path / "site_index")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site", "site_index"]


def test_relative_paths_are_read_from_the_current_folder(project):
    # The settings in another folder: the site still goes where --site says, relative to where policy runs.
    (project / "other").mkdir()
    (project / "mkdocs.yml").rename(project / "other/mkdocs.yml")
    result = run_policy(project, "build", "--today", TODAY.isoformat(), "--config", "other/mkdocs.yml", "--site", "out/site", "--index", "out/index")
    assert result.exit_code == 0, result.output
    assert (project / "out/site/policies/economy-2023/index.html").is_file()
    assert (project / "out/site/index.html").is_file() and (project / "out/site/pagefind/pagefind.js").is_file()
    assert sorted(p.name for p in (project / "other").iterdir()) == ["mkdocs.yml"]  # nothing written beside the settings
    assert sorted(p.name for p in (project / "out").iterdir()) == ["index", "site"]
    assert read_stamp(project / "out/site") == read_stamp(project / "out/index")


def test_a_refused_write_is_a_user_error_naming_the_output(project, monkeypatch):
    assert run_policy(project, "build", "--today", TODAY.isoformat()).exit_code == 0
    before = digest(project / "site"), digest(project / "search_index")

    def denied(site, folder, config_file, kept=None):
        raise PermissionError(errno.EACCES, "Permission denied", str(folder / "policies"))

    monkeypatch.setattr(build_module, "write_site", denied)
    result = run_policy(project, "build", "--today", TODAY.isoformat())
    assert result.exit_code == 1
    assert f"\nError: {project / 'site'}：没有权限" in result.stderr  # the output the user named, not our staging folder
    assert "permission denied: give the user running policy read and write access" in result.stderr
    assert "the previous output is unchanged" in result.stderr and "Traceback" not in result.stderr
    assert (digest(project / "site"), digest(project / "search_index")) == before


def test_an_os_error_the_user_cannot_fix_is_still_a_bug(project, monkeypatch):
    def broken(site, folder, config_file, kept=None):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(build_module, "write_site", broken)
    with pytest.raises(OSError, match="Input/output error"):  # main() reports it as an internal error, exit 70
        run_policy(project, "build", "--today", TODAY.isoformat())
