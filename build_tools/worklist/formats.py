"""A WorkQueue → text for a terminal, Markdown for a CI job summary, or JSON for tools.

Every text in the queue is printed as text: the Markdown escapes what Markdown or HTML would
read as markup (a question of the public may hold `<b>急</b>` or `*`), and lists in it stop at
MARKDOWN_ITEMS per kind (a job summary holds at most 1 MiB; the text and JSON formats list all).
"""

from __future__ import annotations

import html
import json
import re

from build_tools.worklist.queue import Category, Item, WorkQueue

MARKDOWN_ITEMS = 100
# What starts markup inside a line (the text never starts one: it follows "- " or a path); < and & are HTML-escaped.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def format_text(queue: WorkQueue) -> str:
    """A heading per kind of work, then one `path:line: title — detail` line per thing."""
    lines = [f"编辑待办（{queue.today}）：共 {queue.total} 项 / editors' work queue on {queue.today}: {queue.total} item(s)"]
    for category in queue.categories:
        lines += ["", f"{category.title}（{category.count}）", f"  {category.advice}"]
        lines += [line for item in category.items for line in _text_lines(item, "  ")] or ["  无 / none"]
    return "\n".join(lines)


def _text_lines(item: Item, indent: str) -> list[str]:
    return [
        f"{indent}{_where(item)}{item.title}" + (f" — {item.detail}" if item.detail else ""),
        *(line for child in item.items for line in _text_lines(child, indent + "    ")),
    ]


def _where(item: Item) -> str:
    return f"{item.path}:{item.line}: " if item.path else ""


def format_markdown(queue: WorkQueue) -> str:
    """A table of counts, then a section per kind of work that has any: for $GITHUB_STEP_SUMMARY or a merge request."""
    lines = [f"## 编辑待办（{queue.today}）", "", "| 待办 | 数量 |", "|---|---:|"]
    lines += [f"| {_markdown(category.title)} | {category.count} |" for category in queue.categories]
    for category in queue.categories:
        if not category.items:
            continue
        lines += ["", f"### {_markdown(category.title)}（{category.count}）", "", _markdown(category.advice), ""]
        for item in category.items[:MARKDOWN_ITEMS]:
            lines.append(f"- {_markdown_item(item)}")
            lines += [f"  - {_markdown_item(child)}" for child in item.items[:MARKDOWN_ITEMS]]
            if len(item.items) > MARKDOWN_ITEMS:
                lines.append(f"  - …另有 {len(item.items) - MARKDOWN_ITEMS} 项（policy report 列出全部）")
        if len(category.items) > MARKDOWN_ITEMS:
            lines.append(f"- …另有 {len(category.items) - MARKDOWN_ITEMS} 项（policy report 列出全部）")
    return "\n".join(lines) + "\n"


def _markdown_item(item: Item) -> str:
    where = f"`{item.path}:{item.line}` " if item.path else ""  # a path holds no backtick: slugs are checked
    return where + _markdown(item.title) + (f" — {_markdown(item.detail)}" if item.detail else "")


def _markdown(text: str) -> str:
    """Text shown as it is: HTML escaped, Markdown's punctuation backslashed, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def format_json(queue: WorkQueue) -> str:
    """{today, total, counts, categories: [{key, title, advice, count, items: [{path, line, title, detail, id, items}]}]}."""
    document = {
        "today": queue.today.isoformat(),
        "total": queue.total,
        "counts": {category.key: category.count for category in queue.categories},
        "categories": [_json_category(category) for category in queue.categories],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _json_category(category: Category) -> dict:
    return {"key": category.key, "title": category.title, "advice": category.advice, "count": category.count, "items": [_json_item(i) for i in category.items]}


def _json_item(item: Item) -> dict:
    document: dict = {"path": item.path, "line": item.line, "title": item.title, "detail": item.detail, "id": item.id}
    if item.items:
        document["items"] = [_json_item(child) for child in item.items]
    return document


FORMATS = {"text": format_text, "markdown": format_markdown, "json": format_json}
