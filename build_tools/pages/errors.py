"""The preview's error pages: the content's problems shown in the browser, on the pages of the files that have them."""

from __future__ import annotations

import html
from pathlib import Path

from build_tools.check.report import format_text
from build_tools.models import Issue, Page


def error_pages(issues: list[Issue], served: set[str], content_dir: Path) -> list[Page]:
    """The problems on the home page and on the served pages of the files that have errors.

    The rest of the last good site stays served; an author looking at the
    page of the file being edited sees the problem there, without looking for it.
    """
    page = _error_page(issues)
    sources = {_page_of(Path(issue.path), content_dir) for issue in issues if issue.is_error}
    return [page, *(Page(source, page.title, page.markdown) for source in sorted((served - {page.src_path}) & sources))]


def _page_of(path: Path, content_dir: Path) -> str | None:
    """src path of the page a content file is published on (explainers and sessions), else None."""
    try:
        parts = path.resolve().relative_to(content_dir.resolve()).parts
    except ValueError:
        return None
    folder = {"policies": "policies", "qa": "qa"}.get(parts[0]) if len(parts) > 1 else None
    return f"{folder}/{path.stem}.md" if folder else None


def _error_page(issues: list[Issue]) -> Page:
    """In preview, the problems in the browser instead of a stale or broken site."""
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in format_text(issues).splitlines())
    markdown = (
        '---\ntitle: "内容有错误"\n---\n\n'
        '<div class="admonition failure"><p class="admonition-title">内容有错误，修改并保存后页面会自动刷新 / '
        "The content has errors: fix them and save, the page reloads by itself</p>\n"
        f'<ul class="pp-errors">\n{items}\n</ul></div>\n'
    )
    return Page("index.md", "内容有错误", markdown)
