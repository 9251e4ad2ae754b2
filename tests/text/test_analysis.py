"""search/analysis.py: each analysis step on its own, then the chain."""

from __future__ import annotations

import pickle

import pytest

from build_tools.text.analysis import SYNONYM_BOOST, SYNONYM_PREFIX, Analyzer, fold


def texts(text: str, mode: str = "index", analyzer: Analyzer | None = None) -> list[str]:
    return [t.text for t in (analyzer or Analyzer()).analyze(text, mode)]


def test_fold_traditional_full_width_and_case_keeping_length():
    source = "中小企業稅收ＡＢＣ１２３　緩繳"
    folded = fold(source)
    assert folded == "中小企业税收abc123 缓缴"
    assert len(folded) == len(source)


def test_segmentation_gives_overlapping_sub_words():
    assert {"融资", "担保"} <= set(texts("融资担保"))
    assert {"中小", "企业", "小企业", "中小企业"} <= set(texts("中小企业"))


def test_stop_words_and_punctuation_are_dropped():
    assert texts("疫情期间社保能缓缴吗？", "query") == ["疫情", "期间", "社保", "缓缴"]


@pytest.mark.parametrize(
    "written", ["国办发〔2019〕6号", "国办发[2019]6号", "国办发（2019）6号", "国办发 [ 2019 ] 6 号", "国办发【2019】第6号", "國辦發〔2019〕6號"]
)
def test_document_numbers_match_whatever_brackets_or_spaces(written):
    assert "国办发〔2019〕6号" in texts(written, "query")


def test_document_number_glued_to_preceding_words_is_still_found():
    indexed = texts("根据国办发〔2019〕6号文件要求")
    assert "国办发〔2019〕6号" in indexed
    assert "国发〔2019〕6号" not in indexed  # another issuer's number stays apart


def test_a_public_notice_number_written_out_is_a_document_number_in_the_index():
    indexed = texts("根据财政部 税务总局公告2020年第8号规定，企业可以……")
    assert "税务总局公告〔2020〕8号" in indexed
    assert set(texts("税务总局公告〔2020〕8号", "query")) & set(indexed)  # the bracketed query finds it
    assert not [t for t in texts("截至2020年第3季度，全年第5号") if "〔" in t]  # no 号 after the number, no year: no 文号


def test_a_query_does_not_match_other_issuers_numbers():
    query = set(texts("国办发〔2019〕6号", "query"))
    assert "发〔2019〕6号" not in query and "〔2019〕6号" not in query


def test_synonyms_share_a_group_token_with_lower_weight():
    analyzer = Analyzer([["金融", "融资", "贷款", "信贷"]])
    loan = {t.text: t.boost for t in analyzer.analyze("贷款", "query")}
    credit = {t.text: t.boost for t in analyzer.analyze("企业信贷支持")}
    group = SYNONYM_PREFIX + "金融"
    assert loan[group] == SYNONYM_BOOST < 1 and group in credit  # related, not equivalent: a lower weight


def test_multi_character_synonyms_are_kept_whole():
    analyzer = Analyzer([["财税", "留抵退税"]])
    assert "留抵退税" in texts("办理留抵退税", analyzer=analyzer)


def test_offsets_point_into_the_original_text():
    source = "申請留抵退稅"
    for term in Analyzer().analyze(source):
        if not term.text.startswith(SYNONYM_PREFIX):
            assert fold(source[term.start : term.end]) == term.text


def test_analyzer_pickles_by_its_synonym_groups():
    analyzer = Analyzer([["金融", "贷款"]])
    analyzer.analyze("贷款")  # loads the segmenter, which must not be pickled
    copy = pickle.loads(pickle.dumps(analyzer))
    assert copy == analyzer and texts("贷款", analyzer=copy) == texts("贷款", analyzer=analyzer)


def test_term_counts_are_the_index_terms_counted():
    analyzer = Analyzer([["金融", "融资", "贷款", "信贷"], ["疫情", "疫情防控"]])
    text = "國辦發〔2019〕6号明确，中小企业融资担保贷款贴息；疫情防控期间，小微企业可申请贷款贴息。"
    expected: dict[str, tuple[int, float]] = {}
    for term in analyzer.analyze(text, "index"):
        count, weight = expected.get(term.text, (0, 0.0))
        expected[term.text] = (count + 1, weight + term.boost)
    assert analyzer.term_counts(text) == expected
