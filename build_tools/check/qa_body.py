"""The body of a Q&A session file → question/answer pairs, with their lines.

Form (content format §3): a question is an H2 heading `## 问：…` (or 問, or a
half-width colon); paragraphs up to the answer are the question's details;
`提问：…` names the asker; `答：…` or `答（部门）：…` starts the answer, which
runs to the next question or heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_QUESTION = re.compile(r"^##\s*[问問]\s*[：:]\s*(?P<text>.*?)\s*#*\s*$")
_OTHER_HEADING = re.compile(r"^#{1,2}\s")
_ASKER = re.compile(r"^提问\s*[：:]\s*(?P<text>.*)$")
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
        else:
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
