"""How fast FAQ merging is, and that prefix filtering loses nothing.

Makes N questions (default 5,000, 20,000, 50,000, 80,000) from the real
corpus's questions: new distinct questions are a real question set in one
of the corpus's regions (北京市…) and years, so that the number of distinct
questions grows with N; and a third are re-askings of an earlier one with
the changes people make — traditional script, other punctuation, a filler
word, a modal word swapped (能/可以). Times
`faq.merge.cluster` on each size (median of --runs), prints questions/s and
the growth per size, and on a sample checks the result against a brute-force
all-pairs comparison with the same similarity (the peer), side by side.

    .venv/bin/python bench/faq_merge.py
    .venv/bin/python bench/faq_merge.py --sizes 1000,50000 --runs 3
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import opencc

from build_tools.check import check_tree
from build_tools.faq import merge
from build_tools.load.tree import load_tree
from build_tools.text.analysis import Analyzer

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "content"
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
    """All pairs compared with the same similarity: the peer, quadratic by design."""
    records = merge._records([merge.question_words(q, analyzer) for q in questions], merge.ROLES)
    weights = merge._weights(records)
    parent = list(range(len(records)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for a in range(len(records)):
        for b in range(a):
            if records[a].decisive == records[b].decisive and merge._similarity(records[a], records[b], weights) >= merge.SIMILARITY:
                parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for index, record in enumerate(records):
        groups.setdefault(root(index), []).extend(record.members)
    return sorted(sorted(g) for g in groups.values())


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
    options = parser.parse_args()
    base, regions = corpus_questions(options.corpus)
    analyzer = Analyzer()
    analyzer.analyze("预热")  # load the dictionary outside the timings

    print(f"{len(base)} real questions as the base\n")
    print("| questions | entries | merge s (median) | questions/s | s per 1,000 |")
    print("|---:|---:|---:|---:|---:|")
    for size in (int(s) for s in options.sizes.split(",")):
        questions = make_questions(base, regions, size, options.seed)
        seconds, groups = timed(merge.cluster, questions, analyzer, frozenset(), runs=options.runs)
        print(f"| {size:,} | {len(groups):,} | {seconds:.2f} | {size / seconds:,.0f} | {1000 * seconds / size:.3f} |")

    sample = make_questions(base, regions, options.peer_size, options.seed + 1)
    ours_s, ours = timed(merge.cluster, sample, analyzer, frozenset())
    peer_s, peer = timed(brute_force, sample, analyzer)
    print(f"\nOn {options.peer_size:,} questions: prefix filtering {ours_s:.2f} s, all pairs {peer_s:.2f} s "
          f"(ratio {peer_s / ours_s:.1f}×); same clusters: {ours == peer}")
    print(f"All pairs grows with the square: ≈ {peer_s * (50_000 / options.peer_size) ** 2:,.0f} s at 50,000 questions (extrapolated).")
    print("Target: 50,000 questions in under 60 s on this 2-core machine.")


if __name__ == "__main__":
    main()
