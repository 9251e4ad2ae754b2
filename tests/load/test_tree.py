"""load.py: decoding, front matter splitting and real file line numbers."""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
import time

import pytest

from build_tools.load import tree as load_module
from build_tools.load.history import last_changed
from build_tools.load.tree import load_markdown, load_tree, parse_yaml
from conftest import VALID_EXPLAINER, run_policy, write


def load(tmp_path, text):
    issues = []
    document = load_markdown(write(tmp_path, "policies/a.md", text), issues)
    return document, [(i.line, i.field, i.message) for i in issues]


def test_keys_and_list_items_carry_their_file_lines(tmp_path):
    document, issues = load(tmp_path, "---\ntitle: 标题\ntopics:\n  - 金融\n  - 财税\npolicy:\n  number: 苏政发〔2023〕1号\n---\n正文\n")
    assert issues == []
    assert document.lines["title"] == 2
    assert document.lines["topics.1"] == 5
    assert document.lines["policy.number"] == 7
    assert document.body_line == 9
    assert document.line_of("policy.title") == 6  # absent key: its parent's line


def test_bom_is_reported_and_the_rest_still_parsed(tmp_path):
    document, issues = load(tmp_path, b"\xef\xbb\xbf" + VALID_EXPLAINER.encode())
    assert issues[0][:2] == (1, "encoding")
    assert "BOM" in issues[0][2]
    assert document.data["title"] == "测试解读"


def test_gbk_file_is_reported_with_a_conversion_command(tmp_path):
    document, issues = load(tmp_path, VALID_EXPLAINER.encode("gbk"))
    assert issues[0][1] == "encoding"
    assert "GBK/GB18030" in issues[0][2] and "iconv -f GB18030 -t UTF-8" in issues[0][2]
    assert issues[0][0] == 2  # the first line with a non-UTF-8 byte
    assert document.data["title"] == "测试解读"  # decoded, not mojibake


def test_missing_front_matter(tmp_path):
    _, issues = load(tmp_path, "# 标题\n\n正文\n")
    assert issues == [(1, "front matter", "缺少 front matter：文件应以 --- 开头的字段块开始（可用 policy new 生成模板） / missing front matter: the file must start with a '---' block of fields (policy new writes a template)")]


def test_missing_opening_fence(tmp_path):
    _, issues = load(tmp_path, "title: 标题\n---\n正文\n")
    assert issues == [(1, "front matter", "front matter 缺少开头的 --- 行 / front matter is missing its opening line: add '---' as the first line")]


def test_empty_front_matter(tmp_path):
    _, issues = load(tmp_path, "---\n# 只有注释\n---\n正文\n")
    assert issues[0][:2] == (1, "front matter")
    assert "front matter block is empty" in issues[0][2]


def test_unclosed_front_matter(tmp_path):
    _, issues = load(tmp_path, "---\ntitle: 标题\n正文\n")
    assert issues == [(1, "front matter", "front matter 没有结束：请在第 2 行（最后一个字段）之后加一行 --- / front matter block is not closed: add a line '---' after line 2, the last field")]


def test_full_width_colon_is_reported_at_its_line_and_repaired(tmp_path):
    document, issues = load(tmp_path, "---\ntitle: 标题\nsummary：摘要\n---\n")
    assert issues == [(3, "summary", "字段名后用了全角冒号“：”，请改为半角冒号“:”加空格 / full-width colon after the field name: use ': ' (half-width colon and a space)")]
    assert document.data == {"title": "标题", "summary": "摘要"}


def test_tab_indentation_is_reported_at_its_line(tmp_path):
    document, issues = load(tmp_path, "---\npolicy:\n\ttitle: 文件\n---\n")
    assert issues == [(3, "front matter", "此行用了制表符（Tab），YAML 只允许空格缩进 / tab character in indentation: use spaces instead")]
    assert document.data == {"policy": {"title": "文件"}}


