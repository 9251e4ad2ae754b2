"""The audience tree of taxonomy.yml (`children:`), topics that are no need (`need: false`), and
`Taxonomy.audience_applies`: does a policy for some types apply to an enterprise of one type."""

from __future__ import annotations

import pytest

from build_tools.build.pipeline import check_content
from build_tools.check.report import format_text
from build_tools.models import Taxonomy, Term
from conftest import ROOT, VALID_EXPLAINER, write

TAXONOMY = """\
topics:
  - name: 金融
    id: finance
    synonyms: [贷款]
  - name: 财税
    id: tax
  - name: 党建引领
    id: party-building
    need: false
audiences:
  - name: 中小企业
    id: sme
    synonyms: [中小微企业]
    children:
      - name: 小微企业
        id: micro
        children:
          - {name: 个体工商户, id: self-employed}
      - {name: 科技型中小企业, id: tech-sme, synonyms: [科技型企业]}
  - name: 民营企业
    id: private
regions:
  - name: 全国
    id: cn
    children:
      - name: 江苏省
        id: js
        children:
          - {name: 南京市, id: js-nj}
"""


def with_taxonomy(content, text: str) -> list[str]:
    """The problems `policy check` reports once taxonomy.yml is `text`, each as `line: field: message`."""
    write(content, "taxonomy.yml", text)
    _, issues = check_content(content)
    prefix = f"{content / 'taxonomy.yml'}:"
    return [line.removeprefix(prefix) for line in format_text(issues).splitlines() if line.startswith(prefix)]


def test_audiences_nest_and_know_their_ancestors_root_first(content):
    write(content, "taxonomy.yml", TAXONOMY)
    loaded, issues = check_content(content)
    assert [i for i in issues if i.is_error] == []
    audiences = {t.name: t.ancestors for t in loaded.taxonomy.audiences}
    assert list(audiences) == ["中小企业", "小微企业", "个体工商户", "科技型中小企业", "民营企业"]  # each child after its parent
    assert audiences["个体工商户"] == ("中小企业", "小微企业")
    assert audiences["科技型中小企业"] == ("中小企业",) and audiences["民营企业"] == ()
    assert [t.id for t in loaded.taxonomy.audiences if t.name == "科技型中小企业"] == ["tech-sme"]


def test_a_topic_with_need_false_is_no_need(content):
    write(content, "taxonomy.yml", TAXONOMY)
    loaded, _ = check_content(content)
    assert {t.name: t.need for t in loaded.taxonomy.topics} == {"金融": True, "财税": True, "党建引领": False}
    assert all(t.need for t in loaded.taxonomy.audiences)


def test_the_sample_taxonomy_nests_types_and_keeps_party_building_out_of_needs():
    loaded, issues = check_content(ROOT / "content")
    assert [i for i in issues if i.is_error] == []
    ancestors = {t.name: t.ancestors for t in loaded.taxonomy.audiences}
    assert ancestors["小微企业"] == ancestors["科技型中小企业"] == ("中小企业",)
    assert ancestors["民营企业"] == ()
    assert [t.name for t in loaded.taxonomy.topics if not t.need] == ["党建引领"]


def test_a_name_used_twice_in_the_tree_is_an_error_at_its_line(content):
    twice = TAXONOMY.replace("      - {name: 科技型中小企业, id: tech-sme, synonyms: [科技型企业]}\n", "      - {name: 民营企业, id: private-sme}\n")
    assert with_taxonomy(content, twice) == [
        "20: audiences.1.name: “民营企业”已属于其他条目，同一个词只能指向一个条目 / "
        "'民营企业' already belongs to another entry: a word may name only one entry"
    ]


def test_a_synonym_that_names_another_type_is_an_error(content):
    clash = TAXONOMY.replace("synonyms: [科技型企业]", "synonyms: [科技型企业, 小微企业]")
    problems = with_taxonomy(content, clash)
    assert len(problems) == 1 and problems[0].startswith("19: audiences.0.children.1.synonyms: “小微企业”已属于其他条目")


