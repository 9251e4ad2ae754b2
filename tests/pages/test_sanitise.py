"""pages/sanitise.py: the one allow-list for the HTML departments write (explainer bodies, answers)."""

from __future__ import annotations

import html as html_text

import markdown
import pytest

from build_tools.pages.generate import department_answer
from build_tools.pages.sanitise import clean_html


@pytest.mark.parametrize(
    "planted, gone",
    [
        ("<p>正文</p><script>window.__pwned = 1</script>", ["<script", "__pwned"]),
        ('<img src="../images/a.png" onerror="window.__pwned = 1">', ["onerror", "__pwned"]),
        ('<a href="javascript:window.__pwned = 1">点我</a>', ["javascript:", "__pwned"]),
        ('<a href=" JaVaScRiPt:alert(1)">点我</a>', ["javascript", "alert"]),
        ('<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">数据</a>', ["data:", "alert"]),
        ('<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;">', ["data:", "onload"]),
        ('<svg onload="alert(1)"></svg><iframe src="https://example.com/"></iframe>', ["<svg", "<iframe", "alert"]),
        ('<p style="position:fixed;top:0">盖住页面</p><style>body{display:none}</style>', ["style", "display"]),
        ('<div onmouseover="alert(1)">悬停</div>', ["onmouseover", "alert"]),
        ('<form action="https://example.com/"><input name="id" placeholder="身份证号"></form>', ["<form", "<input"]),
        ('<a href="ftp://example.com/file">文件</a>', ["ftp:"]),
        ('<h2 id="__config">Material 的设置</h2>', ['id="__config"']),  # Material reads its settings from #__config
        ("<div id='&#95;_config'>{}</div>", ["__config", "_config"]),
        ("<!-- 内部备注：待领导审核 --><p>正文</p>", ["内部备注"]),
    ],
)
def test_nothing_that_runs_or_misleads_is_left(planted, gone):
    cleaned = clean_html(planted)
    for text in gone:
        assert text not in cleaned.lower(), cleaned


@pytest.mark.parametrize(
    "link",
    [
        '<a href="https://www.gov.cn/zhengce/">原文</a>',
        '<a href="http://www.js.gov.cn/">原文</a>',
        '<a href="mailto:zhengce@example.gov.cn">邮件</a>',
        '<a href="tel:025-83391234">电话</a>',
        '<a href="../sucrong-credit-loan/">苏创融</a>',
        '<a href="#_1">政策要点</a>',
        '<a href="https://www.gov.cn/" rel="noopener">原文</a>',
    ],
)
def test_links_to_http_https_mailto_tel_and_relative_urls_stay_as_written(link):
    assert clean_html(link) == link


def test_what_markdown_and_material_write_for_a_body_stays_as_it_is():
    body = """\
## 政策要点

!!! note "提示"
    申请前请准备材料。

| 项目 | 比例 |
|:-----|-----:|
| 贷款 | 50% |

1. 第一步
2. 第二步

`苏政发〔2023〕1号` 和 *重点*、**加粗**，见[原文](https://www.example.gov.cn/ "原文")。

![流程图](../images/flow.png){: width="600" }

    代码块

脚注[^1]

术语
:   定义

*[HTML]: HyperText Markup Language

HTML 文本

---

[^1]: 注释
"""
    html = markdown.Markdown(
        extensions=["admonition", "attr_list", "tables", "toc", "sane_lists", "footnotes", "def_list", "abbr"],
        extension_configs={"toc": {"permalink": True}, "tables": {"use_align_attribute": True}},
    ).convert(body)
    for feature in ('class="headerlink"', 'align="right"', 'class="admonition note"', "<pre><code>", 'class="footnote-ref"', "<dd>", "<abbr"):
        assert feature in html  # what is tested is there

    def written(text: str) -> str:  # the same HTML: nh3 writes `<hr>` for `<hr />` and characters for their references
        return html_text.unescape(text.replace(" />", ">"))

    assert written(clean_html(html)) == written(html)


def test_answers_are_cut_to_the_same_allow_list():
    answer = department_answer(
        '可以。[详见](javascript:alert(1)) <img src="../images/a.png" onerror="alert(1)"> [下载](ftp://example.com/a.doc) [官网](https://www.gov.cn/)'
    )
    assert "javascript" not in answer and "onerror" not in answer and "ftp:" not in answer
    assert '<a href="https://www.gov.cn/">官网</a>' in answer
