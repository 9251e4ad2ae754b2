"""`policy faq import`: a message-board or hotline CSV export → one Q&A session file.

Exports arrive in UTF-8 (with or without BOM) or GBK/GB18030, with headers
in Chinese or English. Every bad row is reported with its row number; the
session file is written only when all rows are good, in one rename, so
nothing is ever half-written. Personal data in questions, details and asker
lines is redacted on the way in: it never enters the repository.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter

from build_tools.check.documents import slug_problem
from build_tools.check.fields import did_you_mean
from build_tools.check.qa_body import parse_body
from build_tools.errors import PolicyError
from build_tools.load.tree import CONTROL_CHARACTERS
from build_tools.models import Department, SessionKind
from build_tools.runtime.atomic import write_file_at_once
from build_tools.text.redact import redact

COLUMNS = {
    "question": ("问题", "标题", "留言标题", "question", "title", "subject"),
    "details": ("详情", "内容", "留言内容", "问题详情", "details", "content", "body"),
    "answer": ("答复", "回复", "答复内容", "回复内容", "answer", "reply"),
    "date": ("日期", "答复日期", "回复日期", "时间", "date", "reply_date"),
    "department": ("答复单位", "回复单位", "部门", "department", "agency"),
    "asker": ("提问人", "留言人", "asker", "name", "user"),
}
REQUIRED = ("question", "answer")
# Characters in one cell: far above any answer (a page of that length is unreadable already); a longer cell is
# a broken export (an unclosed quote runs to the end of the file) and is reported as a row error.
CELL_MAX = 100_000
# Control characters in an export: the line breaks of word processors (vertical tab, form feed, U+0085,
# U+2028/2029) become line breaks, the others are dropped; `policy check` would refuse the written file.
_LINE_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M")
# Lines that the session format would read as structure are quoted, so they stay text.
_STRUCTURE = re.compile(r"^\s*(#|答\s*[（(:：]|提问\s*[:：]|[问問]\s*[:：])")


class ImportProblems(PolicyError):
    """The export cannot be imported; `problems` lists every bad row."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join([*problems, "未写入任何文件 / nothing was written"]))
        self.problems = problems


@dataclass(frozen=True)
class Row:
    """One row of an export: a question and its answer, with what else the row gives."""

    question: str
    answer: str
    details: str = ""
    asker: str = ""
    date: dt.date | None = None
    department: Department | None = None


def import_export(
    csv_path: Path,
    kind: SessionKind,
    departments: list[Department],
    qa_dir: Path,
    slug: str | None = None,
    title: str | None = None,
    date: dt.date | None = None,
) -> Path:
    """Write the session file for `csv_path` into `qa_dir` and return its path.

    `slug` names the file: a slug only (the rule of `policy check`), never a path, so the file lands in `qa_dir`.
    """
    if slug is not None and (problem := slug_problem(slug)):
        raise ImportProblems([f"--slug: {problem}"])
    rows = read_rows(csv_path, departments)
    session_date = date or max((r.date for r in rows if r.date), default=None) or dt.date.today()
    slug = slug or f"{kind.value}-{session_date.isoformat()}"
    target = qa_dir / f"{slug}.md"
    existing = target if target.exists() else next(qa_dir.rglob(f"{slug}.md"), None) if qa_dir.is_dir() else None
    if existing:
        raise ImportProblems([f"{existing} 已存在，请用 --slug 指定另一个文件名 / {existing} exists: choose another name with --slug"])
    text = session_text(rows, kind, title or f"{kind.label}问答（{session_date.isoformat()}）", session_date)
    write_file_at_once(target, text.encode("utf-8"))
    return target


def read_rows(csv_path: Path, departments: list[Department]) -> list[Row]:
    """The rows of a CSV export; raise ImportProblems naming every bad row."""
    text = _decode(csv_path)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # no cell is longer than the file: a long one is a row error below, not csv.Error
    try:
        rows, problems = _read_records(csv.DictReader(io.StringIO(text)), csv_path, departments)
    finally:
        csv.field_size_limit(limit)
    if not rows and not problems:
        problems.append(f"{csv_path}: 没有数据行 / no data rows")
    if problems:
        raise ImportProblems(problems)
    return rows


def _read_records(reader: csv.DictReader, csv_path: Path, departments: list[Department]) -> tuple[list[Row], list[str]]:
    """The good rows of an export, and a problem for each bad one (its row number, its column, the fix)."""
    columns = _columns(reader.fieldnames or [], csv_path)
    rows: list[Row] = []
    problems: list[str] = []
    for number, record in enumerate(reader, start=2):  # row 1 is the header
        where = f"{csv_path}:row {number}"
        if oversized := _oversized(record, columns, where):
            problems += oversized
            continue
        row = _row({key: _without_controls(value) for key, value in record.items()}, columns, departments, where, problems)
        if row:
            rows.append(row)
    return rows, problems