def test_yaml_error_names_the_file_line_not_the_block_line(tmp_path):
    _, issues = load(tmp_path, "---\ntitle: 标题\nsummary: 说明: 有冒号\n---\n")
    assert issues[0][0] == 3
    assert issues[0][1] == "yaml"
    assert "put the whole value in double quotes" in issues[0][2]


def test_duplicate_key_is_reported(tmp_path):
    _, issues = load(tmp_path, "---\ntitle: 一\ntitle: 二\n---\n")
    assert issues == [(3, "title", "字段重复出现，请只保留一个 / field appears twice: keep only one")]


def test_parse_yaml_offsets_lines():
    issues = []
    data, lines = parse_yaml("a: 1\nb:\n  - x\n", "f.yml", 10, issues)
    assert data == {"a": 1, "b": ["x"]} and lines == {"a": 10, "b": 11, "b.0": 12} and issues == []


# --- what no file may hold: links out of content/, control characters, YAML aliases, deep nesting ----------


def loaded_issues(content) -> list[tuple[str, int, str, str]]:
    tree = load_tree(content)
    return [(i.path.removeprefix(f"{content}/"), i.line, i.field, i.message) for i in tree.issues]


def test_symbolic_links_are_refused_with_their_path_and_never_read(content, tmp_path):
    outside = tmp_path / "outside"
    session = write(outside, "leaked.md", (content / "qa/live-2023.md").read_text(encoding="utf-8"))
    explainer = write(outside, "elsewhere.md", VALID_EXPLAINER)
    write(outside, "folder/more.md", VALID_EXPLAINER)
    (content / "qa/leaked.md").symlink_to(session)
    (content / "policies/elsewhere.md").symlink_to(explainer)
    (content / "policies/folder").symlink_to(outside / "folder")
    (content / "policies/twice.md").symlink_to("economy-2023.md")  # inside content/: the same text twice
    tree = load_tree(content)
    assert {d.slug for d in tree.policies} == {"draft-idea", "economy-2022", "economy-2023", "loan-2027", "refund-2023", "scheduled"}
    assert [d.slug for d in tree.sessions] == ["live-2023"]
    problems = sorted((i.path.removeprefix(f"{content}/"), i.line, i.field, i.message.split(" / ")[1]) for i in tree.issues)
    assert problems == [
        ("policies/elsewhere.md", 1, "file", f"{content}/policies/elsewhere.md is a symbolic link to {explainer}, outside the content folder: "
         "it is neither read nor published; copy the file itself here, or delete the link"),
        ("policies/folder", 1, "file", f"{content}/policies/folder is a symbolic link to {outside / 'folder'}, outside the content folder: "
         "it is neither read nor published; copy the file itself here, or delete the link"),
        ("policies/twice.md", 1, "file", f"{content}/policies/twice.md is a symbolic link to {content}/policies/economy-2023.md: "
         "it is neither read nor published; that file is in the content folder already: delete the link"),
        ("qa/leaked.md", 1, "file", f"{content}/qa/leaked.md is a symbolic link to {session}, outside the content folder: "
         "it is neither read nor published; copy the file itself here, or delete the link"),
    ]
    assert "是符号链接" in tree.issues[0].message


def test_a_registry_linked_from_outside_is_refused(content, tmp_path):
    real = write(tmp_path, "elsewhere/departments.yml", (content / "departments.yml").read_text(encoding="utf-8"))
    (content / "departments.yml").unlink()
    (content / "departments.yml").symlink_to(real)
    tree = load_tree(content)
    assert tree.departments is None
    assert [(i.path, i.field) for i in tree.issues] == [(f"{content}/departments.yml", "file")]
    assert f"is a symbolic link to {real}, outside the content folder" in tree.issues[0].message


