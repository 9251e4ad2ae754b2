"""`policy new`: a new explainer file with every field filled in, valid as written.

The file is a draft until its author sets `draft: false`, so placeholders
are never published by accident: its placeholders are the ones `policy check`
knows (check/documents.py) and refuses in an explainer that is no draft.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from build_tools.check.documents import BODY_PLACEHOLDERS, PLACEHOLDERS, slug_problem
from build_tools.check.fields import did_you_mean
from build_tools.errors import PolicyError
from build_tools.load.tree import POLICIES_DIR
from build_tools.models import Content, Department


class ScaffoldError(PolicyError):
    """The new file cannot be written; the message says why and what to do."""


def new_explainer(content: Content, slug: str, department_name: str, today: dt.date) -> Path:
    """Write a new explainer for `slug` and `department_name` into policies/ and return its path."""
    if problem := slug_problem(slug):
        raise ScaffoldError(problem)
    department = _department(content, department_name)
    target = content.root / POLICIES_DIR / f"{slug}.md"
    existing = next((e.path for e in content.explainers if e.slug == slug), None) or (target if target.exists() else None)
    if existing:
        raise ScaffoldError(f"slug“{slug}”已被 {existing} 使用，请换一个 / slug '{slug}' is already used by {existing}: choose another")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_template(content, department, today), encoding="utf-8")
    return target


def render_template(content: Content, department: Department, today: dt.date) -> str:
    """The text of a new explainer: the template filled in for `department` and `today`."""
    environment = Environment(loader=PackageLoader("build_tools.authoring", "templates"), undefined=StrictUndefined, keep_trailing_newline=True)
    return environment.get_template("new-explainer.md.j2").render(
        department=department,
        topic=content.taxonomy.topics[0].name if content.taxonomy.topics else "",
        today=today.isoformat(),
        placeholder={key: text for key, (text, _, _) in PLACEHOLDERS.items()},
        body_placeholders=BODY_PLACEHOLDERS,
    )


def _department(content: Content, name: str) -> Department:
    for department in content.departments:
        if name in (department.name, department.id, *department.aliases):
            return department
    names = [d.name for d in content.departments] + [a for d in content.departments for a in d.aliases]
    zh, en = did_you_mean(name, names)
    raise ScaffoldError(f"未知部门“{name}”{zh or '，请先在 departments.yml 中添加'} / unknown department '{name}'{en or ': add it to departments.yml first'}")
