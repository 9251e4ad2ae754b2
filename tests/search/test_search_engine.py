"""search/engine.py: the index built from the mini site, queried as users would."""

from __future__ import annotations

import datetime as dt

import pytest

from build_tools.build.pipeline import run_pipeline
from build_tools.text.analysis import Analyzer
from build_tools.search.engine import Engine, IndexMissing
from build_tools.search.request import BadRequest, SearchRequest
from conftest import MINI, small_index


@pytest.fixture(scope="module")
def engine(mini_engine):
    return mini_engine


def slugs(engine, **request) -> list[str]:
    """Explainer slugs (kind=policy unless the request says otherwise)."""
    request.setdefault("kind", "policy")
    return [hit.slug for hit in engine.search(SearchRequest(**request)).results]


def test_simplified_query_finds_a_traditional_document(engine):
    assert slugs(engine, query="留抵退税")[0] == "refund-2023"


def test_traditional_query_finds_a_simplified_document(engine):
    assert slugs(engine, query="穩經濟措施")[0] == "economy-2022"


def test_synonym_query_finds_documents_with_the_other_word(engine):
    assert "economy-2023" in slugs(engine, query="贷款")  # it says 信贷, never 贷款


def test_document_number_in_any_brackets_ranks_its_explainer_first(engine):
    assert slugs(engine, query="苏政发[2023]1号")[0] == "economy-2023"
    assert slugs(engine, query="苏政发（2023）1号")[0] == "economy-2023"


def test_title_outweighs_body(engine):
    # 贴息 is in the title of loan-2027 and nowhere else
    assert slugs(engine, query="贴息")[0] == "loan-2027"


def test_filters(engine):
    assert set(slugs(engine, topic="金融")) == {"economy-2023", "economy-2022", "loan-2027"}
    assert set(slugs(engine, status="已失效")) == {"refund-2023"}
    assert set(slugs(engine, status="expired")) == {"refund-2023"}
    assert set(slugs(engine, department="国家税务总局南京市税务局")) == {"refund-2023"}
    assert set(slugs(engine, department="江苏省财政厅")) == {"economy-2023", "loan-2027"}  # co-department counts


def test_region_filter_includes_sub_regions_and_levels_above(engine):
    assert "refund-2023" in slugs(engine, region="江苏省")  # 南京市 is inside 江苏省
    assert set(slugs(engine, region="南京市")) == {"refund-2023", "economy-2023", "economy-2022", "loan-2027"}


def test_facets_count_every_match_not_only_the_page(engine):
    response = engine.search(SearchRequest(limit=1, kind="policy"))
    assert response.total == 4 and len(response.results) == 1
    assert response.facets["status"] == {"即将生效": 1, "已失效": 1, "已被替代": 1, "现行有效": 1}
    assert response.facets["topics"] == {"金融": 3, "财税": 2}
    assert response.facets["region"] == {"江苏省": 3, "南京市": 1}
    assert response.facets["year"] == {"2023": 2, "2022": 1, "2026": 1}


def test_json_shape(engine):
    data = engine.search(SearchRequest(query="小微企业按月申请", limit=2)).to_json()
    assert set(data) == {"query", "total", "results", "facets", "answers", "hidden_by_status"}
    assert set(data["results"][0]) == {"slug", "kind", "title", "url", "score", "snippet", "department", "region", "status", "published"}
    first = data["results"][0]
    assert first["url"] == "policies/refund-2023/" and first["published"] == "2023-03-01" and first["kind"] == "policy"
    assert first["snippet"] == "<mark>小微企業</mark>可<mark>按月申請</mark>。"  # the original script, matches marked


def test_no_query_lists_newest_first_and_sort_by_date(engine):
    assert slugs(engine) == ["loan-2027", "refund-2023", "economy-2023", "economy-2022"]
    assert slugs(engine, query="措施", sort="date") == sorted(
        slugs(engine, query="措施"), key=["loan-2027", "refund-2023", "economy-2023", "economy-2022"].index
    )


def test_no_hits_suggest_a_correction(engine):
    response = engine.search(SearchRequest(query="留抵退锐"))
    assert response.total == 0 or response.results[0].slug == "refund-2023"
    misspelt = engine.search(SearchRequest(query="贴恩"))
    assert misspelt.total == 0
    assert misspelt.suggestions == [{"type": "correction", "query": "贴息", "total": 1}]


def test_no_hits_because_of_filters_suggest_a_broader_search(engine):
    response = engine.search(SearchRequest(query="贴息", status="已失效"))
    assert response.total == 0
    assert response.suggestions == [{"type": "broader", "query": "贴息", "without_filters": ["status"], "total": 1}]


def test_paging(engine):
    first, second = slugs(engine, limit=2), slugs(engine, limit=2, page=2)
    assert len(first) == 2 and len(second) == 2 and not set(first) & set(second)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"limit": "101"}, "limit must be between 1 and 100"),
        ({"limit": "x"}, "limit must be a whole number"),
        ({"sort": "random"}, "sort must be one of relevance, date"),
        ({"status": "valid"}, "status must be one of"),
        ({"kind": "news"}, "kind must be one of policy, faq"),
        ({"color": "red"}, "unknown parameter color"),
    ],
)
def test_bad_parameters_are_explained(params, message):
    with pytest.raises(BadRequest, match=message):
        SearchRequest.from_params(params)