def test_policy_check_fails_on_a_link_out_of_content(project, tmp_path):
    outside = write(tmp_path, "outside/leaked.md", (project / "content/qa/live-2023.md").read_text(encoding="utf-8"))
    (project / "content/qa/leaked.md").symlink_to(outside)
    result = run_policy(project, "check")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"content/qa/leaked.md:1: file: content/qa/leaked.md 是符号链接（指向内容目录之外的 {outside}）")


def test_last_changed_of_a_file_outside_the_content_folder_is_its_time_not_a_crash(content, tmp_path):
    outside = write(tmp_path, "outside/elsewhere.md", VALID_EXPLAINER)
    (content / "policies/elsewhere.md").symlink_to(outside)
    inside = content / "policies/economy-2023.md"
    changed = last_changed(content, [content / "policies/elsewhere.md", outside, inside])  # not in git: each file's time

    def modified(path):
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()

    assert changed == {content / "policies/elsewhere.md": modified(outside), outside: modified(outside), inside: modified(inside)}


@pytest.mark.parametrize(
    ("written", "line", "field", "message"),
    [
        ("正文\x00后面", 11, "body", "invisible NUL character (U+0000) at column 3"),
        ("第一句\u2028第二句", 11, "body", "invisible line separator (U+2028) at column 4"),
        ("文字\x85与\x1b[31m", 11, "body", "invisible next-line character (U+0085) at column 3 (2 on this line)"),
    ],
)
def test_control_characters_in_a_body_are_errors_at_their_line(tmp_path, written, line, field, message):
    document, issues = load(tmp_path, VALID_EXPLAINER.replace("正文。", f"正文。\n{written}"))
    assert [(i[0], i[1]) for i in issues] == [(line, field)]
    assert message in issues[0][2] and "delete it" in issues[0][2] and "请删除它" in issues[0][2]
    assert not load_module.CONTROL_CHARACTERS.search(document.body)  # taken out: the rest is still checked, nothing is published


def test_control_characters_in_front_matter_are_errors_at_their_field(tmp_path):
    text = VALID_EXPLAINER.replace("title: 测试解读", 'title: "测试\\v解读"').replace("summary: 一句话摘要。", "summary: 一句话\x01摘要。")
    text = text.replace("region: 江苏省", 'region: "江苏\\x01省\\0"')
    document, issues = load(tmp_path, text)
    assert sorted(issues) == [
        (2, "title", "引号中的转义写出了不可见的垂直制表符（U+000B），请删除这个转义（以 \\ 开头的几个字符，如 \\v、\\x01） / "
                     "an escape in the quoted value writes an invisible vertical tab (U+000B): delete the escape (the characters starting with \\, e.g. \\v or \\x01)"),
        (3, "summary", "第 13 个字符处有不可见的控制字符（U+0001），请删除它（编辑器显示不出来时，可删掉这一行后重新输入） / "
                       "invisible control character (U+0001) at column 13: delete it (if your editor does not show it, delete the line and type it again)"),
        (5, "region", "引号中的转义写出了不可见的控制字符（U+0001），请删除这个转义（以 \\ 开头的几个字符，如 \\v、\\x01） / "
                      "an escape in the quoted value writes an invisible control character (U+0001): delete the escape (the characters starting with \\, e.g. \\v or \\x01)"),
    ]
    assert (document.data["title"], document.data["summary"], document.data["region"]) == ("测试解读", "一句话摘要。", "江苏省")


def test_control_characters_in_a_registry_are_errors(content):
    path = content / "taxonomy.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("name: 金融", "name: 金\x0c融"), encoding="utf-8")
    assert loaded_issues(content) == [("taxonomy.yml", 2, "topics.0.name", load_module.control_character_message("\x0c", 12))]


def test_a_binary_file_reports_twenty_lines_and_how_many_more(tmp_path):
    _, issues = load(tmp_path, VALID_EXPLAINER + "\x00\n" * 30)
    assert len(issues) == 21 and issues[0][:2] == (11, "body") and issues[19][0] == 30
    assert issues[20][:2] == (31, "file") and "10 more lines hold invisible control characters" in issues[20][2]


