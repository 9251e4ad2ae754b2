"""faq/importer.py via `policy faq import`: CSV exports → a session file, or nothing."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from build_tools.authoring.faq_import import CELL_MAX
from build_tools.cli import cli
from build_tools.build.pipeline import check_content
from build_tools.load.tree import CONTROL_CHARACTERS
from conftest import write


def run_import(content, csv_path, *args):
    return CliRunner().invoke(cli, ["faq", "import", str(csv_path), "--content", str(content), *args])


def test_utf8_export_with_chinese_headers(content, tmp_path):
    export = write(tmp_path, "board.csv", "问题,详情,答复,日期,答复单位,提问人\n"
                   "房租能减免吗？,\"我们是小微企业\n想问房租\",可以减免三个月。,2024-03-02,江苏省财政厅,王先生 13812345678\n"
                   "怎么申请贴息,,向银行申请。,2024/03/05,省财政厅,\n")
    result = run_import(content, export, "--kind", "board", "--title", "留言答复（2024年3月）")
    assert result.exit_code == 0, result.output
    written = (content / "qa/board-2024-03-05.md").read_text(encoding="utf-8")
    assert "title: 留言答复（2024年3月）" in written and "date: 2024-03-05" in written and "kind: board" in written
    assert "## 问：房租能减免吗？" in written and "答（江苏省财政厅）：可以减免三个月。" in written
    assert "提问：王先生 138****5678" in written and "13812345678" not in written
    loaded, issues = check_content(content)
    assert not [i for i in issues if i.is_error]
    session = next(s for s in loaded.sessions if s.slug == "board-2024-03-05")
    assert [p.question for p in session.pairs] == ["房租能减免吗？", "怎么申请贴息"]
    assert session.pairs[0].details == "我们是小微企业\n想问房租"


def test_gbk_export_with_english_headers(content, tmp_path):
    export = write(tmp_path, "hotline.csv", "question,answer,date,department\n社保能缓缴吗,可以。,2023-01-05,江苏省财政厅\n".encode("gbk"))
    result = run_import(content, export, "--kind", "hotline", "--slug", "hotline-2023-01")
    assert result.exit_code == 0, result.output
    assert "## 问：社保能缓缴吗" in (content / "qa/hotline-2023-01.md").read_text(encoding="utf-8")


def test_bad_rows_are_reported_with_their_numbers_and_nothing_is_written(content, tmp_path):
    export = write(tmp_path, "bad.csv", "问题,答复,日期,答复单位\n好问题,好答复,2024-01-01,江苏省财政厅\n,没有问题的答复,2024-01-02,\n问题,答复,昨天,江苏省财政局\n")
    before = sorted(p.name for p in (content / "qa").iterdir())
    result = run_import(content, export, "--kind", "board")
    assert result.exit_code == 1
    assert f"{export}:row 3: question: 不能为空 / must not be empty" in result.stderr
    assert f"{export}:row 4: date: 日期“昨天”无法识别" in result.stderr
    assert f"{export}:row 4: department: 未知部门“江苏省财政局”，是否应为：江苏省财政厅" in result.stderr
    assert "nothing was written" in result.stderr
    assert sorted(p.name for p in (content / "qa").iterdir()) == before


def test_missing_columns_are_named(content, tmp_path):
    export = write(tmp_path, "wrong.csv", "标题,内容\n一,二\n")
    result = run_import(content, export, "--kind", "board")
    assert result.exit_code == 1 and "missing column(s) — answer: 答复/回复" in result.stderr


def test_text_that_looks_like_structure_stays_text(content, tmp_path):
    export = write(tmp_path, "tricky.csv", '问题,详情,答复\n"多行\n标题",答：这是提问人写的,"第一行\n## 问：不是新问题"\n')
    assert run_import(content, export, "--kind", "board", "--date", "2024-02-02").exit_code == 0
    loaded, _ = check_content(content)
    session = next(s for s in loaded.sessions if s.slug == "board-2024-02-02")
    assert len(session.pairs) == 1 and session.pairs[0].question == "多行 标题"
    assert "不是新问题" in session.pairs[0].answer and "这是提问人写的" in session.pairs[0].details


def files_under(folder) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize("slug", ["../../x", "../policies/x", "ABSOLUTE", "sub/x", "Board-2024", "index", "faq", ""])
def test_slug_must_be_a_slug_and_nothing_is_written_anywhere(content, tmp_path, slug):
    slug = str(tmp_path / "elsewhere" / "x") if slug == "ABSOLUTE" else slug
    export = write(tmp_path, "board.csv", "问题,答复\n房租能减免吗？,可以。\n")
    before = files_under(tmp_path)
    result = run_import(content, export, "--kind", "board", "--slug", slug)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: --slug: “{slug}”")
    assert "nothing was written" in result.stderr
    assert files_under(tmp_path) == before


def test_a_bad_slug_gets_one_that_policy_check_accepts(content, tmp_path):
    export = write(tmp_path, "board.csv", "问题,答复\n房租能减免吗？,可以。\n")
    result = run_import(content, export, "--kind", "board", "--slug", "../qa/市长信箱")
    suggested = result.stderr.split("try ")[1].split()[0]
    assert run_import(content, export, "--kind", "board", "--slug", suggested).exit_code == 0
    _, issues = check_content(content)
    assert [i for i in issues if i.is_error] == [] and (content / f"qa/{suggested}.md").is_file()


def test_a_slug_used_in_a_subfolder_of_qa_is_taken(content, tmp_path):
    write(content, "qa/2024/board-2024-03.md", (content / "qa/live-2023.md").read_text(encoding="utf-8"))
    export = write(tmp_path, "board.csv", "问题,答复\n房租能减免吗？,可以。\n")
    result = run_import(content, export, "--kind", "board", "--slug", "board-2024-03")
    assert result.exit_code == 1 and "qa/2024/board-2024-03.md exists: choose another name with --slug" in result.stderr


def test_an_oversized_cell_is_a_row_error(content, tmp_path):
    huge = "很" * (CELL_MAX + 1)
    export = write(tmp_path, "huge.csv", f"问题,答复\n好问题,好答复\n房租能减免吗？,\"{huge}\"\n{'长' * 131_073},可以\n")
    result = run_import(content, export, "--kind", "board")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"Error: {export}:row 3: answer: 单元格有 {CELL_MAX + 1} 个字符，最多 {CELL_MAX} 个：请检查导出文件（可能少了一个引号），或把内容拆成几行 / "
        f"the cell has {CELL_MAX + 1} characters, at most {CELL_MAX}: check the export (a quote may be missing) or split it into several rows",
        f"{export}:row 4: question: 单元格有 131073 个字符，最多 {CELL_MAX} 个：请检查导出文件（可能少了一个引号），或把内容拆成几行 / "
        f"the cell has 131073 characters, at most {CELL_MAX}: check the export (a quote may be missing) or split it into several rows",
    ]
    assert csv.field_size_limit() == 131_072  # the module's limit is left as it was


def test_control_characters_of_an_export_do_not_reach_the_file(content, tmp_path):
    export = write(tmp_path, "board.csv", "问题,详情,答复\n房租\x00能减免吗？,第一行\x0b第二行,可以\u2028减免。\x1b\n")
    assert run_import(content, export, "--kind", "board", "--slug", "board-ctl").exit_code == 0
    written = (content / "qa/board-ctl.md").read_text(encoding="utf-8")
    assert not CONTROL_CHARACTERS.search(written)
    assert "## 问：房租能减免吗？" in written and "第一行\n第二行" in written
    _, issues = check_content(content)
    assert [i for i in issues if i.is_error] == []
