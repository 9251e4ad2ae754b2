"""The body of a Q&A session file → question/answer pairs, with their lines.

Form (content format §3): a question is an H2 heading `## 问：…` (or 問, or a
half-width colon); paragraphs up to the answer are the question's details;
`提问：…` names the asker; `答：…` or `答（部门）：…` starts the answer, which
runs to the next question or heading.

Added by issue #20: a line `政策：slug-a, slug-b` (or `依据：…`; commas of
either width or 、) right under the question, before its details, names the
explainers its answer rests on. Once every explainer is known,
unknown_question_policies() reports the slugs that name none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from build_tools.check.fields import did_you_mean
from build_tools.load.tree import shown_path
from build_tools.models import Issue, QASession

_QUESTION = re.compile(r"^##\s*[问問]\s*[：:]\s*(?P<text>.*?)\s*#*\s*$")
_OTHER_HEADING = re.compile(r"^#{1,2}\s")
_ASKER = re.compile(r"^提问\s*[：:]\s*(?P<text>.*)$")
_POLICIES = re.compile(r"^(?:政策|依据|依據)\s*[：:]\s*(?P<text>.*)$")
_POLICY_SEPARATORS = re.compile(r"[,，、;；\s]+")
# A policies line written among the details, where it would be published as the question's text.
_LOOKS_LIKE_POLICIES = re.compile(r"^(?:政策|依据|依據)\s*[：:]\s*[a-z0-9-]+(?:\s*[,，、]\s*[a-z0-9-]+)*\s*$")
_ANSWER = re.compile(r"^答\s*(?:[（(]\s*(?P<department>[^）)]*?)\s*[）)])?\s*[：:]\s*(?P<text>.*)$")


@dataclass
class ParsedPair:
    """A question as written, before its department is looked up."""

    question: str
    line: int
    details: list[str] = field(default_factory=list)
    asker: str | None = None
    answer: list[str] = field(default_factory=list)
    answer_line: int | None = None
    department: str | None = None
    policies: list[str] = field(default_factory=list)
    policies_line: int | None = None


@dataclass(frozen=True)
class BodyProblem:
    """A problem in the body of a session file, at a line of that file."""

    line: int
    message: str


def parse_body(body: str, first_line: int) -> tuple[list[ParsedPair], list[BodyProblem]]:
    """Split a session body into pairs; report answers without questions and vice versa."""
    pairs: list[ParsedPair] = []
    problems: list[BodyProblem] = []
    current: ParsedPair | None = None
    for number, line in enumerate(body.split("\n"), start=first_line):
        stripped = line.strip()
        heading = stripped.startswith("#")  # each pattern needs its first character: most lines are tested by none
        if heading and (match := _QUESTION.match(stripped)):
            current = ParsedPair(match["text"], number)
            pairs.append(current)
            if not current.question:
                problems.append(BodyProblem(number, "问题标题为空，请在“问：”后写出问题 / empty question: write the question after '问：'"))
        elif heading and _OTHER_HEADING.match(stripped):
            current = None
        elif stripped.startswith("答") and (match := _ANSWER.match(stripped)) and (current is None or current.answer_line is None):
            if current is None:
                problems.append(
                    BodyProblem(number, "这条答复前面没有问题，请在它之前加一行“## 问：…” / answer without a question: add a heading '## 问：…' before it")
                )
                continue
            current.answer_line = number
            current.department = match["department"]
            current.answer.append(match["text"])
        elif current is None:
            continue
        elif current.answer_line is not None:
            current.answer.append(line)
        elif stripped.startswith("提问") and (match := _ASKER.match(stripped)) and current.asker is None:
            current.asker = match["text"].strip()
        elif stripped.startswith(("政策", "依据", "依據")) and (match := _POLICIES.match(stripped)) and not "".join(current.details).strip():
            _policies_line(current, match["text"], number, problems)
        else:
            if _LOOKS_LIKE_POLICIES.match(stripped):
                problems.append(
                    BodyProblem(
                        number,
                        "政策行应紧跟在问题标题（或提问行）之下、问题详情之前，否则会作为问题正文发布 / "
                        "the policies line must come right under the question (or its asker line), before the details: "
                        "here it would be published as part of the question",
                    )
                )
            current.details.append(line)
    for pair in pairs:
        if pair.answer_line is None or not "\n".join(pair.answer).strip():
            problems.append(
                BodyProblem(
                    pair.line,
                    "这个问题没有答复，请在其后加一段“答：…”或“答（部门）：…” / "
                    "question without an answer: add a paragraph '答：…' or '答（部门）：…' after it",
                )
            )
    return pairs, problems


def _policies_line(pair: ParsedPair, text: str, number: int, problems: list[BodyProblem]) -> None:
    """The slugs of a question's policies line; a second line or an empty one is a problem."""
    if pair.policies_line is not None:
        problems.append(
            BodyProblem(
                number,
                f"这个问题已在第 {pair.policies_line} 行写了政策，请合并为一行 / "
                f"this question already names its policies on line {pair.policies_line}: write them on one line",
            )
        )
        return
    pair.policies_line = number
    pair.policies = list(dict.fromkeys(slug for slug in _POLICY_SEPARATORS.split(text.strip()) if slug))
    if not pair.policies:
        problems.append(
            BodyProblem(
                number,
                "政策行为空，请写出政策解读的 slug，例如“政策：slug-a, slug-b”，或删除这一行 / "
                "empty policies line: name the explainers' slugs, e.g. '政策：slug-a, slug-b', or remove the line",
            )
        )


def named_policies(body: str) -> set[str]:
    """The slugs a session's questions name on their own `政策：` lines (what `--changed-since` follows)."""
    lines = (_POLICIES.match(line.strip()) for line in body.splitlines())
    return {slug for line in lines if line for slug in _POLICY_SEPARATORS.split(line["text"].strip()) if slug}


def unknown_question_policies(sessions: Iterable[QASession], known: set[str], issues: list[Issue]) -> None:
    """Report, at its line, every slug of a question's policies line that names no explainer."""
    for session in sessions:
        for pair in session.pairs:
            for slug in pair.policies:
                if slug not in known:
                    zh, en = did_you_mean(slug, known)
                    issues.append(
                        Issue(
                            shown_path(session.path),
                            pair.policies_line or pair.line,
                            "policies",
                            f"找不到政策解读“{slug}”{zh or '，请检查拼写或删除'} / no explainer with slug '{slug}'{en or ': fix the spelling or remove it'}",
                        )
                    )
