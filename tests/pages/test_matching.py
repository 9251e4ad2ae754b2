"""pages/matching.py: the matching page's per-region data and the choices its form offers."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from build_tools.build.pipeline import run_pipeline
from build_tools.pages.matching import contact_pieces, data_path, match_files, own_counts
from conftest import MINI, write

TODAY = dt.date(2026, 11, 23)

TAXONOMY = """\
topics:
  - {name: 金融, id: finance}
  - {name: 财税, id: tax}
  - {name: 党建引领, id: party, need: false}
audiences:
  - name: 中小企业
    id: sme
    children:
      - {name: 科技型中小企业, id: tech-sme}
  - {name: 民营企业, id: private}
regions:
  - name: 全国
    id: cn
    children:
      - name: 江苏省
        id: js
        children:
          - {name: 南京市, id: js-nj}
          - {name: 徐州市, id: js-xz}
"""

GRANT = """\
---
title: 南京市科技型中小企业首贷贴息解读
summary: 首次贷款贴息。
department: 江苏省发展改革委
region: 南京市
topics: [金融, 党建引领]
audience: [科技型中小企业]
published: 2026-03-01
expires: 2026-12-10
contact: [025-83391234（市科技局）, 12345热线]
apply:
  start: 2026-11-01
  end: 2026-12-15
  url: https://www.example.gov.cn/apply
  channel: 江苏政务服务网
  address: 南京市玄武区北京东路41号
  amount: 最高贴息50万元
---

正文。
"""


GRANT_HANT = """\
---
title: 南京市科技型中小企業首貸貼息解讀（繁體版）
summary: 首次貸款貼息。
department: 江苏省发展改革委
region: 南京市
topics: [金融]
audience: [科技型中小企业]
published: 2026-03-02
---

正文。
"""


@pytest.fixture(scope="module")
def matching_site(tmp_path_factory):
    content = tmp_path_factory.mktemp("match") / "content"
    shutil.copytree(MINI, content)
    write(content, "taxonomy.yml", TAXONOMY)
    write(content, "policies/nanjing-grant.md", GRANT)
    write(content, "policies/nanjing-grant-hant.md", GRANT_HANT)
    return run_pipeline(content, TODAY)


def _records(files: dict[str, bytes], region_id: str) -> dict[str, dict]:
    return {r["slug"]: r for r in json.loads(files[data_path(region_id)])["policies"]}


def test_one_file_per_region_with_policies_of_its_own(matching_site):
    files = match_files(matching_site)
    listed = {s for s, status in matching_site.status.items() if status.value in ("现行有效", "即将生效")}
    published = {e.slug for e in matching_site.explainers if e.is_published(TODAY)}
    by_file = {path: {r["slug"] for r in json.loads(data)["policies"]} for path, data in files.items()}
    assert set().union(*by_file.values()) == (listed & published) - {"nanjing-grant-hant"}  # one result with its twin
    for path, slugs in by_file.items():  # each file holds its own region's policies only
        regions = {e.region.id for e in matching_site.explainers if e.slug in slugs}
        assert [data_path(r) for r in regions] == [path]
    assert data_path("js-xz") not in files  # 徐州市 has none of its own: no file, the page says so
    assert own_counts(matching_site)["徐州市"] == 0 and own_counts(matching_site)["南京市"] == 2  # the grant and its twin


def test_a_record_carries_what_to_do_next(matching_site):
    record = _records(match_files(matching_site), "js-nj")["nanjing-grant"]
    assert record["audience"] == ["科技型中小企业"] and record["topics"] == ["金融", "党建引领"]
    assert record["deadline"] == "2026-12-15" and record["start"] == "2026-11-01"
    assert record["windowText"] == "2026年11月1日至2026年12月15日" and record["window"] == "申报中"
    assert record["amount"] == "最高贴息50万元" and record["applyUrl"] == "https://www.example.gov.cn/apply"
    assert record["channel"] == "江苏政务服务网" and record["address"] == "南京市玄武区北京东路41号"
    assert record["badges"] == ["即将截止", "即将到期"]  # both within 30 days of the build date
    assert record["contact"] == [[["025-83391234", "02583391234"], "（市科技局）"], [["12345", "12345"], "热线"]]
    assert "noApplication" not in record


def test_a_version_in_the_other_script_is_one_result_with_a_link(matching_site):
    records = _records(match_files(matching_site), "js-nj")
    assert "nanjing-grant-hant" not in records
    assert records["nanjing-grant"]["twin"] == {"slug": "nanjing-grant-hant", "script": "繁"}


def test_the_same_site_gives_the_same_bytes(matching_site):
    assert match_files(matching_site) == match_files(matching_site)


def test_contact_pieces_keep_the_text_and_link_the_numbers():
    assert contact_pieces("咨询：025-8339 1234 或 12366") == ["咨询：", ["025-8339 1234", "02583391234"], " 或 ", ["12366", "12366"]]
    assert contact_pieces("市科技局金融处") == ["市科技局金融处"]


def test_the_form_offers_the_type_tree_and_needs_only(matching_site):
    page = next(p for p in matching_site.pages if p.src_path == "match/index.md").markdown
    assert 'value="科技型中小企业" data-ancestors=\'["\\u4e2d\\u5c0f\\u4f01\\u4e1a"]\'' in page  # ["中小企业"]
    assert 'value="金融"' in page and 'value="党建引领"' not in page  # need: false is not a need
    assert 'value="徐州市" data-id="js-xz" data-own="0"' in page and "徐州市（暂无本级政策）" in page
    assert 'data-today="2026-11-23"' in page
