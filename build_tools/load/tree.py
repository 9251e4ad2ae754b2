"""Load: files under content/ → raw documents with real line numbers.

The only module that reads content/. It decodes each file (reporting GBK,
GB18030 and BOM files instead of publishing mojibake), splits the front
matter from the body, parses the YAML and remembers, for every key and list
item, the line of the file it stands on, so that every later error can name
that line. Nothing here knows what a field means: that is the checker's job.

What a file may not hold, whatever its fields, is refused here, at its line:
a symbolic link (not read: one out of content/ would publish a file no review
of content/ sees, one inside it the same text twice), invisible control
characters (reported, then taken out so the rest is still checked), YAML
anchors and aliases (an alias "bomb" of a few lines expands to gigabytes) and
nesting deeper than MAX_DEPTH (libyaml's composer recurses in C): both are
found from the parser's events before any node is built.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from build_tools.models import Issue


class YamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML (libyaml when available) that keeps an impossible date as text for the checker."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode):
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:  # 2023-02-30: let the field check explain it
        return loader.construct_scalar(node)


YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

POLICIES_DIR = "policies"
QA_DIR = "qa"
DEPARTMENTS_FILE = "departments.yml"
TAXONOMY_FILE = "taxonomy.yml"
FAQ_LINKS_FILE = "faq-links.yml"
SYNONYMS_FILE = "synonyms.yml"

# Invisible characters no author means to write: C0 controls but tab and line breaks, DEL, C1 controls, and the
# Unicode line and paragraph separators (YAML counts them as line breaks, JavaScript as ends of a string).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_NAMES = {
    "\x00": ("空字符", "NUL character"),
    "\x0b": ("垂直制表符", "vertical tab"),
    "\x0c": ("换页符", "form feed"),
    "\x7f": ("删除符", "DEL character"),
    "\x85": ("下一行符", "next-line character"),
    "\u2028": ("行分隔符", "line separator"),
    "\u2029": ("段落分隔符", "paragraph separator"),
}
CONTROL_LINES_REPORTED = 20  # per file: a binary file saved as .md does not bury every other problem
# Levels of lists and blocks inside one another: front matter needs 3, a region tree of five levels 11.
MAX_DEPTH = 50

# Where an anchor (&name) or an alias (*name) could start: a node starts at a line's start, after a space, or
# after a flow indicator. "R&D" or "**要点**" inside a value cannot be one.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,:])[&*]", re.MULTILINE)
_FENCE = re.compile(r"^---[ \t]*$")
_FENCE_LINE = re.compile(_FENCE.pattern, re.MULTILINE)  # the same, searched for in a whole text
_FULLWIDTH_COLON_KEY = re.compile(r"^(\s*(?:-\s+)?[A-Za-z_][\w-]*)\s*：\s*")
_TAB_INDENT = re.compile(r"^ *\t|^\s*(?:-\s+)?[A-Za-z_][\w-]*:\t")


@dataclass
class RawDocument:
    """A parsed YAML document plus the file line of every key and list item.

    `lines` maps a dotted key path ("title", "policy.number", "topics.1")
    to its line in the file, 1-based.
    """

    path: Path
    shown: str
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    first_line: int = 1

    @cached_property  # asked for by every check and link of the document
    def slug(self) -> str:
        return self.path.stem

    def line_of(self, key: str) -> int:
        """The line of a key, else of its nearest parent, else the block start."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return self.first_line


@dataclass
class LoadedTree:
    """Every content file read and parsed, not checked yet, with the problems found reading them."""

    root: Path
    departments: RawDocument | None
    taxonomy: RawDocument | None
    policies: list[RawDocument]
    sessions: list[RawDocument]
    issues: list[Issue]
    faq_links: RawDocument | None = None
    synonyms: RawDocument | None = None  # content/synonyms.yml, optional


