"""One document at a time: front-matter fields → Explainer or QASession.

Every field is read and checked even after an earlier one failed, so an
author sees all problems of a file at once. A document with errors yields
no object; the cross-document rules only see documents that are whole.
"""

from __future__ import annotations

import re

from build_tools.check.fields import FieldReader
from build_tools.check.qa_body import parse_body
from build_tools.check.registries import Registry
from build_tools.load.tree import RawDocument
from build_tools.models import Explainer, Issue, PolicyDocument, QAPair, QASession, SessionKind, Severity

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SUMMARY_MAX = 200

EXPLAINER_FIELDS = (
    "title",
    "summary",
    "department",
    "co_departments",
    "region",
    "topics",
    "audience",
    "published",
    "policy",
    "effective",
    "expires",
    "supersedes",
    "related",
    "contact",
    "tags",
    "draft",
)
POLICY_FIELDS = ("title", "number", "issuer", "issued", "url")
SESSION_FIELDS = ("title", "date", "kind", "host", "departments", "policies", "source")


def suggest_slug(stem: str) -> str:
    """A valid slug for a file name: pinyin for Chinese, lowercase, hyphens."""
    from pypinyin import lazy_pinyin  # its dictionaries take 0.3 s to load, and most runs need no suggestion

    words = lazy_pinyin(stem)
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug) or "new-explainer"


def check_slug(document: RawDocument, issues: list[Issue]) -> None:
    """Report a file name that cannot be a slug (part of a URL), with one that can."""
    stem = document.path.stem
    if SLUG.match(stem):
        return
    suggested = suggest_slug(stem)
    issues.append(
        Issue(
            document.shown,
            1,
            "slug",
            f"文件名“{stem}”不能用作网址，请只用小写字母、数字和连字符，例如改名为 {suggested}.md / "
            f"file name '{stem}' is not a valid slug (lowercase ASCII letters, digits, hyphens): rename it, e.g. to {suggested}.md",
        )
    )


def _reader(document: RawDocument, allowed: tuple[str, ...], issues: list[Issue]) -> FieldReader | None:
    """A reader for a document's fields, after the checks every document gets."""
    check_slug(document, issues)
    if document.data is None:
        return None  # the loader has reported why
    reader = FieldReader(document, issues)
    reader.unknown_keys(allowed)
    return reader


def read_explainer(document: RawDocument, registry: Registry, issues: list[Issue]) -> Explainer | None:
    """The Explainer a file of policies/ describes, or None when it has errors (reported into `issues`)."""
    errors_before = _error_count(issues)
    if (reader := _reader(document, EXPLAINER_FIELDS, issues)) is None:
        return None
    fields = dict(
        title=reader.text("title", required=True),
        summary=reader.text("summary", required=True, max_length=SUMMARY_MAX),
        department=_one(reader, "department", registry.department, required=True),
        co_departments=_many(reader, "co_departments", registry.department),
        region=_one(reader, "region", registry.region, required=True),
        topics=_many(reader, "topics", registry.topic, required=True),
        audience=_many(reader, "audience", registry.audience),
        published=reader.date("published", required=True),
        policy=_policy_document(reader),
        effective=reader.date("effective"),
        expires=reader.date("expires"),
        supersedes=_slugs(reader, "supersedes"),
        related=_slugs(reader, "related"),
        contact=reader.text_list("contact", scalar_ok=True),
        tags=reader.text_list("tags"),
        draft=reader.boolean("draft"),
    )
    if fields["effective"] and fields["expires"] and fields["expires"] < fields["effective"]:
        reader.report(
            "expires",
            f"失效日期 {fields['expires']} 早于生效日期 {fields['effective']}，请检查 / "
            f"expires ({fields['expires']}) is before effective ({fields['effective']}): correct one of them",
        )
    if not document.body.strip():
        reader.report(
            "body", "正文为空，请写出政策要点、适用对象和办理流程 / the body is empty: write the explanation below the front matter", Severity.WARNING
        )
    if _error_count(issues) > errors_before:
        return None
    return Explainer(slug=document.slug, path=document.path, body=document.body, body_line=document.body_line, **fields)


