"""search/twins.py through the engine, `policy search` and the API: an explainer and its version in the
other script are one result, linking to the other; copies in the same script stay apart; pages agree."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from build_tools.cli import cli
from build_tools.indexes.documents import SearchDocument
from build_tools.indexes.whoosh.writing import write_index
from build_tools.search.api import SearchService
from build_tools.search.engine import Engine
from build_tools.search.request import SearchRequest
from build_tools.text.analysis import Analyzer

SIMPLIFIED = "“苏创融”科技型中小企业纯信用贷款解读"
TRADITIONAL = "「蘇創融」科技型中小企業純信用貸款解讀（繁體版）"


def explainer(slug: str, title: str, body: str, number: str = "", status: str = "现行有效", day: int = 1) -> SearchDocument:
    return SearchDocument(
        id=f"policy:{slug}", kind="policy", slug=slug, url=f"policies/{slug}/", title=title, summary="", body=body,
        published=dt.date(2024, 1, day), status=status, department=("省科技厅",), region="江苏省", region_path=("江苏省",),
        number=number,
    )  # fmt: skip


DOCUMENTS = [
    # the simplified explainer ranks first for 信用贷款; its traditional version says it less often, ranks last
    explainer("sucr", SIMPLIFIED, "信用贷款。" * 6 + "科技型中小企业纯信用贷款，无需抵押。", day=1),
    explainer("sucr-hant", TRADITIONAL, "科技型中小企業可申請信用貸款，無需抵押，由合作銀行按月審核辦理。" * 3, day=2),
    # a copy in the same script (another department republished it): shown apart
    explainer("sucr-copy", SIMPLIFIED, "信用贷款。" * 5 + "科技型中小企业纯信用贷款。", day=3),
    # the same 文号, titles that differ: one document in two scripts
    explainer("notice", "关于做好信用贷款贴息工作的通知", "信用贷款贴息。" * 4, number="苏政发〔2023〕1号", day=4),
    explainer("notice-hant", "關於做好信貸貼息工作的通知", "信用貸款貼息。" * 4, number="苏政发[2023]1号", day=5),
    # lapsed twins: the status filter hides them, counted once
    explainer("old", "小额信用贷款实施办法", "信用贷款。" * 3, status="已失效", day=6),
    explainer("old-hant", "小額信用貸款實施辦法（繁體版）", "信用貸款。" * 3, status="已失效", day=7),
    *(explainer(f"other-{n}", f"其他政策{n}", "银行信用贷款的一些说明。" + "其他内容。" * n, day=8 + n) for n in range(8)),
]
FOLDED = {"sucr-hant", "notice-hant", "old-hant"}


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("twins") / "search_index"
    folder.mkdir()
    write_index(DOCUMENTS, Analyzer(), {"江苏省": []}, folder, workers=1)
    return folder


@pytest.fixture(scope="module")
def engine(index_dir):
    opened = Engine(index_dir)
    yield opened
    opened.close()


def search(engine, **request):
    return engine.search(SearchRequest(**{"query": "信用贷款", **request}))


def test_a_twin_in_the_other_script_is_folded_into_the_first_and_linked(engine):
    response = search(engine)
    slugs = [hit.slug for hit in response.results]
    assert not FOLDED & set(slugs), slugs
    first = response.results[slugs.index("sucr")]
    assert first.twin == {"title": TRADITIONAL, "url": "policies/sucr-hant/", "script": "繁"}
    assert response.results[slugs.index("notice")].twin == {"title": "關於做好信貸貼息工作的通知", "url": "policies/notice-hant/", "script": "繁"}


def test_a_copy_in_the_same_script_stays_apart(engine):
    hits = {hit.slug: hit for hit in search(engine).results}
    assert "sucr-copy" in hits and hits["sucr-copy"].twin is None


def test_the_twin_found_even_when_it_ranks_beyond_the_page(engine):
    ranked = [hit.slug for hit in search(engine, limit=100, kind="policy").results]
    first = search(engine, limit=1)
    assert first.results[0].slug == ranked[0] == "sucr"
    assert first.results[0].twin is not None and first.results[0].twin["url"] == "policies/sucr-hant/"


def test_total_counts_one_result_per_policy_and_facets_count_documents(engine):
    response = search(engine, limit=100)
    assert response.total == len(response.results) == len(DOCUMENTS) - len(FOLDED)
    assert sum(response.facets["status"].values()) == len(DOCUMENTS)  # the facets count pages, twins apart


@pytest.mark.parametrize("sort", ["relevance", "date"])
@pytest.mark.parametrize("limit", [1, 2, 3, 5])
def test_pages_neither_repeat_nor_skip(engine, sort, limit):
    everything = [hit.slug for hit in search(engine, limit=100, sort=sort).results]
    paged = []
    for page in range(1, len(everything) // limit + 2):
        paged += [hit.slug for hit in search(engine, limit=limit, page=page, sort=sort).results]
    assert paged == everything and len(set(paged)) == len(paged)


def test_browsing_without_a_query_folds_too(engine):
    response = engine.search(SearchRequest(kind="policy", limit=100))
    hits = {hit.slug: hit for hit in response.results}
    assert response.total == len(hits) == len(DOCUMENTS) - len(FOLDED)
    # newest first: the newest of each key is shown, its version in the other script folded into it, a copy apart
    assert hits["sucr-copy"].twin == {"title": TRADITIONAL, "url": "policies/sucr-hant/", "script": "繁"} and "sucr" in hits
    assert hits["notice-hant"].twin == {"title": "关于做好信用贷款贴息工作的通知", "url": "policies/notice/", "script": "简"}
    assert not {"sucr-hant", "notice"} & set(hits)


def test_the_status_filter_counts_hidden_twins_once(engine):
    assert search(engine, status="现行有效").hidden_by_status == 1  # 小额信用贷款实施办法, in two scripts


def test_the_json_has_the_twin_only_where_there_is_one(engine):
    results = {hit["slug"]: hit for hit in search(engine).to_json()["results"]}
    assert results["sucr"]["twin"] == {"title": TRADITIONAL, "url": "policies/sucr-hant/", "script": "繁"}
    assert "twin" not in results["sucr-copy"]


def test_policy_search_json_and_text_show_the_twin(index_dir):
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "信用贷款", "--index", str(index_dir), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    twins = {hit["slug"]: hit["twin"]["url"] for hit in data["results"] if "twin" in hit}
    assert twins == {"sucr": "policies/sucr-hant/", "notice": "policies/notice-hant/", "old": "policies/old-hant/"}
    text = runner.invoke(cli, ["search", "信用贷款", "--index", str(index_dir)]).stdout
    assert f"   繁体版: {TRADITIONAL} · policies/sucr-hant/" in text and "policies/sucr-hant/\n" not in text.split("繁体版")[0]


def test_the_api_shows_the_twin(index_dir):
    app = SearchService(index_dir)
    try:
        status, body = app.answer("q=信用贷款&limit=1")
    finally:
        app.close()
    assert status == 200 and body["results"][0]["slug"] == "sucr" and body["results"][0]["twin"]["script"] == "繁"
    assert body["total"] == len(DOCUMENTS) - len(FOLDED)


def test_a_traditional_first_links_to_the_best_simplified_and_the_other_copy_stays(engine):
    response = search(engine, query="純信用貸款 申請 審核", limit=100)
    top, slugs = response.results[0], [hit.slug for hit in response.results]
    assert top.slug == "sucr-hant" and top.twin is not None and top.twin["script"] == "简"
    folded = top.twin["url"].split("/")[1]
    assert folded in {"sucr", "sucr-copy"} and folded not in slugs and ({"sucr", "sucr-copy"} - {folded}) <= set(slugs)
