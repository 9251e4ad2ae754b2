"""Search quality on the graded dev set: nDCG@10 per kind of query, ours beside the baselines.

`../shared/corpus/queries-dev.jsonl` holds 150 enterprise queries in seven kinds
(keyword, question, synonym, abbreviation, traditional, region, lookup), each
with graded judgments (slug → 2 or 1; every other document 0). This script
builds the indexes over the corpus (read with bench/corpus_fix.py's fix, as
every benchmark) and reports nDCG@10 (gain 2^grade − 1, ideal from the
judgments) per kind and overall, side by side in one run:

  stock Whoosh + jieba     Whoosh with jieba's ChineseAnalyzer over the explainers only
  today's method           `policy search` of the HEAD commit as users got it (FAQ entries
                           mixed into the results), run in a `git worktree` of HEAD in a
                           subprocess (this very script with --ours-only)
  ours                     `policy search` of this checkout as users get it (default request)
  ours --kind policy       the same, explainers only

    .venv/bin/python bench/search_dev.py
    .venv/bin/python bench/search_dev.py --no-head --show-misses question
    .venv/bin/python bench/search_dev.py --json /tmp/dev.json
    .venv/bin/python bench/search_dev.py --answers    # the FAQ answers' score threshold, measured
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from common import CORPUS, load_site, markdown_table, policy_documents, write_json

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEV_SET = ROOT.parent / "shared" / "corpus" / "queries-dev.jsonl"
KINDS = ("keyword", "question", "synonym", "abbreviation", "traditional", "region", "lookup")
LIMIT = 10
TARGETS = {"all": 0.92, "question": 0.88, "synonym": 0.85, "abbreviation": 0.85}


def read_queries(path: Path) -> list[dict]:
    """The dev set: one JSON object per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ndcg(slugs: list[str], relevant: dict[str, int], k: int = LIMIT) -> float:
    """nDCG@k with gain 2^grade − 1; a slug listed twice counts once."""
    seen: set[str] = set()
    dcg = 0.0
    for rank, slug in enumerate(slugs[:k], start=1):
        if slug in relevant and slug not in seen:
            dcg += (2 ** relevant[slug] - 1) / math.log2(rank + 1)
        seen.add(slug)
    ideal = sum((2**g - 1) / math.log2(r + 1) for r, g in enumerate(sorted(relevant.values(), reverse=True)[:k], start=1))
    return dcg / ideal if ideal else 0.0


def per_kind(queries: list[dict], results: list[list[str]]) -> dict[str, float]:
    """Mean nDCG@10 per kind and over all queries."""
    scores: dict[str, list[float]] = defaultdict(list)
    for query, slugs in zip(queries, results):
        value = ndcg(slugs, query["relevant"])
        scores[query["kind"]].append(value)
        scores["all"].append(value)
    return {kind: sum(values) / len(values) for kind, values in scores.items()}


def run_engine(corpus: Path, queries: list[dict]) -> dict[str, list[list[str]]]:
    """Our index over the corpus, then each query as users send it and with kind=policy."""
    from build_tools.indexes.whoosh import index_site
    from build_tools.search.engine import Engine
    from build_tools.search.request import SearchRequest

    site = load_site(corpus)
    with tempfile.TemporaryDirectory() as folder:
        index_site(site, Path(folder))
        engine = Engine(Path(folder))
        runs = {
            "default": [[h.slug for h in engine.search(SearchRequest(query=q["query"], limit=LIMIT)).results] for q in queries],
            "policy": [[h.slug for h in engine.search(SearchRequest(query=q["query"], kind="policy", limit=LIMIT)).results] for q in queries],
        }
        engine.close()
    return runs


def run_stock(corpus: Path, queries: list[dict]) -> list[list[str]]:
    """Stock Whoosh + jieba's ChineseAnalyzer over the explainers' title and body, OR of the words."""
    from search_quality import baseline_index, run_baseline

    documents = policy_documents(load_site(corpus))
    with tempfile.TemporaryDirectory() as folder:
        store = baseline_index(documents, Path(folder))
        results, _ = run_baseline(store, [q["query"] for q in queries])
    return results


def run_head(corpus: Path, dev: Path) -> dict[str, list[list[str]]]:
    """Today's method: this script with --ours-only, run on the build_tools of a worktree of HEAD."""
    with tempfile.TemporaryDirectory() as parent:
        tree = Path(parent) / "head"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), "HEAD"], check=True)
        try:
            out = Path(parent) / "head.json"
            env = {**os.environ, "PYTHONPATH": str(tree)}
            subprocess.run([sys.executable, __file__, "--ours-only", str(out), "--corpus", str(corpus), "--dev", str(dev)], check=True, env=env, cwd=tree)
            return json.loads(out.read_text(encoding="utf-8"))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


