"""Search quality on real questions: does the search for a briefing question find its policy?

Every question in the corpus's `qa/briefing-*.md` sessions is answered by the
one explainer that its session's `policies:` names. This script builds our
index over the corpus (run_pipeline as of 2026-11-23, then index_site into a
temporary folder, FAQ entries included as in production), searches each
question's heading text (`pair.question`) with limit 10 and `kind=policy`
(the target is a policy; the FAQ entries built from these very sessions
would otherwise be hits too — shown as an extra row), and reports
Recall@1, Recall@10, MRR@10 (reciprocal rank, 0 beyond 10) and nDCG@10
(one relevant document: 1/log2(rank+1)), and the mean time per query.

The corpus is read with the fix `policy check` proposes for its explainers
published twice (bench/corpus_fix.py: the later supersedes the earlier). A
superseded explainer stays in the index and no status filter applies here, so
a question whose target is one of them is searched for as before.

Rows:
  baseline            plain Whoosh with jieba's ChineseAnalyzer over the explainers'
                      title and body, MultifieldParser(["title","body"], group=OrGroup)
  ours (simplified)   our Engine, questions as written
  ours (traditional)  our Engine, questions converted with OpenCC s2t (must be within 0.02)
  ours (default)      our Engine without the kind filter, as users search: since issue #21 the
                      FAQ entries come apart (`answers`), so the results are the same explainers

    .venv/bin/python bench/search_quality.py
    .venv/bin/python bench/search_quality.py --show-misses 30 --json /tmp/quality.json
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import (
    CORPUS, Question, briefing_questions, load_site, markdown_table, policy_documents, rank_of, ranking_metrics,
    timed, to_traditional, write_json,
)

from build_tools.indexes.whoosh import index_site
from build_tools.search.engine import Engine
from build_tools.search.request import SearchRequest

TARGETS = {"recall@10": 0.96, "mrr@10": 0.82}
REPORTED_BASELINE = {"questions": 533, "recall@1": 0.651, "recall@10": 0.904, "mrr@10": 0.739}
TRADITIONAL_TOLERANCE = 0.02
LIMIT = 10
COLUMNS = ("questions", "recall@1", "recall@10", "mrr@10", "ndcg@10", "mean_query_ms")


def run_ours(engine: Engine, queries: list[str], kind: str | None = "policy") -> tuple[list[list[str]], list[float]]:
    """Slugs of the top hits and seconds per query, for each query."""
    results, seconds = [], []
    for query in queries:
        response, elapsed = timed(engine.search, SearchRequest(query=query, kind=kind, limit=LIMIT))
        results.append([hit.slug for hit in response.results])
        seconds.append(elapsed)
    return results, seconds


def baseline_index(documents, folder: Path):
    """Plain Whoosh: title and body as TEXT with jieba's ChineseAnalyzer, default settings."""
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index

    analyzer = ChineseAnalyzer()
    schema = fields.Schema(slug=fields.ID(stored=True), title=fields.TEXT(analyzer=analyzer), body=fields.TEXT(analyzer=analyzer))
    store = index.create_in(str(folder), schema)
    writer = store.writer()
    for document in documents:
        writer.add_document(slug=document.slug, title=document.title, body=document.body)
    writer.commit()
    return store


def run_baseline(store, queries: list[str]) -> tuple[list[list[str]], list[float]]:
    from whoosh.qparser import MultifieldParser, OrGroup

    parser = MultifieldParser(["title", "body"], store.schema, group=OrGroup)
    results, seconds = [], []
    with store.searcher() as searcher:
        for query in queries:
            start = time.perf_counter()
            hits = searcher.search(parser.parse(query), limit=LIMIT)
            results.append([hit["slug"] for hit in hits])
            seconds.append(time.perf_counter() - start)
    return results, seconds


def figures(name: str, questions: list[Question], results: list[list[str]], seconds: list[float]) -> dict:
    ranks = [rank_of(slugs, q.target) for slugs, q in zip(results, questions)]
    return {"name": name, **ranking_metrics(ranks, LIMIT), "mean_query_ms": 1000 * sum(seconds) / len(seconds), "ranks": ranks}


