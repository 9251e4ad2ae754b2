"""Links in the bodies of explainers and Q&A sessions: every internal link and image must exist.

A body is published as written, on the page `policies/<slug>.md` (an
explainer) or `qa/<slug>.md` (a session) of the site. A relative link is
resolved the way the site resolves it: a `.md` link or an image from that
page's source path, a folder-style link (`../other/`) from its URL. It must
name a page made from the content (an explainer, a session, a list page) or
a file of the site's static folder (MkDocs' `docs_dir`, where images go)
or of the packaged theme (its CSS and scripts).
External links (http, https) are only collected here; `external.py` checks
them when asked. An image from another site is an error: the pages' security
policy shows images of the site only.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import yaml

from build_tools.check.fields import closest, hint
from build_tools.load.tree import LoadedTree, RawDocument, shown_path
from build_tools.models import Issue

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_INLINE = re.compile(
    r"(?P<image>!?)\[(?:[^\]\\]|\\.)*\]\(\s*(?:<(?P<angle>[^>]*)>|(?P<target>[^()\s]+(?:\([^()\s]*\)[^()\s]*)*))"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(?P<target>[^\s>]+)>?")
_AUTOLINK = re.compile(r"<(?P<target>https?://[^>\s]+)>")
_HTML = re.compile(r"<(?P<tag>a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"'](?P<target>[^\"']+)[\"']", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
SECTIONS = (  # the browse lists, each a folder of the site
    "departments",
    "topics",
    "audiences",
    "regions",
    "years",
)


@dataclass(frozen=True)
class Link:
    """One link or image as written in a body, at its line of the file."""

    target: str
    line: int
    image: bool

    @property
    def external(self) -> bool:
        return self.target.lower().startswith(("http://", "https://"))


def body_links(document: RawDocument) -> Iterator[Link]:
    """Every link and image of a document's body, outside code blocks and code spans."""
    body = document.body
    fenced = "```" in body or "~~~" in body
    if not fenced and "[" not in body and "<" not in body:  # most bodies: nothing to look at line by line
        return
    in_code = False
    for number, line in enumerate(body.split("\n"), start=document.body_line):
        if fenced and _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code or ("[" not in line and "<" not in line):  # every link form needs one of these
            continue
        yield from _links_in_line(_CODE_SPAN.sub("", line), number)


def _links_in_line(line: str, number: int) -> Iterator[Link]:
    for match in _INLINE.finditer(line):
        target = match["angle"] if match["angle"] is not None else match["target"]
        yield Link(target.strip(), number, bool(match["image"]))
    if reference := _REFERENCE.match(line):
        yield Link(reference["target"], number, False)
    for match in _AUTOLINK.finditer(line):
        yield Link(match["target"], number, False)
    for match in _HTML.finditer(line):
        yield Link(match["target"], number, match["tag"].lower() == "img")


def site_page(document: RawDocument, folder: str) -> str:
    """The source path of the site page a document's body is published on."""
    return f"{folder}/{document.slug}.md"


@dataclass
class SiteMap:
    """What a relative link may point at: the pages made from the content and the static files."""

    pages: set[str]
    static: set[str]
    static_folder: str

    def has(self, path: str) -> bool:
        return path in self.pages or path in self.static


def check_links(tree: LoadedTree, issues: list[Issue]) -> None:
    """Report every internal link or image of a body that would be broken on the site."""
    site = _site_map(tree)
    for folder, documents in (("policies", tree.policies), ("qa", tree.sessions)):
        for document in documents:
            for link in body_links(document):
                if problem := _problem(link, site_page(document, folder), site):
                    issues.append(Issue(document.shown, link.line, "body", problem))


def linked_slugs(document: RawDocument, folder: str) -> set[str]:
    """Slugs of the explainers and sessions a body links to (for `check --changed-since`)."""
    here = site_page(document, folder)
    resolved = (_resolve(link.target, here) for link in body_links(document) if _is_internal(link.target))
    return {posixpath.basename(path).removesuffix(".md") for path in resolved if path and path.endswith(".md")}


def _is_internal(target: str) -> bool:
    return bool(target) and not target.startswith("#") and not _SCHEME.match(target)


def _is_page_link(target: str) -> bool:
    """A link to a page (`x.md`, `../x/`) rather than to a file (`x.png`, `x.pdf`)."""
    path = target.split("#", 1)[0].split("?", 1)[0]
    return path.endswith((".md", "/")) or "." not in posixpath.basename(path)


def _resolve(target: str, here: str) -> str | None:
    """The site path a relative link names, seen from the page `here`; None if it leaves the site."""
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None
    base = posixpath.dirname(here)
    if not path.endswith(".md") and _is_page_link(path):
        base = here.removesuffix(".md")  # a folder-style URL is relative to the page's URL
        path = path.rstrip("/") + ".md" if path.rstrip("/") else "index.md"
    resolved = posixpath.normpath(posixpath.join(base, path))
    return None if resolved.startswith("..") else resolved


