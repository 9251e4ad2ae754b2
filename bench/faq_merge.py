"""How well FAQ merging decides, how fast it is, and that prefix filtering loses nothing.

First the labelled pairs of tests/faq/merge_pairs.jsonl (real questions of the corpus asked
twice, and variants: traditional script, other modal and question words, punctuation, fillers;
and pairs that must stay apart: another number, place, negation, asker, kind of taxpayer, a word
replaced): precision and recall of merging, overall and per "why", with each pair clustered
among the corpus's 2,000 real questions (which set the words' weights, as in a real FAQ) and
with each pair alone. Targets: precision ≥ 0.98, recall ≥ 0.90.

Then speed: makes N questions (default 5,000, 20,000, 50,000, 80,000) from the real
corpus's questions: new distinct questions are a real question set in one
of the corpus's regions (北京市…) and years, so that the number of distinct
questions grows with N; and a third are re-askings of an earlier one with
the changes people make — traditional script, other punctuation, a filler
word, a modal word swapped (能/可以). Times
`faq.merge.cluster` on each size (median of --runs), prints questions/s and
the growth per size, and on a sample checks the result against a brute-force
all-pairs comparison with the same similarity (the peer), side by side.

    .venv/bin/python bench/faq_merge.py
    .venv/bin/python bench/faq_merge.py --pairs-only
    .venv/bin/python bench/faq_merge.py --sizes 1000,50000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path

import opencc

from build_tools.check import check_tree
from build_tools.faq import merge
from build_tools.load.tree import load_tree
from build_tools.text.analysis import Analyzer

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "content"
PAIRS = Path(__file__).resolve().parents[1] / "tests" / "faq" / "merge_pairs.jsonl"
FILLERS = ("请问", "您好，", "想咨询一下，", "")
ENDINGS = ("？", "?", "吗？", "。", "", "呢")


def corpus_questions(corpus: Path) -> tuple[list[str], list[str]]:
    content, _ = check_tree(load_tree(corpus))
    questions = [pair.question for session in content.sessions for pair in session.pairs]
    return questions, [region.name for region in content.taxonomy.regions]


def variant(question: str, rng: random.Random, to_traditional) -> str:
    """The same question as someone else would type it."""
    text = question.rstrip("？?。！")
    if rng.random() < 0.5:
        text = text.replace("可以", "能").replace("能否", "可以")
    if rng.random() < 0.3:
        text = to_traditional(text)
    return rng.choice(FILLERS) + text + rng.choice(ENDINGS)


def make_questions(base: list[str], regions: list[str], size: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    to_traditional = opencc.OpenCC("s2t").convert
    questions: list[str] = []
    while len(questions) < size:
        if questions and rng.random() < 0.35:
            questions.append(variant(rng.choice(questions), rng, to_traditional))
        else:
            questions.append(f"{rng.choice(regions)}{rng.randint(2015, 2026)}年{rng.choice(base)}")
    return questions


def brute_force(questions: list[str], analyzer: Analyzer) -> list[list[int]]:
    """All pairs compared with the same test as merging's: the peer, quadratic by design."""
    records = merge._records([merge.question_words(q, analyzer) for q in questions])
    weights = merge._weights(records)
    parent = list(range(len(records)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for a in range(len(records)):
        for b in range(a):
            x, y = records[a], records[b]
            if (
                x.decisive == y.decisive
                and merge._asks_the_same(x, y)
                and not merge._replaced(x.words, y.words)
                and merge._similarity(x, y, weights) >= merge.SIMILARITY
            ):
                parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for index, record in enumerate(records):
        groups.setdefault(root(index), []).extend(record.members)
    return sorted(sorted(g) for g in groups.values())


def merged_pairs(pairs: list[dict], analyzer: Analyzer, context: list[str]) -> list[bool]:
    """For each pair, whether merging makes it one entry when its questions are clustered with `context`."""
    questions = list(dict.fromkeys([*context, *(p[k] for p in pairs for k in "ab")]))
    group_of = {questions[i]: number for number, group in enumerate(merge.cluster(questions, analyzer)) for i in group}
    return [group_of[p["a"]] == group_of[p["b"]] for p in pairs]


def pair_scores(pairs: list[dict], merged: list[bool]) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives), overall ("all") and per "why"."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pair, same in zip(pairs, merged):
        for key in ("all", pair["why"]):
            counts[key][0] += same and pair["same"]
            counts[key][1] += same and not pair["same"]
            counts[key][2] += pair["same"] and not same
    return {key: (tp, fp, fn) for key, (tp, fp, fn) in counts.items()}


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "–"


def print_pairs(pairs: list[dict], base: list[str], analyzer: Analyzer) -> None:
    among = pair_scores(pairs, merged_pairs(pairs, analyzer, base))
    alone = pair_scores(pairs, [merged_pairs([p], analyzer, [])[0] for p in pairs])
    labelled = defaultdict(lambda: [0, 0])
    for pair in pairs:
        labelled[pair["why"]][not pair["same"]] += 1
    print(f"{len(pairs)} labelled pairs ({sum(p['same'] for p in pairs)} the same question), {len(base):,} real questions around them\n")
    print("| why | pairs same / different | among the corpus: precision | recall | wrongly merged | alone: precision | recall | wrongly merged |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key in ["all", *sorted(labelled, key=lambda k: (-labelled[k][0], k))]:
        (tp, fp, fn), (tp1, fp1, fn1) = among[key], alone[key]
        same, different = (sum(v[0] for v in labelled.values()), sum(v[1] for v in labelled.values())) if key == "all" else labelled[key]
        name = f"**{key}**" if key == "all" else key
        print(
            f"| {name} | {same} / {different} | {ratio(tp, tp + fp)} | {ratio(tp, tp + fn)} | {fp} "
            f"| {ratio(tp1, tp1 + fp1)} | {ratio(tp1, tp1 + fn1)} | {fp1} |"
        )
    tp, fp, fn = among["all"]
    print(f"\nTargets: precision ≥ 0.98 ({tp / max(tp + fp, 1):.3f}), recall ≥ 0.90 ({tp / max(tp + fn, 1):.3f}).")
    print("Precision is “–” for a kind of pair that must stay apart and none merged; recall is “–” for one with no pair to merge.\n")


def timed(function, *args, runs: int = 1):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sizes", default="5000,20000,50000,80000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peer-size", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pairs", type=Path, default=PAIRS, help="the labelled pairs (JSON lines: a, b, same, why)")
    parser.add_argument("--pairs-only", action="store_true", help="only the labelled pairs, not the speed")
    options = parser.parse_args()
    base, regions = corpus_questions(options.corpus)
    analyzer = Analyzer()
    analyzer.analyze("预热")  # load the dictionary outside the timings

    pairs = [json.loads(line) for line in options.pairs.read_text(encoding="utf-8").splitlines() if line.strip()]
    print_pairs(pairs, base, analyzer)
    if options.pairs_only:
        return

    print(f"{len(base)} real questions as the base\n")
    print("| questions | entries | merge s (median) | questions/s | s per 1,000 |")
    print("|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in options.sizes.split(",")):
        questions = make_questions(base, regions, size, options.seed)
        seconds, groups = timed(merge.cluster, questions, analyzer, runs=options.runs)
        print(f"| {size:,} | {len(groups):,} | {seconds:.2f} | {size / seconds:,.0f} | {1000 * seconds / size:.3f} |")

    sample = make_questions(base, regions, options.peer_size, options.seed + 1)
    ours_s, ours = timed(merge.cluster, sample, analyzer)
    peer_s, peer = timed(brute_force, sample, analyzer)
    print(
        f"\nOn {options.peer_size:,} questions: prefix filtering {ours_s:.2f} s, all pairs {peer_s:.2f} s "
        f"(ratio {peer_s / ours_s:.1f}×); same clusters: {ours == peer}"
    )
    print(f"All pairs grows with the square: ≈ {peer_s * (50_000 / options.peer_size) ** 2:,.0f} s at 50,000 questions (extrapolated).")
    print("Target: 50,000 questions in under 60 s on this 2-core machine.")


if __name__ == "__main__":
    main()
