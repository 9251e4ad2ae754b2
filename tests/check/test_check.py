"""check/: field rules, registry look-ups, references and cycles, Q&A bodies."""

from __future__ import annotations

from build_tools.build.pipeline import check_content
from build_tools.check.report import format_text
from conftest import VALID_EXPLAINER, write


def problems(content) -> list[str]:
    _, issues = check_content(content)
    return format_text(issues).splitlines()


def problems_in(content, relative: str, text: str | bytes) -> list[str]:
    write(content, relative, text)
    prefix = str(content / relative)
    return [line.removeprefix(prefix) for line in problems(content) if line.startswith(prefix)]


def explainer(**changes: str) -> str:
    """The valid explainer with some front-matter lines replaced or added."""
    lines = VALID_EXPLAINER.split("\n")
    for key, value in changes.items():
        entry = f"{key}: {value}"
        index = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
        if index is None:
            lines.insert(lines.index("---", 1), entry)
        else:
            lines[index] = entry
    return "\n".join(line for line in lines if not line.endswith(": DELETE"))


def test_the_fixture_tree_is_clean(content):
    assert problems(content) == []


def test_missing_required_fields_are_all_reported(content):
    text = "---\ntopics: [财税]\n---\n正文\n"
    assert problems_in(content, "policies/bad.md", text) == [
        ":2: title: 缺少必填字段 title / required field title is missing: add 'title: …'",
        ":2: summary: 缺少必填字段 summary / required field summary is missing: add 'summary: …'",
        ":2: department: 缺少必填字段 department / required field department is missing: add 'department: …'",
        ":2: region: 缺少必填字段 region / required field region is missing: add 'region: …'",
        ":2: published: 缺少必填字段 published / required field published is missing: add 'published: …'",
    ]


def test_wrong_types_and_dates(content):
    text = explainer(topics="财税", published="2023/01/01", draft="是")
    assert problems_in(content, "policies/bad.md", text) == [
        ":6: topics: topics 应为列表，例如 topics: [财税] / topics must be a list, e.g. topics: [财税]",
        ":7: published: 日期“2023/01/01”格式不对，请写成 YYYY-MM-DD，例如 2023-02-16 / '2023/01/01' is not a valid date: write YYYY-MM-DD, e.g. 2023-02-16",
        ":8: draft: draft 只能是 true 或 false / draft must be true or false",
    ]


def test_expires_before_effective(content):
    text = explainer(effective="2023-06-01", expires="2023-01-01")
    assert problems_in(content, "policies/bad.md", text) == [
        ":9: expires: 失效日期 2023-01-01 早于生效日期 2023-06-01，请检查 / expires (2023-01-01) is before effective (2023-06-01): correct one of them"
    ]


def test_summary_longer_than_200_characters(content):
    text = explainer(summary="很" * 201)
    assert problems_in(content, "policies/bad.md", text) == [
        ":3: summary: summary 最多 200 个字，现有 201 个，请精简 / summary has 201 characters, at most 200 allowed: shorten it"
    ]


def test_unknown_field_suggests_the_known_one(content):
    assert problems_in(content, "policies/bad.md", explainer(sumary="x")) == [
        ":8: sumary: 未知字段“sumary”，是否应为：summary / unknown field 'sumary'; did you mean: summary"
    ]


def test_synonym_gets_the_canonical_name(content):
    assert problems_in(content, "policies/bad.md", explainer(topics="[贷款]")) == [
        ":6: topics.0: “贷款”是同义词，请改用规范名称“金融” / '贷款' is a synonym: use the canonical name 金融"
    ]


def test_unknown_registry_values_get_the_closest_known_ones(content):
    text = explainer(department="江苏省发改委", region="江苏")
    assert problems_in(content, "policies/bad.md", text) == [
        ":4: department: 未知部门“江苏省发改委”，是否应为：江苏省发展改革委、江苏省财政厅 / unknown department '江苏省发改委'; did you mean: 江苏省发展改革委, 江苏省财政厅",
        ":5: region: 未知地区“江苏”，是否应为：江苏省 / unknown region '江苏'; did you mean: 江苏省",
    ]


def test_department_alias_is_accepted(content):
    assert problems_in(content, "policies/ok.md", explainer(department="江蘇省發展改革委")) == []


def test_non_ascii_file_name_gets_a_pinyin_slug(content):
    assert problems_in(content, "policies/留抵退税.md", VALID_EXPLAINER) == [
        ":1: slug: 文件名“留抵退税”不能用作网址，请只用小写字母、数字和连字符，例如改名为 liu-di-tui-shui.md / file name '留抵退税' is not a valid slug (lowercase ASCII letters, digits, hyphens): rename it, e.g. to liu-di-tui-shui.md"
    ]