def test_tab_and_line_breaks_are_not_control_characters(tmp_path):
    _, issues = load(tmp_path, VALID_EXPLAINER.replace("正文。", "正文\t制表符。\r\n下一行\r"))
    assert issues == []


def test_yaml_anchors_and_aliases_are_refused_at_their_line(tmp_path):
    text = VALID_EXPLAINER.replace("topics: [财税]", "topics: &t [财税]\naudience: *t")
    document, issues = load(tmp_path, text)
    assert issues == [
        (6, "yaml", "不支持 YAML 锚点和别名（&名称、*名称，见第 6、7 行）：请把值直接写出来；如果 & 或 * 是值的一部分，请用英文双引号把整个值括起来 / "
                    "YAML anchors and aliases (&name, *name; lines 6, 7) are not supported: write the value out in full; "
                    "if the & or * is part of the value, put the whole value in double quotes")
    ]
    assert document.data is None


def test_an_ampersand_or_star_inside_a_value_is_text(tmp_path):
    document, issues = load(tmp_path, VALID_EXPLAINER.replace("title: 测试解读", 'title: "R&D 加计扣除 *重点*"\ntags: [R&D, a*b]'))
    assert issues == [] and document.data["title"] == "R&D 加计扣除 *重点*" and document.data["tags"] == ["R&D", "a*b"]


def test_nesting_deeper_than_the_limit_is_an_error_at_its_line(tmp_path):
    depth = load_module.MAX_DEPTH
    # the front matter's own block is the first level, each '-' one more
    ok = "---\ntitle: x\ntopics:\n" + "".join(" " * i + "-\n" for i in range(depth - 2)) + " " * (depth - 2) + "- 财税\n---\n"
    document, issues = load(tmp_path, ok)
    assert issues == [] and document.data["topics"] is not None
    deep = "---\ntitle: x\ntopics:\n" + "".join(" " * i + "-\n" for i in range(depth - 1)) + " " * (depth - 1) + "- 财税\n---\n"
    document, issues = load(tmp_path, deep)
    assert issues == [
        (3 + depth, "yaml", f"列表和字段块嵌套超过 {depth} 层，请检查这一行的缩进和括号 [ ] {{ }} 是否多写了 / "
                            f"lists and blocks are nested more than {depth} levels deep: check the indentation and the brackets [ ] {{ }} of this line")
    ]
    assert document.data is None


def test_flow_nesting_is_an_error_not_a_recursion_error(tmp_path):
    _, issues = load(tmp_path, "---\ntitle: x\ntopics: " + "[" * 1000 + "]" * 1000 + "\n---\n")
    assert [(line, field) for line, field, _ in issues] == [(3, "yaml")]


HOSTILE = {
    # "billion laughs": nine lines that expand to 9^9 values
    "bomb.md": "---\ntitle: 测试\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
    + "---\n正文\n",
    # deeper than libyaml's composer, which recurses in C, survives
    "deep.md": "---\ntitle: 测试\ntopics: " + "[" * 200_000 + "]" * 200_000 + "\n---\n正文\n",
}


@pytest.mark.parametrize(("name", "line", "message"), [("bomb.md", 3, "YAML anchors and aliases"), ("deep.md", 3, "nested more than")])
def test_hostile_yaml_ends_quickly_with_an_error_under_a_memory_limit(content, name, line, message):
    write(content, f"policies/{name}", HOSTILE[name])

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    program = "from build_tools.cli import main; main()"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", program, "check", "--content", str(content)],
        preexec_fn=limit_memory, capture_output=True, text=True, timeout=120, env={**os.environ, "POLICY_CACHE": "off"},
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert time.monotonic() - started < 30
    assert result.stdout.splitlines()[0].startswith(f"{content}/policies/{name}:{line}: yaml: ")
    assert message in result.stdout
    assert "MemoryError" not in result.stderr and "internal error" not in result.stderr
