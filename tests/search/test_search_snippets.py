"""search/snippets.py: the stretch of a page a hit shows, with its matched words marked."""

from __future__ import annotations

from build_tools.search.snippets import snippet


def test_markdown_markup_is_not_shown():
    body = "## 为什么要首贷贴息\n\n**科技企业**第一笔贷款见[办法](https://example.gov.cn/a)。\n\n| 项目 | 标准 |\n|---|---|\n| 贴息 | 50% |"
    shown = snippet(body, {"贴息"})
    assert "##" not in shown and "**" not in shown and "](" not in shown and "|" not in shown
    assert "<mark>贴息</mark>" in shown and "办法" in shown


def test_the_window_with_most_distinct_words_is_chosen():
    body = "稳岗补贴。" + "无关的内容。" * 60 + "稳岗补贴和社保缓缴都可以申请。" + "其他内容。" * 60
    shown = snippet(body, {"稳岗补贴", "社保缓缴"})
    assert "<mark>稳岗补贴</mark>和<mark>社保缓缴</mark>" in shown and shown.startswith("… ")


def test_text_is_escaped_and_the_original_script_kept():
    shown = snippet("<script>alert(1)</script> 中小企業稅收 a < b & c", {"税收"})
    assert "<script>" not in shown and "&lt; b &amp; c" in shown
    assert "<mark>稅收</mark>" in shown


def test_without_matches_the_opening_is_shown():
    assert snippet("第一句。第二句。", {"不存在"}) == "第一句。第二句。"


def test_a_long_query_marks_its_longest_words_only():
    # 100 snippets of a 200-character query looked for every one of its words (80 on the real
    # corpus), up to 40 times each, in every hit: the slowest search left once the spelling
    # correction was bounded. A window of 160 characters shows fewer words than MAX_WORDS.
    from build_tools.search.snippets import MAX_WORDS, shown

    words = {f"词{i:02d}" for i in range(60)} | {"稳岗补贴"}
    body = "，".join(sorted(words)) + "。"
    marked = snippet(shown(body), words)
    assert marked.count("<mark>") <= MAX_WORDS < len(words)
    assert "<mark>稳岗补贴</mark>" in marked  # the longest first
    assert snippet(body, words) == marked  # the kept text (shown) gives the same snippet
