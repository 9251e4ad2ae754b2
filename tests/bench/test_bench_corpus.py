"""The corpus generator of bench/corpus.py: complete, valid, deterministic content at any size."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import sys
from collections import Counter
from pathlib import Path

import pytest

from build_tools.build.pipeline import check_content

from conftest import CORPUS, ROOT

sys.path.insert(0, str(ROOT / "bench"))
corpus = pytest.importorskip("corpus")

# The real corpus when it is beside the project, else the sample content: the generator works from either.
SOURCE = CORPUS if CORPUS.is_dir() else ROOT / "content"
EXPLAINERS = 40


@pytest.fixture(scope="module")
def sources():
    return corpus.read_sources(SOURCE)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, sources) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("generated") / "content"
    return out, corpus.generate(out, EXPLAINERS, seed=3, sources=sources)


def digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            sha.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


def test_passes_policy_check_with_no_errors(generated):
    out, _ = generated
    content, issues = check_content(out, dt.date(2026, 11, 23))
    assert [i for i in issues if i.is_error] == []
    assert len(content.explainers) == EXPLAINERS
    assert (out / "departments.yml").read_bytes() == (SOURCE / "departments.yml").read_bytes()
    assert (out / "taxonomy.yml").read_bytes() == (SOURCE / "taxonomy.yml").read_bytes()


def test_has_four_questions_per_explainer(generated):
    out, summary = generated
    content, _ = check_content(out)
    assert sum(len(s.pairs) for s in content.sessions) == 4 * EXPLAINERS == summary.questions


def test_has_traditional_script_and_questions_asked_again(generated):
    import opencc

    out, summary = generated
    content, _ = check_content(out)
    to_simplified = opencc.OpenCC("t2s").convert
    questions = [p.question for s in content.sessions for p in s.pairs]
    assert summary.traditional_questions > 0 and summary.repeated_questions > 0
    assert any(to_simplified(q) != q for q in questions)
    assert any("## 問：" in path.read_text(encoding="utf-8") for path in (out / "qa").rglob("*.md"))
    assert Counter(questions).most_common(1)[0][1] >= 2 or summary.repeated_questions > 0


def test_same_seed_same_files_other_seed_other_files(generated, sources, tmp_path):
    out, _ = generated
    corpus.generate(tmp_path / "again", EXPLAINERS, seed=3, sources=sources)
    corpus.generate(tmp_path / "other", EXPLAINERS, seed=4, sources=sources)
    assert digest(tmp_path / "again") == digest(out)
    assert digest(tmp_path / "other") != digest(out)


def test_explainer_metadata_comes_from_the_corpus(generated, sources):
    out, _ = generated
    content, _ = check_content(out)
    real_departments = {e.department.name for e in sources.explainers}
    assert {e.department.name for e in content.explainers} <= real_departments
    bodies = sorted(len(e.body) for e in content.explainers)
    assert bodies[len(bodies) // 2] > 500  # realistic lengths, not stubs


def test_never_the_same_title_and_number_twice(sources, tmp_path):
    # one real explainer as the model of every explainer, one 文号 issuer: titles repeat within a year by the
    # dozen, so numbers drawn from 1–200 at random would repeat for the same title (one explainer published twice)
    model = next(e for e in sources.explainers if e.policy and e.policy.number and e.region.name != "全国")
    one = dataclasses.replace(sources, explainers=[model], numbers=sources.numbers[:1])
    corpus.generate(tmp_path / "one", 300, seed=3, sources=one)
    content, issues = check_content(tmp_path / "one")
    assert Counter((e.title, e.published.year) for e in content.explainers).most_common(1)[0][1] >= 20
    assert [i for i in issues if i.is_error] == []


def test_entries_linked_again_after_body_edits_are_those_a_new_assembly_makes(generated):
    # the build record's FAQ after body edits (faq/kept.py): only entries a changed body decides are linked again
    from build_tools.build.pipeline import checked, dated
    from build_tools.faq import assemble_faq, relink_faq
    from build_tools.load.tree import load_tree

    out, _ = generated
    site = dated(*checked(load_tree(out)), dt.date(2026, 11, 23))
    named = sorted({slug for session in site.content.sessions for slug in session.policies} & {e.slug for e in site.explainers})
    edited = set(named[::2])
    bodies = [dataclasses.replace(e, body="") if e.slug in edited else e for e in site.explainers]  # the words questions share are gone

    def links(entries):
        return [(e.id, [(link.slug, link.kind, link.score) for link in e.links], [t.id for t in e.topics]) for e in entries]

    before = links(assemble_faq(site.content, site.explainers))
    expected = links(assemble_faq(site.content, bodies))
    assert edited and before != expected  # the edits change links: the comparison below can fail
    assert links(relink_faq(site.content, bodies, assemble_faq(site.content, site.explainers), edited)) == expected