def test_an_id_used_twice_in_the_tree_is_an_error(content):
    problems = with_taxonomy(content, TAXONOMY.replace("id: self-employed", "id: sme"))
    assert problems == ["18: audiences.0.children.0.children.0.id: id“sme”重复 / id 'sme' is used twice"]


def test_need_is_for_topics_and_children_for_audiences(content):
    wrong = TAXONOMY.replace("    need: false\n", "    need: 否\n").replace("    id: private\n", "    id: private\n    need: false\n")
    assert with_taxonomy(content, wrong) == [
        "9: topics.2.need: need 只能是 true 或 false / need must be true or false",
        "22: audiences.1.need: 未知字段“need”，name 已经写了，请删除这一行 / unknown field 'need': name is already there, delete this line",
    ]


def test_an_explainer_may_name_a_type_at_any_level_and_an_unknown_one_gets_the_closest(content):
    write(content, "taxonomy.yml", TAXONOMY)
    write(content, "policies/deep.md", VALID_EXPLAINER.replace("topics: [财税]", "topics: [金融]\naudience: [个体工商户, 中小企业]"))
    write(content, "policies/typo.md", VALID_EXPLAINER.replace("topics: [财税]", "topics: [金融]\naudience: [科技型中小企]"))
    write(content, "policies/synonym.md", VALID_EXPLAINER.replace("topics: [财税]", "topics: [金融]\naudience: [科技型企业]"))
    loaded, issues = check_content(content)
    assert {e.slug: [t.name for t in e.audience] for e in loaded.explainers}["deep"] == ["个体工商户", "中小企业"]
    messages = {i.path.rsplit("/", 1)[-1]: i.message for i in issues if i.is_error and i.field.startswith("audience")}
    assert messages["typo.md"].endswith("unknown audience '科技型中小企'; did you mean: 科技型中小企业, 中小企业, 小微企业")
    assert messages["synonym.md"].endswith("'科技型企业' is a synonym: use the canonical name 科技型中小企业")


@pytest.fixture
def taxonomy() -> Taxonomy:
    terms = [
        Term("sme", "中小企业"),
        Term("micro", "小微企业", ancestors=("中小企业",)),
        Term("self-employed", "个体工商户", ancestors=("中小企业", "小微企业")),
        Term("tech-sme", "科技型中小企业", ancestors=("中小企业",)),
        Term("private", "民营企业"),
    ]
    return Taxonomy([], terms, [])


@pytest.mark.parametrize(
    ("audiences", "type_name", "applies"),
    [
        ([], "民营企业", True),  # a policy for no type is for every enterprise
        (["中小企业"], "中小企业", True),
        (["中小企业"], "科技型中小企业", True),  # a type above
        (["中小企业"], "个体工商户", True),  # two levels above
        (["小微企业"], "个体工商户", True),
        (["科技型中小企业"], "中小企业", False),  # a type below is not the type
        (["小微企业"], "科技型中小企业", False),  # a sibling
        (["民营企业"], "科技型中小企业", False),  # another branch
        (["民营企业", "中小企业"], "科技型中小企业", True),
        (["中小企业"], "外资企业", False),  # a type the taxonomy does not know matches itself only
        (["外资企业"], "外资企业", True),
    ],
)
def test_audience_applies(taxonomy, audiences, type_name, applies):
    assert taxonomy.audience_applies(audiences, type_name) is applies
    terms = [t for t in taxonomy.audiences if t.name in audiences]
    if len(terms) == len(audiences):  # Terms do as well as names
        assert taxonomy.audience_applies(terms, type_name) is applies


def test_audience_and_descendants(taxonomy):
    assert taxonomy.audience_and_descendants("中小企业") == {"中小企业", "小微企业", "个体工商户", "科技型中小企业"}
    assert taxonomy.audience_and_descendants("小微企业") == {"小微企业", "个体工商户"}
    assert taxonomy.audience_and_descendants("民营企业") == {"民营企业"}
