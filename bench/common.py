"""Shared by the search benchmarks: the real corpus (with the fix `policy check` proposes, corpus_fix.py), synthetic documents, metrics, tables.

Used by bench/search_quality.py and bench/search_speed.py; not a script itself.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from corpus_fix import CORPUS, fixed_corpus

from build_tools.models import Site
from build_tools.build.pipeline import run_pipeline
from build_tools.text.analysis import DOCNUM, STOP_WORDS, Analyzer, fold
from build_tools.indexes.documents import SearchDocument, documents_of

TODAY = dt.date(2026, 11, 23)
SENTENCE_END = re.compile(r"[。！？\n]+")
SHORT_QUERIES = ("社保 缓缴", "房租减免", "中小企业 税收", "稳岗补贴", "贷款 贴息", "复工复产", "增值税 减免", "个体工商户")


# --- corpus -----------------------------------------------------------------------------


def load_site(corpus: Path = CORPUS) -> Site:
    """The corpus through our pipeline, as of TODAY (every explainer is published then).

    Explainers published twice (same title and 文号) are read with the fix `policy check`
    proposes: the later supersedes the earlier, which stays published and searchable."""
    return run_pipeline(fixed_corpus(corpus), TODAY)


@dataclass(frozen=True)
class Question:
    """A briefing question and the explainer that answers it."""

    text: str
    target: str
    session: str


def briefing_questions(site: Site) -> list[Question]:
    """Every question of every briefing session, with the session's one policy as the target."""
    return [
        Question(pair.question, session.policies[0], session.slug)
        for session in site.content.sessions
        if session.kind.value == "briefing" and session.policies
        for pair in session.pairs
    ]


def policy_documents(site: Site) -> list[SearchDocument]:
    """The explainers' search documents (FAQ entries left out)."""
    return [d for d in documents_of(site) if d.kind == "policy"]


def to_traditional():
    """OpenCC simplified → traditional, as a function of one string."""
    import opencc

    return opencc.OpenCC("s2t").convert


# --- metrics ----------------------------------------------------------------------------


def rank_of(slugs: Sequence[str], target: str) -> int | None:
    """1-based rank of `target` in `slugs`, None when absent."""
    return slugs.index(target) + 1 if target in slugs else None


def ranking_metrics(ranks: Sequence[int | None], k: int = 10) -> dict[str, float]:
    """Recall@1, Recall@k, MRR@k and nDCG@k with one relevant document per query."""
    n = len(ranks) or 1
    top = [r for r in ranks if r is not None and r <= k]
    return {
        "questions": len(ranks),
        "recall@1": sum(r == 1 for r in top) / n,
        f"recall@{k}": len(top) / n,
        f"mrr@{k}": sum(1 / r for r in top) / n,
        f"ndcg@{k}": sum(1 / math.log2(r + 1) for r in top) / n,
    }


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100), linear between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = (len(ordered) - 1) * p / 100
    low, high = math.floor(index), math.ceil(index)
    return ordered[low] + (ordered[high] - ordered[low]) * (index - low)


def timed(function, *args, **kwargs):
    """(result, seconds) of one call, by wall clock."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {"mean_ms": statistics.fmean(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "max_ms": max(ms)}


def folder_size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file()) / 1e6


# --- synthetic documents ----------------------------------------------------------------


def corpus_sentences(documents: Iterable[SearchDocument]) -> list[str]:
    """Sentences of the explainers' bodies (split on 。！？ and newlines), 8 characters or more."""
    sentences = []
    for document in documents:
        for piece in SENTENCE_END.split(document.body):
            piece = piece.strip()
            if len(piece) >= 8:
                sentences.append(piece)
    return sentences


@dataclass(frozen=True)
class Pools:
    """Real values from the corpus that synthetic documents are sampled from."""

    sentences: list[str]
    titles: list[str]
    departments: list[tuple[str, ...]]
    regions: list[tuple[str, tuple[str, ...]]]
    topics: list[tuple[str, ...]]
    audiences: list[tuple[str, ...]]
    tags: list[tuple[str, ...]]
    numbers: list[tuple[str, str]]  # (issuer prefix, year) of real 文号
    statuses: list[str]