def shown_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory if inside it."""
    folder = _shown_folder(os.getcwd(), os.path.dirname(path) or ".")
    if folder is None:
        return str(path)
    return os.path.basename(path) if folder == "." else f"{folder}/{os.path.basename(path)}"


@lru_cache(maxsize=1024)
def _shown_folder(cwd: str, folder: str) -> str | None:
    """A folder relative to `cwd`, or None outside it: computed once per folder, not per file
    (os.path.relpath for each of 8,000 files was a tenth of loading them)."""
    try:
        rel = os.path.relpath(folder, cwd)
    except ValueError:
        return None
    return None if rel.startswith("..") else rel


def load_tree(root: Path, cache: dict | None = None) -> LoadedTree:
    """Read every content file under `root`; collect problems, never stop at the first.

    With a `cache` (a dict kept between calls, as the preview does), a Markdown
    file whose modification time and size are unchanged is not read again.
    """
    issues: list[Issue] = []
    inside = os.path.realpath(root)
    departments = _load_registry(root / DEPARTMENTS_FILE, inside, issues)
    taxonomy = _load_registry(root / TAXONOMY_FILE, inside, issues)
    read = load_markdown if cache is None else (lambda path, found: _load_cached(path, found, cache))
    policies = [read(p, issues) for p in _markdown_files(root / POLICIES_DIR, inside, issues)]
    sessions = [read(p, issues) for p in _markdown_files(root / QA_DIR, inside, issues)]
    links_file = root / FAQ_LINKS_FILE
    faq_links = _load_registry(links_file, inside, issues) if links_file.exists() or links_file.is_symlink() else None
    synonyms_file = root / SYNONYMS_FILE
    synonyms = _load_registry(synonyms_file, inside, issues) if synonyms_file.exists() or synonyms_file.is_symlink() else None
    return LoadedTree(root, departments, taxonomy, policies, sessions, issues, faq_links, synonyms)


def _load_cached(path: Path, issues: list[Issue], cache: dict) -> RawDocument:
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = cache.get(path)
    if cached is None or cached[0] != stamp:
        own: list[Issue] = []
        cached = cache[path] = (stamp, load_markdown(path, own), own)
    issues.extend(cached[2])
    return cached[1]


def _markdown_files(folder: Path, inside: str, issues: list[Issue]) -> list[Path]:
    """Every .md file under `folder`; a symbolic link (to a .md file or a folder) is reported, never read."""
    if not folder.is_dir() or _is_link(folder, inside, issues):
        return []
    found = []
    folders = [str(folder)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():  # known from the folder listing: no extra system call for the other files
                    if entry.name.endswith(".md") or entry.is_dir():
                        _is_link(Path(entry.path), inside, issues)
                elif entry.is_dir():
                    folders.append(entry.path)
                elif entry.name.endswith(".md") and entry.is_file():
                    found.append(Path(entry.path))
    return sorted(found)


def _is_link(path: Path, inside: str, issues: list[Issue]) -> bool:
    """Whether `path` is a symbolic link, reported: files under content/ are read only as themselves.

    A link out of the content folder (`inside`) would publish a file nobody reviewing content/ sees, and the
    history of a file outside the repository is unknown; a link inside it would publish the same text twice.
    """
    if not path.is_symlink():
        return False
    target = os.path.realpath(path)
    shown = shown_path(path)
    if target != inside and not target.startswith(inside.rstrip(os.sep) + os.sep):
        zh, en = f"指向内容目录之外的 {target}", f"to {target}, outside the content folder"
        fix_zh, fix_en = "请把文件本身复制到这里，或删除这个链接", "copy the file itself here, or delete the link"
    elif not os.path.exists(target):
        zh, en = f"指向不存在的 {target}", f"to {target}, which does not exist"
        fix_zh, fix_en = "请删除这个链接", "delete the link"
    else:
        zh, en = f"指向 {shown_path(Path(target))}", f"to {shown_path(Path(target))}"
        fix_zh, fix_en = "那个文件已在内容目录中，请删除这个链接", "that file is in the content folder already: delete the link"
    issues.append(
        Issue(
            shown,
            1,
            "file",
            f"{shown} 是符号链接（{zh}），不会被读取或发布：{fix_zh} / {shown} is a symbolic link {en}: it is neither read nor published; {fix_en}",
        )
    )
    return True


def _load_registry(path: Path, inside: str, issues: list[Issue]) -> RawDocument | None:
    shown = shown_path(path)
    if _is_link(path, inside, issues):
        return None
    if not path.is_file():
        issues.append(Issue(shown, 1, "-", f"缺少注册表文件 {path.name} / registry file {path.name} is missing: create it as described in the content format"))
        return None
    text, controls = without_control_characters(read_text(path, shown, issues))
    data, lines = parse_yaml(text, shown, 1, issues)
    document = RawDocument(path, shown, data, lines)
    _report_control_characters(controls, document, issues, "-")
    return document


def read_text(path: Path, shown: str, issues: list[Issue]) -> str:
    """Decode a content file as UTF-8, reporting (not crashing on) other encodings."""
    raw = path.read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        issues.append(
            Issue(
                shown,
                1,
                "encoding",
                "文件以 BOM 开头，请在编辑器中另存为“UTF-8（无 BOM）” / "
                "file starts with a byte order mark (BOM): save it as UTF-8 without BOM, or run: sed -i '1s/^\\xEF\\xBB\\xBF//' " + shown,
            )
        )
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        issues.append(
            Issue(
                shown,
                1,
                "encoding",
                "文件是 UTF-16 编码，请另存为 UTF-8 / "
                f"file is UTF-16: save it as UTF-8, or run: iconv -f UTF-16 -t UTF-8 {shown} -o {shown}.utf8 && mv {shown}.utf8 {shown}",
            )
        )
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
    try:
        text = raw.decode("gb18030")
        issues.append(
            Issue(
                shown,
                line,
                "encoding",
                "文件是 GBK/GB18030 编码，请另存为 UTF-8 / "
                f"file is GBK/GB18030-encoded, not UTF-8: run iconv -f GB18030 -t UTF-8 {shown} -o {shown}.utf8 && mv {shown}.utf8 {shown}",
            )
        )
        return text
    except UnicodeDecodeError:
        issues.append(Issue(shown, line, "encoding", "文件不是 UTF-8 编码 / file is not valid UTF-8: save it as UTF-8 in your editor"))
        return raw.decode("utf-8", errors="replace")


def load_markdown(path: Path, issues: list[Issue]) -> RawDocument:
    """Split a Markdown file into its front matter (parsed, with lines) and body."""
    shown = shown_path(path)
    text, controls = without_control_characters(read_text(path, shown, issues).replace("\r\n", "\n"))
    document = RawDocument(path, shown, None)
    _read_markdown(text, document, issues)
    _report_control_characters(controls, document, issues)
    return document


def _read_markdown(text: str, document: RawDocument, issues: list[Issue]) -> None:
    """Fill `document` from the text of its file: the front matter parsed, with lines, and the body."""
    shown = document.shown
    opening = _opening_fence(text, shown, issues)
    if opening is None:
        document.body = text
        return
    # The closing fence is searched for, not the text split into lines: bodies are
    # most of the content, and splitting and joining them again cost a tenth of loading.
    start, block_start = opening
    closing = _FENCE_LINE.search(text, block_start)
    if closing is None:
        last = _last_field_line(text, block_start, start + 2)
        issues.append(
            Issue(
                shown,
                start + 1,
                "front matter",
                f"front matter 没有结束：请在第 {last} 行（最后一个字段）之后加一行 --- / "
                f"front matter block is not closed: add a line '---' after line {last}, the last field",
            )
        )
        return
    end = start + 1 + text.count("\n", block_start, closing.start())
    block = text[block_start : max(closing.start() - 1, block_start)]
    document.first_line = start + 2
    document.body = text[closing.end() + 1 :]
    document.body_line = end + 2
    if not block.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in block.split("\n")):
        issues.append(
            Issue(
                shown,
                start + 1,
                "front matter",
                "front matter 为空：请填写必填字段（可用 policy new 生成模板） / "
                "front matter block is empty: fill in the required fields (policy new writes a template)",
            )
        )
        return
    document.data, document.lines = parse_yaml(block, shown, document.first_line, issues)
    if document.data is not None and not isinstance(document.data, dict):
        issues.append(
            Issue(shown, document.first_line, "front matter", "front matter 应为“字段: 值”的列表 / front matter must be a list of 'field: value' lines")
        )
        document.data = None


_FIELD_LINE = re.compile(r"^(?:[A-Za-z_][\w-]*\s*[:：]|\s+\S|-\s|#|\s*$)")


def _last_field_line(text: str, block_start: int, first_line: int) -> int:
    """The file line of the last field of a front matter block that was never closed: its lines run
    from the opening fence up to the first line that cannot be part of a field (text of the body)."""
    last = first_line - 1
    for number, line in enumerate(text[block_start:].split("\n"), start=first_line):
        if not _FIELD_LINE.match(line):
            break
        if line.strip() and not line.lstrip().startswith("#"):
            last = number
    return last


def without_control_characters(text: str) -> tuple[str, list[tuple[int, int, str, int]]]:
    """The text without invisible control characters, and where they were:
    (line, column of the first one, the first one, how many on that line) for each line that had any."""
    if not CONTROL_CHARACTERS.search(text):  # nearly every file: one scan, in C
        return text, []
    found = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if first := CONTROL_CHARACTERS.search(line):
            found.append((number, first.start() + 1, first.group(), len(CONTROL_CHARACTERS.findall(line))))
            lines[number - 1] = CONTROL_CHARACTERS.sub("", line)
    return "\n".join(lines), found


def control_character_message(character: str, column: int | None = None, count: int = 1) -> str:
    """What to tell an author about an invisible control character in the text, at `column` of its line (bilingual, with the fix)."""
    code = f"U+{ord(character):04X}"
    zh_name, en_name = _CONTROL_NAMES.get(character, ("控制字符", "control character"))
    zh_where = f"第 {column} 个字符处" if column else ""
    en_where = f" at column {column}" if column else ""
    zh_more = f"（此行共 {count} 个）" if count > 1 else ""
    en_more = f" ({count} on this line)" if count > 1 else ""
    return (
        f"{zh_where}有不可见的{zh_name}（{code}）{zh_more}，请删除它（编辑器显示不出来时，可删掉这一行后重新输入） / "
        f"invisible {en_name} ({code}){en_where}{en_more}: delete it (if your editor does not show it, delete the line and type it again)"
    )


def _field_rank(key: str) -> tuple[bool, int]:
    """How well a key names its line: a mapping key before a list item, a deeper key before its parent."""
    return not key.rpartition(".")[2].isdigit(), key.count(".")


def _report_control_characters(found: list[tuple[int, int, str, int]], document: RawDocument, issues: list[Issue], outside_fields: str = "") -> None:
    """One issue per line that held control characters, named by the field on that line, else the body or
    the front matter (`outside_fields` names lines outside any field of a registry)."""
    if not found:
        return
    fields: dict[int, str] = {}
    for key, line in document.lines.items():  # a line's field: its mapping key ("- name: x" is topics.0.name, "topics: [a]" topics)
        if line not in fields or _field_rank(key) > _field_rank(fields[line]):
            fields[line] = key
    for line, column, character, count in found[:CONTROL_LINES_REPORTED]:
        field = fields.get(line) or outside_fields or ("body" if line >= document.body_line else "front matter")
        issues.append(Issue(document.shown, line, field, control_character_message(character, column, count)))
    if len(found) > CONTROL_LINES_REPORTED:
        rest = len(found) - CONTROL_LINES_REPORTED
        issues.append(
            Issue(
                document.shown,
                found[CONTROL_LINES_REPORTED][0],
                "file",
                f"还有 {rest} 行含有不可见的控制字符，请删除它们；这个文件可能不是文本文件 / "
                f"{rest} more lines hold invisible control characters: delete them; this may not be a text file",
            )
        )


def _opening_fence(text: str, shown: str, issues: list[Issue]) -> tuple[int, int] | None:
    """Index of the opening '---' line and where the next line starts, or None (with an issue) when there is none."""
    first, line, after = _first_written_line(text)
    if first is not None and _FENCE.match(line):
        if first > 0:
            issues.append(
                Issue(
                    shown,
                    1,
                    "front matter",
                    f"第 {first + 1} 行的 --- 之前有空行，请删除 / "
                    f"blank lines before the opening '---' on line {first + 1}: delete them so the file starts with '---'",
                )
            )
        return first, after
    looks_like_fields = first is not None and re.match(r"^[A-Za-z_]+\s*[:：]", line)
    if looks_like_fields:
        message = "front matter 缺少开头的 --- 行 / front matter is missing its opening line: add '---' as the first line"
    else:
        message = (
            "缺少 front matter：文件应以 --- 开头的字段块开始（可用 policy new 生成模板） / "
            "missing front matter: the file must start with a '---' block of fields (policy new writes a template)"
        )
    issues.append(Issue(shown, 1, "front matter", message))
    return None


def _first_written_line(text: str) -> tuple[int | None, str, int]:
    """The index of the first line that is not blank, the line, and where the next line starts."""
    index, offset = 0, 0
    while offset <= len(text):
        end = text.find("\n", offset)
        end = len(text) if end < 0 else end
        if text[offset:end].strip():
            return index, text[offset:end], end + 1
        index, offset = index + 1, end + 1
    return None, "", len(text)


def parse_yaml(text: str, shown: str, first_line: int, issues: list[Issue]) -> tuple[Any, dict[str, int]]:
    """Parse YAML, returning the data and the file line of every key.

    Full-width colons and tabs, common when typing on a Chinese input method,
    are reported and repaired before parsing so that the rest of the block
    is still checked.
    """
    text = _repair_typing_slips(text, shown, first_line, issues)
    if refused := _refused_structure(text, shown, first_line):
        issues.append(refused)
        return None, {}
    loader = YamlLoader(text)
    lines: dict[str, int] = {}
    duplicates: list[Issue] = []
    try:
        node = loader.get_single_node()
        try:
            data = _plain_data(loader, node, "", first_line, lines, shown, duplicates)
        except _Unusual:
            lines.clear()
            duplicates.clear()
            data = loader.construct_document(node) if node is not None else None
            _collect_lines(node, "", first_line, lines, shown, duplicates)
        # Raw control characters were taken out of the text; only an escape in a double-quoted value (\v, \x01) writes one.
        if "\\" in text and _escaped_controls(node, "", first_line, shown, duplicates):
            data = _without_controls(data)
    except yaml.MarkedYAMLError as error:
        issues.append(_yaml_error_issue(error, shown, first_line))
        return None, {}
    except (yaml.YAMLError, ValueError, TypeError) as error:
        issues.append(Issue(shown, first_line, "yaml", f"YAML 无法解析（{error}） / YAML cannot be read: {error}"))
        return None, {}
    finally:
        loader.dispose()
    issues.extend(duplicates)
    return data, lines


def _refused_structure(text: str, shown: str, first_line: int) -> Issue | None:
    """Anchors and aliases, or nesting deeper than MAX_DEPTH, found from the parser's events (which
    build nothing) before any node is: an alias "bomb" of ten lines expands to billions of values, and
    libyaml's composer recurses in C, so a deep enough nesting would crash the process."""
    if not _MAYBE_ANCHOR.search(text) and _depth_bound(text) <= MAX_DEPTH:  # nearly every document: no look needed
        return None
    loader = YamlLoader(text)
    depth = 0
    marked: list[int] = []  # lines with an anchor or an alias
    try:
        while loader.check_event():
            event = loader.get_event()
            line = first_line + (event.start_mark.line if event.start_mark else 0)
            if (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)) and line not in marked:
                marked.append(line)
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return Issue(
                        shown,
                        line,
                        "yaml",
                        f"列表和字段块嵌套超过 {MAX_DEPTH} 层，请检查这一行的缩进和括号 [ ] {{ }} 是否多写了 / "
                        f"lists and blocks are nested more than {MAX_DEPTH} levels deep: check the indentation and the brackets [ ] {{ }} of this line",
                    )
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass  # a syntax error: the parse that follows reports it, at its line
    finally:
        loader.dispose()
    if not marked:
        return None
    shown_lines = "、".join(map(str, marked[:5])) + ("…" if len(marked) > 5 else "")
    return Issue(
        shown,
        marked[0],
        "yaml",
        f"不支持 YAML 锚点和别名（&名称、*名称，见第 {shown_lines} 行）：请把值直接写出来；如果 & 或 * 是值的一部分，请用英文双引号把整个值括起来 / "
        f"YAML anchors and aliases (&name, *name; lines {shown_lines.replace('、', ', ')}) are not supported: write the value out in full; "
        "if the & or * is part of the value, put the whole value in double quotes",
    )


