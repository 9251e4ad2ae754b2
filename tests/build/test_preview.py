"""preview.py: what `policy serve` does again after a save, and that the result equals a full run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from build_tools.build import preview as preview_module
from build_tools.pages import generate as pages_module
from build_tools.build.pipeline import run_pipeline
from build_tools.errors import ContentError
from build_tools.build.preview import PreviewState
from conftest import VALID_EXPLAINER, save, write

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def full_runs(monkeypatch):
    """Counts the runs of the whole pipeline after loading (the rest is the preview's shortcut)."""
    calls = []
    whole = preview_module.whole_run
    monkeypatch.setattr(preview_module, "whole_run", lambda *args: calls.append(1) or whole(*args))
    return calls


def pages_of(site) -> dict[str, str]:
    return {page.src_path: page.markdown for page in site.pages}


def test_a_body_edit_renders_that_explainer_page_alone(content, full_runs, monkeypatch):
    state = PreviewState()
    first = state.run(content, TODAY)
    state.showing(state.changes(first.pages))
    source = content / "policies/economy-2022.md"
    save(source, source.read_text(encoding="utf-8") + "\n新的一段正文。\n")
    rendered = []  # pages made from their templates (a page's Markdown is made when read: models.Page)
    render = pages_module._Renderer._markdown
    monkeypatch.setattr(pages_module._Renderer, "_markdown", lambda self, path, *rest: rendered.append(path) or render(self, path, *rest))

    site = state.run(content, TODAY)
    changes = state.changes(site.pages)
    state.changes(site.pages)  # compared again: nothing made again

    assert rendered == ["policies/economy-2022.md"]
    assert len(full_runs) == 1  # the first run only
    assert [page.src_path for page in changes.changed] == ["policies/economy-2022.md"]
    assert changes.same_pages
    assert "新的一段正文" in changes.changed[0].markdown


def test_a_body_edit_gives_the_pages_of_a_full_run(content, full_runs):
    state = PreviewState()
    state.run(content, TODAY)
    source = content / "policies/economy-2023.md"
    save(source, source.read_text(encoding="utf-8") + "\n另见[2022年的措施](economy-2022.md)。\n")

    incremental = state.run(content, TODAY)

    assert len(full_runs) == 1
    assert pages_of(incremental) == pages_of(run_pipeline(content, TODAY))
    assert incremental.last_changed == run_pipeline(content, TODAY).last_changed


def test_a_broken_link_in_an_edited_body_is_an_error_at_its_line(content):
    state = PreviewState()
    state.run(content, TODAY)
    source = content / "policies/economy-2022.md"
    good = source.read_text(encoding="utf-8")
    save(source, good + "\n见[不存在的页面](nowhere.md)。\n")

    with pytest.raises(ContentError) as error:
        state.run(content, TODAY)

    broken = [issue for issue in error.value.issues if issue.is_error]
    assert [(Path(i.path).name, i.field) for i in broken] == [("economy-2022.md", "body")]
    assert broken[0].line == len((good + "\n见").splitlines())
    save(source, good + "\n修好了。\n")
    assert "修好了" in pages_of(state.run(content, TODAY))["policies/economy-2022.md"]


def test_a_front_matter_edit_runs_the_whole_pipeline(content, full_runs):
    state = PreviewState()
    state.run(content, TODAY)
    source = content / "policies/economy-2022.md"
    save(source, source.read_text(encoding="utf-8").replace("title: 2022年稳经济措施解读", "title: 2022年稳经济措施（修订）解读"))

    site = state.run(content, TODAY)

    assert len(full_runs) == 2
    assert pages_of(site) == pages_of(run_pipeline(content, TODAY))
    changed = {page.src_path for page in state.changes(site.pages).changed}
    assert {"policies/economy-2022.md", "departments/js-fgw.md"} <= changed  # the page and the lists that show the title


def test_an_added_explainer_is_a_new_page(content, full_runs):
    state = PreviewState()
    first = state.run(content, TODAY)
    state.showing(state.changes(first.pages))
    write(content, "policies/added-later.md", VALID_EXPLAINER)

    changes = state.changes(state.run(content, TODAY).pages)

    assert len(full_runs) == 2
    assert "policies/added-later.md" in changes.added and not changes.removed
    state.showing(changes)
    (content / "policies/added-later.md").unlink()
    assert state.changes(state.run(content, TODAY).pages).removed == {"policies/added-later.md"}


def test_error_pages_replace_only_themselves_and_are_rendered_again_once_fixed(content):
    state = PreviewState()
    first = state.run(content, TODAY)
    state.showing(state.changes(first.pages))
    error = [type(first.pages[0])("index.md", "内容有错误", "errors")]

    shown_errors = state.changes(error, complete=False)
    state.showing(shown_errors)

    assert [p.src_path for p in shown_errors.changed] == ["index.md"] and shown_errors.same_pages
    again = state.changes(state.run(content, TODAY).pages)
    assert [p.src_path for p in again.changed] == ["index.md"]


def test_an_edit_to_a_file_with_warnings_is_checked_with_everything(content, full_runs):
    source = write(content, "policies/empty-body.md", VALID_EXPLAINER.replace("正文。\n", ""))  # warned: the body is empty
    state = PreviewState()
    state.run(content, TODAY)
    save(source, VALID_EXPLAINER)

    site = state.run(content, TODAY)

    assert len(full_runs) == 2
    assert not [issue for issue in site.issues if issue.path.endswith("empty-body.md")]


def test_a_search_record_stays_while_a_run_reads_it_and_goes_once_a_newer_one_is_written(tmp_path):
    from build_tools.build.preview import SearchRecords

    records = SearchRecords(tmp_path)

    def started():
        record = records.start()
        record.next.mkdir(parents=True)
        return record

    first = started()
    records.written(first)
    stopped, saved = started(), started()  # a save stopped by the next one: both read the first record
    records.failed(stopped)
    assert first.next.exists() and not stopped.next.exists()
    records.written(saved)
    assert records.last == saved.next and not first.next.exists()
    older, newer = started(), started()  # the older finishes while the newer still reads saved's record
    records.written(older)
    assert saved.next.exists() and records.last == older.next
    records.written(newer)
    assert records.last == newer.next and [p.name for p in tmp_path.iterdir()] == [newer.next.name]