def test_duplicate_slug_in_another_folder(content):
    write(content, "policies/2023/economy-2022.md", VALID_EXPLAINER)
    lines = problems(content)
    assert len([line for line in lines if "slug 'economy-2022' is also used by" in line]) == 2


def test_references_must_exist(content):
    text = explainer(related="[economy-2023, economy-2024]", supersedes="[bad, nothing-here]")
    assert problems_in(content, "policies/bad.md", text) == [
        ":8: related: 找不到政策解读“economy-2024”，是否应为：economy-2023、economy-2022、loan-2027 / no explainer with slug 'economy-2024'; did you mean: economy-2023, economy-2022, loan-2027",
        ":9: supersedes: 不能引用自身“bad” / 'bad' refers to this explainer itself: remove it",
        ":9: supersedes: 找不到政策解读“nothing-here”，请检查拼写或删除 / no explainer with slug 'nothing-here': fix the spelling or remove it",
    ]


def test_supersede_cycle_is_reported_once(content):
    write(content, "policies/a.md", explainer(supersedes="[b]"))
    write(content, "policies/b.md", explainer(supersedes="[a]"))
    cycles = [line for line in problems(content) if "cycle" in line]
    assert len(cycles) == 1
    assert "a → b → a" in cycles[0] or "b → a → b" in cycles[0]


def test_session_errors(content):
    text = "---\ntitle: 答疑\ndate: 2023-01-01\nkind: tv\npolicies: [nope]\n---\n\n答：没有问题的答复\n\n## 问：有问题没答复\n\n## 问：第三个\n\n答（江苏省税务局）：部门不存在\n"
    assert problems_in(content, "qa/bad.md", text) == [
        ":4: kind: kind 只能是 live | board | hotline | briefing（直播答疑、留言板、热线、政策答疑） / kind must be one of live | board | hotline | briefing, not 'tv'",
        ":5: policies: 找不到政策解读“nope”，请检查拼写或删除 / no explainer with slug 'nope': fix the spelling or remove it",
        ":8: body: 这条答复前面没有问题，请在它之前加一行“## 问：…” / answer without a question: add a heading '## 问：…' before it",
        ":10: body: 这个问题没有答复，请在其后加一段“答：…”或“答（部门）：…” / question without an answer: add a paragraph '答：…' or '答（部门）：…' after it",
        ":14: answer: 未知部门“江苏省税务局”，是否应为：江苏省财政厅、江苏省发展改革委 / unknown department '江苏省税务局'; did you mean: 江苏省财政厅, 江苏省发展改革委",
    ]


def test_session_pairs_are_parsed_with_details_asker_and_department(content):
    loaded, _ = check_content(content)
    session = loaded.sessions[0]
    first, second = session.pairs
    assert first.question == "中小企业能否继续享受优惠政策？"
    assert first.asker == "南京某企业 王先生 13812345678"  # redacted when written, not when read
    assert first.answered_by.name == "江苏省财政厅"
    assert second.question == "資金支持是否打折扣？"
    assert "邮箱" in second.details and second.answered_by is None


def test_every_broken_file_is_reported_in_one_run(content):
    write(content, "policies/one.md", b"\xef\xbb\xbf" + VALID_EXPLAINER.encode())
    write(content, "policies/two.md", explainer(region="火星"))
    write(content, "qa/three.md", "no front matter\n")
    files = {line.split(":")[0] for line in problems(content)}
    assert {str(content / p) for p in ("policies/one.md", "policies/two.md", "qa/three.md")} <= files


def test_registry_problems_name_their_lines(content):
    (content / "taxonomy.yml").write_text((content / "taxonomy.yml").read_text(encoding="utf-8").replace("id: tax", "id: Tax_1"), encoding="utf-8")
    assert [line for line in problems(content) if "taxonomy" in line] == [
        f"{content / 'taxonomy.yml'}:6: topics.1.id: id“Tax_1”只能用小写字母、数字和连字符 / id 'Tax_1' must use lowercase ASCII letters, digits and hyphens"
    ]


def test_impossible_date_is_a_field_error(content):
    assert problems_in(content, "policies/bad.md", explainer(published="2023-02-30")) == [
        ":7: published: 日期“2023-02-30”格式不对，请写成 YYYY-MM-DD，例如 2023-02-16 / '2023-02-30' is not a valid date: write YYYY-MM-DD, e.g. 2023-02-16"
    ]
