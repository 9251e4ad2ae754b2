"""check/: field rules, registry look-ups, references and cycles, Q&A bodies."""

from __future__ import annotations

import datetime as dt

import pytest

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
    assert problems_in(content, "policies/bad.md", explainer(contcat="025-1234")) == [
        ":8: contcat: 未知字段“contcat”，是否应为：contact / unknown field 'contcat'; did you mean: contact"
    ]


def test_unknown_field_next_to_the_one_it_was_meant_to_be_is_to_be_deleted(content):
    # renaming it as "did you mean" said would have written summary twice (another error)
    assert problems_in(content, "policies/bad.md", explainer(sumary="x")) == [
        ":8: sumary: 未知字段“sumary”，summary 已经写了，请删除这一行 / unknown field 'sumary': summary is already there, delete this line"
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
        f"{content / 'taxonomy.yml'}:6: topics.1.id: id“Tax_1”只能用小写字母、数字和连字符，例如 tax-1 / id 'Tax_1' must use lowercase ASCII letters, digits and hyphens, e.g. tax-1"
    ]


def test_impossible_date_is_a_field_error(content):
    assert problems_in(content, "policies/bad.md", explainer(published="2023-02-30")) == [
        ":7: published: 日期“2023-02-30”格式不对，请写成 YYYY-MM-DD，例如 2023-02-16 / '2023-02-30' is not a valid date: write YYYY-MM-DD, e.g. 2023-02-16"
    ]


# --- names the site keeps for itself --------------------------------------------------------------


@pytest.mark.parametrize("relative", ["policies/index.md", "qa/index.md", "policies/2024/search.md", "qa/faq.md", "policies/feed.md"])
def test_reserved_slugs_are_errors_with_a_name_that_is_free(content, relative):
    text = VALID_EXPLAINER if relative.startswith("policies") else (content / "qa/live-2023.md").read_text(encoding="utf-8")
    stem = relative.rsplit("/", 1)[1].removesuffix(".md")
    assert problems_in(content, relative, text) == [
        f":1: slug: 文件名“{stem}”是网站自己生成的页面的名称（如 policies/、qa/ 的列表页），请改名，例如改为 {stem}-1.md / "
        f"file name '{stem}' is the name of a page the site generates itself (such as the list page of policies/ or qa/): rename the file, e.g. to {stem}-1.md"
    ]


def test_every_generated_list_folder_is_reserved():
    from build_tools.check.documents import RESERVED_SLUGS
    from build_tools.check.links import SECTIONS

    assert {"index", "qa", "policies", "faq", "search", "match", "404", "feed", "sitemap", "page"} | set(SECTIONS) <= RESERVED_SLUGS


# --- content that cannot mislead ------------------------------------------------------------------


