"""text/public.py: what the public wrote, shown as plain text — markup read as a browser reads it, personal data masked."""

from __future__ import annotations

import pytest

from build_tools.text.public import public_plain, public_title


@pytest.mark.parametrize(
    "written, shown",
    [
        ("<b>急</b>政府采购项目的货款三个多月还没付，怎么办？", "急政府采购项目的货款三个多月还没付，怎么办？"),
        ("<B class='red'>急！</B>  社保<br/>能缓缴吗", "急！ 社保 能缓缴吗"),
        ("年收入<50万元，A<B 的企业", "年收入<50万元，A<B 的企业"),  # a "<" that starts no tag is text
        ("<script>alert(1)</script>能否申请？<style>b{}</style>", "能否申请？"),
        ("<!-- 备注 -->补贴&amp;奖励&nbsp;怎么领", "补贴&奖励 怎么领"),
        ("&lt;b&gt;急&lt;/b&gt;", "<b>急</b>"),  # written escaped, it is text: shown as the browser showed it
        ("<img src=x onerror=alert(1)>图片", "图片"),
    ],
)
def test_a_title_of_the_public_is_its_text_without_markup(written, shown):
    assert public_title(written) == shown


def test_personal_data_is_masked_after_the_markup_is_gone():
    assert public_title("电话138<b>1234</b>5678") == "电话138****5678"  # a tag inside the number does not hide it
    assert public_plain("我叫张伟<br>邮箱 boss@example.com") == "我叫张**\n邮箱 b***@example.com"


def test_plain_text_keeps_its_lines():
    assert public_plain("第一段</p><p>第二段<br>第三行") == "第一段\n第二段\n第三行"
    assert public_plain(None) == "" and public_title("  ") == ""
