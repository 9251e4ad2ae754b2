"""The site search and the matching page in a real Chromium, on the built sample site.

Expected answers are computed here from the pipeline's search documents, so a
broken index, query analysis, filter or URL state makes these tests fail.
Screenshots: tests/artifacts/search*.png, match*.png.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from urllib.parse import parse_qs, quote, urlparse

import pytest

from build_tools.indexes.documents import documents_of
from build_tools.indexes.pagefind.answers import EntryGroups
from build_tools.text.analysis import Analyzer
from build_tools.indexes.pagefind.tokens import encode_word, token_of
from build_tools.indexes.pagefind.writer import BUNDLE, write_search_bundle
from conftest import ARTIFACTS, CHROMIUM, new_page, serving

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (apt-get install chromium)")

IN_FORCE = "现行有效"


@pytest.fixture(scope="module")
def documents(sample_url):
    return documents_of(sample_url[1])


def _searched(page, action) -> None:
    """Do `action`, then wait until the page has shown the answer of a new search."""
    before = page.evaluate("document.body.dataset.ppSearched || ''")
    action()
    page.wait_for_function("before => (document.body.dataset.ppSearched || '') !== before", arg=before)


def _open(page, url) -> None:
    """Load a search or matching page and wait for its first answer (a new document starts unmarked)."""
    page.goto(url)
    page.wait_for_function("() => document.body.dataset.ppSearched")


def _shown_total(page) -> int:
    """The results the status line counts: "共 12 条结果，…", "找到 3 篇解读、2 组问答。"."""
    text = re.split("[，。]", page.inner_text("#pp-status"))[0]
    return sum(int(n) for n in re.findall(r"\d+", text))


def _all_result_urls(page) -> list[str]:
    while page.is_visible("#pp-more"):
        count = page.locator("#pp-results > li").count()
        page.click("#pp-more")
        page.wait_for_function("n => document.querySelectorAll('#pp-results > li').length > n", arg=count)
    return [urlparse(href).path for href in page.eval_on_selector_all("#pp-results > li a.pp-item__title", "links => links.map(a => a.href)")]


def _search(page, url, query) -> None:
    _open(page, f"{url}search/")
    page.fill("#pp-q", query)
    _searched(page, lambda: page.press("#pp-q", "Enter"))


def _text(document) -> str:
    return "\n".join([document.title, document.summary, document.body, *document.tags, *document.topics, *document.audience])


def test_chinese_query_finds_the_page_and_marks_the_words(sample_url, browser, documents):
    url, _ = sample_url
    page, outside = new_page(browser)
    _search(page, url, "留抵退税")
    expected = {f"/{d.url}" for d in documents if d.kind == "policy" and d.status == IN_FORCE and "留抵退税" in _text(d)}
    found = set(_all_result_urls(page))  # explainers: FAQ answers come apart (相关问答)
    assert expected and expected <= found
    assert "留抵退税" in page.inner_text("#pp-results mark") or page.locator("#pp-results mark").count() > 0
    assert parse_qs(urlparse(page.url).query)["q"] == ["留抵退税"]
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)
    assert outside == []


def test_sorting_by_date_keeps_the_results_and_puts_the_newest_first(sample_url, browser):
    url, _ = sample_url
    page, _ = new_page(browser)
    _open(page, f"{url}search/?q={quote('企业')}&status=全部")
    by_score = _one_script(_all_result_urls(page))
    _open(page, f"{url}search/?q={quote('企业')}&status=全部&sort=date")
    dates = page.eval_on_selector_all("#pp-results .pp-item__meta:not(.pp-result__apply) time", "times => times.map(t => t.dateTime)")  # published, not 申报截止
    assert sorted(_one_script(_all_result_urls(page))) == sorted(by_score) and len(by_score) > 10
    assert dates == sorted(dates, reverse=True) and len(set(dates)) > 1


def _one_script(urls: list[str]) -> list[str]:
    """URLs with a twin in traditional script named by its simplified page: which of the two a list
    shows (with a link to the other) depends on which ranks first."""
    return [u.replace("-hant/", "/") for u in urls]


def test_the_browser_encodes_words_as_the_index_does(sample_url, browser):
    url, _ = sample_url
    page, _ = new_page(browser)
    _open(page, f"{url}search/")
    words = ["营商环境", "稅收", "〔2023〕12号", "ABC-1", "\U00020000税", "é"]
    encoded = page.evaluate("""async (words) => {
        const { QueryAnalyzer } = await import("../assets/sitesearch-query.js");
        const data = await (await fetch("../assets/sitesearch-data.json")).json();
        const analyzer = new QueryAnalyzer(data);
        return words.map((w) => analyzer.encodeWord(w));
    }""", words)
    assert encoded == [encode_word(word) for word in words]


def test_traditional_query_finds_simplified_pages(sample_url, browser, documents):
    url, _ = sample_url
    page, _ = new_page(browser)
    _search(page, url, "税收")
    simplified = _all_result_urls(page)
    _search(page, url, "稅收")
    assert simplified and _all_result_urls(page) == simplified
    assert page.locator("#pp-results mark").count() > 0  # 稅收 is marked in simplified text


def test_synonym_query_finds_financing_and_credit_pages(sample_url, browser, documents):
    url, _ = sample_url
    page, _ = new_page(browser)
    group = ("贷款", "融资", "信贷")
    policies = [_text(d) for d in documents if d.kind == "policy" and d.status == IN_FORCE]
    word = next(w for w in group if any(w not in t and any(o in t for o in group) for t in policies))
    _search(page, url, word)
    only_synonyms = {f"/{d.url}" for d in documents if d.kind == "policy" and d.status == IN_FORCE and word not in _text(d)
                     and any(o in _text(d) for o in group)}
    assert only_synonyms and only_synonyms <= set(_all_result_urls(page))


def _pages_of(documents) -> list:
    """A document per page of the site search: each explainer, and for each group of FAQ entries
    sharing a page (indexes/pagefind/answers.py) its first entry with the topics of them all."""
    groups: EntryGroups = EntryGroups()
    for d in sorted(documents, key=lambda d: (d.published, d.url)):  # Pagefind's page order
        if d.kind == "faq":
            groups.add(d, d)
    pages = [dataclasses.replace(group[0], topics=tuple(sorted({t for d in group for t in d.topics}))) for group in groups.groups()]
    return [d for d in documents if d.kind == "policy"] + pages


def _expected_browse(documents, facet: str, value: str, statuses=(IN_FORCE,), regions=None) -> int:
    """Results of a browse by one facet value: explainers, and pages of FAQ entries (counted as groups)."""
    def keep(d) -> bool:
        if d.status not in statuses:
            return False
        if facet == "region":
            return d.region in regions
        return value in {"kind": (d.kind,), "status": (d.status,), "topic": d.topics, "audience": d.audience,
                         "department": d.department, "year": (str(d.published.year),)}[facet]
    return sum(keep(d) for d in _pages_of(documents))


@pytest.mark.parametrize("facet", ["kind", "topic", "audience", "department", "year", "region"])
def test_each_facet_filters_counts_and_goes_into_the_url(sample_url, browser, documents, facet):
    url, site = sample_url
    page, _ = new_page(browser)
    _open(page, f"{url}search/")
    box = page.locator(f'#pp-facets input[name="{facet}"]').nth(1)
    value = box.get_attribute("value")
    label_count = page.locator(f'#pp-facets input[name="{facet}"]').nth(1).locator("xpath=..").inner_text()
    _searched(page, lambda: box.check())
    regions = None
    if facet == "region":  # the region, its sub-regions and the regions above it
        taxonomy = site.content.taxonomy
        regions = taxonomy.region_and_descendants(value) | set(taxonomy.region(value).ancestors)
    assert _shown_total(page) == _expected_browse(documents, facet, value, regions=regions) > 0
    if facet != "region":  # a region's count is its own and its sub-regions' documents
        assert f"（{_shown_total(page)}）" in label_count
    assert parse_qs(urlparse(page.url).query)[facet] == [value]
    page.reload()  # the URL alone restores the search
    page.wait_for_function("() => document.body.dataset.ppSearched")
    assert page.locator(f'#pp-facets input[name="{facet}"][value="{value}"]').is_checked()


def test_status_is_in_force_by_default_and_expired_can_be_included(sample_url, browser, documents):
    url, _ = sample_url
    page, _ = new_page(browser)
    _open(page, f"{url}search/")
    pages = _pages_of(documents)
    in_force, expired = (sum(d.status == status for d in pages) for status in (IN_FORCE, "已失效"))
    assert page.locator('#pp-facets input[name="status"][value="现行有效"]').is_checked()
    assert _shown_total(page) == in_force
    assert _facet_label(page, "status", "现行有效").endswith(f"（{in_force}）")  # counted, not listed in the index
    assert _facet_label(page, "status", "已失效").endswith(f"（{expired}）")
    _searched(page, lambda: page.locator('#pp-facets input[name="status"][value="已失效"]').check())
    assert _shown_total(page) == in_force + expired
    assert parse_qs(urlparse(page.url).query)["status"] == ["现行有效", "已失效"]
    dates = page.eval_on_selector_all(  # explainers' publication dates, not 申报截止
        "#pp-results li:has(a[href*='/policies/']) .pp-item__meta:not(.pp-result__apply) time", "times => times.map(t => t.dateTime)")
    assert len(dates) > 1 and dates == sorted(dates, reverse=True)  # browsing: newest first


def _facet_label(page, facet: str, value: str) -> str:
    return page.locator(f'#pp-facets input[name="{facet}"][value="{value}"]').locator("xpath=..").inner_text().strip()


def test_a_site_with_every_page_in_force_still_finds_them(sample_site, browser, documents, tmp_path):
    """Pagefind finds nothing when a filter is named that no page has: here no page has a status value."""
    folder, site = sample_site
    shutil.copytree(folder, tmp_path / "site")
    shutil.rmtree(tmp_path / "site" / BUNDLE)
    in_force = [d for d in documents if d.status == IN_FORCE]
    write_search_bundle(in_force, site.content.taxonomy, tmp_path / "site")
    with serving(tmp_path / "site") as url:
        page, _ = new_page(browser)
        _open(page, f"{url}search/")
        assert _shown_total(page) == len(_pages_of(in_force)) > 0
        assert _facet_label(page, "status", IN_FORCE).endswith(f"（{len(_pages_of(in_force))}）")
        _search(page, url, "企业")
        assert page.locator("#pp-results > li").count() > 0
        _open(page, f"{url}match/")
        assert page.locator("#pp-results > li").count() > 0


def test_facets_combine(sample_url, browser, documents):
    url, _ = sample_url
    page, _ = new_page(browser)
    _open(page, f"{url}search/?topic=金融&audience=小微企业&status=已失效&status=现行有效")
    expected = sum(d.status in (IN_FORCE, "已失效") and "金融" in d.topics and "小微企业" in d.audience for d in _pages_of(documents))
    assert _shown_total(page) == expected > 0


def test_keyboard_alone_searches_and_filters(sample_url, browser):
    url, _ = sample_url
    page, _ = new_page(browser)
    _open(page, f"{url}search/")
    for _ in range(40):  # Tab from the top of the page to the search field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "pp-q":
            break
    assert page.evaluate("document.activeElement.id") == "pp-q"
    page.keyboard.type("社保")
    _searched(page, lambda: page.keyboard.press("Enter"))
    assert _shown_total(page) > 0
    for _ in range(40):  # on to the first facet value
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "checkbox":
            break
    name = page.evaluate("document.activeElement.name")
    _searched(page, lambda: page.keyboard.press("Space"))
    assert page.evaluate("document.activeElement.type") == "checkbox"  # focus stays where it was
    assert name in parse_qs(urlparse(page.url).query)
    assert _unlabelled_controls(page) == []
    _open(page, f"{url}match/")
    assert _unlabelled_controls(page) == []


def _unlabelled_controls(page) -> list[str]:
    return page.evaluate("""[...document.querySelectorAll('form[data-pp-search] :is(input, select), form[data-pp-match] :is(input, select)')]
        .filter(e => !e.labels.length).map(e => e.outerHTML)""")


def test_search_and_matching_pages_fit_a_phone(sample_url, browser):
    url, _ = sample_url
    page, outside = new_page(browser, width=360, height=740)
    for path, shot in (("search/?q=社保缓缴", "search-phone.png"), ("match/?region=江苏省&topic=金融", "match-phone.png")):
        _open(page, url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        sizes = page.evaluate("""() => [...document.querySelectorAll('#pp-results p, #pp-results a, #pp-status, main label')]
            .filter(e => e.offsetParent !== null && e.innerText.trim()).map(e => parseFloat(getComputedStyle(e).fontSize))""")
        assert sizes and min(sizes) >= 16, path
        page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    _open(page, url + "search/?q=贷款&topic=金融")  # on a phone the facets wait, closed, until asked for
    assert page.locator("#pp-facets input").count() == 0
    _searched(page, lambda: page.locator("details.pp-facets > summary").click())
    assert page.locator('#pp-facets input[name="topic"][value="金融"]').is_checked()
    assert page.locator('#pp-facets input[name="status"][value="现行有效"]').is_checked()
    assert "（" in page.inner_text('#pp-facets fieldset[data-facet="topic"]')
    assert outside == []


# --- answers apart, nothing hidden silently, one result per policy, 文号 first --------------------


def _answer_urls(page) -> list[str]:
    return [urlparse(h).path for h in page.eval_on_selector_all("#pp-answers-list a.pp-answer__question", "links => links.map(a => a.href)")]


def test_faq_answers_come_apart_above_the_policies_and_push_none_out(sample_url, browser, documents):
    url, _ = sample_url
    page, outside = new_page(browser)
    entry = max((d for d in documents if d.kind == "faq" and d.status == IN_FORCE), key=lambda d: (bool(d.extra.get("policy")), d.extra["ask_count"]))
    _search(page, url, entry.title)
    answers = _answer_urls(page)
    assert page.is_visible("#pp-answers") and 1 <= len(answers) <= 3 and f"/{entry.url}" in answers
    first = page.locator("#pp-answers-list > li").first
    assert first.locator(".pp-answer__line").inner_text().strip()  # a line of the answer under its question
    relied_on = {f"/{d.url}": d.extra.get("policy") for d in documents if d.kind == "faq"}
    for item in page.locator("#pp-answers-list > li").all():  # the policy each answer relies on, when it has one
        policy = relied_on[urlparse(item.locator("a.pp-answer__question").get_attribute("href")).path]
        basis = item.locator(".pp-answer__basis a")
        assert basis.count() == (1 if policy else 0)
        if policy:
            assert basis.inner_text() == policy["title"] and urlparse(basis.get_attribute("href")).path == f"/{policy['url']}"
    policies = _all_result_urls(page)
    assert policies and all(u.startswith("/policies/") for u in policies)
    box = page.locator("#pp-answers").bounding_box()
    assert box["y"] < page.locator("#pp-results").bounding_box()["y"]  # above the policy list
    page.screenshot(path=str(ARTIFACTS / "search-answers.png"), full_page=True)
    _open(page, f"{url}search/?q={quote(entry.title)}&kind=policy")  # the same list as explainers alone
    assert _all_result_urls(page) == policies and not page.is_visible("#pp-answers")
    _search(page, url, "一个不存在的词语组合甲乙丙")
    assert not page.is_visible("#pp-answers")
    assert outside == []


def _has_every_term(analyzer, document, query) -> bool:
    terms = set()
    for text in (document.title, document.summary, document.number, document.policy_title, *document.tags, *document.topics, *document.audience, document.body):
        terms.update(analyzer.term_counts(text))
    tokens = {token_of(t) for t in terms}  # Pagefind matches a token as a prefix of longer ones
    return all(any(t.startswith(token_of(q)) for t in tokens) for q in analyzer.term_counts(query))


def test_expired_policies_hidden_by_the_default_are_counted_and_one_click_shows_them(sample_url, browser, documents):
    url, site = sample_url
    analyzer = Analyzer(site.content.taxonomy.synonym_groups())
    page, _ = new_page(browser)
    expired = [d for d in documents if d.kind == "policy" and d.status == "已失效"]
    assert expired
    word = "社保"
    _search(page, url, word)
    assert page.is_visible("#pp-hidden")
    hint = page.inner_text("#pp-hidden-text")
    hidden = int("".join(ch for ch in hint if ch.isdigit()))
    assert hint == f"另有 {hidden} 条已失效的相关政策。" and hidden > 0
    shown = _shown_total(page)
    assert all(u.startswith("/policies/") for u in _all_result_urls(page))
    _searched(page, lambda: page.click("#pp-hidden-show"))
    assert _shown_total(page) == shown + hidden
    assert set(parse_qs(urlparse(page.url).query)["status"]) >= {IN_FORCE, "已失效"}
    assert not page.is_visible("#pp-hidden")
    urls = set(_all_result_urls(page))
    assert {f"/{d.url}" for d in expired if word in _text(d)} <= urls
    lapsed = [d for d in documents if d.kind == "policy" and d.status in ("已失效", "已被替代")]
    # every lapsed policy with the word's terms (Pagefind also matches them as prefixes: 社保 → 社保费)
    assert sum(_has_every_term(analyzer, d, word) for d in lapsed) <= hidden <= len(lapsed)
    unlapsed = next(w for w in ("首贷", "知识产权", "直播", "党建", "专精特新") if not any(_has_every_term(analyzer, d, w) for d in lapsed))
    _search(page, url, unlapsed)  # no lapsed policy has it: no hint
    assert _shown_total(page) > 0 and not page.is_visible("#pp-hidden")


def test_a_traditional_twin_is_one_result_with_a_link_to_the_other_script(sample_url, browser):
    url, _ = sample_url
    page, _ = new_page(browser)
    for query in ("苏创融 纯信用贷款", "蘇創融"):
        _search(page, url, query)
        found = _all_result_urls(page)
        twins = {"/policies/sucrong-credit-loan/", "/policies/sucrong-credit-loan-hant/"}
        assert len(twins & set(found)) == 1, query
        shown = (twins & set(found)).pop()
        item = page.locator("#pp-results > li", has=page.locator(f'a.pp-item__title[href$="{shown.strip("/")}/"]'))
        other = item.locator("a.pp-item__twin")
        assert other.count() == 1 and urlparse(other.get_attribute("href")).path.endswith((twins - {shown}).pop().lstrip("/"))
        assert other.inner_text() in ("繁體版", "简体版")


def test_a_docnum_anywhere_in_the_query_puts_every_document_carrying_it_first(sample_site, browser, documents, tmp_path):
    """A copy of the same document (same 文号, another title, expired) is added: both come first, whatever the other words."""
    import dataclasses
    import datetime as dt

    folder, site = sample_site
    original = next(d for d in documents if d.number == "苏政发〔2023〕1号")
    copy = dataclasses.replace(original, id="policy:copy", slug="copy", url="policies/copy/", title="转发省政府关于推动经济运行率先整体好转的若干政策措施的通知",
                               status="已失效", published=dt.date(2023, 3, 1),
                               number="苏政发[2023]1号")
    shutil.copytree(folder, tmp_path / "site")
    shutil.rmtree(tmp_path / "site" / BUNDLE)
    write_search_bundle([*documents, copy], site.content.taxonomy, tmp_path / "site")
    with serving(tmp_path / "site") as url:
        page, _ = new_page(browser)
        _search(page, url, "社保 稳岗返还 苏政发[2023]1号 怎么申请")
        found = _all_result_urls(page)
        assert set(found[:2]) == {f"/{original.url}", "/policies/copy/"}
        assert len(found) > 2  # the other words still find their pages, after


def _word_of_one_entry(analyzer, documents):
    """(entry, word, the entries sharing its page): a two-character word of an FAQ entry's question
    that no other entry of its page has and at most one other FAQ entry of the site."""
    faq = [d for d in documents if d.kind == "faq"]
    groups: EntryGroups = EntryGroups()
    for d in sorted(faq, key=lambda d: (d.published, d.url)):
        groups.add(d, d)
    for group in groups.groups():
        if len(group) < 2 or group[0].status != IN_FORCE:
            continue
        for entry in group:
            for word in analyzer.term_counts(entry.title):
                if len(word) != 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
                    continue
                holders = [d for d in faq if _has_every_term(analyzer, d, word)]
                others = [d for d in group if d is not entry]
                if len(holders) <= 2 and not any(_has_every_term(analyzer, d, word) for d in others):
                    return entry, word, others
    raise AssertionError("no FAQ entry has a word of its own")


def test_an_faq_entry_is_found_by_its_own_words_not_by_those_of_the_entries_sharing_its_page(sample_url, browser, documents):
    url, site = sample_url
    analyzer = Analyzer(site.content.taxonomy.synonym_groups())
    entry, word, others = _word_of_one_entry(analyzer, documents)
    page, outside = new_page(browser)
    _search(page, url, word)
    answers = _answer_urls(page)
    assert f"/{entry.url}" in answers and not {f"/{d.url}" for d in others} & set(answers)
    item = page.locator("#pp-answers-list > li", has=page.locator(f'a[href$="/{entry.url}"]'))
    assert item.locator(".pp-answer__question").inner_text() == entry.title
    _open(page, f"{url}search/?q={quote(word)}&kind=faq")  # FAQ entries listed: each its own item
    listed = _all_result_urls(page)
    assert f"/{entry.url}" in listed and not {f"/{d.url}" for d in others} & set(listed)
    assert outside == []


def test_a_chosen_topic_lists_only_the_faq_entries_of_that_topic(sample_site, browser, documents, tmp_path):
    """Entries of other topics share a page (answers.UNITED): they are not listed, nor given as answers."""
    folder, site = sample_site
    shutil.copytree(folder, tmp_path / "site")
    shutil.rmtree(tmp_path / "site" / BUNDLE)
    model = next(d for d in documents if d.kind == "faq" and d.status == IN_FORCE)
    entries = [dataclasses.replace(model, id=f"faq:t{i}", url=f"faq/t{i}/", title=f"第{i}问：社保费缓缴怎么办理", topics=(topic,))
               for i, topic in enumerate(["金融", "财税", "金融", "财税"])]
    write_search_bundle([d for d in documents if d.kind == "policy"] + entries, site.content.taxonomy, tmp_path / "site")
    with serving(tmp_path / "site") as url:
        page, _ = new_page(browser)
        _open(page, f"{url}search/?kind=faq&topic={quote('金融')}")
        assert set(_all_result_urls(page)) == {"/faq/t0/", "/faq/t2/"}
        _open(page, f"{url}search/?q={quote('社保费缓缴')}&topic={quote('财税')}")
        assert set(_answer_urls(page)) == {"/faq/t1/", "/faq/t3/"}
