"""Search speed: index build time and query latency at 1,000 / 5,000 / 20,000 documents, ours vs tantivy.

Documents are synthetic but made of the real corpus: deterministic
(`random.Random(seed)`) SearchDocuments whose title, summary and body
(1,200–1,500 characters, about 4 KB of UTF-8) are sentences of the corpus
explainers (split on 。！？ and newlines), with departments, regions, topics,
audiences, tags and 文号 issuers sampled from the corpus's real values;
about 10% are converted to traditional script (OpenCC s2t).

Queries (--queries, default 200): briefing questions of the corpus, and
short 1–3 word queries made from corpus vocabulary (社保 缓缴, 房租减免 …).

  ours   `write_index` (wall clock; one process per core, each writing a segment, and
         again in one process), then `Engine.search` (limit 10, with the total, facet
         counts and snippets the engine computes): p50 / p95 after 10 warm-up queries
  peer   tantivy-py with the same segmentation: every field's text pre-analysed with
         our Analyzer (terms joined by spaces) and indexed with tantivy's whitespace
         tokenizer (keeps our tokens intact: 同义:融资, 国办发〔2019〕6号); build timed
         with the pre-analysis and without it; queries are our query-mode terms,
         OR'ed over the sections with the engine's SECTION_WEIGHTS as boosts (one field each, as
         tantivy has no summed-weight field), synonym terms × 0.5, limit 10, slug and title fetched, query analysis
         included; one writer thread per core, as ours. Also p50/p95 with the
         facet counts as tantivy terms aggregations (`peer+facets`).

Also: segmentation throughput of rjieba vs jieba (search mode) on the corpus bodies.

    .venv/bin/python bench/search_speed.py --sizes 1000,5000
    .venv/bin/python bench/search_speed.py --sizes 20000 --json /tmp/speed.json

Targets for ours at 20,000 documents (2-core machine): p95 ≤ 50 ms, build ≤ 60 s;
printed beside the figures, never a failure.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import tempfile
import time
from pathlib import Path

from common import (
    CORPUS, briefing_questions, corpus_pools, folder_size_mb, latency_summary, load_site, markdown_table,
    policy_documents, sample_queries, synthetic_documents, timed, vocabulary, write_json,
)

from build_tools.text.analysis import Analyzer
from build_tools.indexes.whoosh.schema import SECTION_WEIGHTS
from build_tools.indexes.whoosh.writing import write_index
from build_tools.search.engine import Engine
from build_tools.search.request import FACETS, SearchRequest

TARGETS = {"p95_ms": 50.0, "build_s": 60.0}
TARGET_SIZE = 20000
WARM_UP = 10
TEXT_FIELDS = ("title", "number", "summary", "tags", "body")
WORKERS = os.cpu_count() or 1
FACET_FIELDS = ("department", "topics", "audience", "region", "status", "kind", "year")


# --- ours -------------------------------------------------------------------------------


def bench_ours(documents, analyzer: Analyzer, regions: dict, queries: list[str], folder: Path) -> dict:
    """Build with write_index (one process per core, then one process alone), then time Engine.search for every query."""
    _, build_s = timed(write_index, documents, analyzer, regions, folder)
    with tempfile.TemporaryDirectory() as single:
        _, single_build_s = timed(write_index, documents, analyzer, regions, Path(single), workers=1)
    engine = Engine(folder)
    for query in queries[:WARM_UP]:
        engine.search(SearchRequest(query=query, limit=10))
    seconds, slugs = [], []
    for query in queries:
        response, elapsed = timed(engine.search, SearchRequest(query=query, limit=10))
        seconds.append(elapsed)
        slugs.append([hit.slug for hit in response.results])
    engine.close()
    return {"engine": f"ours (whoosh, {WORKERS} processes)", "build_s": build_s, "build_one_process_s": single_build_s,
            **latency_summary(seconds), "size_mb": folder_size_mb(folder), "slugs": slugs}


# --- peer: tantivy ----------------------------------------------------------------------


def whitespace_analyzer():
    import tantivy

    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def check_tokenizer(analyzer: Analyzer, sample: str) -> None:
    """Our terms must come out of tantivy's whitespace tokenizer unchanged."""
    ours = [t.text for t in analyzer.analyze(sample, "index")]
    theirs = whitespace_analyzer().analyze(" ".join(ours))
    if ours != theirs:
        raise SystemExit(f"tantivy whitespace tokenizer changes our terms: {ours[:20]} → {theirs[:20]}")


def tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("slug", stored=True, tokenizer_name="raw")
    builder.add_text_field("display_title", stored=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=name in ("summary", "body", "number"), tokenizer_name="ws")
    for name in FACET_FIELDS:
        builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
    return builder.build()


def analysed_fields(document, analyzer: Analyzer) -> dict[str, str]:
    """Each text field as our index terms joined by spaces (the pre-analysis)."""
    texts = {"title": f"{document.title} {document.policy_title}".strip(), "number": document.number,
             "summary": document.summary, "tags": " ".join(document.tags), "body": document.body}
    return {name: " ".join(t.text for t in analyzer.analyze(text, "index")) for name, text in texts.items()}


def tantivy_document(document, analysed: dict[str, str]):
    import tantivy

    values = dict(slug=document.slug, display_title=document.title, kind=document.kind, status=document.status,
                  year=str(document.published.year), region=document.region, **analysed,
                  department=list(document.department), topics=list(document.topics), audience=list(document.audience))
    return tantivy.Document(**{k: v if isinstance(v, list) else [v] for k, v in values.items() if v != []})


def build_tantivy(documents, analysed: list[dict], folder: Path):
    import tantivy

    index = tantivy.Index(tantivy_schema(), path=str(folder), reuse=False)
    index.register_tokenizer("ws", whitespace_analyzer())
    writer = index.writer(heap_size=256_000_000, num_threads=WORKERS)
    for document, fields in zip(documents, analysed):
        writer.add_document(tantivy_document(document, fields))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def tantivy_query(index, analyzer: Analyzer, text: str):
    import tantivy

    schema = index.schema
    clauses = [
        (tantivy.Occur.Should, tantivy.Query.boost_query(tantivy.Query.term_query(schema, field, term.text), boost * term.boost))
        for term in analyzer.analyze(text, "query")
        for field, boost in SECTION_WEIGHTS.items()
    ]
    return tantivy.Query.boolean_query(clauses) if clauses else tantivy.Query.empty_query()


FACET_AGGREGATION = {name: {"terms": {"field": name, "size": 50}} for name in FACET_FIELDS}


def tantivy_search(index, analyzer: Analyzer, text: str, facets: bool) -> list[str]:
    searcher = index.searcher()
    query = tantivy_query(index, analyzer, text)
    hits = searcher.search(query, limit=10).hits
    slugs = [searcher.doc(address)["slug"][0] for _, address in hits]
    for _, address in hits:
        searcher.doc(address)["display_title"]
    if facets:
        searcher.aggregate(query, FACET_AGGREGATION)
    return slugs


def overlap(ours: list[list[str]], peer: list[list[str]]) -> float:
    """Mean share of our top 10 that the peer also returns in its top 10 (the same work, checked)."""
    shares = [len(set(a) & set(b)) / len(a) for a, b in zip(ours, peer) if a]
    return sum(shares) / len(shares) if shares else float("nan")


def bench_peer(documents, analyzer: Analyzer, queries: list[str], folder: Path, ours_slugs: list[list[str]]) -> list[dict]:
    analysed, analyse_s = timed(lambda: [analysed_fields(d, analyzer) for d in documents])
    index, index_s = timed(build_tantivy, documents, analysed, folder)
    del analysed
    rows = []
    for facets in (False, True):
        for query in queries[:WARM_UP]:
            tantivy_search(index, analyzer, query, facets)
        seconds, slugs = [], []
        for query in queries:
            found, elapsed = timed(tantivy_search, index, analyzer, query, facets)
            seconds.append(elapsed)
            slugs.append(found)
        rows.append({"top10_overlap": overlap(ours_slugs, slugs), "engine": "peer (tantivy)" + (" + facets" if facets else ""), "build_s": analyse_s + index_s,
                     "build_without_analysis_s": index_s, **latency_summary(seconds), "size_mb": folder_size_mb(folder)})
    return rows


# --- segmentation -----------------------------------------------------------------------


