"""load.py: decoding, front matter splitting and real file line numbers."""

from __future__ import annotations

from build_tools.load.tree import load_markdown, parse_yaml
from conftest import VALID_EXPLAINER, write


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
    assert issues == [(1, "front matter", "front matter 没有结束：在最后一个字段后加一行 --- / front matter block is not closed: add a line '---' after the last field")]


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