def test_placeholders_of_policy_new_are_errors_once_it_is_no_draft(content):
    from build_tools.authoring.new import render_template

    loaded, _ = check_content(content)
    draft = render_template(loaded, loaded.departments[0], dt.date(2024, 3, 1))
    assert problems_in(content, "policies/new-one.md", draft) == []  # a draft may hold them
    lines = problems_in(content, "policies/new-one.md", draft.replace("draft: true", "draft: false"))
    assert lines == [
        ":2: title: title 仍是 policy new 写的占位文字，请写出解读的标题，例如《关于……的若干措施》解读（草稿可以保留） / "
        "title still holds the placeholder of policy new: write the explainer's title, e.g. 《关于……的若干措施》解读 (a draft may keep it)",
        ":3: summary: summary 仍是 policy new 写的占位文字，请用一两句话说明政策给企业带来什么（不超过 200 字）（草稿可以保留） / "
        "summary still holds the placeholder of policy new: say in one or two sentences what the policy gives enterprises (at most 200 characters) (a draft may keep it)",
        ":11: policy.title: policy.title 仍是 policy new 写的占位文字，请写出被解读的政策文件的标题，没有时删除整个 policy 部分（草稿可以保留） / "
        "policy.title still holds the placeholder of policy new: write the title of the policy document, or delete the whole policy block (a draft may keep it)",
        ":38: body: 正文中仍有 policy new 写的占位文字“（用通俗的话列出三到五条要点。）”，请写出这一节的内容，或删除这一节（草稿可以保留） / "
        "the body still holds a placeholder of policy new ('（用通俗的话列出三到五条要点。）'): write this section, or delete it (a draft may keep it)",
        ":42: body: 正文中仍有 policy new 写的占位文字“（哪些企业可以享受。）”，请写出这一节的内容，或删除这一节（草稿可以保留） / "
        "the body still holds a placeholder of policy new ('（哪些企业可以享受。）'): write this section, or delete it (a draft may keep it)",
        ":46: body: 正文中仍有 policy new 写的占位文字“（需要满足的条件。）”，请写出这一节的内容，或删除这一节（草稿可以保留） / "
        "the body still holds a placeholder of policy new ('（需要满足的条件。）'): write this section, or delete it (a draft may keep it)",
        ":50: body: 正文中仍有 policy new 写的占位文字“（去哪里、交什么材料、多久办结。）”，请写出这一节的内容，或删除这一节（草稿可以保留） / "
        "the body still holds a placeholder of policy new ('（去哪里、交什么材料、多久办结。）'): write this section, or delete it (a draft may keep it)",
        ":54: body: 正文中仍有 policy new 写的占位文字“（企业最常问的问题和答复。）”，请写出这一节的内容，或删除这一节（草稿可以保留） / "
        "the body still holds a placeholder of policy new ('（企业最常问的问题和答复。）'): write this section, or delete it (a draft may keep it)",
    ]


def test_a_scheduled_explainer_with_a_placeholder_title_is_an_error_too(content):
    from build_tools.check.documents import PLACEHOLDERS

    text = explainer(title=f'"{PLACEHOLDERS["title"][0]}"', published="2099-01-01")
    assert [line.split(" / ")[0] for line in problems_in(content, "policies/later.md", text)] == [
        ":2: title: title 仍是 policy new 写的占位文字，请写出解读的标题，例如《关于……的若干措施》解读（草稿可以保留）"
    ]


NUMBERED = "policy:\n  title: 关于推动经济运行率先整体好转的若干政策措施\n  number: {number}\n"


def numbered(title: str, number: str, **changes: str) -> str:
    """The valid explainer with `title`, a policy block with the 文号 `number` (lines 8–10) and other changes."""
    front, _, body = explainer(title=title, **changes).partition("\n---\n")
    return f"{front}\n{NUMBERED.format(number=number)}---\n{body}"


def test_two_explainers_with_the_same_title_and_number_name_each_other(content):
    write(content, "policies/copy-a.md", numbered("《若干政策措施》解读", "苏政发〔2023〕9号"))
    write(content, "policies/2024/copy-b.md", numbered("《若干政策措施》 解读", "苏政发[2023]9号", published="2024-01-01"))
    a, b = content / "policies/copy-a.md", content / "policies/2024/copy-b.md"
    assert [line for line in problems(content) if "copy-" in line] == [
        f"{b}:10: policy.number: 与 {a} 的标题和文号（苏政发[2023]9号）都相同，同一篇解读不能发布两次：请删除其中一个文件，"
        f"或在较新的本文件的 supersedes 中写上 copy-a（supersedes: [copy-a]） / same title and document number (苏政发[2023]9号) as {a}: "
        "the same explainer would be published twice; delete one of the files, or let the newer one replace the older: "
        "add copy-a to the supersedes of this file (supersedes: [copy-a])",
        f"{a}:10: policy.number: 与 {b} 的标题和文号（苏政发〔2023〕9号）都相同，同一篇解读不能发布两次：请删除其中一个文件，"
        f"或在较新的 {b} 的 supersedes 中写上 copy-a（supersedes: [copy-a]） / same title and document number (苏政发〔2023〕9号) as {b}: "
        f"the same explainer would be published twice; delete one of the files, or let the newer one replace the older: "
        f"add copy-a to the supersedes of {b} (supersedes: [copy-a])",
    ]