def read_session(document: RawDocument, registry: Registry, issues: list[Issue]) -> QASession | None:
    """The QASession a file of qa/ describes, or None when it has errors (reported into `issues`)."""
    errors_before = _error_count(issues)
    if (reader := _reader(document, SESSION_FIELDS, issues)) is None:
        return None
    title = reader.text("title", required=True)
    date = reader.date("date", required=True)
    kind = _session_kind(reader)
    host = reader.text("host")
    departments = _many(reader, "departments", registry.department)
    policies = _slugs(reader, "policies")
    source = reader.url("source")
    pairs = _pairs(document, registry, issues)
    if _error_count(issues) > errors_before:
        return None
    assert title is not None and date is not None and kind is not None  # required: had one been missing, it was an error
    return QASession(document.slug, document.path, title, date, kind, pairs, host, departments, policies, source)


def _error_count(issues: list[Issue]) -> int:
    return sum(issue.is_error for issue in issues)


def _one(reader: FieldReader, key: str, lookup, required: bool = False):
    value = reader.text(key, required=required)
    return lookup.resolve(reader, key, value) if value else None


def _many(reader: FieldReader, key: str, lookup, required: bool = False) -> list:
    found = []
    for index, value in enumerate(reader.text_list(key, required=required)):
        item = lookup.resolve(reader, f"{key}.{index}", value)
        if item is not None and item not in found:
            found.append(item)
    return found


def _slugs(reader: FieldReader, key: str) -> list[str]:
    values = reader.text_list(key)
    for index, value in enumerate(values):
        if not SLUG.match(value):
            reader.report(
                f"{key}.{index}",
                f"“{value}”不是有效的 slug（文件名，不含 .md） / "
                f"'{value}' is not a slug: write the file name without .md, e.g. {suggest_slug(value.removesuffix('.md'))}",
            )
    return values


def _policy_document(reader: FieldReader) -> PolicyDocument | None:
    block = reader.mapping("policy")
    if block is None:
        return None
    block.unknown_keys(POLICY_FIELDS)
    title = block.text("title", required=True)
    number, issuer, issued, url = block.text("number"), block.text("issuer"), block.date("issued"), block.url("url")
    return PolicyDocument(title, number, issuer, issued, url) if title else None


def _session_kind(reader: FieldReader) -> SessionKind | None:
    value = reader.text("kind", required=True)
    if value is None:
        return None
    try:
        return SessionKind(value)
    except ValueError:
        kinds = " | ".join(k.value for k in SessionKind)
        reader.report("kind", f"kind 只能是 {kinds}（直播答疑、留言板、热线、政策答疑） / kind must be one of {kinds}, not '{value}'")
        return None


def _pairs(document: RawDocument, registry: Registry, issues: list[Issue]) -> list[QAPair]:
    parsed, problems = parse_body(document.body, document.body_line)
    for problem in problems:
        issues.append(Issue(document.shown, problem.line, "body", problem.message))
    if not parsed:
        issues.append(
            Issue(
                document.shown,
                document.body_line,
                "body",
                "没有找到问题，每个问题应以“## 问：”开头 / no questions found: start each question with a heading '## 问：'",
                Severity.WARNING,
            )
        )
    pairs = []
    for pair in parsed:
        department = None
        if pair.department:
            department = _answering_department(document, registry, pair.department, pair.answer_line or pair.line, issues)
        pairs.append(
            QAPair(
                question=pair.question,
                answer="\n".join(pair.answer).strip(),
                line=pair.line,
                details="\n".join(pair.details).strip(),
                asker=pair.asker or None,
                answered_by=department,
            )
        )
    return pairs


def _answering_department(document: RawDocument, registry: Registry, name: str, line: int, issues: list[Issue]):
    department, problem = registry.department.look_up(name)
    if problem:
        issues.append(Issue(document.shown, line, "answer", problem))
    return department