def corpus_pools(documents: Sequence[SearchDocument]) -> Pools:
    numbers = [(m["prefix"] or "", m["year"]) for d in documents if (m := DOCNUM.search(d.number))]
    sentences = corpus_sentences(documents)
    return Pools(
        sentences=sentences,
        titles=[s for s in sentences if 10 <= len(s) <= 40],
        departments=[d.department for d in documents],
        regions=[(d.region, d.region_path) for d in documents],
        topics=[d.topics for d in documents],
        audiences=[d.audience for d in documents],
        tags=[d.tags for d in documents],
        numbers=numbers or [("国办发", "2020")],
        statuses=[d.status for d in documents],
    )


def _text_of_length(rng: random.Random, sentences: Sequence[str], length: int) -> str:
    parts, total = [], 0
    while total < length:
        sentence = rng.choice(sentences) + "。"
        parts.append(sentence)
        total += len(sentence)
    return "".join(parts)


def synthetic_document(i: int, rng: random.Random, pools: Pools, traditional) -> SearchDocument:
    """One explainer-like document: title, summary and a 1,200–1,500 character body from real sentences."""
    title = rng.choice(pools.titles)
    summary = _text_of_length(rng, pools.sentences, rng.randint(60, 150))[:160]
    body = _text_of_length(rng, pools.sentences, rng.randint(1200, 1500))
    if traditional is not None:
        title, summary, body = traditional(title), traditional(summary), traditional(body)
    prefix, year = rng.choice(pools.numbers)
    published = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4000))
    region, region_path = rng.choice(pools.regions)
    return SearchDocument(
        id=f"policy:syn-{i:06d}", kind="policy", slug=f"syn-{i:06d}", url=f"policies/syn-{i:06d}/",
        title=title, summary=summary, body=body, published=published, status=rng.choice(pools.statuses),
        department=rng.choice(pools.departments), region=region, region_path=region_path,
        number=f"{prefix}〔{year}〕{rng.randint(1, 200)}号" if rng.random() < 0.6 else "",
        tags=rng.choice(pools.tags), topics=rng.choice(pools.topics), audience=rng.choice(pools.audiences),
        effective=published if rng.random() < 0.5 else None,
        expires=published + dt.timedelta(days=rng.randint(180, 2000)) if rng.random() < 0.3 else None,
    )


def synthetic_documents(pools: Pools, size: int, seed: int, traditional_share: float = 0.1) -> list[SearchDocument]:
    """`size` deterministic synthetic documents; about `traditional_share` of them in traditional script."""
    rng = random.Random(seed)
    s2t = to_traditional()
    return [
        synthetic_document(i, rng, pools, s2t if rng.random() < traditional_share else None)
        for i in range(size)
    ]


def vocabulary(analyzer: Analyzer, titles: Iterable[str], top: int = 400) -> list[str]:
    """The most frequent 2–4 character words of the corpus titles (no stop words)."""
    counts: dict[str, int] = {}
    for title in titles:
        for word in analyzer.segment(fold(title)):
            if 2 <= len(word) <= 4 and word not in STOP_WORDS and re.fullmatch(r"[\u4e00-\u9fff]+", word):
                counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))[:top]


def sample_queries(questions: Sequence[str], words: Sequence[str], count: int, seed: int, short_share: float = 0.3) -> list[str]:
    """`count` queries: briefing questions, and short 1–3 word queries (SHORT_QUERIES first)."""
    rng = random.Random(seed)
    short = list(SHORT_QUERIES)
    queries = []
    for _ in range(count):
        if rng.random() < short_share:
            queries.append(short.pop(0) if short else " ".join(rng.sample(list(words), rng.randint(1, 3))))
        else:
            queries.append(rng.choice(questions))
    return queries


# --- output -----------------------------------------------------------------------------


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence]) -> str:
    def cell(value) -> str:
        if isinstance(value, float):
            return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_json(path: Path | None, data: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")

