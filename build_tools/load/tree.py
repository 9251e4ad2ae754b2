"""Load: files under content/ → raw documents with real line numbers.

The only module that reads content/. It decodes each file (reporting GBK,
GB18030 and BOM files instead of publishing mojibake), splits the front
matter from the body, parses the YAML and remembers, for every key and list
item, the line of the file it stands on, so that every later error can name
that line. Nothing here knows what a field means: that is the checker's job.
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
    departments = _load_registry(root / DEPARTMENTS_FILE, issues)
    taxonomy = _load_registry(root / TAXONOMY_FILE, issues)
    read = load_markdown if cache is None else (lambda path, found: _load_cached(path, found, cache))
    policies = [read(p, issues) for p in _markdown_files(root / POLICIES_DIR)]
    sessions = [read(p, issues) for p in _markdown_files(root / QA_DIR)]
    faq_links = _load_registry(root / FAQ_LINKS_FILE, issues) if (root / FAQ_LINKS_FILE).exists() else None
    return LoadedTree(root, departments, taxonomy, policies, sessions, issues, faq_links)


def _load_cached(path: Path, issues: list[Issue], cache: dict) -> RawDocument:
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = cache.get(path)
    if cached is None or cached[0] != stamp:
        own: list[Issue] = []
        cached = cache[path] = (stamp, load_markdown(path, own), own)
    issues.extend(cached[2])
    return cached[1]


def _markdown_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.md")) if folder.is_dir() else []


def _load_registry(path: Path, issues: list[Issue]) -> RawDocument | None:
    shown = shown_path(path)
    if not path.is_file():
        issues.append(Issue(shown, 1, "-", f"缺少注册表文件 {path.name} / registry file {path.name} is missing: create it as described in the content format"))
        return None
    text = read_text(path, shown, issues)
    data, lines = parse_yaml(text, shown, 1, issues)
    return RawDocument(path, shown, data, lines)


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
    text = read_text(path, shown, issues).replace("\r\n", "\n")
    document = RawDocument(path, shown, None)
    opening = _opening_fence(text, shown, issues)
    if opening is None:
        document.body = text
        return document
    # The closing fence is searched for, not the text split into lines: bodies are
    # most of the content, and splitting and joining them again cost a tenth of loading.
    start, block_start = opening
    closing = _FENCE_LINE.search(text, block_start)
    if closing is None:
        issues.append(
            Issue(
                shown,
                start + 1,
                "front matter",
                "front matter 没有结束：在最后一个字段后加一行 --- / front matter block is not closed: add a line '---' after the last field",
            )
        )
        return document
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
        return document
    document.data, document.lines = parse_yaml(block, shown, document.first_line, issues)
    if document.data is not None and not isinstance(document.data, dict):
        issues.append(
            Issue(shown, document.first_line, "front matter", "front matter 应为“字段: 值”的列表 / front matter must be a list of 'field: value' lines")
        )
        document.data = None
    return document


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
