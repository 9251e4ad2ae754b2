"""The steps from content to a Site, each a function: load → check → dates → FAQ → last changes → pages.

Everything is gathered before anything is written; the writers (site/,
indexes/) take the returned Site afterwards. `policy check`, `policy build`,
the preview and a plain `mkdocs build` call these same steps: `run_pipeline`
in order, the others one by one where they do something between two of them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from build_tools.check import check_tree
from build_tools.check.validity import DEFAULT_YEARS, validity_warnings
from build_tools.errors import ContentError
from build_tools.faq import assemble_faq, stale_warnings, unknown_entry_warnings
from build_tools.load.cache import load_tree_cached
from build_tools.load.history import last_changed
from build_tools.load.tree import LoadedTree
from build_tools.models import Content, Explainer, FAQEntry, Issue, Site, Status
from build_tools.runtime.memory import collector_paused
from build_tools.text.analysis import prepare_segmenter


def check_content(content_dir: Path, today: dt.date | None = None, validity_years: int = DEFAULT_YEARS) -> tuple[Content, list[Issue]]:
    """Load and check everything under `content_dir` (`policy check`).

    With `today`, also warn about FAQ answers whose policy is no longer in force, and about explainers
    without `expires` older than `validity_years` or past the term their body states (check/validity.py).
    """
    if today:
        prepare_segmenter()  # the FAQ segments every question: its dictionary is read while the files are
    with collector_paused():
        content, issues = check_tree(load_tree_cached(content_dir))
        if today and not any(issue.is_error for issue in issues):
            site = dated(content, issues, today, validity_years)
            with_faq(site, assemble_faq(content, site.explainers, suggest=False))  # no check reads the suggestions
            issues = sorted(site.issues, key=lambda i: (i.path, i.line))
    return content, issues


def run_pipeline(content_dir: Path, today: dt.date) -> Site:
    """Every step, in order: the whole Site as of `today`, pages included; raise ContentError on errors."""
    site = dated(*checked(load_tree_cached(content_dir)), today)
    with_faq(site, assemble_faq(site.content, site.explainers))
    add_last_changes(site)
    add_pages(site)
    return site


def checked(tree: LoadedTree) -> tuple[Content, list[Issue]]:
    """The typed content of `tree` and its warnings; raise ContentError when it has errors."""
    content, issues = check_tree(tree)
    if any(issue.is_error for issue in issues):
        raise ContentError(issues)
    return content, issues


def dated(content: Content, issues: list[Issue], today: dt.date, validity_years: int = DEFAULT_YEARS) -> Site:
    """What follows from the content and the date alone: which explainers are out, their statuses, replacements,
    and the warnings about policies in force without `expires` that are likely out of date.

    The Site has no FAQ and no pages yet (`with_faq`, `add_pages`)."""
    explainers = published_explainers(content, today)
    superseded_by = replacements(explainers)
    status = {e.slug: status_on(e, today, superseded_by) for e in explainers}
    issues = [*issues, *validity_warnings(explainers, status, today, validity_years)]
    return Site(content, today, explainers, status, superseded_by, pages=[], issues=issues, faq=[])


def with_faq(site: Site, faq: list[FAQEntry]) -> None:
    """The site's FAQ (assemble_faq, or the preview's unchanged one) and the warnings it gives: stale answers, unknown entries."""
    site.faq = faq
    site.issues = [*site.issues, *stale_warnings(faq, site.status, site.superseded_by), *unknown_entry_warnings(site.content, faq)]


def add_last_changes(site: Site) -> None:
    """When each published explainer last changed (its 最后更新 and feed dates)."""
    site.last_changed = changed_dates(site.content, site.explainers, site.today)


def add_pages(site: Site) -> None:
    """The last step: the site's pages, from everything derived before."""
    from build_tools.pages.generate import generate_pages  # templates, Markdown, pinyin: not needed by `policy check`

    site.pages = generate_pages(site)


def changed_dates(content: Content, explainers: list[Explainer], today: dt.date) -> dict[str, dt.date]:
    """Slug → when its file last changed, never before it was published nor after the build date."""
    changed = last_changed(content.root, [e.path for e in explainers])
    return {e.slug: min(max(changed[e.path], e.published), today) for e in explainers}


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
    """An explainer's status on `today`: replaced, not yet in force, lapsed or in force."""
    if explainer.slug in superseded_by:
        return Status.SUPERSEDED
    if explainer.effective and today < explainer.effective:
        return Status.UPCOMING
    if explainer.expires and today > explainer.expires:
        return Status.EXPIRED
    return Status.IN_FORCE
