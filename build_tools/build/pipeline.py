"""The one place that shows the order: load → check → derive (statuses, FAQ, last changes) → pages.

`run_pipeline()` gathers everything before anything is written; writers
(site.py, search/) take the returned Site afterwards.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from build_tools.check import check_tree
from build_tools.faq import assemble_faq, stale_warnings, unknown_entry_warnings
from build_tools.runtime.memory import collector_paused
from build_tools.load.history import last_changed
from build_tools.load.tree import LoadedTree
from build_tools.load.cache import load_tree_cached
from build_tools.models import Content, Explainer, Issue, Site, Status
from build_tools.text.analysis import prepare_segmenter

if TYPE_CHECKING:
    from build_tools.build.preview import PreviewState


class ContentError(Exception):
    """The content has errors; `issues` lists all of them (warnings too)."""

    def __init__(self, issues: list[Issue]):
        super().__init__(f"{sum(i.is_error for i in issues)} error(s) in content")
        self.issues = issues


def check_content(content_dir: Path, today: dt.date | None = None) -> tuple[Content, list[Issue]]:
    """Load and check everything under `content_dir`.

    With `today`, also warn about FAQ answers whose policy is no longer in force.
    """
    if today:
        prepare_segmenter()  # the FAQ segments every question: its dictionary is read while the files are
    with collector_paused():
        content, issues = check_tree(load_tree_cached(content_dir))
        if today and not any(issue.is_error for issue in issues):
            issues = sorted(derive(content, today, issues, suggest=False).issues, key=lambda i: (i.path, i.line))
    return content, issues


BeforeFAQ = Callable[["Site"], None]


def run_pipeline(content_dir: Path, today: dt.date, preview: PreviewState | None = None, pages: bool = True,
                 before_faq: BeforeFAQ | None = None) -> Site:
    """Check the content and derive the site as of `today`; raise ContentError on errors.

    `preview` (policy serve) keeps what did not change since its last run: files,
    the FAQ, and after edits to explainers' bodies alone everything but those (preview.py).
    `pages` False leaves the last step to the caller (`add_pages`): `policy build` starts
    the search indexes, which need no pages, first. `before_faq` is handed the site
    before its FAQ is assembled: `policy build` indexes the explainers meanwhile.
    """
    if preview is not None:
        return preview.run(content_dir, today)
    return site_from(load_tree_cached(content_dir), today, pages=pages, before_faq=before_faq)


def site_from(tree: LoadedTree, today: dt.date, preview: PreviewState | None = None, pages: bool = True,
              before_faq: BeforeFAQ | None = None) -> Site:
    """The whole pipeline after loading: check, derive, last changes, pages."""
    content, issues = check_tree(tree)
    if any(issue.is_error for issue in issues):
        raise ContentError(issues)
    site = derive(content, today, issues, preview, before_faq=before_faq)
    site.last_changed = changed_dates(content, site.explainers, today)
    if pages:
        add_pages(site)
    return site


def add_pages(site: Site) -> None:
    """The last step: the site's pages, from everything derived before."""
    from build_tools.pages.generate import generate_pages  # templates, Markdown, pinyin: not needed by `policy check`

    site.pages = generate_pages(site)


def changed_dates(content: Content, explainers: list[Explainer], today: dt.date) -> dict[str, dt.date]:
    """Slug → when its file last changed, never before it was published nor after the build date."""
    changed = last_changed(content.root, [e.path for e in explainers])
    return {e.slug: min(max(changed[e.path], e.published), today) for e in explainers}


def derive(content: Content, today: dt.date, issues: list[Issue], preview: PreviewState | None = None, suggest: bool = True,
           before_faq: BeforeFAQ | None = None) -> Site:
    """Everything that follows from the content and the date: what is out, statuses, the FAQ.

    `suggest` off leaves out the FAQ's suggested links and topics, which no check reads (see assemble_faq).
    """
    explainers = published_explainers(content, today)
    superseded_by = replacements(explainers)
    status = {e.slug: status_on(e, today, superseded_by) for e in explainers}
    site = Site(content, today, explainers, status, superseded_by, pages=[], issues=issues, faq=[])
    if before_faq is not None:
        before_faq(site)
    site.faq = preview.faq(content, explainers) if preview else assemble_faq(content, explainers, suggest=suggest)
    site.issues = [*issues, *stale_warnings(site.faq, status, superseded_by), *unknown_entry_warnings(content, site.faq)]
    return site


def published_explainers(content: Content, today: dt.date) -> list[Explainer]:
    """Explainers visible on `today`, newest first (ties by slug, for stable output)."""
    visible = [e for e in content.explainers if e.is_published(today)]
    return sorted(visible, key=lambda e: (-e.published.toordinal(), e.slug))


def replacements(explainers: list[Explainer]) -> dict[str, str]:
    """Slug → slug of the newest published explainer that supersedes it."""
    replaced: dict[str, str] = {}
    for explainer in reversed(explainers):  # oldest first, so the newest wins
        for old in explainer.supersedes:
            replaced[old] = explainer.slug
    return replaced


def status_on(explainer: Explainer, today: dt.date, superseded_by: dict[str, str]) -> Status:
    if explainer.slug in superseded_by:
        return Status.SUPERSEDED
    if explainer.effective and today < explainer.effective:
        return Status.UPCOMING
    if explainer.expires and today > explainer.expires:
        return Status.EXPIRED
    return Status.IN_FORCE