def segmentation_throughput(texts: list[str]) -> list[dict]:
    """MB/s of UTF-8 text through jieba and rjieba, search mode, dictionaries loaded first."""
    import jieba
    import rjieba

    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    segmenters = {"jieba": jieba.Tokenizer(), "rjieba": rjieba.Jieba()}
    rows = []
    for name, segmenter in segmenters.items():
        list(segmenter.tokenize("初始化词典", mode="search"))
        _, seconds = timed(lambda: [list(segmenter.tokenize(t, mode="search")) for t in texts])
        rows.append({"segmenter": name, "mb": megabytes, "seconds": seconds, "mb_per_s": megabytes / seconds})
    return rows


# --- report -----------------------------------------------------------------------------


def print_size_table(size: int, rows: list[dict]) -> None:
    ours = rows[0]
    table = []
    for row in rows:
        ratio = lambda key: ours[key] / row[key] if row is not ours and row[key] else ""  # noqa: E731
        table.append((row["engine"], row["build_s"], row.get("build_one_process_s", ""), row.get("build_without_analysis_s", ""), row["p50_ms"], row["p95_ms"],
                      row["size_mb"], ratio("build_s"), ratio("p50_ms"), ratio("p95_ms"), row.get("top10_overlap", "")))
    print(f"\n## {size:,} documents\n")
    print(markdown_table(("engine", "build s", "build s, 1 process", "build s w/o analysis", "p50 ms", "p95 ms", "index MB",
                          "ours/peer build", "ours/peer p50", "ours/peer p95", "top-10 overlap with ours"), table))
    if size == TARGET_SIZE:
        for key, target in TARGETS.items():
            print(f"target ours {key} ≤ {target}: {ours[key]:.1f} {'met' if ours[key] <= target else 'MISSED'}")
    else:
        print(f"(targets at {TARGET_SIZE:,}: p95 ≤ {TARGETS['p95_ms']:.0f} ms, build ≤ {TARGETS['build_s']:.0f} s)")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="content folder of the real corpus")
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated document counts")
    parser.add_argument("--queries", type=int, default=200, help="queries per engine and size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--skip-peer", action="store_true", help="time ours only")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    logging.getLogger("jieba").setLevel(logging.WARNING)
    site = load_site(args.corpus)
    taxonomy = site.content.taxonomy
    analyzer = Analyzer(taxonomy.synonym_groups())
    regions = {region.name: list(region.ancestors) for region in taxonomy.regions}
    corpus_documents = policy_documents(site)
    pools = corpus_pools(corpus_documents)
    questions = [q.text for q in briefing_questions(site)]
    queries = sample_queries(questions, vocabulary(analyzer, pools.titles + [d.title for d in corpus_documents]), args.queries, args.seed)
    check_tokenizer(analyzer, corpus_documents[0].body[:2000] + " 国办发〔2019〕6号 贷款")
    print(f"# Search speed: {len(queries)} queries ({sum(' ' in q or len(q) <= 8 for q in queries)} short), seed {args.seed}")
    print("\n## Segmentation, search mode, corpus explainer bodies\n")
    segmentation = segmentation_throughput([d.body for d in corpus_documents])
    print(markdown_table(("segmenter", "MB", "s", "MB/s"), [(r["segmenter"], r["mb"], r["seconds"], r["mb_per_s"]) for r in segmentation]))
    print(f"rjieba/jieba: {segmentation[1]['mb_per_s'] / segmentation[0]['mb_per_s']:.1f}×")
    results = {"segmentation": segmentation, "sizes": {}, "targets": TARGETS, "queries": queries}
    for size in [int(s) for s in args.sizes.split(",")]:
        documents = synthetic_documents(pools, size, args.seed)
        with tempfile.TemporaryDirectory() as ours_dir, tempfile.TemporaryDirectory() as peer_dir:
            rows = [bench_ours(documents, Analyzer(taxonomy.synonym_groups()), regions, queries, Path(ours_dir))]
            if not args.skip_peer:
                rows += bench_peer(documents, Analyzer(taxonomy.synonym_groups()), queries, Path(peer_dir), rows[0].pop("slugs"))
        print_size_table(size, rows)
        rows[0].pop("slugs", None)
        results["sizes"][size] = rows
        write_json(args.json, results)
        del documents
        gc.collect()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
