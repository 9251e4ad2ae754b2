"""Typed readers for front-matter fields: each returns a value or records an Issue.

A reader never raises: a wrong value becomes an Issue at the field's real
line and the reader returns None, so the check goes on to the next field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from typing import Any

from build_tools.load.tree import RawDocument
from build_tools.models import Issue, Severity

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_HOST_FIRST = re.compile(r"^[\w-]+(\.[\w-]+)+(/\S*)?$")  # www.example.gov.cn/…: an address without its http(s)://
# What authors put between list items on a Chinese keyboard instead of ', ': a full-width comma, 顿号 or semicolon.
LIST_SEPARATORS = re.compile(r"\s*[，、；;,]\s*")


def closest(value: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """The known values nearest to a mistyped one (works on Chinese characters too)."""
    return difflib.get_close_matches(value, list(choices), n=limit, cutoff=0.4)


def did_you_mean(value: str, choices: Iterable[str]) -> tuple[str, str]:
    """The Chinese and English halves of a "did you mean …" hint ('' when nothing is near)."""
    return hint(closest(value, choices))


def hint(near: list[str]) -> tuple[str, str]:
    """The Chinese and English halves of a "did you mean …" hint naming up to three of `near` ('' when it is empty)."""
    near = near[:3]
    if not near:
        return "", ""
    return f"，是否应为：{'、'.join(near)}", f"; did you mean: {', '.join(near)}"


class FieldReader:
    """Reads the fields of one raw document, collecting problems into `issues`."""

    def __init__(self, document: RawDocument, issues: list[Issue], data: dict | None = None, prefix: str = ""):
        self.document = document
        self.issues = issues
        if data is None:
            data = document.data if isinstance(document.data, dict) else {}
        self.data: dict[str, Any] = data
        self.prefix = prefix

    def report(self, key: str, message: str, severity: Severity = Severity.ERROR) -> None:
        """Record a problem at the line of `key` (relative to this reader's block)."""
        full_key = self.prefix + key
        self.issues.append(Issue(self.document.shown, self.document.line_of(full_key), full_key, message, severity))

    def nested(self, key: str, data: dict) -> FieldReader:
        """A reader for a block inside this one, e.g. `policy:` or a registry entry."""
        return FieldReader(self.document, self.issues, data, f"{self.prefix}{key}.")

    def unknown_keys(self, allowed: Iterable[str]) -> None:
        """Report every key that is not one of `allowed`, with the allowed key it was probably meant to be."""
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                near = closest(str(key), allowed)
                free = [name for name in near if name not in self.data]  # renaming to a key already there would write it twice
                if near and not free:
                    self.report(
                        str(key),
                        f"未知字段“{key}”，{near[0]} 已经写了，请删除这一行 / unknown field '{key}': {near[0]} is already there, delete this line",
                    )
                    continue
                zh, en = hint(free)
                if not zh:
                    zh, en = f"，可用字段：{'、'.join(allowed)}", f"; allowed fields: {', '.join(allowed)}"
                self.report(str(key), f"未知字段“{key}”{zh} / unknown field '{key}'{en}")

    def present(self, key: str, required: bool) -> bool:
        value = self.data.get(key)
        if value is None or value == "" or value == []:
            if required:
                self.report(key, f"缺少必填字段 {key} / required field {key} is missing: add '{key}: …'")
            return False
        return True

    def text(self, key: str, required: bool = False, max_length: int | None = None) -> str | None:
        if not self.present(key, required):
            return None
        value = self.data[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.report(key, f"{key} 应为一段文字 / {key} must be text, not {_kind(value)}")
            return None
        value = value.strip()
        if max_length and len(value) > max_length:
            self.report(
                key, f"{key} 最多 {max_length} 个字，现有 {len(value)} 个，请精简 / {key} has {len(value)} characters, at most {max_length} allowed: shorten it"
            )
        return value

    def date(self, key: str, required: bool = False) -> dt.date | None:
        if not self.present(key, required):
            return None
        value = self.data[key]
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.report(key, f"日期“{value}”格式不对，请写成 YYYY-MM-DD，例如 2023-02-16 / '{value}' is not a valid date: write YYYY-MM-DD, e.g. 2023-02-16")
        return None

    def boolean(self, key: str) -> bool:
        value = self.data.get(key, False)
        if isinstance(value, bool):
            return value
        self.report(key, f"{key} 只能是 true 或 false / {key} must be true or false")
        return False

    def url(self, key: str) -> str | None:
        value = self.text(key)
        if value and not _URL.match(value):
            zh, en = (f"，例如 https://{value}", f", e.g. https://{value}") if _HOST_FIRST.match(value) else ("", "")
            self.report(key, f"网址“{value}”无效，应以 http:// 或 https:// 开头{zh} / '{value}' is not a valid URL: it must start with http:// or https://{en}")
            return None
        return value

    def text_list(self, key: str, required: bool = False, scalar_ok: bool = False) -> list[str]:
        """A YAML list of strings; with `scalar_ok`, a single string is a one-item list."""
        if not self.present(key, required):
            return []
        value = self.data[key]
        if scalar_ok and isinstance(value, (str, int)) and not isinstance(value, bool):
            return [str(value).strip()]
        if not isinstance(value, list):
            example = ", ".join(part for part in LIST_SEPARATORS.split(str(value).strip()) if part) if isinstance(value, (str, int)) else "…"
            self.report(key, f"{key} 应为列表，例如 {key}: [{example}] / {key} must be a list, e.g. {key}: [{example}]")
            return []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, (str, int)) and not isinstance(item, bool) and str(item).strip():
                items.append(str(item).strip())
            else:
                self.report(f"{key}.{index}", f"{key} 的第 {index + 1} 项应为一段文字 / item {index + 1} of {key} must be text, not {_kind(item)}")
        return items

    def mapping(self, key: str) -> FieldReader | None:
        """A reader for a nested block such as `policy:`, keys prefixed with its name."""
        if not self.present(key, required=False):
            return None
        value = self.data[key]
        if not isinstance(value, dict):
            self.report(key, f"{key} 应包含若干子字段（缩进书写） / {key} must be a block of indented fields")
            return None
        return self.nested(key, value)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a block of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__
