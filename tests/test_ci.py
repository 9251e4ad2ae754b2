"""The CI templates: valid for GitHub and GitLab (real validators, offline) and running the README's commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
GITLAB = ROOT / ".gitlab-ci.yml"
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKE_TARGETS = set(re.findall(r"^([a-z][\w.-]*):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE))


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # `on:` stays a string key


def validate(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / command[0]), *command[1:]], capture_output=True, text=True, timeout=120)


def test_workflows_pass_actionlint():
    result = validate("actionlint", "-no-color", *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_planted_mistake(tmp_path):
    broken = tmp_path / ".github/workflows/broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nowhere\n    steps:\n      - run: make check\n")
    result = validate("actionlint", "-no-color", str(broken))
    assert result.returncode == 1 and "nowhere" in result.stdout


def test_workflows_match_the_github_schema():
    result = validate("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_gitlab_ci_matches_the_gitlab_schema(tmp_path):
    result = validate("check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", str(GITLAB))
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / ".gitlab-ci.yml"
    broken.write_text(GITLAB.read_text(encoding="utf-8").replace("stage: deploy", "stage: deploy\n  when: sometimes"), encoding="utf-8")
    assert validate("check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", str(broken)).returncode == 1


def _commands() -> list[str]:
    """Every command the CI templates and the pre-commit hooks run."""
    commands = []
    for path in WORKFLOWS:
        commands += [step["run"] for job in load(path)["jobs"].values() for step in job["steps"] if "run" in step]
    gitlab = load(GITLAB)
    for job in (value for value in gitlab.values() if isinstance(value, dict)):
        commands += [*job.get("before_script", []), *job.get("script", [])]
    hooks = load(ROOT / ".pre-commit-config.yaml")["repos"][0]["hooks"]
    return [*commands, *(hook["entry"] for hook in hooks)]


@pytest.mark.parametrize("command", sorted(set(_commands())))
def test_every_ci_command_is_a_readme_command(command):
    assert f"`{command}`" in README
    words = command.split()
    if words[0] == "make":
        assert words[1] in MAKE_TARGETS


def test_pull_requests_check_with_annotations_and_keep_a_preview():
    workflow = load(ROOT / ".github/workflows/pull-request.yml")
    assert "pull_request" in workflow["on"]
    steps = workflow["jobs"]["check"]["steps"]
    assert [s.get("run") for s in steps if "run" in s] == ["make install", 'make check CHECK_ARGS="--format github"', "make codeowners-check"]
    preview = workflow["jobs"]["preview"]["steps"]
    assert any(s.get("run") == "make build" for s in preview)
    upload = next(s for s in preview if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "site/"


def test_main_and_the_daily_schedule_deploy_one_checked_build():
    workflow = load(ROOT / ".github/workflows/publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"] and workflow["on"]["schedule"][0]["cron"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [s["run"] for s in build["steps"] if "run" in s]
    assert runs.index("policy check --format github") < runs.index("policy build")
    assert [run for run in runs if run.startswith("policy build")] == ["policy build"]
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site/"
    assert deploy["needs"] == "build"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_github_publish_restores_the_build_record_before_the_build_and_saves_it_after():
    steps = load(ROOT / ".github/workflows/publish.yml")["jobs"]["build"]["steps"]
    uses = [step.get("uses", step.get("run", "")).split("@")[0] for step in steps]
    restore, build, save = uses.index("actions/cache/restore"), uses.index("policy build"), uses.index("actions/cache/save")
    assert restore < build < save
    restored, saved = steps[restore]["with"], steps[save]["with"]
    assert restored["path"] == saved["path"] == ".policy-cache/record"  # policy build's default --cache
    assert restored["key"] == saved["key"] and "github.run_id" in saved["key"]  # a new entry per run
    prefix = restored["restore-keys"].strip()
    assert saved["key"].startswith(prefix) and all(name in prefix for name in ("requirements.lock", "mkdocs.yml", "build_tools/**"))


def test_gitlab_pages_keeps_the_build_record_in_a_cache_keyed_by_the_lock_and_the_settings():
    caches = load(GITLAB)["pages"]["cache"]
    record = next(cache for cache in caches if cache["paths"] == [".policy-cache/record"])
    assert record["key"]["files"] == ["requirements.lock", "mkdocs.yml"]
    assert any(cache["paths"] == [".cache/pip"] for cache in caches)  # the job's own caches replace the default's


def test_gitlab_pages_publishes_one_build_after_the_check():
    gitlab = load(GITLAB)
    stages = gitlab["stages"]
    assert stages.index(gitlab["check"]["stage"]) < stages.index(gitlab["pages"]["stage"])
    assert gitlab["pages"]["script"] == ["policy build --site public"]
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    sources = [rule["if"] for rule in gitlab["workflow"]["rules"]]
    assert '$CI_PIPELINE_SOURCE == "merge_request_event"' in sources and '$CI_PIPELINE_SOURCE == "schedule"' in sources
    assert gitlab["default"]["before_script"] == ["make install"]


RUNTIME_INSTALL = ["pip install --require-hashes -r requirements.lock", "pip install --no-deps ."]


def _gitlab_commands(gitlab: dict, name: str) -> list[str]:
    job = gitlab[name]
    return [*job.get("before_script", gitlab["default"]["before_script"]), *job["script"]]


def test_deploy_jobs_install_the_runtime_lock_and_never_the_dev_lock():
    publish, gitlab = load(ROOT / ".github/workflows/publish.yml"), load(GITLAB)
    deploys = {f"publish.yml {name}": ([s["run"] for s in job["steps"] if "run" in s], job)
               for name, job in publish["jobs"].items()}
    deploys["gitlab pages"] = (_gitlab_commands(gitlab, "pages"), gitlab["pages"])
    for where, (commands, job) in deploys.items():
        assert "requirements-dev.lock" not in json.dumps([commands, job]), where
        # every make target that runs policy first sets up .venv/ from requirements-dev.lock
        assert not [command for command in commands if command.split()[0] == "make"], where
    assert deploys["publish.yml build"][0][:2] == RUNTIME_INSTALL
    assert deploys["gitlab pages"][0][:2] == RUNTIME_INSTALL
    assert not deploys["publish.yml deploy"][0]  # it only publishes the build job's site/


def test_check_and_test_jobs_install_the_dev_lock():
    assert re.search(r"^\t.*pip install .*--require-hashes -r requirements-dev\.lock$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)
    pull_request, gitlab = load(ROOT / ".github/workflows/pull-request.yml"), load(GITLAB)
    for name, job in pull_request["jobs"].items():
        runs = [s["run"] for s in job["steps"] if "run" in s]
        assert runs[0] in ("make install", "bash .ci/run"), name
        assert "pip install" not in json.dumps(runs) and RUNTIME_INSTALL[0] not in json.dumps(job), name
    for name in ("check", "test", "preview"):
        commands = _gitlab_commands(gitlab, name)
        assert commands[0] in ("make install", "bash .ci/run") and "requirements.lock" not in json.dumps(commands), name


def test_ci_installs_the_pinned_npm_tools_before_the_tests():
    """axe-core (the accessibility tests) and lighthouse (bench/accessibility.py) at exact versions, from the lock file."""
    run = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "npm ci" in run and run.index("npm ci") < run.index("make test")
    wanted = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]
    assert set(wanted) == {"axe-core", "lighthouse"} and all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in wanted.values())
    locked = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    assert {name: locked[f"node_modules/{name}"]["version"] for name in wanted} == wanted
    assert "node_modules/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
