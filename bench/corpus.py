"""A content folder of any size, made from the real corpus: for benchmarks at scale.

    .venv/bin/python bench/corpus.py --explainers 5000 --seed 1 /tmp/content-5000
    .venv/bin/python bench/corpus.py --explainers 1000 --corpus ../shared/corpus/content OUT

or, as a module: `generate(out_dir, explainers=5000, seed=1)`.

What it writes into OUT (a complete content folder that passes `policy check`):

- `departments.yml`, `taxonomy.yml`: the corpus's registries, copied unchanged;
- N explainers under `policies/<year>/`: each takes the metadata of a real
  explainer (department, co-departments, region, topics, audience, tags, the
  issuer of its 文号; a 文号 never repeats for the same title: `policy check`
  would report that as one explainer published twice) and a body of the length
  of a real explainer, made of real paragraphs under the usual section
  headings; published dates follow the corpus's, a few are scheduled, some have
  a validity window, a few supersede an older explainer of the same
  department, some list related ones;
- Q&A sessions under `qa/` with exactly 4·N questions: sessions copy the kind,
  host, departments and size of a real session; questions are real questions
  with their details, askers and answers. A real question used once is kept as
  is, used again it is placed in a region and year (北京市2021年…, a new question
  to the FAQ); about 15 % are re-askings of an earlier question, verbatim or as
  someone else would type it (bench/faq_merge.py's variants);
- about 10 % of the explainers and questions in traditional script (OpenCC s2t).

The same corpus, N and seed give the same files, byte for byte. The corpus is read
with the fix `policy check` proposes for its explainers published twice (corpus_fix.py).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import opencc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_fix import CORPUS, fixed_corpus  # noqa: E402
from faq_merge import variant  # noqa: E402

from build_tools.check import check_tree  # noqa: E402
from build_tools.check.rules import comparable_text  # noqa: E402  (the check's comparison of titles and 文号)
from build_tools.load.tree import DEPARTMENTS_FILE, TAXONOMY_FILE, load_tree  # noqa: E402
from build_tools.models import Content, Explainer, QAPair, QASession  # noqa: E402
from build_tools.text.analysis import DOCNUM  # noqa: E402

QUESTIONS_PER_EXPLAINER = 4
TRADITIONAL_SHARE = 0.10
DUPLICATE_SHARE = 0.15
SCHEDULED_SHARE = 0.01
LATEST = dt.date(2026, 10, 31)  # published dates after this are scheduled ones
SECTIONS = ("政策要点", "适用对象", "申请条件", "办理流程", "支持措施", "责任分工")
_PLAIN_PARAGRAPH = re.compile(r"^[^#|<>\-*`=\s!\[]")


@dataclass(frozen=True)
class Sources:
    """What the synthetic content is sampled from: the real corpus, typed by our checker."""

    root: Path
    explainers: list[Explainer]
    sessions: list[QASession]
    pairs: list[QAPair]
    paragraphs: list[str]
    body_lengths: list[int]
    regions: list[str]
    numbers: list[tuple[str, str]]  # (issuer prefix, year) of the real 文号


@dataclass(frozen=True)
class Summary:
    explainers: int
    sessions: int
    questions: int
    traditional_explainers: int
    traditional_questions: int
    repeated_questions: int


def read_sources(corpus: Path = CORPUS) -> Sources:
    """The explainers, sessions and values of `corpus`, with the fix `policy check` proposes for explainers published twice."""
    content, issues = check_tree(load_tree(fixed_corpus(corpus)))
    errors = [i for i in issues if i.is_error]
    if errors or not content.explainers or not content.sessions:
        raise SystemExit(f"{corpus}: not a clean corpus ({len(errors)} errors, {len(content.explainers)} explainers)")
    return _sources(content)


def _sources(content: Content) -> Sources:
    paragraphs = [line.strip() for e in content.explainers for line in e.body.split("\n")
                  if len(line.strip()) >= 12 and _PLAIN_PARAGRAPH.match(line.strip())]
    numbers = [(m["prefix"] or "", m["year"]) for e in content.explainers
               if e.policy and e.policy.number and (m := DOCNUM.search(e.policy.number))]
    return Sources(
        root=content.root,
        explainers=sorted(content.explainers, key=lambda e: e.slug),
        sessions=sorted(content.sessions, key=lambda s: s.slug),
        pairs=[p for s in sorted(content.sessions, key=lambda s: s.slug) for p in s.pairs],
        paragraphs=paragraphs,
        body_lengths=sorted(len(e.body) for e in content.explainers),
        regions=[r.name for r in content.taxonomy.regions],
        numbers=numbers or [("国办发", "2020")],
    )


def generate(out: Path, explainers: int, seed: int = 1, corpus: Path = CORPUS, sources: Sources | None = None) -> Summary:
    """Write a content folder with `explainers` explainers and 4·N questions into `out` (emptied first)."""
    sources = sources or read_sources(corpus)
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    (out / "policies").mkdir(parents=True)
    (out / "qa").mkdir()
    for name in (DEPARTMENTS_FILE, TAXONOMY_FILE):
        shutil.copyfile(sources.root / name, out / name)
    writer = _Writer(sources, random.Random(seed), opencc.OpenCC("s2t").convert)
    made = [writer.explainer(out, index) for index in range(explainers)]
    sessions = writer.sessions(out, made, QUESTIONS_PER_EXPLAINER * explainers)
    return Summary(explainers, sessions, writer.questions, writer.traditional_explainers, writer.traditional_questions, writer.repeated)


@dataclass(frozen=True)
class _Made:
    slug: str
    title: str
    department: str
    published: dt.date


class _Writer:
    def __init__(self, sources: Sources, rng: random.Random, to_traditional):
        self.sources, self.rng, self.s2t = sources, rng, to_traditional
        self.by_department: dict[str, list[_Made]] = {}
        self.numbers: dict[str, set[str]] = {}  # title → the 文号 given to it, both as `policy check` compares them
        self.slugs: list[str] = []
        self.questions = self.traditional_explainers = self.traditional_questions = self.repeated = 0

    # --- explainers -------------------------------------------------------------------------

    def explainer(self, out: Path, index: int) -> _Made:
        rng, model = self.rng, self.rng.choice(self.sources.explainers)
        slug = f"{model.slug.split('-')[0]}-{index:06d}"
        published = self._published(model.published)
        title = self._title(model)
        body = self._body(rng.choice(self.sources.body_lengths))
        if rng.random() < TRADITIONAL_SHARE:
            title, body = self.s2t(title), self.s2t(body)
            self.traditional_explainers += 1
        text = "".join(p for p in body.split("\n\n")[:6] if not p.startswith("#"))
        summary = re.sub(r"\s+", "", text)[: rng.randint(60, 180)]
        fields: dict = {
            "title": title, "summary": summary, "department": model.department.name,
            "co_departments": [d.name for d in model.co_departments], "region": model.region.name,
            "topics": [t.name for t in model.topics], "audience": [t.name for t in model.audience],
            "published": published,
        }
        if model.policy:
            fields["policy"] = self._policy(model, published, title)
        if rng.random() < 0.4:
            fields["effective"] = published
            if rng.random() < 0.6:
                fields["expires"] = published + dt.timedelta(days=rng.randint(180, 1800))
        same = self.by_department.get(model.department.name, [])
        if same and rng.random() < 0.03:
            fields["supersedes"] = [rng.choice(same).slug]  # an older one: no cycles
        if index and rng.random() < 0.2:
            fields["related"] = sorted({self.slugs[rng.randrange(index)] for _ in range(rng.randint(1, 3))})
        if rng.random() < 0.3:
            fields["contact"] = f"0{rng.randint(10, 999)}-{rng.randint(10000000, 99999999)}（{model.department.name}）"
        fields["tags"] = list(model.tags)
        path = out / "policies" / str(published.year) / f"{slug}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(_front_matter(fields) + "\n" + body + "\n", encoding="utf-8")
        made = _Made(slug, title, model.department.name, published)
        self.by_department.setdefault(model.department.name, []).append(made)
        self.slugs.append(slug)
        return made

    def _published(self, real: dt.date) -> dt.date:
        if self.rng.random() < SCHEDULED_SHARE:
            return LATEST + dt.timedelta(days=self.rng.randint(60, 400))
        return min(real + dt.timedelta(days=self.rng.randint(-400, 400)), LATEST)

    def _title(self, model: Explainer) -> str:
        region = model.region.name
        title = model.title
        if region != "全国" and not title.startswith(region) and self.rng.random() < 0.5:
            title = f"{region}{title}"
        return title + self.rng.choice(("", "", "解读", "政策解读", "（修订）"))

    def _policy(self, model: Explainer, published: dt.date, title: str) -> dict:
        policy = model.policy
        block: dict = {"title": policy.title}
        if policy.number or self.rng.random() < 0.5:
            prefix, _ = self.rng.choice(self.sources.numbers)
            block["number"] = self._number(prefix, published.year, title)
        if policy.issuer:
            block["issuer"] = policy.issuer
        block["issued"] = published - dt.timedelta(days=self.rng.randint(0, 60))
        if policy.url:
            block["url"] = f"https://www.example.gov.cn/zhengce/{published:%Y%m}/content_{self.rng.randint(10**6, 10**7 - 1)}.htm"
        return block

    def _number(self, prefix: str, year: int, title: str) -> str:
        """A 文号 not yet given to an explainer of this title: the same title and 文号 twice is one explainer published twice."""
        given = self.numbers.setdefault(comparable_text(title), set())
        tries = 0
        while True:
            number = f"{prefix}〔{year}〕{self.rng.randint(1, 200 * (1 + tries // 100))}号"
            if comparable_text(number) not in given:
                given.add(comparable_text(number))
                return number
            tries += 1

    def _body(self, length: int) -> str:
        sections = self.rng.sample(SECTIONS, k=min(len(SECTIONS), 1 + length // 1500))
        per_section = max(1, length // len(sections))
        parts = []
        for section in sections:
            parts.append(f"## {section}")
            written = 0
            while written < per_section:
                paragraph = self.rng.choice(self.sources.paragraphs)
                parts.append(paragraph)
                written += len(paragraph)
        return "\n\n".join(parts)

    # --- Q&A sessions -----------------------------------------------------------------------

    def sessions(self, out: Path, made: list[_Made], questions: int) -> int:
        rng, asked, count = self.rng, [], 0
        dates = sorted(m.published for m in made)
        used: set[int] = set()
        while self.questions < questions:
            model = rng.choice(self.sources.sessions)
            size = min(max(1, len(model.pairs)), questions - self.questions)
            date = dates[bisect.bisect_left(dates, model.date) % len(dates)] if model.kind.value == "briefing" else model.date
            policies = self._session_policies(model, made)
            pairs = [self._pair(asked, used) for _ in range(size)]
            title = model.title if model.kind.value != "briefing" or not policies else f"政策答疑：{_title_of(made, policies[0])}"
            fields: dict = {"title": title, "date": date, "kind": model.kind.value}
            if model.host:
                fields["host"] = model.host
            if model.departments:
                fields["departments"] = [d.name for d in model.departments]
            if policies:
                fields["policies"] = policies
            if model.source:
                fields["source"] = model.source
            slug = f"{model.kind.value}-{count:06d}"
            path = out / "qa" / model.kind.value / f"{slug}.md"
            path.parent.mkdir(exist_ok=True)
            path.write_text(_front_matter(fields) + "\n" + "\n\n".join(pairs) + "\n", encoding="utf-8")
            count += 1
        return count

    def _session_policies(self, model: QASession, made: list[_Made]) -> list[str]:
        if not model.policies:
            return []
        return sorted({self.rng.choice(made).slug for _ in model.policies})

    def _pair(self, asked: list[str], used: set[int]) -> str:
        rng = self.rng
        index = rng.randrange(len(self.sources.pairs))
        pair = self.sources.pairs[index]
        if asked and rng.random() < DUPLICATE_SHARE:
            question = rng.choice(asked)
            question = question if rng.random() < 0.4 else variant(question, rng, self.s2t)
            self.repeated += 1
        elif index in used:
            question = f"{rng.choice(self.sources.regions)}{rng.randint(2015, 2026)}年{pair.question}"
        else:
            question, _ = pair.question, used.add(index)
        traditional = rng.random() < TRADITIONAL_SHARE
        if traditional:
            question = self.s2t(question)
            self.traditional_questions += 1
        asked.append(question)
        self.questions += 1
        lines = [f"## {'問' if traditional else '问'}：{_one_line(question)}"]
        if pair.details:
            lines.append(pair.details)
        if pair.asker:
            lines.append(f"提问：{_one_line(pair.asker)}")
        department = f"（{pair.answered_by.name}）" if pair.answered_by else ""
        lines.append(f"答{department}：{pair.answer}")
        return "\n\n".join(lines)


def _title_of(made: list[_Made], slug: str) -> str:
    return made[int(slug.rsplit("-", 1)[1])].title


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _front_matter(fields: dict) -> str:
    """YAML front matter: strings as JSON (a subset of YAML), dates bare, lists inline."""
    lines = ["---"]
    for key, value in fields.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {k}: {_yaml_value(v)}" for k, v in value.items()]
        elif value != []:
            lines.append(f"{key}: {_yaml_value(value)}")
    return "\n".join(lines + ["---"]) + "\n"


def _yaml_value(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the content folder to write (replaced if it exists)")
    parser.add_argument("--explainers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    options = parser.parse_args()
    summary = generate(options.out, options.explainers, options.seed, options.corpus)
    print(f"{options.out}: {summary.explainers:,} explainers, {summary.sessions:,} sessions, {summary.questions:,} questions "
          f"({summary.repeated_questions:,} asked again, {summary.traditional_questions:,} in traditional script; "
          f"{summary.traditional_explainers:,} explainers in traditional script)")


if __name__ == "__main__":
    main()
