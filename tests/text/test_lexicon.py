"""text/lexicon.py and the analyzer's equivalences: equivalent words count as the word itself."""

from __future__ import annotations

from build_tools.text.analysis import EQUIVALENT_PREFIX, SYNONYM_BOOST, SYNONYM_PREFIX, Analyzer
from build_tools.text.lexicon import cited_numbers, default_groups, equivalence_groups, joined, mined_groups, titled_numbers


def test_the_starter_lexicon_has_common_equivalences():
    groups = default_groups()
    assert len(groups) >= 150
    flat = {word: group for group in groups for word in group}
    assert "个人所得税" in flat["个税"] and "外商投资企业" in flat["外企"] and "缓缴" in flat["延期缴纳"]
    assert len(flat) == sum(len(g) for g in groups)  # a word in one group only


def test_definitions_are_mined_and_ambiguous_short_forms_left_out():
    texts = [
        "江苏省信用融资担保集团（以下简称“省融担”）将提供担保。",
        "《中华人民共和国数据安全法》（以下简称《办法》）",
        "《某某管理规定》（以下简称《办法》）",
    ]
    assert mined_groups(texts) == [("江苏省信用融资担保集团", "省融担")]


def test_groups_sharing_a_word_are_joined():
    assert joined([["个税", "个人所得税"], ["个人所得税", "个税法"], ["社保", "社会保险"]]) == [("个税", "个人所得税", "个税法"), ("社保", "社会保险")]


def test_project_groups_extend_the_starter_lexicon():
    groups = equivalence_groups([["个税", "个调税"]])
    assert any({"个税", "个人所得税", "个调税"} <= set(g) for g in groups)


def test_an_equivalent_counts_as_the_word_itself_and_a_topic_word_less():
    analyzer = Analyzer([["金融", "贷款", "担保"]], [["个税", "个人所得税"]])
    query = {t.text: t.boost for t in analyzer.analyze("个税", "query")}
    index = analyzer.term_counts("缴纳个人所得税")
    token = EQUIVALENT_PREFIX + "个税"
    assert query[token] == 1.0 and index[token] == (1, 1.0)
    assert {t.text: t.boost for t in analyzer.analyze("贷款", "query")}[SYNONYM_PREFIX + "金融"] == SYNONYM_BOOST < 1.0
    assert analyzer.equivalents("个人所得税") == ("个税", "个人所得税")


def test_question_words_are_dropped_from_a_query_only():
    analyzer = Analyzer()
    words = {t.text for t in analyzer.analyze("请问我们公司社保能不能缓缴", "query")}
    assert {"社保", "缓缴"} <= words and not words & {"请问", "能不能", "不能", "我们"}
    assert "不能" in {t.text for t in analyzer.analyze("请问我们公司社保能不能缓缴", "index")}  # the index keeps the text as written
    assert {t.text for t in analyzer.analyze("手续流程", "query")} >= {"手续", "流程"}  # fillers only: searched as written


def test_the_equivalences_survive_pickling():
    import pickle

    analyzer = Analyzer([], [["个税", "个人所得税"]])
    assert pickle.loads(pickle.dumps(analyzer)) == analyzer


def test_titles_and_their_numbers_are_mined_from_named_policies_and_citations():
    numbers = titled_numbers(
        [("关于推动经济运行率先整体好转的若干政策措施", "苏政发〔2023〕1号"), ("没有文号的通知", None)],
        ["根据《关于做好稳就业工作的意见》（国发〔2018〕39号）", "《同名通知》（苏发〔2020〕1号）", "《同名通知》（苏发〔2021〕2号）"],
    )
    assert numbers == {"关于推动经济运行率先整体好转的若干政策措施": "苏政发〔2023〕1号", "关于做好稳就业工作的意见": "国发〔2018〕39号"}  # a title with two 文号 is no equivalence


def test_a_text_citing_a_title_alone_carries_its_number():
    numbers = {"关于做好稳就业工作的意见": "国发〔2018〕39号"}
    assert cited_numbers("按照《关于做好稳就业工作的意见》执行", numbers) == ("国发〔2018〕39号",)
    assert cited_numbers("《关于做好稳就业工作的意见》（国发〔2018〕39号）", numbers) == ()  # it writes the 文号 itself
    assert cited_numbers("按照《另一份意见》执行", numbers) == ()
