"""Issues → text for people, annotations for GitHub workflows, or JSON for tools."""

from __future__ import annotations

import json

from build_tools.models import Issue


def format_text(issues: list[Issue]) -> str:
    """One `path:line: field: message` line per issue; warnings say so."""
    return "\n".join(f"{i.path}:{i.line}: {i.field}: {'' if i.is_error else '警告 / warning: '}{i.message}" for i in issues)


def format_github(issues: list[Issue]) -> str:
    """GitHub workflow commands, shown as annotations on the changed lines."""
    return "\n".join(f"::{i.severity.value} file={_property(i.path)},line={i.line},title={_property(i.field)}::{_data(i.message)}" for i in issues)


def format_json(issues: list[Issue]) -> str:
    """The issues as a JSON list, for tools."""
    return json.dumps(
        [{"path": i.path, "line": i.line, "field": i.field, "severity": i.severity.value, "message": i.message} for i in issues],
        ensure_ascii=False,
        indent=2,
    )


def summary(issues: list[Issue]) -> str:
    """How many errors and warnings there are, in Chinese and English."""
    errors = sum(i.is_error for i in issues)
    warnings = len(issues) - errors
    return f"{errors} 个错误，{warnings} 个警告 / {errors} error(s), {warnings} warning(s)"


FORMATS = {"text": format_text, "github": format_github, "json": format_json}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
