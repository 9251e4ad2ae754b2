"""The `policy` command, called as a user would, with exact messages and exit codes."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from build_tools.cli import cli
from conftest import VALID_EXPLAINER, write


@pytest.fixture
def run(content):
    """Run `policy ARGS` in the folder above `content` (so paths print as content/…)."""

    def invoke(*args: str):
        runner = CliRunner()
        cwd = os.getcwd()
        os.chdir(content.parent)
        try:
            return runner.invoke(cli, list(args), catch_exceptions=False)
        finally:
            os.chdir(cwd)

    return invoke


def test_check_clean_content_exits_0(run):
    result = run("check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "0 个错误，0 个警告 / 0 error(s), 0 warning(s)\n"


def test_check_prints_path_line_field_message_and_exits_1(run, content):
    write(content, "policies/bad.md", VALID_EXPLAINER.replace("topics: [财税]", "topics: [税收]").replace("region: 江苏省", "region: 苏州"))
    result = run("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "content/policies/bad.md:5: region: 未知地区“苏州”，是否应为：江苏省 / unknown region '苏州'; did you mean: 江苏省",
        "content/policies/bad.md:6: topics.0: “税收”是同义词，请改用规范名称“财税” / '税收' is a synonym: use the canonical name 财税",
    ]
    assert "2 个错误" in result.stderr


def test_check_github_format_gives_annotations(run, content):
    write(content, "policies/bad.md", VALID_EXPLAINER.replace("published: 2023-01-01", "published: 昨天"))
    result = run("check", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout == "::error file=content/policies/bad.md,line=7,title=published::日期“昨天”格式不对，请写成 YYYY-MM-DD，例如 2023-02-16 / '昨天' is not a valid date: write YYYY-MM-DD, e.g. 2023-02-16\n"


def test_check_json_format(run, content):
    assert json.loads(run("check", "--format", "json").stdout) == []
    write(content, "policies/bad.md", "---\n---\n")
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    assert [(i["path"], i["line"], i["field"], i["severity"]) for i in json.loads(result.stdout)] == [("content/policies/bad.md", 1, "front matter", "error")]


def test_wrong_usage_exits_2(run):
    assert run("check", "--format", "xml").exit_code == 2
    missing = run("check", "--content", "nowhere")
    assert missing.exit_code == 2
    assert "content folder nowhere not found" in missing.stderr
    assert run("build", "--today", "23/11/2026").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_build_with_errors_writes_nothing(run, content, project):
    write(content, "policies/bad.md", VALID_EXPLAINER.encode("gb18030"))
    result = run("build", "--today", "2026-11-23")
    assert result.exit_code == 1
    assert "content/policies/bad.md:2: encoding: 文件是 GBK/GB18030 编码" in result.stderr
    assert "nothing was written; the previous output is unchanged" in result.stderr
    assert not (content.parent / "site").exists()


def test_build_writes_site_and_index(run, content, project):
    result = run("build", "--today", "2026-11-23", "--site", "out", "--index", "idx")
    assert result.exit_code == 0, result.output
    assert (content.parent / "out/index.html").is_file() and (content.parent / "idx").is_dir()
    assert re.search(r"built \d+ pages into out/ and the search index into idx/", result.stdout)


def test_the_build_program_ends_with_its_output_written_and_exit_code_0(content, project):
    # Run as `policy`, the build ends without freeing its objects one by one: what it printed
    # into a pipe must still arrive, and the site must be complete.
    script = Path(sys.executable).parent / "policy"
    result = subprocess.run([str(script), "build", "--today", "2026-11-23"], cwd=content.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert re.search(r"built \d+ pages into site/ and the search index into search_index/\n$", result.stdout)
    assert "检索索引 / search index (Whoosh)" in result.stderr and "Warning" not in result.stderr  # nothing left to clean up
    assert (content.parent / "site/index.html").is_file() and (content.parent / "site/pagefind/pagefind.js").is_file()


def test_build_with_a_missing_config_file_says_what_to_do(run):
    # without --config, no mkdocs.yml means the packaged defaults (tests/site/test_defaults.py); a named file must exist
    result = run("build", "--config", "site.yml")
    assert result.exit_code == 1
    assert "site.yml not found: check the --config path, or leave --config out" in result.stderr


def test_new_writes_a_valid_draft_with_every_field(run, content):
    result = run("new", "sucrong-loan", "--department", "省财政厅")
    assert result.exit_code == 0
    created = content / "policies/sucrong-loan.md"
    text = created.read_text(encoding="utf-8")
    for field in ("title", "summary", "department", "co_departments", "region", "topics", "audience", "published",
                  "policy", "number", "issuer", "issued", "url", "effective", "expires", "supersedes", "related",
                  "contact", "tags", "draft"):
        assert f"\n{field}:" in text or f"\n  {field}:" in text, field
    assert "department: 江苏省财政厅" in text and "draft: true" in text
    assert run("check").exit_code == 0


def test_new_refuses_bad_slugs_departments_and_existing_files(run):
    bad_slug = run("new", "苏创融", "--department", "江苏省财政厅")
    assert bad_slug.exit_code == 1
    assert "try su-chuang-rong" in bad_slug.stderr
    unknown = run("new", "a-b", "--department", "江苏省财政局")
    assert "unknown department '江苏省财政局'; did you mean: 江苏省财政厅" in unknown.stderr
    existing = run("new", "economy-2023", "--department", "江苏省财政厅")
    assert "slug 'economy-2023' is already used by" in existing.stderr


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "policy"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True)
    assert "check" in result.stdout and "build" in result.stdout and "serve" in result.stdout and "new" in result.stdout


BROKEN_FILES = {
    "policies/yaml-list.md": "---\n- a\n---\n",
    "policies/binary.md": bytes(range(256)) * 2,
    "policies/unterminated.md": '---\ntitle: "open\n---\n',
    "policies/alias.md": "---\ntitle: *nowhere\n---\n",
    "policies/nested.md": VALID_EXPLAINER.replace("topics: [财税]", "topics: [[财税]]\npolicy: 文件\ncontact: {a: 1}\n1: x"),
    "policies/utf16.md": VALID_EXPLAINER.encode("utf-16"),
    "qa/empty-question.md": "---\ntitle: t\ndate: 2020-01-01\nkind: live\n---\n## 问：\n答：\n",
    "qa/mapping-flow.md": "---\n{title: 1, date: 2020-01-01, kind: live}\n---\n",
}


def test_broken_files_get_messages_never_a_traceback(run, content):
    for relative, text in BROKEN_FILES.items():
        write(content, relative, text)
    result = run("check")
    assert result.exit_code == 1
    reported = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert reported == {f"content/{relative}" for relative in BROKEN_FILES}
    assert "Traceback" not in result.output and "internal error" not in result.output
