"""indexes/documents.py: a document is found under the types it names and every type below them."""

from __future__ import annotations

import pytest

from build_tools.build.pipeline import run_pipeline
from build_tools.indexes.documents import documents_of
from build_tools.indexes.pagefind.records import filters_of
from build_tools.indexes.whoosh import index_site
from build_tools.search.engine import Engine
from build_tools.search.request import SearchRequest
from conftest import BUILD_DATE, ROOT


@pytest.fixture(scope="module")
def sample():
    return run_pipeline(ROOT / "content", BUILD_DATE)


def test_a_policy_for_a_type_is_found_under_its_subtypes_in_both_indexes(sample):
    document = next(d for d in documents_of(sample) if d.slug == "social-insurance-deferral-2022")  # for 中小企业, 个体工商户, 参保单位
    assert {"中小企业", "小微企业", "科技型中小企业", "个体工商户", "参保单位"} == set(document.audience)
    assert "科技型中小企业" in filters_of(document)["audience"]
    assert "民营企业" not in document.audience  # a sibling type is not below it


def test_the_engine_filter_for_a_subtype_finds_the_policies_of_the_type_above(sample, tmp_path):
    index_site(sample, tmp_path)
    engine = Engine(tmp_path)
    try:
        found = {h.slug for h in engine.search(SearchRequest(query="社会保险", kind="policy", audience="科技型中小企业", limit=50)).results}
    finally:
        engine.close()
    assert "social-insurance-deferral-2022" in found
