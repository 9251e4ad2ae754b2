"""build_tools/sitesearch: tokens, records, browser data, the Pagefind run and its reproducibility."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
from pathlib import Path

import cbor2
import psutil
import pytest
from click.testing import CliRunner

from build_tools.build import build as build_module
from build_tools.build.build import build
from build_tools.cli import cli
from build_tools.build.pipeline import run_pipeline
from build_tools.text.analysis import Analyzer
from build_tools.indexes.documents import SearchDocument, documents_of, script_of, twin_key
from build_tools.indexes.pagefind import SiteSearchError, service as pagefind_module, writer as writer_module
from build_tools.indexes.pagefind.browser import IndexedText, browser_data
from build_tools.indexes.pagefind.canonical import BUILD_LENGTH, SIGNATURE, canonical_files
from build_tools.indexes.pagefind.records import MARK, filters_of, meta_of, record_html
from build_tools.indexes.pagefind.tokens import common_terms, encode_word, token_of, tokens_of, weighted_texts
from build_tools.indexes.pagefind import answers as answers_module, merge
from build_tools.indexes.pagefind.answers import GROUP_SIZE
from build_tools.indexes.pagefind.writer import write_search_bundle, write_site_search
from conftest import BUILD_DATE as TODAY
from conftest import MINI, ROOT, digest
from conftest import build_options as options


@pytest.fixture(scope="module")
def mini_site():
    return run_pipeline(MINI, TODAY)


def test_tokens_are_ascii_letters_and_keep_prefixes():
    assert encode_word("营商环境").startswith(encode_word("营商"))
    assert encode_word("营商环境").isascii() and encode_word("营商环境").isalnum() and encode_word("营商环境").islower()
    assert len(encode_word("税")) == 3 and encode_word("税") != encode_word("稅")
    rare = "\U00020000"  # CJK Extension B: escaped, and still no code starts another
    assert len(encode_word(rare)) == 5 and not encode_word(rare + "税").startswith(encode_word("税"))
    assert encode_word("a" + rare) == encode_word("a") + encode_word(rare)


def test_tokens_fold_traditional_and_add_the_synonym_group(mini_site):
    analyzer = Analyzer(mini_site.content.taxonomy.synonym_groups())
    assert tokens_of(analyzer, "稅收") == tokens_of(analyzer, "税收")
    loan, financing = tokens_of(analyzer, "贷款").split(), tokens_of(analyzer, "融资").split()
    assert set(loan) & set(financing)  # the group token of 金融


def test_records_carry_filters_meta_and_no_readable_words(mini_site):
    analyzer = Analyzer(mini_site.content.taxonomy.synonym_groups())
    document = next(d for d in documents_of(mini_site) if d.kind == "policy")
    filters = filters_of(document)
    assert filters["region"] == document.region_path and filters["audience"] == document.audience
    assert filters["status"] == (() if document.status == "现行有效" else (document.status,))
    record = record_html(analyzer, document)
    body = record.split("<main data-pagefind-body>")[1]
    assert body.replace("</main></body></html>", "").strip() and not any("\u4e00" <= ch <= "\u9fff" for ch in body)
    assert 'data-pagefind-meta="title[content]"' in record and "data-pagefind-sort" not in record


def test_common_words_come_first_and_every_word_keeps_its_weight(mini_site):
    analyzer = Analyzer(mini_site.content.taxonomy.synonym_groups())
    documents = documents_of(mini_site)
    common = common_terms(analyzer, documents)
    document = max(documents, key=lambda d: len(d.body))
    ordered = weighted_texts(analyzer, document, common)
    plain = weighted_texts(analyzer, document)

    def weighted_tokens(texts):
        return sorted((text.weight, token) for text in texts for token in text.tokens.split())

    assert weighted_tokens(ordered) == weighted_tokens(plain)
    common_tokens = {token_of(term) for term in common}
    tokens = [token for text in ordered for token in text.tokens.split()]
    first_rare = next(i for i, token in enumerate(tokens) if token not in common_tokens)
    assert first_rare > 0 and not common_tokens & set(tokens[first_rare:])


def test_a_twin_in_the_other_script_shares_its_key_and_copies_of_a_docnum_too():
    import dataclasses
    import datetime as dt

    from build_tools.indexes.documents import SearchDocument

    def policy(slug, title, number=""):
        return SearchDocument(id=f"policy:{slug}", kind="policy", slug=slug, url=f"policies/{slug}/", title=title, summary="", body="",
                              published=dt.date(2023, 1, 1), status="现行有效", department=("省科技厅",), region="江苏省",
                              region_path=("江苏省",), number=number)

    simplified = policy("a", "“苏创融”科技型中小企业纯信用贷款解读")
    traditional = policy("a-hant", "「蘇創融」科技型中小企業純信用貸款解讀（繁體版）")
    assert twin_key(simplified) == twin_key(traditional) and script_of(simplified) == "简" and script_of(traditional) == "繁"
    assert twin_key(policy("b", "另一项政策")) != twin_key(simplified)
    # the same 文号 written two ways, whatever the titles: copies of one document
    one, other = policy("c", "通知", "苏政发〔2023〕1号"), policy("d", "转发的通知", "苏政发[2023]1号")
    assert twin_key(one) == twin_key(other) != twin_key(policy("e", "通知", "苏政发〔2023〕2号"))
    meta = meta_of(traditional)
    assert meta["twin"] == MARK + twin_key(traditional) and meta["script"] == "繁"
    faq = dataclasses.replace(simplified, kind="faq", extra={"policies": [{"slug": "a", "title": "苏创融"}]})
    assert "twin" not in meta_of(faq) and (meta_of(faq)["policy"], meta_of(faq)["policy_url"]) == ("苏创融", "址policies/a/")


def test_browser_data_lists_question_words_to_cut(mini_site):
    data = browser_data(IndexedText.of(documents_of(mini_site)), Analyzer(mini_site.content.taxonomy.synonym_groups()), mini_site.content.taxonomy)
    assert {"能不能", "怎么办", "需要什么手续"} <= set(data["fillers"])
    assert not {"企业", "社保", "吧"} & set(data["fillers"])  # content words (and 酒吧's 吧) stay
    assert data["policyPages"] == sum(d.kind == "policy" for d in documents_of(mini_site)) > 0
    assert "(?P<" not in data["docnum"] + data["docnumTyped"]  # JavaScript's named groups


def test_browser_data_maps_traditional_characters_of_the_site_only(mini_site):
    documents = documents_of(mini_site)
    data = browser_data(IndexedText.of(documents), Analyzer(mini_site.content.taxonomy.synonym_groups()), mini_site.content.taxonomy)
    pairs = dict(zip(data["t2s"][::2], data["t2s"][1::2]))
    assert pairs["稅"] == "税"
    assert all(simple in "".join(d.title + d.summary + d.body for d in documents) or simple for simple in pairs.values())
    assert "鬱" not in pairs or "郁" in "".join(d.body for d in documents)
    assert ["金融", "融资", "贷款", "信贷"] in data["synonyms"]


def test_two_runs_write_the_same_bytes(mini_site, tmp_path):
    write_site_search(mini_site, tmp_path / "one")
    write_site_search(mini_site, tmp_path / "two")
    first = digest(tmp_path / "one")
    assert any(name.endswith(".pf_filter") for name in first) and (tmp_path / "one/assets/sitesearch-data.json").is_file()
    assert first == digest(tmp_path / "two")


def _read(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()).removeprefix(SIGNATURE)


def _bundle(folder: Path):
    """(metadata, fragments by page number, {word: set of page URLs}) of a Pagefind bundle."""
    meta = cbor2.loads(_read(next(folder.glob("*.pf_meta"))))
    fragments = [json.loads(_read(folder / "fragment" / f"{name}.pf_fragment")) for name, _ in meta[1]]
    words = {}
    for *_, chunk in meta[2]:
        for word, pages, _ in cbor2.loads(_read(folder / "index" / f"{chunk}.pf_index"))[0]:
            numbers = [sum(page[0] for page in pages[: i + 1]) for i in range(len(pages))]  # differences
            words[word] = {fragments[n]["url"] for n in numbers}
    return meta, fragments, words


def test_pages_come_explainers_then_faq_oldest_first_and_every_word_finds_the_same_pages(mini_site, tmp_path, monkeypatch):
    monkeypatch.setattr(pagefind_module, "canonical_files", lambda files: files)
    write_site_search(mini_site, tmp_path / "raw")
    raw = tmp_path / "raw" / "pagefind"
    files = {path.relative_to(raw).as_posix(): path.read_bytes() for path in raw.rglob("*") if path.is_file()}
    pagefind_module.write_files(canonical_files(files), tmp_path / "canonical" / "pagefind")
    _, _, raw_words = _bundle(tmp_path / "raw" / "pagefind")
    meta, fragments, words = _bundle(tmp_path / "canonical" / "pagefind")
    assert words == raw_words and len(words) > 100
    order = [(fragment["meta"]["kind"] != "policy", fragment["meta"]["date"]) for fragment in fragments]
    assert order == sorted(order) and meta[4] == []  # explainers then FAQ entries, each by date: page number order
    assert {kind for kind, _ in order} == {False, True}
    assert [int(name[BUILD_LENGTH:][::-1], 36) for name, _ in meta[1]] == list(range(len(fragments)))
    raw_meta, raw_fragments, _ = _bundle(tmp_path / "raw" / "pagefind")
    raw_counts = {fragment["url"]: count for fragment, (_, count) in zip(raw_fragments, raw_meta[1])}
    assert all(abs(count - raw_counts[fragment["url"]]) <= 0.025 * raw_counts[fragment["url"]] + 0.5 for fragment, (_, count) in zip(fragments, meta[1]))
    assert all(fragment["content"] == "" and fragment["meta"]["title"] for fragment in fragments)


def _payloads(folder: Path) -> dict[str, bytes]:
    """Every file of a bundle by name: Pagefind's data files unpacked (gzip levels differ), the rest as they are."""
    return {path.relative_to(folder).as_posix(): _read(path) if path.suffix.startswith(".pf_") else path.read_bytes()
            for path in folder.rglob("*") if path.is_file()}


