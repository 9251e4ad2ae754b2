"""authoring/init.py, `policy init`: a new project that checks and builds as it is, and never writes over existing files."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import TODAY, run_installed, run_policy

from build_tools.cli import cli

FILES = [
    ".github/workflows/publish.yml",
    ".github/workflows/pull-request.yml",
    ".gitignore",
    ".gitlab-ci.yml",
    "content/departments.yml",
    "content/policies/example-sme-loan-subsidy.md",
    "content/qa/example-briefing-2024-01-20.md",
    "content/synonyms.yml",
    "content/taxonomy.yml",
    "mkdocs.yml",
    "requirements.txt",
]
BIN = Path(sys.executable).parent


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def new_project(tmp_path: Path) -> Path:
    result = run_policy(tmp_path, "init", "my-site", "--site-name", "示例市政策解读")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("created the project my-site (11 files): run policy check and policy serve in it, then replace the examples\n")
    return tmp_path / "my-site"


def test_init_writes_a_project_that_checks_and_builds(new_project):
    assert files_in(new_project) == FILES
    assert yaml.safe_load((new_project / "mkdocs.yml").read_text(encoding="utf-8")) == {"site_name": "示例市政策解读"}
    check = run_policy(new_project, "check", "--today", TODAY)
    assert (check.exit_code, check.stdout, check.stderr) == (0, "", "0 个错误，0 个警告 / 0 error(s), 0 warning(s)\n")
    build = run_policy(new_project, "build", "--today", TODAY)
    assert build.exit_code == 0, build.output
    site = new_project / "site"
    for path in ("index.html", "policies/example-sme-loan-subsidy/index.html", "qa/example-briefing-2024-01-20/index.html",
                 "faq/index.html", "topics/finance/index.html", "assets/policy.css", "pagefind/pagefind.js"):
        assert (site / path).is_file(), path
    assert "<title>政策解读 - 示例市政策解读</title>" in (site / "index.html").read_text(encoding="utf-8")
    ignored = set((new_project / ".gitignore").read_text(encoding="utf-8").splitlines())
    assert {"/site/", "/search_index/", "/public/", ".policy-cache/"} <= ignored
    assert (new_project / ".policy-cache" / "record" / "record.json").is_file()  # the build record, for the next build


def test_the_ci_templates_keep_the_build_record_between_publishes(new_project):
    publish = yaml.load((new_project / ".github/workflows/publish.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    steps = publish["jobs"]["build"]["steps"]
    uses = [step.get("uses", step.get("run", "")).split("@")[0] for step in steps]
    assert uses.index("actions/cache/restore") < uses.index("policy build") < uses.index("actions/cache/save")
    assert {steps[uses.index(name)]["with"]["path"] for name in ("actions/cache/restore", "actions/cache/save")} == {".policy-cache/record"}
    pages = yaml.safe_load((new_project / ".gitlab-ci.yml").read_text(encoding="utf-8"))["pages"]
    assert [".policy-cache/record"] in [cache["paths"] for cache in pages["cache"]]


def test_init_and_build_with_the_installed_package_alone(installed_package, tmp_path):
    # The templates ship in the wheel: init, check and build with nothing but the installed package.
    assert run_installed(installed_package, tmp_path, "init", "site-a").returncode == 0
    project = tmp_path / "site-a"
    assert files_in(project) == FILES
    check = run_installed(installed_package, project, "check", "--today", TODAY)
    assert check.returncode == 0, check.stdout + check.stderr
    build = run_installed(installed_package, project, "build", "--today", TODAY)
    assert build.returncode == 0, build.stderr
    assert (project / "site/policies/example-sme-loan-subsidy/index.html").is_file() and (project / "site/pagefind/pagefind.js").is_file()
    assert list((project / "search_index").glob("_MAIN_*.toc"))


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken/notes.txt").write_text("已有的文件\n", encoding="utf-8")
    result = run_policy(tmp_path, "init", "taken")
    assert result.exit_code == 1
    assert result.stderr == ("Error: taken 不是空目录：policy init 只在新目录或空目录中创建项目，以免覆盖已有文件；请换一个目录名 / "
                             "taken is not empty: policy init writes a new project only into a new or empty folder, "
                             "so that no file is overwritten; choose another folder\n")
    assert files_in(tmp_path / "taken") == ["notes.txt"]


def test_init_refuses_a_file_and_accepts_an_empty_folder(tmp_path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    refused = run_policy(tmp_path, "init", "a-file")
    assert refused.exit_code == 1 and "a-file is a file, not a folder" in refused.stderr
    (tmp_path / "empty").mkdir()
    assert run_policy(tmp_path / "empty", "init", ".").exit_code == 0
    assert files_in(tmp_path / "empty") == FILES


def test_a_site_name_that_needs_quotes_stays_one_yaml_value(tmp_path):
    assert run_policy(tmp_path, "init", "quoted", "--site-name", "#1: 政策").exit_code == 0
    assert yaml.safe_load((tmp_path / "quoted/mkdocs.yml").read_text(encoding="utf-8")) == {"site_name": "#1: 政策"}


def test_requirements_pin_the_installed_version(new_project):
    lines = [line for line in (new_project / "requirements.txt").read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines == [f"build-tools=={metadata.version('build-tools')}"]


def _validate(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / command[0]), *command[1:]], capture_output=True, text=True, timeout=120)


def test_the_ci_templates_are_valid_for_github_and_gitlab(new_project):
    workflows = [str(p) for p in sorted((new_project / ".github/workflows").glob("*.yml"))]
    actionlint = _validate("actionlint", "-no-color", *workflows)
    assert actionlint.returncode == 0, actionlint.stdout + actionlint.stderr
    github = _validate("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)
    assert github.returncode == 0, github.stdout + github.stderr
    gitlab = _validate("check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", str(new_project / ".gitlab-ci.yml"))
    assert gitlab.returncode == 0, gitlab.stdout + gitlab.stderr


def _ci_commands(project: Path) -> list[str]:
    commands = []
    for path in sorted((project / ".github/workflows").glob("*.yml")):
        workflow = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        commands += [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    gitlab = yaml.safe_load((project / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    for job in (value for value in gitlab.values() if isinstance(value, dict)):
        commands += [*job.get("before_script", []), *job.get("script", [])]
    return commands


def test_the_ci_templates_install_the_package_and_run_policy_commands_that_exist(new_project):
    commands = set(_ci_commands(new_project))
    assert commands == {"python -m pip install -r requirements.txt", "policy check --format github", "policy check",
                        "policy build", "policy build --site public",
                        'policy report --format markdown >> "$GITHUB_STEP_SUMMARY"', "policy report --format markdown > policy-report.md"}
    for command in commands - {"python -m pip install -r requirements.txt"}:
        result = CliRunner().invoke(cli, [*command.split()[1:], "--help"])  # an unknown option or command fails here
        assert result.exit_code == 0, command
