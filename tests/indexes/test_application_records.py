"""How to apply in the search records: deadline, amount and badges, in the Pagefind meta and in `policy search`'s hits."""

from __future__ import annotations

import datetime as dt

from build_tools.build.pipeline import run_pipeline
from build_tools.cli import format_response
from build_tools.indexes.documents import documents_of
from build_tools.indexes.pagefind.records import MARK, meta_of
from build_tools.search.request import Hit, SearchResponse
from conftest import VALID_EXPLAINER, write

TODAY = dt.date(2026, 11, 23)


def _documents(content):
    write(
        content,
        "policies/loan-aid.md",
        VALID_EXPLAINER.replace("topics: [财税]\n", "topics: [财税]\napply:\n  start: 2026-11-01\n  end: 2026-12-10\n  amount: 最高200万元\n"),
    )
    return {d.slug: d for d in documents_of(run_pipeline(content, TODAY))}


def test_an_explainer_with_a_window_carries_its_deadline_amount_and_badges(content):
    documents = _documents(content)
    assert documents["loan-aid"].extra == {"deadline": "2026-12-10", "amount": "最高200万元", "badges": ["即将截止"]}
    assert documents["economy-2023"].extra == {}  # no apply: block, nothing added


def test_the_pagefind_meta_has_them_marked_so_no_query_token_matches_them(content):
    meta = meta_of(_documents(content)["loan-aid"])
    assert (meta["deadline"], meta["amount"], meta["badges"]) == (MARK + "2026-12-10", MARK + "最高200万元", "即将截止")
    assert not {"deadline", "amount", "badges"} & set(meta_of(_documents(content)["economy-2023"]))


def test_a_hit_shows_them_in_the_json_and_on_the_terminal():
    hit = Hit(
        "loan-aid",
        "policy",
        "测试解读",
        "policies/loan-aid/",
        1.0,
        "正文",
        "江苏省财政厅",
        "江苏省",
        "现行有效",
        "2023-01-01",
        extra={"deadline": "2026-12-10", "amount": "最高200万元", "badges": ["即将截止"]},
    )
    data = hit.to_json()
    assert (data["deadline"], data["amount"], data["badges"]) == ("2026-12-10", "最高200万元", ["即将截止"])
    plain = Hit("x", "policy", "t", "policies/x/", 1.0, "", "d", "r", "现行有效", "2023-01-01")
    assert "deadline" not in plain.to_json()
    text = format_response(SearchResponse(query="贷款", total=1, results=[hit], facets={}))
    assert "1. 测试解读  [现行有效] [即将截止]" in text and "申报截止：2026-12-10 · 扶持标准：最高200万元" in text