def _words_in_order(folder: Path) -> list:
    """Every word of a bundle's index chunks, in order, each page with its absolute number: the words, whatever the chunks."""
    meta = cbor2.loads(_read(next(folder.glob("*.pf_meta"))))
    words = []
    for *_, chunk in meta[2]:
        for word, pages, variants in cbor2.loads(_read(folder / "index" / f"{chunk}.pf_index"))[0]:
            numbers = [sum(page[0] for page in pages[: i + 1]) for i in range(len(pages))]  # differences
            words.append([word, [[number, *page[1:]] for number, page in zip(numbers, pages)], variants])
    return words


def test_shards_joined_are_the_bundle_of_one_run(tmp_path):
    """Pagefind run on shards of a few records (merge.py joins them): every file, unpacked, is that of
    one run over all the records — pages, words, filters, metadata — but the index chunks, which are cut
    where the words say (merge.py `ends_chunk`) and hold the same words in the same order."""
    sample = run_pipeline(ROOT / "content", TODAY)
    analyzer = Analyzer(sample.content.taxonomy.synonym_groups())
    records = [pagefind_module.ReadyRecord(record.url, record.html()) for record in writer_module.planned_records(documents_of(sample), analyzer)[0]]
    assert len(records) > 40 and sum(1 for shard in pagefind_module._shards(records, 30_000) if list(shard)) > 3
    pagefind_module.run_pagefind(records, tmp_path / "one")
    pagefind_module.run_pagefind(records, tmp_path / "sharded", shard_text=30_000)
    one, sharded = _payloads(tmp_path / "one"), _payloads(tmp_path / "sharded")
    assert sum(name.startswith("index/") for name in sharded) > 1  # more than one chunk: ranges were named
    assert _words_in_order(tmp_path / "one") == _words_in_order(tmp_path / "sharded")
    (one_meta,), (sharded_meta,) = ([cbor2.loads(data) for name, data in files.items() if name.endswith(".pf_meta")] for files in (one, sharded))
    assert one_meta[:2] + one_meta[3:] == sharded_meta[:2] + sharded_meta[3:]
    chunk_words = [(first, last) for first, last, _ in sharded_meta[2]]
    assert chunk_words == sorted(chunk_words) and all(first <= last for first, last in chunk_words)
    others = [name for name in one if not name.startswith("index/") and not name.endswith(".pf_meta") and name != "pagefind-entry.json"]
    assert sorted(others) == sorted(name for name in sharded if not name.startswith("index/") and not name.endswith(".pf_meta") and name != "pagefind-entry.json")
    assert [name for name in others if one[name] != sharded[name]] == []