def test_missing_index_says_what_to_do(tmp_path):
    with pytest.raises(IndexMissing, match="run `policy build` first"):
        Engine(tmp_path)


def test_faq_entries_are_searchable_by_kind(engine):
    everything = engine.search(SearchRequest(limit=1))
    assert everything.facets["kind"] == {"policy": 4, "faq": 2}
    faq = engine.search(SearchRequest(query="资金支持打折扣", kind="faq"))
    assert faq.results[0].kind == "faq" and faq.results[0].url.startswith("faq/q-")
    assert faq.results[0].extra["ask_count"] == 1 and faq.results[0].extra["sources"][0]["session"] == "live-2023"


def test_an_index_written_by_several_workers_answers_as_one_written_by_one(tmp_path, monkeypatch):
    from build_tools.runtime.background import Background
    from build_tools.indexes.whoosh import writing as engine_module
    from build_tools.indexes.documents import SearchDocument, SearchDocuments

    documents = [
        SearchDocument(
            id=f"policy:p{i}",
            kind="policy",
            slug=f"p{i}",
            url=f"policies/p{i}/",
            title=f"第{i}号 稳岗补贴",
            summary="",
            body=("稳岗补贴 中小企业" if i % 3 else "房租减免") + f" 编号{i}",
            published=dt.date(2024, 1, 1 + i % 28),
            status="现行有效",
            department=("人社厅",),
            region="江苏省",
            region_path=("江苏省",),
        )
        for i in range(12)
    ]
    monkeypatch.setattr(engine_module, "PARALLEL_FROM", 4)
    monkeypatch.setattr(engine_module, "RUN_SIZE", 4)

    def by_workers(workers, folder):
        engine_module.write_index(documents, Analyzer(), {}, folder, workers=workers)

    def shared_with_a_child(folder):  # as policy build does: a forked child and this process take runs
        shared = engine_module.SharedIndexWriter(documents, Analyzer(), {}, folder)
        child = Background(shared.write_runs)
        here = shared.write_runs()
        there = child.result()
        assert len(here) + len(there) == len(shared._runs) > 1  # 12 documents in runs of about 4
        shared.commit(here, there)

    def first_ones_written_early(wait: bool):  # as policy build does while it assembles the FAQ
        def write(folder):
            monkeypatch.setattr(engine_module, "FIRST_SEGMENT", 2)
            first = engine_module.FirstDocumentsWriter(SearchDocuments.of(documents[:7]), Analyzer(), folder)
            if wait:  # it takes all 7 and ends; else it is stopped wherever it is
                first._writing.process.join()
            count = first.stop()
            assert 0 <= count <= 7 and (count == 7 or not wait)
            shared = engine_module.SharedIndexWriter(SearchDocuments.of(documents), Analyzer(), {}, folder, first=count)
            shared.commit(shared.write_runs(), first=first.segments())
            assert len(first.segments()) == -(-count // 2)

        return write

    answers = []
    for name, write in (
        ("one", lambda folder: by_workers(1, folder)),
        ("two", lambda folder: by_workers(2, folder)),
        ("shared", shared_with_a_child),
        ("early", first_ones_written_early(True)),
        ("stopped", first_ones_written_early(False)),
    ):
        folder = tmp_path / name
        folder.mkdir()
        write(folder)
        engine = Engine(folder)
        answers.append([(hit.slug, hit.score) for hit in engine.search(SearchRequest(query="稳岗补贴", limit=20)).results])
        engine.close()
    assert answers[0] == answers[1] == answers[2] == answers[3] == answers[4] and len(answers[0]) == 12


def test_stored_documents_read_back_as_they_were_made_in_index_and_in_date_order(tmp_path):
    from build_tools.indexes.documents import documents_of

    made = documents_of(run_pipeline(MINI, dt.date(2026, 11, 23)))
    stored = made.stored_in(tmp_path / "documents")
    assert len(stored) == len(made) > 2 and {d.kind for d in made} == {"policy", "faq"}
    assert list(stored) == list(made) and stored[1:3] == made[1:3] and stored[-1] == made[-1]
    oldest_first = stored.many(stored.date_order())
    assert oldest_first == made.many(made.date_order()) == sorted(made, key=lambda d: (d.published, d.url))


def test_postings_handed_over_in_blocks_are_written_as_whoosh_writes_them_one_by_one(tmp_path):
    # The index writer gives Whoosh's posting writer a block of postings at a time; Whoosh's own
    # add_postings, fed the same postings one by one, must write the very same bytes, for words
    # in one block (inlined), in several and in a last partial one.
    import dataclasses

    from whoosh import index
    from whoosh.writing import SegmentWriter

    from build_tools.indexes.whoosh import analysis_of
    from build_tools.indexes.documents import documents_of
    from build_tools.indexes.whoosh import writing
    from build_tools.indexes.whoosh.schema import make_schema

    site = run_pipeline(MINI, dt.date(2026, 11, 23))
    base = list(documents_of(site))
    documents = [dataclasses.replace(document, id=f"{document.id}-{copy}") for copy in range(70) for document in base]
    analyzer, _ = analysis_of(site)

    class OneByOne(writing._SegmentWriter):
        def _flush_segment(self):
            SegmentWriter._flush_segment(self)

    written = {}
    for name, writer_class in (("blocks", writing._SegmentWriter), ("one_by_one", OneByOne)):
        folder = tmp_path / name
        folder.mkdir()
        store = index.create_in(str(folder), make_schema(analyzer))
        writer = writer_class(store, _lk=False, compound=False)
        writer.pool = writing.MemoryPostingPool()
        for document in documents:
            writer.add_document(**writing._fields_of(document))
        segment = writer._finalize_segment()
        written[name] = {path.name.replace(segment.segment_id(), "*"): path.read_bytes() for path in folder.iterdir() if segment.segment_id() in path.name}
    assert {"*.pst", "*.trm"} <= set(written["blocks"]) and len(documents) > 3 * 128
    assert written["blocks"] == written["one_by_one"]


def _spy_on_corrections(engine, monkeypatch) -> list[str]:
    """The words the spelling correction looks up, as it looks them up."""
    asked: list[str] = []
    similar_words = engine.reader.similar_words

    def spy(word, limit, maxdist):
        asked.append(word)
        return similar_words(word, limit, maxdist)

    monkeypatch.setattr(engine.reader, "similar_words", spy)
    return asked


def test_200_unknown_letters_are_answered_without_a_correction(engine, monkeypatch):
    # Whoosh's corrector took 20 s on this query over the real corpus, holding up every other search.
    asked = _spy_on_corrections(engine, monkeypatch)
    response = engine.search(SearchRequest(query="x" * 200))
    assert response.total == 0 and response.suggestions == []
    assert asked == []  # a stretch of 200 letters is not a typo of a word: never looked up


def test_the_correction_looks_up_a_bounded_number_of_words(engine, monkeypatch):
    asked = _spy_on_corrections(engine, monkeypatch)
    many = " ".join(f"q{chr(97 + i % 26)}" for i in range(66))[:200]  # 66 short unknown words
    engine.search(SearchRequest(query=many))
    assert asked == ["qa", "qb", "qc", "qd"] and Engine.CORRECTED_SPANS == 4
    asked.clear()
    repeated = engine.search(SearchRequest(query=" ".join(["贴恩"] * 60)))  # one word, looked up once, corrected everywhere
    assert asked == ["贴恩"]
    assert repeated.suggestions[0]["query"] == " ".join(["贴息"] * 60)


def test_the_correction_stops_when_its_time_is_up(engine, monkeypatch):
    asked = _spy_on_corrections(engine, monkeypatch)
    monkeypatch.setattr(Engine, "CORRECTION_BUDGET", -1.0)
    assert engine.search(SearchRequest(query="贴恩")).suggestions == []
    assert asked == []


def test_spelling_finds_replaced_and_swapped_characters_of_the_same_length():
    from build_tools.indexes.whoosh.reading import Spelling

    spelling = Spelling(["退税", "税务", "贴息", "退税款", "留抵退税", "留存退税", "中小企业", "x" * 9])
    assert sorted(spelling.within("税退", 1)) == ["税务", "退税"]  # 退 replaced; the two swapped
    assert spelling.within("留抵退锐", 1) == ["留抵退税"]
    assert spelling.within("留存退锐", 1) == ["留存退税"] and spelling.within("留抵退锐", 2) == ["留存退税"]
    assert spelling.within("贴息", 1) == [] and spelling.within("x" * 9, 1) == []  # itself; longer than LONGEST


def test_threads_share_one_engine_and_get_the_answers_of_one_at_a_time(engine):
    from concurrent.futures import ThreadPoolExecutor

    queries = ["留抵退税", "贷款", "贴息", "稳经济", "小微企业按月申请", "资金支持", "贴恩", "措施", ""] * 6
    alone = [engine.search(SearchRequest(query=q)).to_json() for q in queries]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda q: engine.search(SearchRequest(query=q)).to_json(), queries))
    assert together == alone


def test_an_open_engine_keeps_reading_its_own_folder_after_a_build_swaps_in_another(tmp_path):
    small_index(tmp_path / "old", "稳岗补贴", 3, prefix="old")
    small_index(tmp_path / "new", "房租减免", 5, prefix="new")
    opened = Engine(tmp_path / "old")
    (tmp_path / "old").rename(tmp_path / "previous")  # as a build swaps its output in
    (tmp_path / "new").rename(tmp_path / "old")
    with opened.reader.searchers.borrow(), opened.reader.searchers.borrow() as made_after_the_swap:
        assert made_after_the_swap.doc_count_all() == 3
    assert sorted(hit.slug for hit in opened.search(SearchRequest(query="稳岗补贴")).results) == ["old0", "old1", "old2"]
    opened.close()
