"""Every command has help with an example and is documented in the README."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from build_tools.cli import cli
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _leaf_commands(group=cli, prefix=()) -> list[tuple[str, ...]]:
    names = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            names += _leaf_commands(command, (*prefix, name))
        else:
            names.append((*prefix, name))
    return names


COMMANDS = _leaf_commands()


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_command_has_help_with_an_example(words):
    result = CliRunner().invoke(cli, [*words, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"policy {' '.join(words)}" in result.output


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_command_is_documented_in_the_readme(words):
    assert f"### `policy {' '.join(words)}`" in README


def test_readme_quick_start_is_the_two_make_commands():
    assert "make serve" in README and "make test" in README
    assert "make test" in (ROOT / ".ci/run").read_text(encoding="utf-8")


def _module_table() -> list[str]:
    """The modules named in the first cells of the README's "How it works" table, as paths under build_tools/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it works", 1)[1].split("\n## ", 1)[0]
    named = []
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        folder = ""
        for name in re.findall(r"`([^`]+\.py)`", row.split(" | ")[0]):
            if "/" in name:
                folder = name.rpartition("/")[0] + "/"
                named.append(name)
            else:
                named.append(folder + name)
    return named


def test_the_readme_module_table_names_every_module_and_no_other():
    package = ROOT / "build_tools"
    modules = {str(path.relative_to(package)) for path in package.rglob("*.py") if path.name != "__init__.py"}
    named = set(_module_table())
    assert sorted(modules - named) == [], "modules missing from the README's table (How it works)"
    assert sorted(named - modules) == [], "the README's table names modules that do not exist"
