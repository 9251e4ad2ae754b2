"""Rules across documents: unique slugs, references that exist, no supersede cycles, no explainer published twice."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from build_tools.check.fields import LIST_SEPARATORS, did_you_mean
from build_tools.load.tree import RawDocument
from build_tools.models import Explainer, Issue
from build_tools.text.analysis import DOCNUM, normalise_docnum


def unique_slugs(documents: list[RawDocument], issues: list[Issue]) -> None:
    """Report every document whose slug another document uses too."""
    by_slug: dict[str, list[RawDocument]] = defaultdict(list)
    for document in documents:
        by_slug[document.slug].append(document)
    for slug, same in by_slug.items():
        if len(same) < 2:
            continue
        free = next(f"{slug}-{n}" for n in range(2, len(by_slug) + 3) if f"{slug}-{n}" not in by_slug)
        for document in same:
            others = ", ".join(d.shown for d in same if d is not document)
            issues.append(
                Issue(
                    document.shown,
                    1,
                    "slug",
                    f"slug“{slug}”重复，也用于 {others}，请给其中一个文件改名，例如 {free}.md / "
                    f"slug '{slug}' is also used by {others}: rename one of the files, e.g. to {free}.md",
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
    # an item written as several ([a，b]: its form is the field check's to report) is checked as those
    items = [(index, part) for index, slug in enumerate(slugs) if isinstance(slug, str) for part in LIST_SEPARATORS.split(slug) if part]
    for index, slug in items:
        line = document.line_of(f"{key}.{index}")
        if slug == own:
            issues.append(Issue(document.shown, line, key, f"不能引用自身“{slug}” / '{slug}' refers to this explainer itself: remove it"))
        elif slug not in known:
            zh, en = did_you_mean(slug, known - {own} if own else known)  # never the document itself: that is an error too
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


_SPACE = re.compile(r"\s+")


def comparable_text(text: str) -> str:
    """A title or 文号 as compared: full-width forms folded (NFKC), no spaces; a 文号 in the one
    canonical form search gives it (any kind of bracket around the year)."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    match = DOCNUM.fullmatch(folded)
    return normalise_docnum(match["prefix"] or "", match["year"], match["number"]) if match else folded


def duplicate_groups(explainers: list[Explainer]) -> list[list[Explainer]]:
    """Explainers (drafts aside) that share a title and a 文号: the groups of two or more,
    each oldest first (published date, then slug), in the order of their first slug."""
    groups: dict[tuple[str, str], list[Explainer]] = defaultdict(list)
    for explainer in explainers:
        if not explainer.draft and explainer.policy and explainer.policy.number:
            groups[(comparable_text(explainer.title), comparable_text(explainer.policy.number))].append(explainer)
    same = [sorted(group, key=lambda e: (e.published, e.slug)) for group in groups.values() if len(group) > 1]
    return sorted(same, key=lambda group: group[0].slug)


def published_once(explainers: list[Explainer], documents: dict[str, RawDocument], issues: list[Issue]) -> None:
    """Two explainers (drafts aside) with the same title and the same 文号 are one explainer published twice,
    unless one replaces the other (`supersedes`): each is reported, naming the other and the fix."""
    for same in duplicate_groups(explainers):
        for explainer in same:
            others = [o for o in same if o is not explainer and o.slug not in explainer.supersedes and explainer.slug not in o.supersedes]
            if not others:
                continue
            document = documents[str(explainer.path)]
            shown = ", ".join(documents[str(o.path)].shown for o in others)
            other = others[0]
            newer, older = sorted((explainer, other), key=lambda e: (e.published, e.slug))[::-1]
            where_zh = "本文件" if newer is explainer else f" {documents[str(newer.path)].shown} "
            where_en = "this file" if newer is explainer else documents[str(newer.path)].shown
            number = explainer.policy.number if explainer.policy else ""
            issues.append(
                Issue(
                    document.shown,
                    document.line_of("policy.number"),
                    "policy.number",
                    f"与 {shown} 的标题和文号（{number}）都相同，同一篇解读不能发布两次：请删除其中一个文件，"
                    f"或在较新的{where_zh}的 supersedes 中写上 {older.slug}（supersedes: [{older.slug}]） / "
                    f"same title and document number ({number}) as {shown}: the same explainer would be published twice; "
                    f"delete one of the files, or let the newer one replace the older: "
                    f"add {older.slug} to the supersedes of {where_en} (supersedes: [{older.slug}])",
                )
            )
