"""One document at a time: front-matter fields → Explainer or QASession.

Every field is read and checked even after an earlier one failed, so an
author sees all problems of a file at once. A document with errors yields
no object; the cross-document rules only see documents that are whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from build_tools.check.application import read_application
from build_tools.check.fields import LIST_SEPARATORS, FieldReader
from build_tools.check.qa_body import parse_body
from build_tools.check.registries import Registry
from build_tools.load.tree import RawDocument
from build_tools.models import Explainer, Issue, PolicyDocument, QAPair, QASession, SessionKind, Severity

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The names of pages and folders the site makes itself (pages/generate.py, pages/search.py, pages/feeds.py,
# pages/ics.py, the 订阅 page and the theme): `index` is the list page of policies/ and qa/, and a file named like any other would
# stand beside, or be taken for, a page the site generates. No explainer or session may use one.
RESERVED_SLUGS = frozenset(
    {"index", "404", "page", "policies", "qa", "faq", "search", "match", "departments", "topics", "audiences", "regions", "years"}
    | {"feed", "sitemap", "assets", "images", "pagefind", "calendar", "subscribe"}
)
SUMMARY_MAX = 200

# What `policy new` writes where the author has to write (authoring/new.py fills its template with these):
# field → (placeholder, what to write instead in Chinese, in English). Fine in a draft; an error once it is none.
PLACEHOLDERS = {
    "title": (
        "（在此填写解读标题，例如：《关于……的若干措施》解读）",
        "写出解读的标题，例如《关于……的若干措施》解读",
        "write the explainer's title, e.g. 《关于……的若干措施》解读",
    ),
    "summary": (
        "（用一两句话说明政策给企业带来什么，不超过 200 字）",
        "用一两句话说明政策给企业带来什么（不超过 200 字）",
        "say in one or two sentences what the policy gives enterprises (at most 200 characters)",
    ),
    "policy.title": (
        "（政策文件标题）",
        "写出被解读的政策文件的标题，没有时删除整个 policy 部分",
        "write the title of the policy document, or delete the whole policy block",
    ),
}
# The body's placeholders, one per section of the template: a line that is still one of them.
BODY_PLACEHOLDERS = (
    "（用通俗的话列出三到五条要点。）",
    "（哪些企业可以享受。）",
    "（需要满足的条件。）",
    "（去哪里、交什么材料、多久办结。）",
    "（企业最常问的问题和答复。）",
)

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
    "twins",
    "contact",
    "tags",
    "draft",
    "apply",
)
POLICY_FIELDS = ("title", "number", "issuer", "issued", "url")
SESSION_FIELDS = ("title", "date", "kind", "host", "departments", "policies", "source")


def suggest_slug(stem: str) -> str:
    """A valid slug for a file name: pinyin for Chinese, lowercase, hyphens, never a reserved name."""
    if SLUG.match(stem):
        slug = stem
    else:
        from pypinyin import lazy_pinyin  # its dictionaries take 0.3 s to load, and most runs need no suggestion

        words = lazy_pinyin(stem)
        slug = re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-")
        slug = re.sub(r"-{2,}", "-", slug) or "new-explainer"
    return f"{slug}-1" if slug in RESERVED_SLUGS else slug


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot name an explainer or a session, with one that can (bilingual); None when it can.

    The one slug rule: `policy check` applies it to file names, `policy new` and `policy faq import --slug`
    to the name they are given, so that neither writes a file the check refuses, nor one outside its folder.
    """
    suggested = suggest_slug(slug)
    if slug in RESERVED_SLUGS:
        return (
            f"“{slug}”是网站自己生成的页面的名称，不能用作文件名，请换一个，例如 {suggested} / "
            f"'{slug}' is the name of a page the site generates itself: choose another, e.g. {suggested}"
        )
    if not SLUG.match(slug):
        return (
            f"“{slug}”不能用作文件名，请只用小写字母、数字和连字符，例如 {suggested} / "
            f"'{slug}' is not a valid slug (lowercase ASCII letters, digits, hyphens): try {suggested}"
        )
    return None


def check_slug(document: RawDocument, issues: list[Issue]) -> None:
    """Report a file name that cannot be a slug (part of a URL) or is reserved for a generated page, with one that can."""
    stem = document.path.stem
    if SLUG.match(stem) and stem not in RESERVED_SLUGS:
        return
    suggested = suggest_slug(stem)
    if stem in RESERVED_SLUGS:
        message = (
            f"文件名“{stem}”是网站自己生成的页面的名称（如 policies/、qa/ 的列表页），请改名，例如改为 {suggested}.md / "
            f"file name '{stem}' is the name of a page the site generates itself (such as the list page of policies/ or qa/): "
            f"rename the file, e.g. to {suggested}.md"
        )
    else:
        message = (
            f"文件名“{stem}”不能用作网址，请只用小写字母、数字和连字符，例如改名为 {suggested}.md / "
            f"file name '{stem}' is not a valid slug (lowercase ASCII letters, digits, hyphens): rename it, e.g. to {suggested}.md"
        )
    issues.append(Issue(document.shown, 1, "slug", message))


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
        twins=_slugs(reader, "twins"),
        contact=reader.text_list("contact", scalar_ok=True),
        tags=reader.text_list("tags"),
        draft=reader.boolean("draft"),
        apply=read_application(reader),
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
    if not fields["draft"]:
        _placeholders(document, reader, issues)
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