def _problem(link: Link, here: str, site: SiteMap) -> str | None:
    if link.image and _SCHEME.match(link.target):
        return (  # the pages' Content-Security-Policy allows images of the site only (img-src 'self')
            f"图片“{link.target}”在别的网站上，本站页面不会显示它：请把图片保存到 {site.static_folder}/images/ 下，并写成 ../images/文件名 / "
            f"image '{link.target}' is on another site and the pages will not show it: "
            f"save it in {site.static_folder}/images/ and link it as ../images/<file name>"
        )
    if not _is_internal(link.target):
        return None
    what_zh, what_en = ("图片", "image") if link.image else ("链接", "link")
    if link.target.startswith("/"):
        return (
            f"{what_zh}“{link.target}”以 / 开头，网站不在根路径时会失效，请改用相对路径 / "
            f"{what_en} '{link.target}' starts with '/', which breaks when the site is not at the root of its host: write a relative path"
        )
    resolved = _resolve(link.target, here)
    if resolved and (site.has(resolved) or site.has(resolved.removesuffix(".md") + "/index.md")):
        return None
    if link.image or not _is_page_link(link.target):
        return _missing_file(link, what_zh, what_en, site)
    return _missing_page(link, here, site)


def _missing_file(link: Link, what_zh: str, what_en: str, site: SiteMap) -> str:
    folder = site.static_folder
    return (
        f"找不到{what_zh}文件“{link.target}”，请把文件放到 {folder}/images/ 下，并写成 ../images/文件名 / "
        f"{what_en} '{link.target}' not found: put the file in {folder}/images/ and link it as ../images/<file name>"
    )


def _missing_page(link: Link, here: str, site: SiteMap) -> str:
    wanted = posixpath.basename(link.target.split("#")[0].rstrip("/")).removesuffix(".md")
    same_slug = sorted(p for p in site.pages if posixpath.basename(p) == f"{wanted}.md")
    if same_slug:
        fixed = posixpath.relpath(same_slug[0], posixpath.dirname(here))
        return (
            f"链接“{link.target}”在网站上找不到页面，请写成 {fixed} / link '{link.target}' names no page of the site: "
            f"write it as {fixed} (links are relative to the page, not to the file's folder)"
        )
    # Each page as the link would be written: its slug when it is in the folder the link points into, else its path.
    folder = posixpath.dirname(_resolve(link.target, here) or here)
    written: dict[str, str] = {}
    for page in sorted(p for p in site.pages if p.startswith(("policies/", "qa/")) and not p.endswith("/index.md")):
        slug = posixpath.basename(page).removesuffix(".md")
        written.setdefault(slug, slug if posixpath.dirname(page) == folder else posixpath.relpath(page, posixpath.dirname(here)))
    zh, en = hint([written[slug] for slug in closest(wanted, written)])
    return (
        f"链接“{link.target}”指向的页面不存在{zh or '，请检查拼写或删除该链接'} / link '{link.target}' names a page that does not exist"
        f"{en or ': fix the spelling or remove the link'}"
    )


def _site_map(tree: LoadedTree) -> SiteMap:
    pages = {site_page(d, "policies") for d in tree.policies} | {site_page(d, "qa") for d in tree.sessions}
    pages |= {"index.md", "qa/index.md", "faq/index.md", "search/index.md", "match/index.md"}
    pages |= {f"{section}/index.md" for section in SECTIONS}
    pages |= {f"{section}/{ident}.md" for section, ident in _registry_ids(tree)}
    pages |= {f"years/{published.year}.md" for d in tree.policies if isinstance(d.data, dict) and isinstance(published := d.data.get("published"), dt.date)}
    static_dir = _static_folder(tree.root)
    static = _files_in(static_dir) | {path for path in _files_in(_THEME) if not path.endswith(".html")}  # the theme's templates are not copied
    return SiteMap(pages, static, shown_path(static_dir))


def _files_in(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} if folder.is_dir() else set()


def _registry_ids(tree: LoadedTree) -> Iterator[tuple[str, str]]:
    """(section, id) of the department, topic, audience and region list pages."""
    for entry in tree.departments.data if tree.departments and isinstance(tree.departments.data, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            yield "departments", entry["id"]
    taxonomy = tree.taxonomy.data if tree.taxonomy and isinstance(tree.taxonomy.data, dict) else {}
    for section, key in (("topics", "topics"), ("audiences", "audiences"), ("regions", "regions")):
        yield from ((section, ident) for ident in _ids(taxonomy.get(key)))


def _ids(entries) -> Iterator[str]:
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            if isinstance(entry.get("id"), str):
                yield entry["id"]
            yield from _ids(entry.get("children"))


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring its !!python and !ENV tags."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


# The site's packaged defaults (the settings the project's mkdocs.yml does not set) and theme.
_DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "site" / "defaults" / "mkdocs.yml"
_THEME = _DEFAULT_CONFIG.parent / "theme"


def _static_folder(content_root: Path) -> Path:
    """The site's static folder: `docs_dir` of the mkdocs.yml beside the content folder, else of the packaged defaults (static/)."""
    docs_dir = _docs_dir(content_root.parent / "mkdocs.yml") or _docs_dir(_DEFAULT_CONFIG) or "static"
    return content_root.parent / docs_dir


def _docs_dir(config: Path) -> str | None:
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_ConfigLoader) if config.is_file() else {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = {}
    docs_dir = data.get("docs_dir") if isinstance(data, dict) else None
    return docs_dir if isinstance(docs_dir, str) else None
