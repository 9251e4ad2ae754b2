"""A search document → the HTML record Pagefind indexes: tokens, meta, filters.

Records are not the site's pages: they are small HTML documents handed to
Pagefind with the pages' URLs, so results link to the pages while the pages
stay exactly as MkDocs wrote them. There is no date sort: records are given
to Pagefind oldest first, so page number order is date order. Meta and
filter values go in attributes, so they are stored but never indexed as words.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from build_tools.indexes.documents import SearchDocument, script_of, twin_key
from build_tools.indexes.pagefind.tokens import weighted_texts
from build_tools.models import Status
from build_tools.text.analysis import Analyzer

# Filters the search page shows as facets, in this order; `kind` is ready for FAQ pages.
# Every value costs the first query bytes (Pagefind loads all filters to count them), so
# the matching rules are built from these with compound filters, not extra filters.
FACETS = ("kind", "status", "region", "topic", "audience", "department", "year")


def filters_of(document: SearchDocument) -> dict[str, tuple[str, ...]]:
    """Filter values of a document; `region` holds the region and every region above it,
    so choosing a region also finds the documents of its sub-regions. `status` is left
    out for documents in force: the search page's default (in force) is "none of the other
    statuses", so the first query downloads the list of the few lapsed pages, not of all."""
    return {
        "kind": (document.kind,),
        "status": () if document.status == Status.IN_FORCE.value else (document.status,),
        "region": document.region_path,
        "topic": document.topics,
        "audience": document.audience,
        "department": document.department,
        "year": (str(document.published.year),),
    }


# Pagefind indexes metadata values as words too: values of ours start with a Han character, so
# that no query token (ASCII letters and digits) can be the start of one.
MARK = "址"


def meta_of(document: SearchDocument) -> dict[str, str]:
    """What a result shows without opening the page; for an explainer also its twin key and script,
    for a FAQ entry the explainer its answer relies on (when the search document names it)."""
    meta = {
        "title": document.title,
        "kind": document.kind,
        "department": "、".join(document.department),
        "region": document.region,
        "status": document.status,
        "date": document.published.isoformat(),
        "summary": document.summary,
    }
    if document.kind == "policy":
        meta["twin"] = MARK + twin_key(document)  # marked: a hex key may start with a digit
        meta["script"] = script_of(document)
        extra = document.extra or {}  # how to apply (indexes/documents.py): only what the explainer says; marked, as they may start with digits
        shown = {"deadline": extra.get("deadline"), "amount": extra.get("amount")}
        meta |= {key: MARK + value for key, value in shown.items() if value}
        if extra.get("badges"):
            meta["badges"] = "、".join(extra["badges"])
    else:
        policy = _relied_on(document)
        if policy:
            meta["policy"], meta["policy_url"] = policy[0], MARK + policy[1]
    return meta


def _relied_on(document: SearchDocument) -> tuple[str, str] | None:
    """(title, URL) of the first explainer a FAQ entry's answer relies on, if its document says."""
    extra = document.extra or {}
    single = extra.get("policy")
    if isinstance(single, dict) and single.get("title") and (single.get("url") or single.get("slug")):
        return single["title"], single.get("url") or f"policies/{single['slug']}/"
    for key in ("policies", "links"):
        for item in extra.get(key) or ():
            if isinstance(item, dict) and item.get("title") and (item.get("url") or item.get("slug")):
                return item["title"], item.get("url") or f"policies/{item['slug']}/"
    return None


def record_html(analyzer: Analyzer, document: SearchDocument, common: dict[str, int] | None = None) -> str:
    """The record of one document, as Pagefind reads it; `common`: see tokens.weighted_texts."""
    return page_html(meta_of(document), filters_of(document), body_of(analyzer, document, common))


def body_of(analyzer: Analyzer, document: SearchDocument, common: dict[str, int] | None = None, once: bool = False) -> list[str]:
    """A document's words as paragraphs of tokens, each with its weight (`once`: see tokens.weighted_texts)."""
    return [f'<p data-pagefind-weight="{text.weight}">{text.tokens}</p>' for text in weighted_texts(analyzer, document, common, once)]


def page_html(meta: dict[str, str], filters: dict[str, tuple[str, ...]], body: list[str]) -> str:
    """A record: its metadata and filter values in attributes, then `body` (HTML lines) as the indexed part."""
    # lang "und": the words are segmented already; Pagefind's own Chinese segmentation would only
    # slow it down (7× on 438 records) and move word positions. The browser, finding no "zh"
    # index, loads the only one there is.
    lines = ['<!doctype html><html lang="und"><head><meta charset="utf-8"><title>-</title></head><body>']
    lines += _attribute_elements("data-pagefind-meta", meta.items())
    lines += _attribute_elements("data-pagefind-filter", ((name, value) for name, values in filters.items() for value in values))
    lines.append("<main data-pagefind-body>")
    lines += body
    lines.append("</main></body></html>\n")
    return "\n".join(lines)


def _attribute_elements(attribute: str, pairs: Iterable[tuple[str, str]]) -> list[str]:
    return [f'<meta {attribute}="{name}[content]" content="{html.escape(value, quote=True)}">' for name, value in pairs if value]