def answer_thresholds(corpus: Path, queries: list[dict]) -> None:
    """Engine.ANSWER_THRESHOLD measured: per threshold, how many queries get an answer and how many of
    the answers rest on a right policy (dev set: a judged one; briefing questions: the session's policy)."""
    from common import briefing_questions

    from build_tools.indexes.whoosh import index_site
    from build_tools.search.engine import Engine
    from build_tools.search.request import SearchRequest

    site = load_site(corpus)
    asked = [(q["query"], set(q["relevant"])) for q in queries]
    asked_briefing = [(b.text, {b.target}) for b in briefing_questions(site)]
    with tempfile.TemporaryDirectory() as folder:
        index_site(site, Path(folder))
        engine = Engine(Path(folder))
        engine.ANSWER_THRESHOLD = 0.0
        rows = []
        for name, pairs in (("dev set", asked), ("briefing questions", asked_briefing)):
            found = [(engine.search(SearchRequest(query=text, limit=1)).answers, right) for text, right in pairs]
            for threshold in THRESHOLDS:
                shown = [(a, right) for answers, right in found for a in answers if a.score >= threshold]
                good = sum(bool(a.policy and a.policy["slug"] in right) for a, right in shown)
                with_any = sum(any(a.score >= threshold for a in answers) for answers, _ in found)
                rows.append((name, threshold, f"{with_any}/{len(pairs)}", len(shown), f"{good / len(shown):.3f}" if shown else "-"))
        engine.close()
    print(markdown_table(("queries", "threshold", "queries with answers", "answers", "resting on a right policy"), rows))


def show_misses(kind: str, queries: list[dict], results: list[list[str]]) -> None:
    """The queries of `kind` below nDCG 0.8, with their judged and returned slugs."""
    for query, slugs in zip(queries, results):
        value = ndcg(slugs, query["relevant"])
        if query["kind"] == kind and value < 0.8:
            print(f"- {query['id']} {value:.2f} {query['query']}\n  wanted {query['relevant']}\n  got    {slugs[:5]}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="content folder of the real corpus")
    parser.add_argument("--dev", type=Path, default=DEV_SET, help="the graded queries (JSON lines)")
    parser.add_argument("--no-head", action="store_true", help="leave out today's method (no git worktree)")
    parser.add_argument("--show-misses", metavar="KIND", help="print the queries of KIND that ours ranks below nDCG 0.8")
    parser.add_argument("--json", type=Path, help="write the figures and the results to this file")
    parser.add_argument("--answers", action="store_true", help="measure the FAQ answers' score threshold instead")
    parser.add_argument("--ours-only", type=Path, metavar="OUT", help=argparse.SUPPRESS)  # the subprocess of run_head
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    logging.getLogger("jieba").setLevel(logging.WARNING)
    queries = read_queries(args.dev)
    if args.ours_only:
        args.ours_only.write_text(json.dumps(run_engine(args.corpus, queries), ensure_ascii=False), encoding="utf-8")
        return 0
    if args.answers:
        answer_thresholds(args.corpus, queries)
        return 0
    runs = [("stock Whoosh + jieba, policies only", run_stock(args.corpus, queries))]
    if not args.no_head:
        head = run_head(args.corpus, args.dev)
        runs += [("today's method (HEAD), as users got it", head["default"]), ("today's method (HEAD) --kind policy", head["policy"])]
    ours = run_engine(args.corpus, queries)
    runs += [("**ours, as users get it**", ours["default"]), ("ours --kind policy", ours["policy"])]
    rows = [(name, per_kind(queries, results)) for name, results in runs]
    columns = ("all", *KINDS)
    print(f"# nDCG@{LIMIT} on {args.dev.name}: {len(queries)} queries\n")
    print(markdown_table(("run", *columns), [(name, *(f"{figures[c]:.3f}" for c in columns)) for name, figures in rows]))
    print(markdown_table(("", *columns), [("target (ours, as users get it)", *(f"≥ {TARGETS[c]}" if c in TARGETS else "" for c in columns))]))
    if args.show_misses:
        show_misses(args.show_misses, queries, ours["default"])
    write_json(args.json, {"rows": [{"name": n, **f} for n, f in rows], "targets": TARGETS, "results": dict(runs)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
