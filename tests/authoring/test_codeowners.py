"""`policy codeowners`: CODEOWNERS from the departments' owners, and --check for CI."""

from __future__ import annotations


from conftest import ROOT, run_policy, write

OWNERS = {"js-fgw": '["@js-fgw-editors"]', "js-czt": '["@org/js-czt", "czt@example.gov.cn"]'}


def run(folder, *args: str):
    return run_policy(folder, "codeowners", *args)


def with_owners(content, owners=OWNERS) -> None:
    registry = content / "departments.yml"
    text = registry.read_text(encoding="utf-8")
    for ident, listed in owners.items():
        text = text.replace(f"- id: {ident}\n", f"- id: {ident}\n  owners: {listed}\n")
    registry.write_text(text, encoding="utf-8")


def test_generated_codeowners_maps_each_file_to_its_departments(content):
    with_owners(content)
    result = run(content.parent, "--default-owner", "@policy-editors")
    assert result.exit_code == 0, result.output
    assert result.stdout == "已写入 .github/CODEOWNERS，请提交 / wrote .github/CODEOWNERS: commit it\n"
    lines = (content.parent / ".github/CODEOWNERS").read_text(encoding="utf-8").splitlines()
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules == [
        "/content/ @policy-editors",
        "/content/policies/draft-idea.md @org/js-czt czt@example.gov.cn",
        "/content/policies/economy-2022.md @js-fgw-editors",
        "/content/policies/economy-2023.md @js-fgw-editors @org/js-czt czt@example.gov.cn",
        "/content/policies/loan-2027.md @org/js-czt czt@example.gov.cn",
        "/content/policies/scheduled.md @org/js-czt czt@example.gov.cn",
        "/content/qa/live-2023.md @js-fgw-editors @org/js-czt czt@example.gov.cn",
    ]


def test_check_fails_until_the_file_is_regenerated(content):
    folder = content.parent
    missing = run(folder, "--check")
    assert missing.exit_code == 1
    assert ".github/CODEOWNERS is out of date: run make codeowners (or policy codeowners) and commit it" in missing.stderr
    assert run(folder).exit_code == 0
    up_to_date = run(folder, "--check")
    assert (up_to_date.exit_code, up_to_date.stdout) == (0, ".github/CODEOWNERS 是最新的 / .github/CODEOWNERS is up to date\n")
    with_owners(content, {"nj-tax": '["@nj-tax"]'})
    stale = run(folder, "--check")
    assert stale.exit_code == 1
    assert "+/content/policies/refund-2023.md @nj-tax" in stale.stderr


def test_output_option_and_bad_owner(content):
    assert run(content.parent, "--output", ".gitlab/CODEOWNERS").exit_code == 0
    assert (content.parent / ".gitlab/CODEOWNERS").is_file()
    with_owners(content, {"js-fgw": '["js fgw"]'})
    bad = run(content.parent)
    assert bad.exit_code == 1
    assert "content/departments.yml:2: 0.owners.0: 审核人“js fgw”格式不对" in bad.stderr
    assert "the content has errors: fix them first" in bad.stderr


def test_the_checked_in_codeowners_is_up_to_date():
    result = run(ROOT, "--default-owner", "@policy-editors", "--check")
    assert result.exit_code == 0, result.output