def _depth_bound(text: str) -> int:
    """More than the deepest nesting of lists and blocks `text` can hold: each level starts on a line
    of its own, after a '- ' or '? ' of a compact entry, or after a bracket."""
    return text.count("\n") + 1 + text.count("[") + text.count("{") + text.count("- ") + text.count("-\t") + text.count("?")


def _repair_typing_slips(text: str, shown: str, first_line: int, issues: list[Issue]) -> str:
    if "：" not in text and "\t" not in text:  # neither slip is possible: skip the line-by-line look
        return text
    repaired = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        if match := _FULLWIDTH_COLON_KEY.match(line):
            issues.append(
                Issue(
                    shown,
                    number,
                    match.group(1).strip(" -"),
                    "字段名后用了全角冒号“：”，请改为半角冒号“:”加空格 / full-width colon after the field name: use ': ' (half-width colon and a space)",
                )
            )
            line = match.group(1) + ": " + line[match.end() :]
        if _TAB_INDENT.match(line):
            issues.append(Issue(shown, number, "front matter", "此行用了制表符（Tab），YAML 只允许空格缩进 / tab character in indentation: use spaces instead"))
            line = line.replace("\t", "  ")
        repaired.append(line)
    return "\n".join(repaired)


def _yaml_error_issue(error: yaml.MarkedYAMLError, shown: str, first_line: int) -> Issue:
    mark = error.problem_mark or error.context_mark
    line = first_line + (mark.line if mark else 0)
    problem = (error.problem or error.context or "syntax error").strip()
    hint = (
        "值中含有 : # * & ! [ ] { } 或引号等符号时，请用英文双引号把整个值括起来 / "
        "if a value contains : # * & ! [ ] { } or quotes, put the whole value in double quotes"
    )
    if "mapping values" in problem:
        hint = "值中含有“: ”，请用英文双引号把整个值括起来 / the value contains ': ': put the whole value in double quotes"
    return Issue(shown, line, "yaml", f"YAML 格式错误（{problem}）：{hint}")