def test_a_run_failing_while_the_previous_one_writes_stops_both(tmp_path, monkeypatch):
    """Runs overlap (the next is sent its records while the previous writes its bundle): when the
    third Pagefind fails, the error says so and no Pagefind is left running."""
    sample = run_pipeline(ROOT / "content", TODAY)
    analyzer = Analyzer(sample.content.taxonomy.synonym_groups())
    records = writer_module.planned_records(documents_of(sample), analyzer)[0]
    started = tmp_path / "started"
    third_fails = tmp_path / "pagefind"
    third_fails.write_text(f'#!/bin/sh\necho >> {started}\n[ "$(wc -l < {started})" -ge 3 ] && exit 3\n'
                           f'exec {pagefind_module.pagefind_executable()} "$@"\n')
    third_fails.chmod(0o755)
    monkeypatch.setattr(pagefind_module, "pagefind_executable", lambda: third_fails)
    with pytest.raises(SiteSearchError, match="Pagefind 生成搜索索引失败 / Pagefind failed"):
        pagefind_module.run_pagefind(records, tmp_path / "bundle", shard_text=30_000)
    assert len(started.read_text().splitlines()) == 3
    assert [child for child in psutil.Process().children(recursive=True) if "pagefind" in child.name()] == []
    assert not (tmp_path / "bundle").exists()


