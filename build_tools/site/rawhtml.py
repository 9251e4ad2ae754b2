"""Raw HTML blocks set aside while Markdown converts a page, and put back after.

Python-Markdown runs every raw HTML block through the standard library's
HTML parser, only to hand it back unchanged; the page templates write whole
blocks of HTML (lists, Q&A sections, notices), and parsing them was over a
quarter of MkDocs' time (profiled at 1,000 explainers). So the MkDocs adapter
replaces each such block with a placeholder paragraph before the conversion
and the block replaces the placeholder after it.

A block is set aside only when Markdown would certainly pass it through as
it is: a run of lines after a blank line made of whole elements, each starting
a line with a block-level tag and closed by its end tag at the end of a line,
with no comment, script, preformatted text or `markdown` attribute in it.
Anything else is left to Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Letters and digits only, so that Markdown leaves it as it is; a page that
# holds it already is converted without setting anything aside.
PLACEHOLDER = "pprawhtmlblock7c1e"
_PLACEHOLDER_NUMBER = re.compile(PLACEHOLDER + r"(\d+)x")
_PLACEHOLDER_PARAGRAPH = re.compile("<p>" + PLACEHOLDER + r"(\d+)x</p>")

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?>")
_START = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)[\s>]")
# Contents Markdown or the HTML parser treat in their own ways.
_SPECIAL = re.compile(r"<!|<\?|<(?:script|style|pre|textarea)\b|\smarkdown\s*=", re.IGNORECASE)
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


@dataclass
class SetAside:
    """A page's Markdown with its raw HTML blocks replaced by placeholders, and the blocks."""

    markdown: str
    blocks: list[str] = field(default_factory=list)

    def put_back(self, html: str) -> str:
        """The converted page with each placeholder (its own paragraph, or inside a raw block) replaced by its block."""
        if not self.blocks:
            return html

        def block(match: re.Match) -> str:
            return self.blocks[int(match.group(1))]

        def paragraph(match: re.Match) -> str:
            return block(match) + "\n"  # Markdown ends a raw block with a blank line

        # Markdown strips its output: a block at the very end has no blank line after it
        return _PLACEHOLDER_NUMBER.sub(block, _PLACEHOLDER_PARAGRAPH.sub(paragraph, html)).strip()


def set_aside(markdown_text: str, block_level: frozenset[str] | set[str]) -> SetAside:
    """`markdown_text` with the raw HTML blocks Markdown would pass through unchanged replaced by placeholders."""
    if PLACEHOLDER in markdown_text:
        return SetAside(markdown_text)
    lines = markdown_text.split("\n")
    out: list[str] = []
    blocks: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            run.append(line)
            continue
        if run:
            text = "\n".join(run)
            if _is_raw_block(text, block_level):
                out.append(f"{PLACEHOLDER}{len(blocks)}x")
                blocks.append(text)
            else:
                out.extend(run)
            run = []
        out.append(line)
    out.pop()  # the blank line added to end the last run
    return SetAside("\n".join(out), blocks)


def _is_raw_block(text: str, block_level: frozenset[str] | set[str]) -> bool:
    """Whether `text` is whole block-level elements, one after another, each closed at the end of a line."""
    if not text.startswith("<") or _SPECIAL.search(text):
        return False
    position = 0
    while position < len(text):
        end = _element_end(text, position, block_level)
        if end is None:
            return False
        rest = text.find("\n", end)
        if text[end : len(text) if rest < 0 else rest].strip():
            return False  # text after the end tag on its line: Markdown would treat it as Markdown
        if rest < 0:
            return True
        position = rest + 1
    return True


def _element_end(text: str, start: int, block_level: frozenset[str] | set[str]) -> int | None:
    """Where the element that starts at `start` ends (after its end tag), or None when it is not a closed block-level element."""
    opening = _START.match(text, start)
    if not opening:
        return None
    name = opening.group(1).lower()
    if name not in block_level or name in _VOID:
        return None
    depth = 0
    for tag in _TAG.finditer(text, start):
        if tag.group(2).lower() != name or tag.group(0).endswith("/>"):
            continue
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return None