def _placeholders(document: RawDocument, reader: FieldReader, issues: list[Issue]) -> None:
    """An explainer that is no draft must not hold what `policy new` wrote for the author to replace."""
    data = document.data if isinstance(document.data, dict) else {}
    for key, (placeholder, zh, en) in PLACEHOLDERS.items():
        block, _, field = key.rpartition(".")
        values = data.get(block) if block else data
        if isinstance(values, dict) and isinstance(values.get(field), str) and values[field].strip() == placeholder:
            reader.report(
                key, f"{key} 仍是 policy new 写的占位文字，请{zh}（草稿可以保留） / {key} still holds the placeholder of policy new: {en} (a draft may keep it)"
            )
    if not any(placeholder in document.body for placeholder in BODY_PLACEHOLDERS):  # searched in C: nearly every body has none
        return
    for number, line in enumerate(document.body.split("\n"), start=document.body_line):
        if line.strip() in BODY_PLACEHOLDERS:
            issues.append(
                Issue(
                    document.shown,
                    number,
                    "body",
                    f"正文中仍有 policy new 写的占位文字“{line.strip()}”，请写出这一节的内容，或删除这一节（草稿可以保留） / "
                    f"the body still holds a placeholder of policy new ('{line.strip()}'): write this section, or delete it (a draft may keep it)",
                )
            )


def _error_count(issues: list[Issue]) -> int:
    return sum(issue.is_error for issue in issues)


def _one(reader: FieldReader, key: str, lookup, required: bool = False):
    value = reader.text(key, required=required)
    return lookup.resolve(reader, key, value) if value else None


def _many(reader: FieldReader, key: str, lookup, required: bool = False) -> list:
    found = []
    values = reader.text_list(key, required=required)
    for item_key, value in _items(reader, key, values, lambda value: lookup.look_up(value)[0] is not None):
        item = lookup.resolve(reader, item_key, value)
        if item is not None and item not in found:
            found.append(item)
    return found


def _items(reader: FieldReader, key: str, values: list[str], known: Callable[[str], bool]) -> list[tuple[str, str]]:
    """(key of the item, value) for every item of a list, an item written as several (金融，财税: a full-width
    comma, 顿号 or semicolon between them) split into them, after reporting the list as it should be written."""
    if not LIST_SEPARATORS.search("\n".join(values)):  # nearly every list: one search for all its items
        return [(f"{key}.{index}", value) for index, value in enumerate(values)]
    items = [(f"{key}.{index}", part) for index, value in enumerate(values) for part in _parts(value, known)]
    if len(items) > len(values):
        first = next(index for index, value in enumerate(values) if len(_parts(value, known)) > 1)
        written = ", ".join(value for _, value in items)
        reader.report(
            f"{key}.{first}",
            f"列表的各项之间要用英文逗号“,”分隔，请写成 {key}: [{written}] / list items are separated by a half-width comma ',': write {key}: [{written}]",
        )
    return items


def _parts(value: str, known: Callable[[str], bool]) -> list[str]:
    """The items one list item was meant to be: itself, unless it is unknown and has separators in it."""
    if not LIST_SEPARATORS.search(value) or known(value):
        return [value]
    return [part for part in LIST_SEPARATORS.split(value) if part] or [value]


def _slugs(reader: FieldReader, key: str) -> list[str]:
    items = _items(reader, key, reader.text_list(key), lambda value: False)
    for item_key, value in items:
        if not SLUG.match(value):
            stem = value.removesuffix(".md").strip().lower()
            zh, en = ("", "") if not SLUG.match(stem) else (f"，例如 {stem}", f", e.g. {stem}")
            reader.report(
                item_key,
                f"“{value}”不是有效的 slug，请写解读的文件名，不含 .md{zh} / '{value}' is not a slug: write the file name of an explainer without .md{en}",
            )
    return [value for _, value in items]


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
                policies=_question_policies(document, pair.policies, pair.policies_line, issues),
                policies_line=pair.policies_line,
            )
        )
    return pairs


def _question_policies(document: RawDocument, slugs: list[str], line: int | None, issues: list[Issue]) -> tuple[str, ...]:
    """The slugs of a question's policies line (政策：…), each checked to be a slug (whether an explainer has it is checked once all are read)."""
    for value in slugs:
        if not SLUG.match(value):
            stem = value.removesuffix(".md").strip().lower()
            zh, en = ("", "") if not SLUG.match(stem) else (f"，例如 {stem}", f", e.g. {stem}")
            issues.append(
                Issue(
                    document.shown,
                    line or document.body_line,
                    "policies",
                    f"“{value}”不是有效的 slug，请写解读的文件名，不含 .md，多个用逗号分隔{zh} / "
                    f"'{value}' is not a slug: write the file names of explainers without .md, separated by commas{en}",
                )
            )
    return tuple(slugs)


def _answering_department(document: RawDocument, registry: Registry, name: str, line: int, issues: list[Issue]):
    department, problem = registry.department.look_up(name)
    if problem:
        issues.append(Issue(document.shown, line, "answer", problem))
    return department
