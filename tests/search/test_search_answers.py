"""search/engine.py: FAQ answers apart from the policies, the count a status filter hides, 文号 anywhere in a query."""

from __future__ import annotations


import pytest

from build_tools.search.request import SearchRequest


@pytest.fixture(scope="module")
def engine(mini_engine):
    return mini_engine


def test_results_are_policies_and_answers_come_apart(engine):
    response = engine.search(SearchRequest(query="中小企业能否继续享受优惠政策"))
    assert response.results and {hit.kind for hit in response.results} == {"policy"}
    assert [a.question for a in response.answers] == ["中小企业能否继续享受优惠政策？"]
    answer = response.answers[0]
    assert answer.answer.startswith("可以") and answer.policy["slug"] == "economy-2023" and answer.url.startswith("faq/")
    assert response.facets["kind"] == {"policy": 3, "faq": 2}  # both kinds still counted


def test_an_answer_never_pushes_a_policy_out(engine):
    with_answers = engine.search(SearchRequest(query="中小企业能否继续享受优惠政策", limit=3))
    policies_only = engine.search(SearchRequest(query="中小企业能否继续享受优惠政策", limit=3, kind="policy"))
    assert [h.slug for h in with_answers.results] == [h.slug for h in policies_only.results] and len(with_answers.results) == 3
    assert policies_only.answers == []


def test_answers_below_the_threshold_are_not_shown(engine, monkeypatch):
    query = SearchRequest(query="中小企业能否继续享受优惠政策")
    score = engine.search(query).answers[0].score
    monkeypatch.setattr(engine, "ANSWER_THRESHOLD", score + 0.01)
    assert engine.search(query).answers == []
    monkeypatch.setattr(engine, "ANSWER_THRESHOLD", 0.0)
    assert 1 <= len(engine.search(query).answers) <= engine.ANSWERS


def test_kind_faq_lists_faq_entries_alone(engine):
    response = engine.search(SearchRequest(query="资金支持打折扣", kind="faq"))
    assert {hit.kind for hit in response.results} == {"faq"} and response.answers == []


def test_answers_in_the_json(engine):
    data = engine.search(SearchRequest(query="资金支持打折扣")).to_json()
    assert [h["kind"] for h in data["results"]] == ["policy"]
    assert set(data["answers"][0]) == {"id", "question", "answer", "url", "score", "policy"}
    assert data["answers"][0]["policy"]["url"] == "policies/economy-2023/"


def test_the_status_filter_says_how_many_it_hid(engine):
    everything = {h.slug: h.status for h in engine.search(SearchRequest(query="留抵退税", kind="policy")).results}
    in_force = engine.search(SearchRequest(query="留抵退税", status="现行有效"))
    assert in_force.hidden_by_status == sum(status != "现行有效" for status in everything.values()) >= 1
    assert in_force.to_json()["hidden_by_status"] == in_force.hidden_by_status
    assert engine.search(SearchRequest(query="留抵退税")).hidden_by_status == 0
    all_statuses = engine.search(SearchRequest(query="留抵退税", status="all"))
    assert {h.slug for h in all_statuses.results} == set(everything) and all_statuses.hidden_by_status == 0


def test_a_document_number_anywhere_in_a_question_puts_its_document_first(engine):
    query = "请问根据苏政发（2023）1号，我们公司的中小企业贷款能不能申请留抵退税"
    assert [h.slug for h in engine.search(SearchRequest(query=query)).results][0] == "economy-2023"