def print_table(rows: list[dict]) -> None:
    print(markdown_table(("run", *COLUMNS), [(r["name"], *(r[c] for c in COLUMNS)) for r in rows]))
    target_row = ["target", ""] + [f"≥ {TARGETS[c]}" if c in TARGETS else "" for c in COLUMNS[1:]]
    reported = ["baseline as reported"] + [REPORTED_BASELINE.get(c, "") for c in COLUMNS]
    print(markdown_table(("", *COLUMNS), [target_row, reported]))


def check_targets(ours: dict, traditional: dict) -> list[str]:
    """Lines saying which targets are met."""
    lines = [f"{c}: {ours[c]:.3f} (target ≥ {t}) {'met' if ours[c] >= t else 'MISSED'}" for c, t in TARGETS.items()]
    for c in COLUMNS[1:-1]:
        gap = abs(ours[c] - traditional[c])
        lines.append(f"traditional vs simplified {c}: Δ {gap:.3f} (≤ {TRADITIONAL_TOLERANCE}) {'ok' if gap <= TRADITIONAL_TOLERANCE else 'TOO FAR'}")
    return lines


def show_misses(count: int, questions: list[Question], ours: dict, results: list[list[str]], baseline: dict, titles: dict[str, str]) -> None:
    """The first `count` questions whose target is not in our top 10, with the top-3 titles."""
    misses = [i for i, rank in enumerate(ours["ranks"]) if rank is None]
    print(f"\n## Misses of ours (simplified): {len(misses)} of {len(questions)} not in the top {LIMIT}")
    found_by_baseline = sum(baseline["ranks"][i] is not None for i in misses)
    print(f"baseline finds {found_by_baseline} of them in its top {LIMIT}; "
          f"ours finds {sum(ours['ranks'][i] is not None for i, r in enumerate(baseline['ranks']) if r is None)} that baseline misses")
    by_session = Counter(questions[i].session for i in misses)
    print(f"misses spread over {len(by_session)} sessions; most in one session: {by_session.most_common(3)}")
    for i in misses[:count]:
        q = questions[i]
        print(f"\n- Q: {q.text}\n  target: {titles.get(q.target, q.target)} [{q.target}] (baseline rank {baseline['ranks'][i] or '>10'})")
        for n, slug in enumerate(results[i][:3], 1):
            print(f"  {n}. {titles.get(slug, slug)} [{slug}]")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="content folder of the real corpus")
    parser.add_argument("--show-misses", type=int, default=0, metavar="N", help="print N questions ours misses in the top 10")
    parser.add_argument("--json", type=Path, help="write the figures (and per-question ranks) to this file")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    logging.getLogger("jieba").setLevel(logging.WARNING)
    site = load_site(args.corpus)
    questions = briefing_questions(site)
    texts = [q.text for q in questions]
    s2t = to_traditional()
    documents = policy_documents(site)
    titles = {d.slug: d.title for d in documents}
    with tempfile.TemporaryDirectory() as ours_dir, tempfile.TemporaryDirectory() as base_dir:
        _, build_s = timed(index_site, site, Path(ours_dir))
        engine = Engine(Path(ours_dir))
        run_ours(engine, texts[:10])  # warm-up: segmenter dictionary, caches
        ours_results, ours_s = run_ours(engine, texts)
        ours = figures("ours (simplified)", questions, ours_results, ours_s)
        traditional = figures("ours (traditional)", questions, *run_ours(engine, [s2t(t) for t in texts]))
        all_kinds = figures("ours (default request, answers apart)", questions, *run_ours(engine, texts, kind=None))
        engine.close()
        store, base_build_s = timed(baseline_index, documents, Path(base_dir))
        run_baseline(store, texts[:10])
        baseline = figures("baseline (whoosh + jieba)", questions, *run_baseline(store, texts))
    rows = [baseline, ours, traditional, all_kinds]
    print(f"# Search quality: {len(questions)} briefing questions, {len(documents)} explainers "
          f"({len(site.faq)} FAQ entries also in our index); index build: ours {build_s:.1f} s, baseline {base_build_s:.1f} s\n")
    print_table(rows)
    print()
    print("\n".join(check_targets(ours, traditional)))
    if args.show_misses:
        show_misses(args.show_misses, questions, ours, ours_results, baseline, titles)
    write_json(args.json, {"rows": rows, "targets": TARGETS, "reported_baseline": REPORTED_BASELINE,
                           "questions": [q.__dict__ for q in questions]})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
