"""How well and how fast personal data of the public is masked.

Scores `build_tools.text.redact` on the labelled set tests/text/redaction_cases.jsonl
(personal data written every way the public writes it, and look-alikes that must stay:
文号, dates, amounts, hotlines, landlines, company codes, words around names): precision
and recall per kind, a found span counting as right when it overlaps a labelled span of
the same kind. Then times redact() over every text of the real corpus's Q&A sessions that
the site publishes (questions, details, asker lines; best of --runs) and counts what it
masks there (the corpus's numbers are already zeroed, so what is left is mostly names).

    .venv/bin/python bench/redaction.py
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from build_tools.check import check_tree
from build_tools.load.tree import load_tree
from build_tools.text.redact import KINDS, find_personal_data, redact

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "text" / "redaction_cases.jsonl"
CORPUS = ROOT.parent / "shared" / "corpus" / "content"


def labelled(case: dict) -> list[tuple[str, int, int]]:
    """The labelled spans of a case, found in its text in order."""
    spans, position = [], 0
    for item in case["pii"]:
        start = case["text"].index(item["text"], position)
        position = start + len(item["text"])
        spans.append((item["kind"], start, position))
    return spans


def overlaps(one: tuple[str, int, int], other: tuple[str, int, int]) -> bool:
    return one[0] == other[0] and one[1] < other[2] and other[1] < one[2]


def score(cases: list[dict]) -> dict[str, list[int]]:
    """kind → [found and labelled, found, labelled and found, labelled]."""
    counts = {kind: [0, 0, 0, 0] for kind in KINDS}
    for case in cases:
        expected = labelled(case)
        found = [(item.kind, item.start, item.end) for item in find_personal_data(case["text"])]
        for item in found:
            counts[item[0]][0] += any(overlaps(item, other) for other in expected)
            counts[item[0]][1] += 1
        for item in expected:
            counts[item[0]][2] += any(overlaps(item, other) for other in found)
            counts[item[0]][3] += 1
    return counts


def corpus_texts(corpus: Path) -> tuple[list[str], int]:
    """What redact() is given at build time: each question, its details and its asker line; and
    the number of questions."""
    content, _ = check_tree(load_tree(corpus))
    pairs = [pair for session in content.sessions for pair in session.pairs]
    return [text for pair in pairs for text in (pair.question, pair.details, pair.asker) if text], len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines()]
    look_alikes = sum(not case["pii"] for case in cases)
    print(f"labelled set: {len(cases)} strings, {look_alikes} look-alikes with nothing to mask ({look_alikes / len(cases):.0%})")
    print(f"{'kind':<10} {'precision':>10} {'recall':>10} {'labelled':>9}")
    counts = score(cases)
    for kind, (right, found, recalled, expected) in [*counts.items(), ("all", [sum(c[i] for c in counts.values()) for i in range(4)])]:
        print(f"{kind:<10} {right / found if found else 1:>10.3f} {recalled / expected if expected else 1:>10.3f} {expected:>9}")

    texts, questions = corpus_texts(args.corpus)
    best = min(_time(texts) for _ in range(args.runs))
    size = sum(map(len, texts))
    print(
        f"\nreal corpus: {questions} questions ({len(texts)} texts with details and askers, {size / 1e6:.2f} M characters): "
        f"redact() {best * 1000:.0f} ms, best of {args.runs} (80,000 questions ≈ {best / questions * 80_000:.0f} s)"
    )
    masked = Counter(item.kind for text in texts for item in find_personal_data(text))
    print("masked there: " + ", ".join(f"{kind} {masked[kind]}" for kind in KINDS))


def _time(texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        redact(text)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
