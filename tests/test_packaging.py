"""Packaging: every third-party package build_tools imports is declared in pyproject.toml's dependencies."""

from __future__ import annotations

import ast
import functools
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from conftest import ROOT

PACKAGE = ROOT / "build_tools"
PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level_imports(folder: Path) -> dict[str, set[str]]:
    """The top-level names of every absolute import under `folder` (also those inside functions), with the files importing them."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


@functools.cache
def packages_distributions() -> dict[str, list[str]]:
    return metadata.packages_distributions()


@functools.cache
def third_party_imports() -> dict[str, set[str]]:
    return {name: files for name, files in top_level_imports(PACKAGE).items()
            if name not in sys.stdlib_module_names and name != PACKAGE.name}


def declared_distributions(dependencies: list[str]) -> set[str]:
    """The distributions these requirements install by name: each one, and what its requested extras add."""
    declared = set()
    for requirement in map(Requirement, dependencies):
        declared.add(normalize(requirement.name))
        for extra in requirement.extras:  # pagefind[extended] brings pagefind-bin-extended
            for dependency in map(Requirement, metadata.requires(requirement.name) or []):
                if dependency.marker and dependency.marker.evaluate({"extra": extra}):
                    declared.add(normalize(dependency.name))
    return declared


def provided_by(dependencies: list[str]) -> dict[str, set[str]]:
    """Imported top-level name → files importing it, for the third-party imports these requirements provide."""
    distributions, declared = packages_distributions(), declared_distributions(dependencies)
    return {name: files for name, files in third_party_imports().items()
            if {normalize(d) for d in distributions.get(name, [])} & declared}


def undeclared(pyproject: str) -> dict[str, set[str]]:
    """Imported top-level name → files importing it, for every third-party import no dependency provides."""
    provided = provided_by(tomllib.loads(pyproject)["project"]["dependencies"])
    return {name: files for name, files in third_party_imports().items() if name not in provided}


DEPENDENCIES = tomllib.loads(PYPROJECT)["project"]["dependencies"]


def test_the_check_sees_imports_inside_functions():
    imports = third_party_imports()
    assert "build_tools/site/serving.py" in imports["watchdog"]  # imported by _watch_with_events only
    assert "build_tools/indexes/pagefind/service.py" in imports["pagefind_bin_extended"]
    assert "os" not in imports and "build_tools" not in imports


def test_every_third_party_import_is_a_declared_dependency():
    missing = undeclared(PYPROJECT)
    assert missing == {}, f"imported but not in [project].dependencies: {missing}"


# mkdocs-material and pymdown-extensions are named in the MkDocs configuration, never imported
@pytest.mark.parametrize("line", [line for line in DEPENDENCIES if provided_by([line])])
def test_removing_an_imported_dependency_is_caught(line):
    imported = provided_by([line])
    without = PYPROJECT.replace(f'"{line}",', "", 1)
    assert len(tomllib.loads(without)["project"]["dependencies"]) == len(DEPENDENCIES) - 1
    assert set(imported) <= set(undeclared(without))
