"""Every command has help with an example and is documented in the README."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from build_tools.cli import cli
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"policy {name}" in result.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_is_documented_in_the_readme(name):
    assert f"### `policy {name}`" in README


def test_readme_quick_start_is_the_two_make_commands():
    assert "make serve" in README and "make test" in README
    assert "make test" in (ROOT / ".ci/run").read_text(encoding="utf-8")