def test_records_are_sharded_by_their_length_where_the_records_alone_say():
    import random

    rng = random.Random(7)
    records = [pagefind_module.ReadyRecord(f"/policies/p{n}/", "x" * rng.randrange(1, 40)) for n in range(2_000)]
    shards = [[record.url for record in shard] for shard in pagefind_module._shards(records, 200)]
    sizes = [sum(record.size for record in records if record.url in set(shard)) for shard in shards]
    assert all(100 <= size < 800 + 40 for size in sizes[:-1]) and 150 < sum(sizes) / len(sizes) < 260  # 200 on average
    # an edit moves at most the end of its own run: the runs before and after it are the same
    edited = list(records)
    edited[1_000] = pagefind_module.ReadyRecord(edited[1_000].url, "y" * 39)
    again = [[record.url for record in shard] for shard in pagefind_module._shards(edited, 200)]
    changed = [n for n, shard in enumerate(again) if shard not in shards]
    assert len(changed) <= 2 and len(again) - len(changed) >= len(shards) - 2


def test_records_out_of_date_order_are_refused(mini_site, tmp_path):
    """The browser sorts by page number as by date: a bundle where that is not so must not be published."""
    analyzer = Analyzer(mini_site.content.taxonomy.synonym_groups())
    documents = sorted(documents_of(mini_site), key=lambda document: document.published, reverse=True)
    assert documents[0].published > documents[-1].published
    with pytest.raises(SiteSearchError, match="out of date order"):
        pagefind_module.run_pagefind(((f"/{d.url}", record_html(analyzer, d)) for d in documents), tmp_path / "pagefind")


def test_a_failing_pagefind_is_reported_in_both_languages(mini_site, tmp_path, monkeypatch):
    monkeypatch.setattr(pagefind_module, "pagefind_executable", lambda: Path("/bin/false"))
    with pytest.raises(SiteSearchError, match="Pagefind 生成搜索索引失败 / Pagefind failed"):
        write_site_search(mini_site, tmp_path)