def test_the_same_title_and_number_is_fine_for_a_draft_a_replacement_or_another_number(content):
    write(content, "policies/copy-a.md", numbered("《若干政策措施》解读", "苏政发〔2023〕9号"))
    write(content, "policies/copy-draft.md", numbered("《若干政策措施》解读", "苏政发〔2023〕9号", draft="true"))
    write(content, "policies/copy-new.md", numbered("《若干政策措施》解读", "苏政发〔2023〕9号", supersedes="[copy-a]"))
    write(content, "policies/copy-other.md", numbered("《若干政策措施》解读", "苏政发〔2023〕10号"))
    write(content, "policies/copy-title.md", numbered("《若干政策措施》问答", "苏政发〔2023〕9号"))
    assert [line for line in problems(content) if "copy-" in line] == []


# --- lists typed on a Chinese keyboard ------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("topics: [金融，财税]", ":6: topics.0: 列表的各项之间要用英文逗号“,”分隔，请写成 topics: [金融, 财税] / "
                                 "list items are separated by a half-width comma ',': write topics: [金融, 财税]"),
        ("topics: [金融、 财税]", ":6: topics.0: 列表的各项之间要用英文逗号“,”分隔，请写成 topics: [金融, 财税] / "
                                  "list items are separated by a half-width comma ',': write topics: [金融, 财税]"),
        ("topics: 金融，财税", ":6: topics: topics 应为列表，例如 topics: [金融, 财税] / topics must be a list, e.g. topics: [金融, 财税]"),
        ("topics: [财税, 贷款；金融]", ":6: topics.1: 列表的各项之间要用英文逗号“,”分隔，请写成 topics: [财税, 贷款, 金融] / "
                                       "list items are separated by a half-width comma ',': write topics: [财税, 贷款, 金融]"),
    ],
)
def test_a_list_written_with_full_width_commas_gets_the_list_to_write(content, written, expected):
    lines = problems_in(content, "policies/bad.md", VALID_EXPLAINER.replace("topics: [财税]", written))
    assert lines[0] == expected
    assert all("金融，财税" not in line and "金融、财税" not in line for line in lines)


def test_a_reference_list_written_with_a_full_width_comma_gets_the_list_to_write(content):
    assert problems_in(content, "policies/bad.md", explainer(related="[economy-2023，refund-2023]")) == [
        ":8: related.0: 列表的各项之间要用英文逗号“,”分隔，请写成 related: [economy-2023, refund-2023] / "
        "list items are separated by a half-width comma ',': write related: [economy-2023, refund-2023]",
    ]
    assert problems_in(content, "policies/bad.md", explainer(related="[economy-2023，nothing-here]"))[1] == (
        ":8: related: 找不到政策解读“nothing-here”，请检查拼写或删除 / no explainer with slug 'nothing-here': fix the spelling or remove it"
    )


def test_one_slug_rule_for_file_names_policy_new_and_faq_import(content):
    from build_tools.authoring.new import ScaffoldError, new_explainer
    from build_tools.check.documents import slug_problem

    assert slug_problem("sucrong-loan") is None
    assert slug_problem("../../x").endswith("'../../x' is not a valid slug (lowercase ASCII letters, digits, hyphens): try x")
    assert slug_problem("qa").endswith("'qa' is the name of a page the site generates itself: choose another, e.g. qa-1")
    loaded, _ = check_content(content)
    with pytest.raises(ScaffoldError, match="'index' is the name of a page the site generates itself"):
        new_explainer(loaded, "index", "江苏省财政厅", dt.date(2024, 3, 1))
    assert not (content / "policies/index.md").exists()
