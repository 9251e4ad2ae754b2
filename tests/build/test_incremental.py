"""An incremental `policy build` (with its build record) writes exactly what `policy build --full` writes.

The property: after any sequence of edits, the site built with the record
is byte for byte the site a full build writes for the same content and date,
and its Whoosh index answers every query the same. Edits are drawn at random
(seeded: a failure names its seed and steps) from what authors and editors do:
bodies, titles, front matter, registries, Q&A sessions, new explainers,
deletions, renames and a new build date. The runs of Pagefind and of the
Whoosh index are made small, so that even this small tree is indexed in
several runs and an edit reuses some of them, as at 20,000 explainers.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from pathlib import Path

import pytest

from build_tools.build.build import BuildOptions, build
from build_tools.build.record import KEY_FILE, RECORD
from build_tools.runtime.progress import Progress
from tests.conftest import BUILD_DATE, ROOT, digest, write

NEW_EXPLAINER = """---
title: 《稳岗返还政策第{n}号》解读
summary: 稳岗返还{n}，按规定返还失业保险费。
department: 江苏省发展改革委
region: 江苏省
topics: [财税]
audience: [中小企业]
published: 2024-0{month}-1{n}
effective: 2024-01-01
---

## 政策要点

企业稳岗返还第{n}条：不裁员或少裁员的企业，返还上年度失业保险费的一部分。
"""

QUESTION = """
## 问：第{n}个问题，稳岗返还什么时候到账？

