"""search/engine.py: the best policies by BM25 re-ranked by their best passage (the query's words close together)."""

from __future__ import annotations

import datetime as dt

from build_tools.indexes.documents import SearchDocument
from build_tools.indexes.whoosh.writing import write_index
from build_tools.search.engine import Engine, passage_share
from build_tools.search.request import SearchRequest
from build_tools.text.analysis import Analyzer

FILLER = "本市持续优化营商环境，推进各项改革任务落实落地。" * 12  # about 300 characters with none of the query's words


def test_words_within_the_width_give_the_whole_share():
    positions = [{"社保": 1.0}, {"缓缴": 2.0}]
    assert passage_share("企业可以申请社保缓缴", positions, 20) == 1.0


def test_words_further_apart_than_the_width_give_the_share_of_the_heavier_word():
    positions = [{"社保": 1.0}, {"缓缴": 2.0}]
    assert passage_share("社保" + FILLER + "缓缴", positions, 100) == 2.0 / 3.0


def test_a_related_form_counts_with_its_own_lower_weight():
    positions = [{"贷款": 1.0, "担保": 0.2}, {"贴息": 1.0}]
    assert passage_share("担保贴息", positions, 20) == 1.2 / 2.0
    assert passage_share("担保贴息" + FILLER + "贷款贴息", positions, 20) == 1.0


def test_no_word_found_gives_no_share():
    assert passage_share(FILLER, [{"社保": 1.0}, {"缓缴": 1.0}], 100) == 0.0


def _document(slug: str, body: str) -> SearchDocument:
    return SearchDocument(
        id=f"policy:{slug}", kind="policy", slug=slug, url=f"policies/{slug}/", title=f"关于做好有关工作的通知 {slug}",
        summary="", body=body, published=dt.date(2024, 1, 1), status="现行有效", department=("人社厅",),
        region="江苏省", region_path=("江苏省",),
    )


def test_the_policy_that_says_it_in_one_place_comes_first(tmp_path):
    together = _document("together", FILLER + "受疫情影响的中小企业可以申请社保缓缴。" + FILLER)
    gap = FILLER[:110]  # wider than PASSAGE_WIDTH with the words around it
    scattered = _document("scattered", ("中小企业" + gap + "社保" + gap + "缓缴" + gap) * 4)
    others = [_document(f"other{i}", FILLER + "社保" * (i % 2)) for i in range(6)]
    write_index([scattered, together, *others], Analyzer(), {}, tmp_path, workers=1)
    engine = Engine(tmp_path)
    try:
        results = engine.search(SearchRequest(query="中小企业社保缓缴", kind="policy")).results
        assert [hit.slug for hit in results[:2]] == ["together", "scattered"]
        without = type("NoPassages", (Engine,), {"PASSAGE_WEIGHT": 0.0})(tmp_path)
        try:  # the same index ranked by BM25 alone: the test would pass for another reason without this
            assert without.search(SearchRequest(query="中小企业社保缓缴", kind="policy")).results[0].slug == "scattered"
        finally:
            without.close()
    finally:
        engine.close()
