"""The `apply:` block (如何申请): read into `Application`, every field checked at its line with the fix."""

from __future__ import annotations

import datetime as dt

import pytest

from build_tools.build.pipeline import check_content
from build_tools.check.application import amount_in
from build_tools.check.report import format_text
from build_tools.models import Application
from conftest import ROOT, VALID_EXPLAINER, write


def with_apply(block: str) -> str:
    """The valid explainer with an `apply:` block (its lines indented by two spaces) ending the front matter on line 8."""
    return VALID_EXPLAINER.replace("published: 2023-01-01\n", f"published: 2023-01-01\napply:\n{block}")


def checked(content, block: str) -> tuple[Application | None, list[str]]:
    """The explainer's Application and the problems of its file, each as `line: field: message`."""
    path = write(content, "policies/apply.md", with_apply(block))
    loaded, issues = check_content(content)
    prefix = f"{path}:"
    problems = [line.removeprefix(prefix) for line in format_text(issues).splitlines() if line.startswith(prefix)]
    application = next((e.apply for e in loaded.explainers if e.slug == "apply"), None)
    return application, problems


def test_a_whole_block_is_read_with_its_line(content):
    application, problems = checked(
        content,
        "  start: 2026-11-16\n"
        "  end: 2026-12-15\n"
        "  period: 按季度申报\n"
        "  url: https://www.example.gov.cn/apply\n"
        "  channel: 亲清政企服务平台\n"
        "  address: 新安街道创业一路1号\n"
        "  amount: 单户每年最高30万元\n"
        "  amount_yuan: 250000\n",
    )
    assert problems == []
    assert application == Application(
        start=dt.date(2026, 11, 16),
        end=dt.date(2026, 12, 15),
        period="按季度申报",
        url="https://www.example.gov.cn/apply",
        channel="亲清政企服务平台",
        address="新安街道创业一路1号",
        amount="单户每年最高30万元",
        amount_yuan=250000.0,  # as written, not the 300000 of the text
        line=8,
    )


def test_no_application_may_stand_alone(content):
    application, problems = checked(content, "  no_application: true\n")
    assert problems == []
    assert application == Application(no_application=True, line=8)


def test_a_recurring_period_needs_no_dates_and_the_amount_is_read_from_the_text(content):
    application, problems = checked(content, "  period: 每年一季度\n  amount: 最高200万元\n")
    assert problems == []
    assert application is not None and application.period == "每年一季度" and application.amount_yuan == 2_000_000


def test_a_block_of_empty_fields_is_no_block(content):
    application, problems = checked(content, "  start:\n  end:\n  period: ''\n  url:\n  amount_yuan:\n  no_application: false\n")
    assert problems == [] and application is None
    write(content, "policies/apply.md", VALID_EXPLAINER)
    loaded, _ = check_content(content)
    assert next(e for e in loaded.explainers if e.slug == "apply").apply is None


def test_a_window_that_ends_before_it_starts_is_an_error_at_end(content):
    _, problems = checked(content, "  start: 2026-03-01\n  end: 2026-02-01\n")
    assert problems == [
        "10: apply.end: 申报截止日期 2026-02-01 早于开始日期 2026-03-01，请检查 / end (2026-02-01) is before start (2026-03-01): correct one of them"
    ]