def _oversized(record: dict, columns: dict[str, str], where: str) -> list[str]:
    """A problem for each cell of `record` longer than CELL_MAX."""
    return [
        f"{where}: {field}: 单元格有 {len(record[header])} 个字符，最多 {CELL_MAX} 个：请检查导出文件（可能少了一个引号），或把内容拆成几行 / "
        f"the cell has {len(record[header])} characters, at most {CELL_MAX}: check the export (a quote may be missing) or split it into several rows"
        for field, header in columns.items()
        if isinstance(record.get(header), str) and len(record[header]) > CELL_MAX
    ]


def _without_controls(value):
    """A cell with the control characters of word processors made line breaks and the others dropped."""
    return CONTROL_CHARACTERS.sub("", _LINE_BREAKS.sub("\n", value)) if isinstance(value, str) else value


def _decode(csv_path: Path) -> str:
    raw = csv_path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportProblems([f"{csv_path}: 既不是 UTF-8 也不是 GBK 编码 / neither UTF-8 nor GBK: save it as UTF-8 CSV"])


def _columns(headers: Sequence[str], csv_path: Path) -> dict[str, str]:
    """Our field → the export's header naming it."""
    found = {}
    for header in headers:
        name = (header or "").strip().lower()
        for field, names in COLUMNS.items():
            if name in names and field not in found:
                found[field] = header
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        expected = "; ".join(f"{f}: {'/'.join(COLUMNS[f])}" for f in missing)
        raise ImportProblems([f"{csv_path}:row 1: 缺少列 / missing column(s) — {expected}; found: {', '.join(headers)}"])
    return found


def _row(record: dict, columns: dict[str, str], departments: list[Department], where: str, problems: list[str]) -> Row | None:
    value = {field: (record.get(header) or "").strip() for field, header in columns.items()}
    errors = [f"{where}: {field}: 不能为空 / must not be empty" for field in REQUIRED if not value.get(field)]
    date = _date(value.get("date", ""))
    if value.get("date") and date is None:
        shown = redact(value["date"])
        errors.append(f"{where}: date: 日期“{shown}”无法识别，请写成 YYYY-MM-DD / cannot read the date '{shown}': use YYYY-MM-DD")
    department = None
    if value.get("department"):
        department = next((d for d in departments if value["department"] in (d.name, *d.aliases)), None)
        if department is None:
            zh, en = did_you_mean(value["department"], [d.name for d in departments])
            shown = redact(value["department"])
            errors.append(f"{where}: department: 未知部门“{shown}”{zh} / unknown department '{shown}'{en}")
    problems += errors
    if errors:
        return None
    return Row(" ".join(value["question"].split()), value["answer"], value.get("details", ""), value.get("asker", ""), date, department)


def _date(text: str) -> dt.date | None:
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def session_text(rows: list[Row], kind: SessionKind, title: str, date: dt.date) -> str:
    """The session file for `rows`: front matter and question/answer pairs, checked to read back as these rows."""
    departments = list(dict.fromkeys(r.department.name for r in rows if r.department))
    meta: dict[str, Any] = {"title": title, "date": date, "kind": kind.value}
    if departments:
        meta["departments"] = departments
    body = "\n".join(_pair_text(row) for row in rows)
    text = frontmatter.dumps(frontmatter.Post(body, **meta)) + "\n"
    pairs, problems = parse_body(body, 1)
    if len(pairs) != len(rows) or problems:  # the file must read back as exactly these rows
        raise ImportProblems([f"内部错误：生成的文件无法按原样读回 / internal error: the generated file does not read back ({problems[:1]})"])
    return text


def _pair_text(row: Row) -> str:
    parts = [f"## 问：{redact(row.question)}", ""]
    if row.details:
        # redacted whole, before the lines are split: a number may run over a line break
        parts += [_quote_structure(line) for line in redact(row.details).splitlines() if line.strip()] + [""]
    if row.asker:
        parts += [redact(f"提问：{' '.join(row.asker.split())}"), ""]  # with its label: 提问：张伟 is a name
    # the answer too comes from the export (张伟先生您好…); its masks are escaped, for it is Markdown
    answer_lines = redact(row.answer, markdown=True).splitlines()
    lead = f"答（{row.department.name}）：" if row.department else "答："
    parts += [lead + answer_lines[0].strip()] + [_quote_structure(line) for line in answer_lines[1:]] + [""]
    return "\n".join(parts)


def _quote_structure(line: str) -> str:
    return "> " + line if _STRUCTURE.match(line) else line