class _Unusual(Exception):
    """A document with more than mappings, lists and scalars under text keys (merge keys, collection tags)."""


_TAG = "tag:yaml.org,2002:"


def _plain_data(loader: YamlLoader, node: yaml.Node | None, prefix: str, first_line: int, lines: dict[str, int], shown: str, duplicates: list[Issue]) -> Any:
    """The data PyYAML would construct from `node`, and the line of every key, in one walk.

    Front matter is mappings, lists and scalars; for those this builds the
    data directly (PyYAML's generic constructor was a third of loading the
    content) and leaves only non-text scalars (dates, numbers) to it. Anything
    else raises _Unusual, and the caller lets PyYAML construct the whole document.
    """
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _TAG + "str" else loader.construct_object(node)
    if isinstance(node, yaml.SequenceNode) and node.tag == _TAG + "seq":
        items = []
        for index, item in enumerate(node.value):
            key = f"{prefix}{index}"
            lines[key] = first_line + item.start_mark.line
            items.append(_plain_data(loader, item, key + ".", first_line, lines, shown, duplicates))
        return items
    if isinstance(node, yaml.MappingNode) and node.tag == _TAG + "map":
        mapping: dict[str, Any] = {}
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _TAG + "str":
                raise _Unusual  # a merge key (<<), a number, date or collection as key
            key = f"{prefix}{key_node.value}"
            _note_line(key, str(key_node.value), first_line + key_node.start_mark.line, seen, lines, shown, duplicates)
            value = _plain_data(loader, value_node, key + ".", first_line, lines, shown, duplicates)
            mapping[key_node.value] = value
        return mapping
    raise _Unusual