def test_each_wrong_field_is_an_error_at_its_line_with_the_fix(content):
    application, problems = checked(
        content,
        "  start: 2026/03/01\n"
        "  url: www.example.gov.cn/apply\n"
        "  截止日期: 2026-04-01\n"
        "  amount_yuan: 200万\n"
        "  period: [一季度]\n",
    )
    assert application is None  # a document with errors yields no explainer
    assert problems == [
        "9: apply.start: 日期“2026/03/01”格式不对，请写成 YYYY-MM-DD，例如 2023-02-16 / '2026/03/01' is not a valid date: write YYYY-MM-DD, e.g. 2023-02-16",
        "10: apply.url: 网址“www.example.gov.cn/apply”无效，应以 http:// 或 https:// 开头，例如 https://www.example.gov.cn/apply / "
        "'www.example.gov.cn/apply' is not a valid URL: it must start with http:// or https://, e.g. https://www.example.gov.cn/apply",
        "11: apply.截止日期: 未知字段“截止日期”，可用字段：start、end、period、url、channel、address、amount、amount_yuan、no_application / "
        "unknown field '截止日期'; allowed fields: start, end, period, url, channel, address, amount, amount_yuan, no_application",
        "12: apply.amount_yuan: amount_yuan 应为以元计的数字（不写“万”“元”），例如 2000000 / "
        "'200万' is not an amount_yuan: write a number of yuan without units, e.g. 2000000",
        "13: apply.period: period 应为一段文字 / period must be text, not a list",
    ]


def test_a_misspelt_key_gets_the_key_it_was_meant_to_be(content):
    _, problems = checked(content, "  ammount: 最高200万元\n")
    assert problems == ["9: apply.ammount: 未知字段“ammount”，是否应为：amount、amount_yuan / unknown field 'ammount'; did you mean: amount, amount_yuan"]


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("-5", "'-5' is not an amount_yuan: write a number of yuan without units"),
        ("true", "'True' is not an amount_yuan: write a number of yuan without units"),
        ("1.5亿元", "'1.5亿元' is not an amount_yuan: write a number of yuan without units, e.g. 150000000"),
    ],
)
def test_amount_yuan_is_a_number_of_yuan(content, written, problem):
    _, problems = checked(content, f"  amount_yuan: {written}\n")
    assert len(problems) == 1 and problems[0].endswith(problem)


def test_a_quoted_number_is_a_number(content):
    application, problems = checked(content, '  amount_yuan: "2,000,000"\n')
    assert problems == [] and application is not None and application.amount_yuan == 2_000_000


def test_no_application_with_a_window_is_an_error(content):
    _, problems = checked(content, "  no_application: true\n  end: 2026-12-31\n  period: 每年一季度\n  amount: 返还60%\n")
    assert [line.split(": ")[0:2] for line in problems] == [["10", "apply.end"], ["11", "apply.period"]]
    assert problems[0].endswith("no_application: true (nothing to apply for) has no application window: delete this line, or no_application")


def test_apply_must_be_a_block(content):
    write(content, "policies/apply.md", VALID_EXPLAINER.replace("published: 2023-01-01\n", "published: 2023-01-01\napply: 免申即享\n"))
    _, issues = check_content(content)
    assert [(i.line, i.field, i.message) for i in issues if i.path.endswith("apply.md")] == [
        (8, "apply", "apply 应包含若干子字段（缩进书写） / apply must be a block of indented fields")
    ]


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("最高200万元", 2_000_000),
        ("按实际支付利息的50%补贴，单户每年最高20万元", 200_000),
        ("一次性奖励1.5亿元", 150_000_000),
        ("每人3,000元", 3_000),
        ("最高２００万元", 2_000_000),  # full-width digits
        ("每户 10 万 元", 100_000),
        ("贴息50%", None),  # no sum of money
        ("贷款1000万元以内的，贴息最高50万元", None),  # two sums: which is the support is the author's to say
        ("按投资额给予最高20%补助", None),
    ],
)
def test_amount_in_reads_one_sum_and_guesses_nothing(text, yuan):
    assert amount_in(text) == yuan


def test_the_sample_explainers_show_each_kind_of_block():
    loaded, issues = check_content(ROOT / "content")
    assert [i for i in issues if i.is_error] == []
    blocks = {e.slug: e.apply for e in loaded.explainers if e.apply}
    assert any(a.no_application for a in blocks.values())  # 免申即享
    assert any(a.period and not a.end for a in blocks.values())  # a recurring window
    closing = [a for a in blocks.values() if a.end and dt.date(2026, 11, 23) <= a.end <= dt.date(2026, 12, 23)]
    assert closing and all(a.url and a.url.startswith("https://") for a in closing)  # closes within 30 days of the build date