答（江苏省财政厅）：一般在申请后{n}个工作日内到账。
"""


@pytest.fixture(autouse=True)
def small_runs(monkeypatch):
    """Pagefind runs of a few records and Whoosh runs of a few documents: the tree is indexed in several of each,
    and an edit patches the joined Pagefind bundle when it can (however much it touched), as at 20,000 explainers."""
    from build_tools.indexes.pagefind import patch, service, writer
    from build_tools.indexes.whoosh import writing

    monkeypatch.setattr(patch, "PATCHED_CHUNKS", 1.0)  # the joined bundle is patched whatever an edit touched
    monkeypatch.setattr(service, "PATCH_SHARE", 1)

    monkeypatch.setattr(writer, "shard_text", lambda count: 500)  # the mini tree's records: 1,300 characters
    monkeypatch.setattr(writing, "PARALLEL_FROM", 4)
    monkeypatch.setattr(writing, "RUN_SIZE", 4)


class Tree:
    """The content being edited, and the build date."""

    def __init__(self, content: Path, rng: random.Random):
        self.content, self.rng, self.today = content, rng, BUILD_DATE
        self.added: list[Path] = []
        self.count = 0

    def policies(self) -> list[Path]:
        return sorted((self.content / "policies").glob("*.md"))

    def edit(self) -> str:
        """One random edit; what it was."""
        kind = self.rng.choice(["body", "title", "front matter", "registry", "Q&A", "new", "delete", "rename", "date"])
        self.count += 1
        n = self.count
        if kind == "body":
            path = self.rng.choice(self.policies())
            path.write_text(path.read_text(encoding="utf-8") + f"\n补充说明第{n}条：以官方发布为准。\n", encoding="utf-8")
            return f"body of {path.name}"
        if kind == "title":
            path = self.rng.choice(self.policies())
            text = re.sub(r"^title: (.*)$", lambda m: f"title: {m.group(1)}（修订{n}）", path.read_text(encoding="utf-8"), count=1, flags=re.M)
            path.write_text(text, encoding="utf-8")
            return f"title of {path.name}"
        if kind == "front matter":
            path = self.rng.choice(self.policies())
            text = re.sub(r"^summary: (.*)$", lambda m: f"summary: {m.group(1)}新增第{n}项。", path.read_text(encoding="utf-8"), count=1, flags=re.M)
            text = text.replace("topics: [金融, 财税]", "topics: [财税]") if n % 2 else text
            path.write_text(text, encoding="utf-8")
            return f"front matter of {path.name}"
        if kind == "registry":
            registry = self.content / "departments.yml"
            registry.write_text(registry.read_text(encoding="utf-8").replace("aliases: [省财政厅", f"aliases: [省财政厅{n}, 省财政厅", 1), encoding="utf-8")
            return "departments.yml"
        if kind == "Q&A":
            session = self.content / "qa" / "live-2023.md"
            session.write_text(session.read_text(encoding="utf-8") + QUESTION.format(n=n), encoding="utf-8")
            return "a question"
        if kind == "new" or (kind in ("delete", "rename") and not self.added):
            path = write(self.content, f"policies/added-{n}.md", NEW_EXPLAINER.format(n=n % 10, month=1 + n % 9))
            self.added.append(path)
            return f"new {path.name}"
        if kind == "delete":
            path = self.added.pop(self.rng.randrange(len(self.added)))
            path.unlink()
            return f"deleted {path.name}"
        if kind == "rename":
            path = self.added.pop(self.rng.randrange(len(self.added)))
            renamed = path.with_name(f"renamed-{n}.md")
            path.rename(renamed)
            self.added.append(renamed)
            return f"renamed {path.name} to {renamed.name}"
        self.today += dt.timedelta(days=self.rng.choice([1, 30, 400]))
        return f"date {self.today}"


def _options(tmp_path: Path, content: Path, name: str, today: dt.date, cache: bool, full: bool = False) -> BuildOptions:
    return BuildOptions(
        content, tmp_path / name, tmp_path / f"{name}_index", ROOT / "mkdocs.yml", today, cache_dir=tmp_path / f"{name}_cache" if cache else None, full=full
    )


def _answers(index: Path, queries: list[str]) -> list:
    from build_tools.search.engine import Engine
    from build_tools.search.request import SearchRequest

    engine = Engine(index)
    try:
        return [
            [(hit.slug, hit.url, round(hit.score, 9)) for hit in engine.search(SearchRequest(query=query, limit=50)).results] + [engine.search(SearchRequest(query=query)).total]
            for query in queries
        ]
    finally:
        engine.close()


NAVIGATION = {
    f"{page}.md"
    for page in ("index", "search/index", "match/index", "calendar/index", "topics/index", "departments/index", "audiences/index")
    + ("regions/index", "years/index", "faq/index", "qa/index", "subscribe/index")
}


def _rendered_pages(monkeypatch) -> list[str]:
    """The src paths of the pages MkDocs renders from now on (a kept page is skipped)."""
    from mkdocs.commands import build as mkdocs_build

    rendered: list[str] = []
    original = mkdocs_build._build_page

    def counting(page, config, *args, **kwargs):
        if page.file.is_modified():
            rendered.append(page.file.src_uri)
        return original(page, config, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", counting)
    return rendered


QUERIES = ["稳岗返还", "经济", "中小企业 贷款", "退税", "到账", "資金支持", "苏政发〔2023〕1号", "修订"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_incremental_build_writes_what_a_full_build_writes(content, tmp_path, seed):
    tree = Tree(content, random.Random(seed))
    build(_options(tmp_path, content, "site", tree.today, cache=True))
    steps = []
    for _ in range(5):
        steps.append(tree.edit())
        build(_options(tmp_path, content, "site", tree.today, cache=True))
        shutil.rmtree(tmp_path / "full", ignore_errors=True)
        shutil.rmtree(tmp_path / "full_index", ignore_errors=True)
        build(_options(tmp_path, content, "full", tree.today, cache=False))
        where = f"seed {seed}, after: {'; '.join(steps)}"
        assert digest(tmp_path / "site") == digest(tmp_path / "full"), where
        assert _answers(tmp_path / "site_index", QUERIES) == _answers(tmp_path / "full_index", QUERIES), where


def test_an_unchanged_tree_renders_only_the_navigation_and_runs_or_joins_no_index_again(content, tmp_path, monkeypatch):
    from build_tools.indexes.pagefind import service
    from build_tools.indexes.whoosh import writing

    build(_options(tmp_path, content, "site", BUILD_DATE, cache=True))
    before = digest(tmp_path / "site")
    ran: list[str] = []
    monkeypatch.setattr(service, "_Service", lambda: ran.append("pagefind"))  # a run of Pagefind would fail the build
    monkeypatch.setattr(writing, "_write_segment", lambda *a: ran.append("whoosh"))
    monkeypatch.setattr(service.BundleMerger, "add", lambda self, files: ran.append("join"))  # the joined bundle is the record's
    rendered = _rendered_pages(monkeypatch)
    build(_options(tmp_path, content, "site", BUILD_DATE, cache=True))
    assert ran == []
    assert digest(tmp_path / "site") == before
    assert set(rendered) == NAVIGATION


def test_a_body_edit_renders_that_explainer_alone_besides_the_navigation(content, tmp_path, monkeypatch):
    build(_options(tmp_path, content, "site", BUILD_DATE, cache=True))
    path = content / "policies" / "refund-2023.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明：以官方发布为准。\n", encoding="utf-8")
    rendered = _rendered_pages(monkeypatch)
    build(_options(tmp_path, content, "site", BUILD_DATE, cache=True))
    assert [src for src in rendered if src not in NAVIGATION] == ["policies/refund-2023.md"]


def test_the_faq_is_assembled_again_only_when_what_it_is_made_of_changed(content, tmp_path, monkeypatch):
    from build_tools.faq import kept

    build(_options(tmp_path, content, "site", BUILD_DATE, cache=True))
    assembled: list[int] = []
    assemble = kept.assemble_faq
    monkeypatch.setattr(kept, "assemble_faq", lambda *a, **k: assembled.append(1) or assemble(*a, **k))
    build(_options(tmp_path, content, "site", BUILD_DATE + dt.timedelta(days=30), cache=True))  # the daily rebuild
    assert assembled == []
    session = content / "qa" / "live-2023.md"
    session.write_text(session.read_text(encoding="utf-8") + QUESTION.format(n=1), encoding="utf-8")
    build(_options(tmp_path, content, "site", BUILD_DATE + dt.timedelta(days=30), cache=True))
    assert assembled == [1]
    body = next((content / "policies").rglob("*.md"))
    body.write_text(body.read_text(encoding="utf-8") + "\n补充说明：以官方发布为准。\n", encoding="utf-8")
    build(_options(tmp_path, content, "site", BUILD_DATE + dt.timedelta(days=30), cache=True))
    assert assembled == [1]  # a body edit: the record's entries, those the body decides linked again (relink_faq)
    shutil.rmtree(tmp_path / "full", ignore_errors=True)
    build(_options(tmp_path, content, "full", BUILD_DATE + dt.timedelta(days=30), cache=False))
    assert digest(tmp_path / "site") == digest(tmp_path / "full")


def test_a_record_of_other_settings_is_ignored_with_one_line(content, tmp_path):
    import io

    build(_options(tmp_path, content, "site", BUILD_DATE, cache=True))
    key = tmp_path / "site_cache" / RECORD / KEY_FILE
    key.write_text(key.read_text(encoding="utf-8").replace('"settings": "', '"settings": "0'), encoding="utf-8")
    said = io.StringIO()
    build(_options(tmp_path, content, "site", BUILD_DATE, cache=True), Progress(said))
    lines = [line for line in said.getvalue().splitlines() if "build record" in line]
    assert len(lines) == 1 and "other site settings" in lines[0] and "building everything" in lines[0]


def test_a_missing_or_broken_record_means_a_full_build(content, tmp_path):
    build(_options(tmp_path, content, "site", BUILD_DATE, cache=True))
    expected = digest(tmp_path / "site")
    (tmp_path / "site_cache" / RECORD / KEY_FILE).write_text("{not json", encoding="utf-8")
    build(_options(tmp_path, content, "site", BUILD_DATE, cache=True))
    assert digest(tmp_path / "site") == expected
    shutil.rmtree(tmp_path / "site_cache")
    build(_options(tmp_path, content, "site", BUILD_DATE, cache=True))
    assert digest(tmp_path / "site") == expected
    assert (tmp_path / "site_cache" / RECORD / KEY_FILE).is_file()


def test_a_failed_build_leaves_the_record_as_it_was(content, tmp_path):
    from build_tools.errors import ContentError

    build(_options(tmp_path, content, "site", BUILD_DATE, cache=True))
    record = digest(tmp_path / "site_cache" / RECORD)
    write(content, "policies/broken.md", "---\ntitle: 缺少字段\n---\n正文\n")
    with pytest.raises(ContentError):
        build(_options(tmp_path, content, "site", BUILD_DATE, cache=True))
    assert digest(tmp_path / "site_cache" / RECORD) == record


def test_the_preview_writes_its_search_indexes_from_its_record_as_the_build_does(content, tmp_path):
    """`policy serve` indexes a save the way `policy build` does with its record: the runs the save did not
    touch are taken from the last run's, and the result is what indexing everything again writes."""
    from build_tools.build.preview import PreviewState, SearchRecords, write_search_indexes
    from build_tools.indexes.pagefind.service import read_files

    state, records = PreviewState(), SearchRecords(tmp_path / "records")

    def indexed(name: str, with_record: bool = True):
        site = state.run(content, BUILD_DATE)
        record = records.start() if with_record else None
        (tmp_path / f"{name}_index").mkdir()
        count = write_search_indexes(site, tmp_path / name, tmp_path / f"{name}_index", record)
        if record is not None:
            records.written(record)
        return count, record

    first_count, first = indexed("first")
    path = content / "policies" / "economy-2023.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n补充说明：以官方发布为准。\n", encoding="utf-8")
    count, _ = indexed("saved")
    indexed("everything", with_record=False)

    assert first_count.made == first_count.runs > 2
    assert 0 < count.made < count.runs == first_count.runs
    assert read_files(tmp_path / "saved") == read_files(tmp_path / "everything")
    assert _answers(tmp_path / "saved_index", QUERIES) == _answers(tmp_path / "everything_index", QUERIES)
    assert first is not None and not first.next.exists()  # replaced, and no run reads it: removed
