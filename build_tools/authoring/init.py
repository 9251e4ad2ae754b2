"""`policy init`: a new project, written into an empty folder, that checks and builds as it is.

Its one job is to write the starting files of a project that uses the
installed package, from templates/init/: content/ with minimal registries
(and a synonyms.yml that extends the packaged search lexicon),
one example explainer and one Q&A session; a short mkdocs.yml (the site's
name; everything else comes from the packaged defaults); requirements.txt
(the package, for CI); the CI templates for GitHub and GitLab; .gitignore.
A template path's `dot-` part is written as `.` (`dot-github/` → `.github/`:
package data holds no hidden files); a `.j2` template is rendered with
Jinja and written without that suffix, any other is copied as it is.
"""

from __future__ import annotations

from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

import yaml
from jinja2 import Environment, StrictUndefined

from build_tools.errors import PolicyError

DEFAULT_SITE_NAME = "政策解读"
_PACKAGE = "build-tools"
_DOT = "dot-"
_JINJA = ".j2"


class InitError(PolicyError):
    """The project cannot be written there; the message says why and what to do."""


def init_project(folder: Path, site_name: str = DEFAULT_SITE_NAME) -> list[Path]:
    """Write a new project into `folder` (made if missing; it must be empty); return the files written, in order."""
    _require_empty(folder)
    environment = Environment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    environment.filters["yaml"] = _yaml_scalar
    values = {"site_name": site_name, "version": _installed_version()}
    written = []
    for template, relative in project_files():
        text = template.read_text(encoding="utf-8")
        if template.name.endswith(_JINJA):
            text = environment.from_string(text).render(values)
        target = folder.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def project_files() -> list[tuple[Traversable, PurePosixPath]]:
    """Every template of a new project with the path it is written to, relative to the project folder, sorted by that path."""
    found: list[tuple[Traversable, PurePosixPath]] = []
    folders = [(resources.files("build_tools.authoring") / "templates" / "init", PurePosixPath())]
    while folders:
        folder, relative = folders.pop()
        for entry in folder.iterdir():
            name = "." + entry.name.removeprefix(_DOT) if entry.name.startswith(_DOT) else entry.name
            if entry.is_dir():
                folders.append((entry, relative / name))
            elif not name.startswith(".") or entry.name.startswith(_DOT):  # no stray hidden files (.DS_Store)
                found.append((entry, relative / name.removesuffix(_JINJA)))
    return sorted(found, key=lambda pair: pair[1])


def _require_empty(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} 是一个文件，不是目录；请换一个目录名 / {folder} is a file, not a folder: choose another name")
    if folder.is_dir() and any(folder.iterdir()):
        raise InitError(
            f"{folder} 不是空目录：policy init 只在新目录或空目录中创建项目，以免覆盖已有文件；请换一个目录名 / "
            f"{folder} is not empty: policy init writes a new project only into a new or empty folder, "
            "so that no file is overwritten; choose another folder"
        )


def _installed_version() -> str | None:
    """The version of the installed package, which the new project's requirements.txt pins (None: not installed)."""
    try:
        return metadata.version(_PACKAGE)
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return None


def _yaml_scalar(value: str) -> str:
    """`value` as one YAML scalar: plain when it can be, quoted when it must be (a colon, a leading #, …)."""
    return yaml.safe_dump(value, allow_unicode=True, width=10_000).removesuffix("\n...\n").rstrip("\n")
