"""No policy in force for ever by accident: the warning for explainers without `expires` (check/validity.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from build_tools.build.pipeline import check_content
from build_tools.check.validity import add_months, stated_end
from build_tools.models import Department, Explainer, PolicyDocument, Region, Severity, Term
from conftest import VALID_EXPLAINER, run_policy, write

DEPARTMENT = Department("js-czt", "江苏省财政厅", "江苏省")


def explainer(body: str, effective: dt.date | None = None, issued: dt.date | None = None, published: dt.date = dt.date(2020, 3, 1)) -> Explainer:
    return Explainer(
        slug="old",
        path=Path("content/policies/old.md"),
        title="解读",
        summary="摘要。",
        department=DEPARTMENT,
        region=Region("js", "江苏省"),
        topics=[Term("tax", "财税")],
        published=published,
        body=body,
        policy=PolicyDocument("文件", issued=issued) if issued else None,
        effective=effective,
        body_line=10,
    )


@pytest.mark.parametrize(
    ("sentence", "end"),
    [
        ("本措施自印发之日起施行，有效期至2020年6月30日。", dt.date(2020, 6, 30)),
        ("本通知自发布之日起暂执行至2020年6月30日止。", dt.date(2020, 6, 30)),
        ("上述政策凡未注明具体期限的，执行期限为2019年1月1日至2023年12月31日。", dt.date(2023, 12, 31)),
        ("本意见自印发之日起实施，有效期至2020年底。", dt.date(2020, 12, 31)),
        ("本办法自2021年3月起施行，有效期至2022年2月底。", dt.date(2022, 2, 28)),
        ("执行期限为发布之日起至2020年6月30日止。", dt.date(2020, 6, 30)),
        ("本办法自2025年11月20日起施行，有效期5年，根据情况适时修订调整。", dt.date(2030, 11, 19)),
        ("本实施意见自印发之日起实施，有效期一年。", dt.date(2021, 2, 9)),  # from policy.issued 2020-02-10
        ("本通知自发布之日起施行，有效期3个月。", dt.date(2020, 5, 9)),
        ("上述相关条款除国、省另有规定外，执行期限自发布之日起3个月止。", dt.date(2020, 5, 9)),
        ("本措施自印发之日起施行，有效期两年。", dt.date(2022, 2, 9)),
        ("本规定有效期十二个月。", dt.date(2021, 2, 28)),  # no date named: from effective 2020-03-01
    ],
)
def test_the_term_a_body_states_for_the_policy_itself(sentence, end):
    stated = stated_end(explainer(f"## 附则\n\n{sentence}\n", effective=dt.date(2020, 3, 1), issued=dt.date(2020, 2, 10)))
    assert stated is not None and stated.date == end
    assert stated.line == 12  # body_line 10: the heading, a blank line, the sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "高新技术企业资格自颁发证书之日起有效期为三年。",  # a licence's term, not the policy's
        "颁发有效期3个月的临时医疗器械注册证。",
        "证照有效期延长至2020年6月30日。",
        "有效期顺延至疫情结束。",
        "贷款期限1年，执行优惠利率。",
        "本办法自2020年2月30日起施行，有效期至2020年2月30日。",  # no such day: no date to propose
    ],
)
def test_what_is_not_the_policy_s_own_term(sentence):
    assert stated_end(explainer(sentence + "\n")) is None


def test_the_latest_of_several_terms_is_the_policy_s():
    body = "社保费减免执行至2020年6月30日。\n\n上述政策执行至2020年12月31日，本通知有效期至2020年12月31日。\n"
    stated = stated_end(explainer(body))
    assert stated is not None and (stated.date, stated.line) == (dt.date(2020, 12, 31), 12)


def test_add_months_keeps_to_the_month():
    assert add_months(dt.date(2020, 2, 29), 12) == dt.date(2021, 2, 28)
    assert add_months(dt.date(2020, 1, 31), 1) == dt.date(2020, 2, 29)
    assert add_months(dt.date(2020, 11, 20), 14) == dt.date(2022, 1, 20)


OLD = VALID_EXPLAINER.replace("published: 2023-01-01", "published: 2019-03-01\neffective: 2019-03-01")


def warnings(content: Path, today: dt.date, years: int = 5) -> list[tuple[str, int, str, str]]:
    _, issues = check_content(content, today, years)
    assert not any(issue.is_error for issue in issues)
    return [(Path(i.path).name, i.line, i.field, i.message) for i in issues if i.field == "expires" and i.severity is Severity.WARNING]


def test_an_old_explainer_without_expires_is_warned_about_at_the_end_of_its_front_matter(content):
    write(content, "policies/old.md", OLD)  # the closing --- is line 9
    assert warnings(content, dt.date(2024, 2, 29)) == []  # not five years yet
    found = warnings(content, dt.date(2024, 3, 2))
    assert [(name, line, field) for name, line, field, _ in found] == [("old.md", 9, "expires")]
    assert found[0][3].endswith(
        "no expires, and the policy began on 2019-03-01, more than 5 years ago (the usual term of a normative document), "
        "yet the site shows it in force: check it, and add expires: YYYY-MM-DD or supersede it with a newer explainer"
    )
    assert [w[:2] for w in warnings(content, dt.date(2024, 3, 2), years=3)] == [("old.md", 9)]
    assert warnings(content, dt.date(2040, 1, 1), years=0) == []  # 0: never by age


def test_a_stated_term_is_proposed_with_its_line(content):
    write(content, "policies/old.md", OLD.replace("正文。\n", "## 附则\n\n本措施自印发之日起施行，有效期至2020年6月30日。\n"))
    found = warnings(content, dt.date(2026, 12, 7))
    assert [(name, line) for name, line, _, _ in found] == [("old.md", 13)]
    assert found[0][3] == (
        "没有写 expires（失效日期），网站会一直显示“现行有效”；正文这一行写明“有效期至2020年6月30日”已过期，"
        "请核实后在 front matter 中加上 expires: 2020-06-30 / "
        "no expires, so the site shows this policy in force for ever; this line of the body states '有效期至2020年6月30日' "
        "(which has passed): check it and add expires: 2020-06-30"
    )


def test_a_stated_term_that_has_passed_is_warned_about_at_any_age(content):
    young = VALID_EXPLAINER.replace("正文。\n", "本通知自发布之日起施行，有效期3个月。\n")  # published 2023-01-01
    write(content, "policies/young.md", young)
    assert warnings(content, dt.date(2023, 3, 1)) == []  # still within its term
    assert [(n, line) for n, line, _, _ in warnings(content, dt.date(2023, 4, 2), years=0)] == [("young.md", 10)]


def test_no_warning_with_expires_or_when_superseded(content):
    write(content, "policies/old.md", OLD.replace("effective: 2019-03-01", "effective: 2019-03-01\nexpires: 2030-12-31"))
    write(content, "policies/older.md", OLD.replace("title: 测试解读", "title: 旧解读"))
    write(content, "policies/newer.md", VALID_EXPLAINER.replace("title: 测试解读", "title: 新解读\nsupersedes: [older]"))
    assert warnings(content, dt.date(2026, 12, 7)) == []


def test_policy_check_warns_and_still_passes(content):
    write(content, "policies/old.md", OLD)
    default = run_policy(content.parent, "check", "--today", "2026-12-07")
    assert default.exit_code == 0
    assert "old.md:9: expires: 警告 / warning: 没有写 expires" in default.stdout
    later = run_policy(content.parent, "check", "--today", "2026-12-07", "--validity-years", "10")
    assert later.exit_code == 0 and "old.md" not in later.stdout
    wrong = run_policy(content.parent, "check", "--validity-years", "-1")
    assert wrong.exit_code == 2


def test_policy_build_reports_the_warning_and_builds(project):
    write(project / "content", "policies/old.md", OLD)
    result = run_policy(project, "build", "--today", "2026-12-07", "--validity-years", "3")
    assert result.exit_code == 0, result.output
    assert "old.md:9: expires: 警告 / warning: 没有写 expires（失效日期），而政策始于 2019-03-01，已超过 3 年" in result.stderr
    assert (project / "site/policies/old/index.html").is_file()
