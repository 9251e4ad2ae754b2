"""check/registries.py: content/synonyms.yml, the search lexicon, read and checked with path:line errors."""

from __future__ import annotations

from build_tools.build.pipeline import check_content
from build_tools.check.report import format_text
from conftest import write


def checked(content, text: str):
    write(content, "synonyms.yml", text)
    result, issues = check_content(content)
    prefix = str(content / "synonyms.yml")
    return result, [line.removeprefix(prefix) for line in format_text(issues).splitlines() if line.startswith(prefix)]


def test_groups_are_read(content):
    result, problems = checked(content, "# equivalences\n- [个税, 个人所得税]\n- [外企, 外资企业, 外商投资企业]\n")
    assert problems == []
    assert result.synonyms == [("个税", "个人所得税"), ("外企", "外资企业", "外商投资企业")]


def test_no_file_no_groups(content):
    result, issues = check_content(content)
    assert result.synonyms == [] and not any("synonyms" in i.path for i in issues)


def test_a_word_in_two_groups_names_the_line_and_the_fix(content):
    _, problems = checked(content, "- [个税, 个人所得税]\n- [社保, 社会保险]\n- [个税, 所得税]\n")
    assert len(problems) == 1
    assert problems[0].startswith(":3:") and "第 1 组" in problems[0] and "merge the two groups" in problems[0]


def test_a_group_of_one_word_and_a_one_character_word(content):
    _, problems = checked(content, "- [个税]\n- [税, 税收]\n")
    assert problems[0].startswith(":1:") and "at least two different words" in problems[0]
    assert problems[1].startswith(":2:") and "too short" in problems[1]


def test_not_a_list(content):
    _, problems = checked(content, "个税: 个人所得税\n")
    assert len(problems) == 1 and "must be a list of groups" in problems[0]


def test_a_group_that_is_not_a_list(content):
    _, problems = checked(content, "- [个税, 个人所得税]\n- 社保\n")
    assert problems[0].startswith(":2:") and "each group must be a list" in problems[0]