def test_a_failed_site_search_leaves_the_previous_site_untouched(content, tmp_path, monkeypatch):
    build(options(tmp_path, content))
    before = digest(tmp_path / "site")

    def failing(*arguments):
        raise SiteSearchError("Pagefind 生成搜索索引失败 / Pagefind failed to write the search index")

    monkeypatch.setattr(build_module, "write_search_bundle", failing)
    with pytest.raises(SiteSearchError):
        build(options(tmp_path, content))
    assert digest(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site", "site_index"]


def test_policy_build_says_what_failed_without_a_traceback(project, monkeypatch):
    monkeypatch.chdir(project)
    monkeypatch.setattr(pagefind_module, "pagefind_executable", lambda: Path("/bin/false"))
    result = CliRunner().invoke(cli, ["build", "--today", TODAY.isoformat()])
    assert result.exit_code == 1
    assert "Pagefind 生成搜索索引失败 / Pagefind failed" in result.output and "Traceback" not in result.output
    assert not (project / "site").exists()


def test_faq_entries_with_the_same_filters_share_a_page_of_at_most_a_dozen(mini_site, tmp_path):
    """Every page costs the first query bytes in the metadata file: FAQ entries whose filter values
    are all the same share one, up to GROUP_SIZE; each keeps its own question, page and date in
    numbered metadata, and an anchor (its number) where its words start; filters stay exact."""
    explainers = [d for d in documents_of(mini_site) if d.kind == "policy"]
    model = next(d for d in documents_of(mini_site) if d.kind == "faq")
    same = [dataclasses.replace(model, id=f"faq:s{i:02d}", url=f"faq/s{i:02d}/", title=f"问题{i}：社保费怎么缓缴", topics=(f"主题{i % 2}",),
                                published=model.published + dt.timedelta(days=i)) for i in range(GROUP_SIZE + 3)]
    other = dataclasses.replace(same[0], id="faq:other", url="faq/other/", department=("另一个部门",))
    write_search_bundle([*explainers, *same, other], mini_site.content.taxonomy, tmp_path)
    _, fragments, _ = _bundle(tmp_path / "pagefind")
    faq = [f for f in fragments if f["meta"]["kind"] == "faq"]
    assert len(fragments) == len(explainers) + len(faq) and len(faq) == 3
    entries = {}
    for fragment in faq:
        meta, count = fragment["meta"], int(fragment["meta"]["n"].removeprefix(MARK))
        anchors = fragment["anchors"]
        assert [a["id"] for a in anchors] == [str(i) for i in range(count)]
        assert [a["location"] for a in anchors] == sorted({a["location"] for a in anchors})  # each entry has words
        assert meta["date"] == meta[f"d{count - 1}"].removeprefix(MARK)  # a page's date is its newest entry's
        for i in range(count):
            entries[meta[f"u{i}"].removeprefix(MARK)] = (meta[f"q{i}"].removeprefix(MARK), fragment["filters"].get("department", []),
                                                         meta[f"t{i}"].removeprefix(MARK))
        # topics may differ within a page (answers.UNITED): the page has them all, each entry its own
        assert sorted(fragment["filters"]["topic"]) == sorted({meta[f"t{i}"].removeprefix(MARK) for i in range(count)})
    assert sorted(len(f["anchors"]) for f in faq) == [1, 3, GROUP_SIZE]
    assert entries == {d.url: (d.title, list(d.department), d.topics[0]) for d in [*same, other]}


def test_a_line_of_an_answer_is_cut_to_fit_and_said_so():
    long_answer = "按规定" * 60
    document = SearchDocument(id="faq:x", kind="faq", slug="x", url="faq/x/", title="问", summary=long_answer, body=long_answer,
                              published=dt.date(2024, 1, 1), status="现行有效", department=(), region="", region_path=())
    line = answers_module._entry_meta(document, meta_of(document))["summary"]
    assert len(line) == answers_module.SUMMARY_CHARACTERS + 1 and line.endswith("…") and long_answer.startswith(line[:-1])


def test_an_faq_entry_gives_each_word_once_where_it_weighs_most():
    """FAQ entries share pages (answers.py): one position per word and entry tells which entry holds it."""
    document = SearchDocument(id="faq:x", kind="faq", slug="x", url="faq/x/", title="社保费可以缓缴吗", summary="社保费缓缴三个月。",
                              body="社保费缓缴，社保费缓缴，缓缴期间不收滞纳金。", published=dt.date(2024, 1, 1), status="现行有效",
                              department=(), region="", region_path=())
    analyzer = Analyzer()
    once = [(text.weight, token) for text in weighted_texts(analyzer, document, once=True) for token in text.tokens.split()]
    tokens = [token for _, token in once]
    assert len(tokens) == len(set(tokens))  # every term once
    assert (7.0, token_of("缓缴")) in once and (1.0, token_of("滞纳金")) in once  # where it weighs most
    every = [token for text in weighted_texts(analyzer, document) for token in text.tokens.split()]
    assert every.count(token_of("缓缴")) > 1  # an explainer's words keep their repeats


def test_the_common_terms_sample_is_chosen_by_url_alone_so_other_documents_do_not_move_it():
    from build_tools.indexes.pagefind.tokens import SAMPLE_SIZE, sampled

    def chosen(urls):
        return {urls[i] for i in sampled(urls)}

    urls = [f"faq/entry-{n}/" for n in range(9_000)]
    before = chosen(urls)
    assert SAMPLE_SIZE <= len(before) <= 2 * SAMPLE_SIZE
    added = next(url for url in (f"policies/new-{n}/" for n in range(1_000)) if url not in chosen([*urls, url]))
    assert chosen([added, *urls]) == chosen([*urls[:4_500], added, *urls[4_500:]]) == chosen(urls[::-1]) == before
    assert chosen(urls[:500]) == set(urls[:500])  # a small site: every document


def _edited(record: pagefind_module.ReadyRecord, words: str) -> pagefind_module.ReadyRecord:
    """The record with `words` put before its first weighted text (its own words move, new ones come in), or
    without that text's first word when `words` is empty."""
    start = record.text.index(">", record.text.index("<p data-pagefind-weight=")) + 1
    rest = record.text[start:] if words else record.text[start:].split(" ", 1)[1]
    return pagefind_module.ReadyRecord(record.url, record.text[:start] + (words + " " if words else "") + rest)


def _names_clashing_across_runs(monkeypatch) -> None:
    """Each run's k-th fragment named `und_<k>`: every run's pages clash with the others' (merge.py adds "x"s),
    as Pagefind's 7-digit names of 24,000 pages do now and then at 20,000 explainers."""
    files_of = pagefind_module._Run.files

    def files(self):
        files = files_of(self)
        ((_, about),) = json.loads(files["pagefind-entry.json"])["languages"].items()
        meta_path = f"pagefind.{about['hash']}.pf_meta"
        meta = cbor2.loads(gzip.decompress(files[meta_path])[len(SIGNATURE):])
        for number, page in enumerate(meta[1]):
            files[f"fragment/und_{number:07x}.pf_fragment"] = files.pop(f"fragment/{page[0]}.pf_fragment")
            page[0] = f"und_{number:07x}"
        files[meta_path] = gzip.compress(SIGNATURE + cbor2.dumps(meta))
        return files

    monkeypatch.setattr(pagefind_module._Run, "files", files)


@pytest.mark.parametrize(("edits", "clashing"), [([(20, "zzqnew aaanew")], False), ([(3, "jzqrw9"), (45, "qqqnew")], True), ([(30, "")], False)])
def test_a_joined_bundle_patched_with_the_changed_runs_is_the_bundle_a_join_writes(tmp_path, monkeypatch, edits, clashing):
    """With the last build's record, the runs an edit changed are patched into its joined bundle (patch.py), not
    joined again: the result is every byte of a join of the same records, and the next edit patches it again."""
    from build_tools.indexes.pagefind import patch
    from build_tools.runtime.reuse import ReuseFolder

    monkeypatch.setattr(patch, "PATCHED_CHUNKS", 1.0)  # a small site: one page's words are in most chunks
    monkeypatch.setattr(pagefind_module, "PATCH_SHARE", 1)
    if clashing:
        _names_clashing_across_runs(monkeypatch)
    sample = run_pipeline(ROOT / "content", TODAY)
    analyzer = Analyzer(sample.content.taxonomy.synonym_groups())
    records = [pagefind_module.ReadyRecord(record.url, record.html()) for record in writer_module.planned_records(documents_of(sample), analyzer)[0]]
    pagefind_module.run_pagefind(records, tmp_path / "first", 30_000, ReuseFolder(None, tmp_path / "record1"))
    for number, words in edits:
        records[number] = _edited(records[number], words)
    joined = pagefind_module.run_pagefind(records, tmp_path / "joined", 30_000)

    class NoJoin(pagefind_module.BundleMerger):
        def add(self, files):
            raise AssertionError("joined again")

    monkeypatch.setattr(pagefind_module, "BundleMerger", NoJoin)
    patched = pagefind_module.run_pagefind(records, tmp_path / "patched", 30_000, ReuseFolder(tmp_path / "record1", tmp_path / "record2"))
    assert joined.runs > 3 and 0 < patched.made <= len(edits) < patched.runs
    assert (joined.bundle, patched.bundle) == ("joined", "patched")  # what the build's line says
    assert pagefind_module.read_files(tmp_path / "patched") == pagefind_module.read_files(tmp_path / "joined")
    assert any(page.endswith("x") for page, _ in patch.JoinedState.read(tmp_path / "record2").pages) == clashing
    records[10] = _edited(records[10], "again")
    pagefind_module.run_pagefind(records, tmp_path / "again", 30_000, ReuseFolder(tmp_path / "record2", tmp_path / "record3"))
    unchanged = pagefind_module.run_pagefind(records, tmp_path / "unchanged", 30_000, ReuseFolder(tmp_path / "record3", tmp_path / "record4"))
    assert (unchanged.made, unchanged.bundle) == (0, "taken")
    monkeypatch.setattr(pagefind_module, "BundleMerger", merge.BundleMerger)
    pagefind_module.run_pagefind(records, tmp_path / "joined_again", 30_000)
    assert pagefind_module.read_files(tmp_path / "again") == pagefind_module.read_files(tmp_path / "joined_again")
