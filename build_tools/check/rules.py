"""Rules across documents: unique slugs, references that exist, no supersede cycles."""

from __future__ import annotations

from collections import defaultdict

from build_tools.check.fields import did_you_mean
from build_tools.load.tree import RawDocument
from build_tools.models import Explainer, Issue


def unique_slugs(documents: list[RawDocument], issues: list[Issue]) -> None:
    """Report every document whose slug another document uses too."""
    by_slug: dict[str, list[RawDocument]] = defaultdict(list)
    for document in documents:
        by_slug[document.slug].append(document)
    for slug, same in by_slug.items():
        for document in same:
            others = ", ".join(d.shown for d in same if d is not document)
            if others:
                issues.append(
                    Issue(
                        document.shown,
                        1,
                        "slug",
                        f"slug“{slug}”重复，也用于 {others}，请给其中一个文件改名 / slug '{slug}' is also used by {others}: rename one of the files",
                    )
                )


def existing_references(documents: list[RawDocument], keys: tuple[str, ...], known: set[str], issues: list[Issue], own_slug: bool) -> None:
    """Every slug listed under `keys` names an explainer file.

    Read from the raw documents, so a file with other errors still has its
    references checked.
    """
    for document in documents:
        data = document.data if isinstance(document.data, dict) else {}
        for key in keys:
            slugs = data.get(key)
            if isinstance(slugs, list):
                _check_slugs(document, key, slugs, known, document.slug if own_slug else None, issues)


def _check_slugs(document: RawDocument, key: str, slugs: list, known: set[str], own: str | None, issues: list[Issue]) -> None:
    for index, slug in enumerate(slugs):
        if not isinstance(slug, str):
            continue  # reported by the field check
        line = document.line_of(f"{key}.{index}")
        if slug == own:
            issues.append(Issue(document.shown, line, key, f"不能引用自身“{slug}” / '{slug}' refers to this explainer itself: remove it"))
        elif slug not in known:
            zh, en = did_you_mean(slug, known)
            issues.append(
                Issue(
                    document.shown,
                    line,
                    key,
                    f"找不到政策解读“{slug}”{zh or '，请检查拼写或删除'} / no explainer with slug '{slug}'{en or ': fix the spelling or remove it'}",
                )
            )


def supersede_cycles(explainers: list[Explainer], documents: dict[str, RawDocument], issues: list[Issue]) -> None:
    """A chain of `supersedes` must not lead back to where it started."""
    graph = {e.slug: e for e in explainers}
    reported: set[frozenset[str]] = set()
    for start in graph:
        path = _cycle_from(start, graph)
        if path and frozenset(path) not in reported:
            reported.add(frozenset(path))
            first = graph[path[0]]
            document = documents[str(first.path)]
            chain = " → ".join([*path, path[0]])
            issues.append(
                Issue(
                    document.shown,
                    document.line_of("supersedes"),
                    "supersedes",
                    f"替代关系形成循环：{chain}，请删除其中一处 supersedes / supersedes forms a cycle: {chain}: remove one of these supersedes entries",
                )
            )


def _cycle_from(start: str, graph: dict[str, Explainer]) -> list[str] | None:
    """The cycle reachable from `start` through supersedes, if `start` is on one."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        slug, path = stack.pop()
        for target in graph[slug].supersedes if slug in graph else ():
            if target == start and target != slug:
                return path
            if target not in seen and target in graph:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None
