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

from build_tools.check.fields import did_you_mean
from build_tools.check.qa_body import parse_body
from build_tools.errors import PolicyError
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
    """Write the session file for `csv_path` into `qa_dir` and return its path."""
    rows = read_rows(csv_path, departments)
    session_date = date or max((r.date for r in rows if r.date), default=None) or dt.date.today()
    slug = slug or f"{kind.value}-{session_date.isoformat()}"
    target = qa_dir / f"{slug}.md"
    if target.exists():
        raise ImportProblems([f"{target} 已存在，请用 --slug 指定另一个文件名 / {target} exists: choose another name with --slug"])
    text = session_text(rows, kind, title or f"{kind.label}问答（{session_date.isoformat()}）", session_date)
    write_file_at_once(target, text.encode("utf-8"))
    return target


def read_rows(csv_path: Path, departments: list[Department]) -> list[Row]:
    """The rows of a CSV export; raise ImportProblems naming every bad row."""
    reader = csv.DictReader(io.StringIO(_decode(csv_path)))
    columns = _columns(reader.fieldnames or [], csv_path)
    rows: list[Row] = []
    problems: list[str] = []
    for number, record in enumerate(reader, start=2):  # row 1 is the header
        row = _row(record, columns, departments, f"{csv_path}:row {number}", problems)
        if row:
            rows.append(row)
    if not rows and not problems:
        problems.append(f"{csv_path}: 没有数据行 / no data rows")
    if problems:
        raise ImportProblems(problems)
    return rows


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
        parts += [_quote_structure(redact(line)) for line in row.details.splitlines() if line.strip()] + [""]
    if row.asker:
        parts += [f"提问：{redact(' '.join(row.asker.split()))}", ""]
    answer_lines = row.answer.splitlines()
    lead = f"答（{row.department.name}）：" if row.department else "答："
    parts += [lead + answer_lines[0].strip()] + [_quote_structure(line) for line in answer_lines[1:]] + [""]
    return "\n".join(parts)


def _quote_structure(line: str) -> str:
    return "> " + line if _STRUCTURE.match(line) else line
