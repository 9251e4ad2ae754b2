"""Every fix a message of `policy check` proposes passes the check when it is applied.

Each case plants one mistake. The test reads the fix from the message itself (the value after
"did you mean", "e.g.", "write …", the command after "run", …), applies it to the file as an
author would, and checks again: the line the message was about must have no error left, and
once every message's fix is applied the content must be clean. A message whose fix the test
cannot read fails too, so a new kind of message needs its fix taught here.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from build_tools.build.pipeline import check_content
from build_tools.load.tree import CONTROL_CHARACTERS
from build_tools.models import Issue
from conftest import MINI, VALID_EXPLAINER, write

SESSION = """\
---
title: 答疑
date: 2023-02-16
kind: live
---

## 问：能否享受优惠政策？

答：可以。
"""


def explainer(**changes: str) -> str:
    """The valid explainer with some front-matter lines replaced ("DELETE" removes one) or added."""
    lines = VALID_EXPLAINER.split("\n")
    for key, value in changes.items():
        index = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
        if index is None:
            lines.insert(lines.index("---", 1), f"{key}: {value}")
        else:
            lines[index] = f"{key}: {value}"
    return "\n".join(line for line in lines if not line.endswith(": DELETE"))


def with_body(body: str) -> str:
    return VALID_EXPLAINER.replace("正文。\n", body)


def numbered(title: str, **changes: str) -> str:
    front, _, body = explainer(title=title, **changes).partition("\n---\n")
    return f"{front}\npolicy:\n  title: 若干政策措施\n  number: 苏政发〔2023〕9号\n---\n{body}"


def placeholders() -> str:
    """What `policy new` writes, with draft: false."""
    from build_tools.authoring.new import render_template

    loaded, _ = check_content(MINI)
    return render_template(loaded, loaded.departments[0], dt.date(2024, 3, 1)).replace("draft: true", "draft: false")


# case → files to write under content/ (text, bytes, or a callable that makes the file, given the content folder)
CASES: dict[str, dict[str, str | bytes | Callable[[Path], None]]] = {
    "synonym": {"policies/bad.md": explainer(topics="[贷款]")},
    "unknown department": {"policies/bad.md": explainer(department="江苏省发改委")},
    "unknown region": {"policies/bad.md": explainer(region="江苏")},
    "unknown field": {"policies/bad.md": explainer(contcat="025-1234")},
    "unknown field beside the one it was meant to be": {"policies/bad.md": explainer(sumary="一句话。")},
    "missing required field": {"policies/bad.md": explainer(summary="DELETE")},
    "a list written as text": {"policies/bad.md": explainer(topics="金融，财税")},
    "a list with a full-width comma": {"policies/bad.md": explainer(topics="[金融，财税]")},
    "a list with a 顿号": {"policies/bad.md": explainer(topics="[金融、财税]")},
    "references with a full-width comma": {"policies/bad.md": explainer(related="[economy-2023，refund-2023]")},
    "a date with slashes": {"policies/bad.md": explainer(published="2023/01/01")},
    "an impossible date": {"policies/bad.md": explainer(published="2023-02-30")},
    "yes for a boolean": {"policies/bad.md": explainer(draft="是")},
    "an address without https": {"policies/bad.md": explainer(policy="\n  title: 文件\n  url: www.example.gov.cn/art/1.html")},
    "an apply key misspelt": {"policies/bad.md": explainer(apply="\n  ammount: 最高200万元")},
    "an amount_yuan with units": {"policies/bad.md": explainer(apply="\n  amount: 最高200万元\n  amount_yuan: 200万")},
    "an apply entry without https": {"policies/bad.md": explainer(apply="\n  url: www.example.gov.cn/sb.html")},
    "a Chinese file name": {"policies/留抵退税.md": VALID_EXPLAINER},
    "a file name reserved for policies/": {"policies/index.md": VALID_EXPLAINER},
    "a file name reserved for qa/": {"qa/index.md": SESSION},
    "a file name reserved for the search page": {"qa/search.md": SESSION},
    "a slug used twice": {"policies/2023/economy-2022.md": VALID_EXPLAINER},
    "a reference to no explainer": {"policies/economy-2025.md": explainer(related="[economy-2024]")},
    "a reference to itself": {"policies/bad.md": explainer(supersedes="[bad]")},
    "a reference with .md": {"policies/bad.md": explainer(related="[economy-2023.md]")},
    "a session kind": {"qa/bad.md": SESSION.replace("kind: live", "kind: tv")},
    "a link from the file's folder": {"policies/bad.md": with_body("见[退税](../jiangsu/refund-2023.md)。\n")},
    "a link to a missing explainer": {"policies/bad.md": with_body("见[上年](economy-2019.md)。\n")},
    "a link to a missing session": {"policies/bad.md": with_body("见[答疑](live-2024.md)。\n")},
    "a missing image": {"policies/bad.md": with_body("![流程图](flow.png)\n")},
    "a full-width colon": {"policies/bad.md": VALID_EXPLAINER.replace("summary: ", "summary：")},
    "a tab": {"policies/bad.md": explainer(policy="\n\ttitle: 文件")},
    "a colon in a value": {"policies/bad.md": explainer(summary="说明: 有冒号")},
    "a field twice": {"policies/bad.md": VALID_EXPLAINER.replace("title: 测试解读\n", "title: 测试解读\ntitle: 另一个\n")},
    "front matter not closed": {"policies/bad.md": VALID_EXPLAINER.replace("---\n\n正文", "\n正文")},
    "no opening fence": {"policies/bad.md": VALID_EXPLAINER.removeprefix("---\n")},
    "blank lines before the fence": {"policies/bad.md": "\n\n" + VALID_EXPLAINER},
    "a BOM": {"policies/bad.md": b"\xef\xbb\xbf" + VALID_EXPLAINER.encode()},
    "GBK": {"policies/bad.md": VALID_EXPLAINER.encode("gbk")},
    "UTF-16": {"policies/bad.md": VALID_EXPLAINER.encode("utf-16")},
    "a NUL in the body": {"policies/bad.md": with_body("正文\x00。\n")},
    "a vertical tab in a title": {"policies/bad.md": VALID_EXPLAINER.replace("title: 测试解读", "title: 测试\x0b解读")},
    "an escaped control character": {"policies/bad.md": explainer(title='"测试\\v解读\\x01"')},
    "a session with a line separator": {"qa/bad.md": SESSION.replace("答：可以。", "答：可以\u2028。")},
    "a YAML alias": {"policies/bad.md": explainer(department="&d 江苏省财政厅", co_departments="[*d]")},
    "an & that was meant as text": {"policies/bad.md": explainer(title="&D 加计扣除")},
    "the same explainer twice": {"policies/copy-a.md": numbered("若干政策措施解读"), "policies/copy-b.md": numbered("若干政策措施解读", published="2024-01-01")},
    "placeholders of policy new": {"policies/new-one.md": placeholders()},
    "a summary too long": {"policies/bad.md": explainer(summary="很" * 230)},
    "a question without an answer": {"qa/bad.md": SESSION + "\n## 问：第二个问题？\n"},
    "an answer without a question": {"qa/bad.md": SESSION.replace("## 问：能否享受优惠政策？\n\n", "")},
    "an owner without @": {"departments.yml": lambda content: _replace(content / "departments.yml", "  region: 南京市\n", "  region: 南京市\n  owners: [nj-tax]\n")},
    "a registry id": {"taxonomy.yml": lambda content: _replace(content / "taxonomy.yml", "id: tax", "id: Tax_1")},
    "a link out of content/": {"qa/leaked.md": lambda content: _link(content / "qa/leaked.md", content.parent / "outside.md", SESSION)},
    "a link inside content/": {"policies/twice.md": lambda content: (content / "policies/twice.md").symlink_to("economy-2023.md")},
}


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _link(path: Path, target: Path, text: str) -> None:
    target.write_text(text, encoding="utf-8")
    path.symlink_to(target)


# --- reading a fix from a message and applying it as an author would --------------------------------


def english(issue: Issue) -> str:
    return issue.message.rsplit(" / ", 1)[1]


def quoted(message: str) -> str:
    """The value the message says is wrong: the first '…' of the English half."""
    match = re.search(r"'([^']*)'", message)
    assert match, message
    return match[1]


class File:
    """A content file as lines, edited and saved."""

    def __init__(self, path: Path):
        self.path = path
        self.lines = path.read_text(encoding="utf-8").split("\n")

    def replace_on(self, line: int, old: str, new: str) -> None:
        assert old in self.lines[line - 1], (old, self.lines[line - 1])
        self.lines[line - 1] = self.lines[line - 1].replace(old, new, 1)

    def set_line(self, line: int, text: str) -> None:
        self.lines[line - 1] = text

    def insert(self, line: int, text: str) -> None:
        """`text` as line `line` (the old one and those after it move down)."""
        self.lines.insert(line - 1, text)

    def delete(self, line: int) -> None:
        del self.lines[line - 1]

    def closing_fence(self) -> int:
        return self.lines.index("---", 1) + 1

    def save(self) -> None:
        self.path.write_text("\n".join(self.lines), encoding="utf-8")


def _stem(target: str) -> str:
    return target.rstrip("/").rsplit("/", 1)[-1].removesuffix(".md")


def apply_fix(content: Path, issue: Issue) -> None:
    """Do what `issue`'s message proposes; fail when it proposes nothing this test can read."""
    message = english(issue)
    path = Path(issue.path)
    if match := re.search(r"run:? ((?:sed|iconv) .+)$", message):
        subprocess.run(match[1], shell=True, check=True, cwd=content.parent)
        return
    if path.is_symlink():
        if message.endswith("copy the file itself here, or delete the link"):
            target = path.resolve()
            path.unlink()
            shutil.copy(target, path)
        else:
            assert message.endswith("delete the link"), message
            path.unlink()
        return
    if match := re.search(r"rename (?:it|the file|one of the files), e\.g\. to (\S+\.md)$", message):
        path.rename(path.with_name(match[1]))
        return
    if match := re.search(r"add (\S+) to the supersedes of (this file|\S+) \(supersedes: \[\S+\]\)$", message):
        target = File(path if match[2] == "this file" else Path(match[2]))
        target.insert(target.closing_fence(), f"supersedes: [{match[1]}]")
        target.save()
        return
    file = File(path)
    line = issue.line
    if match := re.search(r"write (?:it as )?(\S+) \(links are relative", message):
        file.replace_on(line, quoted(message), match[1])
    elif match := re.search(r"did you mean: ([^,]+)", message):
        wrong, first = quoted(message), match[1]
        file.replace_on(line, wrong if ("/" in first or first.endswith(".md")) else _stem(wrong), first)
    elif match := re.search(r"use the canonical name (\S+)$", message):
        file.replace_on(line, quoted(message), match[1])
    elif match := re.search(r"(?:write|e\.g\.) ([\w.]+): (\[.*\])$", message):  # a whole list to write
        file.set_line(line, f"{match[1]}: {match[2]}")
    elif match := re.search(r"must be one of (\w+)", message):
        file.replace_on(line, quoted(message), match[1])
    elif "must be true or false" in message:
        file.replace_on(line, file.lines[line - 1].split(": ", 1)[1], "false")
    elif match := re.search(r"e\.g\. (\S+)$", message):  # a value to write instead of the wrong one
        file.replace_on(line, quoted(message), match[1])
    elif "is already there, delete this line" in message or "keep only one" in message:
        file.delete(line)
    elif "refers to this explainer itself: remove it" in message:
        file.replace_on(line, quoted(message), "")
    elif "use ': '" in message:
        file.replace_on(line, "：", ": ")
    elif "use spaces instead" in message:
        file.replace_on(line, "\t", "  ")
    elif match := re.search(r"add a line '---' after line (\d+)", message):
        file.insert(int(match[1]) + 1, "---")
    elif "add '---' as the first line" in message:
        file.insert(1, "---")
    elif "delete them so the file starts with '---'" in message:
        file.lines = file.lines[file.lines.index("---") :]
    elif match := re.search(r"add '(\w+): …'", message):
        file.insert(line, f"{match[1]}: …")
    elif "delete it (if your editor does not show it" in message:
        file.set_line(line, CONTROL_CHARACTERS.sub("", file.lines[line - 1]))
    elif "delete the escape" in message:
        file.set_line(line, re.sub(r"\\(?:x(?:0[0-8bcef]|1[0-9a-f]|7f)|[0abefv])", "", file.lines[line - 1]))
    elif "write the value out in full" in message:
        text = "\n".join(file.lines)
        anchors = dict(re.findall(r"&(\w+) ([^\n\]]+)", text))
        if aliases := re.findall(r"\*(\w+)", text):  # an alias: write the anchored value in its place
            for name in aliases:
                text = text.replace(f"*{name}", anchors[name])
            text = re.sub(r"&\w+ ", "", text)
        else:  # the & was meant as text: quote the value
            text = re.sub(r"^(\w+): (&.*)$", r'\1: "\2"', text, flags=re.MULTILINE)
        file.lines = text.split("\n")
    elif "put the whole value in double quotes" in message:
        key, value = file.lines[line - 1].split(": ", 1)
        file.set_line(line, f'{key}: "{value}"')
    elif match := re.search(r"put the file in (\S+)/ and link it as \.\./images/<file name>", message):
        wrong = quoted(message)
        write(content.parent / match[1], wrong.rsplit("/", 1)[-1], b"\x89PNG")
        file.replace_on(line, wrong, "../images/" + wrong.rsplit("/", 1)[-1])
    elif "write this section, or delete it" in message:
        file.delete(line)
    elif "still holds the placeholder of policy new" in message:
        key, _ = file.lines[line - 1].split(":", 1)
        file.set_line(line, f"{key}: 关于推动经济运行率先整体好转的若干政策措施")
    elif match := re.search(r"at most (\d+) allowed: shorten it", message):
        key, value = file.lines[line - 1].split(": ", 1)
        file.set_line(line, f"{key}: {value[: int(match[1])]}")
    elif "add a paragraph '答：…'" in message:
        file.insert(line + 1, "\n答：…")
    elif "add a heading '## 问：…' before it" in message:
        file.insert(line, "## 问：…\n")
    else:
        pytest.fail(f"no fix to read in: {issue.message}")
    file.save()


def errors(content: Path) -> list[Issue]:
    _, issues = check_content(content)
    return [issue for issue in issues if issue.is_error]


@pytest.mark.parametrize("case", CASES)
def test_the_fix_each_message_proposes_passes_the_check(project, case):
    content = project / "content"
    for relative, text in CASES[case].items():
        if callable(text):
            text(content)
        else:
            write(content, relative, text)
    found = errors(content)
    assert found, "the case must plant a mistake"
    for _ in range(10):  # one fix at a time, as an author works down the list
        issue = found[0]
        apply_fix(content, issue)
        found = errors(content)
        again = [i.message for i in found if (i.path, i.line) == (issue.path, issue.line)]
        assert again == [], f"after the fix of “{issue.message}” its line still has: {again}"
        if not found:
            break
    assert found == []