def _escaped_controls(node: yaml.Node | None, prefix: str, first_line: int, shown: str, issues: list[Issue]) -> bool:
    """Report every double-quoted value under `node` whose escapes write a control character, at its line; whether there was one."""
    if isinstance(node, yaml.MappingNode):
        found = False
        for key_node, value_node in node.value:
            found |= _escaped_controls(key_node, prefix, first_line, shown, issues)
            found |= _escaped_controls(value_node, f"{prefix}{key_node.value}.", first_line, shown, issues)
        return found
    if isinstance(node, yaml.SequenceNode):
        found = False
        for index, item in enumerate(node.value):
            found |= _escaped_controls(item, f"{prefix}{index}.", first_line, shown, issues)
        return found
    if not isinstance(node, yaml.ScalarNode) or node.style != '"' or not (first := CONTROL_CHARACTERS.search(node.value)):
        return False
    code = f"U+{ord(first.group()):04X}"
    zh_name, en_name = _CONTROL_NAMES.get(first.group(), ("控制字符", "control character"))
    issues.append(
        Issue(
            shown,
            first_line + node.start_mark.line,
            prefix.rstrip(".") or "yaml",
            f"引号中的转义写出了不可见的{zh_name}（{code}），请删除这个转义（以 \\ 开头的几个字符，如 \\v、\\x01） / "
            f"an escape in the quoted value writes an invisible {en_name} ({code}): delete the escape (the characters starting with \\, e.g. \\v or \\x01)",
        )
    )
    return True


