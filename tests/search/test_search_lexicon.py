"""The search lexicon end to end: content/synonyms.yml and mined definitions, as `policy search` answers."""

from __future__ import annotations

import datetime as dt

import pytest

from build_tools.build.pipeline import run_pipeline
from build_tools.cli import format_response
from build_tools.indexes.whoosh import index_site
from build_tools.search.engine import Engine
from build_tools.search.request import SearchRequest
from conftest import VALID_EXPLAINER, write

DEFINING = VALID_EXPLAINER.replace("title: 测试解读", "title: 担保集团扩大业务解读").replace(
    "正文。", "为支持小微企业，江苏省信用再担保集团（以下简称“苏再保”）扩大担保业务。"
)
SHORT_ONLY = VALID_EXPLAINER.replace("title: 测试解读", "title: 费率下调通知").replace("正文。", "苏再保今年下调费率。")
CITING = VALID_EXPLAINER.replace("title: 测试解读", "title: 市级配套措施解读").replace(
    "正文。", "本市按照《关于推动经济运行率先整体好转的若干政策措施》，出台配套办法。"
)  # cites economy-2023's policy by its title alone
USING = VALID_EXPLAINER.replace("title: 测试解读", "title: 外资企业复工指引").replace("正文。", "外商投资企业复工复产的办理指引。")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    import shutil

    from conftest import MINI

    root = tmp_path_factory.mktemp("project")
    content = root / "content"
    shutil.copytree(MINI, content)
    write(content, "policies/guarantee-group.md", DEFINING)
    write(content, "policies/foreign-firms.md", USING)
    write(content, "policies/short-only.md", SHORT_ONLY)
    write(content, "policies/citing.md", CITING)
    write(content, "synonyms.yml", "- [苏小担, 江苏省信用再担保集团]\n")
    folder = root / "index"
    folder.mkdir()
    index_site(run_pipeline(content, dt.date(2026, 11, 23)), folder)
    opened = Engine(folder)
    yield opened
    opened.close()


def slugs(engine, query: str) -> list[str]:
    return [hit.slug for hit in engine.search(SearchRequest(query=query)).results]


def test_a_definition_makes_the_short_form_and_the_name_equivalent(engine):
    assert "short-only" in slugs(engine, "江苏省信用再担保集团")  # it says only 苏再保
    assert set(slugs(engine, "苏再保")[:2]) == {"guarantee-group", "short-only"}


def test_a_policy_cited_by_title_alone_is_found_by_its_document_number(engine):
    assert slugs(engine, "苏政发〔2023〕1号")[:2] == ["economy-2023", "citing"]  # both carry it: its own, then the citing one


def test_a_project_equivalence_finds_the_document(engine):
    assert slugs(engine, "苏小担")[:1] == ["guarantee-group"]


def test_a_starter_equivalence_finds_the_document(engine):
    assert slugs(engine, "外企")[:1] == ["foreign-firms"]  # the text says 外商投资企业, never 外企


def test_a_document_number_without_brackets_in_a_query(engine):
    assert slugs(engine, "苏政发 2023 1号")[:1] == ["economy-2023"]


def test_the_text_output_shows_the_answers_block_and_the_hidden_count(engine):
    text = format_response(engine.search(SearchRequest(query="中小企业能否继续享受优惠政策")))
    assert text.index("相关问答") < text.index("共 ")
    assert "问：中小企业能否继续享受优惠政策？" in text and "答：可以" in text and "依据：" in text
    hidden = format_response(engine.search(SearchRequest(query="留抵退税", status="现行有效")))
    assert "条已失效的相关政策（加 --status all 查看）" in hidden
    assert "已失效的相关政策" not in format_response(engine.search(SearchRequest(query="留抵退税")))