def _without_controls(data: Any) -> Any:
    """Data with every control character taken out of its text (reported by _escaped_controls)."""
    if isinstance(data, str):
        return CONTROL_CHARACTERS.sub("", data)
    if isinstance(data, list):
        return [_without_controls(item) for item in data]
    if isinstance(data, dict):
        return {_without_controls(key): _without_controls(value) for key, value in data.items()}
    return data


def _note_line(key: str, field: str, line: int, seen: set[str], lines: dict[str, int], shown: str, issues: list[Issue]) -> None:
    """Remember the line of a mapping key; a key already `seen` in its mapping is a duplicate."""
    if key in seen:
        issues.append(Issue(shown, line, field, "字段重复出现，请只保留一个 / field appears twice: keep only one"))
    seen.add(key)
    lines[key] = line


def _collect_lines(node: yaml.Node | None, prefix: str, first_line: int, lines: dict[str, int], shown: str, issues: list[Issue]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            _note_line(key, str(key_node.value), first_line + key_node.start_mark.line, seen, lines, shown, issues)
            _collect_lines(value_node, key + ".", first_line, lines, shown, issues)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = f"{prefix}{index}"
            lines[key] = first_line + item.start_mark.line
            _collect_lines(item, key + ".", first_line, lines, shown, issues)
